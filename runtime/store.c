#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAX_SIZE (1u << 20)
#define ID_MAX_LEN 255

int container_id_check(const char *id, err_t *err)
{
    if (id == NULL || *id == '\0')
        return make_err(err, 0, "container ID is required");
    size_t len = strlen(id);
    if (len > ID_MAX_LEN)
        return make_err(err, 0, "invalid container ID: longer than %d characters", ID_MAX_LEN);
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return make_err(err, 0, "invalid container ID \"%s\"", id);
    for (const char *p = id; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-'))
            return make_err(err, 0, "invalid container ID \"%s\": only letters, digits, '_', '.' and '-' are allowed",
                            id);
    }
    return 0;
}

static int lock_dir(struct container_dir *dir, bool exclusive, err_t *err)
{
    while (flock(dir->fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
        if (errno != EINTR)
            return make_err(err, errno, "lock container %s", dir->id);
    return 0;
}

int store_create(const struct runtime_ctx *ctx, const char *id, struct container_dir *dir, err_t *err)
{
    memset(dir, 0, sizeof(*dir));
    dir->fd = -1;
    if (mkdir(ctx->root, 0700) < 0 && errno != EEXIST && mkdir_p(ctx->root, 0700, err) < 0)
        return wrap_err(err, "state root");
    dir->path = xasprintf("%s/%s", ctx->root, id);
    dir->id = xstrdup(id);
    if (mkdir(dir->path, 0700) < 0) {
        int saved = errno;
        store_close(dir);
        if (saved == EEXIST)
            return make_err(err, 0, "container \"%s\" already exists", id);
        return make_err(err, saved, "create %s/%s", ctx->root, id);
    }
    dir->fd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir->fd < 0 || lock_dir(dir, true, err) < 0) {
        if (dir->fd < 0)
            make_err(err, errno, "open %s", dir->path);
        rmdir(dir->path);
        store_close(dir);
        return -1;
    }
    return 0;
}

int store_open(const struct runtime_ctx *ctx, const char *id, bool exclusive, struct container_dir *dir, err_t *err)
{
    memset(dir, 0, sizeof(*dir));
    dir->path = xasprintf("%s/%s", ctx->root, id);
    dir->id = xstrdup(id);
    dir->fd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir->fd < 0) {
        int saved = errno;
        store_close(dir);
        if (saved == ENOENT)
            return make_err(err, 0, "container \"%s\" does not exist", id);
        return make_err(err, saved, "open %s/%s", ctx->root, id);
    }
    if (lock_dir(dir, exclusive, err) < 0) {
        store_close(dir);
        return -1;
    }
    return 0;
}

bool store_exists(const struct runtime_ctx *ctx, const char *id)
{
    cleanup_free char *path = xasprintf("%s/%s", ctx->root, id);
    return access(path, F_OK) == 0;
}

void store_close(struct container_dir *dir)
{
    cleanup_closep(&dir->fd);
    free(dir->id);
    free(dir->path);
    dir->id = dir->path = NULL;
}

void cleanup_container_dirp(struct container_dir *dir)
{
    store_close(dir);
}

int store_remove(struct container_dir *dir, err_t *err)
{
    /* The lock lives on the directory's open fd: removing it while we
     * hold it keeps others out until we are done. */
    if (remove_tree_at(AT_FDCWD, dir->path, err) < 0)
        return wrap_err(err, "remove the state of container %s", dir->id);
    return 0;
}

void store_socket_address(const struct container_dir *dir, const char *name, struct sockaddr_un *addr)
{
    *addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/%s", dir->fd, name);
}

int store_write_state(const struct container_dir *dir, const struct container_state *state, err_t *err)
{
    cleanup_free char *json = spec_state_to_json(state, STATUS_CREATED, true);
    return write_file_atomic_at(dir->fd, STATE_FILE, json, strlen(json), 0600, err);
}

int store_read_state(const struct container_dir *dir, struct container_state **state, err_t *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    cleanup_err err_t read_err = NULL;
    *state = NULL;
    if (read_file_at(dir->fd, STATE_FILE, STATE_MAX_SIZE, &json, &len, &read_err) < 0) {
        if (read_err->errnum == ENOENT)
            return 0;
        *err = steal_ptr(&read_err);
        return -1;
    }
    if (spec_state_from_json(json, len, state, err) < 0)
        return wrap_err(err, "read the state of container %s", dir->id);
    return 0;
}
