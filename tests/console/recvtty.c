/* recvtty: the other end of --console-socket, for the terminal tests.
 *   recvtty SOCKET [INPUT]
 * Listens on the unix socket SOCKET (which appears only once it accepts
 * connections), takes one connection, receives the pty master berth sends
 * with SCM_RIGHTS and the payload that comes with it, checks that the fd is
 * a pty master (ptsname works), writes INPUT to it (if given), then copies
 * what the pty says to stdout until the slave side is closed (EIO), and
 * exits 0. The payload goes to stderr as "recvtty: payload PAYLOAD", the
 * slave's name as "recvtty: pts /dev/pts/N".
 * Exits 1 on any error, and after RECVTTY_TIMEOUT seconds (default 50)
 * without the slave closing, so that a broken test cannot hang. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
    fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void on_alarm(int sig)
{
    (void) sig;
    static const char msg[] = "recvtty: timed out\n";
    (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(1);
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
        return 2;
    }
    const char *path = argv[1];
    const char *timeout = getenv("RECVTTY_TIMEOUT");
    signal(SIGALRM, on_alarm);
    alarm(timeout && *timeout ? (unsigned) atoi(timeout) : 50);

    /* Bound under a temporary name and renamed once listening: whoever
     * waits for SOCKET to exist never connects too early. */
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char tmp[sizeof(addr.sun_path)];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int) sizeof(tmp)) {
        errno = ENAMETOOLONG;
        die(path);
    }
    strcpy(addr.sun_path, tmp);
    unlink(tmp);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        die("socket");
    if (bind(sock, (struct sockaddr *) &addr, sizeof(addr)) < 0)
        die("bind");
    if (listen(sock, 1) < 0)
        die("listen");
    if (rename(tmp, path) < 0)
        die("rename");

    int conn;
    do
        conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
    while (conn < 0 && errno == EINTR);
    if (conn < 0)
        die("accept");
    close(sock);
    unlink(path);

    char payload[4096];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {payload, sizeof(payload) - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    ssize_t n;
    do
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        die("recvmsg");
    payload[n] = '\0';
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int))) {
        fprintf(stderr, "recvtty: no fd in the message (payload \"%s\")\n", payload);
        return 1;
    }
    int master;
    memcpy(&master, CMSG_DATA(c), sizeof(int));
    close(conn);
    fprintf(stderr, "recvtty: payload %s\n", payload);

    char *pts = ptsname(master);
    if (pts == NULL)
        die("ptsname: the fd is not a pty master");
    fprintf(stderr, "recvtty: pts %s\n", pts);

    if (argc == 3 && write_all(master, argv[2], strlen(argv[2])) < 0)
        die("write the input");

    char buf[4096];
    for (;;) {
        n = read(master, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EIO)
            break; /* the slave side is closed */
        if (n < 0)
            die("read the pty");
        if (n == 0)
            break;
        if (write_all(STDOUT_FILENO, buf, (size_t) n) < 0)
            die("write stdout");
    }
    return 0;
}
