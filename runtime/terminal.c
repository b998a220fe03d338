/* process.terminal: the pty of the container, handed to --console-socket
 * or relayed by `berth run` itself. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* In the container (its init after pivot, or an exec'd process): a pty of
 * the container's own devpts becomes the controlling terminal and stdio,
 * and for the init also /dev/console. */
int terminal_setup(const struct oci_process *p, bool bind_console, int *master, err_t *err)
{
    cleanup_close int m = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 && errno == ENOENT)
        m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0)
        return make_err(err, errno, "process.terminal: open /dev/pts/ptmx (is devpts mounted at /dev/pts?)");
    int unlock = 0;
    if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
        return make_err(err, errno, "process.terminal: unlock the pty");
    cleanup_close int slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return make_err(err, errno, "process.terminal: open the pty's slave");
    if (p->has_console_size) {
        struct winsize ws = {.ws_row = (unsigned short) p->console_height, .ws_col = (unsigned short) p->console_width};
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
            return make_err(err, errno, "process.consoleSize");
    }
    if (fchown(slave, p->user.uid, (gid_t) -1) < 0)
        return make_err(err, errno, "process.terminal: give the pty to uid %u", p->user.uid);
    if (bind_console && console_bind(slave, err) < 0)
        return wrap_err(err, "process.terminal");
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
        return make_err(err, errno, "process.terminal: make the pty the controlling terminal");
    for (int fd = 0; fd <= 2; fd++)
        if (dup2(slave, fd) < 0)
            return make_err(err, errno, "process.terminal: make the pty stdio");
    *master = steal_fd(&m);
    return 0;
}

/* runc's console socket protocol: the master fd by SCM_RIGHTS, with a name
 * as the payload. */
int terminal_send_to_socket(const char *path, int master, err_t *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return make_err(err, ENAMETOOLONG, "--console-socket %s", path);
    strcpy(addr.sun_path, path);
    cleanup_close int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || connect(sock, (struct sockaddr *) &addr, sizeof(addr)) < 0)
        return make_err(err, errno, "--console-socket: connect to %s", path);
    char name[] = "/dev/ptmx";
    struct iovec iov = {name, sizeof(name) - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
        return make_err(err, errno, "--console-socket: send the pty to %s", path);
    return 0;
}

void terminal_relay_resize(const struct terminal_relay *r)
{
    struct winsize ws;
    if (r->master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl(r->master, TIOCSWINSZ, &ws);
}

/* `berth run` in a shell: our terminal goes raw and carries the
 * container's; its size follows ours. */
int terminal_relay_start(struct terminal_relay *r, int master, err_t *err)
{
    r->master = master;
    r->stdin_open = true;
    r->raw = false;
    if (isatty(STDIN_FILENO)) {
        if (tcgetattr(STDIN_FILENO, &r->saved) < 0)
            return make_err(err, errno, "read the terminal's settings");
        struct termios raw = r->saved;
        cfmakeraw(&raw);
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
            return make_err(err, errno, "make the terminal raw");
        r->raw = true;
        terminal_relay_resize(r);
    }
    return 0;
}

/* Copies what is there; false once `from` is closed. */
static bool pump(int from, int to)
{
    char buf[4096];
    ssize_t n = read(from, buf, sizeof(buf));
    if (n <= 0)
        return n < 0 && (errno == EAGAIN || errno == EINTR);
    return write_all(to, buf, (size_t) n) >= 0;
}

void terminal_relay_io(struct terminal_relay *r, const struct pollfd *in, const struct pollfd *out)
{
    if (in && in->revents && !pump(STDIN_FILENO, r->master))
        r->stdin_open = false;
    if (out && out->revents && !pump(r->master, STDOUT_FILENO)) {
        close(r->master);
        r->master = -1;
    }
}

/* After the container's process exited: what it wrote last, then our
 * terminal as it was. */
void terminal_relay_stop(struct terminal_relay *r)
{
    if (r->master >= 0) {
        char buf[4096];
        ssize_t n;
        fcntl(r->master, F_SETFL, O_NONBLOCK);
        while ((n = read(r->master, buf, sizeof(buf))) > 0 && write_all(STDOUT_FILENO, buf, (size_t) n) >= 0)
            ;
        cleanup_closep(&r->master);
    }
    if (r->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
}
