#include "cmd.h"

#include <signal.h>

static int run_kill(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {0}};
    bool all = false;
    int opt;
    while ((opt = cmd_getopt(&cmd_kill, argc, argv, "+ah", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_kill, err);
        all = true;
    }
    int left = argc - optind, signal = SIGTERM;
    if (left < 1 || left > 2)
        return make_err(err, 0, "kill: %s (see berth kill --help)",
                        left < 1 ? "container ID is required" : "too many arguments");
    if (left == 2 && signal_parse(argv[optind + 1], &signal, err) < 0)
        return -1;
    return container_kill(ctx, argv[optind], signal, all, err) < 0 ? -1 : 0;
}

const struct command cmd_kill = {
    .name = "kill",
    .summary = "send a signal to a container's process (default TERM)",
    .usage = "[options] <container-id> [signal]",
    .options = "   -a, --all                  signal every process in the container's cgroup\n",
    .run = run_kill,
};
