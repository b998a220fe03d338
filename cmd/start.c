#include "cmd.h"

static int run_start(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {0}};
    const char *id;
    int opt = cmd_getopt(&cmd_start, argc, argv, "+h", options);
    if (opt != -1)
        return cmd_early_exit(opt, &cmd_start, err);
    if (cmd_container_id(&cmd_start, argc, argv, &id, err) < 0)
        return -1;
    return container_start(ctx, id, err) < 0 ? -1 : 0;
}

const struct command cmd_start = {
    .name = "start",
    .summary = "start a created container: exec its process",
    .usage = "<container-id>",
    .run = run_start,
};
