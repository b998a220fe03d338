/* SCMP_ACT_NOTIFY: handing the listener fd to the agent at listenerPath,
 * with the container process state of config-linux.md. */
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

bool seccomp_uses_notify(const struct oci_seccomp *s)
{
    for (size_t i = 0; s && i < s->syscalls_len; i++) {
        if (s->syscalls[i].action && strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
            return true;
    }
    return false;
}

static char *process_state_json(const struct oci_seccomp *s, pid_t pid, const char *state_json)
{
    struct json_writer w;
    jw_init(&w);
    jw_begin_object(&w);
    jw_key(&w, "ociVersion");
    jw_string(&w, OCI_VERSION);
    jw_key(&w, "fds");
    jw_begin_array(&w);
    jw_string(&w, "seccompFd");
    jw_end_array(&w);
    jw_key(&w, "pid");
    jw_i64(&w, pid);
    if (s->listener_metadata && s->listener_metadata[0]) {
        jw_key(&w, "metadata");
        jw_string(&w, s->listener_metadata);
    }
    jw_key(&w, "state");
    jw_raw(&w, state_json);
    jw_end_object(&w);
    return jw_finish(&w);
}

static int connect_listener(const char *path, int *out, err_t *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return config_err(err, "linux.seccomp.listenerPath", "\"%s\" is longer than a unix socket path can be (%zu)",
                          path, sizeof(addr.sun_path) - 1);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return make_err(err, errno, "seccomp: socket");
    int rc;
    do
        rc = connect(fd, (struct sockaddr *) &addr, sizeof(addr));
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        return make_err(err, errno, "seccomp: connect to the listener at %s", path);
    *out = steal_fd(&fd);
    return 0;
}

/* The whole payload; the fd rides on the first sendmsg only. */
static int send_with_fd(int sock, const char *data, size_t len, int fd, err_t *err)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    size_t sent = 0;
    bool fd_sent = false;
    while (sent < len) {
        struct iovec iov = {.iov_base = (char *) data + sent, .iov_len = len - sent};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (!fd_sent) {
            msg.msg_control = control.buf;
            msg.msg_controllen = sizeof(control.buf);
            struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        }
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return make_err(err, errno, "seccomp: send the container process state to the listener");
        fd_sent = true;
        sent += (size_t) n;
    }
    return 0;
}

int seccomp_send_to_listener(const struct oci_seccomp *s, int notify_fd, pid_t pid, const char *state_json,
                             err_t *err)
{
    if (!seccomp_uses_notify(s))
        return 0;
    if (s->listener_path == NULL || s->listener_path[0] == '\0')
        return config_err(err, "linux.seccomp.listenerPath", "is required with SCMP_ACT_NOTIFY");
    if (notify_fd < 0)
        return make_err(err, EBADF, "seccomp: no listener fd to send");
    cleanup_free char *payload = process_state_json(s, pid, state_json);
    cleanup_close int sock = -1;
    if (connect_listener(s->listener_path, &sock, err) < 0)
        return -1;
    if (send_with_fd(sock, payload, strlen(payload), notify_fd, err) < 0)
        return -1;
    if (close(steal_fd(&sock)) < 0 && errno != EINTR)
        return make_err(err, errno, "seccomp: close the connection to the listener");
    return 0;
}
