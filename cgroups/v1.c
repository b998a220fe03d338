/* The cgroup v1 manager (legacy and hybrid hosts): one directory per
 * hierarchy, the freezer in its own hierarchy. */
#include "internal.h"

#include <errno.h>
#include <string.h>

static int open_freezer(const struct cgroup *cg, err_t *err)
{
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, "freezer");
    if (h == NULL)
        return make_err(err, ENOTSUP, "the freezer cgroup controller is not mounted on this host");
    return cg_open_dir(h, err);
}

/* FREEZING may linger while tasks are stopped; writing FROZEN again is how
 * the kernel is nudged (as runc does), within a bounded wait. */
static int freeze(const struct cgroup *cg, bool frozen, err_t *err)
{
    const char *target = frozen ? "FROZEN" : "THAWED";
    cleanup_close int fd = open_freezer(cg, err);
    if (fd < 0)
        return -1;
    for (long waited = 0; waited < CGROUP_FREEZE_WAIT_MS; waited += 10) {
        cleanup_free char *state = NULL;
        if (cg_write(fd, "freezer.state", target, err) < 0 || cg_read(fd, "freezer.state", &state, err) < 0)
            return -1;
        if (strcmp(state, target) == 0)
            return 0;
        cg_sleep_ms(10);
    }
    if (frozen) {
        cleanup_err err_t ignored = NULL;
        cg_write(fd, "freezer.state", "THAWED", &ignored);
    }
    return make_err(err, ETIMEDOUT, "the cgroup did not %s within %d ms", frozen ? "freeze" : "thaw",
                    CGROUP_FREEZE_WAIT_MS);
}

static int is_frozen(const struct cgroup *cg, bool *frozen, err_t *err)
{
    cleanup_free char *state = NULL;
    cleanup_close int fd = open_freezer(cg, err);
    if (fd < 0 || cg_read(fd, "freezer.state", &state, err) < 0)
        return -1;
    *frozen = strcmp(state, "FROZEN") == 0;
    return 0;
}

const struct cgroup_ops cg_v1_ops = {
    .check = cg_v1_check,
    .apply = cg_v1_apply,
    .freeze = freeze,
    .is_frozen = is_frozen,
    .oom_fd = cg_v1_oom_fd,
    .oom_kills = cg_v1_oom_kills,
    .stats = cg_v1_stats,
};
