#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool contains(const pid_t *pids, size_t len, long pid)
{
    for (size_t i = 0; i < len; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

/* Which column of ps(1)'s header holds the PID. */
static int pid_column(const char *header)
{
    cleanup_free char *copy = xstrdup(header);
    char *save = NULL;
    int col = 0;
    for (char *f = strtok_r(copy, " \t\n", &save); f; f = strtok_r(NULL, " \t\n", &save), col++)
        if (strcmp(f, "PID") == 0)
            return col;
    return -1;
}

static long field(const char *line, int col)
{
    cleanup_free char *copy = xstrdup(line);
    char *save = NULL, *f = strtok_r(copy, " \t\n", &save);
    for (int i = 0; f && i < col; i++)
        f = strtok_r(NULL, " \t\n", &save);
    return f ? strtol(f, NULL, 10) : -1;
}

/* runc's table: ps(1) with the given arguments (default -ef), keeping the
 * header and the container's rows. */
static int print_table(char **ps_args, const pid_t *pids, size_t len, err_t *err)
{
    size_t n = strv_len(ps_args);
    char *argv[n + 3];
    argv[0] = "ps";
    argv[1] = n ? NULL : "-ef";
    for (size_t i = 0; i < n; i++)
        argv[1 + i] = ps_args[i];
    argv[n ? n + 1 : 2] = NULL;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return make_err(err, errno, "pipe");
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        return make_err(err, errno, "fork");
    if (child == 0) {
        dup2(fds[1], STDOUT_FILENO);
        execvp("ps", argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *out = fdopen(fds[0], "r");
    char *line = NULL;
    size_t cap = 0;
    int col = -1;
    for (bool header = true; out && getline(&line, &cap, out) > 0; header = false) {
        if (header) {
            col = pid_column(line);
            fputs(line, stdout);
        } else if (col >= 0 && contains(pids, len, field(line, col))) {
            fputs(line, stdout);
        }
    }
    free(line);
    if (out)
        fclose(out);
    int status;
    waitpid(child, &status, 0);
    if (col < 0)
        return make_err(err, 0, "ps: no PID column in the output of ps(1)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return make_err(err, 0, "ps(1) failed");
    return 0;
}

static int run_ps(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
    const char *format = "table";
    int opt;
    while ((opt = cmd_getopt(&cmd_ps, argc, argv, "+f:h", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_ps, err);
        format = optarg;
    }
    if (strcmp(format, "table") && strcmp(format, "json"))
        return make_err(err, 0, "ps: --format must be table or json, not \"%s\"", format);
    if (optind >= argc)
        return make_err(err, 0, "ps: container ID is required (see berth ps --help)");
    const char *id = argv[optind];
    char **ps_args = argv + optind + 1;
    if (*ps_args && strcmp(*ps_args, "--") == 0)
        ps_args++;
    pid_t *pids;
    size_t len;
    if (container_pids(ctx, id, &pids, &len, err) < 0)
        return -1;
    int ret = 0;
    if (strcmp(format, "json") == 0) {
        printf("[");
        for (size_t i = 0; i < len; i++)
            printf(i ? ",%d" : "%d", (int) pids[i]);
        printf("]\n");
    } else {
        ret = print_table(ps_args, pids, len, err);
    }
    free(pids);
    return ret;
}

const struct command cmd_ps = {
    .name = "ps",
    .summary = "list the processes of a container",
    .usage = "[options] <container-id> [-- ps options]",
    .options = "   -f, --format FORMAT        table (ps(1) output, default -ef) or json (an array of pids)\n",
    .run = run_ps,
};
