/* A container's status is derived from what is there, never stored. */
#include "internal.h"

#include <fcntl.h>
#include <unistd.h>

int container_cgroup(const struct container_state *state, struct cgroup **cg, err_t *err)
{
    *cg = NULL;
    if (state == NULL || state->cgroup_path == NULL || *state->cgroup_path == '\0')
        return 0;
    return cgroup_open(state->cgroup_path, cg, err);
}

static bool cgroup_frozen(const struct container_state *state)
{
    cleanup_cgroup struct cgroup *cg = NULL;
    cleanup_err err_t ignored = NULL;
    bool frozen = false;
    if (container_cgroup(state, &cg, &ignored) == 0 && cg)
        cgroup_is_frozen(cg, &frozen, &ignored);
    return frozen;
}

enum container_status store_status(const struct container_dir *dir, const struct container_state *state)
{
    if (state == NULL)
        return STATUS_CREATING;
    if (!container_alive(state))
        return STATUS_STOPPED;
    if (cgroup_frozen(state))
        return STATUS_PAUSED;
    if (faccessat(dir->fd, START_SOCKET, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return STATUS_CREATED;
    return STATUS_RUNNING;
}

bool container_oom_killed(const struct container_state *state)
{
    cleanup_cgroup struct cgroup *cg = NULL;
    cleanup_err err_t ignored = NULL;
    uint64_t kills = 0;
    if (container_cgroup(state, &cg, &ignored) == 0 && cg)
        cgroup_oom_kills(cg, &kills, &ignored);
    return kills > 0;
}

int container_open(const struct runtime_ctx *ctx, const char *id, bool exclusive, struct container_dir *dir,
                   struct container_state **state, err_t *err)
{
    if (container_id_check(id, err) < 0 || store_open(ctx, id, exclusive, dir, err) < 0 ||
        store_read_state(dir, state, err) < 0)
        return -1;
    if (*state == NULL)
        return make_err(err, 0, "container %s is still being created", id);
    return 0;
}
