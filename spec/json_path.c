/* The JSON path that parse errors name, kept as a growable string. */
#include "json.h"

#include <stdlib.h>

void jctx_init(struct jctx *c, const char *file, err_t *err)
{
    *c = (struct jctx){.file = file, .err = err, .path_cap = 64};
    c->path = xzalloc(c->path_cap);
}

void jctx_release(struct jctx *c)
{
    free(c->path);
    c->path = NULL;
}

int jctx_err(struct jctx *c, const char *fmt, ...)
{
    va_list ap;
    char *problem;
    va_start(ap, fmt);
    int r = vasprintf(&problem, fmt, ap);
    va_end(ap);
    if (r < 0)
        abort();
    if (streq(c->file, "config.json"))
        config_err(c->err, c->path, "%s", problem);
    else
        make_err(c->err, 0, "%s: %s: %s", c->file, c->path, problem);
    free(problem);
    return -1;
}

static void path_append(struct jctx *c, const char *s, size_t n)
{
    if (c->path_len + n + 1 > c->path_cap) {
        while (c->path_len + n + 1 > c->path_cap)
            c->path_cap *= 2;
        c->path = xrealloc(c->path, c->path_cap);
    }
    memcpy(c->path + c->path_len, s, n);
    c->path_len += n;
    c->path[c->path_len] = '\0';
}

size_t jpath_push_key(struct jctx *c, const char *key)
{
    size_t mark = c->path_len;
    if (c->path_len > 0)
        path_append(c, ".", 1);
    path_append(c, key, strlen(key));
    return mark;
}

size_t jpath_push_map_key(struct jctx *c, const char *key)
{
    size_t mark = c->path_len;
    path_append(c, "[\"", 2);
    path_append(c, key, strlen(key));
    path_append(c, "\"]", 2);
    return mark;
}

size_t jpath_push_index(struct jctx *c, size_t index)
{
    char buf[32];
    size_t mark = c->path_len;
    int n = snprintf(buf, sizeof(buf), "[%zu]", index);
    path_append(c, buf, (size_t) n);
    return mark;
}

void jpath_pop(struct jctx *c, size_t mark)
{
    c->path_len = mark;
    c->path[mark] = '\0';
}
