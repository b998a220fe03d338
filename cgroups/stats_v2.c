/* Statistics from a cgroup v2 directory. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int read_cpu(int fd, struct cgroup_stats *s, err_t *err)
{
    cleanup_free char *text = NULL;
    uint64_t usec = 0;
    if (cg_stat_text(fd, "cpu.stat", &text, err) < 0)
        return -1;
    if (cg_keyed_value(text, "usage_usec", &usec))
        s->cpu_usage_ns = usec * 1000;
    if (cg_keyed_value(text, "user_usec", &usec))
        s->cpu_user_ns = usec * 1000;
    if (cg_keyed_value(text, "system_usec", &usec))
        s->cpu_system_ns = usec * 1000;
    if (cg_keyed_value(text, "throttled_usec", &usec))
        s->cpu_throttled_ns = usec * 1000;
    cg_keyed_value(text, "nr_periods", &s->cpu_periods);
    cg_keyed_value(text, "nr_throttled", &s->cpu_throttled_periods);
    return 0;
}

/* The swap figures are memory+swap, as cgroup v1 reports them (and runc
 * on v2), so that they mean the same on every host. */
static int read_memory(int fd, struct cgroup_stats *s, err_t *err)
{
    cleanup_free char *stat = NULL;
    cleanup_free char *events = NULL;
    uint64_t swap = 0, swap_max = 0;
    if (cg_stat_u64(fd, "memory.current", &s->memory_usage, err) < 0 ||
        cg_stat_u64(fd, "memory.peak", &s->memory_peak, err) < 0 ||
        cg_stat_u64(fd, "memory.max", &s->memory_limit, err) < 0 ||
        cg_stat_u64(fd, "memory.swap.current", &swap, err) < 0 ||
        cg_stat_u64(fd, "memory.swap.max", &swap_max, err) < 0 || cg_stat_text(fd, "memory.stat", &stat, err) < 0 ||
        cg_stat_text(fd, "memory.events", &events, err) < 0)
        return -1;
    cg_keyed_value(stat, "file", &s->memory_cache);
    s->oom_kills = cg_v2_oom_kills_from_events(events);
    s->memory_swap_usage = add_saturating(swap, s->memory_usage);
    s->memory_swap_limit = add_saturating(swap_max, s->memory_limit);
    return 0;
}

static int read_io(int fd, struct cgroup_stats *s, err_t *err)
{
    cleanup_free char *text = NULL;
    if (cg_stat_text(fd, "io.stat", &text, err) < 0)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long major, minor;
        int used = 0;
        if (sscanf(line, "%llu:%llu %n", &major, &minor, &used) != 2)
            continue;
        struct cgroup_device_stats *d = cg_stat_device(s, major, minor);
        cg_keyed_pairs(line + used, "rbytes", &d->read_bytes);
        cg_keyed_pairs(line + used, "wbytes", &d->write_bytes);
        cg_keyed_pairs(line + used, "rios", &d->read_ios);
        cg_keyed_pairs(line + used, "wios", &d->write_ios);
    }
    return 0;
}

int cg_v2_stats(const struct cgroup *cg, struct cgroup_stats *s, err_t *err)
{
    cleanup_close int fd = cg_open_dir(cg_v2_hierarchy(cg), err);
    if (fd < 0 || read_cpu(fd, s, err) < 0 || read_memory(fd, s, err) < 0 || read_io(fd, s, err) < 0)
        return -1;
    if (cg_stat_u64(fd, "pids.current", &s->pids_current, err) < 0 ||
        cg_stat_u64(fd, "pids.max", &s->pids_limit, err) < 0)
        return -1;
    if (s->pids_limit == UINT64_MAX)
        s->pids_limit = 0;
    return cg_stat_hugetlb(fd, s, "current", NULL, "events:max", err);
}
