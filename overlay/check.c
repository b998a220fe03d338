/* Checks before the mount, and the reasons after a failed one. overlay
 * explains most refusals only in the kernel log (pr_err), so what can be
 * told from here is told with the directory's name. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>

static const struct {
    unsigned long magic;
    const char *name;
} fs_names[] = {
    {EXT4_SUPER_MAGIC, "ext4"},   {TMPFS_MAGIC, "tmpfs"}, {XFS_SUPER_MAGIC, "xfs"},
    {BTRFS_SUPER_MAGIC, "btrfs"}, {F2FS_SUPER_MAGIC, "f2fs"}, {OVERLAYFS_SUPER_MAGIC, "overlay"},
    {FUSE_SUPER_MAGIC, "fuse"},   {NFS_SUPER_MAGIC, "nfs"}, {V9FS_MAGIC, "9p"},
    {SMB2_SUPER_MAGIC, "smb"},    {CIFS_SUPER_MAGIC, "cifs"}, {SQUASHFS_MAGIC, "squashfs"},
};

static void fs_name(const char *path, char *buf, size_t len)
{
    struct statfs sfs;
    if (statfs(path, &sfs) < 0) {
        snprintf(buf, len, "unknown filesystem");
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(fs_names); i++) {
        if ((unsigned long) sfs.f_type == fs_names[i].magic) {
            snprintf(buf, len, "%s", fs_names[i].name);
            return;
        }
    }
    snprintf(buf, len, "filesystem 0x%lx", (unsigned long) sfs.f_type);
}

static bool has_lowerdir_option(char *const *options)
{
    for (char *const *o = options; o && *o; o++)
        if (str_has_prefix(*o, "lowerdir=") || str_has_prefix(*o, "lowerdir+="))
            return true;
    return false;
}

static int check_lowers(const struct overlay_layers *l, err_t *err)
{
    if (l->lower_len == 0 && !has_lowerdir_option(l->options))
        return make_err(err, EINVAL, "an overlay needs at least one lower layer");
    if (l->lower_len > OVERLAY_MAX_LAYERS)
        return make_err(err, E2BIG, "%zu lower layers, overlay stacks at most %d", l->lower_len, OVERLAY_MAX_LAYERS);
    for (size_t i = 0; i < l->lower_len; i++)
        if (l->lower[i][0] != '/')
            return make_err(err, EINVAL, "lower layer %zu \"%s\" is not an absolute path", i + 1, l->lower[i]);
    return 0;
}

static int mount_id(const char *what, const char *path, struct statx *stx, err_t *err)
{
    if (statx(AT_FDCWD, path, 0, STATX_TYPE | STATX_MNT_ID, stx) < 0)
        return make_err(err, errno, "%s \"%s\"", what, path);
    if (!S_ISDIR(stx->stx_mode))
        return make_err(err, ENOTDIR, "%s \"%s\"", what, path);
    return 0;
}

static int check_upper(const struct overlay_layers *l, err_t *err)
{
    if (l->upper == NULL)
        return l->work ? make_err(err, EINVAL, "workdir \"%s\" without an upperdir", l->work) : 0;
    if (l->work == NULL)
        return make_err(err, EINVAL, "upperdir \"%s\" without a workdir", l->upper);
    if (l->upper[0] != '/' || l->work[0] != '/')
        return make_err(err, EINVAL, "upperdir \"%s\" and workdir \"%s\" must be absolute paths", l->upper, l->work);
    struct statx upper, work;
    if (mount_id("upperdir", l->upper, &upper, err) < 0 || mount_id("workdir", l->work, &work, err) < 0)
        return -1;
    if ((upper.stx_mask & work.stx_mask & STATX_MNT_ID) && upper.stx_mnt_id != work.stx_mnt_id)
        return make_err(err, EXDEV, "workdir \"%s\" is not on the mount of upperdir \"%s\", as overlay needs", l->work,
                        l->upper);
    struct statfs sfs;
    if (statfs(l->upper, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC)
        return make_err(err, EINVAL, "upperdir \"%s\" is on an overlay filesystem, which overlay cannot write to",
                        l->upper);
    struct statvfs svfs;
    if (statvfs(l->upper, &svfs) == 0 && (svfs.f_flag & ST_RDONLY))
        return make_err(err, EROFS, "upperdir \"%s\"", l->upper);
    return 0;
}

int overlay_check_layers(const struct overlay_layers *l, err_t *err)
{
    if (check_lowers(l, err) < 0 || check_upper(l, err) < 0)
        return -1;
    return 0;
}

int overlay_missing_layer(const struct overlay_layers *l, err_t *err)
{
    for (size_t i = 0; i < l->lower_len; i++) {
        struct stat st;
        if (stat(l->lower[i], &st) < 0)
            return make_err(err, errno, "lower layer %zu \"%s\"", i + 1, l->lower[i]);
        if (!S_ISDIR(st.st_mode))
            return make_err(err, ENOTDIR, "lower layer %zu \"%s\"", i + 1, l->lower[i]);
    }
    return 0;
}

int overlay_create_err(const struct overlay_layers *l, int fsfd, int errnum, err_t *err)
{
    char log[512], what[256 + 2 * 4096];
    overlay_fs_log(fsfd, log, sizeof(log));
    if (log[0] == '\0' && overlay_missing_layer(l, err) < 0)
        return -1;
    if (l->upper) {
        char upper_fs[64];
        fs_name(l->upper, upper_fs, sizeof(upper_fs));
        snprintf(what, sizeof(what), "mount overlay of %zu layer%s with upperdir \"%s\" (%s) and workdir \"%s\"",
                 l->lower_len, l->lower_len == 1 ? "" : "s", l->upper, upper_fs, l->work);
    } else {
        snprintf(what, sizeof(what), "mount read-only overlay of %zu layer%s", l->lower_len,
                 l->lower_len == 1 ? "" : "s");
    }
    if (log[0])
        return make_err(err, errnum, "%s: %s", what, log);
    return make_err(err, errnum, "%s (the kernel log tells why)", what);
}
