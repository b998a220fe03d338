#include "internal.h"

static int set_frozen(const struct runtime_ctx *ctx, const char *id, bool frozen, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    cleanup_cgroup struct cgroup *cg = NULL;
    if (container_open(ctx, id, true, &dir, &state, err) < 0 || container_cgroup(state, &cg, err) < 0)
        return -1;
    enum container_status status = store_status(&dir, state);
    if (frozen && status != STATUS_RUNNING && status != STATUS_CREATED)
        return make_err(err, 0, "cannot pause container %s: container not running (%s)", id,
                        container_status_names[status]);
    if (!frozen && status != STATUS_PAUSED)
        return make_err(err, 0, "cannot resume container %s: container not paused (%s)", id,
                        container_status_names[status]);
    if (cg == NULL)
        return make_err(err, 0, "container %s has no cgroup to freeze", id);
    if (cgroup_freeze(cg, frozen, err) < 0)
        return wrap_err(err, "%s container %s", frozen ? "pause" : "resume", id);
    return 0;
}

int container_pause(const struct runtime_ctx *ctx, const char *id, err_t *err)
{
    return set_frozen(ctx, id, true, err);
}

int container_resume(const struct runtime_ctx *ctx, const char *id, err_t *err)
{
    return set_frozen(ctx, id, false, err);
}
