/* exec: a new process in a container that runs: it joins the container's
 * namespaces and cgroup and gets the process settings of its config.json,
 * unless --process or the flags say otherwise. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct exec_launch {
    const struct exec_opts *opts;
    struct oci_config *config; /* the container's, with the process to run */
    struct container_state *state;
    int target;    /* pidfd of the container's init */
    int ns_flags;  /* the namespaces to join */
    struct cgroup *cgroup;
    struct seccomp_program *seccomp;
    int sync_fd, child_sync_fd;
    pid_t pid;
    int pidfd;
    int console;
};

static void strv_push(char ***v, size_t *len, const char *s)
{
    *v = xrealloc(*v, (*len + 2) * sizeof(char *));
    (*v)[(*len)++] = xstrdup(s);
    (*v)[*len] = NULL;
}

/* --env K=V: a variable already there takes the new value. */
static void env_set(struct oci_process *p, const char *entry)
{
    size_t key_len = strcspn(entry, "=");
    for (size_t i = 0; i < p->env_len; i++) {
        if (strncmp(p->env[i], entry, key_len) == 0 && p->env[i][key_len] == '=') {
            free(p->env[i]);
            p->env[i] = xstrdup(entry);
            return;
        }
    }
    strv_push(&p->env, &p->env_len, entry);
}

static int parse_id(const char *s, const char *flag, uint32_t *out, err_t *err)
{
    uint64_t v;
    if (!parse_u64(s, &v) || v > UINT32_MAX)
        return make_err(err, 0, "exec: %s: \"%s\" is not a numeric ID", flag, s);
    *out = (uint32_t) v;
    return 0;
}

/* runc's rules for exec without --process: the container's process with
 * these changes. */
static int apply_flags(struct oci_process *p, const struct exec_opts *o, err_t *err)
{
    strv_free(p->args);
    p->args = NULL;
    p->args_len = 0;
    for (char **a = o->args; a && *a; a++)
        strv_push(&p->args, &p->args_len, *a);
    if (p->args_len == 0)
        return make_err(err, 0, "exec: a command (or --process) is required");
    p->terminal = o->tty;
    if (o->cwd)
        free(p->cwd), p->cwd = xstrdup(o->cwd);
    for (char **e = o->env; e && *e; e++) {
        if (strchr(*e, '=') == NULL || **e == '=')
            return make_err(err, 0, "exec: --env %s: not KEY=VALUE", *e);
        env_set(p, *e);
    }
    if (o->no_new_privs)
        p->no_new_privileges = true;
    if (o->user) {
        cleanup_free char *uid = xstrdup(o->user);
        char *gid = strchr(uid, ':');
        if (gid)
            *gid++ = '\0';
        if (parse_id(uid, "--user", &p->user.uid, err) < 0 || (gid && parse_id(gid, "--user", &p->user.gid, err) < 0))
            return -1;
    }
    for (char **g = o->additional_gids; g && *g; g++) {
        uint32_t gid = 0;
        if (parse_id(*g, "--additional-gids", &gid, err) < 0)
            return -1;
        p->user.additional_gids = xrealloc(p->user.additional_gids, (p->user.additional_gids_len + 1) * sizeof(gid));
        p->user.additional_gids[p->user.additional_gids_len++] = gid;
    }
    if (o->caps && *o->caps && p->capabilities == NULL)
        p->capabilities = xzalloc(sizeof(*p->capabilities));
    for (char **c = o->caps; c && *c; c++) {
        struct oci_capabilities *caps = p->capabilities;
        strv_push(&caps->bounding, &caps->bounding_len, *c);
        strv_push(&caps->effective, &caps->effective_len, *c);
        strv_push(&caps->permitted, &caps->permitted_len, *c);
        /* Ambient needs inheritable: only where the config has some. */
        if (caps->inheritable_len)
            strv_push(&caps->ambient, &caps->ambient_len, *c);
    }
    return 0;
}

static int make_process(struct exec_launch *x, err_t *err)
{
    const struct exec_opts *o = x->opts;
    if (o->process_json) {
        struct oci_process *p;
        if (spec_parse_process(o->process_json, strlen(o->process_json), "process.json", &p, err) < 0)
            return -1;
        spec_free_process(x->config->process);
        x->config->process = p;
        return 0;
    }
    return apply_flags(x->config->process, o, err);
}

/* Every namespace the config lists (made or joined), as the container's
 * init has it now. */
static int namespaces_to_join(const struct oci_config *config)
{
    int flags = 0;
    for (size_t i = 0; config->linux_config && i < config->linux_config->namespaces_len; i++)
        flags |= ns_clone_flag(config->linux_config->namespaces[i].type);
    return flags;
}

static int exec_in_child(struct exec_launch *x, err_t *err)
{
    struct oci_config *config = x->config;
    const struct oci_process *p = config->process;
    cleanup_free char *executable = NULL;
    if (sync_expect(x->child_sync_fd, SYNC_GO, NULL, 0, err) < 0)
        return -1;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) /* as the init, until exec */
        return make_err(err, errno, "make the process non-dumpable");
    /* One setns for all: the kernel joins the user namespace first. The
     * pid namespace came with clone. */
    int flags = x->ns_flags & ~CLONE_NEWPID;
    if (flags && setns(x->target, flags) < 0)
        return make_err(err, errno, "join the namespaces of container %s", x->opts->id);
    if ((flags & CLONE_NEWUSER) && process_become_ns_root(err) < 0)
        return -1;
    if (p->exec_cpu_affinity && p->exec_cpu_affinity->final && *p->exec_cpu_affinity->final &&
        set_cpu_affinity(p->exec_cpu_affinity->final, "process.execCPUAffinity.final", err) < 0)
        return -1;
    if (process_apply_early(config, err) < 0)
        return -1;
    if (p->user.has_umask)
        umask(p->user.umask);
    process_set_home(config->process);
    if (p->terminal) {
        cleanup_close int master = -1;
        if (terminal_setup(p, false, &master, err) < 0 ||
            sync_send_fd(x->child_sync_fd, SYNC_CONSOLE, master, err) < 0)
            return -1;
    }
    /* seccomp at the same points as for the container's init (init.c). */
    const struct seccomp_program *filter = x->seccomp;
    if (filter && !p->no_new_privileges && seccomp_load_in_child(filter, x->child_sync_fd, err) < 0)
        return -1;
    if (process_apply_user(config, err) < 0 || process_verify_cwd(p, err) < 0)
        return set_stage(err, "process");
    if (process_find_executable(p, &executable, err) < 0)
        return set_stage(err, "exec");
    if (filter && p->no_new_privileges && filter->notifies && seccomp_load_in_child(filter, x->child_sync_fd, err) < 0)
        return -1;
    char go = 0;
    if (sync_send(x->child_sync_fd, SYNC_READY, NULL, 0, err) < 0 ||
        sync_expect(x->child_sync_fd, SYNC_ACK, &go, 1, err) < 0)
        return -1;
    if (filter && p->no_new_privileges && !filter->notifies &&
        seccomp_load_in_child(filter, x->child_sync_fd, err) < 0)
        return -1;
    process_exec(p, executable, x->opts->preserve_fds, err);
    return set_stage(err, "exec");
}

_Noreturn static void exec_child_main(struct exec_launch *x)
{
    err_t err = NULL;
    cleanup_closep(&x->sync_fd);
    exec_in_child(x, &err);
    sync_send_error(x->child_sync_fd, err);
    _exit(err && err->errnum == ENOENT ? 127 : err && err->errnum == EACCES ? 126 : 1);
}

/* The pid namespace only takes children: entered around clone. */
static int clone_into_container(struct exec_launch *x, err_t *err)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return make_err(err, errno, "socketpair");
    x->sync_fd = fds[0];
    x->child_sync_fd = fds[1];
    const struct oci_cpu_affinity *affinity = x->config->process->exec_cpu_affinity;
    if (affinity && affinity->initial && *affinity->initial &&
        set_cpu_affinity(affinity->initial, "process.execCPUAffinity.initial", err) < 0)
        return -1;
    cleanup_close int own_pid_ns = -1;
    if (x->ns_flags & CLONE_NEWPID) {
        own_pid_ns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
        if (own_pid_ns < 0 || setns(x->target, CLONE_NEWPID) < 0)
            return make_err(err, errno, "join the pid namespace of container %s", x->opts->id);
    }
    cleanup_close int cgroup_fd = x->cgroup ? cgroup_v2_dirfd(x->cgroup) : -1;
    struct clone_args args = {
        .flags = CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
        .pidfd = (uint64_t) (uintptr_t) &x->pidfd,
        .exit_signal = SIGCHLD,
        .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
    };
    fflush(NULL);
    x->pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
    if (x->pid == 0)
        exec_child_main(x);
    int clone_errno = errno;
    if (own_pid_ns >= 0 && setns(own_pid_ns, CLONE_NEWPID) < 0)
        return make_err(err, errno, "leave the pid namespace of container %s", x->opts->id);
    if (x->pid < 0)
        return make_err(err, clone_errno, "clone the exec process");
    cleanup_closep(&x->child_sync_fd);
    if (x->cgroup && cgroup_fd < 0 && cgroup_enter(x->cgroup, x->pid, err) < 0)
        return -1;
    return process_set_oom_score_adj(x->pid, x->config->process, err);
}

static int start_process(struct exec_launch *x, err_t *err)
{
    if (clone_into_container(x, err) < 0 || sync_send(x->sync_fd, SYNC_GO, NULL, 0, err) < 0)
        return -1;
    if (x->config->process->terminal) {
        cleanup_close int master = -1;
        if (sync_expect_fd(x->sync_fd, SYNC_CONSOLE, &master, err) < 0)
            return -1;
        if (x->opts->console_socket && terminal_send_to_socket(x->opts->console_socket, master, err) < 0)
            return -1;
        if (!x->opts->console_socket)
            x->console = steal_fd(&master);
    }
    if (x->seccomp && x->seccomp->notifies) {
        cleanup_free char *state = spec_state_to_json(x->state, STATUS_RUNNING, false);
        if (seccomp_forward_notify_fd(x->config->linux_config->seccomp, x->sync_fd, x->pidfd, x->pid, state, err) < 0)
            return -1;
    }
    if (sync_expect(x->sync_fd, SYNC_READY, NULL, 0, err) < 0)
        return -1;
    if (x->opts->pid_file) {
        char pid[16];
        int n = snprintf(pid, sizeof(pid), "%d", x->pid);
        if (write_file_atomic_at(AT_FDCWD, x->opts->pid_file, pid, (size_t) n, 0644, err) < 0)
            return wrap_err(err, "pid file");
    }
    char go = 1;
    if (sync_send(x->sync_fd, SYNC_ACK, &go, 1, err) < 0)
        return -1;
    return sync_wait_exec(x->sync_fd, err);
}

static int check_status(const struct container_dir *dir, const struct exec_launch *x, err_t *err)
{
    enum container_status status = store_status(dir, x->state);
    if (status == STATUS_PAUSED && !x->opts->ignore_paused)
        return make_err(err, 0, "cannot exec in container %s: it is paused (see --ignore-paused)", x->opts->id);
    if (status != STATUS_RUNNING && status != STATUS_CREATED && status != STATUS_PAUSED)
        return make_err(err, 0, "cannot exec in container %s: container not running", x->opts->id);
    return 0;
}

static int check_terminal(const struct exec_opts *o, const struct oci_process *p, err_t *err)
{
    if (p->terminal && !o->console_socket && o->detach)
        return make_err(err, 0, "exec: a terminal with --detach needs --console-socket to hand it to");
    if (!p->terminal && o->console_socket)
        return make_err(err, 0, "exec: --console-socket needs a terminal (--tty)");
    return 0;
}

static void exec_launch_free(struct exec_launch *x)
{
    if (x->pid > 0) {
        syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
        waitpid(x->pid, NULL, 0);
    }
    cleanup_closep(&x->target);
    cleanup_closep(&x->sync_fd);
    cleanup_closep(&x->child_sync_fd);
    cleanup_closep(&x->pidfd);
    cleanup_closep(&x->console);
    if (x->cgroup)
        cgroup_free(x->cgroup);
    seccomp_program_free(x->seccomp);
    spec_free_config(x->config);
    spec_free_state(x->state);
}

static int prepare(struct exec_launch *x, const struct runtime_ctx *ctx, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    if (container_open(ctx, x->opts->id, false, &dir, &x->state, err) < 0 || check_status(&dir, x, err) < 0 ||
        store_read_config(&dir, &x->config, err) < 0 || make_process(x, err) < 0 ||
        check_terminal(x->opts, x->config->process, err) < 0 || container_cgroup(x->state, &x->cgroup, err) < 0 ||
        seccomp_prepare(ctx, x->config, &x->seccomp, err) < 0)
        return -1;
    x->target = container_pidfd(x->state, err);
    if (x->target < 0)
        return -1;
    x->ns_flags = namespaces_to_join(x->config);
    return 0;
}

int container_exec(const struct runtime_ctx *ctx, const struct exec_opts *opts, int *exit_status, err_t *err)
{
    struct exec_launch x = {.opts = opts, .target = -1, .sync_fd = -1, .child_sync_fd = -1, .pid = -1, .pidfd = -1,
                            .console = -1};
    sigset_t all, previous;
    sigfillset(&all);
    *exit_status = 0;
    int ret = prepare(&x, ctx, err);
    if (ret < 0) {
        exec_launch_free(&x);
        return -1;
    }
    /* Foreground: blocked before clone so that nothing is lost (the child
     * unblocks everything before exec). Detached, nothing is relayed. */
    sigprocmask(opts->detach ? SIG_SETMASK : SIG_BLOCK, opts->detach ? NULL : &all, &previous);
    cleanup_close int sigfd = opts->detach ? -1 : signalfd(-1, &all, SFD_CLOEXEC);
    ret = sigfd < 0 && !opts->detach ? make_err(err, errno, "signalfd") : start_process(&x, err);
    if (ret == 0 && opts->detach) {
        x.pid = -1; /* it runs on without us */
    } else if (ret == 0) {
        struct terminal_relay tty;
        bool relay = x.console >= 0 && (ret = terminal_relay_start(&tty, steal_fd(&x.console), err)) == 0;
        if (ret == 0 && (ret = wait_child(x.pid, x.pidfd, sigfd, relay ? &tty : NULL, exit_status, err)) == 0)
            x.pid = -1;
        if (relay)
            terminal_relay_stop(&tty);
    }
    sigprocmask(SIG_SETMASK, &previous, NULL);
    exec_launch_free(&x);
    return ret;
}
