/* run: create + start + wait, relaying signals to the container. */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Read before the cgroup goes: was the container OOM-killed, and with what
 * limit and peak. */
static void check_oom(const struct launch *l, struct run_result *result)
{
    cleanup_err err_t ignored = NULL;
    uint64_t kills = 0;
    struct cgroup_stats stats = {0};
    if (l->cgroup == NULL || cgroup_oom_kills(l->cgroup, &kills, &ignored) < 0 || kills == 0)
        return;
    result->oom_killed = true;
    if (cgroup_stats(l->cgroup, &stats, &ignored) == 0) {
        result->memory_limit = stats.memory_limit;
        result->memory_peak = stats.memory_peak;
        cgroup_stats_free(&stats);
    }
}

int container_run(const struct runtime_ctx *ctx, const struct create_opts *opts, struct run_result *result,
                  err_t *err)
{
    struct launch l;
    sigset_t all, previous;
    sigfillset(&all);
    *result = (struct run_result){0};
    if (launch_prepare(&l, ctx, opts, !opts->detach, err) < 0) {
        launch_free(&l);
        return -1;
    }
    /* Blocked before clone so that nothing is lost; the child unblocks
     * everything before exec. */
    sigprocmask(SIG_BLOCK, &all, &previous);
    cleanup_close int sigfd = opts->detach ? -1 : signalfd(-1, &all, SFD_CLOEXEC);
    int ret = sigfd < 0 && !opts->detach ? make_err(err, errno, "signalfd") : launch_container(&l, true, err);
    if (ret < 0) {
        launch_destroy(&l);
    } else if (!opts->detach) {
        struct terminal_relay tty;
        bool relay = l.console >= 0 && (ret = terminal_relay_start(&tty, steal_fd(&l.console), err)) == 0;
        /* Others may look at or kill the container while it runs. */
        flock(l.dir.fd, LOCK_UN);
        if (ret == 0)
            ret = wait_child(l.pid, l.pidfd, sigfd, relay ? &tty : NULL, &result->exit_status, err);
        if (ret == 0)
            l.pid = -1; /* reaped */
        if (relay)
            terminal_relay_stop(&tty);
        flock(l.dir.fd, LOCK_EX);
        log_debug("run %s: exited with %d", opts->id, result->exit_status);
        check_oom(&l, result);
        if (ret == 0 && store_exists(ctx, opts->id))
            ret = container_destroy(&l.dir, l.state, err);
        log_debug("run %s: destroyed", opts->id);
        if (ret == 0 && l.config->hooks[HOOK_POSTSTOP].len) {
            cleanup_free char *state = spec_state_to_json(l.state, STATUS_STOPPED, false);
            hooks_run_warning_only(l.config, HOOK_POSTSTOP, state);
        }
    }
    sigprocmask(SIG_SETMASK, &previous, NULL);
    launch_free(&l);
    return ret;
}
