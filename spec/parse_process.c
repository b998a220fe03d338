/* config.json: process. */
#include "parse.h"

static int console_size_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_process *p = obj;
    if (streq(key, "height"))
        return json_u32(c, v, &p->console_height);
    if (streq(key, "width"))
        return json_u32(c, v, &p->console_width);
    return JSON_FIELD_UNKNOWN;
}

static int user_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_user *u = obj;
    if (streq(key, "uid"))
        return json_u32(c, v, &u->uid);
    if (streq(key, "gid"))
        return json_u32(c, v, &u->gid);
    if (streq(key, "umask"))
        return json_opt_u32(c, v, &u->umask, &u->has_umask);
    if (streq(key, "additionalGids"))
        return json_u32_array(c, v, &u->additional_gids, &u->additional_gids_len);
    if (streq(key, "username"))
        return JSON_FIELD_OTHER_PLATFORM;
    return JSON_FIELD_UNKNOWN;
}

static int rlimit_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_rlimit *r = obj;
    if (streq(key, "type"))
        return json_string(c, v, &r->type);
    if (streq(key, "soft"))
        return json_u64(c, v, &r->soft);
    if (streq(key, "hard"))
        return json_u64(c, v, &r->hard);
    return JSON_FIELD_UNKNOWN;
}

static int parse_rlimit(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"soft", "hard", NULL};
    struct oci_rlimit *r = item;
    r->resource = -1;
    return json_object(c, v, rlimit_field, item, required);
}

static int capabilities_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_capabilities *caps = obj;
    if (streq(key, "bounding"))
        return json_string_array(c, v, &caps->bounding, &caps->bounding_len);
    if (streq(key, "effective"))
        return json_string_array(c, v, &caps->effective, &caps->effective_len);
    if (streq(key, "inheritable"))
        return json_string_array(c, v, &caps->inheritable, &caps->inheritable_len);
    if (streq(key, "permitted"))
        return json_string_array(c, v, &caps->permitted, &caps->permitted_len);
    if (streq(key, "ambient"))
        return json_string_array(c, v, &caps->ambient, &caps->ambient_len);
    return JSON_FIELD_UNKNOWN;
}

static int scheduler_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_scheduler *s = obj;
    if (streq(key, "policy"))
        return json_string(c, v, &s->policy);
    if (streq(key, "nice"))
        return json_i32(c, v, &s->nice);
    if (streq(key, "priority"))
        return json_i32(c, v, &s->priority);
    if (streq(key, "flags"))
        return json_string_array(c, v, &s->flags, &s->flags_len);
    if (streq(key, "runtime"))
        return json_u64(c, v, &s->runtime);
    if (streq(key, "deadline"))
        return json_u64(c, v, &s->deadline);
    if (streq(key, "period"))
        return json_u64(c, v, &s->period);
    return JSON_FIELD_UNKNOWN;
}

static int io_priority_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_io_priority *io = obj;
    if (streq(key, "class"))
        return json_string(c, v, &io->class_name);
    if (streq(key, "priority"))
        return json_i32(c, v, &io->priority);
    return JSON_FIELD_UNKNOWN;
}

static int cpu_affinity_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_cpu_affinity *a = obj;
    if (streq(key, "initial"))
        return json_string(c, v, &a->initial);
    if (streq(key, "final"))
        return json_string(c, v, &a->final);
    return JSON_FIELD_UNKNOWN;
}

static int process_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    static const char *const console_required[] = {"height", "width", NULL};
    static const char *const user_required[] = {"uid", "gid", NULL};
    static const char *const io_priority_required[] = {"priority", NULL};
    struct oci_process *p = obj;
    if (streq(key, "terminal"))
        return json_bool(c, v, &p->terminal);
    if (streq(key, "consoleSize")) {
        p->has_console_size = true;
        return json_object(c, v, console_size_field, p, console_required);
    }
    if (streq(key, "cwd"))
        return json_string(c, v, &p->cwd);
    if (streq(key, "args"))
        return json_string_array(c, v, &p->args, &p->args_len);
    if (streq(key, "env"))
        return json_string_array(c, v, &p->env, &p->env_len);
    if (streq(key, "user"))
        return json_object(c, v, user_field, &p->user, user_required);
    if (streq(key, "rlimits"))
        return json_array_of(c, v, sizeof(*p->rlimits), parse_rlimit, (void **) &p->rlimits, &p->rlimits_len);
    if (streq(key, "capabilities")) {
        p->capabilities = xzalloc(sizeof(*p->capabilities));
        return json_object(c, v, capabilities_field, p->capabilities, NULL);
    }
    if (streq(key, "noNewPrivileges"))
        return json_bool(c, v, &p->no_new_privileges);
    if (streq(key, "apparmorProfile"))
        return json_string(c, v, &p->apparmor_profile);
    if (streq(key, "oomScoreAdj"))
        return json_opt_int(c, v, &p->oom_score_adj, &p->has_oom_score_adj);
    if (streq(key, "selinuxLabel"))
        return json_string(c, v, &p->selinux_label);
    if (streq(key, "scheduler")) {
        p->scheduler = xzalloc(sizeof(*p->scheduler));
        return json_object(c, v, scheduler_field, p->scheduler, NULL);
    }
    if (streq(key, "ioPriority")) {
        p->io_priority = xzalloc(sizeof(*p->io_priority));
        return json_object(c, v, io_priority_field, p->io_priority, io_priority_required);
    }
    if (streq(key, "execCPUAffinity")) {
        p->exec_cpu_affinity = xzalloc(sizeof(*p->exec_cpu_affinity));
        return json_object(c, v, cpu_affinity_field, p->exec_cpu_affinity, NULL);
    }
    if (streq(key, "commandLine"))
        return JSON_FIELD_OTHER_PLATFORM;
    return JSON_FIELD_UNKNOWN;
}

int parse_process(struct jctx *c, yajl_val v, struct oci_process **out)
{
    *out = xzalloc(sizeof(**out));
    return json_object(c, v, process_field, *out, NULL);
}
