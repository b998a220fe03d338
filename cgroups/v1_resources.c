/* linux.resources on cgroup v1 hierarchies (legacy or hybrid host), with
 * runc's write orders. hugetlb and `unified` go to the hybrid host's
 * cgroup2 mount when no v1 hierarchy has them. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of the container in the hierarchy holding controller; a
 * missing controller is an error naming the setting that needs it. */
static int open_controller(const struct cgroup *cg, const char *controller, const char *json_path, err_t *err)
{
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, controller);
    if (h == NULL)
        return config_err(err, json_path, "the %s cgroup controller is not mounted on this host", controller);
    return cg_open_dir(h, err);
}

static int set_i64(int fd, const char *file, int64_t v, const char *json_path, err_t *err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long) v);
    return cg_set(fd, file, buf, json_path, err);
}

static int set_u64(int fd, const char *file, uint64_t v, const char *json_path, err_t *err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);
    return cg_set(fd, file, buf, json_path, err);
}

static bool memory_set(const struct oci_memory *m)
{
    return m && (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel || m->has_kernel_tcp ||
                 m->has_swappiness || m->has_disable_oom_killer || m->has_use_hierarchy);
}

/* memory.memsw.limit_in_bytes (memory+swap) may never be below
 * memory.limit_in_bytes, so which goes first depends on the current limit. */
static int apply_limit_and_swap(int fd, const struct oci_memory *m, err_t *err)
{
    int64_t limit = m->has_limit ? m->limit : 0;
    int64_t swap = m->has_swap ? m->swap : 0;
    bool memsw = cg_file_exists(fd, "memory.memsw.limit_in_bytes");
    if (limit == -1 && swap == 0 && memsw)
        swap = -1;
    if (swap != 0 && !memsw) {
        if (swap != -1)
            return config_err(err, "linux.resources.memory.swap",
                              "this host does not account swap (no memory.memsw.limit_in_bytes)");
        swap = 0;
    }
    bool swap_first = false;
    if (limit != 0 && swap != 0) {
        uint64_t current;
        if (cg_read_u64(fd, "memory.limit_in_bytes", &current, err) < 0)
            return -1;
        swap_first = swap == -1 || current < (uint64_t) swap;
    }
    for (int step = 0; step < 2; step++) {
        bool do_swap = (step == 0) == swap_first;
        if (do_swap && swap != 0 &&
            set_i64(fd, "memory.memsw.limit_in_bytes", swap, "linux.resources.memory.swap", err) < 0)
            return -1;
        if (!do_swap && limit != 0 &&
            set_i64(fd, "memory.limit_in_bytes", limit, "linux.resources.memory.limit", err) < 0)
            return -1;
    }
    return 0;
}

/* Since Linux 6.1 memory.kmem.limit_in_bytes accepts writes and ignores
 * them: read it back to know. */
static int apply_kernel_memory(int fd, int64_t limit, err_t *err)
{
    const char *path = "linux.resources.memory.kernel";
    uint64_t got;
    long page = sysconf(_SC_PAGESIZE);
    if (set_i64(fd, "memory.kmem.limit_in_bytes", limit, path, err) < 0)
        return -1;
    if (limit == -1)
        return 0;
    if (cg_read_u64(fd, "memory.kmem.limit_in_bytes", &got, err) < 0)
        return -1;
    if (got != (uint64_t) limit / (uint64_t) page * (uint64_t) page)
        return config_err(err, path, "this kernel ignores memory.kmem.limit_in_bytes (kernel memory limits are gone)");
    return 0;
}

static int apply_memory(const struct cgroup *cg, const struct oci_memory *m, bool update, err_t *err)
{
    if (!memory_set(m))
        return 0;
    cleanup_close int fd = open_controller(cg, "memory", "linux.resources.memory", err);
    if (fd < 0)
        return -1;
    if (update && m->has_check_before_update && m->check_before_update && m->has_limit && m->limit > 0) {
        uint64_t usage;
        if (cg_read_u64(fd, "memory.usage_in_bytes", &usage, err) < 0)
            return -1;
        if ((uint64_t) m->limit < usage)
            return config_err(err, "linux.resources.memory.limit", "%lld is below the current usage (%llu bytes)",
                              (long long) m->limit, (unsigned long long) usage);
    }
    if (apply_limit_and_swap(fd, m, err) < 0)
        return -1;
    if (m->has_reservation && m->reservation != 0 &&
        set_i64(fd, "memory.soft_limit_in_bytes", m->reservation, "linux.resources.memory.reservation", err) < 0)
        return -1;
    if (m->has_kernel && apply_kernel_memory(fd, m->kernel, err) < 0)
        return -1;
    if (m->has_kernel_tcp &&
        set_i64(fd, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, "linux.resources.memory.kernelTCP", err) < 0)
        return -1;
    if (m->has_swappiness &&
        set_u64(fd, "memory.swappiness", m->swappiness, "linux.resources.memory.swappiness", err) < 0)
        return -1;
    if (m->has_disable_oom_killer && (m->disable_oom_killer || update) &&
        cg_set(fd, "memory.oom_control", m->disable_oom_killer ? "1" : "0", "linux.resources.memory.disableOOMKiller",
               err) < 0)
        return -1;
    if (m->has_use_hierarchy &&
        cg_set(fd, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", "linux.resources.memory.useHierarchy", err) < 0)
        return -1;
    return 0;
}

/* The kernel clamps cpu.shares; a clamped value is an error, not a
 * silently different weight. */
static int apply_shares(int fd, uint64_t shares, err_t *err)
{
    uint64_t got;
    if (set_u64(fd, "cpu.shares", shares, "linux.resources.cpu.shares", err) < 0 ||
        cg_read_u64(fd, "cpu.shares", &got, err) < 0)
        return -1;
    if (got != shares)
        return config_err(err, "linux.resources.cpu.shares", "%llu is out of range: the kernel set %llu",
                          (unsigned long long) shares, (unsigned long long) got);
    return 0;
}

/* A write the kernel refuses only because the quota is not there yet is
 * retried after the quota (runc's order). */
static int write_or_defer(int fd, const char *file, uint64_t v, const char *path, bool quota_follows, bool *deferred,
                          err_t *err)
{
    char buf[32];
    cleanup_err err_t cause = NULL;
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);
    *deferred = false;
    if (cg_write(fd, file, buf, &cause) == 0)
        return 0;
    if (cause->errnum == EINVAL && quota_follows) {
        *deferred = true;
        return 0;
    }
    if (cause->errnum == ENOENT)
        return config_err(err, path, "not supported by this host: no %s in the container's cgroup", file);
    return cg_config_errno(err, cause->errnum, path, "write %s", file);
}

static int apply_cfs(int fd, const struct oci_cpu *c, err_t *err)
{
    bool quota = c->has_quota && c->quota != 0;
    bool period_later = false, burst_later = false;
    if (c->has_period && c->period != 0 &&
        write_or_defer(fd, "cpu.cfs_period_us", c->period, "linux.resources.cpu.period", quota, &period_later, err) < 0)
        return -1;
    if (c->has_burst &&
        write_or_defer(fd, "cpu.cfs_burst_us", c->burst, "linux.resources.cpu.burst", quota, &burst_later, err) < 0)
        return -1;
    if (!quota)
        return 0;
    if (set_i64(fd, "cpu.cfs_quota_us", c->quota, "linux.resources.cpu.quota", err) < 0)
        return -1;
    if (period_later && set_u64(fd, "cpu.cfs_period_us", c->period, "linux.resources.cpu.period", err) < 0)
        return -1;
    if (burst_later && set_u64(fd, "cpu.cfs_burst_us", c->burst, "linux.resources.cpu.burst", err) < 0)
        return -1;
    return 0;
}

/* rt_runtime may not exceed rt_period: when shrinking the period, the
 * runtime goes first. */
static int apply_realtime(int fd, const struct oci_cpu *c, err_t *err)
{
    const char *period_path = "linux.resources.cpu.realtimePeriod";
    const char *runtime_path = "linux.resources.cpu.realtimeRuntime";
    if (c->has_realtime_period && c->realtime_period != 0) {
        cleanup_err err_t cause = NULL;
        char buf[32];
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long) c->realtime_period);
        if (cg_write(fd, "cpu.rt_period_us", buf, &cause) < 0) {
            if (cause->errnum != EINVAL || !c->has_realtime_runtime)
                return cg_set(fd, "cpu.rt_period_us", buf, period_path, err);
            if (set_i64(fd, "cpu.rt_runtime_us", c->realtime_runtime, runtime_path, err) < 0)
                return -1;
            return set_u64(fd, "cpu.rt_period_us", c->realtime_period, period_path, err);
        }
    }
    if (c->has_realtime_runtime && set_i64(fd, "cpu.rt_runtime_us", c->realtime_runtime, runtime_path, err) < 0)
        return -1;
    return 0;
}

static int apply_cpu(const struct cgroup *cg, const struct oci_cpu *c, err_t *err)
{
    if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle || c->has_realtime_period ||
        c->has_realtime_runtime) {
        cleanup_close int fd = open_controller(cg, "cpu", "linux.resources.cpu", err);
        if (fd < 0)
            return -1;
        if (c->has_shares && c->shares != 0 && apply_shares(fd, c->shares, err) < 0)
            return -1;
        if (apply_cfs(fd, c, err) < 0)
            return -1;
        if (c->has_idle && set_i64(fd, "cpu.idle", c->idle, "linux.resources.cpu.idle", err) < 0)
            return -1;
        if (apply_realtime(fd, c, err) < 0)
            return -1;
    }
    bool cpus = c->cpus && *c->cpus, mems = c->mems && *c->mems;
    if (!cpus && !mems)
        return 0;
    cleanup_close int fd = open_controller(cg, "cpuset", cpus ? "linux.resources.cpu.cpus" : "linux.resources.cpu.mems",
                                           err);
    if (fd < 0)
        return -1;
    if (cpus && cg_set(fd, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
        return -1;
    if (mems && cg_set(fd, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
        return -1;
    return 0;
}

static int apply_pids(const struct cgroup *cg, const struct oci_pids *p, err_t *err)
{
    if (!p->has_limit)
        return 0;
    cleanup_close int fd = open_controller(cg, "pids", "linux.resources.pids.limit", err);
    if (fd < 0)
        return -1;
    cleanup_free char *v = cg_limit_str(p->limit);
    return cg_set(fd, "pids.max", v, "linux.resources.pids.limit", err);
}

/* BFQ's files when BFQ is there (as runc prefers), else CFQ's. */
static int apply_blkio(const struct cgroup *cg, const struct oci_block_io *b, err_t *err)
{
    static const char *throttle_files[THROTTLE_KINDS] = {
        "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
        "blkio.throttle.write_iops_device"};
    cleanup_close int fd = open_controller(cg, "blkio", "linux.resources.blockIO", err);
    if (fd < 0)
        return -1;
    bool bfq = cg_file_exists(fd, "blkio.bfq.weight");
    const char *weight = bfq ? "blkio.bfq.weight" : "blkio.weight";
    const char *weight_device = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
    char path[96];
    if (b->has_weight && set_u64(fd, weight, b->weight, "linux.resources.blockIO.weight", err) < 0)
        return -1;
    if (b->has_leaf_weight && set_u64(fd, "blkio.leaf_weight", b->leaf_weight, "linux.resources.blockIO.leafWeight",
                                      err) < 0)
        return -1;
    for (size_t i = 0; i < b->weight_devices_len; i++) {
        const struct oci_weight_device *d = &b->weight_devices[i];
        snprintf(path, sizeof(path), "linux.resources.blockIO.weightDevice[%zu]", i);
        if (d->has_weight) {
            cleanup_free char *v = xasprintf("%lld:%lld %u", (long long) d->major, (long long) d->minor, d->weight);
            if (cg_set(fd, weight_device, v, path, err) < 0)
                return -1;
        }
        if (d->has_leaf_weight) {
            cleanup_free char *v = xasprintf("%lld:%lld %u", (long long) d->major, (long long) d->minor,
                                             d->leaf_weight);
            if (cg_set(fd, "blkio.leaf_weight_device", v, path, err) < 0)
                return -1;
        }
    }
    for (int k = 0; k < THROTTLE_KINDS; k++) {
        for (size_t i = 0; i < b->throttle[k].len; i++) {
            const struct oci_throttle_device *t = &b->throttle[k].devices[i];
            snprintf(path, sizeof(path), "linux.resources.blockIO.%s[%zu]", oci_throttle_names[k], i);
            cleanup_free char *v = xasprintf("%lld:%lld %llu", (long long) t->major, (long long) t->minor,
                                             (unsigned long long) t->rate);
            if (cg_set(fd, throttle_files[k], v, path, err) < 0)
                return -1;
        }
    }
    return 0;
}

static int apply_hugetlb(const struct cgroup *cg, const struct oci_resources *r, err_t *err)
{
    if (r->hugepage_limits_len == 0)
        return 0;
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, "hugetlb");
    const struct cg_hierarchy *v2 = cg_v2_hierarchy(cg);
    if (h == NULL && v2 == NULL)
        return config_err(err, "linux.resources.hugepageLimits", "the hugetlb cgroup controller is not mounted");
    cleanup_close int fd = cg_open_dir(h ? h : v2, err);
    if (fd < 0)
        return -1;
    if (h == NULL)
        return cg_v2_apply_hugetlb(fd, r, err);
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
        const struct oci_hugepage_limit *l = &r->hugepage_limits[i];
        char path[80];
        snprintf(path, sizeof(path), "linux.resources.hugepageLimits[%zu]", i);
        cleanup_free char *file = xasprintf("hugetlb.%s.limit_in_bytes", l->page_size);
        cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", l->page_size);
        if (!cg_file_exists(fd, file)) {
            cleanup_free char *size_path = xasprintf("%s.pageSize", path);
            return config_err(err, size_path, "no %s in the container's cgroup", file);
        }
        if (cg_file_exists(fd, rsvd) && set_u64(fd, rsvd, l->limit, path, err) < 0)
            return -1;
        if (set_u64(fd, file, l->limit, path, err) < 0)
            return -1;
    }
    return 0;
}

static int apply_network(const struct cgroup *cg, const struct oci_network *n, err_t *err)
{
    if (n->has_class_id) {
        cleanup_close int fd = open_controller(cg, "net_cls", "linux.resources.network.classID", err);
        if (fd < 0 || set_u64(fd, "net_cls.classid", n->class_id, "linux.resources.network.classID", err) < 0)
            return -1;
    }
    if (n->priorities_len == 0)
        return 0;
    cleanup_close int fd = open_controller(cg, "net_prio", "linux.resources.network.priorities", err);
    if (fd < 0)
        return -1;
    for (size_t i = 0; i < n->priorities_len; i++) {
        char path[80];
        snprintf(path, sizeof(path), "linux.resources.network.priorities[%zu]", i);
        cleanup_free char *v = xasprintf("%s %u", n->priorities[i].name, n->priorities[i].priority);
        if (cg_set(fd, "net_prio.ifpriomap", v, path, err) < 0)
            return -1;
    }
    return 0;
}

static int apply_rdma(const struct cgroup *cg, const struct oci_resources *r, err_t *err)
{
    if (r->rdma_len == 0)
        return 0;
    cleanup_close int fd = open_controller(cg, "rdma", "linux.resources.rdma", err);
    if (fd < 0)
        return -1;
    return cg_set_rdma(fd, r, err);
}

static int apply_devices(const struct cgroup *cg, const struct oci_resources *r, bool update, err_t *err)
{
    if (cg->no_device_rules)
        return 0;
    if (update && (r == NULL || r->devices_len == 0))
        return 0;
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, "devices");
    if (h == NULL) {
        if (r && r->devices_len)
            return config_err(err, "linux.resources.devices", "the devices cgroup controller is not mounted");
        log_debug("no devices cgroup: the default device rules are not enforced");
        return 0;
    }
    cleanup_close int fd = cg_open_dir(h, err);
    if (fd < 0)
        return -1;
    return cg_devices_v1_apply(fd, r, err);
}

int cg_v1_check(const struct cgroup *cg, const struct oci_resources *r, err_t *err)
{
    if (cg_check_resources(r, err) < 0)
        return -1;
    if (r == NULL)
        return 0;
    if (r->network && r->network->has_class_id && !cg_v1_hierarchy(cg, "net_cls"))
        return config_err(err, "linux.resources.network.classID", "the net_cls cgroup controller is not mounted");
    if (r->network && r->network->priorities_len && !cg_v1_hierarchy(cg, "net_prio"))
        return config_err(err, "linux.resources.network.priorities", "the net_prio cgroup controller is not mounted");
    if (r->has_unified && r->unified.len && !cg_v2_hierarchy(cg))
        return config_err(err, "linux.resources.unified", "this host has no cgroup v2 hierarchy");
    return 0;
}

int cg_v1_apply(const struct cgroup *cg, const struct oci_resources *r, bool update, err_t *err)
{
    if (update && cg_v1_check(cg, r, err) < 0)
        return -1;
    if (apply_devices(cg, r, update, err) < 0)
        return -1;
    if (r == NULL)
        return 0;
    if (apply_memory(cg, r->memory, update, err) < 0)
        return -1;
    if (r->cpu && apply_cpu(cg, r->cpu, err) < 0)
        return -1;
    if (r->pids && apply_pids(cg, r->pids, err) < 0)
        return -1;
    if (r->block_io && apply_blkio(cg, r->block_io, err) < 0)
        return -1;
    if (apply_hugetlb(cg, r, err) < 0 || apply_rdma(cg, r, err) < 0)
        return -1;
    if (r->network && apply_network(cg, r->network, err) < 0)
        return -1;
    if (r->has_unified && r->unified.len) {
        cleanup_close int fd = cg_open_dir(cg_v2_hierarchy(cg), err);
        if (fd < 0 || cg_v2_apply_unified(fd, r, err) < 0)
            return -1;
    }
    return 0;
}
