#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* rootfsPropagation as runc maps it; "" (unset) makes every mount a slave
 * so that nothing the container mounts reaches the host. */
static unsigned long propagation_flags(const char *name)
{
    static const struct {
        const char *name;
        unsigned long flags;
    } table[] = {
        {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
        {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
        {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    for (size_t i = 0; name && i < ARRAY_SIZE(table); i++)
        if (strcmp(name, table[i].name) == 0)
            return table[i].flags;
    return 0;
}

static const char *rootfs_propagation(const struct oci_config *config)
{
    return config->linux_config ? config->linux_config->rootfs_propagation : NULL;
}

/* The mount the rootfs is on (the rootfs itself when it is a mount point)
 * made private, as runc does: pivot_root refuses a shared parent, and
 * nothing mounted below the rootfs can then reach the host, whatever
 * rootfsPropagation left shared. */
static int make_parent_mount_private(const char *rootfs, err_t *err)
{
    cleanup_free char *dir = xstrdup(rootfs);
    for (;;) {
        if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) == 0)
            return 0;
        if (errno != EINVAL || strcmp(dir, "/") == 0)
            return make_err(err, errno, "make the parent mount of %s private", rootfs);
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            dir[1] = '\0';
        else if (slash)
            *slash = '\0';
    }
}

int rootfs_pivot(const char *rootfs, bool no_pivot, err_t *err)
{
    if (chdir(rootfs) < 0)
        return make_err(err, errno, "chdir to the rootfs");
    if (no_pivot) {
        if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
            return make_err(err, errno, "move the rootfs to /");
        if (chroot(".") < 0)
            return make_err(err, errno, "chroot");
    } else {
        /* pivot_root(".", ".") stacks the old root on top of the new one,
         * which stays our cwd: back into the old root by fd, so that it,
         * not the container's mounts, is made a slave (its unmounting must
         * never reach the host) and then detached. */
        cleanup_close int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (old_root < 0)
            return make_err(err, errno, "open the old root");
        if (syscall(SYS_pivot_root, ".", ".") < 0)
            return make_err(err, errno, "pivot_root");
        if (fchdir(old_root) < 0)
            return make_err(err, errno, "chdir to the old root");
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
            return make_err(err, errno, "make the old root a slave");
        if (umount2(".", MNT_DETACH) < 0)
            return make_err(err, errno, "unmount the old root");
    }
    if (chdir("/") < 0)
        return make_err(err, errno, "chdir /");
    return 0;
}

/* A /dev bind-mounted from elsewhere is used as it is: nothing is created
 * in it, as runc does, so a host directory is never changed. */
static bool dev_is_bound(const struct oci_config *config)
{
    for (size_t i = 0; i < config->mounts_len; i++) {
        const struct oci_mount *m = &config->mounts[i];
        cleanup_free char *dest = path_clean(m->destination);
        if (strcmp(dest, "/dev") != 0)
            continue;
        for (size_t o = 0; o < m->options_len; o++)
            if (strcmp(m->options[o], "bind") == 0 || strcmp(m->options[o], "rbind") == 0)
                return true;
    }
    return false;
}

int rootfs_prepare(const struct oci_config *config, err_t *err)
{
    unsigned long propagation = propagation_flags(rootfs_propagation(config));
    if (mount(NULL, "/", NULL, propagation ? propagation : MS_SLAVE | MS_REC, NULL) < 0)
        return make_err(err, errno, "set the propagation of /");
    return 0;
}

int rootfs_mount(const struct rootfs_opts *opts, err_t *err)
{
    const struct oci_config *config = opts->config;
    if (make_parent_mount_private(opts->rootfs, err) < 0)
        return -1;
    if (mount(opts->rootfs, opts->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return make_err(err, errno, "bind the rootfs %s", opts->rootfs);
    cleanup_close int rootfd = open(opts->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return make_err(err, errno, "open the rootfs %s", opts->rootfs);

    for (size_t i = 0; i < config->mounts_len; i++)
        if (mount_config_entry(rootfd, opts, i, err) < 0)
            return -1;
    if (!dev_is_bound(config) && (devices_create(rootfd, config, err) < 0 || devices_links(rootfd, err) < 0))
        return -1;
    return 0;
}

/* The verified /dev/null of the container: a char device 1:3, opened by
 * fd so a planted symlink or file cannot stand in for it (CVE-2025-31133). */
static int open_dev_null(int rootfd, err_t *err)
{
    cleanup_close int fd = root_open(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, err);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return make_err(err, errno, "stat /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        return make_err(err, EPERM, "/dev/null is not the null device");
    return steal_fd(&fd);
}

static int mask_path(int rootfd, int *dev_null, const char *path, err_t *err)
{
    cleanup_err err_t missing = NULL;
    cleanup_close int target = root_open(rootfd, path, O_PATH | O_NOFOLLOW, &missing);
    if (target < 0)
        return missing->errnum == ENOENT ? 0 : (*err = steal_ptr(&missing), -1);
    struct stat st;
    if (fstat(target, &st) < 0)
        return make_err(err, errno, "stat %s", path);
    cleanup_close int mntfd = -1;
    if (S_ISDIR(st.st_mode)) {
        struct mount_plan ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
        mntfd = mount_make_fs("tmpfs", "tmpfs", &ro, err);
    } else {
        if (*dev_null < 0 && (*dev_null = open_dev_null(rootfd, err)) < 0)
            return -1;
        mntfd = open_tree(*dev_null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (mntfd < 0)
            return make_err(err, errno, "bind /dev/null");
    }
    if (mntfd < 0)
        return -1;
    return mount_attach(mntfd, target, err);
}

/* A symlink is followed, inside the rootfs, as runc does: its target is
 * what the config means to protect. */
static int readonly_path(int rootfd, const char *path, err_t *err)
{
    cleanup_err err_t missing = NULL;
    cleanup_close int target = root_open(rootfd, path, O_PATH, &missing);
    if (target < 0)
        return missing->errnum == ENOENT ? 0 : (*err = steal_ptr(&missing), -1);
    cleanup_close int mntfd = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (mntfd < 0)
        return make_err(err, errno, "bind %s", path);
    struct mount_plan ro = {.rec_attr_set = MOUNT_ATTR_RDONLY};
    if (mount_set_attrs(mntfd, &ro, err) < 0)
        return -1;
    return mount_attach(mntfd, target, err);
}

int rootfs_finish(const struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int dev_null = -1;
    if (rootfd < 0)
        return make_err(err, errno, "open /");
    for (size_t i = 0; l && i < l->masked_paths_len; i++)
        if (mask_path(rootfd, &dev_null, l->masked_paths[i], err) < 0)
            return wrap_err(err, "linux.maskedPaths[%zu]: mask %s", i, l->masked_paths[i]);
    for (size_t i = 0; l && i < l->readonly_paths_len; i++)
        if (readonly_path(rootfd, l->readonly_paths[i], err) < 0)
            return wrap_err(err, "linux.readonlyPaths[%zu]: make %s read-only", i, l->readonly_paths[i]);
    if (config->root->readonly) {
        struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
        if (mount_setattr(AT_FDCWD, "/", 0, &ro, sizeof(ro)) < 0)
            return make_err(err, errno, "root.readonly: remount / read-only");
    }
    unsigned long propagation = propagation_flags(rootfs_propagation(config));
    if (propagation && mount(NULL, "/", NULL, propagation, NULL) < 0)
        return make_err(err, errno, "linux.rootfsPropagation: set the propagation of /");
    return 0;
}
