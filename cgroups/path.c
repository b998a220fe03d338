/* linux.cgroupsPath → the container's cgroup in every hierarchy, as runc's
 * cgroupfs driver reads it:
 *   absolute "/a/b"  below each hierarchy's mount point;
 *   relative "a/b"   below our own cgroup in each hierarchy (on a hybrid
 *                    host that differs per hierarchy);
 *   empty            our own cgroup + "/" + the container ID.
 * A systemd "slice:prefix:name" path, or the systemd driver, needs systemd. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYSTEMD_RUNNING "/run/systemd/system"

bool cg_path_is_safe(const char *path)
{
    for (const unsigned char *p = (const unsigned char *) path; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    for (const char *s = path; *s;) {
        while (*s == '/')
            s++;
        const char *end = strchrnul(s, '/');
        if (end - s == 2 && s[0] == '.' && s[1] == '.')
            return false;
        s = end;
    }
    return true;
}

static bool looks_like_systemd_path(const char *path)
{
    const char *c1 = strchr(path, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    return c2 && strchr(c2 + 1, ':') == NULL && strchr(path, '/') == NULL;
}

static int systemd_error(const char *cgroups_path, err_t *err)
{
    bool running = access(SYSTEMD_RUNNING, F_OK) == 0;
    if (cgroups_path)
        return config_err(err, "linux.cgroupsPath",
                          "\"%s\" is a systemd \"slice:prefix:name\" path, but %s; use a cgroupfs path", cgroups_path,
                          running ? "berth's systemd cgroup driver is not implemented yet"
                                  : "systemd is not running on this host (no " SYSTEMD_RUNNING ")");
    return make_err(err, ENOTSUP, "the systemd cgroup driver %s",
                    running ? "is not implemented yet" : "needs systemd, which is not running (no " SYSTEMD_RUNNING ")");
}

static int check_id(const char *id, err_t *err)
{
    if (id == NULL || *id == '\0' || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
        !cg_path_is_safe(id))
        return make_err(err, EINVAL, "container ID \"%s\" cannot name a cgroup", id ? id : "");
    return 0;
}

int cg_resolve_path(struct cgroup *cg, const struct cgroup_create_opts *opts, err_t *err)
{
    const char *path = opts->cgroups_path && *opts->cgroups_path ? opts->cgroups_path : NULL;
    if (opts->systemd)
        return systemd_error(NULL, err);
    if (path && looks_like_systemd_path(path))
        return systemd_error(path, err);
    if (path == NULL && check_id(opts->id, err) < 0)
        return -1;
    if (path && !cg_path_is_safe(path))
        return config_err(err, "linux.cgroupsPath", "\"%s\" must not contain \"..\" or control characters", path);
    cleanup_free char *inner = path_clean(path ? path : opts->id);
    if (strcmp(inner, "/") == 0 || strcmp(inner, ".") == 0)
        return config_err(err, "linux.cgroupsPath", "\"%s\" names %s, not a cgroup of its own", path,
                          inner[0] == '/' ? "the root cgroup" : "berth's own cgroup");
    for (size_t i = 0; i < cg->n_hier; i++) {
        struct cg_hierarchy *h = &cg->hier[i];
        free(h->path);
        h->path = inner[0] == '/' ? xstrdup(inner) : path_join(h->own, inner);
    }
    return 0;
}
