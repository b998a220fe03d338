/* Reading JSON objects, maps and arrays out of a yajl tree. */
#include "json.h"

#include <stdlib.h>

struct key_ref {
    const char *key;
    size_t index;
};

static int compare_key_refs(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (r != 0)
        return r;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* glossary.md forbids duplicate names; yajl keeps both, so look. Sorting
 * keeps a map of many keys (annotations) fast. Reports the duplicate that
 * comes first in the file. */
static int check_duplicate_keys(struct jctx *c, yajl_val obj, bool map_keys)
{
    size_t n = obj->u.object.len;
    if (n < 2)
        return 0;
    cleanup_free struct key_ref *refs = xmalloc(n * sizeof(*refs));
    for (size_t i = 0; i < n; i++)
        refs[i] = (struct key_ref){obj->u.object.keys[i], i};
    qsort(refs, n, sizeof(*refs), compare_key_refs);
    size_t first = n;
    for (size_t i = 1; i < n; i++) {
        if (streq(refs[i].key, refs[i - 1].key) && refs[i].index < first)
            first = refs[i].index;
    }
    if (first == n)
        return 0;
    const char *key = obj->u.object.keys[first];
    if (map_keys)
        jpath_push_map_key(c, key);
    else
        jpath_push_key(c, key);
    return jctx_err(c, "duplicate key");
}

/* Values berth ignores are still checked for duplicate keys. */
static int check_ignored_tree(struct jctx *c, yajl_val v)
{
    if (YAJL_IS_OBJECT(v)) {
        if (check_duplicate_keys(c, v, false) < 0)
            return -1;
        for (size_t i = 0; i < v->u.object.len; i++) {
            size_t mark = jpath_push_key(c, v->u.object.keys[i]);
            if (check_ignored_tree(c, v->u.object.values[i]) < 0)
                return -1;
            jpath_pop(c, mark);
        }
    } else if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < v->u.array.len; i++) {
            size_t mark = jpath_push_index(c, i);
            if (check_ignored_tree(c, v->u.array.values[i]) < 0)
                return -1;
            jpath_pop(c, mark);
        }
    }
    return 0;
}

bool json_has_member(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return false;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (streq(obj->u.object.keys[i], key) && !YAJL_IS_NULL(obj->u.object.values[i]))
            return true;
    }
    return false;
}

static int ignore_member(struct jctx *c, int kind, yajl_val v)
{
    if (kind == JSON_FIELD_OTHER_PLATFORM)
        log_warn("%s: ignoring %s: not used on Linux", c->file, c->path);
    else
        log_debug("%s: ignoring unknown property %s", c->file, c->path);
    return check_ignored_tree(c, v);
}

int json_object(struct jctx *c, yajl_val v, json_field_fn field, void *obj, const char *const *required)
{
    if (!YAJL_IS_OBJECT(v))
        return jctx_err(c, "expected an object");
    if (check_duplicate_keys(c, v, false) < 0)
        return -1;
    for (size_t i = 0; i < v->u.object.len; i++) {
        yajl_val member = v->u.object.values[i];
        if (YAJL_IS_NULL(member))
            continue;
        size_t mark = jpath_push_key(c, v->u.object.keys[i]);
        int r = field(c, v->u.object.keys[i], member, obj);
        if (r < 0)
            return -1;
        if (r > 0 && ignore_member(c, r, member) < 0)
            return -1;
        jpath_pop(c, mark);
    }
    for (; required && *required; required++) {
        if (!json_has_member(v, *required)) {
            jpath_push_key(c, *required);
            return jctx_err(c, "is required");
        }
    }
    return 0;
}

int json_array_of(struct jctx *c, yajl_val v, size_t item_size, json_item_fn fn, void **items, size_t *len)
{
    if (!YAJL_IS_ARRAY(v))
        return jctx_err(c, "expected an array");
    size_t n = v->u.array.len;
    char *base = xzalloc(n * item_size);
    *items = base;
    *len = n;
    for (size_t i = 0; i < n; i++) {
        size_t mark = jpath_push_index(c, i);
        if (fn(c, v->u.array.values[i], base + i * item_size) < 0)
            return -1;
        jpath_pop(c, mark);
    }
    return 0;
}

int json_map_of(struct jctx *c, yajl_val v, size_t item_size, json_entry_fn fn, void **items, size_t *len)
{
    if (!YAJL_IS_OBJECT(v))
        return jctx_err(c, "expected an object");
    if (check_duplicate_keys(c, v, true) < 0)
        return -1;
    size_t n = v->u.object.len;
    char *base = xzalloc(n * item_size);
    *items = base;
    *len = n;
    for (size_t i = 0; i < n; i++) {
        size_t mark = jpath_push_map_key(c, v->u.object.keys[i]);
        if (fn(c, v->u.object.keys[i], v->u.object.values[i], base + i * item_size) < 0)
            return -1;
        jpath_pop(c, mark);
    }
    return 0;
}

static int read_map_entry(struct jctx *c, const char *key, yajl_val v, void *item)
{
    struct oci_map_entry *e = item;
    e->key = xstrdup(key);
    return json_string(c, v, &e->value);
}

int json_string_map(struct jctx *c, yajl_val v, struct oci_map *out)
{
    return json_map_of(c, v, sizeof(struct oci_map_entry), read_map_entry, (void **) &out->entries, &out->len);
}

int json_string_array(struct jctx *c, yajl_val v, char ***out, size_t *len)
{
    if (!YAJL_IS_ARRAY(v))
        return jctx_err(c, "expected an array");
    size_t n = v->u.array.len;
    *out = xzalloc((n + 1) * sizeof(char *));
    *len = n;
    for (size_t i = 0; i < n; i++) {
        size_t mark = jpath_push_index(c, i);
        if (json_string(c, v->u.array.values[i], &(*out)[i]) < 0)
            return -1;
        jpath_pop(c, mark);
    }
    return 0;
}

static int read_u32_item(struct jctx *c, yajl_val v, void *item)
{
    return json_u32(c, v, item);
}

int json_u32_array(struct jctx *c, yajl_val v, uint32_t **out, size_t *len)
{
    return json_array_of(c, v, sizeof(uint32_t), read_u32_item, (void **) out, len);
}

void oci_map_free(struct oci_map *map)
{
    for (size_t i = 0; i < map->len; i++) {
        free(map->entries[i].key);
        free(map->entries[i].value);
    }
    free(map->entries);
    map->entries = NULL;
    map->len = 0;
}
