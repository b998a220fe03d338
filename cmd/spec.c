#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int run_spec(const struct runtime_ctx *ctx, int argc, char **argv, err_t *err)
{
    (void) ctx;
    static const struct option options[] = {{"bundle", required_argument, NULL, 'b'},
                                            {"rootless", no_argument, NULL, 'r'},
                                            {"seccomp-default", no_argument, NULL, 's'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    const char *bundle = ".";
    bool rootless = false, seccomp = false;
    int opt;
    while ((opt = cmd_getopt(&cmd_spec, argc, argv, "+b:h", options)) != -1) {
        if (opt < 0)
            return cmd_early_exit(opt, &cmd_spec, err);
        if (opt == 'b')
            bundle = optarg;
        else if (opt == 's')
            seccomp = true;
        else
            rootless = true;
    }
    if (optind != argc)
        return make_err(err, 0, "spec: takes no arguments");
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *json = runtime_default_spec(rootless, seccomp);
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST)
        return make_err(err, 0, "%s already exists, not overwritten", path);
    if (fd < 0)
        return make_err(err, errno, "create %s", path);
    if (write_all(fd, json, strlen(json)) < 0)
        return make_err(err, errno, "write %s", path);
    return 0;
}

const struct command cmd_spec = {
    .name = "spec",
    .summary = "write a default config.json into a bundle",
    .usage = "[options]",
    .options = "   -b, --bundle DIR           where to write config.json (default: the current directory)\n"
               "   --rootless                 a config for a container run by an ordinary user\n"
               "   --seccomp-default          with the default seccomp profile (Docker's and Podman's)\n",
    .run = run_spec,
};
