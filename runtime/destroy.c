#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Everything create made for a container whose init has exited: processes
 * left in its cgroup (no pid namespace of its own), the cgroup, the state. */
int container_destroy(struct container_dir *dir, const struct container_state *state, err_t *err)
{
    cleanup_err err_t devices = NULL;
    if (netdevices_release(dir, &devices) < 0)
        log_warn("delete container %s: %s", dir->id, devices->msg);
    if (state && state->cgroup_path && *state->cgroup_path) {
        cleanup_cgroup struct cgroup *cg = NULL;
        if (cgroup_open(state->cgroup_path, &cg, err) < 0)
            return wrap_err(err, "delete container %s", dir->id);
        /* With its own pid namespace, the kernel ended every process when
         * init exited; without one, some may still run. */
        if (!state->own_pid_ns && cgroup_signal_all(cg, SIGKILL, err) < 0)
            return wrap_err(err, "delete container %s", dir->id);
        if (cgroup_destroy(cg, err) < 0)
            return wrap_err(err, "delete container %s", dir->id);
    }
    return store_remove(dir, err);
}

static int force_stop(const struct container_state *state, err_t *err)
{
    cleanup_close int pidfd = container_pidfd(state, err);
    if (pidfd < 0)
        return (*err)->errnum == ESRCH ? (free_err(err), 0) : -1;
    if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
        return make_err(err, errno, "kill container %s", state->id);
    return pidfd_wait_exit(pidfd, 10000, err);
}

int container_delete(const struct runtime_ctx *ctx, const char *id, bool force, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    if (container_id_check(id, err) < 0)
        return -1;
    /* containerd's shim deletes twice: a forced delete of nothing is fine. */
    if (force && !store_exists(ctx, id))
        return 0;
    if (store_open(ctx, id, true, &dir, err) < 0 || store_read_state(&dir, &state, err) < 0)
        return -1;
    /* No state.json under our exclusive lock: a create that died midway. */
    enum container_status status = store_status(&dir, state);
    if (status != STATUS_STOPPED && status != STATUS_CREATING) {
        if (!force)
            return make_err(err, 0, "cannot delete container %s that is not stopped: %s", id,
                            container_status_names[status]);
        if (force_stop(state, err) < 0)
            return -1;
    }
    /* poststop runs after everything is gone, from the config kept in the
     * state dir: read it first. */
    cleanup_config struct oci_config *config = NULL;
    if (state && (state->hook_kinds & (1u << HOOK_POSTSTOP)) && store_read_config(&dir, &config, err) < 0)
        return -1;
    if (container_destroy(&dir, state, err) < 0)
        return -1;
    if (config) {
        cleanup_free char *json = spec_state_to_json(state, STATUS_STOPPED, false);
        hooks_run_warning_only(config, HOOK_POSTSTOP, json);
    }
    return 0;
}
