/* The hooks of config.md: each with the state JSON on stdin, its own args
 * and env, an optional timeout, run in array order. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOOK_OUTPUT_MAX 2048

static char *const empty_env[] = {NULL};

/* In the forked hook: stdin from the state pipe, stdout and stderr into the
 * output pipe, nothing else open, default signals. */
_Noreturn static void exec_hook(const struct oci_hook *h, int in, int out)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
        _exit(127);
    close_range(3, ~0U, 0);
    execve(h->path, h->args ? h->args : (char *[]){h->path, NULL}, h->env ? h->env : empty_env);
    dprintf(STDERR_FILENO, "exec %s: %s", h->path, strerror(errno));
    _exit(127);
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* What flows between berth and a running hook: the state JSON into its
 * stdin, as far as it reads, and the start of its output back. */
struct hook_io {
    int in, out; /* -1 once closed */
    const char *state;
    size_t state_left;
    char output[HOOK_OUTPUT_MAX];
    size_t used;
};

/* A hook may exit without reading its stdin; the write then fails with
 * EPIPE, and the SIGPIPE it raises, blocked here, is taken back before it
 * can kill berth or, in run, be forwarded to the container. */
static void feed_state(struct hook_io *io)
{
    sigset_t pipe_only, old, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, &old);
    sigpending(&pending);
    ssize_t n = write(io->in, io->state, io->state_left);
    if (n < 0 && errno == EPIPE && !sigismember(&pending, SIGPIPE))
        sigtimedwait(&pipe_only, NULL, &(struct timespec){0, 0});
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (n > 0) {
        io->state += n;
        io->state_left -= (size_t) n;
    }
    if ((n < 0 && errno != EAGAIN && errno != EINTR) || io->state_left == 0) {
        close(io->in);
        io->in = -1;
    }
}

static void drain_output(struct hook_io *io)
{
    char buf[512];
    ssize_t n = read(io->out, buf, sizeof(buf));
    if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
        close(io->out);
        io->out = -1;
    }
    for (ssize_t i = 0; i < n && io->used + 1 < sizeof(io->output); i++)
        io->output[io->used++] = buf[i];
}

/* Feeds the hook, collects its output and waits for it, killing it after
 * its timeout. Returns its wait status, or -1 on timeout. */
static int wait_hook(pid_t pid, int pidfd, const struct oci_hook *h, struct hook_io *io)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool timed_out = false;
    for (;;) {
        long left = h->has_timeout ? h->timeout * 1000L - elapsed_ms(&start) : -1;
        if (h->has_timeout && left <= 0) {
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
            timed_out = true;
            break;
        }
        struct pollfd fds[] = {
            {.fd = pidfd, .events = POLLIN}, {.fd = io->out, .events = POLLIN}, {.fd = io->in, .events = POLLOUT}};
        if (poll(fds, 3, (int) left) < 0 && errno != EINTR)
            break;
        if (fds[2].revents)
            feed_state(io);
        if (fds[1].revents)
            drain_output(io);
        if (fds[0].revents && (io->out < 0 || !fds[1].revents))
            break; /* exited; what is left in the pipe is not worth waiting for */
    }
    io->output[io->used] = '\0';
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return timed_out ? -1 : status;
}

static int run_hook(const struct oci_hook *h, const char *kind, size_t index, const char *state_json, err_t *err)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return make_err(err, errno, "hooks.%s[%zu]: pipe", kind, index);
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        return make_err(err, errno, "hooks.%s[%zu]: pipe", kind, index);
    }
    int pidfd = -1;
    struct clone_args args = {.flags = CLONE_PIDFD, .pidfd = (uint64_t) (uintptr_t) &pidfd, .exit_signal = SIGCHLD};
    fflush(NULL);
    pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
    if (pid == 0)
        exec_hook(h, in[0], out[1]);
    int clone_errno = errno;
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        return make_err(err, clone_errno, "hooks.%s[%zu]: start %s", kind, index, h->path);
    }
    /* A hook that does not read its stdin must not make berth block. */
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    struct hook_io io = {.in = in[1], .out = out[0], .state = state_json, .state_left = strlen(state_json)};
    int status = wait_hook(pid, pidfd, h, &io);
    if (io.in >= 0)
        close(io.in);
    if (io.out >= 0)
        close(io.out);
    close(pidfd);
    char *output = io.output;
    output[strcspn(output, "\n")] = '\0'; /* the first line says enough */
    if (status < 0)
        return make_err(err, 0, "hooks.%s[%zu]: %s timed out after %d s", kind, index, h->path, h->timeout);
    if (WIFSIGNALED(status))
        return make_err(err, 0, "hooks.%s[%zu]: %s killed by signal %d%s%s", kind, index, h->path, WTERMSIG(status),
                        *output ? ": " : "", output);
    if (WEXITSTATUS(status) != 0)
        return make_err(err, 0, "hooks.%s[%zu]: %s exited with status %d%s%s", kind, index, h->path,
                        WEXITSTATUS(status), *output ? ": " : "", output);
    return 0;
}

int hooks_run(const struct oci_config *config, enum oci_hook_kind kind, const char *state_json, err_t *err)
{
    const struct oci_hook_list *list = &config->hooks[kind];
    for (size_t i = 0; i < list->len; i++)
        if (run_hook(&list->hooks[i], oci_hook_names[kind], i, state_json, err) < 0)
            return -1;
    return 0;
}

void hooks_run_warning_only(const struct oci_config *config, enum oci_hook_kind kind, const char *state_json)
{
    const struct oci_hook_list *list = &config->hooks[kind];
    for (size_t i = 0; i < list->len; i++) {
        cleanup_err err_t hook_err = NULL;
        if (run_hook(&list->hooks[i], oci_hook_names[kind], i, state_json, &hook_err) < 0)
            log_warn("%s", hook_err->msg);
    }
}
