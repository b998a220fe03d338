#include "cmd.h"

static int run_freeze(const struct command *cmd, int (*action)(const struct runtime_ctx *, const char *, err_t *),
                      const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {0}};
    const char *id;
    int opt = cmd_getopt(cmd, argc, argv, "+h", options);
    if (opt != -1)
        return cmd_early_exit(opt, cmd, err);
    if (cmd_container_id(cmd, argc, argv, &id, err) < 0)
        return -1;
    return action(ctx, id, err) < 0 ? -1 : 0;
}

static int run_pause(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    return run_freeze(&cmd_pause, container_pause, ctx, argc, argv, err);
}

static int run_resume(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    return run_freeze(&cmd_resume, container_resume, ctx, argc, argv, err);
}

const struct command cmd_pause = {
    .name = "pause",
    .summary = "freeze every process of a container",
    .usage = "<container-id>",
    .run = run_pause,
};

const struct command cmd_resume = {
    .name = "resume",
    .summary = "thaw a paused container",
    .usage = "<container-id>",
    .run = run_resume,
};
