#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* /dev/console is the container's pty, bound from the fd berth holds and
 * never looked up by path, onto a target that must be a plain file or a
 * device (CVE-2025-52565: not a symlink planted to redirect the mount). */
int console_bind(int pty_slave, err_t *err)
{
    cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return make_err(err, errno, "open /");
    cleanup_close int target = root_mkfile(rootfd, "/dev/console", 0600, err);
    if (target < 0)
        return wrap_err(err, "/dev/console");
    struct stat st;
    if (fstat(target, &st) < 0)
        return make_err(err, errno, "stat /dev/console");
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        return make_err(err, EPERM, "/dev/console is neither a file nor a device");
    cleanup_close int mntfd = open_tree(pty_slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (mntfd < 0)
        return make_err(err, errno, "bind the pty onto /dev/console");
    return mount_attach(mntfd, target, err);
}
