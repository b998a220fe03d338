/* cgroups: one manager interface over cgroup v2 (unified) and v1 (legacy or
 * hybrid) hosts. Callers never branch on the host's mode. */
#ifndef BERTH_CGROUPS_H
#define BERTH_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/util.h"

enum cgroup_mode { CGROUP_UNIFIED, CGROUP_HYBRID, CGROUP_LEGACY };

int cgroup_detect_mode(enum cgroup_mode *mode, err_t *err);

struct cgroup; /* a container's cgroup, in every hierarchy it lives in */

struct cgroup_create_opts {
    const char *id;           /* container ID: the default name */
    const char *cgroups_path; /* linux.cgroupsPath; NULL or "" for the default */
    bool systemd;             /* --systemd-cgroup */
    const struct oci_resources *resources; /* may be NULL */
};

/* Creates the container's cgroup and applies resources. A resource the host
 * cannot apply fails with an error naming it (its JSON path), and nothing
 * is left behind. cgroupsPath: absolute = below each hierarchy's mount
 * point; relative = below our own cgroup in each hierarchy; empty = our own
 * cgroup + "/" + id. A cgroup that exists already must hold no process and
 * not be frozen. Device rules: the config's, then runc's default allowed
 * devices (see device_rules.c). */
int cgroup_create(const struct cgroup_create_opts *opts, struct cgroup **out, err_t *err);
/* Reopens a cgroup from the string cgroup_describe() gave at create (it
 * holds the resolved path in every hierarchy; nothing is re-resolved). */
int cgroup_open(const char *description, struct cgroup **out, err_t *err);
/* An opaque, one-line string that cgroup_open() understands. */
char *cgroup_describe(const struct cgroup *cg);
void cgroup_free(struct cgroup *cg);
void cleanup_cgroupp(struct cgroup **cg);
#define cleanup_cgroup __attribute__((cleanup(cleanup_cgroupp)))

/* A new O_DIRECTORY fd (the caller closes it) of the v2 cgroup for
 * clone3(CLONE_INTO_CGROUP), or -1 when the container does not live in a
 * v2 hierarchy alone. */
int cgroup_v2_dirfd(const struct cgroup *cg);
/* Moves a process into the cgroup, in every hierarchy. */
int cgroup_enter(const struct cgroup *cg, pid_t pid, err_t *err);
/* Gives the v2 cgroup to the container's user (runtime-spec "cgroup
 * ownership": when it gets a cgroup namespace and a read-write cgroupfs):
 * the directory and the files /sys/kernel/cgroup/delegate lists. Does
 * nothing on v1 and hybrid hosts, as the spec asks. */
int cgroup_chown(const struct cgroup *cg, uid_t uid, gid_t gid, err_t *err);

/* Applies the settings present in resources; absent ones are left as they
 * are, and so are the device rules when resources->devices_len is 0 (else
 * they are replaced: the config's rules plus the defaults). */
int cgroup_update(const struct cgroup *cg, const struct oci_resources *resources, err_t *err);
/* Every pid in the cgroup (and below it), sorted. */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *len, err_t *err);
/* SIGKILL uses cgroup.kill where there is one, else kills with the cgroup
 * frozen (no fork escapes); other signals go to each process as listed. */
int cgroup_signal_all(const struct cgroup *cg, int signal, err_t *err);
/* Returns once the kernel reports the state (bounded wait: ETIMEDOUT). */
int cgroup_freeze(const struct cgroup *cg, bool frozen, err_t *err);
int cgroup_is_frozen(const struct cgroup *cg, bool *frozen, err_t *err);
/* Removes the cgroup and the cgroups below it in every hierarchy; fails
 * with EBUSY while processes remain (after waiting ~1 s for exiting ones).
 * Parents that a nested cgroupsPath made are kept, as runc keeps them. */
int cgroup_destroy(struct cgroup *cg, err_t *err);

/* OOM kills: an fd (O_CLOEXEC, blocking) that becomes readable (poll POLLIN
 * or POLLPRI) when the cgroup's OOM state changes (v2: an inotify fd on
 * memory.events; v1: an eventfd), and the count of processes OOM-killed so
 * far in the cgroup and below. */
int cgroup_oom_fd(const struct cgroup *cg, err_t *err);
int cgroup_oom_kills(const struct cgroup *cg, uint64_t *count, err_t *err);

struct cgroup_device_stats {
    uint64_t major, minor;
    uint64_t read_bytes, write_bytes, read_ios, write_ios;
};

struct cgroup_stats {
    uint64_t cpu_usage_ns, cpu_user_ns, cpu_system_ns;
    uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_ns;
    uint64_t memory_usage, memory_peak, memory_limit; /* limit UINT64_MAX or v1's huge value: none */
    /* swap figures are memory+swap (v1's memsw; on v2 computed the same way) */
    uint64_t memory_cache, memory_swap_usage, memory_swap_limit;
    uint64_t oom_kills;
    uint64_t pids_current, pids_limit; /* limit 0: unlimited */
    struct cgroup_device_stats *blkio;
    size_t blkio_len;
    struct { char page_size[16]; uint64_t usage, max_usage, failcnt; } hugetlb[8];
    size_t hugetlb_len;
};
int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *stats, err_t *err);
void cgroup_stats_free(struct cgroup_stats *stats);

#endif
