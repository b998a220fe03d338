/* config.json: linux.seccomp. */
#include "parse.h"

static int arg_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_syscall_arg *a = obj;
    if (streq(key, "index"))
        return json_u32(c, v, &a->index);
    if (streq(key, "value"))
        return json_u64(c, v, &a->value);
    if (streq(key, "valueTwo"))
        return json_u64(c, v, &a->value_two);
    if (streq(key, "op"))
        return json_string(c, v, &a->op);
    return JSON_FIELD_UNKNOWN;
}

static int parse_arg(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"index", "value", NULL};
    return json_object(c, v, arg_field, item, required);
}

static int syscall_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_syscall *s = obj;
    if (streq(key, "names"))
        return json_string_array(c, v, &s->names, &s->names_len);
    if (streq(key, "action"))
        return json_string(c, v, &s->action);
    if (streq(key, "errnoRet"))
        return json_opt_u32(c, v, &s->errno_ret, &s->has_errno_ret);
    if (streq(key, "args"))
        return json_array_of(c, v, sizeof(*s->args), parse_arg, (void **) &s->args, &s->args_len);
    return JSON_FIELD_UNKNOWN;
}

static int parse_syscall(struct jctx *c, yajl_val v, void *item)
{
    return json_object(c, v, syscall_field, item, NULL);
}

static int seccomp_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_seccomp *s = obj;
    if (streq(key, "defaultAction"))
        return json_string(c, v, &s->default_action);
    if (streq(key, "defaultErrnoRet"))
        return json_opt_u32(c, v, &s->default_errno_ret, &s->has_default_errno_ret);
    if (streq(key, "architectures"))
        return json_string_array(c, v, &s->architectures, &s->architectures_len);
    if (streq(key, "flags"))
        return json_string_array(c, v, &s->flags, &s->flags_len);
    if (streq(key, "listenerPath"))
        return json_string(c, v, &s->listener_path);
    if (streq(key, "listenerMetadata"))
        return json_string(c, v, &s->listener_metadata);
    if (streq(key, "syscalls"))
        return json_array_of(c, v, sizeof(*s->syscalls), parse_syscall, (void **) &s->syscalls, &s->syscalls_len);
    return JSON_FIELD_UNKNOWN;
}

int parse_seccomp(struct jctx *c, yajl_val v, struct oci_seccomp **out)
{
    *out = xzalloc(sizeof(**out));
    return json_object(c, v, seccomp_field, *out, NULL);
}
