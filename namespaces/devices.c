#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* config-linux.md#default-devices */
static const struct oci_device default_devices[] = {
    {.type = 'c', .path = "/dev/null", .major = 1, .minor = 3},
    {.type = 'c', .path = "/dev/zero", .major = 1, .minor = 5},
    {.type = 'c', .path = "/dev/full", .major = 1, .minor = 7},
    {.type = 'c', .path = "/dev/random", .major = 1, .minor = 8},
    {.type = 'c', .path = "/dev/urandom", .major = 1, .minor = 9},
    {.type = 'c', .path = "/dev/tty", .major = 5, .minor = 0},
};

static mode_t device_type_bits(char type)
{
    return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

/* Where mknod is not allowed (a user namespace), the host's node is
 * bind-mounted instead, as runc does. */
static int bind_host_device(int parent, const char *name, const struct oci_device *d, err_t *err)
{
    int fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return make_err(err, errno, "create %s", d->path);
    close(fd);
    cleanup_close int target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int mntfd = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (target < 0 || mntfd < 0)
        return make_err(err, errno, "bind host device %s", d->path);
    return mount_attach(mntfd, target, err);
}

static int check_existing(int parent, const char *name, const struct oci_device *d, err_t *err)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return make_err(err, errno, "stat %s", d->path);
    bool same = (st.st_mode & S_IFMT) == device_type_bits(d->type) &&
                (d->type == 'p' || st.st_rdev == makedev((unsigned) d->major, (unsigned) d->minor));
    if (!same)
        return make_err(err, EEXIST, "%s exists and is not the requested device", d->path);
    return 0;
}

static int create_device(int rootfd, const struct oci_device *d, err_t *err)
{
    char *name = NULL;
    cleanup_free char *dir = xstrdup(d->path);
    *strrchr(dir, '/') = '\0';
    cleanup_close int parent = root_mkdir_all(rootfd, dir[0] ? dir : "/", 0755, err);
    if (parent < 0)
        return -1;
    name = strrchr(d->path, '/') + 1;
    mode_t mode = d->has_file_mode ? d->file_mode : 0666;
    dev_t dev = d->type == 'p' ? 0 : makedev((unsigned) d->major, (unsigned) d->minor);
    if (mknodat(parent, name, device_type_bits(d->type) | mode, dev) < 0) {
        if (errno == EEXIST) {
            if (check_existing(parent, name, d, err) < 0)
                return -1;
        } else if (errno == EPERM) {
            return bind_host_device(parent, name, d, err);
        } else {
            return make_err(err, errno, "mknod %s", d->path);
        }
    }
    /* chown first: it would clear a setuid or setgid bit */
    if (fchownat(parent, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
        return make_err(err, errno, "chown %s", d->path);
    if (fchmodat(parent, name, mode, 0) < 0)
        return make_err(err, errno, "chmod %s", d->path);
    return 0;
}

static bool configured(const struct oci_config *config, const char *path)
{
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; l && i < l->devices_len; i++)
        if (strcmp(l->devices[i].path, path) == 0)
            return true;
    return false;
}

int devices_create(int rootfd, const struct oci_config *config, err_t *err)
{
    for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
        if (!configured(config, default_devices[i].path) && create_device(rootfd, &default_devices[i], err) < 0)
            return -1;
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; l && i < l->devices_len; i++)
        if (create_device(rootfd, &l->devices[i], err) < 0)
            return wrap_err(err, "linux.devices[%zu]", i);
    return 0;
}

/* runtime-linux.md#dev-symbolic-links, plus /dev/ptmx and /dev/shm. */
int devices_links(int rootfd, err_t *err)
{
    static const struct {
        const char *source, *link;
    } links[] = {
        {"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
    };
    cleanup_close int dev = root_mkdir_all(rootfd, "/dev", 0755, err);
    if (dev < 0)
        return -1;
    cleanup_err err_t ignored = NULL;
    cleanup_close int proc_fd = root_open(rootfd, "/proc/self/fd", O_PATH, &ignored);
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        if (links[i].source[0] == '/' && proc_fd < 0)
            continue; /* only when the source exists after the mounts */
        if (symlinkat(links[i].source, dev, links[i].link) < 0 && errno != EEXIST)
            return make_err(err, errno, "symlink /dev/%s", links[i].link);
    }
    if (mkdirat(dev, "shm", 01777) < 0 && errno != EEXIST)
        return make_err(err, errno, "mkdir /dev/shm");
    return 0;
}
