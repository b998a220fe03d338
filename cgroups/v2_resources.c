/* linux.resources on a cgroup v2 cgroup. What v2 has no knob for is an
 * error naming the setting, never silently dropped. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int unsupported(const char *json_path, err_t *err)
{
    return config_err(err, json_path, "cgroup v2 has no equivalent for this setting");
}

static int check_memory(const struct oci_memory *m, err_t *err)
{
    char *swap = NULL;
    const char *problem = NULL;
    if (m->has_disable_oom_killer && m->disable_oom_killer)
        return config_err(err, "linux.resources.memory.disableOOMKiller",
                          "cgroup v2 cannot disable the OOM killer for a cgroup");
    if (m->has_swappiness)
        return config_err(err, "linux.resources.memory.swappiness", "cgroup v2 has no per-cgroup swappiness");
    if (m->has_kernel && m->kernel != -1)
        return config_err(err, "linux.resources.memory.kernel", "cgroup v2 has no separate kernel memory limit");
    if (m->has_kernel_tcp && m->kernel_tcp != -1)
        return config_err(err, "linux.resources.memory.kernelTCP", "cgroup v2 has no separate kernel TCP limit");
    if (m->has_use_hierarchy && !m->use_hierarchy)
        return config_err(err, "linux.resources.memory.useHierarchy", "cgroup v2 is always hierarchical");
    if (cg_swap_max(m, &swap, &problem) < 0)
        return config_err(err, "linux.resources.memory.swap", "%s", problem);
    free(swap);
    return 0;
}

int cg_v2_check(const struct cgroup *cg, const struct oci_resources *r, err_t *err)
{
    (void) cg;
    if (cg_check_resources(r, err) < 0)
        return -1;
    if (r == NULL)
        return 0;
    if (r->memory && check_memory(r->memory, err) < 0)
        return -1;
    if (r->cpu && r->cpu->has_realtime_runtime)
        return unsupported("linux.resources.cpu.realtimeRuntime", err);
    if (r->cpu && r->cpu->has_realtime_period)
        return unsupported("linux.resources.cpu.realtimePeriod", err);
    if (r->block_io && r->block_io->has_leaf_weight)
        return unsupported("linux.resources.blockIO.leafWeight", err);
    for (size_t i = 0; r->block_io && i < r->block_io->weight_devices_len; i++) {
        if (r->block_io->weight_devices[i].has_leaf_weight) {
            char path[80];
            snprintf(path, sizeof(path), "linux.resources.blockIO.weightDevice[%zu].leafWeight", i);
            return unsupported(path, err);
        }
    }
    if (r->network && r->network->has_class_id)
        return config_err(err, "linux.resources.network.classID", "cgroup v2 has no net_cls controller");
    if (r->network && r->network->priorities_len)
        return config_err(err, "linux.resources.network.priorities", "cgroup v2 has no net_prio controller");
    return 0;
}

static bool memory_set(const struct oci_memory *m)
{
    return m && (m->has_limit || m->has_reservation || m->has_swap);
}

/* checkBeforeUpdate: a new limit below the current usage is refused. */
static int check_usage(int fd, const struct oci_memory *m, const char *usage_file, err_t *err)
{
    uint64_t usage;
    if (!m->has_check_before_update || !m->check_before_update || !m->has_limit || m->limit <= 0)
        return 0;
    if (cg_read_u64(fd, usage_file, &usage, err) < 0)
        return -1;
    if ((uint64_t) m->limit < usage)
        return config_err(err, "linux.resources.memory.limit", "%lld is below the current usage (%llu bytes)",
                          (long long) m->limit, (unsigned long long) usage);
    return 0;
}

static int apply_memory(int fd, const struct oci_memory *m, bool update, err_t *err)
{
    /* With memory.oom.group an OOM kill takes the whole container, as a
     * container's processes are meant to live and die together. */
    if (!update && cg_file_exists(fd, "memory.oom.group") && cg_write(fd, "memory.oom.group", "1", err) < 0)
        return -1;
    if (!memory_set(m))
        return 0;
    if (update && check_usage(fd, m, "memory.current", err) < 0)
        return -1;
    cleanup_free char *swap = NULL;
    const char *problem = NULL;
    if (cg_swap_max(m, &swap, &problem) < 0)
        return config_err(err, "linux.resources.memory.swap", "%s", problem);
    /* Without swap accounting there is nothing to lift or to turn off. */
    bool swap_optional = swap && (strcmp(swap, "max") == 0 || strcmp(swap, "0") == 0);
    if (swap && !(swap_optional && !cg_file_exists(fd, "memory.swap.max")) &&
        cg_set(fd, "memory.swap.max", swap, "linux.resources.memory.swap", err) < 0)
        return -1;
    if (m->has_limit && m->limit != 0) {
        cleanup_free char *v = cg_limit_str(m->limit);
        if (cg_set(fd, "memory.max", v, "linux.resources.memory.limit", err) < 0)
            return -1;
    }
    if (m->has_reservation && m->reservation != 0) {
        cleanup_free char *v = cg_limit_str(m->reservation);
        if (cg_set(fd, "memory.low", v, "linux.resources.memory.reservation", err) < 0)
            return -1;
    }
    return 0;
}

/* cpu.max is "quota period"; a period alone keeps the current quota. */
static int apply_cpu_max(int fd, const struct oci_cpu *c, err_t *err)
{
    bool quota = c->has_quota && c->quota != 0;
    bool period = c->has_period && c->period != 0;
    if (!quota && !period)
        return 0;
    cleanup_free char *current = NULL;
    cleanup_err err_t ignored = NULL;
    char quota_str[32] = "max";
    if (quota && c->quota > 0)
        snprintf(quota_str, sizeof(quota_str), "%lld", (long long) c->quota);
    if (!quota && cg_read(fd, "cpu.max", &current, &ignored) == 0)
        snprintf(quota_str, sizeof(quota_str), "%.*s", (int) strcspn(current, " "), current);
    cleanup_free char *value = period ? xasprintf("%s %llu", quota_str, (unsigned long long) c->period)
                                      : xstrdup(quota_str);
    return cg_set(fd, "cpu.max", value, quota ? "linux.resources.cpu.quota" : "linux.resources.cpu.period", err);
}

static int apply_cpu(int fd, const struct oci_cpu *c, err_t *err)
{
    char v[32];
    if (c->has_shares && c->shares != 0) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long) cg_shares_to_weight(c->shares));
        if (cg_set(fd, "cpu.weight", v, "linux.resources.cpu.shares", err) < 0)
            return -1;
    }
    if (apply_cpu_max(fd, c, err) < 0)
        return -1;
    if (c->has_burst) {
        snprintf(v, sizeof(v), "%llu", (unsigned long long) c->burst);
        if (cg_set(fd, "cpu.max.burst", v, "linux.resources.cpu.burst", err) < 0)
            return -1;
    }
    if (c->has_idle) {
        snprintf(v, sizeof(v), "%lld", (long long) c->idle);
        if (cg_set(fd, "cpu.idle", v, "linux.resources.cpu.idle", err) < 0)
            return -1;
    }
    if (c->cpus && *c->cpus && cg_set(fd, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
        return -1;
    if (c->mems && *c->mems && cg_set(fd, "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
        return -1;
    return 0;
}

/* io.weight takes the converted blkio weight ("default N", "MAJ:MIN N");
 * without io.weight (no io cost model) BFQ's io.bfq.weight takes it as is. */
static int apply_weights(int fd, const struct oci_block_io *b, err_t *err)
{
    bool io_weight = cg_file_exists(fd, "io.weight");
    bool bfq = !io_weight && cg_file_exists(fd, "io.bfq.weight");
    const char *file = bfq ? "io.bfq.weight" : "io.weight";
    if (b->has_weight) {
        uint64_t w = bfq ? b->weight : cg_blkio_weight_to_io(b->weight);
        cleanup_free char *v = xasprintf("default %llu", (unsigned long long) w);
        if (cg_set(fd, file, v, "linux.resources.blockIO.weight", err) < 0)
            return -1;
    }
    for (size_t i = 0; i < b->weight_devices_len; i++) {
        const struct oci_weight_device *d = &b->weight_devices[i];
        if (!d->has_weight)
            continue;
        char path[80];
        snprintf(path, sizeof(path), "linux.resources.blockIO.weightDevice[%zu]", i);
        uint64_t w = bfq ? d->weight : cg_blkio_weight_to_io(d->weight);
        cleanup_free char *v = xasprintf("%lld:%lld %llu", (long long) d->major, (long long) d->minor,
                                         (unsigned long long) w);
        if (cg_set(fd, file, v, path, err) < 0)
            return -1;
    }
    return 0;
}

static int apply_io(int fd, const struct oci_block_io *b, err_t *err)
{
    static const char *keys[THROTTLE_KINDS] = {"rbps", "wbps", "riops", "wiops"};
    if (apply_weights(fd, b, err) < 0)
        return -1;
    for (int k = 0; k < THROTTLE_KINDS; k++) {
        for (size_t i = 0; i < b->throttle[k].len; i++) {
            const struct oci_throttle_device *t = &b->throttle[k].devices[i];
            char path[80], rate[32] = "max";
            snprintf(path, sizeof(path), "linux.resources.blockIO.%s[%zu]", oci_throttle_names[k], i);
            /* 0 lifts the limit, as it does in v1's blkio.throttle files. */
            if (t->rate)
                snprintf(rate, sizeof(rate), "%llu", (unsigned long long) t->rate);
            cleanup_free char *v = xasprintf("%lld:%lld %s=%s", (long long) t->major, (long long) t->minor, keys[k],
                                             rate);
            if (cg_set(fd, "io.max", v, path, err) < 0)
                return -1;
        }
    }
    return 0;
}

int cg_v2_apply_hugetlb(int fd, const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
        const struct oci_hugepage_limit *l = &r->hugepage_limits[i];
        char path[80], value[32];
        snprintf(path, sizeof(path), "linux.resources.hugepageLimits[%zu]", i);
        snprintf(value, sizeof(value), "%llu", (unsigned long long) l->limit);
        cleanup_free char *file = xasprintf("hugetlb.%s.max", l->page_size);
        cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", l->page_size);
        if (!cg_file_exists(fd, file)) {
            cleanup_free char *size_path = xasprintf("%s.pageSize", path);
            return config_err(err, size_path, "no %s in the container's cgroup (is the hugetlb controller enabled?)",
                              file);
        }
        /* The reservation limit also covers pages reserved at mmap time. */
        if (cg_file_exists(fd, rsvd) && cg_set(fd, rsvd, value, path, err) < 0)
            return -1;
        if (cg_set(fd, file, value, path, err) < 0)
            return -1;
    }
    return 0;
}

/* Written last, so a raw key overrides the structured settings. A value
 * of several lines is written one line at a time (io.max, rdma.max). */
int cg_v2_apply_unified(int fd, const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; r->has_unified && i < r->unified.len; i++) {
        const struct oci_map_entry *e = &r->unified.entries[i];
        cleanup_free char *path = xasprintf("linux.resources.unified[\"%s\"]", e->key);
        if (cg_check_unified_key(e->key, err) < 0)
            return -1;
        if (!cg_file_exists(fd, e->key)) {
            cleanup_free char *controller = strndup(e->key, strcspn(e->key, "."));
            return config_err(err, path, "no such file in the container's cgroup (is the %s controller available?)",
                              controller ? controller : "");
        }
        cleanup_free char *value = xstrdup(e->value ? e->value : "");
        char *save = NULL;
        bool wrote = false;
        for (char *line = strtok_r(value, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            if (cg_set(fd, e->key, line, path, err) < 0)
                return -1;
            wrote = true;
        }
        if (!wrote && cg_set(fd, e->key, "", path, err) < 0)
            return -1;
    }
    return 0;
}

int cg_v2_apply(const struct cgroup *cg, const struct oci_resources *r, bool update, err_t *err)
{
    cleanup_close int fd = cg_open_dir(&cg->hier[0], err);
    if (fd < 0)
        return -1;
    if (update && cg_v2_check(cg, r, err) < 0)
        return -1;
    if (apply_memory(fd, r ? r->memory : NULL, update, err) < 0)
        return -1;
    /* An update without device rules leaves the device filter alone. */
    if (!cg->no_device_rules && (!update || (r && r->devices_len))) {
        struct cg_dev_state state;
        if (cg_dev_state_from_config(r, &state, err) < 0)
            return -1;
        int ret = cg_devices_bpf_apply(fd, &state, err);
        cg_dev_state_free(&state);
        if (ret < 0)
            return -1;
    }
    if (r == NULL)
        return 0;
    if (r->cpu && apply_cpu(fd, r->cpu, err) < 0)
        return -1;
    if (r->pids && r->pids->has_limit) {
        cleanup_free char *v = cg_limit_str(r->pids->limit);
        if (cg_set(fd, "pids.max", v, "linux.resources.pids.limit", err) < 0)
            return -1;
    }
    if (r->block_io && apply_io(fd, r->block_io, err) < 0)
        return -1;
    if (cg_v2_apply_hugetlb(fd, r, err) < 0 || cg_set_rdma(fd, r, err) < 0)
        return -1;
    return cg_v2_apply_unified(fd, r, err);
}

static void add_controller(char ***list, const char *controller)
{
    size_t n = strv_len(*list);
    for (size_t i = 0; i < n; i++)
        if (strcmp((*list)[i], controller) == 0)
            return;
    *list = xrealloc(*list, (n + 2) * sizeof(char *));
    (*list)[n] = xstrdup(controller);
    (*list)[n + 1] = NULL;
}

void cg_v2_controllers(const struct oci_resources *r, bool hybrid, struct cg_controllers *out)
{
    static const char *always[] = {"cpu", "io", "memory", "pids"};
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; !hybrid && i < ARRAY_SIZE(always); i++)
        add_controller(&out->wanted, always[i]);
    if (r == NULL)
        return;
    if (!hybrid) {
        if (memory_set(r->memory))
            add_controller(&out->required, "memory");
        if (r->cpu && (r->cpu->has_shares || r->cpu->has_quota || r->cpu->has_period || r->cpu->has_burst ||
                       r->cpu->has_idle))
            add_controller(&out->required, "cpu");
        if (r->cpu && ((r->cpu->cpus && *r->cpu->cpus) || (r->cpu->mems && *r->cpu->mems)))
            add_controller(&out->required, "cpuset");
        if (r->pids && r->pids->has_limit)
            add_controller(&out->required, "pids");
        if (r->block_io)
            add_controller(&out->required, "io");
        if (r->rdma_len)
            add_controller(&out->required, "rdma");
    }
    if (r->hugepage_limits_len)
        add_controller(&out->required, "hugetlb");
    for (size_t i = 0; r->has_unified && i < r->unified.len; i++) {
        const char *key = r->unified.entries[i].key;
        size_t n = strcspn(key, ".");
        cleanup_free char *controller = strndup(key, n);
        if (controller && strcmp(controller, "cgroup") != 0)
            add_controller(&out->required, controller);
    }
}
