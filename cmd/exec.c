#include "cmd.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define PROCESS_MAX_SIZE (1u << 20)

/* NULL-terminated lists that grow with repeated flags. */
static void push(char ***list, size_t *len, char *value)
{
    *list = xrealloc(*list, (*len + 2) * sizeof(char *));
    (*list)[(*len)++] = value;
    (*list)[*len] = NULL;
}

static int run_exec(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    enum { OPT_PROCESS = 'p', OPT_DETACH = 'd', OPT_TTY = 't', OPT_ENV = 'e', OPT_USER = 'u', OPT_GIDS = 'g',
           OPT_CAP = 'c', OPT_CWD = 256, OPT_PID_FILE, OPT_CONSOLE_SOCKET, OPT_NNP, OPT_PRESERVE_FDS,
           OPT_IGNORE_PAUSED };
    static const struct option options[] = {
        {"process", required_argument, NULL, OPT_PROCESS},
        {"detach", no_argument, NULL, OPT_DETACH},
        {"tty", no_argument, NULL, OPT_TTY},
        {"cwd", required_argument, NULL, OPT_CWD},
        {"env", required_argument, NULL, OPT_ENV},
        {"user", required_argument, NULL, OPT_USER},
        {"additional-gids", required_argument, NULL, OPT_GIDS},
        {"cap", required_argument, NULL, OPT_CAP},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
        {"no-new-privs", no_argument, NULL, OPT_NNP},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
        {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    struct exec_opts opts = {0};
    size_t env_len = 0, gids_len = 0, caps_len = 0;
    const char *process_path = NULL;
    cleanup_free char **env = NULL, **gids = NULL, **caps = NULL;
    int opt;
    while ((opt = cmd_getopt(&cmd_exec, argc, argv, "+p:dte:u:g:c:h", options)) != -1) {
        switch (opt) {
        case OPT_PROCESS: process_path = optarg; break;
        case OPT_DETACH: opts.detach = true; break;
        case OPT_TTY: opts.tty = true; break;
        case OPT_CWD: opts.cwd = optarg; break;
        case OPT_ENV: push(&env, &env_len, optarg); break;
        case OPT_USER: opts.user = optarg; break;
        case OPT_GIDS: push(&gids, &gids_len, optarg); break;
        case OPT_CAP: push(&caps, &caps_len, optarg); break;
        case OPT_PID_FILE: opts.pid_file = optarg; break;
        case OPT_CONSOLE_SOCKET: opts.console_socket = optarg; break;
        case OPT_NNP: opts.no_new_privs = true; break;
        case OPT_PRESERVE_FDS:
            if (cmd_parse_int("preserve-fds", optarg, &opts.preserve_fds, err) < 0)
                return -1;
            break;
        case OPT_IGNORE_PAUSED: opts.ignore_paused = true; break;
        default: return cmd_early_exit(opt, &cmd_exec, err);
        }
    }
    if (optind >= argc)
        return make_err(err, 0, "exec: container ID is required (see berth exec --help)");
    opts.id = argv[optind];
    opts.args = argv + optind + 1;
    opts.env = env;
    opts.additional_gids = gids;
    opts.caps = caps;
    cleanup_free char *process_json = NULL;
    if (process_path) {
        if (*opts.args)
            return make_err(err, 0, "exec: give either --process or a command, not both");
        if (read_file_at(AT_FDCWD, process_path, PROCESS_MAX_SIZE, &process_json, NULL, err) < 0)
            return wrap_err(err, "exec: --process");
        opts.process_json = process_json;
    }
    int status;
    if (container_exec(ctx, &opts, &status, err) < 0)
        return -1;
    return status;
}

const struct command cmd_exec = {
    .name = "exec",
    .summary = "run a new process in a running container",
    .usage = "[options] <container-id> [command [args...]]",
    .options = "   -p, --process FILE         the process (config.json's process object) to run\n"
               "   -d, --detach               return once the process runs\n"
               "   -t, --tty                  give the process a terminal\n"
               "   --console-socket SOCKET    unix socket to receive the pty master\n"
               "   --pid-file FILE            write the process's pid to FILE\n"
               "   --cwd DIR                  working directory in the container\n"
               "   -e, --env KEY=VALUE        set an environment variable (repeatable)\n"
               "   -u, --user UID[:GID]       run as this user\n"
               "   -g, --additional-gids GID  an additional group (repeatable)\n"
               "   -c, --cap CAP              add a capability (repeatable)\n"
               "   --no-new-privs             set no_new_privs\n"
               "   --preserve-fds N           pass N extra fds (from 3) to the process\n"
               "   --ignore-paused            exec into a paused container\n",
    .run = run_exec,
    .needs_protected_binary = true,
};
