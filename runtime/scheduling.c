/* process.scheduler, process.ioPriority, linux.personality and
 * linux.memoryPolicy: each one syscall, with no libc wrapper on Debian 12. */
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sched_attr_v1 {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

struct name_value {
    const char *name;
    unsigned long value;
};

static bool lookup(const struct name_value *table, size_t len, const char *name, unsigned long *value)
{
    for (size_t i = 0; i < len; i++)
        if (strcmp(table[i].name, name) == 0)
            return *value = table[i].value, true;
    return false;
}

static int apply_scheduler(const struct oci_scheduler *s, err_t *err)
{
    static const struct name_value policies[] = {
        {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
        {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
    };
    static const struct name_value flags[] = {
        {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},        {"SCHED_FLAG_DL_OVERRUN", 0x04},
        {"SCHED_FLAG_KEEP_POLICY", 0x08},   {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
        {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
    };
    unsigned long policy, flag;
    struct sched_attr_v1 attr = {.size = sizeof(attr),
                                 .sched_nice = s->nice,
                                 .sched_priority = (uint32_t) s->priority,
                                 .sched_runtime = s->runtime,
                                 .sched_deadline = s->deadline,
                                 .sched_period = s->period};
    if (!lookup(policies, ARRAY_SIZE(policies), s->policy, &policy))
        return make_err(err, EINVAL, "process.scheduler.policy: unknown policy %s", s->policy);
    attr.sched_policy = (uint32_t) policy;
    for (size_t i = 0; i < s->flags_len; i++) {
        if (!lookup(flags, ARRAY_SIZE(flags), s->flags[i], &flag))
            return make_err(err, EINVAL, "process.scheduler.flags[%zu]: unknown flag %s", i, s->flags[i]);
        attr.sched_flags |= flag;
    }
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
        return make_err(err, errno, "process.scheduler: sched_setattr %s", s->policy);
    return 0;
}

static int apply_io_priority(const struct oci_io_priority *io, err_t *err)
{
    static const struct name_value classes[] = {{"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3}};
    unsigned long class;
    if (!lookup(classes, ARRAY_SIZE(classes), io->class_name, &class))
        return make_err(err, EINVAL, "process.ioPriority.class: unknown class %s", io->class_name);
    if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int) (class << 13) | io->priority) < 0)
        return make_err(err, errno, "process.ioPriority: ioprio_set");
    return 0;
}

static int apply_personality(const struct oci_personality *p, err_t *err)
{
    unsigned long persona = strcmp(p->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
    if (personality(persona) < 0)
        return make_err(err, errno, "linux.personality: set %s", p->domain);
    return 0;
}

/* "0-3,7" → a bitmask (of NUMA nodes or CPUs). */
static int parse_nodes(const char *list, unsigned long *mask, size_t words, err_t *err)
{
    cleanup_free char *copy = xstrdup(list ? list : "");
    char *save = NULL;
    for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(r, '-');
        uint64_t lo, hi;
        if (dash)
            *dash = '\0';
        if (!parse_u64(r, &lo) || !parse_u64(dash ? dash + 1 : r, &hi) || hi < lo || hi >= words * 64)
            return make_err(err, EINVAL, "bad list \"%s\"", list);
        for (uint64_t n = lo; n <= hi; n++)
            mask[n / 64] |= 1UL << (n % 64);
    }
    return 0;
}

static int apply_memory_policy(const struct oci_memory_policy *mp, err_t *err)
{
    static const struct name_value modes[] = {
        {"MPOL_DEFAULT", 0}, {"MPOL_PREFERRED", 1},      {"MPOL_BIND", 2},
        {"MPOL_INTERLEAVE", 3}, {"MPOL_LOCAL", 4},      {"MPOL_PREFERRED_MANY", 5},
        {"MPOL_WEIGHTED_INTERLEAVE", 6},
    };
    static const struct name_value flags[] = {
        {"MPOL_F_NUMA_BALANCING", 1 << 13}, {"MPOL_F_RELATIVE_NODES", 1 << 14}, {"MPOL_F_STATIC_NODES", 1 << 15}};
    unsigned long mode, flag, mask[16] = {0};
    if (!lookup(modes, ARRAY_SIZE(modes), mp->mode, &mode))
        return make_err(err, EINVAL, "linux.memoryPolicy.mode: unknown mode %s", mp->mode);
    for (size_t i = 0; i < mp->flags_len; i++) {
        if (!lookup(flags, ARRAY_SIZE(flags), mp->flags[i], &flag))
            return make_err(err, EINVAL, "linux.memoryPolicy.flags[%zu]: unknown flag %s", i, mp->flags[i]);
        mode |= flag;
    }
    if (parse_nodes(mp->nodes, mask, ARRAY_SIZE(mask), err) < 0)
        return wrap_err(err, "linux.memoryPolicy.nodes");
    bool empty = mp->nodes == NULL || *mp->nodes == '\0';
    if (syscall(SYS_set_mempolicy, mode, empty ? NULL : mask, empty ? 0 : ARRAY_SIZE(mask) * 64 + 1) < 0)
        return make_err(err, errno, "linux.memoryPolicy: set_mempolicy %s", mp->mode);
    return 0;
}

int set_cpu_affinity(const char *list, const char *json_path, err_t *err)
{
    unsigned long mask[CPU_SETSIZE / 64] = {0};
    if (parse_nodes(list, mask, ARRAY_SIZE(mask), err) < 0)
        return wrap_err(err, "%s", json_path);
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (mask[cpu / 64] & (1UL << (cpu % 64)))
            CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) < 0)
        return make_err(err, errno, "%s: set CPU affinity %s", json_path, list);
    return 0;
}

int process_apply_scheduling(const struct oci_config *config, err_t *err)
{
    const struct oci_process *p = config->process;
    const struct oci_linux *l = config->linux_config;
    if (p->scheduler && apply_scheduler(p->scheduler, err) < 0)
        return -1;
    if (p->io_priority && apply_io_priority(p->io_priority, err) < 0)
        return -1;
    if (l && l->personality && apply_personality(l->personality, err) < 0)
        return -1;
    if (l && l->memory_policy && apply_memory_policy(l->memory_policy, err) < 0)
        return -1;
    return 0;
}
