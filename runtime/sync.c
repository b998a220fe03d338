#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Messages over a SOCK_SEQPACKET socketpair: one header + payload per
 * message, boundaries kept by the socket. */
struct sync_header {
    uint32_t type;
    int32_t errnum;
};

#define SYNC_MAX_PAYLOAD 8192

static const char *const sync_names[] = {"", "go", "ready", "ack", "error", "mounted", "hooks done", "console", "init"};

static int sync_sendv(int fd, enum sync_type type, int errnum, const void *data, size_t len, int passfd, err_t *err)
{
    struct sync_header h = {.type = type, .errnum = errnum};
    struct iovec iov[2] = {{&h, sizeof(h)}, {(void *) data, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    if (passfd >= 0) {
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &passfd, sizeof(int));
    }
    ssize_t n;
    do
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return make_err(err, errno, "send %s to the container process", sync_names[type]);
    return 0;
}

int sync_send(int fd, enum sync_type type, const void *data, size_t len, err_t *err)
{
    return sync_sendv(fd, type, 0, data, len, -1, err);
}

int sync_send_fd(int fd, enum sync_type type, int passfd, err_t *err)
{
    return sync_sendv(fd, type, 0, NULL, 0, passfd, err);
}

int sync_send_init(int fd, pid_t pid, int pidfd, err_t *err)
{
    return sync_sendv(fd, SYNC_INIT, 0, &pid, sizeof(pid), pidfd, err);
}

int sync_send_error(int fd, const err_t error)
{
    char buf[SYNC_MAX_PAYLOAD];
    const char *path = error && error->json_path ? error->json_path : "";
    const char *stage = error && error->stage ? error->stage : "";
    const char *msg = error ? error->msg : "unknown error";
    int n = snprintf(buf, sizeof(buf), "%s%c%s%c%s", path, '\0', stage, '\0', msg);
    size_t len = n < 0 ? 0 : (size_t) n >= sizeof(buf) ? sizeof(buf) - 1 : (size_t) n;
    err_t ignored = NULL;
    int r = sync_sendv(fd, SYNC_ERROR, error ? error->errnum : 0, buf, len, -1, &ignored);
    free_err(&ignored);
    return r;
}

static ssize_t expect(int fd, enum sync_type type, void *data, size_t cap, int *passfd, err_t *err)
{
    char buf[sizeof(struct sync_header) + SYNC_MAX_PAYLOAD + 1];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {buf, sizeof(buf) - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control)};
    ssize_t n;
    do
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    int received = -1;
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        memcpy(&received, CMSG_DATA(c), sizeof(int));
    if (passfd)
        *passfd = received;
    else if (received >= 0)
        close(received);
    if (n < 0)
        return make_err(err, errno, "wait for %s from the container process", sync_names[type]);
    if (n == 0)
        return make_err(err, 0, "the container process exited before %s", sync_names[type]);
    if ((size_t) n < sizeof(struct sync_header))
        return make_err(err, EPROTO, "short message from the container process");
    struct sync_header h;
    memcpy(&h, buf, sizeof(h));
    size_t len = (size_t) n - sizeof(h);
    char *payload = buf + sizeof(h);
    if (h.type == SYNC_ERROR) {
        /* "json_path\0stage\0message" */
        payload[len] = '\0';
        const char *stage = payload + strlen(payload) + 1;
        const char *msg = stage < payload + len ? stage + strlen(stage) + 1 : "";
        make_err(err, h.errnum, "%s", msg < payload + len ? msg : "unknown error");
        if (*payload)
            (*err)->json_path = xstrdup(payload);
        /* A literal of ours, matched so the error keeps no pointer into buf. */
        static const char *const stages[] = {"init", "mounts", "process", "hooks", "terminal", "exec"};
        for (size_t i = 0; stage < payload + len && i < ARRAY_SIZE(stages); i++)
            if (strcmp(stage, stages[i]) == 0)
                (*err)->stage = stages[i];
        return set_stage(err, "init");
    }
    if (h.type != (uint32_t) type)
        return make_err(err, EPROTO, "expected %s from the container process, got message %u", sync_names[type], h.type);
    if (len > cap)
        return make_err(err, EPROTO, "oversized %s message", sync_names[type]);
    memcpy(data, payload, len);
    return (ssize_t) len;
}

ssize_t sync_expect(int fd, enum sync_type type, void *data, size_t cap, err_t *err)
{
    return expect(fd, type, data, cap, NULL, err);
}

int sync_expect_fd(int fd, enum sync_type type, int *passfd, err_t *err)
{
    if (expect(fd, type, NULL, 0, passfd, err) < 0)
        return -1;
    if (*passfd < 0)
        return make_err(err, EPROTO, "no fd came with %s", sync_names[type]);
    return 0;
}

int sync_expect_init(int fd, pid_t *pid, int *pidfd, err_t *err)
{
    ssize_t n = expect(fd, SYNC_INIT, pid, sizeof(*pid), pidfd, err);
    if (n < 0)
        return -1;
    if (n != sizeof(*pid) || *pidfd < 0) {
        cleanup_closep(pidfd);
        return make_err(err, EPROTO, "a malformed %s message", sync_names[SYNC_INIT]);
    }
    return 0;
}

int sync_wait_exec(int fd, err_t *err)
{
    char buf[sizeof(struct sync_header) + SYNC_MAX_PAYLOAD + 1];
    ssize_t n;
    do
        n = recv(fd, buf, sizeof(buf) - 1, MSG_PEEK);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0; /* the child's end closed on exec */
    if (n < 0)
        return make_err(err, errno, "wait for the container process to exec");
    return sync_expect(fd, SYNC_ERROR, NULL, 0, err) < 0 ? -1 : make_err(err, EPROTO, "unexpected message");
}
