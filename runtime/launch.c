/* The parent side of create: from a loaded config to a container process
 * waiting before its exec, with the state recorded. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One clone with every namespace flag; the child continues on a copy of
 * this stack, like fork. */
static pid_t clone_container(int flags, int cgroup_fd, int *pidfd)
{
    struct clone_args args = {
        .flags = (uint64_t) flags | CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
        .pidfd = (uint64_t) (uintptr_t) pidfd,
        .exit_signal = SIGCHLD,
        .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
    };
    return (pid_t) syscall(SYS_clone3, &args, sizeof(args));
}

static void copy_map(struct oci_map *to, const struct oci_map *from)
{
    to->len = from->len;
    to->entries = xzalloc(from->len * sizeof(*to->entries));
    for (size_t i = 0; i < from->len; i++) {
        to->entries[i].key = xstrdup(from->entries[i].key);
        to->entries[i].value = xstrdup(from->entries[i].value);
    }
}

static uint32_t hook_kinds(const struct oci_config *config)
{
    uint32_t kinds = 0;
    for (int k = 0; k < HOOK_KINDS; k++)
        if (config->hooks[k].len)
            kinds |= 1u << k;
    return kinds;
}

/* The container's state as soon as its process exists. */
static int make_state(struct launch *l, err_t *err)
{
    struct container_state *s = l->state = xzalloc(sizeof(*s));
    char st;
    s->id = xstrdup(l->opts->id);
    s->pid = l->pid;
    if (proc_stat(l->pid, &s->start_time, &st) < 0)
        return make_err(err, errno, "read the start time of the container process");
    s->bundle = xstrdup(l->bundle);
    s->rootfs = xstrdup(l->rootfs);
    s->created = xstrdup(l->created);
    s->owner = getuid();
    s->cgroup_path = l->cgroup ? cgroup_describe(l->cgroup) : xstrdup("");
    s->own_pid_ns = ((l->ns.clone_flags | l->ns.unshare_flags) & CLONE_NEWPID) != 0;
    s->hook_kinds = hook_kinds(l->config);
    copy_map(&s->annotations, &l->config->annotations);
    return 0;
}

char *launch_state_json(const struct launch *l, enum container_status status, pid_t pid)
{
    struct container_state s = {
        .id = (char *) l->opts->id,
        .pid = pid,
        .bundle = l->bundle,
        .rootfs = l->rootfs,
        .created = l->created,
        .cgroup_path = "",
        .annotations = l->config->annotations,
    };
    return spec_state_to_json(&s, status, false);
}

static int record_state(struct launch *l, err_t *err)
{
    if (write_file_atomic_at(l->dir.fd, "config.json", l->config_json, l->config_json_len, 0600, err) < 0 ||
        store_write_state(&l->dir, l->state, err) < 0)
        return -1;
    if (l->opts->pid_file) {
        char pid[16];
        int n = snprintf(pid, sizeof(pid), "%d", l->pid);
        if (write_file_atomic_at(AT_FDCWD, l->opts->pid_file, pid, (size_t) n, 0644, err) < 0)
            return wrap_err(err, "pid file");
        l->pid_file_written = true;
    }
    return 0;
}

/* prestart and createRuntime: in the runtime's namespaces, once the child
 * reports its mounts done and before it pivots. */
static int run_runtime_create_hooks(struct launch *l, err_t *err)
{
    const struct oci_config *config = l->config;
    if (config->hooks[HOOK_PRESTART].len == 0 && config->hooks[HOOK_CREATE_RUNTIME].len == 0)
        return 0;
    if (sync_expect(l->sync_fd, SYNC_MOUNTED, NULL, 0, err) < 0)
        return -1;
    cleanup_free char *state = launch_state_json(l, STATUS_CREATING, l->pid);
    if (hooks_run(config, HOOK_PRESTART, state, err) < 0 || hooks_run(config, HOOK_CREATE_RUNTIME, state, err) < 0)
        return set_stage(err, "hooks");
    return sync_send(l->sync_fd, SYNC_HOOKS_DONE, NULL, 0, err);
}

/* An ordinary user whose cgroups are not writable (no delegated subtree)
 * runs containers without one, as runc does, and is told so. */
static bool rootless_without_cgroups(const struct launch *l, err_t *err)
{
    int errnum = (*err)->errnum;
    if (geteuid() == 0 || (errnum != EACCES && errnum != EPERM && errnum != EROFS))
        return false;
    cleanup_free char *why = err_text(*err);
    log_warn("cgroups: not writable for uid %u (%s): the container runs without a cgroup%s", (unsigned) geteuid(), why,
             l->config->linux_config && l->config->linux_config->resources
                              ? ", and linux.resources are not applied"
                              : "");
    free_err(err);
    return true;
}

/* The container may manage its cgroup (a cgroup namespace and a writable
 * cgroup mount at /sys/fs/cgroup): its root gets it, as config-linux.md's
 * cgroup ownership says. */
static int delegate_cgroup(struct launch *l, err_t *err)
{
    const struct oci_config *config = l->config;
    const struct oci_linux *lc = config->linux_config;
    const struct oci_namespace *cgroupns = oci_find_namespace(config, NS_CGROUP);
    if (l->cgroup == NULL || cgroupns == NULL || cgroupns->path || !(l->ns.clone_flags & CLONE_NEWUSER))
        return 0;
    bool writable = false;
    for (size_t i = 0; i < config->mounts_len; i++) {
        const struct oci_mount *m = &config->mounts[i];
        cleanup_free char *dest = path_clean(m->destination);
        if (m->source && strcmp(m->source, "cgroup") == 0 && strcmp(dest, "/sys/fs/cgroup") == 0) {
            writable = true;
            for (size_t o = 0; o < m->options_len; o++)
                writable &= strcmp(m->options[o], "ro") != 0;
        }
    }
    uint32_t uid, gid;
    if (!writable || !idmap_to_host(lc->uid_mappings, lc->uid_mappings_len, config->process->user.uid, &uid) ||
        !idmap_to_host(lc->gid_mappings, lc->gid_mappings_len, config->process->user.gid, &gid))
        return 0;
    if (cgroup_chown(l->cgroup, uid, gid, err) < 0)
        return set_stage(err, "cgroup");
    return 0;
}

/* Between clone and GO: what only the parent can do for the child. */
static int prepare_child(struct launch *l, err_t *err)
{
    const struct oci_linux *linux_config = l->config->linux_config;
    if ((l->ns.clone_flags & CLONE_NEWUSER) && idmap_write(l->pid, linux_config, err) < 0)
        return set_stage(err, "user namespace");
    if (process_set_oom_score_adj(l->pid, l->config->process, err) < 0)
        return set_stage(err, "process");
    if (netdevices_attach(l, err) < 0)
        return set_stage(err, "network");
    return delegate_cgroup(l, err);
}

/* The child's child, the init of a pid namespace the child made, takes
 * the child's place (see hand_over_to_init). */
static int adopt_init(struct launch *l, err_t *err)
{
    pid_t pid;
    int pidfd;
    if (sync_expect_init(l->sync_fd, &pid, &pidfd, err) < 0)
        return -1;
    while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    close(l->pidfd);
    l->pid = pid;
    l->pidfd = pidfd;
    return 0;
}

/* The pty's master goes to --console-socket, or stays for `run` to relay. */
static int receive_console(struct launch *l, err_t *err)
{
    if (!l->config->process->terminal)
        return 0;
    cleanup_close int master = -1;
    if (sync_expect_fd(l->sync_fd, SYNC_CONSOLE, &master, err) < 0)
        return -1;
    if (l->opts->console_socket)
        return terminal_send_to_socket(l->opts->console_socket, master, err);
    l->console = steal_fd(&master);
    return 0;
}

/* A filter with SCMP_ACT_NOTIFY: its fd goes to the listener before the
 * container is reported created. */
static int forward_seccomp(struct launch *l, err_t *err)
{
    if (l->seccomp == NULL || !l->seccomp->notifies)
        return 0;
    cleanup_free char *state = launch_state_json(l, STATUS_CREATING, l->pid);
    return seccomp_forward_notify_fd(l->config->linux_config->seccomp, l->sync_fd, l->pidfd, l->pid, state, err);
}

/* The child will wait on it, accepting `start`'s connection. */
static int make_start_socket(struct launch *l, err_t *err)
{
    struct sockaddr_un addr;
    store_socket_address(&l->dir, START_SOCKET, &addr);
    l->start_listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (l->start_listener < 0 || bind(l->start_listener, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
        listen(l->start_listener, 1) < 0)
        return make_err(err, errno, "create the start socket");
    return 0;
}

static int spawn(struct launch *l, err_t *err)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return make_err(err, errno, "socketpair");
    l->sync_fd = fds[0];
    l->child_sync_fd = fds[1];

    struct ns_saved saved;
    fflush(NULL); /* nothing buffered may be written twice */
    if (ns_enter_for_children(&l->ns, l->config->linux_config, &saved, err) < 0) {
        cleanup_err err_t ignored = NULL;
        ns_restore_for_children(&saved, &ignored);
        return -1;
    }
    cleanup_close int cgroup_fd = l->cgroup ? cgroup_v2_dirfd(l->cgroup) : -1;
    l->pid = clone_container(l->ns.clone_flags, cgroup_fd, &l->pidfd);
    if (l->pid == 0)
        init_main(l);
    int clone_errno = errno;
    if (ns_restore_for_children(&saved, err) < 0)
        return -1;
    if (l->pid < 0)
        return make_err(err, clone_errno, "clone the container process");
    cleanup_closep(&l->child_sync_fd);
    if (l->cgroup && cgroup_fd < 0 && cgroup_enter(l->cgroup, l->pid, err) < 0)
        return -1;
    return 0;
}

int launch_container(struct launch *l, bool start_now, err_t *err)
{
    l->pid = -1;
    if (start_now && l->config->process_absent)
        return config_err(err, "process", "is not set, so there is nothing to run");
    if (ns_plan_make(l->config, &l->ns, err) < 0)
        return -1;
    struct cgroup_create_opts cg = {
        .id = l->opts->id,
        .cgroups_path = l->config->linux_config ? l->config->linux_config->cgroups_path : NULL,
        .systemd = l->ctx->systemd_cgroup,
        .resources = l->config->linux_config ? l->config->linux_config->resources : NULL,
    };
    if (cgroup_create(&cg, &l->cgroup, err) < 0 && !rootless_without_cgroups(l, err))
        return set_stage(err, "cgroup");
    log_debug("create %s: cgroup ready", l->opts->id);
    if (layers_prepare(l, err) < 0 || idmapped_mounts_prepare(l, err) < 0)
        return set_stage(err, "mounts");
    if (seccomp_prepare(l->ctx, l->config, &l->seccomp, err) < 0)
        return -1;
    if (!start_now && make_start_socket(l, err) < 0)
        return -1;
    char now[64];
    l->created = xstrdup(time_rfc3339(now, sizeof(now))); /* before clone: the child's hooks show it too */
    if (spawn(l, err) < 0)
        return -1;
    log_debug("create %s: cloned pid %d", l->opts->id, l->pid);
    /* The child holds its own copies; ours would keep the mounts alive past
     * the container, for an expensive teardown on the way out. */
    cleanup_closep(&l->rootfs_overlay);
    idmapped_mounts_close(l);

    char go_on = start_now;
    if (prepare_child(l, err) < 0)
        return -1;
    if (sync_send(l->sync_fd, SYNC_GO, NULL, 0, err) < 0 ||
        ((l->ns.unshare_flags & CLONE_NEWPID) && adopt_init(l, err) < 0) || make_state(l, err) < 0)
        return -1;
    l->poststop_due = true;
    if (run_runtime_create_hooks(l, err) < 0 || receive_console(l, err) < 0 || forward_seccomp(l, err) < 0 ||
        sync_expect(l->sync_fd, SYNC_READY, NULL, 0, err) < 0)
        return -1;
    log_debug("create %s: the container process is ready", l->opts->id);
    if (record_state(l, err) < 0 || sync_send(l->sync_fd, SYNC_ACK, &go_on, 1, err) < 0)
        return -1;
    cleanup_closep(&l->start_listener);
    if (!start_now)
        return 0;
    if (sync_wait_exec(l->sync_fd, err) < 0)
        return -1;
    log_debug("run %s: exec'd", l->opts->id);
    if (l->config->hooks[HOOK_POSTSTART].len == 0)
        return 0;
    cleanup_free char *state = launch_state_json(l, STATUS_RUNNING, l->pid);
    if (hooks_run(l->config, HOOK_POSTSTART, state, err) < 0)
        return set_stage(err, "hooks");
    return 0;
}

void launch_destroy(struct launch *l)
{
    err_t ignored = NULL;
    if (l->pid > 0) {
        if (l->pidfd >= 0)
            syscall(SYS_pidfd_send_signal, l->pidfd, SIGKILL, NULL, 0);
        else
            kill(l->pid, SIGKILL);
        while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        l->pid = -1;
    }
    if (l->cgroup) {
        cgroup_signal_all(l->cgroup, SIGKILL, &ignored);
        free_err(&ignored);
        if (cgroup_destroy(l->cgroup, &ignored) < 0)
            log_warn("remove cgroup: %s", ignored->msg);
        free_err(&ignored);
    }
    if (l->pid_file_written)
        unlink(l->opts->pid_file);
    if (l->dir.fd >= 0 && netdevices_release(&l->dir, &ignored) < 0)
        log_warn("%s", ignored->msg);
    free_err(&ignored);
    if (l->dir.fd >= 0 && store_remove(&l->dir, &ignored) < 0)
        log_warn("%s", ignored->msg);
    free_err(&ignored);
    /* runtime.md: a failed create-time hook stops the container and the
     * lifecycle goes on to delete, and so to the poststop hooks. */
    if (l->poststop_due && l->config->hooks[HOOK_POSTSTOP].len) {
        cleanup_free char *state = launch_state_json(l, STATUS_STOPPED, 0);
        hooks_run_warning_only(l->config, HOOK_POSTSTOP, state);
    }
}

void launch_free(struct launch *l)
{
    cleanup_closep(&l->start_listener);
    cleanup_closep(&l->rootfs_overlay);
    cleanup_closep(&l->console);
    cleanup_closep(&l->sync_fd);
    cleanup_closep(&l->child_sync_fd);
    cleanup_closep(&l->pidfd);
    ns_plan_close(&l->ns);
    if (l->config)
        idmapped_mounts_close(l);
    seccomp_program_free(l->seccomp);
    if (l->cgroup)
        cgroup_free(l->cgroup);
    spec_free_state(l->state);
    spec_free_config(l->config);
    free(l->config_json);
    free(l->created);
    free(l->bundle);
    free(l->rootfs);
    store_close(&l->dir);
    memset(l, 0, sizeof(*l));
}
