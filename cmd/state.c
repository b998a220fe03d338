#include "cmd.h"

#include <stdio.h>

static int run_state(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {0}};
    const char *id;
    int opt = cmd_getopt(&cmd_state, argc, argv, "+h", options);
    if (opt != -1)
        return cmd_early_exit(opt, &cmd_state, err);
    if (cmd_container_id(&cmd_state, argc, argv, &id, err) < 0)
        return -1;
    cleanup_free char *json = NULL;
    if (container_state_json(ctx, id, &json, err) < 0)
        return -1;
    puts(json);
    return 0;
}

const struct command cmd_state = {
    .name = "state",
    .summary = "print the state of a container (OCI state JSON)",
    .usage = "<container-id>",
    .run = run_state,
};
