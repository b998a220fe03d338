/* The options create and run share. */
#include "cmd.h"

#include <string.h>

enum { OPT_BUNDLE = 'b', OPT_DETACH = 'd', OPT_PID_FILE = 256, OPT_CONSOLE_SOCKET, OPT_PRESERVE_FDS, OPT_NO_PIVOT,
       OPT_NO_NEW_KEYRING, OPT_NO_SUBREAPER, OPT_KEEP, OPT_LAYER, OPT_UPPER };

int parse_create_opts(const struct command *cmd, int argc, char **argv, bool with_detach, struct create_opts *opts,
                      err_t *err)
{
    static const struct option options[] = {
        {"bundle", required_argument, NULL, OPT_BUNDLE},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
        {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
        {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
        {"detach", no_argument, NULL, OPT_DETACH},
        {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"layer", required_argument, NULL, OPT_LAYER},
        {"upper", required_argument, NULL, OPT_UPPER},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    memset(opts, 0, sizeof(*opts));
    int opt;
    while ((opt = cmd_getopt(cmd, argc, argv, with_detach ? "+b:dh" : "+b:h", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, cmd, err) < 0 ? -1 : 1;
        switch (opt) {
        case OPT_BUNDLE: opts->bundle = optarg; break;
        case OPT_PID_FILE: opts->pid_file = optarg; break;
        case OPT_CONSOLE_SOCKET: opts->console_socket = optarg; break;
        case OPT_PRESERVE_FDS:
            if (cmd_parse_int("preserve-fds", optarg, &opts->preserve_fds, err) < 0)
                return -1;
            break;
        case OPT_NO_PIVOT: opts->no_pivot = true; break;
        case OPT_NO_NEW_KEYRING: opts->no_new_keyring = true; break;
        case OPT_DETACH:
            if (!with_detach)
                return make_err(err, 0, "%s: unknown option --detach", cmd->name);
            opts->detach = true;
            break;
        case OPT_KEEP:
            return make_err(err, 0, "%s: --keep is not supported yet", cmd->name);
        case OPT_NO_SUBREAPER: break; /* berth run never becomes a subreaper */
        case OPT_LAYER:
            opts->layers = xrealloc(opts->layers, (opts->layers_len + 2) * sizeof(char *));
            opts->layers[opts->layers_len++] = optarg;
            opts->layers[opts->layers_len] = NULL;
            break;
        case OPT_UPPER: opts->upper = optarg; break;
        }
    }
    if (opts->upper && !opts->layers_len)
        return make_err(err, 0, "%s: --upper needs --layer", cmd->name);
    return cmd_container_id(cmd, argc, argv, &opts->id, err);
}
