/* Private to runtime/: shared between its files. */
#ifndef BERTH_RUNTIME_INTERNAL_H
#define BERTH_RUNTIME_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../cgroups/cgroups.h"
#include "../namespaces/namespaces.h"
#include "../spec/spec.h"
#include "runtime.h"

/* ---- the state store: ROOT/ID/ ------------------------------------------ */

#define STATE_FILE "state.json"
#define EXEC_FIFO "exec.fifo"

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
    SYNC_ERROR,   /* child → parent: errnum + "json_path\0message" */
    SYNC_MOUNTED, /* child → parent: mounts done, run prestart and createRuntime */
    SYNC_HOOKS_DONE, /* parent → child: those hooks ran: go on */
};

int sync_send(int fd, enum sync_type type, const void *data, size_t len, err_t *err);
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
    int exec_fifo;  /* create: read end the child blocks on; run: -1 */
    int sync_fd;    /* parent's end */
    int child_sync_fd;
    pid_t pid;
    int pidfd;
    char *created; /* RFC 3339, taken just before clone */
    struct container_state *state;
    bool pid_file_written;
};

/* Checks ID, bundle, config and rootfs, then makes the state dir. */
int launch_prepare(struct launch *l, const struct runtime_ctx *ctx, const struct create_opts *opts, err_t *err);
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
int process_apply_early(const struct oci_config *config, err_t *err); /* oom_score_adj, scheduling */
/* scheduler, ioPriority, personality, memoryPolicy */
int process_apply_scheduling(const struct oci_config *config, err_t *err);
int process_apply_user(const struct oci_config *config, const char *id, bool new_keyring, err_t *err);
int process_find_executable(const struct oci_process *process, char **path, err_t *err);
int process_verify_cwd(const struct oci_process *process, err_t *err);
void process_set_home(struct oci_process *process);
/* Only returns on failure. */
int process_exec(const struct oci_process *process, const char *path, int preserve_fds, err_t *err);

int caps_drop_bounding(const struct oci_capabilities *caps, err_t *err);
int caps_apply(const struct oci_capabilities *caps, err_t *err);

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

#endif
