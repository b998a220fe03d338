/* Private to namespaces/: shared between its files, never included
 * from outside the folder. */
#ifndef BERTH_NAMESPACES_INTERNAL_H
#define BERTH_NAMESPACES_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "namespaces.h"

/* ---- paths inside the rootfs (openat2 RESOLVE_IN_ROOT) ----------------- */

/* Opens path below rootfd, never leaving it (symlinks are resolved as if
 * rootfd were "/"). */
int root_open(int rootfd, const char *path, int flags, err_t *err);
/* root_open's fallback for kernels without openat2 (O_PATH only). */
int root_walk(int rootfd, const char *path, int flags);
/* mkdir -p below rootfd; returns an O_PATH fd of the directory. */
int root_mkdir_all(int rootfd, const char *path, mode_t mode, err_t *err);
/* Creates an empty file (and its parents) when missing; returns O_PATH fd. */
int root_mkfile(int rootfd, const char *path, mode_t mode, err_t *err);
/* Opens the parent directory of path; *name gets its last component. */
int root_open_parent(int rootfd, const char *path, char **name, err_t *err);

/* ---- mount options ------------------------------------------------------- */

struct mount_plan {
    unsigned int attr_set, attr_clr;         /* MOUNT_ATTR_*, top mount only */
    unsigned int rec_attr_set, rec_attr_clr; /* MOUNT_ATTR_*, every submount */
    unsigned long propagation;               /* MS_SHARED, ... or 0 */
    bool propagation_recursive;
    bool bind;
    bool recursive_bind;
    bool remount;
    bool tmpcopyup;
    bool idmap, idmap_recursive; /* idmap / ridmap */
    char **sb_flags; /* superblock flags for fsconfig (sync, dirsync, ...) */
    char **data;     /* filesystem-specific options, one per entry */
};
void mount_plan_parse(char **options, size_t len, struct mount_plan *plan);
void mount_plan_free(struct mount_plan *plan);

/* ---- making and attaching mounts ----------------------------------------- */

/* A detached mount (open_tree or fsmount) with the plan's attributes. */
int mount_make_bind(const char *source, const struct mount_plan *plan, err_t *err);
int mount_make_fs(const char *type, const char *source, const struct mount_plan *plan, err_t *err);
int mount_set_attrs(int mntfd, const struct mount_plan *plan, err_t *err);
/* Attaches a detached mount onto the object target_fd refers to. */
int mount_attach(int mntfd, int target_fd, err_t *err);
/* One config.json mount, its destination resolved inside rootfd. */
int mount_config_entry(int rootfd, const struct rootfs_opts *opts, size_t index, err_t *err);
/* A "cgroup" mount: the container's cgroups at destination. */
int mount_cgroup_tree(int target_fd, const struct mount_plan *plan, const struct rootfs_opts *opts, err_t *err);
/* Copies what is under dirfd onto the new (detached) mount (tmpcopyup). */
int copy_tree(int from_dirfd, int to_dirfd, err_t *err);

/* ---- /dev ------------------------------------------------------------------- */

int devices_create(int rootfd, const struct oci_config *config, err_t *err);
int devices_links(int rootfd, err_t *err);

#endif
