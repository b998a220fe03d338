/* overlay: a container's rootfs as OverlayFS layers. Read-only lower
 * layers shared between containers, one upper layer per container that
 * holds its changes (persistent, or ephemeral under the state dir), mounted
 * as one detached mount with the new mount API. Depends only on util/. */
#ifndef BERTH_OVERLAY_H
#define BERTH_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../util/util.h"

/* The kernel's limit on lower layers in one overlay (OVL_MAX_STACK). */
#define OVERLAY_MAX_LAYERS 500

/* The bundle annotations that describe a rootfs as layers. */
#define OVERLAY_ANNOTATION_LOWER "org.berth.rootfs.lower"
#define OVERLAY_ANNOTATION_UPPER "org.berth.rootfs.upper"

/* What overlay_mount_fd mounts. Every path is absolute. */
struct overlay_layers {
    char **lower; /* top layer first, NULL-terminated too (for overlay_layers_free) */
    size_t lower_len;
    char *upper;         /* NULL: a read-only overlay (no upper) */
    char *work;          /* required with upper, on the same mount */
    bool volatile_upper; /* "volatile": no sync, for uppers that die with the container */
    bool userxattr;      /* "userxattr": user.overlay.* xattrs, for mounts in a user namespace */
    char **options;      /* further overlay options passed as they are ("metacopy=on", "index=off", ...); may be NULL */
    bool ephemeral;      /* upper and work were made under the state dir by overlay_layers_prepare */
};

/* The layers as the user wrote them. */
struct overlay_source {
    const char *base;    /* relative paths resolve against it (the bundle); NULL: the cwd */
    char *const *lower;  /* top layer first */
    size_t lower_len;
    const char *upper;   /* NULL: an ephemeral upper and work dir in the state dir */
    const char *lower_origin; /* how errors name the list: OVERLAY_ANNOTATION_LOWER, "--layer" */
    const char *upper_origin; /* OVERLAY_ANNOTATION_UPPER, "--upper" */
};

/* Resolves the layers, checks that each exists and is a directory (errors
 * name it: `org.berth.rootfs.lower: layer 2 "/x/y": no such file or
 * directory`), and makes the upper side: for a persistent upper, the upper
 * (when missing) and its work dir "<upper>.work" beside it; without one,
 * <state_dir>/upper and <state_dir>/work (mode and owner of the top layer's
 * root, which the container sees as its "/"), mounted "volatile" when the
 * kernel has it. Runs in the parent (berth create), state_dir existing. */
int overlay_layers_prepare(const struct overlay_source *src, const char *state_dir, struct overlay_layers *out,
                           err_t *err);
/* The same for the bundle's annotations: lower_list is the colon-separated
 * value of org.berth.rootfs.lower, upper that of org.berth.rootfs.upper
 * (NULL when absent); relative paths resolve against the bundle. */
int overlay_layers_from_annotations(const char *bundle, const char *lower_list, const char *upper,
                                    const char *state_dir, struct overlay_layers *out, err_t *err);
/* Splits a colon-separated layer list ("a:b:c"); empty entries are refused. */
int overlay_split_lower_list(const char *list, const char *origin, char ***out, size_t *len, err_t *err);
void overlay_layers_free(struct overlay_layers *l);
#define cleanup_overlay_layers __attribute__((cleanup(overlay_layers_free)))

/* Gives the upper's root and the work dir to the container's root as the
 * host sees it (a user namespace's mapped root must write both). */
int overlay_chown_upper(const struct overlay_layers *l, uid_t uid, gid_t gid, err_t *err);

/* A detached overlay mount of the layers (fsopen + fsconfig + fsmount), to
 * be attached with move_mount() by the caller. Uses one "lowerdir+" per
 * layer when the kernel has it (Linux 6.8), else one "lowerdir" string
 * (which the kernel takes up to 255 bytes: long lists go as short
 * /proc/self/fd names, and a list that still does not fit is refused as
 * "too many layers for one mount option"). Paths are looked up in the
 * caller's mount namespace and root. Errors carry the fs context's message
 * and name the layer or directory when they can. */
int overlay_mount_fd(const struct overlay_layers *l, err_t *err);

/* Removes the ephemeral upper and work dir that overlay_layers_prepare made
 * in state_dir (once no mount uses them); absent ones are fine. */
int overlay_remove_ephemeral(const char *state_dir, err_t *err);

/* Whether the running kernel's overlay has "lowerdir+" (Linux 6.8). */
bool overlay_kernel_has_lowerdir_plus(void);
/* Whether it knows the option ("volatile", "userxattr", "metacopy", ...);
 * false also when it cannot be told (no overlay, no privilege). */
bool overlay_kernel_supports(const char *option);

/* ---- config.json mounts of type overlay ----------------------------------- */

/* Rewrites the paths of "lowerdir=a:b", "lowerdir+=a", "datadir+=a",
 * "upperdir=x" and "workdir=y" relative to the bundle (absolute ones and
 * other options unchanged; escapes kept). runc resolves them against the
 * bundle too, as it mounts from there. The caller frees the result. */
char *overlay_resolve_option(const char *bundle, const char *option);
/* The filesystem options (data) of such a mount as layers: lowerdir,
 * lowerdir+, upperdir, workdir (resolved against the bundle), volatile and
 * userxattr are taken apart, the rest goes to options. With it, the mount
 * gets lowerdir+ and the long-list fallback of overlay_mount_fd. */
int overlay_layers_from_options(const char *bundle, char *const *options, size_t len, struct overlay_layers *out,
                                err_t *err);

#endif
