#include "cmd.h"

#include <stdio.h>
#include <string.h>

static void print_table(const struct container_summary *list, size_t len)
{
    printf("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (size_t i = 0; i < len; i++)
        printf("%-20s %-8d %-10s %-40s %-31s %s\n", list[i].id, list[i].pid, list[i].status, list[i].bundle,
               list[i].created, list[i].owner);
}

static void print_json(const struct container_summary *list, size_t len)
{
    fputs("[", stdout);
    for (size_t i = 0; i < len; i++) {
        fputs(i ? "," : "", stdout);
        fputs(list[i].state_json, stdout);
    }
    fputs("]\n", stdout);
}

static int run_list(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {0}};
    const char *format = "table";
    bool quiet = false;
    int opt;
    while ((opt = cmd_getopt(&cmd_list, argc, argv, "+f:qh", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_list, err);
        if (opt == 'q')
            quiet = true;
        else
            format = optarg;
    }
    if (strcmp(format, "table") && strcmp(format, "json"))
        return make_err(err, 0, "list: --format must be table or json, not \"%s\"", format);
    if (optind != argc)
        return make_err(err, 0, "list: takes no arguments");
    struct container_summary *list;
    size_t len;
    if (container_list(ctx, &list, &len, err) < 0)
        return -1;
    if (quiet)
        for (size_t i = 0; i < len; i++)
            puts(list[i].id);
    else if (strcmp(format, "json") == 0)
        print_json(list, len);
    else
        print_table(list, len);
    container_list_free(list, len);
    return 0;
}

const struct command cmd_list = {
    .name = "list",
    .summary = "list the containers in the state root",
    .usage = "[options]",
    .options = "   -f, --format FORMAT        table or json\n"
               "   -q, --quiet                print only the IDs\n",
    .run = run_list,
};
