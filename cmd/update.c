#include "cmd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESOURCES_MAX_SIZE (1u << 20)

static int read_resources(const char *path, char **json, err_t *err)
{
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, "stdin", RESOURCES_MAX_SIZE, json, NULL, err);
    return read_file_at(AT_FDCWD, path, RESOURCES_MAX_SIZE, json, NULL, err);
}

static int run_update(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    const char *const *names = update_flag_names();
    size_t n = strv_len((char *const *) names);
    struct option options[n + 3];
    enum { OPT_FLAG = 256 };
    for (size_t i = 0; i < n; i++)
        options[i] = (struct option){names[i], required_argument, NULL, OPT_FLAG + (int) i};
    options[n] = (struct option){"resources", required_argument, NULL, 'r'};
    options[n + 1] = (struct option){"help", no_argument, NULL, 'h'};
    options[n + 2] = (struct option){0};

    struct update_flag flags[argc];
    struct update_opts opts = {.flags = flags};
    const char *resources_path = NULL;
    int opt;
    while ((opt = cmd_getopt(&cmd_update, argc, argv, "+r:h", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_update, err);
        if (opt == 'r')
            resources_path = optarg;
        else
            flags[opts.flags_len++] = (struct update_flag){names[opt - OPT_FLAG], optarg};
    }
    const char *id;
    if (cmd_container_id(&cmd_update, argc, argv, &id, err) < 0)
        return -1;
    cleanup_free char *json = NULL;
    if (resources_path && read_resources(resources_path, &json, err) < 0)
        return wrap_err(err, "update: --resources");
    opts.resources_json = json;
    return container_update(ctx, id, &opts, err) < 0 ? -1 : 0;
}

const struct command cmd_update = {
    .name = "update",
    .summary = "change the resource limits of a running container",
    .usage = "[options] <container-id>",
    .options = "   -r, --resources FILE       linux.resources JSON from FILE, or stdin with \"-\" (other flags are then ignored)\n"
               "   --memory N                 memory limit in bytes (k, m, g suffixes; -1: unlimited)\n"
               "   --memory-swap N            memory + swap limit\n"
               "   --memory-reservation N     memory soft limit\n"
               "   --kernel-memory N, --kernel-memory-tcp N\n"
               "   --cpu-shares N             relative CPU weight (also --cpu-share)\n"
               "   --cpu-quota N, --cpu-period N, --cpu-burst N\n"
               "   --cpu-rt-period N, --cpu-rt-runtime N\n"
               "   --cpuset-cpus LIST, --cpuset-mems LIST\n"
               "   --pids-limit N             maximum number of processes (-1: unlimited)\n"
               "   --blkio-weight N           block IO weight (10-1000)\n",
    .run = run_update,
};
