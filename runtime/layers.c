/* A rootfs made of layers (--layer/--upper, or the bundle's annotations
 * org.berth.rootfs.lower/upper): one overlay, mounted by the parent as a
 * detached mount and attached by the container's init on ROOT/ID/rootfs.
 * Also config.json mounts of type overlay, whose layer paths are relative
 * to the bundle. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../overlay/overlay.h"

bool layers_requested(const struct launch *l)
{
    return l->opts->layers_len || oci_map_get(&l->config->annotations, OVERLAY_ANNOTATION_LOWER);
}

/* The container's root owns its upper when it lives in a user namespace. */
static int give_upper_to_root(const struct launch *l, const struct overlay_layers *layers, err_t *err)
{
    const struct oci_linux *lc = l->config->linux_config;
    uint32_t uid, gid;
    if (!(l->ns.clone_flags & CLONE_NEWUSER) || !idmap_to_host(lc->uid_mappings, lc->uid_mappings_len, 0, &uid) ||
        !idmap_to_host(lc->gid_mappings, lc->gid_mappings_len, 0, &gid))
        return 0;
    return overlay_chown_upper(layers, uid, gid, err);
}

int layers_prepare(struct launch *l, err_t *err)
{
    if (!layers_requested(l))
        return 0;
    cleanup_overlay_layers struct overlay_layers layers = {0};
    int r;
    if (l->opts->layers_len) {
        struct overlay_source src = {.lower = l->opts->layers, .lower_len = l->opts->layers_len,
                                     .upper = l->opts->upper, .lower_origin = "--layer", .upper_origin = "--upper"};
        r = overlay_layers_prepare(&src, l->dir.path, &layers, err);
    } else {
        r = overlay_layers_from_annotations(l->bundle, oci_map_get(&l->config->annotations, OVERLAY_ANNOTATION_LOWER),
                                           oci_map_get(&l->config->annotations, OVERLAY_ANNOTATION_UPPER),
                                           l->dir.path, &layers, err);
    }
    if (r < 0 || give_upper_to_root(l, &layers, err) < 0)
        return set_stage(err, "rootfs");
    l->rootfs_overlay = overlay_mount_fd(&layers, err);
    if (l->rootfs_overlay < 0)
        return set_stage(err, "rootfs");
    if (mkdirat(l->dir.fd, "rootfs", 0755) < 0)
        return make_err(err, errno, "create the rootfs mount point");
    free(l->rootfs);
    l->rootfs = xasprintf("%s/rootfs", l->dir.path);
    return 0;
}

void layers_resolve_overlay_mounts(struct oci_config *config, const char *bundle)
{
    for (size_t i = 0; i < config->mounts_len; i++) {
        struct oci_mount *m = &config->mounts[i];
        if (m->type == NULL || strcmp(m->type, "overlay") != 0)
            continue;
        for (size_t o = 0; o < m->options_len; o++) {
            char *resolved = overlay_resolve_option(bundle, m->options[o]);
            free(m->options[o]);
            m->options[o] = resolved;
        }
    }
}
