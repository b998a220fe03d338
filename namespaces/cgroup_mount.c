#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <stdlib.h>
#include <unistd.h>

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

/* The line of /proc/self/cgroup (as read before any cgroup namespace) for
 * a hierarchy: its controllers are "cpu,cpuacct", "name=systemd", or "" for
 * cgroup v2. Returns the path, or NULL. */
static char *own_cgroup_path(const char *self_cgroup, const char *controllers)
{
    for (const char *line = self_cgroup; line && *line;) {
        const char *end = strchrnul(line, '\n');
        const char *c1 = memchr(line, ':', (size_t) (end - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;
        if (c2 && (size_t) (c2 - c1 - 1) == strlen(controllers) && strncmp(c1 + 1, controllers, strlen(controllers)) == 0)
            return strndup(c2 + 1, (size_t) (end - c2 - 1));
        line = *end ? end + 1 : end;
    }
    return NULL;
}

/* The controllers of a v1 hierarchy, from its super options "rw,cpu,cpuacct". */
static char *hierarchy_controllers(const char *super_options)
{
    const char *p = strchr(super_options, ',');
    return xstrdup(p ? p + 1 : "");
}

static int bind_hierarchy(int dirfd, const char *name, const char *host_path, const struct mount_plan *plan, err_t *err)
{
    if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
        return make_err(err, errno, "mkdir %s", name);
    cleanup_close int target = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0)
        return make_err(err, errno, "open %s", name);
    struct mount_plan bind = *plan;
    bind.bind = true;
    bind.recursive_bind = false;
    bind.sb_flags = bind.data = NULL;
    cleanup_close int mntfd = mount_make_bind(host_path, &bind, err);
    if (mntfd < 0)
        return -1;
    return mount_attach(mntfd, target, err);
}

/* v1 and hybrid hosts: a tmpfs holding one bind mount per hierarchy, each
 * showing the container's own cgroup as its root, as runc does. */
static int mount_v1_tree(int target_fd, const struct mount_plan *plan, const struct rootfs_opts *opts, err_t *err)
{
    struct mount_plan tmpfs_plan = {.attr_set = plan->attr_set & ~MOUNT_ATTR_RDONLY, .data = (char *[]){"mode=755", NULL}};
    cleanup_close int tmpfs = mount_make_fs("tmpfs", "cgroup", &tmpfs_plan, err);
    if (tmpfs < 0 || mount_attach(tmpfs, target_fd, err) < 0)
        return -1;
    cleanup_close int dirfd = openat(tmpfs, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cleanup_file FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
    if (dirfd < 0 || mountinfo == NULL)
        return make_err(err, errno, "read the host's cgroup mounts");

    char *line = NULL;
    size_t cap = 0;
    int ret = 0;
    while (ret == 0 && getline(&line, &cap, mountinfo) > 0) {
        char mount_point[4096], fstype[64], super[1024];
        const char *sep = strstr(line, " - ");
        if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mount_point) != 1 ||
            sscanf(sep, " - %63s %*s %1023s", fstype, super) != 2)
            continue;
        bool v2 = strcmp(fstype, "cgroup2") == 0;
        if ((!v2 && strcmp(fstype, "cgroup") != 0) || !str_has_prefix(mount_point, HOST_CGROUP_ROOT "/"))
            continue;
        const char *name = mount_point + strlen(HOST_CGROUP_ROOT "/");
        cleanup_free char *controllers = v2 ? xstrdup("") : hierarchy_controllers(super);
        cleanup_free char *own = own_cgroup_path(opts->self_cgroup, controllers);
        cleanup_free char *host_path = xasprintf("%s%s", mount_point, own ? own : "");
        ret = bind_hierarchy(dirfd, name, host_path, plan, err);
        /* Co-mounted controllers ("cpu,cpuacct") get a link per name. */
        if (ret == 0 && strchr(name, ',')) {
            cleanup_free char *names = xstrdup(name);
            char *save = NULL;
            for (char *c = strtok_r(names, ",", &save); c; c = strtok_r(NULL, ",", &save))
                symlinkat(name, dirfd, c);
        }
    }
    free(line);
    if (ret < 0)
        return -1;
    if (plan->attr_set & MOUNT_ATTR_RDONLY) {
        struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
        if (mount_setattr(tmpfs, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
            return make_err(err, errno, "make the cgroup tmpfs read-only");
    }
    return 0;
}

int mount_cgroup_tree(int target_fd, const struct mount_plan *plan, const struct rootfs_opts *opts, err_t *err)
{
    struct statfs host;
    if (statfs(HOST_CGROUP_ROOT, &host) < 0)
        return make_err(err, errno, "statfs " HOST_CGROUP_ROOT);
    if (host.f_type != CGROUP2_SUPER_MAGIC)
        return mount_v1_tree(target_fd, plan, opts, err);

    /* Unified host: in its own cgroup namespace the container gets a fresh
     * cgroup2 mount rooted at its cgroup; otherwise a bind of that cgroup. */
    cleanup_close int mntfd = -1;
    if (oci_has_namespace(opts->config, NS_CGROUP)) {
        mntfd = mount_make_fs("cgroup2", "cgroup", plan, err);
    } else {
        cleanup_free char *own = own_cgroup_path(opts->self_cgroup, "");
        cleanup_free char *host_path = xasprintf(HOST_CGROUP_ROOT "%s", own ? own : "");
        struct mount_plan bind = *plan;
        bind.bind = true;
        bind.sb_flags = bind.data = NULL;
        mntfd = mount_make_bind(host_path, &bind, err);
    }
    if (mntfd < 0)
        return -1;
    return mount_attach(mntfd, target_fd, err);
}
