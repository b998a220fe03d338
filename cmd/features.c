#include "cmd.h"

#include <stdio.h>

static int run_features(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    (void) ctx;
    static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {0}};
    int opt = cmd_getopt(&cmd_features, argc, argv, "+h", options);
    if (opt != -1)
        return cmd_early_exit(opt, &cmd_features, err);
    cleanup_free char *json = runtime_features_json();
    puts(json);
    return 0;
}

const struct command cmd_features = {
    .name = "features",
    .summary = "print what berth supports (features.md JSON)",
    .usage = "",
    .run = run_features,
};
