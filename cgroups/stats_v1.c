/* Statistics from cgroup v1 hierarchies (hugetlb from the hybrid host's
 * cgroup2 mount when no v1 hierarchy has it). */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static int open_optional(const struct cgroup *cg, const char *controller, err_t *err)
{
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, controller);
    return h ? cg_open_dir(h, err) : -2;
}

static int read_cpu(const struct cgroup *cg, struct cgroup_stats *s, err_t *err)
{
    cleanup_close int acct = open_optional(cg, "cpuacct", err);
    if (acct == -1)
        return -1;
    if (acct >= 0 && (cg_stat_u64(acct, "cpuacct.usage", &s->cpu_usage_ns, err) < 0 ||
                      cg_stat_u64(acct, "cpuacct.usage_user", &s->cpu_user_ns, err) < 0 ||
                      cg_stat_u64(acct, "cpuacct.usage_sys", &s->cpu_system_ns, err) < 0))
        return -1;
    cleanup_close int cpu = open_optional(cg, "cpu", err);
    if (cpu == -1)
        return -1;
    cleanup_free char *text = NULL;
    if (cpu >= 0) {
        if (cg_stat_text(cpu, "cpu.stat", &text, err) < 0)
            return -1;
        cg_keyed_value(text, "nr_periods", &s->cpu_periods);
        cg_keyed_value(text, "nr_throttled", &s->cpu_throttled_periods);
        cg_keyed_value(text, "throttled_time", &s->cpu_throttled_ns);
    }
    return 0;
}

static int read_memory(const struct cgroup *cg, struct cgroup_stats *s, err_t *err)
{
    cleanup_close int fd = open_optional(cg, "memory", err);
    if (fd == -1)
        return -1;
    if (fd == -2)
        return 0;
    cleanup_free char *stat = NULL;
    cleanup_free char *oom = NULL;
    if (cg_stat_u64(fd, "memory.usage_in_bytes", &s->memory_usage, err) < 0 ||
        cg_stat_u64(fd, "memory.max_usage_in_bytes", &s->memory_peak, err) < 0 ||
        cg_stat_u64(fd, "memory.limit_in_bytes", &s->memory_limit, err) < 0 ||
        cg_stat_u64(fd, "memory.memsw.usage_in_bytes", &s->memory_swap_usage, err) < 0 ||
        cg_stat_u64(fd, "memory.memsw.limit_in_bytes", &s->memory_swap_limit, err) < 0 ||
        cg_stat_text(fd, "memory.stat", &stat, err) < 0 || cg_stat_text(fd, "memory.oom_control", &oom, err) < 0)
        return -1;
    if (!cg_keyed_value(stat, "total_cache", &s->memory_cache))
        cg_keyed_value(stat, "cache", &s->memory_cache);
    cg_keyed_value(oom, "oom_kill", &s->oom_kills);
    return 0;
}

/* "8:0 Read 4096" lines; the _recursive files include child cgroups. */
static int read_blkio_file(int fd, const char *file, struct cgroup_stats *s, bool ios, err_t *err)
{
    cleanup_free char *recursive = xasprintf("%s_recursive", file);
    cleanup_free char *text = NULL;
    if (cg_stat_text(fd, cg_file_exists(fd, recursive) ? recursive : file, &text, err) < 0)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long major, minor, value;
        char op[16];
        if (sscanf(line, "%llu:%llu %15s %llu", &major, &minor, op, &value) != 4)
            continue;
        bool read = strcmp(op, "Read") == 0, write = strcmp(op, "Write") == 0;
        if (!read && !write)
            continue;
        struct cgroup_device_stats *d = cg_stat_device(s, major, minor);
        if (ios)
            *(read ? &d->read_ios : &d->write_ios) = value;
        else
            *(read ? &d->read_bytes : &d->write_bytes) = value;
    }
    return 0;
}

int cg_v1_stats(const struct cgroup *cg, struct cgroup_stats *s, err_t *err)
{
    if (read_cpu(cg, s, err) < 0 || read_memory(cg, s, err) < 0)
        return -1;
    cleanup_close int pids = open_optional(cg, "pids", err);
    if (pids == -1)
        return -1;
    if (pids >= 0 && (cg_stat_u64(pids, "pids.current", &s->pids_current, err) < 0 ||
                      cg_stat_u64(pids, "pids.max", &s->pids_limit, err) < 0))
        return -1;
    if (s->pids_limit == UINT64_MAX)
        s->pids_limit = 0;
    cleanup_close int blkio = open_optional(cg, "blkio", err);
    if (blkio == -1)
        return -1;
    if (blkio >= 0 && (read_blkio_file(blkio, "blkio.throttle.io_service_bytes", s, false, err) < 0 ||
                       read_blkio_file(blkio, "blkio.throttle.io_serviced", s, true, err) < 0))
        return -1;
    cleanup_close int hugetlb = open_optional(cg, "hugetlb", err);
    if (hugetlb == -1)
        return -1;
    if (hugetlb >= 0)
        return cg_stat_hugetlb(hugetlb, s, "usage_in_bytes", "max_usage_in_bytes", "failcnt", err);
    const struct cg_hierarchy *v2 = cg_v2_hierarchy(cg);
    if (v2 == NULL)
        return 0;
    cleanup_close int fd = cg_open_dir(v2, err);
    if (fd < 0)
        return -1;
    return cg_stat_hugetlb(fd, s, "current", NULL, "events:max", err);
}
