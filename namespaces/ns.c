#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int ns_clone_flag(enum oci_ns_type type)
{
    static const int flags[NS_TYPES] = {
        [NS_PID] = CLONE_NEWPID,   [NS_NETWORK] = CLONE_NEWNET, [NS_MOUNT] = CLONE_NEWNS,
        [NS_IPC] = CLONE_NEWIPC,   [NS_UTS] = CLONE_NEWUTS,     [NS_USER] = CLONE_NEWUSER,
        [NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
    };
    return flags[type];
}

static int open_ns_path(const struct oci_config *config, size_t i, err_t *err)
{
    const struct oci_namespace *ns = &config->linux_config->namespaces[i];
    char json_path[64];
    snprintf(json_path, sizeof(json_path), "linux.namespaces[%zu].path", i);
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        make_err(err, errno, "open %s", ns->path);
        return wrap_err(err, "config.json: %s", json_path);
    }
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type >= 0 && type != ns_clone_flag(ns->type)) {
        close(fd);
        return config_err(err, json_path, "%s is not a %s namespace", ns->path, oci_ns_names[ns->type]);
    }
    if (type < 0 && errno != ENOTTY) {
        int saved = errno;
        close(fd);
        make_err(err, saved, "%s is not a namespace", ns->path);
        return wrap_err(err, "config.json: %s", json_path);
    }
    return fd;
}

int ns_plan_make(const struct oci_config *config, struct ns_plan *plan, err_t *err)
{
    memset(plan, 0, sizeof(*plan));
    for (int t = 0; t < NS_TYPES; t++)
        plan->join_fds[t] = -1;
    if (config->linux_config == NULL)
        return 0;
    /* Namespaces made inside a joined user namespace must be made after
     * joining it, so that it owns them: by unshare in the child. */
    const struct oci_namespace *user = oci_find_namespace(config, NS_USER);
    bool joined_user = user && user->path, new_user = user && !user->path;
    for (size_t i = 0; i < config->linux_config->namespaces_len; i++) {
        const struct oci_namespace *ns = &config->linux_config->namespaces[i];
        if (ns->path) {
            int fd = open_ns_path(config, i, err);
            if (fd < 0) {
                ns_plan_close(plan);
                return -1;
            }
            plan->join_fds[ns->type] = fd;
        } else if (ns->type == NS_CGROUP) {
            plan->new_cgroup_ns = true;
        } else if (ns->type == NS_TIME) {
            plan->new_time_ns = true;
        } else if (joined_user) {
            plan->unshare_flags |= ns_clone_flag(ns->type);
        } else if (new_user && ns->type == NS_IPC) {
            /* made at clone, /dev/mqueue would belong to the host's root */
            plan->late_unshare_flags |= CLONE_NEWIPC;
        } else {
            plan->clone_flags |= ns_clone_flag(ns->type);
        }
    }
    return 0;
}

void ns_plan_close(struct ns_plan *plan)
{
    for (int t = 0; t < NS_TYPES; t++)
        cleanup_closep(&plan->join_fds[t]);
}

static int write_time_offsets(const struct oci_linux *linux_config, err_t *err)
{
    char buf[128];
    int n = 0;
    const struct oci_time_offset *mono = &linux_config->monotonic_offset, *boot = &linux_config->boottime_offset;
    if (mono->set)
        n += snprintf(buf + n, sizeof(buf) - (size_t) n, "monotonic %lld %u\n", (long long) mono->secs, mono->nanosecs);
    if (boot->set)
        n += snprintf(buf + n, sizeof(buf) - (size_t) n, "boottime %lld %u\n", (long long) boot->secs, boot->nanosecs);
    if (n == 0)
        return 0;
    cleanup_close int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, (size_t) n) != n)
        return make_err(err, errno, "linux.timeOffsets: write /proc/self/timens_offsets");
    return 0;
}

int ns_enter_for_children(const struct ns_plan *plan, const struct oci_linux *linux_config, struct ns_saved *saved,
                          err_t *err)
{
    saved->pid_fd = saved->time_fd = -1;
    if (plan->join_fds[NS_PID] >= 0) {
        saved->pid_fd = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
        if (saved->pid_fd < 0)
            return make_err(err, errno, "open /proc/self/ns/pid_for_children");
        if (setns(plan->join_fds[NS_PID], CLONE_NEWPID) < 0)
            return make_err(err, errno, "join pid namespace");
    }
    if (plan->new_time_ns) {
        saved->time_fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
        if (saved->time_fd < 0)
            return make_err(err, errno, "open /proc/self/ns/time_for_children");
        if (unshare(CLONE_NEWTIME) < 0)
            return make_err(err, errno, "create time namespace");
        if (write_time_offsets(linux_config, err) < 0)
            return -1;
    }
    return 0;
}

int ns_restore_for_children(struct ns_saved *saved, err_t *err)
{
    int ret = 0;
    if (saved->pid_fd >= 0 && setns(saved->pid_fd, CLONE_NEWPID) < 0)
        ret = make_err(err, errno, "restore pid namespace for children");
    if (saved->time_fd >= 0 && setns(saved->time_fd, CLONE_NEWTIME) < 0)
        ret = make_err(err, errno, "restore time namespace for children");
    cleanup_closep(&saved->pid_fd);
    cleanup_closep(&saved->time_fd);
    return ret;
}

int ns_join(const struct ns_plan *plan, err_t *err)
{
    /* The user namespace first: it owns the others, and those to make in
     * it come right after. pid is joined by the parent before clone; the
     * mount namespace last, as it hides paths. */
    static const enum oci_ns_type order[] = {NS_IPC, NS_UTS, NS_NETWORK, NS_CGROUP, NS_TIME, NS_MOUNT};
    if (plan->join_fds[NS_USER] >= 0 && setns(plan->join_fds[NS_USER], CLONE_NEWUSER) < 0)
        return make_err(err, errno, "join user namespace");
    if (plan->unshare_flags && unshare(plan->unshare_flags) < 0)
        return make_err(err, errno, "create namespaces in the joined user namespace");
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        enum oci_ns_type t = order[i];
        if (plan->join_fds[t] < 0)
            continue;
        if (setns(plan->join_fds[t], ns_clone_flag(t)) < 0)
            return make_err(err, errno, "join %s namespace", oci_ns_names[t]);
    }
    return 0;
}

int ns_unshare_late(const struct ns_plan *plan, err_t *err)
{
    if (plan->late_unshare_flags && unshare(plan->late_unshare_flags) < 0)
        return make_err(err, errno, "create namespaces in the new user namespace");
    return 0;
}
