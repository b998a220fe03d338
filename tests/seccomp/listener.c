/* seccomp-listener SOCKET_PATH: a small seccomp agent for the NOTIFY tests.
 *
 * Listens on SOCKET_PATH, accepts one connection and reads the container
 * process state (config-linux.md) with the seccomp listener fd attached;
 * the state must name "seccompFd" in its fds. Then it answers every
 * notified syscall: mkdir and mkdirat succeed without doing anything,
 * anything else fails with EPERM. It prints one line per syscall handled
 * (its name) and exits 0 once the fd reports POLLHUP: the container is
 * gone. Errors go to stderr with exit status 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define STATE_MAX (1 << 20)

static int fail(const char *what)
{
    fprintf(stderr, "seccomp-listener: %s: %s\n", what, strerror(errno));
    return 1;
}

static int listen_on(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads the whole message (the sender closes after it); the fd comes with
 * the first part. */
static int receive_state(int conn, char *state, size_t cap, int *seccomp_fd)
{
    size_t len = 0;
    *seccomp_fd = -1;
    for (;;) {
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } control;
        memset(&control, 0, sizeof(control));
        struct iovec iov = {.iov_base = state + len, .iov_len = cap - 1 - len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS && *seccomp_fd < 0)
            memcpy(seccomp_fd, CMSG_DATA(cmsg), sizeof(int));
        if (n == 0 || len + (size_t) n >= cap - 1)
            break;
        len += (size_t) n;
    }
    state[len] = '\0';
    return 0;
}

/* "fds": [..., "seccompFd", ...] */
static bool names_seccomp_fd(const char *state)
{
    const char *fds = strstr(state, "\"fds\"");
    const char *open = fds ? strchr(fds, '[') : NULL;
    const char *close = open ? strchr(open, ']') : NULL;
    const char *name = open ? strstr(open, "\"seccompFd\"") : NULL;
    return name && close && name < close;
}

static void print_name(const struct seccomp_notif *req)
{
    char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
    if (name)
        printf("%s\n", name);
    else
        printf("syscall %d\n", req->data.nr);
    fflush(stdout);
    free(name);
}

static bool is_mkdir(const struct seccomp_notif *req)
{
    char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
    bool yes = name && (strcmp(name, "mkdir") == 0 || strcmp(name, "mkdirat") == 0);
    free(name);
    return yes;
}

/* One notification: RECV, answer, SEND. A target that died in between
 * (ENOENT) is not an error. */
static int answer(int fd, struct seccomp_notif *req, size_t req_size, struct seccomp_notif_resp *resp,
                  size_t resp_size)
{
    memset(req, 0, req_size);
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        return errno == ENOENT || errno == EINTR ? 0 : -1;
    print_name(req);
    memset(resp, 0, resp_size);
    resp->id = req->id;
    if (is_mkdir(req)) {
        resp->val = 0;
        resp->error = 0;
    } else {
        resp->error = -EPERM;
    }
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

static int serve(int fd)
{
    /* the kernel's structs may be larger than these headers' */
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        return fail("SECCOMP_GET_NOTIF_SIZES");
    size_t req_size = sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif
                                                                          : sizeof(struct seccomp_notif);
    size_t resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp) ? sizes.seccomp_notif_resp
                                                                                    : sizeof(struct seccomp_notif_resp);
    struct seccomp_notif *req = calloc(1, req_size);
    struct seccomp_notif_resp *resp = calloc(1, resp_size);
    if (req == NULL || resp == NULL)
        return fail("calloc");
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            return fail("poll");
        }
        if (pfd.revents & POLLIN) {
            if (answer(fd, req, req_size, resp, resp_size) < 0)
                return fail("answer a notification");
            continue;
        }
        if (pfd.revents & (POLLHUP | POLLERR))
            break;
    }
    free(req);
    free(resp);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seccomp-listener SOCKET_PATH\n");
        return 2;
    }
    int sock = listen_on(argv[1]);
    if (sock < 0)
        return fail(argv[1]);
    int conn;
    do
        conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
    while (conn < 0 && errno == EINTR);
    if (conn < 0)
        return fail("accept");
    close(sock);
    static char state[STATE_MAX];
    int seccomp_fd;
    if (receive_state(conn, state, sizeof(state), &seccomp_fd) < 0)
        return fail("receive the container process state");
    close(conn);
    if (seccomp_fd < 0) {
        fprintf(stderr, "seccomp-listener: no fd came with the state: %s\n", state);
        return 1;
    }
    if (!names_seccomp_fd(state)) {
        fprintf(stderr, "seccomp-listener: \"seccompFd\" is not in the state's fds: %s\n", state);
        return 1;
    }
    return serve(seccomp_fd);
}
