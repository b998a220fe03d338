/* The processes of a container cgroup: listing and signalling. */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct pid_list {
    pid_t *pids;
    size_t len, cap;
};

static int append_procs(int dirfd, void *data, err_t *err)
{
    struct pid_list *l = data;
    cleanup_free char *text = NULL;
    if (cg_read(dirfd, "cgroup.procs", &text, err) < 0)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        uint64_t pid;
        if (!parse_u64(line, &pid) || pid == 0 || pid > INT32_MAX)
            return make_err(err, EINVAL, "cgroup.procs: bad pid \"%s\"", line);
        if (l->len == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 16;
            l->pids = xrealloc(l->pids, l->cap * sizeof(pid_t));
        }
        l->pids[l->len++] = (pid_t) pid;
    }
    return 0;
}

static int compare_pids(const void *a, const void *b)
{
    pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
    return (x > y) - (x < y);
}

/* Every hierarchy is read: on v1 a process may have been moved in one
 * hierarchy only, and it still belongs to the container. */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *len, err_t *err)
{
    struct pid_list l = {0};
    for (size_t i = 0; i < cg->n_hier; i++) {
        cleanup_err err_t cause = NULL;
        cleanup_close int fd = cg_open_dir(&cg->hier[i], &cause);
        if (fd < 0 && cause->errnum == ENOENT)
            continue;
        if (fd < 0 || cg_walk(fd, append_procs, &l, err) < 0) {
            if (fd < 0)
                *err = steal_ptr(&cause);
            free(l.pids);
            return wrap_err(err, "list the container's processes");
        }
    }
    if (l.len)
        qsort(l.pids, l.len, sizeof(pid_t), compare_pids);
    size_t out = 0;
    for (size_t i = 0; i < l.len; i++)
        if (out == 0 || l.pids[out - 1] != l.pids[i])
            l.pids[out++] = l.pids[i];
    *pids = l.pids;
    *len = out;
    return 0;
}

/* SIGKILL goes through cgroup.kill when the cgroup2 hierarchy has it (it
 * cannot race with fork). Otherwise SIGKILL goes to each process with the
 * cgroup frozen, so that none forks past the list (a cgroup that was frozen
 * stays frozen). Other signals are meant to be handled: no freezing. */
int cgroup_signal_all(const struct cgroup *cg, int signal, err_t *err)
{
    const struct cg_hierarchy *v2 = cg_v2_hierarchy(cg);
    if (signal == SIGKILL && v2) {
        cleanup_close int fd = cg_open_dir(v2, err);
        if (fd < 0)
            return -1;
        if (cg_file_exists(fd, "cgroup.kill")) {
            if (cg_write(fd, "cgroup.kill", "1", err) < 0)
                return -1;
            /* A hybrid host's v1 hierarchies may hold processes the
             * cgroup2 one does not: those get the signal below. */
            if (cg->mode == CGROUP_UNIFIED)
                return 0;
        }
    }
    bool was_frozen = false, froze = false;
    cleanup_err err_t ignored = NULL;
    if (signal == SIGKILL && cg->ops->is_frozen(cg, &was_frozen, &ignored) == 0 && !was_frozen)
        froze = cg->ops->freeze(cg, true, &ignored) == 0;
    free_err(&ignored);
    pid_t *pids = NULL;
    size_t n = 0;
    int ret = cgroup_pids(cg, &pids, &n, err);
    for (size_t i = 0; ret == 0 && i < n; i++)
        if (kill(pids[i], signal) < 0 && errno != ESRCH)
            log_warn("cannot signal process %d: %s", (int) pids[i], strerror(errno));
    free(pids);
    if (froze && cg->ops->freeze(cg, false, &ignored) < 0)
        log_warn("cannot thaw the cgroup after signalling it: %s", ignored->msg);
    return ret;
}
