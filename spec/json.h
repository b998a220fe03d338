/* spec/json.h: the yajl helpers shared by the files of spec/ (and only them).
 *
 * A parse runs with a struct jctx: it carries the JSON path of the value
 * being read ("process.args[0]", "linux.sysctl[\"kernel.shm_rmid_forced\"]")
 * so that every error names it. Objects are read by json_object(), which
 * walks the members in file order and hands each one to a per-object
 * field function; a member the field function does not know is ignored
 * with a debug log line. A JSON null counts as an absent member. */
#ifndef BERTH_SPEC_JSON_H
#define BERTH_SPEC_JSON_H

#include <string.h>
#include <yajl/yajl_tree.h>

#include "spec.h"

/* Real configs nest about 6 deep; the limit keeps recursive walks (ours and
 * yajl_tree_free's) off the end of the stack. */
#define JSON_MAX_DEPTH 64

struct jctx {
    const char *file; /* "config.json", "state.json" */
    char *path;
    size_t path_len;
    size_t path_cap;
    err_t *err;
};

static inline bool streq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

void jctx_init(struct jctx *c, const char *file, err_t *err);
void jctx_release(struct jctx *c);
/* An error at the current path: "<file>: <path>: <problem>". */
__attribute__((format(printf, 2, 3))) int jctx_err(struct jctx *c, const char *fmt, ...);

/* Each push returns a mark for jpath_pop(). */
size_t jpath_push_key(struct jctx *c, const char *key);     /* .key */
size_t jpath_push_map_key(struct jctx *c, const char *key); /* ["key"] */
size_t jpath_push_index(struct jctx *c, size_t index);      /* [3] */
void jpath_pop(struct jctx *c, size_t mark);

/* Strict JSON (no comments, no trailing garbage, valid UTF-8) with an
 * object at the top. Errors: "<file>: invalid JSON at line L, column C:
 * <reason>". */
int json_parse_document(const char *file, const char *text, size_t len, yajl_val *out, err_t *err);

/* ---- objects --------------------------------------------------------- */

/* What a field function returns for a member it does not read. */
enum { JSON_FIELD_UNKNOWN = 1, JSON_FIELD_OTHER_PLATFORM = 2 };
typedef int (*json_field_fn)(struct jctx *c, const char *key, yajl_val v, void *obj);
/* Reads an object member by member; required lists the members that must
 * be present (NULL: none). */
int json_object(struct jctx *c, yajl_val v, json_field_fn field, void *obj, const char *const *required);
bool json_has_member(yajl_val obj, const char *key);

/* ---- arrays and maps --------------------------------------------------- */

typedef int (*json_item_fn)(struct jctx *c, yajl_val v, void *item);
/* Allocates *items (zeroed, *len set first so that a half-read array is
 * still freed) and reads each element with fn. */
int json_array_of(struct jctx *c, yajl_val v, size_t item_size, json_item_fn fn, void **items, size_t *len);
typedef int (*json_entry_fn)(struct jctx *c, const char *key, yajl_val v, void *item);
/* The same for an object used as a map, whose keys are data. */
int json_map_of(struct jctx *c, yajl_val v, size_t item_size, json_entry_fn fn, void **items, size_t *len);
int json_string_map(struct jctx *c, yajl_val v, struct oci_map *out);
/* NULL-terminated. */
int json_string_array(struct jctx *c, yajl_val v, char ***out, size_t *len);
int json_u32_array(struct jctx *c, yajl_val v, uint32_t **out, size_t *len);

/* ---- scalars ----------------------------------------------------------- */

int json_string(struct jctx *c, yajl_val v, char **out);
int json_bool(struct jctx *c, yajl_val v, bool *out);
/* Integers are read from the number's text: no fraction or exponent, and
 * within [min, max] ("-1 is out of range for uint32"). */
int json_signed(struct jctx *c, yajl_val v, int64_t min, int64_t max, const char *type, int64_t *out);
int json_unsigned(struct jctx *c, yajl_val v, uint64_t max, const char *type, uint64_t *out);
int json_u16(struct jctx *c, yajl_val v, uint16_t *out);
int json_u32(struct jctx *c, yajl_val v, uint32_t *out);
int json_u64(struct jctx *c, yajl_val v, uint64_t *out);
int json_i32(struct jctx *c, yajl_val v, int32_t *out);
int json_i64(struct jctx *c, yajl_val v, int64_t *out);
int json_int(struct jctx *c, yajl_val v, int *out);

/* Optional scalars: set *has too. */
int json_opt_bool(struct jctx *c, yajl_val v, bool *out, bool *has);
int json_opt_u16(struct jctx *c, yajl_val v, uint16_t *out, bool *has);
int json_opt_u32(struct jctx *c, yajl_val v, uint32_t *out, bool *has);
int json_opt_u64(struct jctx *c, yajl_val v, uint64_t *out, bool *has);
int json_opt_i64(struct jctx *c, yajl_val v, int64_t *out, bool *has);
int json_opt_int(struct jctx *c, yajl_val v, int *out, bool *has);

/* ---- freeing ----------------------------------------------------------- */

void oci_map_free(struct oci_map *map);

#endif
