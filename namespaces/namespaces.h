/* namespaces: isolation of config-linux.md. Creating and joining
 * namespaces, the container's rootfs and mounts, devices, hostname,
 * sysctl and the loopback interface. Most of this runs in the container's
 * init process, before it execs the user program. */
#ifndef BERTH_NAMESPACES_H
#define BERTH_NAMESPACES_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/util.h"

/* ---- creating and joining ----------------------------------------------- */

/* The clone flag of a namespace type (CLONE_NEWPID, ...). */
int ns_clone_flag(enum oci_ns_type type);

/* What the parent computes before clone: the flags for the namespaces to
 * create and open fds of those to join (checked to be of the right type). */
struct ns_plan {
    int clone_flags;         /* namespaces created by clone itself */
    int unshare_flags;       /* made by the child in a joined user namespace;
                              * with CLONE_NEWPID, its own child is the init */
    int late_unshare_flags;  /* made by the child once root of its new user
                              * namespace, so their files belong to that root */
    bool new_cgroup_ns;      /* unshared by the child once it is in its cgroup */
    bool new_time_ns;        /* created by the parent before clone (offsets) */
    int join_fds[NS_TYPES];  /* -1, or an fd to setns into */
};
int ns_plan_make(const struct oci_config *config, struct ns_plan *plan, err_t *err);
void ns_plan_close(struct ns_plan *plan);

/* Parent side, around clone: namespaces that only affect children (pid,
 * time) are entered here and left again by ns_restore_for_children. */
struct ns_saved {
    int pid_fd;
    int time_fd;
};
int ns_enter_for_children(const struct ns_plan *plan, const struct oci_linux *linux_config, struct ns_saved *saved,
                          err_t *err);
int ns_restore_for_children(struct ns_saved *saved, err_t *err);

/* Child side, right after clone: joins the namespaces given by path (the
 * user namespace first). */
int ns_join(const struct ns_plan *plan, err_t *err);
int ns_unshare_late(const struct ns_plan *plan, err_t *err);

/* ---- rootfs ---------------------------------------------------------------- */

struct rootfs_opts {
    const struct oci_config *config;
    const char *bundle; /* absolute */
    const char *rootfs; /* absolute */
    bool no_pivot;
    /* Container-relative cgroup paths of this process, per v1 controller,
     * read before a cgroup namespace was made ("" when unknown). */
    const char *self_cgroup;
    /* By mount index: a detached mount made by the parent (idmapped ones)
     * to attach as it is, or -1. NULL: none. */
    const int *prepared;
};

/* Parent, before clone: config.json's mounts[index], a bind mount with idmap
 * or ridmap, made idmapped with userns_fd (a user namespace whose maps are
 * the mount's mapping), ready for the child to attach. */
int mount_make_idmapped(const struct oci_mount *m, const char *bundle, size_t index, int userns_fd, err_t *err);

/* In the container's new mount namespace, first: every mount becomes a
 * slave (or takes rootfsPropagation), so nothing mounted from here on
 * reaches the host. */
int rootfs_prepare(const struct oci_config *config, err_t *err);
/* The rootfs bound onto itself, every mount of config.json in order,
 * devices and /dev links; the host's paths are still visible after it
 * (createContainer hooks run then). */
int rootfs_mount(const struct rootfs_opts *opts, err_t *err);
/* The rootfs becomes "/": pivot_root, or MS_MOVE + chroot with no_pivot. */
int rootfs_pivot(const char *rootfs, bool no_pivot, err_t *err);
/* After pivot and sysctl: masked paths, readonly paths, root.readonly and
 * the final rootfs propagation. */
int rootfs_finish(const struct oci_config *config, err_t *err);

/* After pivot: the pty's slave bound onto /dev/console. */
int console_bind(int pty_slave, err_t *err);

/* ---- the rest of the container's environment --------------------------- */

int uts_apply(const struct oci_config *config, err_t *err);
/* Before anything is created: refuses sysctls that are not namespaced. */
int sysctl_check(const struct oci_config *config, err_t *err);
int sysctl_apply(const struct oci_config *config, err_t *err);
/* linux.netDevices: each host interface into the namespace of netns_fd,
 * renamed, with its permanent global addresses, up; one "host container"
 * line per device goes to record. netdev_move_out gives them back under
 * their host names, from that record. */
int netdev_move_in(const struct oci_config *config, int netns_fd, FILE *record, err_t *err);
int netdev_move_out(int netns_fd, FILE *record, err_t *err);
/* Brings `lo` up in the current network namespace, over netlink. */
int net_loopback_up(err_t *err);

#endif
