#include "cmd.h"

static int run_delete(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
    bool force = false;
    const char *id;
    int opt;
    while ((opt = cmd_getopt(&cmd_delete, argc, argv, "+fh", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_delete, err);
        force = true;
    }
    if (cmd_container_id(&cmd_delete, argc, argv, &id, err) < 0)
        return -1;
    return container_delete(ctx, id, force, err) < 0 ? -1 : 0;
}

const struct command cmd_delete = {
    .name = "delete",
    .summary = "delete a stopped container and everything create made for it",
    .usage = "[options] <container-id>",
    .options = "   -f, --force                kill the container first if it still runs\n",
    .run = run_delete,
};
