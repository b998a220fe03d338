/* Private to runtime/: shared between its files. */
#ifndef BERTH_RUNTIME_INTERNAL_H
#define BERTH_RUNTIME_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/un.h>
#include <termios.h>

#include "../cgroups/cgroups.h"
#include "../namespaces/namespaces.h"
#include "../spec/spec.h"
#include "runtime.h"

/* ---- the state store: ROOT/ID/ ------------------------------------------ */

#define STATE_FILE "state.json"
/* Exists while the container is created: its process waits on it for
 * `start`, whose connection tells it when the process has exec'd. */
#define START_SOCKET "start.sock"

struct container_dir {
    int fd; /* ROOT/ID, holding the container's lock */
    char *id;
    char *path;
};

/* Makes ROOT/ID (an existing ID is refused) and locks it. */
int store_create(const struct runtime_ctx *ctx, const char *id, struct container_dir *dir, err_t *err);
/* Opens and locks ROOT/ID; exclusive for commands that change it. */
int store_open(const struct runtime_ctx *ctx, const char *id, bool exclusive, struct container_dir *dir, err_t *err);
bool store_exists(const struct runtime_ctx *ctx, const char *id);
void store_close(struct container_dir *dir);
int store_remove(struct container_dir *dir, err_t *err);
/* A unix socket address for a file in the container's dir, short whatever
 * the ID (through /proc/self/fd). */
void store_socket_address(const struct container_dir *dir, const char *name, struct sockaddr_un *addr);
int store_write_state(const struct container_dir *dir, const struct container_state *state, err_t *err);
/* *state is NULL while the container is still being created. */
int store_read_state(const struct container_dir *dir, struct container_state **state, err_t *err);
enum container_status store_status(const struct container_dir *dir, const struct container_state *state);
/* ID check, open, lock and read: what most commands start with. A
 * container still being created is an error. */
int container_open(const struct runtime_ctx *ctx, const char *id, bool exclusive, struct container_dir *dir,
                   struct container_state **state, err_t *err);
/* The container's cgroup (*cg NULL when it has none). */
int container_cgroup(const struct container_state *state, struct cgroup **cg, err_t *err);
bool container_oom_killed(const struct container_state *state);
void cleanup_container_dirp(struct container_dir *dir);
#define cleanup_container_dir __attribute__((cleanup(cleanup_container_dirp)))

/* ---- processes -------------------------------------------------------------- */

/* Start time (field 22 of /proc/PID/stat) and state letter. */
int proc_stat(pid_t pid, unsigned long long *start_time, char *state);
/* The container's init, if it is still the process the state names. */
bool container_alive(const struct container_state *state);
/* A pidfd for the container's init, checked against pid reuse; -1 with
 * ESRCH when it is gone. */
int container_pidfd(const struct container_state *state, err_t *err);
/* Waits (bounded) until the process behind pidfd has exited. */
int pidfd_wait_exit(int pidfd, int timeout_ms, err_t *err);

/* ---- parent/child sync ------------------------------------------------------ */

enum sync_type {
    SYNC_GO = 1,  /* parent → child: ID maps written, cgroup joined: go on */
    SYNC_READY,   /* child → parent: everything set up, waiting to exec */
    SYNC_ACK,     /* parent → child: state recorded; payload: start now? */
    SYNC_ERROR,   /* child → parent: errnum + "json_path\0stage\0message" */
    SYNC_MOUNTED, /* child → parent: mounts done, run prestart and createRuntime */
    SYNC_HOOKS_DONE, /* parent → child: those hooks ran: go on */
    SYNC_CONSOLE,    /* child → parent: the pty master, by SCM_RIGHTS */
    SYNC_INIT,       /* child → parent: the pid and pidfd of the init that takes its place */
};

int sync_send(int fd, enum sync_type type, const void *data, size_t len, err_t *err);
int sync_send_fd(int fd, enum sync_type type, int passfd, err_t *err);
int sync_send_init(int fd, pid_t pid, int pidfd, err_t *err);
int sync_expect_init(int fd, pid_t *pid, int *pidfd, err_t *err);
/* The expected message with the fd it carries (close-on-exec). */
int sync_expect_fd(int fd, enum sync_type type, int *passfd, err_t *err);
int sync_send_error(int fd, const err_t error);
/* Receives the expected message; an ERROR message becomes *err, as does
 * EOF (the child died). Returns the payload length. */
ssize_t sync_expect(int fd, enum sync_type type, void *data, size_t cap, err_t *err);
/* Returns once the child's end is closed by its exec, or with the error
 * it sent when exec failed. */
int sync_wait_exec(int fd, err_t *err);

/* ---- launch: from config.json to a waiting container process ------------- */

struct launch {
    const struct runtime_ctx *ctx;
    const struct create_opts *opts;
    struct oci_config *config;
    char *bundle;
    char *rootfs;
    struct container_dir dir;
    char *config_json; /* config.json as read, kept in the state dir */
    size_t config_json_len;
    struct cgroup *cgroup;
    struct ns_plan ns;
    int *prepared_mounts; /* idmapped mounts by index, -1 elsewhere; NULL: none */
    struct seccomp_program *seccomp; /* compiled before clone; NULL: none */
    int rootfs_overlay; /* layered rootfs: the detached overlay, else -1 */
    int preserve_fds; /* --preserve-fds plus socket-activation fds */
    int start_listener; /* create: the child accepts `start` on it; run: -1 */
    int console;    /* run without --console-socket: the pty master to relay */
    int sync_fd;    /* parent's end */
    int child_sync_fd;
    pid_t pid;
    int pidfd;
    char *created; /* RFC 3339, taken just before clone */
    struct container_state *state;
    bool pid_file_written;
    bool poststop_due; /* create-time hooks may have run: a teardown owes poststop */
};

/* Checks ID, bundle, config and rootfs, then makes the state dir.
 * foreground: `run` without --detach, which can relay a terminal. */
int launch_prepare(struct launch *l, const struct runtime_ctx *ctx, const struct create_opts *opts, bool foreground,
                   err_t *err);
/* Everything up to a container process that waits before exec; on error
 * nothing is left behind. start_now: no exec fifo, the child execs at once
 * (run), and the call returns once it has. */
int launch_container(struct launch *l, bool start_now, err_t *err);
/* The state document hooks get on stdin, built from the launch (in the
 * parent or the child). */
char *launch_state_json(const struct launch *l, enum container_status status, pid_t pid);
/* Undoes a failed or finished launch: process, cgroup, state dir. */
void launch_destroy(struct launch *l);
void launch_free(struct launch *l);

/* ---- the container's init (child side) --------------------------------------- */

/* Runs in the cloned child: sets up the container and execs; never returns. */
_Noreturn void init_main(struct launch *l);

/* Process attributes of config.md, applied in the child. */
int process_apply_early(const struct oci_config *config, err_t *err); /* scheduling */
int process_set_oom_score_adj(pid_t pid, const struct oci_process *process, err_t *err);
int process_become_ns_root(err_t *err);
/* scheduler, ioPriority, personality, memoryPolicy */
int process_apply_scheduling(const struct oci_config *config, err_t *err);
/* "0-3,7" as this process's CPU affinity (execCPUAffinity). */
int set_cpu_affinity(const char *list, const char *json_path, err_t *err);
int process_apply_user(const struct oci_config *config, err_t *err);
/* Before the seccomp filter, which may well deny keyctl. */
int process_join_session_keyring(const char *id, err_t *err);
int process_find_executable(const struct oci_process *process, char **path, err_t *err);
int process_verify_cwd(const struct oci_process *process, err_t *err);
void process_set_home(struct oci_process *process);
/* systemd socket activation, as runc: with LISTEN_FDS=N (and LISTEN_PID
 * ours) in berth's environment, fds 3.. 3+N-1 go to the container with
 * LISTEN_FDS=N and LISTEN_PID=1 in its env. Returns N. */
int process_socket_activation(struct oci_process *process);
/* Only returns on failure. */
int process_exec(const struct oci_process *process, const char *path, int preserve_fds, err_t *err);

int caps_drop_bounding(const struct oci_capabilities *caps, err_t *err);
int caps_apply(const struct oci_capabilities *caps, err_t *err);

/* ---- terminal ------------------------------------------------------------------ */

/* In the container: the pty, controlling terminal, stdio (and for the
 * init /dev/console). */
int terminal_setup(const struct oci_process *process, bool bind_console, int *master, err_t *err);
int terminal_send_to_socket(const char *path, int master, err_t *err);

struct terminal_relay {
    int master;
    bool stdin_open;
    bool raw;
    struct termios saved;
};
int terminal_relay_start(struct terminal_relay *r, int master, err_t *err);
void terminal_relay_resize(const struct terminal_relay *r);
/* Moves what poll reported ready: stdin → pty, pty → stdout. */
void terminal_relay_io(struct terminal_relay *r, const struct pollfd *in, const struct pollfd *out);
void terminal_relay_stop(struct terminal_relay *r);

/* Until our child exits: every signal berth gets goes to it (SIGWINCH
 * resizes its terminal instead), and its terminal, if any, is relayed.
 * *exit_status: its exit code or 128 + signal. */
int wait_child(pid_t child, int pidfd, int sigfd, struct terminal_relay *tty, int *exit_status, err_t *err);

/* ---- user namespaces -------------------------------------------------------------- */

/* Parent, after clone: uid_map and gid_map of the child's new user
 * namespace (newuidmap/newgidmap for ranges an ordinary user may not
 * write itself). */
int idmap_write(pid_t pid, const struct oci_linux *linux_config, err_t *err);
/* Parent, before clone: the idmapped mounts, as detached mount fds in
 * l->prepared_mounts (by mount index) for the init to attach. */
int idmapped_mounts_prepare(struct launch *l, err_t *err);
void idmapped_mounts_close(struct launch *l);
/* A container ID through the mapping to the host's. */
bool idmap_to_host(const struct oci_id_mapping *m, size_t len, uint32_t id, uint32_t *host);

/* ---- layered rootfs --------------------------------------------------------------- */

/* --layer or the org.berth.rootfs.lower annotation: the rootfs is layers. */
bool layers_requested(const struct launch *l);
/* Parent, the state dir made: the overlay as a detached mount in
 * l->rootfs_overlay, and l->rootfs its mount point ROOT/ID/rootfs. */
int layers_prepare(struct launch *l, err_t *err);
/* config.json mounts of type overlay: layer paths against the bundle. */
void layers_resolve_overlay_mounts(struct oci_config *config, const char *bundle);

/* ---- network devices ----------------------------------------------------------- */

/* Parent, after clone: linux.netDevices into the container's netns. */
int netdevices_attach(struct launch *l, err_t *err);
/* delete (or a failed create): back to the host; nothing when none moved. */
int netdevices_release(const struct container_dir *dir, err_t *err);

/* ---- hooks ------------------------------------------------------------------- */

/* Runs the hooks of one kind in order, each with state_json on stdin; the
 * first failure (exit status, signal, timeout) is the error. */
int hooks_run(const struct oci_config *config, enum oci_hook_kind kind, const char *state_json, err_t *err);
/* poststop: every hook runs; a failure is a warning (runtime.md). */
void hooks_run_warning_only(const struct oci_config *config, enum oci_hook_kind kind, const char *state_json);
/* poststart and poststop need config.json after create: the copy in the
 * state dir. */
int store_read_config(const struct container_dir *dir, struct oci_config **config, err_t *err);

/* Known settings berth cannot apply yet, or not on this host: an error
 * naming each, never silently ignored. */
int check_supported(const struct oci_config *config, err_t *err);

/* Cleans up a stopped container: leftover processes, cgroup, state. */
int container_destroy(struct container_dir *dir, const struct container_state *state, err_t *err);

/* ---- seccomp ---------------------------------------------------------------- */

/* linux.seccomp, compiled once in the parent before clone (libseccomp builds
 * the filter and exports it as classic BPF) and loaded in the container's
 * init with a single seccomp(2) call, as late as possible before execve.
 *
 * Loading needs noNewPrivileges or CAP_SYS_ADMIN: with noNewPrivileges,
 * set PR_SET_NO_NEW_PRIVS and load right before execve; without it, load
 * while the process still has CAP_SYS_ADMIN (before the capabilities are
 * dropped and the user is changed). */
struct sock_filter;
struct seccomp_program {
    struct sock_filter *filter;
    unsigned short len;  /* instructions */
    unsigned int flags;  /* SECCOMP_FILTER_FLAG_*, NEW_LISTENER when a rule notifies */
    bool notifies;       /* the load returns a listener fd */
};

/* Checks everything the kernel and libseccomp decide (flags, architectures,
 * actions, rules) so that the load cannot fail for a config reason. A
 * syscall name libseccomp does not know is skipped with a warning. */
int seccomp_compile(const struct oci_seccomp *s, struct seccomp_program **out, err_t *err);
/* The same through a cache of compiled programs in cache_dirfd (a
 * directory only root can write, e.g. ROOT/seccomp-cache): Docker's
 * profile takes ~100 ms to compile on x86_64, a hit well under 1 ms. A
 * cache that cannot be written only costs the speed. */
int seccomp_compile_cached(const struct oci_seccomp *s, int cache_dirfd, struct seccomp_program **out, err_t *err);
/* The warning seccomp_compile gives for each syscall name libseccomp does
 * not know (the rule skips it). */
void seccomp_warn_unknown_names(const struct oci_seccomp *s);
/* One seccomp(2) call, no allocation unless it fails. *notify_fd is the
 * listener fd (close-on-exec) when p->notifies, else -1. (Not named
 * seccomp_load: libseccomp has one.) */
int seccomp_program_load(const struct seccomp_program *p, int *notify_fd, err_t *err);
void seccomp_program_free(struct seccomp_program *p);
void cleanup_seccomp_programp(struct seccomp_program **p);
#define cleanup_seccomp_program __attribute__((cleanup(cleanup_seccomp_programp)))

/* Some rule uses SCMP_ACT_NOTIFY (listenerPath is ignored otherwise). */
bool seccomp_uses_notify(const struct oci_seccomp *s);
/* Sends the container process state (config-linux.md) with notify_fd
 * attached to linux.seccomp.listenerPath: one message, then close. Does
 * nothing when no rule notifies. state_json: the OCI state of the
 * container; pid: its init process. */
int seccomp_send_to_listener(const struct oci_seccomp *s, int notify_fd, pid_t pid, const char *state_json,
                             err_t *err);

/* linux.seccomp compiled for a launch (through ROOT/.seccomp-cache); *out
 * NULL without one. */
int seccomp_prepare(const struct runtime_ctx *ctx, const struct oci_config *config, struct seccomp_program **out,
                    err_t *err);
/* In the container's process: the load, and for a notifying filter the
 * fd's number to the parent, whose verdict it waits for. */
int seccomp_load_in_child(const struct seccomp_program *p, int sync_fd, err_t *err);
/* The parent's half: the notify fd (pidfd_getfd) to the listener. */
int seccomp_forward_notify_fd(const struct oci_seccomp *s, int sync_fd, int pidfd, pid_t pid, const char *state_json,
                              err_t *err);

/* The kernel has seccomp filters at all. */
bool seccomp_filters_available(void);
/* The SECCOMP_FILTER_FLAG_* bits this kernel accepts (probed once). */
unsigned int seccomp_supported_flags(void);
/* linux.seccomp.flags as kernel bits; a flag outside `supported` is an
 * error naming it. */
int seccomp_config_flags(const struct oci_seccomp *s, unsigned int supported, unsigned int *flags, err_t *err);

#endif
