/* Loading the filter in the container's process, and handing a notify fd
 * to linux.seccomp.listenerPath through berth's parent side (as runc). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* After the load, the only syscalls a profile may not notify are what
 * this exchange uses: write (validation refuses SCMP_ACT_NOTIFY on it) to
 * send the fd number, then the parent's one-byte verdict. */
int seccomp_load_in_child(const struct seccomp_program *p, int sync_fd, err_t *err)
{
    int notify_fd = -1;
    if (seccomp_program_load(p, &notify_fd, err) < 0)
        return set_stage(err, "seccomp");
    if (!p->notifies)
        return 0;
    char verdict = 1;
    if (write(sync_fd, &notify_fd, sizeof(notify_fd)) != sizeof(notify_fd) ||
        read(sync_fd, &verdict, 1) != 1 || verdict != 0)
        return make_err(err, 0, "linux.seccomp.listenerPath: the listener did not get the notify fd");
    close(notify_fd);
    return 0;
}

int seccomp_forward_notify_fd(const struct oci_seccomp *s, int sync_fd, int pidfd, pid_t pid, const char *state_json,
                              err_t *err)
{
    int number;
    ssize_t n;
    do
        n = recv(sync_fd, &number, sizeof(number), 0);
    while (n < 0 && errno == EINTR);
    if (n != sizeof(number))
        return make_err(err, n < 0 ? errno : EPROTO, "linux.seccomp: receive the notify fd");
    cleanup_close int fd = (int) syscall(SYS_pidfd_getfd, pidfd, number, 0);
    char verdict = fd >= 0 && seccomp_send_to_listener(s, fd, pid, state_json, err) == 0 ? 0 : 1;
    if (fd < 0)
        make_err(err, errno, "linux.seccomp: take the notify fd");
    if (send(sync_fd, &verdict, 1, MSG_NOSIGNAL) != 1 && verdict == 0)
        return make_err(err, errno, "linux.seccomp: answer the container process");
    return verdict == 0 ? 0 : set_stage(err, "seccomp");
}

int seccomp_prepare(const struct runtime_ctx *ctx, const struct oci_config *config, struct seccomp_program **out,
                    err_t *err)
{
    *out = NULL;
    const struct oci_seccomp *s = config->linux_config ? config->linux_config->seccomp : NULL;
    if (s == NULL)
        return 0;
    cleanup_free char *cache = xasprintf("%s/.seccomp-cache", ctx->root);
    if (mkdir(cache, 0700) < 0 && errno != EEXIST)
        cache[0] = '\0';
    cleanup_close int cache_fd = *cache ? open(cache, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (seccomp_compile_cached(s, cache_fd, out, err) < 0)
        return set_stage(err, "seccomp");
    return 0;
}
