#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A failing poststart hook fails start and stops the container
 * (runtime-spec 1.3); `delete` then cleans up. */
static int run_poststart(const struct container_dir *dir, const struct container_state *state, err_t *err)
{
    cleanup_config struct oci_config *config = NULL;
    if (store_read_config(dir, &config, err) < 0)
        return -1;
    cleanup_free char *json = spec_state_to_json(state, STATUS_RUNNING, false);
    if (hooks_run(config, HOOK_POSTSTART, json, err) == 0)
        return 0;
    cleanup_err err_t ignored = NULL;
    cleanup_close int pidfd = container_pidfd(state, &ignored);
    if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0)
        pidfd_wait_exit(pidfd, 10000, &ignored);
    return -1;
}

/* Nothing here but releasing the waiting process: one byte into its fifo
 * (and the poststart hooks, when there are any). */
int container_start(const struct runtime_ctx *ctx, const char *id, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    if (container_open(ctx, id, true, &dir, &state, err) < 0)
        return -1;
    enum container_status status = store_status(&dir, state);
    if (status != STATUS_CREATED)
        return make_err(err, 0, "cannot start container %s: it is %s, not created", id, container_status_names[status]);
    cleanup_close int fifo = openat(dir.fd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo < 0)
        return make_err(err, errno == ENXIO ? ESRCH : errno, "start container %s", id);
    if (write(fifo, "0", 1) != 1)
        return make_err(err, errno, "start container %s", id);
    if (unlinkat(dir.fd, EXEC_FIFO, 0) < 0)
        return make_err(err, errno, "remove the exec fifo of %s", id);
    if (state->hook_kinds & (1u << HOOK_POSTSTART))
        return run_poststart(&dir, state, err);
    return 0;
}
