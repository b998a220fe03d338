#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40

/* Kernels before 5.6 have no openat2: the same walk by hand, one
 * component at a time with O_NOFOLLOW, symlinks followed by reading them
 * and ".." never above rootfd. Only O_PATH opens (what berth needs). */
int root_walk(int rootfd, const char *path, int flags)
{
    int stack[256];
    size_t depth = 0;
    stack[depth++] = dup(rootfd);
    if (stack[0] < 0)
        return -1;
    char *todo = xstrdup(path);
    int links = 0, ret = -1, saved = 0;
    char *cursor = todo;
    for (;;) {
        while (*cursor == '/')
            cursor++;
        if (*cursor == '\0') {
            ret = stack[--depth];
            break;
        }
        char *end = strchrnul(cursor, '/');
        char *rest = *end ? end + 1 : end;
        *end = '\0';
        if (strcmp(cursor, ".") == 0 || (strcmp(cursor, "..") == 0 && depth == 1)) {
            cursor = rest;
            continue;
        }
        if (strcmp(cursor, "..") == 0) {
            close(stack[--depth]);
            cursor = rest;
            continue;
        }
        int fd = openat(stack[depth - 1], cursor, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
            saved = errno;
            break;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
            close(fd);
            if (n < 0 || ++links > MAX_SYMLINKS) {
                saved = n < 0 ? errno : ELOOP;
                break;
            }
            target[n] = '\0';
            if (target[0] == '/')
                while (depth > 1)
                    close(stack[--depth]);
            char *next = xasprintf("%s/%s", target, rest);
            free(todo);
            cursor = todo = next;
            continue;
        }
        if (depth == ARRAY_SIZE(stack)) {
            close(fd);
            saved = ENAMETOOLONG;
            break;
        }
        stack[depth++] = fd;
        cursor = rest;
    }
    while (depth > 0)
        close(stack[--depth]);
    free(todo);
    if (ret >= 0 && (flags & O_DIRECTORY)) {
        struct stat st;
        if (fstat(ret, &st) < 0 || !S_ISDIR(st.st_mode)) {
            close(ret);
            errno = ENOTDIR;
            return -1;
        }
    }
    if (ret < 0)
        errno = saved;
    return ret;
}

/* Every lookup below rootfd goes through openat2(RESOLVE_IN_ROOT) (or the
 * walk above): a symlink in the rootfs can never point a mount at a host
 * path (CVE-2021-30465). */
static int open_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long) (flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    int fd;
    do
        fd = (int) syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
    while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    if (fd < 0 && errno == ENOSYS && (flags & O_PATH))
        return root_walk(rootfd, path, flags);
    return fd;
}

int root_open(int rootfd, const char *path, int flags, err_t *err)
{
    int fd = open_in_root(rootfd, path, flags);
    if (fd < 0)
        return make_err(err, errno, "open %s in the rootfs", path);
    return fd;
}

int root_open_parent(int rootfd, const char *path, char **name, err_t *err)
{
    cleanup_free char *clean = path_clean(path);
    char *slash = strrchr(clean, '/');
    if (slash == NULL || slash[1] == '\0')
        return make_err(err, EINVAL, "%s has no parent", path);
    *slash = '\0';
    int fd = root_open(rootfd, clean[0] ? clean : "/", O_PATH | O_DIRECTORY, err);
    if (fd >= 0)
        *name = xstrdup(slash + 1);
    return fd;
}

/* A dangling symlink at prefix/name (prefix absolute): where creating it
 * should go instead, as an absolute path inside the rootfs (".." at the
 * root stays there, as path_clean keeps it). */
static char *follow_dangling(int parent, const char *prefix, const char *name, const char *rest)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);
    if (n < 0)
        return NULL;
    target[n] = '\0';
    cleanup_free char *joined =
        target[0] == '/' ? xasprintf("%s/%s", target, rest) : xasprintf("%s/%s/%s", prefix, target, rest);
    return path_clean(joined);
}

/* Opens one component below parent, creating it when missing (a file when
 * it is the last of a file path). */
static int open_or_create(int parent, const char *name, const char *shown, bool file, mode_t mode, err_t *err)
{
    int made = file ? openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode)
                    : mkdirat(parent, name, mode);
    if (made < 0 && errno != EEXIST)
        return make_err(err, errno, "create %s in the rootfs", shown);
    if (made >= 0 && file)
        close(made);
    int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC | (file ? 0 : O_DIRECTORY));
    if (fd < 0)
        return make_err(err, errno, "open %s in the rootfs", shown);
    return fd;
}

#define WALK_REDIRECTED (-2)

/* One walk down the absolute path todo. Returns the final fd, or
 * WALK_REDIRECTED with *redirect set when a dangling symlink sends the
 * walk elsewhere. */
static int walk_creating(int rootfd, const char *todo, bool last_is_file, mode_t mode, char **redirect, err_t *err)
{
    cleanup_close int parent = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
    if (parent < 0)
        return make_err(err, errno, "open the rootfs");
    size_t done = 0; /* todo[0..done) is resolved: "/a/b" */
    while (todo[done]) {
        const char *comp = todo + done + 1;
        size_t len = strcspn(comp, "/");
        bool last = comp[len] == '\0';
        cleanup_free char *name = strndup(comp, len);
        cleanup_free char *sub = strndup(todo, done + 1 + len);
        bool file = last && last_is_file;
        int child = open_in_root(rootfd, sub, O_PATH | (file ? 0 : O_DIRECTORY));
        if (child < 0 && errno != ENOENT)
            return make_err(err, errno, "open %s in the rootfs", sub);
        struct stat st;
        if (child < 0 && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
            cleanup_free char *prefix = strndup(todo, done);
            *redirect = follow_dangling(parent, prefix, name, last ? "" : comp + len + 1);
            if (*redirect == NULL)
                return make_err(err, errno, "readlink %s in the rootfs", sub);
            return WALK_REDIRECTED;
        }
        if (child < 0 && (child = open_or_create(parent, name, sub, file, last ? mode : 0755, err)) < 0)
            return -1;
        close(parent);
        parent = child;
        done += 1 + len;
    }
    return steal_fd(&parent);
}

/* Creates what is missing of path below rootfd (the last component a file
 * when last_is_file, with mode), resolving every component inside the
 * rootfs: a dangling symlink gets its target made there, never on the
 * host. Returns an O_PATH fd of the result. */
static int root_create(int rootfd, const char *path, bool last_is_file, mode_t mode, err_t *err)
{
    int fd = open_in_root(rootfd, path, O_PATH | (last_is_file ? 0 : O_DIRECTORY));
    if (fd >= 0 || errno != ENOENT)
        return fd >= 0 ? fd : make_err(err, errno, "open %s in the rootfs", path);
    cleanup_free char *absolute = xasprintf("/%s", path);
    cleanup_free char *todo = path_clean(absolute);
    for (int links = 0; links <= MAX_SYMLINKS; links++) {
        char *redirect = NULL;
        fd = walk_creating(rootfd, todo, last_is_file, mode, &redirect, err);
        if (fd != WALK_REDIRECTED)
            return fd;
        free(todo);
        todo = redirect;
    }
    return make_err(err, ELOOP, "open %s in the rootfs", path);
}

int root_mkdir_all(int rootfd, const char *path, mode_t mode, err_t *err)
{
    return root_create(rootfd, path, false, mode, err);
}

int root_mkfile(int rootfd, const char *path, mode_t mode, err_t *err)
{
    return root_create(rootfd, path, true, mode, err);
}
