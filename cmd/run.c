#include "cmd.h"

#include <stdio.h>

static int run_run(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    struct create_opts opts;
    cleanup_free char **layers = NULL; /* the strings are argv's */
    int r = parse_create_opts(&cmd_run, argc, argv, true, &opts, err);
    layers = opts.layers;
    if (r != 0)
        return r < 0 ? -1 : 0;
    struct run_result result;
    if (container_run(ctx, &opts, &result, err) < 0)
        return -1;
    if (result.oom_killed) {
        char limit[32], peak[32];
        fprintf(stderr, "berth: container %s was OOM-killed (memory limit %s, peak %s)\n", opts.id,
                format_bytes(result.memory_limit, limit, sizeof(limit)),
                format_bytes(result.memory_peak, peak, sizeof(peak)));
    }
    return result.exit_status;
}

const struct command cmd_run = {
    .name = "run",
    .summary = "create and start a container, wait for it and exit with its status",
    .usage = "[options] <container-id>",
    .options = CREATE_OPTIONS_HELP "   -d, --detach               return once the container runs\n",
    .run = run_run,
    .needs_protected_binary = true,
};
