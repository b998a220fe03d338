/* The container's init: the cloned child of berth, from clone to exec. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool has_cgroup_mount(const struct oci_config *config)
{
    for (size_t i = 0; i < config->mounts_len; i++)
        if (config->mounts[i].type && strcmp(config->mounts[i].type, "cgroup") == 0)
            return true;
    return false;
}

static void exit_on_signal(int sig)
{
    _exit(128 + sig);
}

/* Blocks until `start` connects. From then on that connection is where
 * errors go (a startContainer hook, exec), and its closing on exec is how
 * `start` learns that the process runs. As pid 1 of its own pid namespace
 * the process would ignore `kill` with a default disposition while it
 * waits: terminating signals end it instead. */
static int wait_for_start(struct launch *l, err_t *err)
{
    static const int terminating[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE};
    struct sigaction sa = {.sa_handler = exit_on_signal};
    for (size_t i = 0; i < ARRAY_SIZE(terminating); i++)
        sigaction(terminating[i], &sa, NULL);
    int conn;
    do
        conn = accept4(l->start_listener, NULL, NULL, SOCK_CLOEXEC);
    while (conn < 0 && errno == EINTR);
    if (conn < 0)
        return make_err(err, errno, "wait for start");
    cleanup_closep(&l->start_listener);
    cleanup_closep(&l->child_sync_fd);
    l->child_sync_fd = conn;
    return sync_expect(conn, SYNC_GO, NULL, 0, err) < 0 ? -1 : 0;
}

/* Everything mounted, the host's paths still visible. self_cgroup: our
 * /proc/self/cgroup as the host names the cgroups. */
static int mount_environment(struct launch *l, const char *self_cgroup, err_t *err)
{
    struct oci_config *config = l->config;
    if (l->ns.new_cgroup_ns && unshare(CLONE_NEWCGROUP) < 0)
        return make_err(err, errno, "create cgroup namespace");
    if ((l->ns.clone_flags & CLONE_NEWNET) && net_loopback_up(err) < 0)
        return -1;
    struct rootfs_opts rootfs = {
        .config = config,
        .bundle = l->bundle,
        .rootfs = l->rootfs,
        .self_cgroup = self_cgroup,
        .prepared = l->prepared_mounts,
    };
    if (rootfs_prepare(config, err) < 0)
        return -1;
    /* Layers: the overlay the parent made, on ROOT/ID/rootfs, in here. */
    if (l->rootfs_overlay >= 0 &&
        move_mount(l->rootfs_overlay, "", AT_FDCWD, l->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return make_err(err, errno, "mount the layers on %s", l->rootfs);
    cleanup_closep(&l->rootfs_overlay);
    return rootfs_mount(&rootfs, err);
}

/* prestart and createRuntime run in the parent (the runtime's namespaces),
 * createContainer here, in the container's: all before pivot_root. */
static int run_create_hooks(struct launch *l, err_t *err)
{
    const struct oci_config *config = l->config;
    if (config->hooks[HOOK_PRESTART].len || config->hooks[HOOK_CREATE_RUNTIME].len) {
        if (sync_send(l->child_sync_fd, SYNC_MOUNTED, NULL, 0, err) < 0 ||
            sync_expect(l->child_sync_fd, SYNC_HOOKS_DONE, NULL, 0, err) < 0)
            return -1;
    }
    if (config->hooks[HOOK_CREATE_CONTAINER].len == 0)
        return 0;
    cleanup_free char *state = launch_state_json(l, STATUS_CREATING, getpid());
    return hooks_run(config, HOOK_CREATE_CONTAINER, state, err);
}

static int finish_environment(struct launch *l, err_t *err)
{
    struct oci_config *config = l->config;
    if (rootfs_pivot(l->rootfs, l->opts->no_pivot, err) < 0 || uts_apply(config, err) < 0 ||
        sysctl_apply(config, err) < 0)
        return -1;
    if (mkdir_p(config->process->cwd, 0755, err) < 0)
        return wrap_err(err, "process.cwd");
    return rootfs_finish(config, err);
}

/* A pid namespace unshared in a joined user namespace holds only the
 * children of this process: the first one, made berth's child too, is the
 * container's init and goes on from here; this process reports it and ends. */
static int hand_over_to_init(struct launch *l, err_t *err)
{
    int pidfd = -1;
    struct clone_args args = {.flags = CLONE_PARENT | CLONE_PIDFD, .pidfd = (uint64_t) (uintptr_t) &pidfd};
    pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
    if (pid < 0)
        return make_err(err, errno, "start the init of the new pid namespace");
    if (pid == 0)
        return 0;
    cleanup_err err_t send_err = NULL;
    _exit(sync_send_init(l->child_sync_fd, pid, pidfd, &send_err) < 0 ? 1 : 0);
}

static int init_container(struct launch *l, err_t *err)
{
    struct oci_config *config = l->config;
    cleanup_free char *executable = NULL;
    char start_now = 0;

    if (sync_expect(l->child_sync_fd, SYNC_GO, NULL, 0, err) < 0)
        return -1;
    /* Until exec, no other process may look into this one (its
     * /proc/PID/exe is berth): exec makes it dumpable again. After GO, as
     * an ordinary user's parent had to write our uid_map first. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return make_err(err, errno, "make the process non-dumpable");
    /* Read before a cgroup namespace is joined, which would name the
     * cgroups relative to its root: the cgroup mount needs host paths. */
    cleanup_free char *self_cgroup = NULL;
    if (has_cgroup_mount(config) && read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &self_cgroup, NULL, err) < 0)
        return set_stage(err, "mounts");
    if (ns_join(&l->ns, err) < 0 || process_apply_early(config, err) < 0)
        return set_stage(err, "process");
    if ((l->ns.unshare_flags & CLONE_NEWPID) && hand_over_to_init(l, err) < 0)
        return set_stage(err, "process");
    if (((l->ns.clone_flags & CLONE_NEWUSER) || l->ns.join_fds[NS_USER] >= 0) &&
        (process_become_ns_root(err) < 0 || ns_unshare_late(&l->ns, err) < 0))
        return set_stage(err, "user namespace");
    mode_t inherited_umask = umask(0);
    if (mount_environment(l, self_cgroup, err) < 0)
        return set_stage(err, "mounts");
    if (run_create_hooks(l, err) < 0)
        return set_stage(err, "hooks");
    if (finish_environment(l, err) < 0)
        return set_stage(err, "mounts");
    if (config->process->terminal) {
        cleanup_close int master = -1;
        if (terminal_setup(config->process, true, &master, err) < 0 ||
            sync_send_fd(l->child_sync_fd, SYNC_CONSOLE, master, err) < 0)
            return set_stage(err, "terminal");
    }
    umask(config->process->user.has_umask ? config->process->user.umask : inherited_umask);
    process_set_home(config->process);
    /* seccomp as late as possible: right before exec with noNewPrivileges;
     * without it the load needs CAP_SYS_ADMIN, so before the user and
     * capabilities change; a notifying filter before READY, so that the
     * parent can hand its fd to the listener. */
    const struct seccomp_program *filter = l->seccomp;
    bool nnp = config->process->no_new_privileges;
    if (!l->opts->no_new_keyring && process_join_session_keyring(l->opts->id, err) < 0)
        return set_stage(err, "process");
    if (filter && !nnp && seccomp_load_in_child(filter, l->child_sync_fd, err) < 0)
        return -1;
    if (process_apply_user(config, err) < 0 ||
        process_verify_cwd(config->process, err) < 0)
        return set_stage(err, "process");
    if (filter && nnp && filter->notifies && seccomp_load_in_child(filter, l->child_sync_fd, err) < 0)
        return -1;
    if (!config->process_absent && process_find_executable(config->process, &executable, err) < 0)
        return set_stage(err, "exec");

    if (sync_send(l->child_sync_fd, SYNC_READY, NULL, 0, err) < 0 ||
        sync_expect(l->child_sync_fd, SYNC_ACK, &start_now, 1, err) < 0)
        return -1;
    if (!start_now && wait_for_start(l, err) < 0)
        return -1;
    if (config->process_absent) { /* runtime.md: start must fail */
        config_err(err, "process", "is not set, so there is nothing to start");
        return set_stage(err, "exec");
    }
    if (config->hooks[HOOK_START_CONTAINER].len) {
        cleanup_free char *state = launch_state_json(l, STATUS_CREATED, getpid());
        if (hooks_run(config, HOOK_START_CONTAINER, state, err) < 0)
            return set_stage(err, "hooks");
    }
    if (filter && nnp && !filter->notifies && seccomp_load_in_child(filter, l->child_sync_fd, err) < 0)
        return -1;
    process_exec(config->process, executable, l->preserve_fds, err);
    return set_stage(err, "exec");
}

_Noreturn void init_main(struct launch *l)
{
    err_t err = NULL;
    /* The container's lock and the parent's end of the socket belong to
     * the parent: holding copies would keep the lock held. */
    cleanup_closep(&l->sync_fd);
    cleanup_closep(&l->dir.fd);
    init_container(l, &err);
    /* After `start`, nobody listens on the socket any more: stderr is the
     * only place left to say why exec failed. */
    if (sync_send_error(l->child_sync_fd, err) < 0) {
        cleanup_free char *text = err_text(err);
        dprintf(STDERR_FILENO, "berth: %s\n", text);
    }
    _exit(err && (err->errnum == ENOENT) ? 127 : err && err->errnum == EACCES ? 126 : 1);
}
