#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    return s;
}

int make_err(err_t *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    err_t e = xzalloc(sizeof(*e));
    e->errnum = errnum;
    va_start(ap, fmt);
    e->msg = vformat(fmt, ap);
    va_end(ap);
    free_err(err);
    *err = e;
    return -1;
}

int wrap_err(err_t *err, const char *fmt, ...)
{
    va_list ap;
    cleanup_free char *context = NULL;
    if (*err == NULL)
        return make_err(err, 0, "unknown error");
    va_start(ap, fmt);
    context = vformat(fmt, ap);
    va_end(ap);
    char *msg = xasprintf("%s: %s", context, (*err)->msg);
    free((*err)->msg);
    (*err)->msg = msg;
    return -1;
}

int config_err(err_t *err, const char *json_path, const char *fmt, ...)
{
    va_list ap;
    cleanup_free char *problem = NULL;
    va_start(ap, fmt);
    problem = vformat(fmt, ap);
    va_end(ap);
    make_err(err, 0, "config.json: %s: %s", json_path, problem);
    (*err)->json_path = xstrdup(json_path);
    return -1;
}

int set_stage(err_t *err, const char *stage)
{
    if (*err && (*err)->stage == NULL)
        (*err)->stage = stage;
    return -1;
}

void free_err(err_t *err)
{
    if (*err == NULL)
        return;
    free((*err)->msg);
    free((*err)->json_path);
    free(*err);
    *err = NULL;
}

const char *strerror_lc(int errnum, char *buf, size_t len)
{
    snprintf(buf, len, "%s", strerror(errnum));
    /* Acronyms such as "I/O error" keep their case. */
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z') && buf[1] != '/')
        buf[0] = (char) (buf[0] - 'A' + 'a');
    return buf;
}

char *err_text(const err_t err)
{
    char buf[128];
    if (err == NULL)
        return xstrdup("unknown error");
    if (err->errnum == 0)
        return xstrdup(err->msg);
    return xasprintf("%s: %s", err->msg, strerror_lc(err->errnum, buf, sizeof(buf)));
}

void cleanup_errp(err_t *err)
{
    free_err(err);
}
