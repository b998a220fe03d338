#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Every lookup below rootfd goes through openat2(RESOLVE_IN_ROOT): a
 * symlink in the rootfs can never point a mount at a host path
 * (CVE-2021-30465). */
int root_open(int rootfd, const char *path, int flags, err_t *err)
{
    struct open_how how = {
        .flags = (unsigned long long) (flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    if (*path == '\0')
        path = ".";
    int fd;
    do
        fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    while (fd < 0 && (errno == EAGAIN || errno == EINTR));
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

int root_mkdir_all(int rootfd, const char *path, mode_t mode, err_t *err)
{
    cleanup_err err_t first = NULL;
    int fd = root_open(rootfd, path, O_PATH | O_DIRECTORY, &first);
    if (fd >= 0 || first->errnum != ENOENT)
        return fd >= 0 ? fd : (*err = steal_ptr(&first), -1);

    cleanup_free char *clean = path_clean(path);
    char *slash = strrchr(clean, '/');
    cleanup_close int parent = -1;
    if (slash == NULL || slash == clean)
        parent = root_open(rootfd, "/", O_PATH | O_DIRECTORY, err);
    else {
        *slash = '\0';
        parent = root_mkdir_all(rootfd, clean, mode, err);
        *slash = '/';
    }
    if (parent < 0)
        return -1;
    const char *name = slash ? slash + 1 : clean;
    if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
        return make_err(err, errno, "mkdir %s in the rootfs", path);
    return root_open(parent, name, O_PATH | O_DIRECTORY, err);
}

int root_mkfile(int rootfd, const char *path, mode_t mode, err_t *err)
{
    cleanup_err err_t first = NULL;
    int fd = root_open(rootfd, path, O_PATH, &first);
    if (fd >= 0 || first->errnum != ENOENT)
        return fd >= 0 ? fd : (*err = steal_ptr(&first), -1);

    cleanup_free char *clean = path_clean(path);
    char *slash = strrchr(clean, '/');
    cleanup_close int parent = -1;
    if (slash == NULL || slash == clean)
        parent = root_open(rootfd, "/", O_PATH | O_DIRECTORY, err);
    else {
        *slash = '\0';
        parent = root_mkdir_all(rootfd, clean, 0755, err);
    }
    if (parent < 0)
        return -1;
    const char *name = slash ? slash + 1 : clean;
    int created = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
    if (created < 0 && errno != EEXIST)
        return make_err(err, errno, "create %s in the rootfs", path);
    if (created >= 0)
        close(created);
    return root_open(parent, name, O_PATH, err);
}
