#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BERTH_LIB_VERSIONS
#define BERTH_LIB_VERSIONS "unknown"
#endif

static const struct command *const commands[] = {
    &cmd_create, &cmd_delete, &cmd_events, &cmd_exec, &cmd_features, &cmd_kill, &cmd_list, &cmd_pause,
    &cmd_ps,     &cmd_resume, &cmd_run,    &cmd_spec,     &cmd_start, &cmd_state, &cmd_update,
};

static void print_usage(FILE *out)
{
    fprintf(out, "berth: an OCI container runtime\n\n"
                 "Usage: berth [global options] <command> [options] [arguments]\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(out, "   %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\nGlobal options:\n"
                 "   --root DIR             state directory (default " DEFAULT_STATE_ROOT ",\n"
                 "                          $XDG_RUNTIME_DIR/berth for an ordinary user)\n"
                 "   --log FILE             write log messages to FILE (default stderr)\n"
                 "   --log-format FORMAT    text or json\n"
                 "   --debug                log debug messages\n"
                 "   --systemd-cgroup       use the systemd cgroup manager\n"
                 "   -v, --version          print the version\n"
                 "   -h, --help             show this help\n\n"
                 "Run 'berth <command> --help' for a command's options.\n");
}

static void print_version(void)
{
    printf("berth version %s\ncommit: %s\nspec: 1.3.0\nlibraries: %s\n", BERTH_VERSION, BERTH_COMMIT,
           BERTH_LIB_VERSIONS);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

struct global_opts {
    struct runtime_ctx ctx;
    const char *log_path;
    enum log_format log_format;
    bool debug;
};

/* Returns the index of the command in argv, 0 when the process should exit
 * with *status already decided. */
static int parse_global(int argc, char **argv, struct global_opts *g, int *status, err_t *err)
{
    enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD_CGROUP, OPT_IGNORED_ARG, OPT_IGNORED };
    static const struct option options[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"log", required_argument, NULL, OPT_LOG},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
        /* runc's global flags that change nothing for berth */
        {"criu", required_argument, NULL, OPT_IGNORED_ARG},
        {"rootless", required_argument, NULL, OPT_IGNORED_ARG},
        {"version", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+vh", options, NULL)) != -1) {
        switch (opt) {
        case OPT_ROOT: g->ctx.root = optarg; break;
        case OPT_LOG: g->log_path = optarg; break;
        case OPT_LOG_FORMAT:
            if (strcmp(optarg, "json") && strcmp(optarg, "text"))
                return make_err(err, 0, "--log-format: must be text or json, not \"%s\"", optarg);
            g->log_format = strcmp(optarg, "json") == 0 ? LOG_JSON : LOG_TEXT;
            break;
        case OPT_DEBUG: g->debug = true; break;
        case OPT_SYSTEMD_CGROUP: g->ctx.systemd_cgroup = true; break;
        case OPT_IGNORED_ARG: break;
        case 'v': print_version(); return *status = 0, 0;
        case 'h': print_usage(stdout); return *status = 0, 0;
        default:
            return make_err(err, 0, "%s option %s (see berth --help)", optopt ? "missing value for" : "unknown global",
                            argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        print_usage(stderr);
        return *status = 1, 0;
    }
    return optind;
}

/* root: /run/berth; an ordinary user: $XDG_RUNTIME_DIR/berth. */
static char *default_root(void)
{
    const char *runtime_dir = getenv("XDG_RUNTIME_DIR");
    if (geteuid() == 0)
        return xstrdup(DEFAULT_STATE_ROOT);
    if (runtime_dir && *runtime_dir)
        return xasprintf("%s/berth", runtime_dir);
    return xasprintf("/tmp/berth-%u", (unsigned) geteuid());
}

int main(int argc, char **argv)
{
    cleanup_err err_t err = NULL;
    cleanup_free char *root = default_root();
    struct global_opts g = {.ctx = {.root = root}};
    int status = 1;
    int first = parse_global(argc, argv, &g, &status, &err);
    if (first > 0) {
        status = 1;
        const struct command *cmd = find_command(argv[first]);
        if (log_init(g.log_path, g.log_format, g.debug, &err) == 0) {
            if (cmd == NULL)
                make_err(&err, 0, "unknown command \"%s\" (see berth --help)", argv[first]);
            else if (cmd->needs_protected_binary && protect_binary(argv, &err) < 0)
                set_stage(&err, "protect");
            else {
                optind = 0; /* makes getopt start afresh on the command's arguments */
                int r = cmd->run(&g.ctx, argc - first, argv + first, &err);
                status = r < 0 ? 1 : r;
                set_stage(&err, cmd->name);
            }
        }
    }
    if (err) {
        cleanup_free char *text = err_text(err);
        log_error(err);
        fprintf(stderr, "berth: %s\n", text);
        status = 1;
    }
    return status;
}
