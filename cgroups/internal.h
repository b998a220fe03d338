/* cgroups/internal.h: what the files of cgroups/ share; nothing outside
 * this folder includes it (the unit tests may). */
#ifndef BERTH_CGROUPS_INTERNAL_H
#define BERTH_CGROUPS_INTERNAL_H

#include "cgroups.h"

#define CGROUP_MOUNT_ROOT "/sys/fs/cgroup"
/* How long destroy waits for exiting processes, and freeze for the kernel. */
#define CGROUP_DESTROY_WAIT_MS 1000
#define CGROUP_FREEZE_WAIT_MS 5000

/* One hierarchy the container lives in: a v1 hierarchy (one or more
 * controllers, or a named one such as name=systemd) or a cgroup2 mount. */
struct cg_hierarchy {
    bool v2;
    char *controllers; /* v1: "cpu,cpuacct" or "name=systemd"; v2: "" */
    char *mount;       /* where it is mounted: /sys/fs/cgroup/memory */
    char *own;         /* our own cgroup below mount ("/a/b"); only during create */
    char *path;        /* the container cgroup below mount: "/a/b/id" */
    bool kept;         /* it existed before the container: delete leaves it */
};

/* What differs between a v2 host and a v1 (legacy or hybrid) host. */
struct cgroup_ops {
    /* Checks that need no directory, run before anything is created. */
    int (*check)(const struct cgroup *cg, const struct oci_resources *r, err_t *err);
    int (*apply)(const struct cgroup *cg, const struct oci_resources *r, bool update, err_t *err);
    int (*freeze)(const struct cgroup *cg, bool frozen, err_t *err);
    int (*is_frozen)(const struct cgroup *cg, bool *frozen, err_t *err);
    int (*oom_fd)(const struct cgroup *cg, err_t *err);
    int (*oom_kills)(const struct cgroup *cg, uint64_t *count, err_t *err);
    int (*stats)(const struct cgroup *cg, struct cgroup_stats *stats, err_t *err);
};

extern const struct cgroup_ops cg_v1_ops;
extern const struct cgroup_ops cg_v2_ops;

struct cgroup {
    enum cgroup_mode mode;
    const struct cgroup_ops *ops;
    struct cg_hierarchy *hier;
    size_t n_hier;
    /* An ordinary user (a delegated subtree) can neither load the device
     * program nor write devices.allow; in its user namespace the container
     * cannot mknod either: no device rules, as runc does rootless. */
    bool no_device_rules;
};

/* ---- discovery (mode.c) and paths (path.c) ---------------------------- */

/* A cgroup with the host's hierarchies and our own cgroup in each, but no
 * container path yet. */
int cg_discover(struct cgroup **out, err_t *err);
struct cgroup *cg_alloc(enum cgroup_mode mode);
struct cg_hierarchy *cg_add_hierarchy(struct cgroup *cg);
const char *cg_mode_name(enum cgroup_mode mode);
bool cg_mode_from_name(const char *name, enum cgroup_mode *mode);
/* Fills every hierarchy's path from the cgroupsPath (or the default). */
int cg_resolve_path(struct cgroup *cg, const struct cgroup_create_opts *opts, err_t *err);
/* True when a relative cgroup path is safe: no "..", no control characters. */
bool cg_path_is_safe(const char *path);

/* ---- lookups ------------------------------------------------------------ */

/* The v1 hierarchy holding a controller ("memory"), or NULL. */
const struct cg_hierarchy *cg_v1_hierarchy(const struct cgroup *cg, const char *controller);
/* The cgroup2 hierarchy (unified host, or the hybrid host's extra mount). */
const struct cg_hierarchy *cg_v2_hierarchy(const struct cgroup *cg);
bool cg_has_controller_list(const char *list, const char *controller);

/* ---- files (files.c) ---------------------------------------------------- */

char *cg_dir_path(const struct cg_hierarchy *h);
int cg_open_dir(const struct cg_hierarchy *h, err_t *err);
bool cg_file_exists(int dirfd, const char *file);
/* Writes value to file; the error names the file and the kernel's errno. */
int cg_write(int dirfd, const char *file, const char *value, err_t *err);
/* The same, for a value from config.json: the error names its JSON path. */
int cg_set(int dirfd, const char *file, const char *value, const char *json_path, err_t *err);
/* linux.resources.rdma as lines of rdma.max, the same file in v1 and v2. */
int cg_set_rdma(int dirfd, const struct oci_resources *r, err_t *err);
/* The file's text with trailing newlines removed. */
int cg_read(int dirfd, const char *file, char **out, err_t *err);
/* A number, or "max" as UINT64_MAX. */
int cg_read_u64(int dirfd, const char *file, uint64_t *out, err_t *err);
/* The value of "key value" in a flat keyed file (cpu.stat, memory.events);
 * a missing key reads as 0. */
int cg_read_keyed(int dirfd, const char *file, const char *key, uint64_t *out, err_t *err);
/* The value of key in text made of "key value" lines; false if absent. */
bool cg_keyed_value(const char *text, const char *key, uint64_t *out);
/* The value of key in "k1=v1 k2=v2" text (a line of io.stat). */
bool cg_keyed_pairs(const char *text, const char *key, uint64_t *out);
void cg_sleep_ms(long ms);
/* A JSON-path error with the errno of the cause kept for err_text(). */
int cg_config_errno(err_t *err, int errnum, const char *json_path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- directories (dirs.c) ----------------------------------------------- */

/* The directories cgroup_create made, so that a failure removes them. */
struct cg_created {
    char **dirs;
    size_t len;
};
void cg_created_remove(struct cg_created *created);
void cg_created_free(struct cg_created *created);

/* The v2 controllers a container needs: required ones fail create when
 * unavailable, wanted ones (stats, OOM) are enabled when available. */
struct cg_controllers {
    char **required;
    char **wanted;
};
void cg_controllers_free(struct cg_controllers *c);
int cg_mkdir_hierarchy(const struct cg_hierarchy *h, const struct cg_controllers *v2, struct cg_created *created,
                       err_t *err);
/* Fails when the cgroup already holds processes. */
int cg_check_unpopulated(const struct cg_hierarchy *h, err_t *err);
/* Removes the cgroup and every cgroup below it (one attempt: EBUSY while
 * processes remain); a missing directory counts as removed. */
int cg_remove_hierarchy(const struct cg_hierarchy *h, err_t *err);
/* Calls fn for the cgroup directory and every one below it, parents first. */
int cg_walk(int dirfd, int (*fn)(int dirfd, void *data, err_t *err), void *data, err_t *err);

/* ---- resources ------------------------------------------------------------ */

/* Checks of the resources that hold on any host (check.c). */
int cg_check_resources(const struct oci_resources *r, err_t *err);
int cg_v1_check(const struct cgroup *cg, const struct oci_resources *r, err_t *err);
int cg_v1_apply(const struct cgroup *cg, const struct oci_resources *r, bool update, err_t *err);
int cg_v2_check(const struct cgroup *cg, const struct oci_resources *r, err_t *err);
int cg_v2_apply(const struct cgroup *cg, const struct oci_resources *r, bool update, err_t *err);

/* ---- v2 pieces shared with the hybrid host ------------------------------ */

/* The controllers the resources need on a v2 hierarchy. */
void cg_v2_controllers(const struct oci_resources *r, bool hybrid, struct cg_controllers *out);
int cg_v2_apply_hugetlb(int dirfd, const struct oci_resources *r, err_t *err);
int cg_v2_apply_unified(int dirfd, const struct oci_resources *r, err_t *err);
int cg_v2_freeze(int dirfd, bool frozen, err_t *err);
/* A unified key is a file name: "<controller>.<knob>", never a path. */
int cg_check_unified_key(const char *key, err_t *err);
/* "2MB" → true; the pattern config-linux.md gives for pageSize. */
bool cg_page_size_is_valid(const char *page_size);
int cg_check_hugepage_sizes(const struct oci_resources *r, err_t *err);

/* ---- conversions (convert.c) -------------------------------------------- */

uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_weight_to_io(uint64_t weight);
/* memory.swap.max for OCI limit and swap (memory+swap): 0 with *value NULL
 * means "leave it", -1 an error named by the returned message. */
int cg_swap_max(const struct oci_memory *m, char **value, const char **problem);
/* "max" for -1, the number otherwise. */
char *cg_limit_str(int64_t v);

/* ---- devices (device_rules.c, devices_bpf.c, devices_v1.c) -------------- */

enum { DEV_ACC_MKNOD = 1, DEV_ACC_READ = 2, DEV_ACC_WRITE = 4, DEV_ACC_ALL = 7 };

struct cg_dev_rule {
    char type;     /* 'a', 'b' or 'c' */
    int64_t major; /* -1: any */
    int64_t minor; /* -1: any */
    unsigned access; /* DEV_ACC_* bits */
    bool allow;
};

/* The state a list of rules leaves a v1 devices cgroup in: a default and
 * the exceptions to it (see device_rules.c for the semantics). */
struct cg_dev_state {
    bool default_allow;
    struct cg_dev_rule *rules; /* exceptions, sorted by major, minor, type */
    size_t len;
};
void cg_dev_state_free(struct cg_dev_state *s);
/* Config rules then runc's default allowed devices, emulated in order. */
int cg_dev_state_from_config(const struct oci_resources *r, struct cg_dev_state *out, err_t *err);
/* The state a v1 devices.list describes. */
int cg_dev_state_from_list(const char *list, struct cg_dev_state *out, err_t *err);
/* The writes (devices.allow/deny) that take a v1 cgroup from one state to
 * another, in order. */
int cg_dev_transition(const struct cg_dev_state *from, const struct cg_dev_state *to, struct cg_dev_rule **rules,
                      size_t *len);
void cg_dev_rule_string(const struct cg_dev_rule *rule, char *buf, size_t len);
extern const struct cg_dev_rule cg_default_device_rules[];
extern const size_t cg_default_device_rules_len;

int cg_devices_v1_apply(int dirfd, const struct oci_resources *r, err_t *err);
/* Attaches a BPF_PROG_TYPE_CGROUP_DEVICE program for the state to the v2
 * cgroup and detaches the programs berth attached before. */
int cg_devices_bpf_apply(int dirfd, const struct cg_dev_state *state, err_t *err);

/* ---- processes (procs.c), OOM (oom.c), stats (stats_*.c) ---------------- */

int cg_v1_oom_fd(const struct cgroup *cg, err_t *err);
int cg_v1_oom_kills(const struct cgroup *cg, uint64_t *count, err_t *err);
int cg_v2_oom_fd(const struct cgroup *cg, err_t *err);
int cg_v2_oom_kills(const struct cgroup *cg, uint64_t *count, err_t *err);
uint64_t cg_v2_oom_kills_from_events(const char *events);
int cg_v1_stats(const struct cgroup *cg, struct cgroup_stats *stats, err_t *err);
int cg_v2_stats(const struct cgroup *cg, struct cgroup_stats *stats, err_t *err);
/* hugetlb.<size> names the host supports ("2MB", "1GB"), from sysfs. */
size_t cg_hugepage_sizes(char sizes[][16], size_t max);
/* Stats helpers (stats.c): a missing file reads as 0 or "". */
int cg_stat_u64(int fd, const char *file, uint64_t *out, err_t *err);
int cg_stat_text(int fd, const char *file, char **out, err_t *err);
struct cgroup_device_stats *cg_stat_device(struct cgroup_stats *stats, uint64_t major, uint64_t minor);
int cg_stat_hugetlb(int fd, struct cgroup_stats *stats, const char *usage, const char *max_usage,
                    const char *failcnt, err_t *err);

#endif
