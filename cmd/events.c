#include "cmd.h"

#include <errno.h>
#include <stdio.h>

static int print_line(const char *json, void *data)
{
    (void) data;
    if (puts(json) < 0 || fflush(stdout) != 0)
        return -1;
    return 0;
}

static int run_events(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"stats", no_argument, NULL, 's'},
                                            {"interval", required_argument, NULL, 'i'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    bool once = false;
    int interval_s = 5;
    int opt;
    while ((opt = cmd_getopt(&cmd_events, argc, argv, "+h", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_events, err);
        if (opt == 's')
            once = true;
        else if (parse_duration_seconds(optarg, &interval_s, err) < 0)
            return -1;
    }
    const char *id;
    if (cmd_container_id(&cmd_events, argc, argv, &id, err) < 0)
        return -1;
    return container_events(ctx, id, once, (unsigned) interval_s * 1000, print_line, NULL, err) < 0 ? -1 : 0;
}

const struct command cmd_events = {
    .name = "events",
    .summary = "stream a container's stats and OOM events as JSON lines",
    .usage = "[options] <container-id>",
    .options = "   --stats                    print the stats once and exit\n"
               "   --interval N               seconds between stats (default 5; \"5s\" also works)\n",
    .run = run_events,
};
