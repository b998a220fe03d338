#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
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
    set_stage(err, "hooks");
    cleanup_err err_t ignored = NULL;
    cleanup_close int pidfd = container_pidfd(state, &ignored);
    if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0)
        pidfd_wait_exit(pidfd, 10000, &ignored);
    return -1;
}

/* Nothing here but releasing the waiting process, and waiting for it to
 * exec (or to say why it could not: a startContainer hook, exec itself),
 * then the poststart hooks when there are any. */
int container_start(const struct runtime_ctx *ctx, const char *id, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    if (container_open(ctx, id, true, &dir, &state, err) < 0)
        return -1;
    enum container_status status = store_status(&dir, state);
    if (status != STATUS_CREATED)
        return make_err(err, 0, "cannot start container %s: it is %s, not created", id, container_status_names[status]);
    struct sockaddr_un addr;
    store_socket_address(&dir, START_SOCKET, &addr);
    cleanup_close int conn = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (conn < 0 || connect(conn, (struct sockaddr *) &addr, sizeof(addr)) < 0)
        return make_err(err, errno == ECONNREFUSED ? ESRCH : errno, "start container %s", id);
    /* From here on the process goes ahead, whatever happens to it. */
    unlinkat(dir.fd, START_SOCKET, 0);
    if (sync_send(conn, SYNC_GO, NULL, 0, err) < 0)
        return wrap_err(err, "start container %s", id);
    if (sync_wait_exec(conn, err) < 0) /* the container's own words */
        return -1;
    if (state->hook_kinds & (1u << HOOK_POSTSTART))
        return run_poststart(&dir, state, err);
    return 0;
}
