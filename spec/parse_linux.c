/* config.json: linux, except resources and seccomp. */
#include "parse.h"

#include <stdlib.h>

static int namespace_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_namespace *ns = obj;
    if (streq(key, "type")) {
        if (!YAJL_IS_STRING(v))
            return jctx_err(c, "expected a string");
        for (int t = 0; t < NS_TYPES; t++) {
            if (streq(v->u.string, oci_ns_names[t])) {
                ns->type = (enum oci_ns_type) t;
                return 0;
            }
        }
        return jctx_err(c, "unknown namespace \"%s\"", v->u.string);
    }
    if (streq(key, "path")) {
        if (json_string(c, v, &ns->path) < 0)
            return -1;
        /* "" is how Go writes an unset path */
        if (ns->path[0] == '\0') {
            free(ns->path);
            ns->path = NULL;
        }
        return 0;
    }
    return JSON_FIELD_UNKNOWN;
}

static int parse_namespace(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"type", NULL};
    return json_object(c, v, namespace_field, item, required);
}

static int time_offset_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_time_offset *t = obj;
    if (streq(key, "secs"))
        return json_i64(c, v, &t->secs);
    if (streq(key, "nanosecs"))
        return json_u32(c, v, &t->nanosecs);
    return JSON_FIELD_UNKNOWN;
}

/* The spec writes timeOffsets as a map, but only two clocks can be
 * offset, so it is read as an object with those two members. */
static int time_offsets_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_linux *l = obj;
    struct oci_time_offset *t;
    if (streq(key, "monotonic"))
        t = &l->monotonic_offset;
    else if (streq(key, "boottime"))
        t = &l->boottime_offset;
    else
        return jctx_err(c, "unknown clock (only \"monotonic\" and \"boottime\" have offsets)");
    t->set = true;
    return json_object(c, v, time_offset_field, t, NULL);
}

static int device_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_device *d = obj;
    if (streq(key, "type")) {
        if (!YAJL_IS_STRING(v))
            return jctx_err(c, "expected a string");
        const char *s = v->u.string;
        if (strlen(s) != 1 || !strchr("cbup", s[0]))
            return jctx_err(c, "unknown device type \"%s\" (expected c, b, u or p)", s);
        d->type = s[0];
        return 0;
    }
    if (streq(key, "path"))
        return json_string(c, v, &d->path);
    if (streq(key, "major"))
        return json_i64(c, v, &d->major);
    if (streq(key, "minor"))
        return json_i64(c, v, &d->minor);
    if (streq(key, "fileMode"))
        return json_opt_u32(c, v, &d->file_mode, &d->has_file_mode);
    if (streq(key, "uid"))
        return json_opt_u32(c, v, &d->uid, &d->has_uid);
    if (streq(key, "gid"))
        return json_opt_u32(c, v, &d->gid, &d->has_gid);
    return JSON_FIELD_UNKNOWN;
}

static int parse_device(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"type", NULL};
    static const char *const numbers[] = {"major", "minor"};
    struct oci_device *d = item;
    if (json_object(c, v, device_field, d, required) < 0)
        return -1;
    /* A fifo has no device numbers; every other type needs both. */
    for (size_t i = 0; d->type != 'p' && i < ARRAY_SIZE(numbers); i++) {
        if (!json_has_member(v, numbers[i])) {
            jpath_push_key(c, numbers[i]);
            return jctx_err(c, "is required");
        }
    }
    return 0;
}

static int net_device_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_net_device *d = obj;
    if (streq(key, "name"))
        return json_string(c, v, &d->name);
    return JSON_FIELD_UNKNOWN;
}

static int parse_net_device(struct jctx *c, const char *key, yajl_val v, void *item)
{
    struct oci_net_device *d = item;
    d->host_name = xstrdup(key);
    return json_object(c, v, net_device_field, d, NULL);
}

static int intel_rdt_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_intel_rdt *rdt = obj;
    if (streq(key, "closID"))
        return json_string(c, v, &rdt->clos_id);
    if (streq(key, "l3CacheSchema"))
        return json_string(c, v, &rdt->l3_cache_schema);
    if (streq(key, "memBwSchema"))
        return json_string(c, v, &rdt->mem_bw_schema);
    if (streq(key, "schemata"))
        return json_string_array(c, v, &rdt->schemata, &rdt->schemata_len);
    if (streq(key, "enableMonitoring"))
        return json_bool(c, v, &rdt->enable_monitoring);
    return JSON_FIELD_UNKNOWN;
}

static int personality_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_personality *p = obj;
    if (streq(key, "domain"))
        return json_string(c, v, &p->domain);
    if (streq(key, "flags"))
        return json_string_array(c, v, &p->flags, &p->flags_len);
    return JSON_FIELD_UNKNOWN;
}

static int memory_policy_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_memory_policy *mp = obj;
    if (streq(key, "mode"))
        return json_string(c, v, &mp->mode);
    if (streq(key, "nodes"))
        return json_string(c, v, &mp->nodes);
    if (streq(key, "flags"))
        return json_string_array(c, v, &mp->flags, &mp->flags_len);
    return JSON_FIELD_UNKNOWN;
}

static int linux_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_linux *l = obj;
    if (streq(key, "namespaces"))
        return json_array_of(c, v, sizeof(*l->namespaces), parse_namespace, (void **) &l->namespaces,
                             &l->namespaces_len);
    if (streq(key, "uidMappings"))
        return parse_id_mappings(c, v, &l->uid_mappings, &l->uid_mappings_len);
    if (streq(key, "gidMappings"))
        return parse_id_mappings(c, v, &l->gid_mappings, &l->gid_mappings_len);
    if (streq(key, "timeOffsets"))
        return json_object(c, v, time_offsets_field, l, NULL);
    if (streq(key, "devices"))
        return json_array_of(c, v, sizeof(*l->devices), parse_device, (void **) &l->devices, &l->devices_len);
    if (streq(key, "netDevices"))
        return json_map_of(c, v, sizeof(*l->net_devices), parse_net_device, (void **) &l->net_devices,
                           &l->net_devices_len);
    if (streq(key, "cgroupsPath"))
        return json_string(c, v, &l->cgroups_path);
    if (streq(key, "resources"))
        return parse_resources(c, v, &l->resources);
    if (streq(key, "rootfsPropagation"))
        return json_string(c, v, &l->rootfs_propagation);
    if (streq(key, "seccomp"))
        return parse_seccomp(c, v, &l->seccomp);
    if (streq(key, "sysctl")) {
        l->has_sysctl = true;
        return json_string_map(c, v, &l->sysctl);
    }
    if (streq(key, "maskedPaths"))
        return json_string_array(c, v, &l->masked_paths, &l->masked_paths_len);
    if (streq(key, "readonlyPaths"))
        return json_string_array(c, v, &l->readonly_paths, &l->readonly_paths_len);
    if (streq(key, "mountLabel"))
        return json_string(c, v, &l->mount_label);
    if (streq(key, "intelRdt")) {
        l->intel_rdt = xzalloc(sizeof(*l->intel_rdt));
        return json_object(c, v, intel_rdt_field, l->intel_rdt, NULL);
    }
    if (streq(key, "personality")) {
        l->personality = xzalloc(sizeof(*l->personality));
        return json_object(c, v, personality_field, l->personality, NULL);
    }
    if (streq(key, "memoryPolicy")) {
        l->memory_policy = xzalloc(sizeof(*l->memory_policy));
        return json_object(c, v, memory_policy_field, l->memory_policy, NULL);
    }
    return JSON_FIELD_UNKNOWN;
}

int parse_linux(struct jctx *c, yajl_val v, struct oci_linux **out)
{
    *out = xzalloc(sizeof(**out));
    return json_object(c, v, linux_field, *out, NULL);
}
