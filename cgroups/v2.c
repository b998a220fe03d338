/* The cgroup v2 manager: one hierarchy, one directory per container. */
#include "internal.h"

#include <errno.h>

/* Writes cgroup.freeze and waits until cgroup.events reports the state:
 * freezing completes only once every task has stopped. Linux 6.1 can leave
 * a parent's "frozen 1" behind after a thaw when tasks of a child cgroup
 * exit meanwhile; writing 1 then 0 again recomputes it. */
int cg_v2_freeze(int fd, bool frozen, err_t *err)
{
    const char *value = frozen ? "1" : "0";
    if (cg_write(fd, "cgroup.freeze", value, err) < 0)
        return -1;
    for (long waited = 0;; waited += 10) {
        uint64_t state;
        if (cg_read_keyed(fd, "cgroup.events", "frozen", &state, err) < 0)
            return -1;
        if ((state == 1) == frozen)
            return 0;
        if (waited >= CGROUP_FREEZE_WAIT_MS)
            break;
        if (!frozen && waited % 500 == 100 &&
            (cg_write(fd, "cgroup.freeze", "1", err) < 0 || cg_write(fd, "cgroup.freeze", "0", err) < 0))
            return -1;
        cg_sleep_ms(10);
    }
    if (frozen) {
        cleanup_err err_t ignored = NULL;
        cg_write(fd, "cgroup.freeze", "0", &ignored);
    }
    return make_err(err, ETIMEDOUT, "the cgroup did not %s within %d ms", frozen ? "freeze" : "thaw",
                    CGROUP_FREEZE_WAIT_MS);
}

static int freeze(const struct cgroup *cg, bool frozen, err_t *err)
{
    cleanup_close int fd = cg_open_dir(&cg->hier[0], err);
    if (fd < 0)
        return -1;
    return cg_v2_freeze(fd, frozen, err);
}

/* Frozen means asked to freeze (cgroup.freeze) and done (cgroup.events). */
static int is_frozen(const struct cgroup *cg, bool *frozen, err_t *err)
{
    uint64_t requested, done;
    cleanup_close int fd = cg_open_dir(&cg->hier[0], err);
    if (fd < 0 || cg_read_u64(fd, "cgroup.freeze", &requested, err) < 0 ||
        cg_read_keyed(fd, "cgroup.events", "frozen", &done, err) < 0)
        return -1;
    *frozen = requested == 1 && done == 1;
    return 0;
}

const struct cgroup_ops cg_v2_ops = {
    .check = cg_v2_check,
    .apply = cg_v2_apply,
    .freeze = freeze,
    .is_frozen = is_frozen,
    .oom_fd = cg_v2_oom_fd,
    .oom_kills = cg_v2_oom_kills,
    .stats = cg_v2_stats,
};
