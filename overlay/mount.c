/* overlay_mount_fd: the layers as one detached overlay mount. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The fs context being filled, and the O_PATH fds that name paths too long
 * for one fsconfig value: the kernel may look them up as late as
 * FSCONFIG_CMD_CREATE, so they stay open until then. */
struct mount_ctx {
    int fsfd;
    const struct overlay_kernel *kernel;
    int held[2]; /* upperdir, workdir */
    size_t held_len;
    struct lowerdir_string lowerdir;
};

static void mount_ctx_cleanup(struct mount_ctx *m)
{
    lowerdir_string_finish(&m->lowerdir);
    for (size_t i = 0; i < m->held_len; i++)
        close(m->held[i]);
    m->held_len = 0;
    if (m->fsfd >= 0)
        close(m->fsfd);
    m->fsfd = -1;
}

static int unsupported_option(err_t *err, const char *name)
{
    struct utsname u;
    if (uname(&u) < 0)
        snprintf(u.release, sizeof(u.release), "unknown");
    return make_err(err, EOPNOTSUPP, "overlay option %s: this kernel (%s) does not have it", name, u.release);
}

static int set_option(struct mount_ctx *m, const char *option, err_t *err)
{
    cleanup_free char *name = strndup(option, strcspn(option, "="));
    const char *value = strchr(option, '=');
    if (m->kernel->legacy && !overlay_kernel_supports(name))
        return unsupported_option(err, name);
    int r = value ? fsconfig(m->fsfd, FSCONFIG_SET_STRING, name, value + 1, 0)
                  : fsconfig(m->fsfd, FSCONFIG_SET_FLAG, name, NULL, 0);
    if (r == 0)
        return 0;
    int errnum = errno;
    char log[512];
    overlay_fs_log(m->fsfd, log, sizeof(log));
    if (strstr(log, "Unknown parameter"))
        return unsupported_option(err, name);
    if (log[0])
        return make_err(err, errnum, "overlay option %s: %s", option, log);
    return make_err(err, errnum, "overlay option %s", option);
}

/* what names the path in errors: `lower layer 2 "/x"`, `upperdir "/u"`.
 * A path longer than one fsconfig value, or with a comma before 6.5 (the
 * options then travel as one comma-separated string), goes as
 * /proc/self/fd/N. */
static int set_path(struct mount_ctx *m, const char *key, const char *path, const char *what, err_t *err)
{
    if (strlen(path) <= OVERLAY_FSCONFIG_VALUE_MAX && !(m->kernel->legacy && strchr(path, ','))) {
        if (fsconfig(m->fsfd, FSCONFIG_SET_STRING, key, path, 0) < 0)
            return overlay_fs_err(err, m->fsfd, errno, what);
        return 0;
    }
    cleanup_close int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return make_err(err, errno, "%s", what);
    char by_fd[32];
    snprintf(by_fd, sizeof(by_fd), "/proc/self/fd/%d", fd);
    if (fsconfig(m->fsfd, FSCONFIG_SET_STRING, key, by_fd, 0) < 0)
        return overlay_fs_err(err, m->fsfd, errno, what);
    /* Before 6.5 the kernel looks paths up at FSCONFIG_CMD_CREATE only. */
    if (m->kernel->legacy && m->held_len < ARRAY_SIZE(m->held))
        m->held[m->held_len++] = steal_fd(&fd);
    return 0;
}

static int set_lowers_plus(struct mount_ctx *m, const struct overlay_layers *l, err_t *err)
{
    for (size_t i = 0; i < l->lower_len; i++) {
        char what[64 + 4096];
        snprintf(what, sizeof(what), "lower layer %zu \"%s\"", i + 1, l->lower[i]);
        if (set_path(m, "lowerdir+", l->lower[i], what, err) < 0)
            return -1;
    }
    return 0;
}

static int set_lowerdir_string(struct mount_ctx *m, const struct overlay_layers *l, err_t *err)
{
    if (lowerdir_string_make(l->lower, l->lower_len, m->kernel->legacy, &m->lowerdir, err) < 0)
        return -1;
    if (lowerdir_string_enter(&m->lowerdir, err) < 0)
        return -1;
    if (fsconfig(m->fsfd, FSCONFIG_SET_STRING, "lowerdir", m->lowerdir.value, 0) == 0)
        return 0;
    int errnum = errno;
    if (overlay_missing_layer(l, err) < 0)
        return -1;
    return overlay_fs_err(err, m->fsfd, errnum, "lowerdir");
}

static int configure(struct mount_ctx *m, const struct overlay_layers *l, err_t *err)
{
    if (fsconfig(m->fsfd, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
        return overlay_fs_err(err, m->fsfd, errno, "source");
    if (l->lower_len > 0) {
        bool plus = m->kernel->lowerdir_plus && !overlay_force_lowerdir_string;
        if ((plus ? set_lowers_plus(m, l, err) : set_lowerdir_string(m, l, err)) < 0)
            return -1;
    }
    if (l->upper) {
        char what[32 + 4096];
        snprintf(what, sizeof(what), "upperdir \"%s\"", l->upper);
        if (set_path(m, "upperdir", l->upper, what, err) < 0)
            return -1;
        snprintf(what, sizeof(what), "workdir \"%s\"", l->work);
        if (set_path(m, "workdir", l->work, what, err) < 0)
            return -1;
    }
    if (l->volatile_upper && set_option(m, "volatile", err) < 0)
        return -1;
    if (l->userxattr && set_option(m, "userxattr", err) < 0)
        return -1;
    for (char **o = l->options; o && *o; o++)
        if (set_option(m, *o, err) < 0)
            return -1;
    return 0;
}

int overlay_mount_fd(const struct overlay_layers *l, err_t *err)
{
    if (overlay_check_layers(l, err) < 0)
        return -1;
    __attribute__((cleanup(mount_ctx_cleanup))) struct mount_ctx m = {
        .fsfd = fsopen("overlay", FSOPEN_CLOEXEC),
        .kernel = overlay_kernel(),
        .lowerdir = {.saved_cwd = -1},
    };
    if (m.fsfd < 0)
        return make_err(err, errno, errno == ENODEV ? "the kernel has no overlay filesystem" : "fsopen overlay");
    if (configure(&m, l, err) < 0)
        return -1;
    if (fsconfig(m.fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return overlay_create_err(l, m.fsfd, errno, err);
    int mntfd = fsmount(m.fsfd, FSMOUNT_CLOEXEC, 0);
    if (mntfd < 0)
        return overlay_fs_err(err, m.fsfd, errno, "fsmount overlay");
    return mntfd;
}
