#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int apply_rlimits(const struct oci_process *p, err_t *err)
{
    for (size_t i = 0; i < p->rlimits_len; i++) {
        const struct oci_rlimit *r = &p->rlimits[i];
        struct rlimit limit = {.rlim_cur = r->soft, .rlim_max = r->hard};
        if (setrlimit(r->resource, &limit) < 0)
            return make_err(err, errno, "process.rlimits[%zu]: set %s to %llu:%llu", i, r->type,
                            (unsigned long long) r->soft, (unsigned long long) r->hard);
    }
    return 0;
}

/* Written by berth's parent side: in a user namespace the process itself
 * could not lower it. */
int process_set_oom_score_adj(pid_t pid, const struct oci_process *p, err_t *err)
{
    if (!p->has_oom_score_adj)
        return 0;
    char value[16], path[64];
    snprintf(value, sizeof(value), "%d", p->oom_score_adj);
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int) pid);
    if (write_string_at(AT_FDCWD, path, value, err) < 0)
        return wrap_err(err, "process.oomScoreAdj");
    return 0;
}

/* In a new or joined user namespace: root of that namespace from here on
 * (when root is mapped), so what the setup creates has the mapped owner. */
int process_become_ns_root(err_t *err)
{
    if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
        return make_err(err, errno, "setgid 0 in the user namespace");
    if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
        return make_err(err, errno, "setuid 0 in the user namespace");
    return 0;
}

/* What does not depend on the rootfs, done before the mounts while the
 * host's /proc is still there. */
int process_apply_early(const struct oci_config *config, err_t *err)
{
    return process_apply_scheduling(config, err);
}

int process_join_session_keyring(const char *id, err_t *err)
{
    /* KEYCTL_JOIN_SESSION_KEYRING: a fresh keyring, so the container
     * cannot see the keys of whoever started berth. */
    if (syscall(SYS_keyctl, 1, id) < 0 && errno != ENOSYS)
        return make_err(err, errno, "join a new session keyring");
    return 0;
}

static int switch_user(const struct oci_user *u, err_t *err)
{
    gid_t groups[u->additional_gids_len + 1];
    for (size_t i = 0; i < u->additional_gids_len; i++)
        groups[i] = u->additional_gids[i];
    /* A user namespace whose gid_map an ordinary user wrote has setgroups
     * denied: with no groups to set, there is nothing to refuse. */
    if (setgroups(u->additional_gids_len, groups) < 0 && !(errno == EPERM && u->additional_gids_len == 0))
        return make_err(err, errno, "process.user.additionalGids: setgroups");
    if (setresgid(u->gid, u->gid, u->gid) < 0)
        return make_err(err, errno, "process.user.gid: setgid %u", u->gid);
    if (setresuid(u->uid, u->uid, u->uid) < 0)
        return make_err(err, errno, "process.user.uid: setuid %u", u->uid);
    return 0;
}

int process_apply_user(const struct oci_config *config, err_t *err)
{
    /* No capabilities object: no capabilities, as runc does. */
    static const struct oci_capabilities no_capabilities;
    const struct oci_process *p = config->process;
    const struct oci_capabilities *caps = p->capabilities ? p->capabilities : &no_capabilities;
    /* Only now: a small RLIMIT_NOFILE must not starve the setup. Before the
     * capabilities go, as raising a hard limit needs CAP_SYS_RESOURCE. */
    if (apply_rlimits(p, err) < 0)
        return -1;
    /* First as root, so a cwd only root can reach works; again below as
     * the user when root was refused (a volume owned by the user). */
    bool chdir_done = chdir(p->cwd) == 0;
    if (!chdir_done && errno != EACCES && errno != EPERM)
        return make_err(err, errno, "process.cwd: chdir %s", p->cwd);
    if (caps_drop_bounding(caps, err) < 0)
        return -1;
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return make_err(err, errno, "keep capabilities across setuid");
    if (switch_user(&p->user, err) < 0)
        return -1;
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return make_err(err, errno, "reset keep-capabilities");
    if (caps_apply(caps, err) < 0)
        return -1;
    if (!chdir_done && chdir(p->cwd) < 0)
        return make_err(err, errno, "process.cwd: chdir %s", p->cwd);
    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return make_err(err, errno, "process.noNewPrivileges");
    return 0;
}

/* The cwd must be inside the container: a leaked host directory fd as cwd
 * (CVE-2024-21626) shows up as an unreachable path. */
int process_verify_cwd(const struct oci_process *p, err_t *err)
{
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return make_err(err, errno, "process.cwd: %s is not inside the container", p->cwd);
    if (cwd[0] != '/')
        return make_err(err, EPERM, "process.cwd: %s is not inside the container", p->cwd);
    return 0;
}

static const char *env_get(char *const *env, const char *key)
{
    size_t len = strlen(key);
    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], key, len) == 0 && env[i][len] == '=')
            return env[i] + len + 1;
    return NULL;
}

static int check_executable(const char *path, err_t *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return make_err(err, errno, "exec \"%s\"", path);
    if (S_ISDIR(st.st_mode))
        return make_err(err, EISDIR, "exec \"%s\"", path);
    if (access(path, X_OK) < 0)
        return make_err(err, errno, "exec \"%s\"", path);
    return 0;
}

/* execvp(3)'s lookup, with the PATH of the container's environment. */
int process_find_executable(const struct oci_process *p, char **out, err_t *err)
{
    const char *name = p->args[0];
    if (strchr(name, '/')) {
        if (check_executable(name, err) < 0)
            return -1;
        *out = xstrdup(name);
        return 0;
    }
    const char *path = env_get(p->env, "PATH");
    cleanup_free char *dirs = xstrdup(path ? path : DEFAULT_PATH);
    bool denied = false;
    char *save = NULL;
    for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        cleanup_free char *candidate = xasprintf("%s/%s", *dir ? dir : ".", name);
        struct stat st;
        if (stat(candidate, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (access(candidate, X_OK) == 0) {
            *out = steal_ptr(&candidate);
            return 0;
        }
        denied = true;
    }
    if (denied)
        return make_err(err, EACCES, "exec \"%s\"", name);
    return make_err(err, 0, "exec \"%s\": executable file not found in $PATH", name);
}

/* HOME from the container's /etc/passwd when the config does not set it,
 * as runc does. */
void process_set_home(struct oci_process *p)
{
    if (env_get(p->env, "HOME"))
        return;
    const char *home = "/";
    cleanup_file FILE *passwd = fopen("/etc/passwd", "re");
    char line[1024];
    cleanup_free char *found = NULL;
    while (passwd && fgets(line, sizeof(line), passwd)) {
        char *fields[7] = {0}, *s = line;
        size_t n = 0;
        for (char *f = strsep(&s, ":"); f && n < 7; f = strsep(&s, ":"))
            fields[n++] = f;
        uint64_t uid;
        if (n == 7 && parse_u64(fields[2], &uid) && uid == p->user.uid) {
            fields[5][strcspn(fields[5], "\n")] = '\0';
            found = xstrdup(fields[5]);
            break;
        }
    }
    if (found && *found)
        home = found;
    p->env = xrealloc(p->env, (p->env_len + 2) * sizeof(char *));
    p->env[p->env_len++] = xasprintf("HOME=%s", home);
    p->env[p->env_len] = NULL;
}

/* Dispositions go back to the default for every signal, glibc's own real
 * time ones (32, 33) included, which signal(3) refuses to touch: an
 * ignored signal inherited from the caller would outlive exec. */
static void env_set(struct oci_process *p, const char *key, const char *value)
{
    size_t len = strlen(key);
    char *entry = xasprintf("%s=%s", key, value);
    for (size_t i = 0; i < p->env_len; i++) {
        if (strncmp(p->env[i], key, len) == 0 && p->env[i][len] == '=') {
            free(p->env[i]);
            p->env[i] = entry;
            return;
        }
    }
    p->env = xrealloc(p->env, (p->env_len + 2) * sizeof(char *));
    p->env[p->env_len++] = entry;
    p->env[p->env_len] = NULL;
}

int process_socket_activation(struct oci_process *p)
{
    uint64_t fds, pid;
    if (!parse_u64(getenv("LISTEN_FDS"), &fds) || !parse_u64(getenv("LISTEN_PID"), &pid) ||
        pid != (uint64_t) getpid() || fds == 0 || fds > 1024)
        return 0;
    char count[16];
    snprintf(count, sizeof(count), "%d", (int) fds);
    env_set(p, "LISTEN_FDS", count);
    env_set(p, "LISTEN_PID", "1");
    return (int) fds;
}

static void reset_signals(void)
{
    struct {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
    } dfl = {.handler = SIG_DFL};
    for (int sig = 1; sig <= 64; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

int process_exec(const struct oci_process *p, const char *path, int preserve_fds, err_t *err)
{
    reset_signals();
    /* Nothing of the host may reach the program (CVE-2024-21626): every fd
     * past the preserved ones is close-on-exec. */
    unsigned int first = 3 + (unsigned int) preserve_fds;
    close_range(first, ~0U, CLOSE_RANGE_CLOEXEC);
    for (unsigned int fd = 3; fd < first; fd++)
        set_cloexec((int) fd, false);
    execve(path, p->args, p->env);
    return make_err(err, errno, "exec \"%s\"", path);
}
