/* config.json: the top level, root, mounts and hooks; and the entry points
 * spec_parse_config and spec_load_config. */
#include "parse.h"

#include <errno.h>
#include <fcntl.h>

static int id_mapping_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_id_mapping *m = obj;
    if (streq(key, "containerID"))
        return json_u32(c, v, &m->container_id);
    if (streq(key, "hostID"))
        return json_u32(c, v, &m->host_id);
    if (streq(key, "size"))
        return json_u32(c, v, &m->size);
    return JSON_FIELD_UNKNOWN;
}

static int parse_id_mapping(struct jctx *c, yajl_val v, void *item)
{
    static const char *const required[] = {"containerID", "hostID", "size", NULL};
    return json_object(c, v, id_mapping_field, item, required);
}

int parse_id_mappings(struct jctx *c, yajl_val v, struct oci_id_mapping **out, size_t *len)
{
    return json_array_of(c, v, sizeof(**out), parse_id_mapping, (void **) out, len);
}

static int root_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_root *root = obj;
    if (streq(key, "path"))
        return json_string(c, v, &root->path);
    if (streq(key, "readonly"))
        return json_bool(c, v, &root->readonly);
    return JSON_FIELD_UNKNOWN;
}

static int mount_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_mount *m = obj;
    if (streq(key, "destination"))
        return json_string(c, v, &m->destination);
    if (streq(key, "source"))
        return json_string(c, v, &m->source);
    if (streq(key, "type"))
        return json_string(c, v, &m->type);
    if (streq(key, "options"))
        return json_string_array(c, v, &m->options, &m->options_len);
    if (streq(key, "uidMappings"))
        return parse_id_mappings(c, v, &m->uid_mappings, &m->uid_mappings_len);
    if (streq(key, "gidMappings"))
        return parse_id_mappings(c, v, &m->gid_mappings, &m->gid_mappings_len);
    return JSON_FIELD_UNKNOWN;
}

static int parse_mount(struct jctx *c, yajl_val v, void *item)
{
    return json_object(c, v, mount_field, item, NULL);
}

static int hook_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_hook *h = obj;
    if (streq(key, "path"))
        return json_string(c, v, &h->path);
    if (streq(key, "args"))
        return json_string_array(c, v, &h->args, &h->args_len);
    if (streq(key, "env"))
        return json_string_array(c, v, &h->env, &h->env_len);
    if (streq(key, "timeout"))
        return json_opt_int(c, v, &h->timeout, &h->has_timeout);
    return JSON_FIELD_UNKNOWN;
}

static int parse_hook(struct jctx *c, yajl_val v, void *item)
{
    return json_object(c, v, hook_field, item, NULL);
}

static int hooks_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_hook_list *lists = obj;
    for (int kind = 0; kind < HOOK_KINDS; kind++) {
        if (streq(key, oci_hook_names[kind]))
            return json_array_of(c, v, sizeof(struct oci_hook), parse_hook, (void **) &lists[kind].hooks,
                                 &lists[kind].len);
    }
    return JSON_FIELD_UNKNOWN;
}

static int config_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct oci_config *cfg = obj;
    if (streq(key, "ociVersion"))
        return json_string(c, v, &cfg->oci_version);
    if (streq(key, "root")) {
        cfg->root = xzalloc(sizeof(*cfg->root));
        return json_object(c, v, root_field, cfg->root, NULL);
    }
    if (streq(key, "mounts"))
        return json_array_of(c, v, sizeof(*cfg->mounts), parse_mount, (void **) &cfg->mounts, &cfg->mounts_len);
    if (streq(key, "process"))
        return parse_process(c, v, &cfg->process);
    if (streq(key, "hostname"))
        return json_string(c, v, &cfg->hostname);
    if (streq(key, "domainname"))
        return json_string(c, v, &cfg->domainname);
    if (streq(key, "hooks")) {
        cfg->has_hooks = true;
        return json_object(c, v, hooks_field, cfg->hooks, NULL);
    }
    if (streq(key, "annotations"))
        return json_string_map(c, v, &cfg->annotations);
    if (streq(key, "linux"))
        return parse_linux(c, v, &cfg->linux_config);
    if (streq(key, "windows") || streq(key, "solaris") || streq(key, "vm") || streq(key, "zos") ||
        streq(key, "freebsd"))
        return JSON_FIELD_OTHER_PLATFORM;
    return JSON_FIELD_UNKNOWN;
}

int spec_parse_config(const char *json, size_t len, struct oci_config **out, err_t *err)
{
    yajl_val tree = NULL;
    if (json_parse_document("config.json", json, len, &tree, err) < 0)
        return -1;
    struct jctx c;
    jctx_init(&c, "config.json", err);
    cleanup_config struct oci_config *cfg = xzalloc(sizeof(*cfg));
    int r = json_object(&c, tree, config_field, cfg, NULL);
    jctx_release(&c);
    yajl_tree_free(tree);
    if (r < 0)
        return -1;
    *out = steal_ptr(&cfg);
    return 0;
}

int spec_load_config(const char *bundle, struct oci_config **out, char **raw, size_t *raw_len, err_t *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (read_file_at(AT_FDCWD, path, CONFIG_MAX_SIZE, &text, &len, err) < 0) {
        if ((*err)->errnum != EFBIG)
            return -1;
        return make_err(err, 0, "config.json: larger than %u MiB", CONFIG_MAX_SIZE >> 20);
    }
    cleanup_config struct oci_config *cfg = NULL;
    if (spec_parse_config(text, len, &cfg, err) < 0 || spec_validate_config(cfg, err) < 0)
        return -1;
    *out = steal_ptr(&cfg);
    if (raw)
        *raw = steal_ptr(&text);
    if (raw_len)
        *raw_len = len;
    return 0;
}
