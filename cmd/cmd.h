/* cmd: the command line. One file per subcommand; only main prints errors
 * and chooses the exit status. */
#ifndef BERTH_CMD_H
#define BERTH_CMD_H

#include <getopt.h>
#include <stdbool.h>

#include "../runtime/runtime.h"
#include "../util/util.h"

struct command {
    const char *name;
    const char *summary;
    const char *usage;   /* after "berth <name> " */
    const char *options; /* help text for the options, or NULL */
    /* Returns < 0 on error, else the exit status. */
    int (*run)(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err);
    /* It puts processes into a container: berth runs from a sealed copy. */
    bool needs_protected_binary;
};

extern const struct command cmd_create, cmd_delete, cmd_events, cmd_exec, cmd_features, cmd_kill, cmd_list, cmd_pause, cmd_ps,
    cmd_resume, cmd_run, cmd_spec, cmd_start, cmd_state, cmd_update;

/* getopt_long over a command's own arguments (argv[0] is the command), with
 * --help / -h handled: returns the option, -1 at the end, or CMD_HELP /
 * CMD_BAD_OPTION after printing what is needed. */
#define CMD_HELP (-2)
#define CMD_BAD_OPTION (-3)
int cmd_getopt(const struct command *cmd, int argc, char **argv, const char *short_opts,
               const struct option *long_opts);
void cmd_print_help(const struct command *cmd);
/* The exit status for --help (0) or a bad option (1), from cmd_getopt. */
int cmd_early_exit(int opt, const struct command *cmd, err_t *err);
/* The one positional container ID every lifecycle command takes. */
int cmd_container_id(const struct command *cmd, int argc, char **argv, const char **id, err_t *err);
int cmd_parse_int(const char *flag, const char *value, int *out, err_t *err);
/* "5" or "5s" → 5. */
int parse_duration_seconds(const char *value, int *seconds, err_t *err);
/* 33554432 → "32 MiB"; a limit that is no limit → "none". */
const char *format_bytes(uint64_t bytes, char *buf, size_t len);

/* create and run share their options. Returns 1 when --help was shown. */
#define CREATE_OPTIONS_HELP                                                                                           \
    "   -b, --bundle DIR           the bundle (default: the current directory)\n"                                   \
    "   --pid-file FILE            write the container process's pid to FILE\n"                                     \
    "   --console-socket SOCKET    unix socket to receive the pty master\n"                                         \
    "   --preserve-fds N           pass N extra fds (from 3) to the container\n"                                    \
    "   --no-pivot                 use MS_MOVE and chroot instead of pivot_root\n"                                  \
    "   --no-new-keyring           keep the caller's session keyring\n"                                            \
    "   --layer DIR                the rootfs as overlay layers, top first (repeatable)\n"                       \
    "   --upper DIR                with --layer: a persistent upper layer (default: one that goes with the container)\n"
int parse_create_opts(const struct command *cmd, int argc, char **argv, bool with_detach, struct create_opts *opts,
                      err_t *err);

#endif
