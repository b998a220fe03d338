/* From the layers the user named to checked absolute paths, and the upper
 * side made ready: a persistent upper with its work dir, or an ephemeral
 * pair in the container's state dir. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EPHEMERAL_UPPER "upper"
#define EPHEMERAL_WORK "work"

void overlay_layers_free(struct overlay_layers *l)
{
    strv_free(l->lower);
    free(l->upper);
    free(l->work);
    strv_free(l->options);
    *l = (struct overlay_layers){0};
}

int overlay_split_lower_list(const char *list, const char *origin, char ***out, size_t *len, err_t *err)
{
    if (list == NULL || *list == '\0')
        return make_err(err, EINVAL, "%s: no layers", origin);
    size_t n;
    cleanup_strv char **v = overlay_split_escaped(list, true, &n);
    for (size_t i = 0; i < n; i++)
        if (v[i][0] == '\0')
            return make_err(err, EINVAL, "%s: layer %zu is empty", origin, i + 1);
    *out = steal_ptr(&v);
    *len = n;
    return 0;
}

static char *resolve(const char *base, const char *path)
{
    cleanup_free char *joined = base ? path_join(base, path) : xstrdup(path);
    return path_absolute(joined);
}

static int check_directory(const char *origin, size_t index, const char *path, err_t *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return make_err(err, errno, "%s: layer %zu \"%s\"", origin, index, path);
    if (!S_ISDIR(st.st_mode))
        return make_err(err, ENOTDIR, "%s: layer %zu \"%s\"", origin, index, path);
    return 0;
}

static int resolve_lowers(const struct overlay_source *src, struct overlay_layers *l, err_t *err)
{
    if (src->lower_len == 0)
        return make_err(err, EINVAL, "%s: no layers", src->lower_origin);
    if (src->lower_len > OVERLAY_MAX_LAYERS)
        return make_err(err, E2BIG, "%s: %zu layers, overlay stacks at most %d", src->lower_origin, src->lower_len,
                        OVERLAY_MAX_LAYERS);
    l->lower = xzalloc((src->lower_len + 1) * sizeof(*l->lower));
    for (size_t i = 0; i < src->lower_len; i++) {
        l->lower[i] = resolve(src->base, src->lower[i]);
        if (l->lower[i] == NULL)
            return make_err(err, errno, "%s: layer %zu: resolve the current directory", src->lower_origin, i + 1);
        l->lower_len = i + 1;
        if (check_directory(src->lower_origin, i + 1, l->lower[i], err) < 0)
            return -1;
    }
    return 0;
}

static int make_dir(const char *origin, const char *path, mode_t mode, err_t *err)
{
    struct stat st;
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        return make_err(err, errno, "%s: create \"%s\"", origin, path);
    if (stat(path, &st) < 0)
        return make_err(err, errno, "%s: \"%s\"", origin, path);
    if (!S_ISDIR(st.st_mode))
        return make_err(err, ENOTDIR, "%s: \"%s\"", origin, path);
    return 0;
}

/* A persistent upper keeps its work dir beside it: overlay wants both on
 * one mount, and it cannot live inside the upper. */
static int prepare_persistent_upper(const struct overlay_source *src, struct overlay_layers *l, err_t *err)
{
    l->upper = resolve(src->base, src->upper);
    if (l->upper == NULL)
        return make_err(err, errno, "%s: resolve the current directory", src->upper_origin);
    if (strcmp(l->upper, "/") == 0)
        return make_err(err, EINVAL, "%s: \"/\" cannot be an upper layer", src->upper_origin);
    l->work = xasprintf("%s.work", l->upper);
    if (make_dir(src->upper_origin, l->upper, 0755, err) < 0)
        return -1;
    return make_dir(src->upper_origin, l->work, 0700, err);
}

static int make_owned_dir(int dirfd, const char *name, mode_t mode, const struct stat *owner, err_t *err)
{
    if (mkdirat(dirfd, name, 0700) < 0)
        return make_err(err, errno, "create %s", name);
    if (fchownat(dirfd, name, owner->st_uid, owner->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
        fchmodat(dirfd, name, mode, 0) < 0) {
        make_err(err, errno, "set the owner and mode of %s", name);
        unlinkat(dirfd, name, AT_REMOVEDIR);
        return -1;
    }
    return 0;
}

/* The upper's root is what the container sees as "/": it takes the mode
 * and owner of the top layer's root, as a copy-up would. */
static int make_ephemeral_pair(const char *state_dir, const char *top_layer, err_t *err)
{
    struct stat top;
    if (stat(top_layer, &top) < 0)
        return make_err(err, errno, "stat \"%s\"", top_layer);
    cleanup_close int dirfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return make_err(err, errno, "open %s", state_dir);
    if (make_owned_dir(dirfd, EPHEMERAL_UPPER, top.st_mode & 07777, &top, err) < 0)
        return -1;
    if (make_owned_dir(dirfd, EPHEMERAL_WORK, 0700, &top, err) < 0) {
        cleanup_err err_t ignored = NULL;
        remove_tree_at(dirfd, EPHEMERAL_UPPER, &ignored);
        return -1;
    }
    return 0;
}

static int prepare_ephemeral_upper(const char *state_dir, struct overlay_layers *l, err_t *err)
{
    if (state_dir == NULL)
        return make_err(err, EINVAL, "an ephemeral upper layer needs the container's state dir");
    l->upper = path_join(state_dir, EPHEMERAL_UPPER);
    l->work = path_join(state_dir, EPHEMERAL_WORK);
    if (make_ephemeral_pair(state_dir, l->lower[0], err) < 0)
        return wrap_err(err, "ephemeral upper layer in %s", state_dir);
    l->ephemeral = true;
    l->volatile_upper = overlay_kernel_supports("volatile");
    return 0;
}

int overlay_layers_prepare(const struct overlay_source *src, const char *state_dir, struct overlay_layers *out,
                           err_t *err)
{
    cleanup_overlay_layers struct overlay_layers l = {0};
    if (resolve_lowers(src, &l, err) < 0)
        return -1;
    int r = src->upper ? prepare_persistent_upper(src, &l, err) : prepare_ephemeral_upper(state_dir, &l, err);
    if (r < 0)
        return -1;
    *out = l;
    l = (struct overlay_layers){0};
    return 0;
}

int overlay_layers_from_annotations(const char *bundle, const char *lower_list, const char *upper,
                                    const char *state_dir, struct overlay_layers *out, err_t *err)
{
    cleanup_strv char **lower = NULL;
    size_t len;
    if (overlay_split_lower_list(lower_list, OVERLAY_ANNOTATION_LOWER, &lower, &len, err) < 0)
        return -1;
    struct overlay_source src = {
        .base = bundle,
        .lower = lower,
        .lower_len = len,
        .upper = upper,
        .lower_origin = OVERLAY_ANNOTATION_LOWER,
        .upper_origin = OVERLAY_ANNOTATION_UPPER,
    };
    return overlay_layers_prepare(&src, state_dir, out, err);
}

int overlay_chown_upper(const struct overlay_layers *l, uid_t uid, gid_t gid, err_t *err)
{
    if (l->upper == NULL)
        return 0;
    if (chown(l->upper, uid, gid) < 0)
        return make_err(err, errno, "chown upperdir \"%s\" to %d:%d", l->upper, (int) uid, (int) gid);
    if (chown(l->work, uid, gid) < 0)
        return make_err(err, errno, "chown workdir \"%s\" to %d:%d", l->work, (int) uid, (int) gid);
    return 0;
}

int overlay_remove_ephemeral(const char *state_dir, err_t *err)
{
    cleanup_close int dirfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return errno == ENOENT ? 0 : make_err(err, errno, "open %s", state_dir);
    if (remove_tree_at(dirfd, EPHEMERAL_UPPER, err) < 0 || remove_tree_at(dirfd, EPHEMERAL_WORK, err) < 0)
        return wrap_err(err, "remove the ephemeral upper layer in %s", state_dir);
    return 0;
}
