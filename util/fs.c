#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int read_fd(int fd, const char *name, size_t max_size, char **out, size_t *len, err_t *err)
{
    size_t cap = 4096, used = 0;
    cleanup_free char *buf = xmalloc(cap + 1);
    for (;;) {
        if (used == cap) {
            if (cap > max_size)
                return make_err(err, EFBIG, "read %s: larger than %zu bytes", name, max_size);
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return make_err(err, errno, "read %s", name);
        if (n == 0)
            break;
        used += (size_t) n;
    }
    if (used > max_size)
        return make_err(err, EFBIG, "read %s: larger than %zu bytes", name, max_size);
    buf[used] = '\0';
    if (len)
        *len = used;
    *out = steal_ptr(&buf);
    return 0;
}

int read_file_at(int dirfd, const char *path, size_t max_size, char **out, size_t *len, err_t *err)
{
    cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return make_err(err, errno, "open %s", path);
    return read_fd(fd, path, max_size, out, len, err);
}

int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode, err_t *err)
{
    cleanup_free char *tmp = xasprintf("%s.tmp%d", path, (int) getpid());
    cleanup_close int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return make_err(err, errno, "create %s", tmp);
    if (write_all(fd, data, len) < 0) {
        int saved = errno;
        unlinkat(dirfd, tmp, 0);
        return make_err(err, saved, "write %s", tmp);
    }
    if (renameat(dirfd, tmp, dirfd, path) < 0) {
        int saved = errno;
        unlinkat(dirfd, tmp, 0);
        return make_err(err, saved, "rename %s to %s", tmp, path);
    }
    return 0;
}

int write_string_at(int dirfd, const char *path, const char *s, err_t *err)
{
    cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return make_err(err, errno, "open %s", path);
    if (write_all(fd, s, strlen(s)) < 0)
        return make_err(err, errno, "write %s to %s", s, path);
    return 0;
}

int mkdir_p(const char *path, mode_t mode, err_t *err)
{
    cleanup_free char *p = xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return make_err(err, errno, "mkdir %s", p);
        *s = saved;
        if (saved == '\0')
            break;
    }
    return 0;
}

static int remove_children(int dirfd, dev_t dev, err_t *err)
{
    DIR *dir = fdopendir(dirfd);
    if (dir == NULL) {
        close(dirfd);
        return make_err(err, errno, "opendir");
    }
    int ret = 0;
    struct dirent *de;
    while (ret == 0 && (de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != dev) {
                ret = make_err(err, EBUSY, "%s is a mount point", de->d_name);
                break;
            }
            ret = remove_tree_at(dirfd, de->d_name, err);
        } else if (unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT) {
            ret = make_err(err, errno, "unlink %s", de->d_name);
        }
    }
    closedir(dir);
    return ret;
}

int remove_tree_at(int dirfd, const char *name, err_t *err)
{
    if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return 0;
    if (errno != ENOTEMPTY && errno != EEXIST)
        return make_err(err, errno, "rmdir %s", name);
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return make_err(err, errno, "open %s", name);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return make_err(err, errno, "stat %s", name);
    }
    if (remove_children(fd, st.st_dev, err) < 0)
        return wrap_err(err, "remove %s", name);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return make_err(err, errno, "rmdir %s", name);
    return 0;
}

char *path_clean(const char *p)
{
    size_t len = strlen(p);
    char *out = xmalloc(len + 2);
    bool absolute = p[0] == '/';
    size_t o = 0;
    if (absolute)
        out[o++] = '/';
    size_t base = o;
    for (const char *s = p; *s;) {
        while (*s == '/')
            s++;
        if (*s == '\0')
            break;
        const char *e = strchrnul(s, '/');
        size_t n = (size_t) (e - s);
        if (n == 1 && s[0] == '.') {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (o > base) {
                while (o > base && out[o - 1] != '/')
                    o--;
                if (o > base)
                    o--;
            } else if (!absolute) {
                if (o > 0)
                    out[o++] = '/';
                out[o++] = '.';
                out[o++] = '.';
                base = o;
            }
        } else {
            if (o > (absolute ? 1 : 0))
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return out;
}

char *path_join(const char *base, const char *p)
{
    if (p[0] == '/' || base == NULL)
        return path_clean(p);
    cleanup_free char *joined = xasprintf("%s/%s", base, p);
    return path_clean(joined);
}

char *path_absolute(const char *p)
{
    if (p[0] == '/')
        return path_clean(p);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return NULL;
    return path_join(cwd, p);
}
