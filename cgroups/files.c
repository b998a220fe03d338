/* Reading and writing cgroup control files. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CG_FILE_MAX (4u << 20)

char *cg_dir_path(const struct cg_hierarchy *h)
{
    return path_join(h->mount, h->path[0] == '/' ? h->path + 1 : h->path);
}

int cg_open_dir(const struct cg_hierarchy *h, err_t *err)
{
    cleanup_free char *dir = cg_dir_path(h);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return make_err(err, errno, "open cgroup %s", dir);
    return fd;
}

bool cg_file_exists(int dirfd, const char *file)
{
    return faccessat(dirfd, file, F_OK, 0) == 0;
}

int cg_write(int dirfd, const char *file, const char *value, err_t *err)
{
    cleanup_close int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return make_err(err, errno, "open %s", file);
    /* One write(): the kernel parses each write as one value. */
    size_t len = strlen(value);
    ssize_t n;
    do
        n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return make_err(err, errno, "write %s", file);
    if ((size_t) n != len)
        return make_err(err, EIO, "write %s: short write", file);
    return 0;
}

int cg_config_errno(err_t *err, int errnum, const char *json_path, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    config_err(err, json_path, "%s", msg ? msg : "error");
    free(msg);
    (*err)->errnum = errnum;
    return -1;
}

int cg_set(int dirfd, const char *file, const char *value, const char *json_path, err_t *err)
{
    cleanup_err err_t cause = NULL;
    if (cg_write(dirfd, file, value, &cause) == 0)
        return 0;
    if (cause->errnum == ENOENT)
        return config_err(err, json_path, "not supported by this host: no %s in the container's cgroup", file);
    return cg_config_errno(err, cause->errnum, json_path, "write %s", file);
}

int cg_set_rdma(int dirfd, const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; i < r->rdma_len; i++) {
        const struct oci_rdma_limit *l = &r->rdma[i];
        char handles[32] = "", objects[32] = "";
        if (l->has_hca_handles)
            snprintf(handles, sizeof(handles), " hca_handle=%u", l->hca_handles);
        if (l->has_hca_objects)
            snprintf(objects, sizeof(objects), " hca_object=%u", l->hca_objects);
        cleanup_free char *line = xasprintf("%s%s%s", l->device, handles, objects);
        cleanup_free char *path = xasprintf("linux.resources.rdma[\"%s\"]", l->device);
        if (cg_set(dirfd, "rdma.max", line, path, err) < 0)
            return -1;
    }
    return 0;
}

int cg_read(int dirfd, const char *file, char **out, err_t *err)
{
    char *text = NULL;
    size_t len = 0;
    if (read_file_at(dirfd, file, CG_FILE_MAX, &text, &len, err) < 0)
        return -1;
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    *out = text;
    return 0;
}

int cg_read_u64(int dirfd, const char *file, uint64_t *out, err_t *err)
{
    cleanup_free char *text = NULL;
    if (cg_read(dirfd, file, &text, err) < 0)
        return -1;
    if (strcmp(text, "max") == 0) {
        *out = UINT64_MAX;
        return 0;
    }
    if (!parse_u64(text, out))
        return make_err(err, EINVAL, "read %s: \"%s\" is not a number", file, text);
    return 0;
}

bool cg_keyed_value(const char *text, const char *key, uint64_t *out)
{
    size_t n = strlen(key);
    for (const char *line = text; line && *line;) {
        const char *end = strchrnul(line, '\n');
        if (strncmp(line, key, n) == 0 && line[n] == ' ') {
            char buf[32];
            size_t vlen = (size_t) (end - (line + n + 1));
            if (vlen >= sizeof(buf))
                return false;
            memcpy(buf, line + n + 1, vlen);
            buf[vlen] = '\0';
            if (strcmp(buf, "max") == 0) {
                *out = UINT64_MAX;
                return true;
            }
            return parse_u64(buf, out);
        }
        line = *end ? end + 1 : NULL;
    }
    return false;
}

bool cg_keyed_pairs(const char *text, const char *key, uint64_t *out)
{
    size_t n = strlen(key);
    for (const char *p = text; (p = strstr(p, key)) != NULL; p += n) {
        if ((p == text || p[-1] == ' ') && p[n] == '=') {
            char buf[32];
            size_t vlen = strcspn(p + n + 1, " \n");
            if (vlen == 0 || vlen >= sizeof(buf))
                return false;
            memcpy(buf, p + n + 1, vlen);
            buf[vlen] = '\0';
            return parse_u64(buf, out);
        }
    }
    return false;
}

int cg_read_keyed(int dirfd, const char *file, const char *key, uint64_t *out, err_t *err)
{
    cleanup_free char *text = NULL;
    if (cg_read(dirfd, file, &text, err) < 0)
        return -1;
    if (!cg_keyed_value(text, key, out))
        *out = 0;
    return 0;
}

void cg_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}
