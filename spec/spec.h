/* spec: config.json and state.json as typed C structs.
 *
 * The whole runtime-spec v1.3 Linux config is read and kept here, including
 * what later features apply, so a new feature is a change in one place.
 * yajl stays behind this header: nothing outside spec/ includes it.
 *
 * Conventions: an absent string is NULL; an absent object is a NULL pointer;
 * an optional scalar has a has_<name> flag; arrays are <name> + <name>_len;
 * string arrays are also NULL-terminated (ready for execve). */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

#define OCI_VERSION "1.3.0"
#define OCI_VERSION_MIN "1.0.0"
#define CONFIG_MAX_SIZE (4u << 20)

/* A string→string map, in file order. */
struct oci_map_entry {
    char *key;
    char *value;
};
struct oci_map {
    struct oci_map_entry *entries;
    size_t len;
};
const char *oci_map_get(const struct oci_map *map, const char *key);

struct oci_id_mapping {
    uint32_t container_id;
    uint32_t host_id;
    uint32_t size;
};

/* ---- root, mounts ------------------------------------------------------ */

struct oci_root {
    char *path; /* as written; relative to the bundle unless absolute */
    bool readonly;
};

struct oci_mount {
    char *destination;
    char *source;
    char *type;
    char **options;
    size_t options_len;
    struct oci_id_mapping *uid_mappings;
    size_t uid_mappings_len;
    struct oci_id_mapping *gid_mappings;
    size_t gid_mappings_len;
};

/* ---- process ----------------------------------------------------------- */

struct oci_rlimit {
    char *type;   /* "RLIMIT_NOFILE" */
    int resource; /* RLIMIT_NOFILE, resolved by validation */
    uint64_t soft;
    uint64_t hard;
};

/* An absent set is empty, and so is every set when the capabilities
 * object is absent (as runc does). */
struct oci_capabilities {
    char **bounding;
    size_t bounding_len;
    char **effective;
    size_t effective_len;
    char **inheritable;
    size_t inheritable_len;
    char **permitted;
    size_t permitted_len;
    char **ambient;
    size_t ambient_len;
};

struct oci_user {
    uint32_t uid;
    uint32_t gid;
    bool has_umask;
    uint32_t umask;
    uint32_t *additional_gids;
    size_t additional_gids_len;
};

struct oci_scheduler {
    char *policy; /* SCHED_OTHER, SCHED_FIFO, ... */
    int32_t nice;
    int32_t priority;
    char **flags;
    size_t flags_len;
    uint64_t runtime;
    uint64_t deadline;
    uint64_t period;
};

struct oci_io_priority {
    char *class_name; /* IOPRIO_CLASS_RT, _BE, _IDLE */
    int32_t priority;
};

struct oci_cpu_affinity {
    char *initial;
    char *final;
};

struct oci_process {
    bool terminal;
    bool has_console_size;
    uint32_t console_height;
    uint32_t console_width;
    char *cwd;
    char **args;
    size_t args_len;
    char **env;
    size_t env_len;
    struct oci_user user;
    struct oci_rlimit *rlimits;
    size_t rlimits_len;
    struct oci_capabilities *capabilities;
    bool no_new_privileges;
    bool has_oom_score_adj;
    int oom_score_adj;
    char *apparmor_profile;
    char *selinux_label;
    struct oci_scheduler *scheduler;
    struct oci_io_priority *io_priority;
    struct oci_cpu_affinity *exec_cpu_affinity;
};

/* ---- hooks ------------------------------------------------------------- */

enum oci_hook_kind {
    HOOK_PRESTART,
    HOOK_CREATE_RUNTIME,
    HOOK_CREATE_CONTAINER,
    HOOK_START_CONTAINER,
    HOOK_POSTSTART,
    HOOK_POSTSTOP,
    HOOK_KINDS
};
extern const char *const oci_hook_names[HOOK_KINDS]; /* "prestart", ... */

struct oci_hook {
    char *path;
    char **args;
    size_t args_len;
    char **env;
    size_t env_len;
    bool has_timeout;
    int timeout; /* seconds, > 0 */
};

struct oci_hook_list {
    struct oci_hook *hooks;
    size_t len;
};

/* ---- linux: namespaces, devices, ---------------------------------------- */

enum oci_ns_type { NS_PID, NS_NETWORK, NS_MOUNT, NS_IPC, NS_UTS, NS_USER, NS_CGROUP, NS_TIME, NS_TYPES };
extern const char *const oci_ns_names[NS_TYPES]; /* "pid", "network", ... */

struct oci_namespace {
    enum oci_ns_type type;
    char *path; /* NULL: create a new one */
};

struct oci_time_offset {
    bool set;
    int64_t secs;
    uint32_t nanosecs;
};

struct oci_device {
    char type; /* 'c', 'b', 'u' or 'p' */
    char *path;
    int64_t major;
    int64_t minor;
    bool has_file_mode;
    uint32_t file_mode;
    bool has_uid;
    uint32_t uid;
    bool has_gid;
    uint32_t gid;
};

/* ---- linux.resources --------------------------------------------------- */

struct oci_device_rule {
    bool allow;
    char type;     /* 'a' when absent */
    int64_t major; /* -1: any */
    int64_t minor; /* -1: any */
    char *access;  /* NULL: "rwm" */
};

struct oci_memory {
    bool has_limit;
    int64_t limit;
    bool has_reservation;
    int64_t reservation;
    bool has_swap;
    int64_t swap;
    bool has_kernel;
    int64_t kernel;
    bool has_kernel_tcp;
    int64_t kernel_tcp;
    bool has_swappiness;
    uint64_t swappiness;
    bool has_disable_oom_killer;
    bool disable_oom_killer;
    bool has_use_hierarchy;
    bool use_hierarchy;
    bool has_check_before_update;
    bool check_before_update;
};

struct oci_cpu {
    bool has_shares;
    uint64_t shares;
    bool has_quota;
    int64_t quota;
    bool has_burst;
    uint64_t burst;
    bool has_period;
    uint64_t period;
    bool has_realtime_runtime;
    int64_t realtime_runtime;
    bool has_realtime_period;
    uint64_t realtime_period;
    char *cpus;
    char *mems;
    bool has_idle;
    int64_t idle;
};

struct oci_weight_device {
    int64_t major;
    int64_t minor;
    bool has_weight;
    uint16_t weight;
    bool has_leaf_weight;
    uint16_t leaf_weight;
};

struct oci_throttle_device {
    int64_t major;
    int64_t minor;
    uint64_t rate;
};

struct oci_throttle_list {
    struct oci_throttle_device *devices;
    size_t len;
};

enum oci_throttle_kind { THROTTLE_READ_BPS, THROTTLE_WRITE_BPS, THROTTLE_READ_IOPS, THROTTLE_WRITE_IOPS, THROTTLE_KINDS };
extern const char *const oci_throttle_names[THROTTLE_KINDS]; /* "throttleReadBpsDevice", ... */

struct oci_block_io {
    bool has_weight;
    uint16_t weight;
    bool has_leaf_weight;
    uint16_t leaf_weight;
    struct oci_weight_device *weight_devices;
    size_t weight_devices_len;
    struct oci_throttle_list throttle[THROTTLE_KINDS];
};

struct oci_hugepage_limit {
    char *page_size; /* "2MB" */
    uint64_t limit;
};

struct oci_net_priority {
    char *name;
    uint32_t priority;
};

struct oci_network {
    bool has_class_id;
    uint32_t class_id;
    struct oci_net_priority *priorities;
    size_t priorities_len;
};

struct oci_pids {
    bool has_limit; /* optional since 1.3 */
    int64_t limit;
};

struct oci_rdma_limit {
    char *device;
    bool has_hca_handles;
    uint32_t hca_handles;
    bool has_hca_objects;
    uint32_t hca_objects;
};

struct oci_resources {
    struct oci_device_rule *devices;
    size_t devices_len;
    struct oci_memory *memory;
    struct oci_cpu *cpu;
    struct oci_block_io *block_io;
    struct oci_hugepage_limit *hugepage_limits;
    size_t hugepage_limits_len;
    struct oci_network *network;
    struct oci_pids *pids;
    struct oci_rdma_limit *rdma;
    size_t rdma_len;
    bool has_unified;
    struct oci_map unified;
};

/* ---- linux.seccomp ----------------------------------------------------- */

struct oci_syscall_arg {
    uint32_t index;
    uint64_t value;
    uint64_t value_two;
    char *op; /* SCMP_CMP_* */
};

struct oci_syscall {
    char **names;
    size_t names_len;
    char *action; /* SCMP_ACT_* */
    bool has_errno_ret;
    uint32_t errno_ret;
    struct oci_syscall_arg *args;
    size_t args_len;
};

struct oci_seccomp {
    char *default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    char **architectures;
    size_t architectures_len;
    char **flags;
    size_t flags_len;
    char *listener_path;
    char *listener_metadata;
    struct oci_syscall *syscalls;
    size_t syscalls_len;
};

/* ---- linux: the rest ---------------------------------------------------- */

struct oci_intel_rdt {
    char *clos_id;
    char *l3_cache_schema;
    char *mem_bw_schema;
    char **schemata;
    size_t schemata_len;
    bool enable_monitoring;
};

struct oci_personality {
    char *domain; /* LINUX or LINUX32 */
    char **flags;
    size_t flags_len;
};

struct oci_memory_policy {
    char *mode; /* MPOL_* */
    char *nodes;
    char **flags;
    size_t flags_len;
};

struct oci_net_device {
    char *host_name; /* the key: the interface in the runtime's netns */
    char *name;      /* NULL: keep host_name */
};

struct oci_linux {
    struct oci_namespace *namespaces;
    size_t namespaces_len;
    struct oci_id_mapping *uid_mappings;
    size_t uid_mappings_len;
    struct oci_id_mapping *gid_mappings;
    size_t gid_mappings_len;
    struct oci_time_offset monotonic_offset;
    struct oci_time_offset boottime_offset;
    struct oci_device *devices;
    size_t devices_len;
    char *cgroups_path;
    struct oci_resources *resources;
    char *rootfs_propagation; /* shared, slave, private, unbindable */
    struct oci_seccomp *seccomp;
    bool has_sysctl;
    struct oci_map sysctl;
    char **masked_paths;
    size_t masked_paths_len;
    char **readonly_paths;
    size_t readonly_paths_len;
    char *mount_label;
    struct oci_intel_rdt *intel_rdt;
    struct oci_personality *personality;
    struct oci_memory_policy *memory_policy;
    struct oci_net_device *net_devices;
    size_t net_devices_len;
};

/* ---- the whole config ---------------------------------------------------- */

struct oci_config {
    char *oci_version;
    struct oci_root *root;
    struct oci_mount *mounts;
    size_t mounts_len;
    struct oci_process *process;
    bool process_absent; /* none in config.json (config.md: needed only by start):
                          * validation puts an empty one in, root in "/" */
    char *hostname;
    char *domainname;
    struct oci_hook_list hooks[HOOK_KINDS];
    bool has_hooks;
    struct oci_map annotations;
    struct oci_linux *linux_config;
};

/* Parses config.json text (syntax and types only; an unknown property is
 * ignored with a debug log line naming it). Errors carry the JSON path,
 * or line and column for invalid JSON. */
int spec_parse_config(const char *json, size_t len, struct oci_config **out, err_t *err);
/* Reads <bundle>/config.json (at most CONFIG_MAX_SIZE), parses and
 * validates it. The raw text is returned in *raw when raw is not NULL. */
int spec_load_config(const char *bundle, struct oci_config **out, char **raw, size_t *raw_len, err_t *err);
/* Semantic checks: required fields, ranges, enums, absolute paths,
 * duplicates. Every error names the JSON path. */
int spec_validate_config(struct oci_config *config, err_t *err);
void spec_free_config(struct oci_config *config);
/* A linux.resources object alone (`berth update --resources`), parsed and
 * validated; errors name "resources: linux.resources.<member>". */
int spec_parse_resources(const char *json, size_t len, struct oci_resources **out, err_t *err);
void spec_free_resources(struct oci_resources *resources);
/* A process object alone (`berth exec --process FILE`), parsed and
 * validated; errors name the file ("process.json: args: ..."). */
int spec_parse_process(const char *json, size_t len, const char *name, struct oci_process **out, err_t *err);
void spec_free_process(struct oci_process *process);
void cleanup_configp(struct oci_config **config);
#define cleanup_config __attribute__((cleanup(cleanup_configp)))

bool oci_has_namespace(const struct oci_config *config, enum oci_ns_type type);
const struct oci_namespace *oci_find_namespace(const struct oci_config *config, enum oci_ns_type type);

/* `berth spec`: the default config.json, as runc writes it. */
enum default_spec_kind { DEFAULT_SPEC, DEFAULT_SPEC_ROOTLESS };
/* seccomp: with linux.seccomp, the default profile (--seccomp-default). */
char *spec_default_config(enum default_spec_kind kind, bool seccomp);
/* `berth spec --seccomp-default`: the linux.seccomp object (JSON text, tab
 * indented): Docker's default profile for the build architecture and the
 * capabilities of the default config, with Podman's ENOSYS for syscalls it
 * does not know. */
char *spec_default_seccomp_profile(void);

/* ---- state.json --------------------------------------------------------- */

enum container_status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED, STATUS_STOPPED };
extern const char *const container_status_names[]; /* "creating", ... */

/* What berth keeps in ROOT/ID/state.json: the OCI state plus runc's extras
 * and what later commands need without re-reading config.json. */
struct container_state {
    char *id;
    int pid;                     /* container init, in berth's pid namespace */
    unsigned long long start_time; /* /proc/PID/stat field 22, guards against pid reuse */
    char *bundle;
    char *rootfs;
    char *created;  /* RFC 3339 */
    uint32_t owner; /* uid that created it */
    char *owner_name; /* not stored: `list` shows it, `state` prints "" as runc */
    char *cgroup_path; /* the resolved cgroupsPath, "" when none */
    bool own_pid_ns;   /* the container has a private pid namespace */
    bool oom_killed;
    uint32_t hook_kinds; /* bit (1 << HOOK_x) for each kind config.json has */
    struct oci_map annotations;
};

/* The OCI state document as `berth state` prints it; with_private_fields
 * adds what only berth reads back (start time, cgroup path, ...). */
char *spec_state_to_json(const struct container_state *state, enum container_status status, bool with_private_fields);
int spec_state_from_json(const char *json, size_t len, struct container_state **out, err_t *err);
void spec_free_state(struct container_state *state);
void cleanup_statep(struct container_state **state);
#define cleanup_state __attribute__((cleanup(cleanup_statep)))

#endif
