/* cgroup_describe()/cgroup_open(): the resolved cgroup in every hierarchy,
 * as one line that a later berth process reads back. Format:
 *   berth-cgroup/1 <mode> <v1|v2>:<controllers>:<mount>:<path>[:kept] ...
 * with '%', ':', ' ' and control characters percent-encoded; ":kept" marks
 * a cgroup that existed before the container. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "berth-cgroup/1"

static void put_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '%' || *p == ':' || *p <= ' ' || *p == 0x7f)
            fprintf(out, "%%%02X", *p);
        else
            fputc(*p, out);
    }
}

char *cgroup_describe(const struct cgroup *cg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return NULL;
    fprintf(out, "%s %s", MAGIC, cg_mode_name(cg->mode));
    for (size_t i = 0; i < cg->n_hier; i++) {
        const struct cg_hierarchy *h = &cg->hier[i];
        fprintf(out, " %s:", h->v2 ? "v2" : "v1");
        put_escaped(out, h->controllers);
        fputc(':', out);
        put_escaped(out, h->mount);
        fputc(':', out);
        put_escaped(out, h->path);
        if (h->kept)
            fputs(":kept", out);
    }
    fclose(out);
    return text;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static char *unescape(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            *o++ = (char) (hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

static int parse_hierarchy(struct cgroup *cg, const char *field, err_t *err)
{
    const char *c1 = strchr(field, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
    const char *c4 = c3 ? strchr(c3 + 1, ':') : NULL;
    if (c3 == NULL || (c4 && strcmp(c4, ":kept") != 0))
        return make_err(err, EINVAL, "bad hierarchy \"%s\"", field);
    bool v2 = strncmp(field, "v2:", 3) == 0;
    if (!v2 && strncmp(field, "v1:", 3) != 0)
        return make_err(err, EINVAL, "bad hierarchy \"%s\"", field);
    struct cg_hierarchy *h = cg_add_hierarchy(cg);
    h->v2 = v2;
    h->controllers = unescape(c1 + 1, (size_t) (c2 - c1 - 1));
    h->mount = unescape(c2 + 1, (size_t) (c3 - c2 - 1));
    h->path = unescape(c3 + 1, c4 ? (size_t) (c4 - c3 - 1) : strlen(c3 + 1));
    h->kept = c4 != NULL;
    if (h->mount[0] != '/' || h->path[0] != '/' || strcmp(h->path, "/") == 0 || !cg_path_is_safe(h->path) ||
        !cg_path_is_safe(h->mount))
        return make_err(err, EINVAL, "bad hierarchy \"%s\"", field);
    return 0;
}

int cgroup_open(const char *description, struct cgroup **out, err_t *err)
{
    cleanup_free char *copy = xstrdup(description ? description : "");
    char *save = NULL;
    char *magic = strtok_r(copy, " ", &save);
    char *mode_name = strtok_r(NULL, " ", &save);
    enum cgroup_mode mode;
    if (magic == NULL || strcmp(magic, MAGIC) != 0 || mode_name == NULL || !cg_mode_from_name(mode_name, &mode))
        return make_err(err, EINVAL, "not a berth cgroup description: \"%s\"", description ? description : "");
    cleanup_cgroup struct cgroup *cg = cg_alloc(mode);
    for (char *f = strtok_r(NULL, " ", &save); f; f = strtok_r(NULL, " ", &save))
        if (parse_hierarchy(cg, f, err) < 0)
            return wrap_err(err, "cgroup description");
    if (cg->n_hier == 0 || (mode == CGROUP_UNIFIED && (cg->n_hier != 1 || !cg->hier[0].v2)))
        return make_err(err, EINVAL, "cgroup description has no usable hierarchy");
    *out = steal_ptr(&cg);
    return 0;
}
