#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Allocation failure is not something berth can recover from meaningfully. */
static void *check_alloc(void *p)
{
    if (p == NULL) {
        static const char msg[] = "berth: out of memory\n";
        (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
        abort();
    }
    return p;
}

void *xmalloc(size_t size)
{
    return check_alloc(malloc(size ? size : 1));
}

void *xzalloc(size_t size)
{
    return check_alloc(calloc(1, size ? size : 1));
}

void *xrealloc(void *p, size_t size)
{
    return check_alloc(realloc(p, size ? size : 1));
}

char *xstrdup(const char *s)
{
    return s ? check_alloc(strdup(s)) : NULL;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    return check_alloc(r < 0 ? NULL : s);
}

void strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

size_t strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

bool str_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

void cleanup_freep(void *p)
{
    free(*(void **) p);
}

void cleanup_strvp(char ***v)
{
    strv_free(*v);
}
