/* spec/json_gen.h: small wrappers over yajl_gen for the documents spec/
 * writes (the default config, state.json). */
#ifndef BERTH_SPEC_JSON_GEN_H
#define BERTH_SPEC_JSON_GEN_H

#include <yajl/yajl_gen.h>

#include "spec.h"

/* A beautifying generator with the given indent ("\t", "  "). */
yajl_gen json_gen_new(const char *indent);
/* The text so far, without yajl's final newline; frees the generator. */
char *json_gen_finish(yajl_gen g);

void json_gen_string(yajl_gen g, const char *s);
void json_gen_key_string(yajl_gen g, const char *key, const char *value);
void json_gen_key_bool(yajl_gen g, const char *key, bool value);
void json_gen_key_u64(yajl_gen g, const char *key, uint64_t value);
void json_gen_key_i64(yajl_gen g, const char *key, int64_t value);
/* "key": ["a", "b"] from a NULL-terminated list. */
void json_gen_key_strings(yajl_gen g, const char *key, const char *const *values);

#endif
