/* The new user namespace's ID maps, written by the parent after clone and
 * before the child goes on (config-linux.md#user-namespace-mappings). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *map_text(const struct oci_id_mapping *m, size_t len, char sep)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    for (size_t i = 0; i < len; i++)
        fprintf(out, "%u %u %u%c", m[i].container_id, m[i].host_id, m[i].size, sep);
    fclose(out);
    if (size && sep == ' ')
        text[size - 1] = '\0';
    return text;
}

static int write_proc(pid_t pid, const char *file, const char *text, err_t *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text))
        return make_err(err, errno, "write %s", path);
    return 0;
}

/* newuidmap/newgidmap (Debian's uidmap): the setuid helpers that let an
 * ordinary user map the ranges /etc/subuid and /etc/subgid give it. */
static int run_helper(const char *helper, pid_t pid, const char *ranges, err_t *err)
{
    cleanup_free char *cmd = xasprintf("%d %s", (int) pid, ranges);
    size_t n = 2;
    for (const char *p = cmd; *p; p++)
        n += *p == ' ';
    char *argv[n + 1], *save = NULL;
    size_t i = 0;
    argv[i++] = (char *) helper;
    for (char *w = strtok_r(cmd, " ", &save); w; w = strtok_r(NULL, " ", &save))
        argv[i++] = w;
    argv[i] = NULL;
    fflush(NULL);
    pid_t child = fork();
    if (child < 0)
        return make_err(err, errno, "fork %s", helper);
    if (child == 0) {
        execvp(helper, argv);
        _exit(127);
    }
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return make_err(err, 0, "%s %s failed (exit status %d%s)", helper, ranges,
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                        WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": install Debian's uidmap package" : "");
    return 0;
}

/* What an unprivileged process may write itself: its own ID, once. */
static bool self_map(const struct oci_id_mapping *m, size_t len, uint32_t own)
{
    return len == 1 && m[0].size == 1 && m[0].host_id == own;
}

int idmap_write(pid_t pid, const struct oci_linux *l, err_t *err)
{
    cleanup_free char *uids = map_text(l->uid_mappings, l->uid_mappings_len, '\n');
    cleanup_free char *gids = map_text(l->gid_mappings, l->gid_mappings_len, '\n');
    if (geteuid() == 0) {
        if (write_proc(pid, "uid_map", uids, err) < 0 || write_proc(pid, "gid_map", gids, err) < 0)
            return wrap_err(err, "linux.uidMappings");
        return 0;
    }
    if (self_map(l->uid_mappings, l->uid_mappings_len, geteuid())) {
        if (write_proc(pid, "uid_map", uids, err) < 0)
            return wrap_err(err, "linux.uidMappings");
    } else {
        cleanup_free char *ranges = map_text(l->uid_mappings, l->uid_mappings_len, ' ');
        if (run_helper("newuidmap", pid, ranges, err) < 0)
            return wrap_err(err, "linux.uidMappings");
    }
    if (self_map(l->gid_mappings, l->gid_mappings_len, getegid())) {
        /* The kernel lets an unprivileged gid_map through only with
         * setgroups denied; the container then cannot set groups. */
        if (write_proc(pid, "setgroups", "deny", err) < 0 || write_proc(pid, "gid_map", gids, err) < 0)
            return wrap_err(err, "linux.gidMappings");
    } else {
        cleanup_free char *ranges = map_text(l->gid_mappings, l->gid_mappings_len, ' ');
        if (run_helper("newgidmap", pid, ranges, err) < 0)
            return wrap_err(err, "linux.gidMappings");
    }
    return 0;
}

bool idmap_to_host(const struct oci_id_mapping *m, size_t len, uint32_t id, uint32_t *host)
{
    for (size_t i = 0; i < len; i++) {
        if (id >= m[i].container_id && id - m[i].container_id < m[i].size) {
            *host = m[i].host_id + (id - m[i].container_id);
            return true;
        }
    }
    return false;
}
