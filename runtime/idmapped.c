/* Idmapped mounts (runtime-spec 1.2: mounts[].uidMappings/gidMappings with
 * idmap or ridmap): made in the parent, before clone, and attached by the
 * container's init. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static bool wants_idmap(const struct oci_mount *m)
{
    for (size_t i = 0; i < m->options_len; i++)
        if (strcmp(m->options[i], "idmap") == 0 || strcmp(m->options[i], "ridmap") == 0)
            return true;
    return false;
}

/* A user namespace with these maps, held by an fd: a child made with it
 * waits on a pipe while its maps are written, then goes. */
static int make_userns(const struct oci_linux *maps, err_t *err)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return make_err(err, errno, "pipe");
    struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
    fflush(NULL);
    pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
    if (pid == 0) {
        char byte;
        close(pipefd[1]);
        (void) !read(pipefd[0], &byte, 1);
        _exit(0);
    }
    close(pipefd[0]);
    if (pid < 0) {
        close(pipefd[1]);
        return make_err(err, errno, "create a user namespace for the mapping");
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
    int fd = idmap_write(pid, maps, err) < 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && *err == NULL)
        make_err(err, errno, "open %s", path);
    close(pipefd[1]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return fd;
}

int idmapped_mounts_prepare(struct launch *l, err_t *err)
{
    const struct oci_config *config = l->config;
    const struct oci_linux *lc = config->linux_config;
    for (size_t i = 0; i < config->mounts_len; i++) {
        const struct oci_mount *m = &config->mounts[i];
        if (!wants_idmap(m))
            continue;
        /* The mount's own mapping, else the container's (as runc does). */
        struct oci_linux maps = {.uid_mappings = m->uid_mappings, .uid_mappings_len = m->uid_mappings_len,
                                 .gid_mappings = m->gid_mappings, .gid_mappings_len = m->gid_mappings_len};
        if (maps.uid_mappings_len == 0 && lc && oci_has_namespace(config, NS_USER))
            maps = (struct oci_linux){.uid_mappings = lc->uid_mappings, .uid_mappings_len = lc->uid_mappings_len,
                                      .gid_mappings = lc->gid_mappings, .gid_mappings_len = lc->gid_mappings_len};
        if (maps.uid_mappings_len == 0 || maps.gid_mappings_len == 0)
            return config_err(err, "mounts", "mounts[%zu]: idmap needs uidMappings and gidMappings, on the mount or in "
                                             "a user namespace of the container", i);
        if (geteuid() != 0)
            return make_err(err, EPERM, "mounts[%zu]: idmapped mounts need root", i);
        if (l->prepared_mounts == NULL) {
            l->prepared_mounts = xmalloc(config->mounts_len * sizeof(int));
            for (size_t j = 0; j < config->mounts_len; j++)
                l->prepared_mounts[j] = -1;
        }
        cleanup_close int userns = make_userns(&maps, err);
        if (userns < 0)
            return wrap_err(err, "mounts[%zu]", i);
        l->prepared_mounts[i] = mount_make_idmapped(m, l->bundle, i, userns, err);
        if (l->prepared_mounts[i] < 0)
            return -1;
    }
    return 0;
}

void idmapped_mounts_close(struct launch *l)
{
    for (size_t i = 0; l->prepared_mounts && i < l->config->mounts_len; i++)
        cleanup_closep(&l->prepared_mounts[i]);
    free(l->prepared_mounts);
    l->prepared_mounts = NULL;
}
