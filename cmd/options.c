#include "cmd.h"

#include <stdio.h>
#include <string.h>

void cmd_print_help(const struct command *cmd)
{
    printf("%s\n\nUsage: berth %s %s\n", cmd->summary, cmd->name, cmd->usage);
    if (cmd->options)
        printf("\nOptions:\n%s", cmd->options);
    printf("   -h, --help                 show this help\n");
}

int cmd_getopt(const struct command *cmd, int argc, char **argv, const char *short_opts,
               const struct option *long_opts)
{
    int opt = getopt_long(argc, argv, short_opts, long_opts, NULL);
    if (opt == 'h') {
        cmd_print_help(cmd);
        return CMD_HELP;
    }
    if (opt == '?' || opt == ':')
        return CMD_BAD_OPTION;
    return opt;
}

int cmd_early_exit(int opt, const struct command *cmd, err_t *err)
{
    if (opt == CMD_HELP)
        return 0;
    return make_err(err, 0, "%s: bad usage (see berth %s --help)", cmd->name, cmd->name);
}

int cmd_container_id(const struct command *cmd, int argc, char **argv, const char **id, err_t *err)
{
    if (argc - optind != 1)
        return make_err(err, 0, "%s: %s (see berth %s --help)", cmd->name,
                        argc - optind < 1 ? "container ID is required" : "too many arguments", cmd->name);
    *id = argv[optind];
    return 0;
}

int cmd_parse_int(const char *flag, const char *value, int *out, err_t *err)
{
    int64_t v;
    if (!parse_i64(value, &v) || v < 0 || v > 1 << 20)
        return make_err(err, 0, "--%s: invalid number \"%s\"", flag, value);
    *out = (int) v;
    return 0;
}
