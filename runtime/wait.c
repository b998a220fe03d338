/* A foreground child of berth (run's container, exec's process): wait for
 * it while relaying signals and its terminal. */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int exit_status_of(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return 255;
}

int wait_child(pid_t child, int pidfd, int sigfd, struct terminal_relay *tty, int *exit_status, err_t *err)
{
    for (;;) {
        struct pollfd fds[] = {
            {.fd = sigfd, .events = POLLIN},
            {.fd = tty && tty->stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = tty ? tty->master : -1, .events = POLLIN},
        };
        if (poll(fds, ARRAY_SIZE(fds), -1) < 0) {
            if (errno == EINTR)
                continue;
            return make_err(err, errno, "wait for the container");
        }
        if (tty)
            terminal_relay_io(tty, &fds[1], &fds[2]);
        if (!fds[0].revents)
            continue;
        struct signalfd_siginfo si;
        ssize_t n = read(sigfd, &si, sizeof(si));
        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof(si))
            return make_err(err, errno, "read signals");
        if (si.ssi_signo == SIGWINCH && tty) {
            terminal_relay_resize(tty);
            continue;
        }
        if (si.ssi_signo != SIGCHLD) {
            syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
            continue;
        }
        int wstatus;
        pid_t pid;
        while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
            if (pid == child) {
                *exit_status = exit_status_of(wstatus);
                return 0;
            }
        }
    }
}

