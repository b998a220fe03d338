/* Which cgroup layout the host has, and where our own process sits in each
 * hierarchy (from /proc/self/mountinfo and /proc/self/cgroup). */
#include "internal.h"

#include <unistd.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

struct cg_mount {
    bool v2;
    char *point;
    char *root;  /* the part of the hierarchy the mount shows */
    char *opts;  /* super options: the controllers of a v1 mount */
};

struct cg_membership {
    unsigned id;
    char *controllers;
    char *path;
};

static const char *mode_names[] = {"unified", "hybrid", "legacy"};

const char *cg_mode_name(enum cgroup_mode mode)
{
    return mode_names[mode];
}

bool cg_mode_from_name(const char *name, enum cgroup_mode *mode)
{
    for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++) {
        if (strcmp(name, mode_names[i]) == 0) {
            *mode = (enum cgroup_mode) i;
            return true;
        }
    }
    return false;
}

struct cgroup *cg_alloc(enum cgroup_mode mode)
{
    struct cgroup *cg = xzalloc(sizeof(*cg));
    cg->mode = mode;
    cg->ops = mode == CGROUP_UNIFIED ? &cg_v2_ops : &cg_v1_ops;
    cg->no_device_rules = geteuid() != 0;
    return cg;
}

struct cg_hierarchy *cg_add_hierarchy(struct cgroup *cg)
{
    cg->hier = xrealloc(cg->hier, (cg->n_hier + 1) * sizeof(*cg->hier));
    struct cg_hierarchy *h = &cg->hier[cg->n_hier++];
    memset(h, 0, sizeof(*h));
    return h;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;
    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static void free_mounts(struct cg_mount *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].point);
        free(m[i].root);
        free(m[i].opts);
    }
    free(m);
}

/* A mountinfo line: id parent dev root point opts [optional...] - type source superopts */
static int read_cgroup_mounts(struct cg_mount **out, size_t *len, err_t *err)
{
    cleanup_free char *text = NULL;
    if (read_file_at(-1, "/proc/self/mountinfo", 64u << 20, &text, NULL, err) < 0)
        return -1;
    struct cg_mount *mounts = NULL;
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *fields[6] = {0}, *tail = NULL, *f_save = NULL;
        size_t nf = 0;
        char *dash = strstr(line, " - ");
        if (dash == NULL)
            continue;
        *dash = '\0';
        tail = dash + 3;
        for (char *f = strtok_r(line, " ", &f_save); f && nf < ARRAY_SIZE(fields); f = strtok_r(NULL, " ", &f_save))
            fields[nf++] = f;
        char *type = strtok_r(tail, " ", &f_save);
        strtok_r(NULL, " ", &f_save); /* source */
        char *super = strtok_r(NULL, " ", &f_save);
        if (nf < 5 || type == NULL || super == NULL)
            continue;
        bool v2 = strcmp(type, "cgroup2") == 0;
        if (!v2 && strcmp(type, "cgroup") != 0)
            continue;
        mounts = xrealloc(mounts, (n + 1) * sizeof(*mounts));
        mounts[n++] = (struct cg_mount){
            .v2 = v2, .point = unescape_octal(fields[4]), .root = unescape_octal(fields[3]), .opts = xstrdup(super)};
    }
    *out = mounts;
    *len = n;
    return 0;
}

static void free_memberships(struct cg_membership *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].controllers);
        free(m[i].path);
    }
    free(m);
}

static int read_memberships(struct cg_membership **out, size_t *len, err_t *err)
{
    cleanup_free char *text = NULL;
    if (read_file_at(-1, "/proc/self/cgroup", 1u << 20, &text, NULL, err) < 0)
        return -1;
    struct cg_membership *m = NULL;
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL)
            continue;
        *c1 = *c2 = '\0';
        m = xrealloc(m, (n + 1) * sizeof(*m));
        m[n++] = (struct cg_membership){
            .id = (unsigned) strtoul(line, NULL, 10), .controllers = xstrdup(c1 + 1), .path = xstrdup(c2 + 1)};
    }
    *out = m;
    *len = n;
    return 0;
}

bool cg_has_controller_list(const char *list, const char *controller)
{
    size_t n = strlen(controller);
    for (const char *p = list; *p;) {
        const char *end = strchrnul(p, ',');
        if ((size_t) (end - p) == n && strncmp(p, controller, n) == 0)
            return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

/* Every controller of the membership line appears in the mount's options. */
static bool mount_serves(const struct cg_mount *m, const char *controllers)
{
    if (m->v2 || *controllers == '\0')
        return false;
    cleanup_free char *copy = xstrdup(controllers);
    char *save = NULL;
    for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
        if (!cg_has_controller_list(m->opts, c))
            return false;
    return true;
}

/* Our cgroup as a path below the mount point, or NULL if the mount does not
 * show it (a bind mount of some other part of the hierarchy). */
static char *own_below_mount(const struct cg_mount *m, const char *own)
{
    if (strcmp(m->root, "/") == 0)
        return path_clean(own);
    size_t n = strlen(m->root);
    if (strncmp(own, m->root, n) != 0 || (own[n] != '/' && own[n] != '\0'))
        return NULL;
    cleanup_free char *rest = xasprintf("/%s", own + n);
    return path_clean(rest);
}

static bool is_cgroup2(const char *path)
{
    struct statfs st;
    return statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

static void add(struct cgroup *cg, const struct cg_mount *m, const char *controllers, char *own)
{
    struct cg_hierarchy *h = cg_add_hierarchy(cg);
    h->v2 = m->v2;
    h->controllers = xstrdup(m->v2 ? "" : controllers);
    h->mount = xstrdup(m->point);
    h->own = own;
}

/* The cgroup2 mount of a hybrid host: /sys/fs/cgroup/unified when it is
 * one (as runc and systemd use), else the first cgroup2 mount showing us. */
static const struct cg_mount *pick_v2_mount(const struct cg_mount *mounts, size_t n, const char *own)
{
    const struct cg_mount *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!mounts[i].v2)
            continue;
        cleanup_free char *below = own_below_mount(&mounts[i], own);
        if (below == NULL)
            continue;
        if (strcmp(mounts[i].point, CGROUP_MOUNT_ROOT "/unified") == 0)
            return &mounts[i];
        if (found == NULL)
            found = &mounts[i];
    }
    return found;
}

static void add_v1_hierarchies(struct cgroup *cg, const struct cg_mount *mounts, size_t n_mounts,
                               const struct cg_membership *member, size_t n_member)
{
    for (size_t i = 0; i < n_member; i++) {
        if (member[i].id == 0)
            continue;
        for (size_t j = 0; j < n_mounts; j++) {
            if (!mount_serves(&mounts[j], member[i].controllers))
                continue;
            char *own = own_below_mount(&mounts[j], member[i].path);
            if (own) {
                add(cg, &mounts[j], member[i].controllers, own);
                break;
            }
        }
    }
}

static void add_v2_hierarchy(struct cgroup *cg, bool unified, const struct cg_mount *mounts, size_t n_mounts,
                             const struct cg_membership *member, size_t n_member)
{
    const char *own = NULL;
    const struct cg_mount *m = NULL;
    for (size_t i = 0; i < n_member; i++)
        if (member[i].id == 0)
            own = member[i].path;
    if (own == NULL)
        return;
    if (unified) {
        for (size_t j = 0; j < n_mounts; j++)
            if (mounts[j].v2 && strcmp(mounts[j].point, CGROUP_MOUNT_ROOT) == 0)
                m = &mounts[j];
    } else {
        m = pick_v2_mount(mounts, n_mounts, own);
    }
    char *below = m ? own_below_mount(m, own) : NULL;
    if (below)
        add(cg, m, "", below);
}

int cg_discover(struct cgroup **out, err_t *err)
{
    struct cg_mount *mounts = NULL;
    struct cg_membership *member = NULL;
    size_t n_mounts = 0, n_member = 0;
    if (read_cgroup_mounts(&mounts, &n_mounts, err) < 0)
        return wrap_err(err, "find cgroup mounts");
    if (read_memberships(&member, &n_member, err) < 0) {
        free_mounts(mounts, n_mounts);
        return wrap_err(err, "find our own cgroup");
    }
    bool unified = is_cgroup2(CGROUP_MOUNT_ROOT);
    struct cgroup *cg = cg_alloc(unified ? CGROUP_UNIFIED : CGROUP_LEGACY);
    if (!unified)
        add_v1_hierarchies(cg, mounts, n_mounts, member, n_member);
    add_v2_hierarchy(cg, unified, mounts, n_mounts, member, n_member);
    free_mounts(mounts, n_mounts);
    free_memberships(member, n_member);
    if (!unified && cg_v2_hierarchy(cg))
        cg->mode = CGROUP_HYBRID;
    if (cg->n_hier == 0 || (unified && !cg_v2_hierarchy(cg))) {
        cgroup_free(cg);
        return make_err(err, ENOENT, "no cgroup hierarchy of ours is mounted");
    }
    *out = cg;
    return 0;
}

int cgroup_detect_mode(enum cgroup_mode *mode, err_t *err)
{
    struct cgroup *cg = NULL;
    if (cg_discover(&cg, err) < 0)
        return -1;
    *mode = cg->mode;
    cgroup_free(cg);
    return 0;
}

const struct cg_hierarchy *cg_v1_hierarchy(const struct cgroup *cg, const char *controller)
{
    for (size_t i = 0; i < cg->n_hier; i++)
        if (!cg->hier[i].v2 && cg_has_controller_list(cg->hier[i].controllers, controller))
            return &cg->hier[i];
    return NULL;
}

const struct cg_hierarchy *cg_v2_hierarchy(const struct cgroup *cg)
{
    for (size_t i = 0; i < cg->n_hier; i++)
        if (cg->hier[i].v2)
            return &cg->hier[i];
    return NULL;
}
