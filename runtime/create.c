#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* A terminal needs someone to hand it to: the console socket, or `run`
 * in the foreground, which relays it (as runc). */
static int check_terminal(const struct oci_config *config, const struct create_opts *opts, bool foreground,
                          err_t *err)
{
    if (config->process->terminal && !opts->console_socket && !foreground)
        return config_err(err, "process.terminal", "needs --console-socket to hand the terminal to");
    if (!config->process->terminal && opts->console_socket)
        return make_err(err, 0, "--console-socket needs process.terminal set to true");
    return 0;
}

/* From the command line to a launch: ID, bundle, config and rootfs are
 * checked before anything touches the disk; the state dir comes last. */
int launch_prepare(struct launch *l, const struct runtime_ctx *ctx, const struct create_opts *opts, bool foreground,
                   err_t *err)
{
    memset(l, 0, sizeof(*l));
    l->ctx = ctx;
    l->opts = opts;
    l->dir.fd = l->start_listener = l->console = l->sync_fd = l->child_sync_fd = l->pidfd = l->rootfs_overlay = -1;
    for (int t = 0; t < NS_TYPES; t++)
        l->ns.join_fds[t] = -1;
    if (container_id_check(opts->id, err) < 0)
        return -1;
    l->bundle = path_absolute(opts->bundle && *opts->bundle ? opts->bundle : ".");
    if (l->bundle == NULL)
        return make_err(err, errno, "bundle: resolve the current directory");
    log_debug("create %s: start", opts->id);
    if (spec_load_config(l->bundle, &l->config, &l->config_json, &l->config_json_len, err) < 0)
        return set_stage(err, "config");
    if (check_supported(l->config, err) < 0 || sysctl_check(l->config, err) < 0 ||
        check_terminal(l->config, opts, foreground, err) < 0)
        return set_stage(err, "config");
    l->preserve_fds = process_socket_activation(l->config->process) + opts->preserve_fds;
    layers_resolve_overlay_mounts(l->config, l->bundle);
    l->rootfs = path_join(l->bundle, l->config->root->path);
    if (layers_requested(l))
        return store_create(ctx, opts->id, &l->dir, err); /* the layers are the rootfs */
    struct stat st;
    int errnum = stat(l->rootfs, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (errnum) {
        make_err(err, errnum, "config.json: root.path: rootfs %s", l->rootfs);
        (*err)->json_path = xstrdup("root.path");
        return set_stage(err, "config");
    }
    return store_create(ctx, opts->id, &l->dir, err);
}

int container_create(const struct runtime_ctx *ctx, const struct create_opts *opts, err_t *err)
{
    struct launch l;
    int ret = launch_prepare(&l, ctx, opts, false, err);
    if (ret == 0 && (ret = launch_container(&l, false, err)) < 0)
        launch_destroy(&l);
    launch_free(&l);
    return ret;
}
