/* config.json: linux.resources. */
#include "parse.h"

static int device_rule_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_device_rule *d = obj;
    if (streq(key, "allow"))
        return json_bool(c, v, &d->allow);
    if (streq(key, "type")) {
        if (!YAJL_IS_STRING(v))
            return jctx_err(c, "expected a string");
        const char *s = v->u.string;
        if (strlen(s) != 1 || !strchr("acb", s[0]))
            return jctx_err(c, "unknown device type \"%s\" (expected a, c or b)", s);
        d->type = s[0];
        return 0;
    }
    if (streq(key, "major"))
        return json_i64(c, v, &d->major);
    if (streq(key, "minor"))
        return json_i64(c, v, &d->minor);
    if (streq(key, "access"))
        return json_string(c, v, &d->access);
    return JSON_FIELD_UNKNOWN;
}

static int parse_device_rule(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"allow", NULL};
    struct oci_device_rule *d = item;
    d->type = 'a';
    d->major = -1;
    d->minor = -1;
    return json_object(c, v, device_rule_field, d, required);
}

static int memory_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_memory *m = obj;
    if (streq(key, "limit"))
        return json_opt_i64(c, v, &m->limit, &m->has_limit);
    if (streq(key, "reservation"))
        return json_opt_i64(c, v, &m->reservation, &m->has_reservation);
    if (streq(key, "swap"))
        return json_opt_i64(c, v, &m->swap, &m->has_swap);
    if (streq(key, "kernel"))
        return json_opt_i64(c, v, &m->kernel, &m->has_kernel);
    if (streq(key, "kernelTCP"))
        return json_opt_i64(c, v, &m->kernel_tcp, &m->has_kernel_tcp);
    if (streq(key, "swappiness"))
        return json_opt_u64(c, v, &m->swappiness, &m->has_swappiness);
    if (streq(key, "disableOOMKiller"))
        return json_opt_bool(c, v, &m->disable_oom_killer, &m->has_disable_oom_killer);
    if (streq(key, "useHierarchy"))
        return json_opt_bool(c, v, &m->use_hierarchy, &m->has_use_hierarchy);
    if (streq(key, "checkBeforeUpdate"))
        return json_opt_bool(c, v, &m->check_before_update, &m->has_check_before_update);
    return JSON_FIELD_UNKNOWN;
}

static int cpu_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_cpu *cpu = obj;
    if (streq(key, "shares"))
        return json_opt_u64(c, v, &cpu->shares, &cpu->has_shares);
    if (streq(key, "quota"))
        return json_opt_i64(c, v, &cpu->quota, &cpu->has_quota);
    if (streq(key, "burst"))
        return json_opt_u64(c, v, &cpu->burst, &cpu->has_burst);
    if (streq(key, "period"))
        return json_opt_u64(c, v, &cpu->period, &cpu->has_period);
    if (streq(key, "realtimeRuntime"))
        return json_opt_i64(c, v, &cpu->realtime_runtime, &cpu->has_realtime_runtime);
    if (streq(key, "realtimePeriod"))
        return json_opt_u64(c, v, &cpu->realtime_period, &cpu->has_realtime_period);
    if (streq(key, "cpus"))
        return json_string(c, v, &cpu->cpus);
    if (streq(key, "mems"))
        return json_string(c, v, &cpu->mems);
    if (streq(key, "idle"))
        return json_opt_i64(c, v, &cpu->idle, &cpu->has_idle);
    return JSON_FIELD_UNKNOWN;
}

static int weight_device_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_weight_device *d = obj;
    if (streq(key, "major"))
        return json_i64(c, v, &d->major);
    if (streq(key, "minor"))
        return json_i64(c, v, &d->minor);
    if (streq(key, "weight"))
        return json_opt_u16(c, v, &d->weight, &d->has_weight);
    if (streq(key, "leafWeight"))
        return json_opt_u16(c, v, &d->leaf_weight, &d->has_leaf_weight);
    return JSON_FIELD_UNKNOWN;
}

static int parse_weight_device(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"major", "minor", NULL};
    return json_object(c, v, weight_device_field, item, required);
}

static int throttle_device_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_throttle_device *d = obj;
    if (streq(key, "major"))
        return json_i64(c, v, &d->major);
    if (streq(key, "minor"))
        return json_i64(c, v, &d->minor);
    if (streq(key, "rate"))
        return json_u64(c, v, &d->rate);
    return JSON_FIELD_UNKNOWN;
}

static int parse_throttle_device(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"major", "minor", "rate", NULL};
    return json_object(c, v, throttle_device_field, item, required);
}

static int block_io_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_block_io *b = obj;
    if (streq(key, "weight"))
        return json_opt_u16(c, v, &b->weight, &b->has_weight);
    if (streq(key, "leafWeight"))
        return json_opt_u16(c, v, &b->leaf_weight, &b->has_leaf_weight);
    if (streq(key, "weightDevice"))
        return json_array_of(c, v, sizeof(*b->weight_devices), parse_weight_device, (void **) &b->weight_devices,
                             &b->weight_devices_len);
    for (int kind = 0; kind < THROTTLE_KINDS; kind++) {
        if (streq(key, oci_throttle_names[kind]))
            return json_array_of(c, v, sizeof(struct oci_throttle_device), parse_throttle_device,
                                 (void **) &b->throttle[kind].devices, &b->throttle[kind].len);
    }
    return JSON_FIELD_UNKNOWN;
}

static int hugepage_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_hugepage_limit *h = obj;
    if (streq(key, "pageSize"))
        return json_string(c, v, &h->page_size);
    if (streq(key, "limit"))
        return json_u64(c, v, &h->limit);
    return JSON_FIELD_UNKNOWN;
}

static int parse_hugepage_limit(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"limit", NULL};
    return json_object(c, v, hugepage_field, item, required);
}

static int net_priority_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_net_priority *p = obj;
    if (streq(key, "name"))
        return json_string(c, v, &p->name);
    if (streq(key, "priority"))
        return json_u32(c, v, &p->priority);
    return JSON_FIELD_UNKNOWN;
}

static int parse_net_priority(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"priority", NULL};
    return json_object(c, v, net_priority_field, item, required);
}

static int network_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_network *n = obj;
    if (streq(key, "classID"))
        return json_opt_u32(c, v, &n->class_id, &n->has_class_id);
    if (streq(key, "priorities"))
        return json_array_of(c, v, sizeof(*n->priorities), parse_net_priority, (void **) &n->priorities,
                             &n->priorities_len);
    return JSON_FIELD_UNKNOWN;
}

static int pids_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_pids *p = obj;
    if (streq(key, "limit"))
        return json_opt_i64(c, v, &p->limit, &p->has_limit);
    return JSON_FIELD_UNKNOWN;
}

static int rdma_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_rdma_limit *r = obj;
    if (streq(key, "hcaHandles"))
        return json_opt_u32(c, v, &r->hca_handles, &r->has_hca_handles);
    if (streq(key, "hcaObjects"))
        return json_opt_u32(c, v, &r->hca_objects, &r->has_hca_objects);
    return JSON_FIELD_UNKNOWN;
}

static int parse_rdma_limit(struct jctx *c, const char *key, yajl_val v, void *item)
{
    struct oci_rdma_limit *r = item;
    r->device = xstrdup(key);
    return json_object(c, v, rdma_field, r, NULL);
}

static int resources_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_resources *r = obj;
    if (streq(key, "devices"))
        return json_array_of(c, v, sizeof(*r->devices), parse_device_rule, (void **) &r->devices, &r->devices_len);
    if (streq(key, "memory")) {
        r->memory = xzalloc(sizeof(*r->memory));
        return json_object(c, v, memory_field, r->memory, NULL);
    }
    if (streq(key, "cpu")) {
        r->cpu = xzalloc(sizeof(*r->cpu));
        return json_object(c, v, cpu_field, r->cpu, NULL);
    }
    if (streq(key, "blockIO")) {
        r->block_io = xzalloc(sizeof(*r->block_io));
        return json_object(c, v, block_io_field, r->block_io, NULL);
    }
    if (streq(key, "hugepageLimits"))
        return json_array_of(c, v, sizeof(*r->hugepage_limits), parse_hugepage_limit, (void **) &r->hugepage_limits,
                             &r->hugepage_limits_len);
    if (streq(key, "network")) {
        r->network = xzalloc(sizeof(*r->network));
        return json_object(c, v, network_field, r->network, NULL);
    }
    if (streq(key, "pids")) {
        r->pids = xzalloc(sizeof(*r->pids));
        return json_object(c, v, pids_field, r->pids, NULL);
    }
    if (streq(key, "rdma"))
        return json_map_of(c, v, sizeof(*r->rdma), parse_rdma_limit, (void **) &r->rdma, &r->rdma_len);
    if (streq(key, "unified")) {
        r->has_unified = true;
        return json_string_map(c, v, &r->unified);
    }
    return JSON_FIELD_UNKNOWN;
}

int parse_resources(struct jctx *c, yajl_val v, struct oci_resources **out)
{
    *out = xzalloc(sizeof(**out));
    return json_object(c, v, resources_field, *out, NULL);
}
