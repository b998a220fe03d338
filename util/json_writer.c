#include "util.h"

#include <inttypes.h>
#include <stdlib.h>

void jw_init(struct json_writer *w)
{
    *w = (struct json_writer){0};
    w->out = open_memstream(&w->buf, &w->len);
    if (w->out == NULL)
        abort();
}

/* Before a value: a comma unless it is the first in its container, or the
 * value of a key just written. */
static void before_value(struct json_writer *w)
{
    if (w->after_key)
        w->after_key = false;
    else if (w->depth > 0 && w->count[w->depth - 1]++ > 0)
        fputc(',', w->out);
}

static void open_container(struct json_writer *w, char c)
{
    before_value(w);
    fputc(c, w->out);
    if (w->depth < (int) ARRAY_SIZE(w->count))
        w->count[w->depth++] = 0;
}

void jw_begin_object(struct json_writer *w)
{
    open_container(w, '{');
}

void jw_begin_array(struct json_writer *w)
{
    open_container(w, '[');
}

void jw_end_object(struct json_writer *w)
{
    w->depth--;
    fputc('}', w->out);
}

void jw_end_array(struct json_writer *w)
{
    w->depth--;
    fputc(']', w->out);
}

void json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void jw_key(struct json_writer *w, const char *key)
{
    before_value(w);
    json_write_string(w->out, key);
    fputc(':', w->out);
    w->after_key = true;
}

void jw_string(struct json_writer *w, const char *s)
{
    before_value(w);
    json_write_string(w->out, s);
}

void jw_u64(struct json_writer *w, uint64_t v)
{
    before_value(w);
    fprintf(w->out, "%" PRIu64, v);
}

void jw_i64(struct json_writer *w, int64_t v)
{
    before_value(w);
    fprintf(w->out, "%" PRId64, v);
}

void jw_bool(struct json_writer *w, bool v)
{
    before_value(w);
    fputs(v ? "true" : "false", w->out);
}

void jw_raw(struct json_writer *w, const char *json)
{
    before_value(w);
    fputs(json, w->out);
}

char *jw_finish(struct json_writer *w)
{
    fclose(w->out);
    return w->buf;
}
