/* state.json: the OCI state document as runc prints it, plus (under
 * "berth") what only berth reads back. */
#include "json.h"
#include "json_gen.h"

#include <stdlib.h>

/* runtime-spec runtime.md: pid is REQUIRED when created or running on
 * Linux; a paused container has one too, and so has one being created once
 * its process exists (the state create-time hooks get). */
static bool status_has_pid(enum container_status status, int pid)
{
    return status == STATUS_CREATED || status == STATUS_RUNNING || status == STATUS_PAUSED ||
           (status == STATUS_CREATING && pid > 0);
}

static void gen_annotations(yajl_gen g, const struct oci_map *annotations)
{
    if (annotations->len == 0)
        return;
    json_gen_string(g, "annotations");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < annotations->len; i++)
        json_gen_key_string(g, annotations->entries[i].key, annotations->entries[i].value);
    yajl_gen_map_close(g);
}

static void gen_private_fields(yajl_gen g, const struct container_state *state)
{
    json_gen_string(g, "berth");
    yajl_gen_map_open(g);
    json_gen_key_i64(g, "pid", state->pid);
    json_gen_key_u64(g, "startTime", state->start_time);
    json_gen_key_u64(g, "owner", state->owner);
    json_gen_key_string(g, "cgroupPath", state->cgroup_path);
    json_gen_key_bool(g, "ownPidNs", state->own_pid_ns);
    json_gen_key_bool(g, "oomKilled", state->oom_killed);
    json_gen_key_u64(g, "hooks", state->hook_kinds);
    yajl_gen_map_close(g);
}

char *spec_state_to_json(const struct container_state *state, enum container_status status, bool with_private_fields)
{
    yajl_gen g = json_gen_new("  ");
    yajl_gen_map_open(g);
    json_gen_key_string(g, "ociVersion", OCI_VERSION);
    json_gen_key_string(g, "id", state->id);
    if (status_has_pid(status, state->pid))
        json_gen_key_i64(g, "pid", state->pid);
    json_gen_key_string(g, "status", container_status_names[status]);
    if (state->oom_killed)
        json_gen_key_bool(g, "oomKilled", true);
    json_gen_key_string(g, "bundle", state->bundle);
    json_gen_key_string(g, "rootfs", state->rootfs);
    json_gen_key_string(g, "created", state->created);
    gen_annotations(g, &state->annotations);
    /* `runc state` leaves owner empty; only `runc list` fills it in. */
    json_gen_key_string(g, "owner", state->owner_name ? state->owner_name : "");
    if (with_private_fields)
        gen_private_fields(g, state);
    yajl_gen_map_close(g);
    return json_gen_finish(g);
}

static int private_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    struct container_state *s = obj;
    if (streq(key, "pid"))
        return json_int(c, v, &s->pid);
    if (streq(key, "startTime")) {
        uint64_t t;
        if (json_u64(c, v, &t) < 0)
            return -1;
        s->start_time = t;
        return 0;
    }
    if (streq(key, "owner"))
        return json_u32(c, v, &s->owner);
    if (streq(key, "cgroupPath"))
        return json_string(c, v, &s->cgroup_path);
    if (streq(key, "ownPidNs"))
        return json_bool(c, v, &s->own_pid_ns);
    if (streq(key, "hooks"))
        return json_u32(c, v, &s->hook_kinds);
    if (streq(key, "oomKilled"))
        return json_bool(c, v, &s->oom_killed);
    return JSON_FIELD_UNKNOWN;
}

static int state_field(struct jctx *c, const char *key, yajl_val v, void *obj)
{
    static const char *const private_required[] = {"pid", "startTime", NULL};
    struct container_state *s = obj;
    if (streq(key, "id"))
        return json_string(c, v, &s->id);
    if (streq(key, "bundle"))
        return json_string(c, v, &s->bundle);
    if (streq(key, "rootfs"))
        return json_string(c, v, &s->rootfs);
    if (streq(key, "created"))
        return json_string(c, v, &s->created);
    if (streq(key, "annotations"))
        return json_string_map(c, v, &s->annotations);
    if (streq(key, "berth"))
        return json_object(c, v, private_field, s, private_required);
    /* what the user view derives at print time */
    if (streq(key, "ociVersion") || streq(key, "pid") || streq(key, "status") || streq(key, "oomKilled") ||
        streq(key, "owner"))
        return 0;
    return JSON_FIELD_UNKNOWN;
}

int spec_state_from_json(const char *json, size_t len, struct container_state **out, err_t *err)
{
    static const char *const required[] = {"id", "bundle", "berth", NULL};
    yajl_val tree = NULL;
    if (json_parse_document("state.json", json, len, &tree, err) < 0)
        return -1;
    struct jctx c;
    jctx_init(&c, "state.json", err);
    cleanup_state struct container_state *state = xzalloc(sizeof(*state));
    int r = json_object(&c, tree, state_field, state, required);
    jctx_release(&c);
    yajl_tree_free(tree);
    if (r < 0)
        return -1;
    if (state->cgroup_path == NULL)
        state->cgroup_path = xstrdup("");
    *out = steal_ptr(&state);
    return 0;
}

void spec_free_state(struct container_state *state)
{
    if (state == NULL)
        return;
    free(state->id);
    free(state->bundle);
    free(state->rootfs);
    free(state->created);
    free(state->cgroup_path);
    free(state->owner_name);
    oci_map_free(&state->annotations);
    free(state);
}

void cleanup_statep(struct container_state **state)
{
    spec_free_state(*state);
    *state = NULL;
}
