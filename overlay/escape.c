/* overlay's lowerdir lists: ':' separates layers, '\' escapes. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

char *overlay_escape_path(const char *path)
{
    char *out = xmalloc(2 * strlen(path) + 1);
    size_t o = 0;
    for (const char *s = path; *s; s++) {
        if (*s == ':' || *s == '\\')
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o] = '\0';
    return out;
}

char **overlay_split_escaped(const char *value, bool unescape, size_t *len)
{
    size_t cap = 4, n = 0;
    char **v = xmalloc(cap * sizeof(*v));
    const char *start = value;
    for (const char *s = value;; s++) {
        if (*s == '\\' && s[1] != '\0') {
            s++;
            continue;
        }
        if (*s != ':' && *s != '\0')
            continue;
        char *entry = xmalloc((size_t) (s - start) + 1);
        size_t o = 0;
        for (const char *c = start; c < s; c++) {
            if (unescape && *c == '\\' && c + 1 < s)
                c++;
            entry[o++] = *c;
        }
        entry[o] = '\0';
        if (n + 2 > cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[n++] = entry;
        if (*s == '\0')
            break;
        start = s + 1;
    }
    v[n] = NULL;
    *len = n;
    return v;
}
