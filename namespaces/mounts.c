#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel explains fsconfig failures in the fs context's log. */
static int fs_context_err(err_t *err, int fsfd, int errnum, const char *what)
{
    char log[256];
    ssize_t n = read(fsfd, log, sizeof(log) - 1);
    if (n > 2) {
        log[n] = '\0';
        log[strcspn(log, "\n")] = '\0';
        return make_err(err, errnum, "%s (%s)", what, log + 2); /* drop the "e " prefix */
    }
    return make_err(err, errnum, "%s", what);
}

int mount_set_attrs(int mntfd, const struct mount_plan *plan, err_t *err)
{
    if (plan->rec_attr_set || plan->rec_attr_clr) {
        struct mount_attr attr = {.attr_set = plan->rec_attr_set, .attr_clr = plan->rec_attr_clr};
        if (mount_setattr(mntfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
            return make_err(err, errno, "set recursive mount attributes");
    }
    if (plan->attr_set || plan->attr_clr) {
        struct mount_attr attr = {.attr_set = plan->attr_set, .attr_clr = plan->attr_clr};
        if (mount_setattr(mntfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
            return make_err(err, errno, "set mount attributes");
    }
    return 0;
}

static int set_propagation(int mntfd, const struct mount_plan *plan, err_t *err)
{
    if (plan->propagation == 0)
        return 0;
    struct mount_attr attr = {.propagation = plan->propagation};
    unsigned int flags = AT_EMPTY_PATH | (plan->propagation_recursive ? AT_RECURSIVE : 0);
    if (mount_setattr(mntfd, "", flags, &attr, sizeof(attr)) < 0)
        return make_err(err, errno, "set mount propagation");
    return 0;
}

int mount_make_bind(const char *source, const struct mount_plan *plan, err_t *err)
{
    unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (plan->recursive_bind ? AT_RECURSIVE : 0);
    cleanup_close int mntfd = open_tree(AT_FDCWD, source, flags);
    if (mntfd < 0)
        return make_err(err, errno, "bind %s", source);
    if (plan->sb_flags)
        log_warn("bind mount of %s: superblock option %s cannot apply to a bind mount", source, plan->sb_flags[0]);
    if (mount_set_attrs(mntfd, plan, err) < 0)
        return -1;
    return steal_fd(&mntfd);
}

static int fs_set_option(int fsfd, const char *option, err_t *err)
{
    const char *eq = strchr(option, '=');
    int r;
    if (eq) {
        cleanup_free char *key = strndup(option, (size_t) (eq - option));
        r = fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
    } else {
        r = fsconfig(fsfd, FSCONFIG_SET_FLAG, option, NULL, 0);
    }
    if (r < 0) {
        char what[256];
        snprintf(what, sizeof(what), "option %s", option);
        return fs_context_err(err, fsfd, errno, what);
    }
    return 0;
}

int mount_make_fs(const char *type, const char *source, const struct mount_plan *plan, err_t *err)
{
    cleanup_close int fsfd = fsopen(type, FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return make_err(err, errno, errno == ENODEV ? "filesystem type %s is not supported by the kernel" : "fsopen %s",
                        type);
    if (source && *source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
        return fs_context_err(err, fsfd, errno, "source");
    for (char **o = plan->sb_flags; o && *o; o++)
        if (fs_set_option(fsfd, *o, err) < 0)
            return -1;
    for (char **o = plan->data; o && *o; o++)
        if (fs_set_option(fsfd, *o, err) < 0)
            return -1;
    if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return fs_context_err(err, fsfd, errno, "create");
    /* A new mount starts with every attribute clear: only set bits matter,
     * the recursive ones included (a new mount has no submounts). */
    unsigned int attrs = plan->attr_set | plan->rec_attr_set;
    int mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
    if (mntfd < 0)
        return fs_context_err(err, fsfd, errno, "fsmount");
    return mntfd;
}

int mount_attach(int mntfd, int target_fd, err_t *err)
{
    if (move_mount(mntfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return make_err(err, errno, "attach mount");
    return 0;
}

static bool source_is_dir(const char *source)
{
    struct stat st;
    return stat(source, &st) < 0 || S_ISDIR(st.st_mode);
}

static bool is_sysfs_in_user_ns(const char *type, const err_t error)
{
    return type && strcmp(type, "sysfs") == 0 && error && error->errnum == EPERM;
}

static int remount(int target_fd, const struct mount_plan *plan, err_t *err)
{
    if (mount_set_attrs(target_fd, plan, err) < 0)
        return -1;
    return set_propagation(target_fd, plan, err);
}

static int mount_entry(int rootfd, const struct rootfs_opts *opts, const struct oci_mount *m,
                       const struct mount_plan *plan, int prepared, err_t *err)
{
    cleanup_free char *source = NULL;
    bool is_dir = true;
    if (plan->bind) {
        if (m->source == NULL || *m->source == '\0')
            return make_err(err, EINVAL, "a bind mount needs a source");
        source = path_join(opts->bundle, m->source);
        is_dir = source_is_dir(source);
    }
    cleanup_close int target = is_dir ? root_mkdir_all(rootfd, m->destination, 0755, err)
                                      : root_mkfile(rootfd, m->destination, 0644, err);
    if (target < 0)
        return -1;
    if (plan->remount)
        return remount(target, plan, err);
    if (!plan->bind && m->type && strcmp(m->type, "cgroup") == 0)
        return mount_cgroup_tree(target, plan, opts, err);
    if (prepared >= 0)
        return mount_attach(prepared, target, err);

    const char *type = m->type && *m->type ? m->type : NULL;
    if (!plan->bind && type == NULL)
        return make_err(err, EINVAL, "a mount needs a type or the bind option");
    cleanup_close int mntfd = plan->bind ? mount_make_bind(source, plan, err) : mount_make_fs(type, m->source, plan, err);
    if (mntfd < 0 && is_sysfs_in_user_ns(type, *err)) {
        /* A user namespace without its own network namespace may not mount
         * sysfs: the host's /sys, bound, as runc does. */
        free_err(err);
        struct mount_plan rbind = *plan;
        rbind.bind = rbind.recursive_bind = true;
        rbind.sb_flags = rbind.data = NULL;
        mntfd = mount_make_bind("/sys", &rbind, err);
    }
    if (mntfd < 0)
        return -1;
    if (plan->tmpcopyup) {
        cleanup_close int from = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cleanup_close int to = openat(mntfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (from < 0 || to < 0)
            return make_err(err, errno, "tmpcopyup: open directories");
        if (copy_tree(from, to, err) < 0)
            return wrap_err(err, "tmpcopyup");
    }
    if (mount_attach(mntfd, target, err) < 0)
        return -1;
    return set_propagation(mntfd, plan, err);
}

int mount_config_entry(int rootfd, const struct rootfs_opts *opts, size_t index, err_t *err)
{
    const struct oci_mount *m = &opts->config->mounts[index];
    char json_path[48];
    snprintf(json_path, sizeof(json_path), "mounts[%zu]", index);
    struct mount_plan plan;
    mount_plan_parse(m->options, m->options_len, &plan);
    int prepared = opts->prepared ? opts->prepared[index] : -1;
    int ret = plan.idmap && prepared < 0 ? make_err(err, EINVAL, "idmapped mount not prepared")
                                         : mount_entry(rootfd, opts, m, &plan, prepared, err);
    mount_plan_free(&plan);
    if (ret < 0)
        return wrap_err(err, "%s: mount %s on %s", json_path, plan.bind ? m->source : (m->type ? m->type : "?"),
                        m->destination);
    return 0;
}

/* Made by the parent, with host privileges: the container's init, in its
 * user namespace, may attach a detached mount but not idmap one. */
int mount_make_idmapped(const struct oci_mount *m, const char *bundle, size_t index, int userns_fd, err_t *err)
{
    struct mount_plan plan;
    mount_plan_parse(m->options, m->options_len, &plan);
    int fd = -1;
    if (!plan.bind)
        make_err(err, EINVAL, "idmap and ridmap need a bind mount");
    else {
        cleanup_free char *source = path_join(bundle, m->source ? m->source : "");
        struct mount_plan bind = plan;
        bind.recursive_bind = plan.recursive_bind || plan.idmap_recursive;
        cleanup_close int mntfd = mount_make_bind(source, &bind, err);
        struct mount_attr idmap = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd};
        unsigned int flags = AT_EMPTY_PATH | (plan.idmap_recursive ? AT_RECURSIVE : 0);
        if (mntfd >= 0 && mount_setattr(mntfd, "", flags, &idmap, sizeof(idmap)) < 0)
            make_err(err, errno, errno == EINVAL ? "the kernel or the filesystem of %s cannot idmap it" : "idmap %s",
                     source);
        else if (mntfd >= 0)
            fd = steal_fd(&mntfd);
    }
    mount_plan_free(&plan);
    return fd >= 0 ? fd : wrap_err(err, "mounts[%zu]", index);
}
