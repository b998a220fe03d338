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

/* What cmd_getopt refused, for cmd_early_exit's message. */
static char bad_option[64];
static bool missing_value;

int cmd_getopt(const struct command *cmd, int argc, char **argv, const char *short_opts,
               const struct option *long_opts)
{
    opterr = 0; /* berth reports bad options itself, on one line */
    int opt = getopt_long(argc, argv, short_opts, long_opts, NULL);
    if (opt == 'h') {
        cmd_print_help(cmd);
        return CMD_HELP;
    }
    if (opt == '?' || opt == ':') {
        const char *arg = argv[optind - 1];
        /* getopt gives '?' for both an unknown option and a missing value. */
        missing_value = opt == ':' || (str_has_prefix(arg, "--") ? optopt != 0
                                                                : optopt && strchr(short_opts, optopt) != NULL);
        if (str_has_prefix(arg, "--"))
            snprintf(bad_option, sizeof(bad_option), "%.*s", (int) strcspn(arg, "="), arg);
        else
            snprintf(bad_option, sizeof(bad_option), "-%c", optopt);
        return CMD_BAD_OPTION;
    }
    return opt;
}

int cmd_early_exit(int opt, const struct command *cmd, err_t *err)
{
    if (opt == CMD_HELP)
        return 0;
    return make_err(err, 0, "%s: %s %s (see berth %s --help)", cmd->name,
                    missing_value ? "missing value for" : "unknown option", bad_option, cmd->name);
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

const char *format_bytes(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    if (bytes == UINT64_MAX || bytes >= (1ULL << 62))
        return snprintf(buf, len, "none"), buf;
    double v = (double) bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
        v /= 1024;
        u++;
    }
    if (v == (double) (uint64_t) v)
        snprintf(buf, len, "%llu %s", (unsigned long long) v, units[u]);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

int parse_duration_seconds(const char *value, int *seconds, err_t *err)
{
    int64_t v;
    size_t len = strlen(value);
    cleanup_free char *digits = xstrdup(value);
    if (len && digits[len - 1] == 's')
        digits[len - 1] = '\0';
    if (!parse_i64(digits, &v) || v < 1 || v > 86400)
        return make_err(err, 0, "--interval: invalid duration \"%s\"", value);
    *seconds = (int) v;
    return 0;
}
