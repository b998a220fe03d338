#include "cmd.h"

static int run_run(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    struct create_opts opts;
    int r = parse_create_opts(&cmd_run, argc, argv, true, &opts, err);
    if (r != 0)
        return r < 0 ? -1 : 0;
    int exit_status;
    if (container_run(ctx, &opts, &exit_status, err) < 0)
        return -1;
    return exit_status;
}

const struct command cmd_run = {
    .name = "run",
    .summary = "create and start a container, wait for it and exit with its status",
    .usage = "[options] <container-id>",
    .options = CREATE_OPTIONS_HELP "   -d, --detach               return once the container runs\n",
    .run = run_run,
};
