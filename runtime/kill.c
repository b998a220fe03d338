#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int container_kill(const struct runtime_ctx *ctx, const char *id, int signal, bool all, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    if (container_open(ctx, id, false, &dir, &state, err) < 0)
        return -1;
    enum container_status status = store_status(&dir, state);
    /* containerd recognises "container not running" as already finished. */
    if (status != STATUS_CREATED && status != STATUS_RUNNING && status != STATUS_PAUSED)
        return make_err(err, 0, "cannot kill container %s: container not running", id);
    cleanup_cgroup struct cgroup *cg = NULL;
    if (all && container_cgroup(state, &cg, err) < 0)
        return -1;
    if (cg) {
        if (cgroup_signal_all(cg, signal, err) < 0)
            return wrap_err(err, "kill container %s", id);
        return 0;
    }
    cleanup_close int pidfd = container_pidfd(state, err);
    if (pidfd < 0)
        return (*err)->errnum == ESRCH ? wrap_err(err, "cannot kill container %s: container not running", id) : -1;
    if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0) < 0)
        return make_err(err, errno, "kill container %s", id);
    return 0;
}
