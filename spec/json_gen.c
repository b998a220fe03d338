#include "json_gen.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

yajl_gen json_gen_new(const char *indent)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        abort();
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, indent);
    return g;
}

char *json_gen_finish(yajl_gen g)
{
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    while (len > 0 && buf[len - 1] == '\n')
        len--;
    char *out = xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = '\0';
    yajl_gen_free(g);
    return out;
}

void json_gen_string(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

void json_gen_key_string(yajl_gen g, const char *key, const char *value)
{
    json_gen_string(g, key);
    json_gen_string(g, value ? value : "");
}

void json_gen_key_bool(yajl_gen g, const char *key, bool value)
{
    json_gen_string(g, key);
    yajl_gen_bool(g, value);
}

/* yajl_gen_integer takes a long long; a number's text covers uint64. */
void json_gen_key_u64(yajl_gen g, const char *key, uint64_t value)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, value);
    json_gen_string(g, key);
    yajl_gen_number(g, buf, (size_t) n);
}

void json_gen_key_i64(yajl_gen g, const char *key, int64_t value)
{
    json_gen_string(g, key);
    yajl_gen_integer(g, value);
}

void json_gen_key_strings(yajl_gen g, const char *key, const char *const *values)
{
    json_gen_string(g, key);
    yajl_gen_array_open(g);
    for (; *values; values++)
        json_gen_string(g, *values);
    yajl_gen_array_close(g);
}
