/* Cgroup ownership (runtime-spec config-linux.md "cgroup ownership"): on a
 * v2 host the container's cgroup directory and the files the kernel lists
 * as delegatable go to the container's user. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define DELEGATE_LIST "/sys/kernel/cgroup/delegate"

int cgroup_chown(const struct cgroup *cg, uid_t uid, gid_t gid, err_t *err)
{
    if (cg->mode != CGROUP_UNIFIED)
        return 0;
    cleanup_close int fd = cg_open_dir(&cg->hier[0], err);
    if (fd < 0)
        return -1;
    if (fchown(fd, uid, gid) < 0)
        return make_err(err, errno, "chown cgroup %s", cg->hier[0].path);
    cleanup_free char *list = NULL;
    cleanup_err err_t ignored = NULL;
    if (cg_read(-1, DELEGATE_LIST, &list, &ignored) < 0)
        list = xstrdup("cgroup.procs\ncgroup.subtree_control\ncgroup.threads");
    char *save = NULL;
    for (char *file = strtok_r(list, "\n", &save); file; file = strtok_r(NULL, "\n", &save)) {
        if (strchr(file, '/'))
            continue;
        if (fchownat(fd, file, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
            return make_err(err, errno, "chown %s/%s", cg->hier[0].path, file);
    }
    return 0;
}
