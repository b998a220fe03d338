#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st, err_t *err)
{
    cleanup_close int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return make_err(err, errno, "open %s", name);
    cleanup_close int out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
    if (out < 0)
        return make_err(err, errno, "create %s", name);
    for (off_t left = st->st_size; left > 0;) {
        ssize_t n = sendfile(out, in, NULL, (size_t) left);
        if (n < 0)
            return make_err(err, errno, "copy %s", name);
        if (n == 0)
            break;
        left -= n;
    }
    return 0;
}

static int copy_entry(int from_dir, int to_dir, const char *name, err_t *err)
{
    struct stat st;
    if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return make_err(err, errno, "stat %s", name);
    int r = 0;
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(to_dir, name, st.st_mode & 07777) < 0 && errno != EEXIST)
            return make_err(err, errno, "mkdir %s", name);
        cleanup_close int sub_from = openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int sub_to = openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub_from < 0 || sub_to < 0)
            return make_err(err, errno, "open %s", name);
        r = copy_tree(sub_from, sub_to, err);
    } else if (S_ISREG(st.st_mode)) {
        r = copy_file(from_dir, to_dir, name, &st, err);
    } else if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(from_dir, name, target, sizeof(target) - 1);
        if (n < 0)
            return make_err(err, errno, "readlink %s", name);
        target[n] = '\0';
        if (symlinkat(target, to_dir, name) < 0)
            return make_err(err, errno, "symlink %s", name);
    } else if (mknodat(to_dir, name, st.st_mode, st.st_rdev) < 0) {
        return make_err(err, errno, "mknod %s", name);
    }
    if (r < 0)
        return wrap_err(err, "%s", name);
    if (fchownat(to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return make_err(err, errno, "chown %s", name);
    if (!S_ISLNK(st.st_mode) && fchmodat(to_dir, name, st.st_mode & 07777, 0) < 0)
        return make_err(err, errno, "chmod %s", name);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    utimensat(to_dir, name, times, AT_SYMLINK_NOFOLLOW);
    return 0;
}

int copy_tree(int from_dirfd, int to_dirfd, err_t *err)
{
    int fd = dup(from_dirfd);
    if (fd < 0)
        return make_err(err, errno, "dup");
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        close(fd);
        return make_err(err, errno, "opendir");
    }
    int ret = 0;
    struct dirent *de;
    while (ret == 0 && (de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            ret = copy_entry(from_dirfd, to_dirfd, de->d_name, err);
    }
    closedir(dir);
    return ret;
}
