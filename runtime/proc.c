#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int proc_stat(pid_t pid, unsigned long long *start_time, char *state)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: skip past the last ')'. */
    char *p = strrchr(buf, ')');
    if (p == NULL || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                             state, start_time) != 2)
        return -1;
    return 0;
}

bool container_alive(const struct container_state *state)
{
    unsigned long long start_time;
    char st;
    if (state->pid <= 0 || proc_stat(state->pid, &start_time, &st) < 0)
        return false;
    return start_time == state->start_time && st != 'Z' && st != 'X';
}

int container_pidfd(const struct container_state *state, err_t *err)
{
    if (state->pid <= 0)
        return make_err(err, ESRCH, "container %s has no process", state->id);
    cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, state->pid, 0);
    if (pidfd < 0)
        return make_err(err, errno, "pidfd_open %d", state->pid);
    /* Checked after opening: the pidfd now pins this very process. */
    if (!container_alive(state))
        return make_err(err, ESRCH, "container %s has no process", state->id);
    return steal_fd(&pidfd);
}

int pidfd_wait_exit(int pidfd, int timeout_ms, err_t *err)
{
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int n;
    do
        n = poll(&p, 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return make_err(err, errno, "wait for the container process");
    if (n == 0)
        return make_err(err, ETIMEDOUT, "the container process did not exit");
    return 0;
}
