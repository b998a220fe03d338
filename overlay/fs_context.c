/* The fs context's log: where the new mount API puts the kernel's reasons
 * (overlay's own pr_err lines still go to the kernel log only). */
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void overlay_fs_log(int fsfd, char *buf, size_t len)
{
    char msg[512];
    buf[0] = '\0';
    for (;;) {
        ssize_t n = read(fsfd, msg, sizeof(msg) - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        msg[n] = '\0';
        msg[strcspn(msg, "\n")] = '\0';
        /* "e overlay: ...": errors win over warnings and notes. */
        bool is_error = msg[0] == 'e';
        if ((is_error || buf[0] == '\0') && n > 2)
            snprintf(buf, len, "%s", msg + 2);
    }
}

int overlay_fs_err(err_t *err, int fsfd, int errnum, const char *what)
{
    char log[512];
    overlay_fs_log(fsfd, log, sizeof(log));
    if (log[0] != '\0')
        return make_err(err, errnum, "%s: %s", what, log);
    return make_err(err, errnum, "%s", what);
}
