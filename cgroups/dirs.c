/* Creating, walking and removing cgroup directories. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cg_created_free(struct cg_created *created)
{
    for (size_t i = 0; i < created->len; i++)
        free(created->dirs[i]);
    free(created->dirs);
    created->dirs = NULL;
    created->len = 0;
}

void cg_created_remove(struct cg_created *created)
{
    for (size_t i = created->len; i-- > 0;)
        if (rmdir(created->dirs[i]) < 0 && errno != ENOENT)
            log_warn("cannot remove cgroup %s: %s", created->dirs[i], strerror(errno));
    cg_created_free(created);
}

static void record(struct cg_created *created, const char *dir)
{
    created->dirs = xrealloc(created->dirs, (created->len + 1) * sizeof(char *));
    created->dirs[created->len++] = xstrdup(dir);
}

void cg_controllers_free(struct cg_controllers *c)
{
    strv_free(c->required);
    strv_free(c->wanted);
    c->required = c->wanted = NULL;
}

static bool in_list(const char *spaced, const char *controller)
{
    size_t n = strlen(controller);
    for (const char *p = spaced; (p = strstr(p, controller)) != NULL; p += n)
        if ((p == spaced || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0' || p[n] == '\n'))
            return true;
    return false;
}

/* Enables the controllers in dir's cgroup.subtree_control so that its
 * children get them; an unavailable wanted controller is skipped, an
 * unavailable required one is left for the write of its file to report
 * (with the JSON path of the setting that needs it). */
static int enable_controllers(int dirfd, const char *dir, const struct cg_controllers *c, err_t *err)
{
    cleanup_free char *available = NULL;
    cleanup_free char *enabled = NULL;
    if (cg_read(dirfd, "cgroup.controllers", &available, err) < 0 ||
        cg_read(dirfd, "cgroup.subtree_control", &enabled, err) < 0)
        return wrap_err(err, "cgroup %s", dir);
    for (int pass = 0; pass < 2; pass++) {
        char **list = pass == 0 ? c->required : c->wanted;
        for (size_t i = 0; list && list[i]; i++) {
            if (in_list(enabled, list[i]) || !in_list(available, list[i]))
                continue;
            cleanup_free char *op = xasprintf("+%s", list[i]);
            cleanup_err err_t cause = NULL;
            if (cg_write(dirfd, "cgroup.subtree_control", op, &cause) == 0)
                continue;
            if (pass == 1) {
                log_debug("cannot enable the %s controller in %s: %s", list[i], dir, cause->msg);
                continue;
            }
            return make_err(err, cause->errnum, "enable the %s controller in %s/cgroup.subtree_control", list[i], dir);
        }
    }
    return 0;
}

/* A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and
 * nothing can join it until it has some: inherit the parent's. */
static int inherit_cpuset(int parentfd, int dirfd, err_t *err)
{
    static const char *files[] = {"cpuset.cpus", "cpuset.mems"};
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        cleanup_free char *mine = NULL;
        cleanup_free char *parent = NULL;
        if (cg_read(dirfd, files[i], &mine, err) < 0)
            return -1;
        if (*mine != '\0' && *mine != '\n')
            continue;
        if (cg_read(parentfd, files[i], &parent, err) < 0)
            return -1;
        if (*parent != '\0' && cg_write(dirfd, files[i], parent, err) < 0)
            return -1;
    }
    return 0;
}

int cg_mkdir_hierarchy(const struct cg_hierarchy *h, const struct cg_controllers *v2, struct cg_created *created,
                       err_t *err)
{
    cleanup_close int parentfd = open(h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parentfd < 0)
        return make_err(err, errno, "open %s", h->mount);
    cleanup_free char *dir = xstrdup(h->mount);
    cleanup_free char *rel = xstrdup(h->path);
    char *save = NULL;
    bool cpuset = !h->v2 && cg_has_controller_list(h->controllers, "cpuset");
    for (char *name = strtok_r(rel, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
        if (h->v2 && v2 && enable_controllers(parentfd, dir, v2, err) < 0)
            return -1;
        char *child = xasprintf("%s/%s", dir, name);
        free(dir);
        dir = child;
        bool made = mkdirat(parentfd, name, 0755) == 0;
        if (!made && errno != EEXIST)
            return make_err(err, errno, "mkdir %s", dir);
        if (made)
            record(created, dir);
        int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return make_err(err, errno, "open %s", dir);
        /* v1 cpuset cgroups start empty, and so may a parent someone else
         * made with mkdir: each level takes its parent's, as runc does. */
        if (cpuset && inherit_cpuset(parentfd, fd, err) < 0) {
            close(fd);
            return wrap_err(err, "cgroup %s", dir);
        }
        close(parentfd);
        parentfd = fd;
    }
    return 0;
}

int cg_walk(int dirfd, int (*fn)(int dirfd, void *data, err_t *err), void *data, err_t *err)
{
    if (fn(dirfd, data, err) < 0)
        return -1;
    int dupfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
    if (dupfd < 0)
        return make_err(err, errno, "dup");
    DIR *d = fdopendir(dupfd);
    if (d == NULL) {
        close(dupfd);
        return make_err(err, errno, "opendir");
    }
    int ret = 0;
    struct dirent *de;
    while (ret == 0 && (de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        int fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            if (errno == ENOENT)
                continue; /* removed meanwhile */
            ret = make_err(err, errno, "open %s", de->d_name);
            break;
        }
        ret = cg_walk(fd, fn, data, err);
        close(fd);
    }
    closedir(d);
    return ret;
}

static int has_procs(int dirfd, void *data, err_t *err)
{
    cleanup_free char *procs = NULL;
    if (cg_read(dirfd, "cgroup.procs", &procs, err) < 0)
        return -1;
    if (*procs)
        *(bool *) data = true;
    return 0;
}

int cg_check_unpopulated(const struct cg_hierarchy *h, err_t *err)
{
    cleanup_close int fd = cg_open_dir(h, err);
    if (fd < 0)
        return -1;
    bool populated = false;
    if (cg_walk(fd, has_procs, &populated, err) < 0)
        return -1;
    if (populated) {
        cleanup_free char *dir = cg_dir_path(h);
        return make_err(err, EBUSY, "cgroup %s already holds processes", dir);
    }
    return 0;
}

/* rmdir of the children first, then of name itself. */
static int remove_tree(int parentfd, const char *name)
{
    int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    int ret = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (remove_tree(fd, de->d_name) < 0 && ret == 0)
            ret = -1;
    }
    int saved = errno;
    closedir(d);
    if (ret < 0) {
        errno = saved;
        return -1;
    }
    if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

int cg_remove_hierarchy(const struct cg_hierarchy *h, err_t *err)
{
    cleanup_free char *dir = cg_dir_path(h);
    cleanup_free char *parent = xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash == NULL || slash == parent)
        return make_err(err, EINVAL, "refusing to remove %s", dir);
    *slash = '\0';
    cleanup_close int parentfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parentfd < 0)
        return errno == ENOENT ? 0 : make_err(err, errno, "open %s", parent);
    if (remove_tree(parentfd, slash + 1) < 0)
        return make_err(err, errno, "remove cgroup %s", dir);
    return 0;
}
