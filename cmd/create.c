#include "cmd.h"

static int run_create(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    struct create_opts opts;
    cleanup_free char **layers = NULL; /* the strings are argv's */
    int r = parse_create_opts(&cmd_create, argc, argv, false, &opts, err);
    layers = opts.layers;
    if (r != 0)
        return r < 0 ? -1 : 0;
    return container_create(ctx, &opts, err) < 0 ? -1 : 0;
}

const struct command cmd_create = {
    .name = "create",
    .summary = "create a container: set it up, and leave its process waiting for start",
    .usage = "[options] <container-id>",
    .options = CREATE_OPTIONS_HELP,
    .run = run_create,
    .needs_protected_binary = true,
};
