/* The public face of cgroups/: creation, joining, removal, and the calls
 * that go to the v1 or v2 implementation (struct cgroup_ops). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    for (size_t i = 0; i < cg->n_hier; i++) {
        free(cg->hier[i].controllers);
        free(cg->hier[i].mount);
        free(cg->hier[i].own);
        free(cg->hier[i].path);
    }
    free(cg->hier);
    free(cg);
}

void cleanup_cgroupp(struct cgroup **cg)
{
    cgroup_free(*cg);
    *cg = NULL;
}

/* A config error already names its JSON path; others get the cgroup. */
static int context(const struct cgroup *cg, err_t *err)
{
    if ((*err)->json_path)
        return -1;
    return wrap_err(err, "cgroup %s", cg->hier[0].path);
}

/* *fresh: every cgroup was made here, so none can hold a process or be
 * frozen, and the checks for those are skipped. */
static int make_dirs(struct cgroup *cg, const struct oci_resources *r, struct cg_created *created, bool *fresh,
                     err_t *err)
{
    struct cg_controllers v2;
    int ret = 0;
    *fresh = true;
    cg_v2_controllers(r, cg->mode == CGROUP_HYBRID, &v2);
    for (size_t i = 0; ret == 0 && i < cg->n_hier; i++) {
        size_t before = created->len;
        ret = cg_mkdir_hierarchy(&cg->hier[i], cg->hier[i].v2 ? &v2 : NULL, created, err);
        /* A directory made means a new leaf. runc refuses to create a
         * container in a cgroup that has processes. */
        bool made = created->len > before;
        *fresh &= made;
        cg->hier[i].kept = !made;
        if (ret == 0 && !made)
            ret = cg_check_unpopulated(&cg->hier[i], err);
    }
    cg_controllers_free(&v2);
    return ret;
}

/* A cgroup that existed before may have been left frozen: what joins it
 * would stop at once. */
static int check_not_frozen(const struct cgroup *cg, err_t *err)
{
    bool frozen = false;
    cleanup_err err_t ignored = NULL; /* no freezer: nothing is frozen */
    if (cg->ops->is_frozen(cg, &frozen, &ignored) == 0 && frozen)
        return make_err(err, EBUSY, "cgroup %s is frozen", cg->hier[0].path);
    return 0;
}

int cgroup_create(const struct cgroup_create_opts *opts, struct cgroup **out, err_t *err)
{
    struct cgroup *found = NULL;
    if (cg_discover(&found, err) < 0)
        return wrap_err(err, "cgroups");
    cleanup_cgroup struct cgroup *cg = found;
    if (cg_resolve_path(cg, opts, err) < 0 || cg->ops->check(cg, opts->resources, err) < 0)
        return -1;
    struct cg_created created = {0};
    bool fresh;
    if (make_dirs(cg, opts->resources, &created, &fresh, err) < 0 || (!fresh && check_not_frozen(cg, err) < 0) ||
        cg->ops->apply(cg, opts->resources, false, err) < 0) {
        cg_created_remove(&created);
        return context(cg, err);
    }
    cg_created_free(&created);
    for (size_t i = 0; i < cg->n_hier; i++) {
        free(cg->hier[i].own);
        cg->hier[i].own = NULL;
    }
    *out = steal_ptr(&cg);
    return 0;
}

int cgroup_v2_dirfd(const struct cgroup *cg)
{
    if (cg->mode != CGROUP_UNIFIED)
        return -1;
    cleanup_free char *dir = cg_dir_path(&cg->hier[0]);
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, err_t *err)
{
    char value[16];
    snprintf(value, sizeof(value), "%d", (int) pid);
    for (size_t i = 0; i < cg->n_hier; i++) {
        cleanup_close int fd = cg_open_dir(&cg->hier[i], err);
        if (fd < 0 || cg_write(fd, "cgroup.procs", value, err) < 0)
            return wrap_err(err, "move process %d into cgroup %s:%s", (int) pid,
                            cg->hier[i].v2 ? "" : cg->hier[i].controllers, cg->hier[i].path);
    }
    return 0;
}

int cgroup_update(const struct cgroup *cg, const struct oci_resources *resources, err_t *err)
{
    if (cg->ops->apply(cg, resources, true, err) < 0)
        return context(cg, err);
    return 0;
}

int cgroup_freeze(const struct cgroup *cg, bool frozen, err_t *err)
{
    if (cg->ops->freeze(cg, frozen, err) < 0)
        return wrap_err(err, "%s cgroup %s", frozen ? "freeze" : "thaw", cg->hier[0].path);
    return 0;
}

int cgroup_is_frozen(const struct cgroup *cg, bool *frozen, err_t *err)
{
    return cg->ops->is_frozen(cg, frozen, err);
}

/* Processes that were just killed take a moment to leave: EBUSY is retried
 * for CGROUP_DESTROY_WAIT_MS in all, not per hierarchy. A cgroup that
 * existed before the container is not its to remove (runtime.md). */
int cgroup_destroy(struct cgroup *cg, err_t *err)
{
    cleanup_free bool *done = xzalloc(cg->n_hier * sizeof(bool));
    for (size_t i = 0; i < cg->n_hier; i++)
        done[i] = cg->hier[i].kept;
    for (long waited = 0;; waited += 20) {
        cleanup_err err_t first = NULL;
        bool busy = false;
        for (size_t i = 0; i < cg->n_hier; i++) {
            cleanup_err err_t cause = NULL;
            if (done[i] || (done[i] = cg_remove_hierarchy(&cg->hier[i], &cause) == 0))
                continue;
            busy = busy || cause->errnum == EBUSY;
            if (first == NULL)
                first = steal_ptr(&cause);
        }
        if (first == NULL)
            return 0;
        if (!busy || waited >= CGROUP_DESTROY_WAIT_MS) {
            *err = steal_ptr(&first);
            return -1;
        }
        cg_sleep_ms(20);
    }
}

int cgroup_oom_fd(const struct cgroup *cg, err_t *err)
{
    return cg->ops->oom_fd(cg, err);
}

int cgroup_oom_kills(const struct cgroup *cg, uint64_t *count, err_t *err)
{
    return cg->ops->oom_kills(cg, count, err);
}
