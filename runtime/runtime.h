/* runtime: the container lifecycle of runtime.md (create, start, run,
 * state, kill, delete, list), the process launch and the init sequence.
 * This is what cmd/ calls; it never prints. */
#ifndef BERTH_RUNTIME_H
#define BERTH_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../util/util.h"

#define DEFAULT_STATE_ROOT "/run/berth"

/* Global options, shared by every command. */
struct runtime_ctx {
    const char *root; /* state root, e.g. /run/berth */
    bool systemd_cgroup;
};

struct create_opts {
    const char *id;
    const char *bundle; /* NULL: the current directory */
    const char *pid_file;
    const char *console_socket;
    int preserve_fds;
    bool no_pivot;
    bool no_new_keyring;
    bool detach; /* run only */
    char **layers; /* --layer: the rootfs as these layers, top first */
    size_t layers_len;
    const char *upper; /* --upper: a persistent upper layer */
};

/* Before a command puts a process into a container: re-execs berth from a
 * sealed memfd copy of itself (CVE-2019-5736), unless it runs from one
 * already. Only returns on failure, or when already protected (0). */
int protect_binary(char **argv, err_t *err);

/* Every ID is checked before anything touches the disk. */
int container_id_check(const char *id, err_t *err);

int container_create(const struct runtime_ctx *ctx, const struct create_opts *opts, err_t *err);
int container_start(const struct runtime_ctx *ctx, const char *id, err_t *err);
struct run_result {
    int exit_status; /* the container's exit code, or 128 + signal */
    bool oom_killed;
    uint64_t memory_limit; /* bytes; UINT64_MAX when unlimited */
    uint64_t memory_peak;
};
/* create + start + wait. With opts->detach it returns once the process
 * runs. */
int container_run(const struct runtime_ctx *ctx, const struct create_opts *opts, struct run_result *result,
                  err_t *err);
/* The OCI state JSON (plus runc's rootfs, created, owner). */
int container_state_json(const struct runtime_ctx *ctx, const char *id, char **json, err_t *err);
int container_kill(const struct runtime_ctx *ctx, const char *id, int signal, bool all, err_t *err);
int container_delete(const struct runtime_ctx *ctx, const char *id, bool force, err_t *err);
int container_pause(const struct runtime_ctx *ctx, const char *id, err_t *err);
int container_resume(const struct runtime_ctx *ctx, const char *id, err_t *err);
/* Every process of the container (host pids), sorted. */
int container_pids(const struct runtime_ctx *ctx, const char *id, pid_t **pids, size_t *len, err_t *err);

/* update: runc's flags by name ("memory", "cpu-quota", ...) with their
 * values as given, or a whole linux.resources document, which then wins. */
struct update_flag {
    const char *name;
    const char *value;
};
struct update_opts {
    const char *resources_json;
    struct update_flag *flags;
    size_t flags_len;
};
/* The flag names update understands, NULL-terminated. */
const char *const *update_flag_names(void);
int container_update(const struct runtime_ctx *ctx, const char *id, const struct update_opts *opts, err_t *err);

/* events: JSON lines as runc prints them ({"type":"stats"|"oom",...}).
 * once: one stats event and return; else stats every interval_ms and an
 * event per OOM kill, until the container stops. */
typedef int (*event_sink)(const char *json, void *data);
int container_events(const struct runtime_ctx *ctx, const char *id, bool once, unsigned interval_ms,
                     event_sink sink, void *data, err_t *err);

struct container_summary {
    char *id;
    int pid; /* 0 when stopped */
    const char *status;
    char *bundle;
    char *created;
    char *owner;
    char *state_json; /* the same document `state` prints */
};
int container_list(const struct runtime_ctx *ctx, struct container_summary **list, size_t *len, err_t *err);
void container_list_free(struct container_summary *list, size_t len);

/* exec: --process FILE's contents, or the container's process with args
 * and runc's flags applied. */
struct exec_opts {
    const char *id;
    const char *process_json;
    char **args;
    bool detach;
    bool tty;
    const char *pid_file;
    const char *console_socket;
    const char *cwd;
    char **env;             /* "K=V", NULL-terminated */
    const char *user;       /* "uid[:gid]" */
    char **additional_gids; /* NULL-terminated */
    char **caps;            /* NULL-terminated */
    bool no_new_privs;
    bool ignore_paused;
    int preserve_fds;
};
/* Runs a process in the container; without detach, waits for it and
 * gives its exit status (or 128 + signal). */
int container_exec(const struct runtime_ctx *ctx, const struct exec_opts *opts, int *exit_status, err_t *err);

/* "KILL", "SIGKILL", "9" → SIGKILL. */
int signal_parse(const char *name, int *signal, err_t *err);

/* The features document of features.md: only what berth really does. */
char *runtime_features_json(void);

/* `berth spec`: the default config.json, as runc writes it; seccomp adds
 * the default profile (Docker's and Podman's allow-list). */
char *runtime_default_spec(bool rootless, bool seccomp);

#endif
