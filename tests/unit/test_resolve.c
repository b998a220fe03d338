/* Path resolution inside a rootfs: openat2(RESOLVE_IN_ROOT) and the walk
 * berth falls back to on kernels without it must agree, and neither may
 * leave the root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/internal.h"

static char root[] = "/tmp/berth-resolve-XXXXXX";

static int make_tree(void **state)
{
    (void) state;
    if (mkdtemp(root) == NULL)
        return -1;
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir -p a/b etc-inside && touch a/b/file && ln -s /a/b link_abs && ln -s a/b link_rel && "
             "ln -s /etc escape_abs && ln -s ../../../../etc escape_dotdot && ln -s ../.. a/up && "
             "ln -s loop2 loop1 && ln -s loop1 loop2 && ln -s /a/b/file file_link",
             root);
    return system(cmd) == 0 ? 0 : -1;
}

static int remove_tree(void **state)
{
    (void) state;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Both resolutions of path: the same object, or the same errno. */
static void agree(const char *path, int flags)
{
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(rootfd >= 0);
    err_t err = NULL;
    int a = root_open(rootfd, path, O_PATH | flags, &err);
    int a_errno = a < 0 ? err->errnum : 0;
    free_err(&err);
    int b = root_walk(rootfd, path, O_PATH | flags);
    int b_errno = b < 0 ? errno : 0;
    if (a >= 0 && b >= 0) {
        struct stat sa, sb;
        assert_int_equal(fstat(a, &sa), 0);
        assert_int_equal(fstat(b, &sb), 0);
        if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
            fail_msg("%s: openat2 and the walk found different files", path);
    } else if (a_errno != b_errno) {
        fail_msg("%s: openat2 gave %s, the walk %s", path, strerror(a_errno), strerror(b_errno));
    }
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    close(rootfd);
}

static void test_plain_paths(void **state)
{
    (void) state;
    agree("/a/b/file", 0);
    agree("a/b", O_DIRECTORY);
    agree("/", O_DIRECTORY);
    agree("/nope", 0);
    agree("/a/b/file", O_DIRECTORY);
}

static void test_symlinks_stay_inside(void **state)
{
    (void) state;
    agree("/link_abs/file", 0);
    agree("/link_rel/file", 0);
    agree("/file_link", 0);
    agree("/a/up/a/b", O_DIRECTORY);
}

static void test_escapes_land_in_the_root(void **state)
{
    (void) state;
    /* /etc of the rootfs does not exist: both must say so rather than
     * finding the host's /etc. */
    agree("/escape_abs/passwd", 0);
    agree("/escape_dotdot/passwd", 0);
    agree("/../../../etc/passwd", 0);
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_int_equal(root_walk(rootfd, "/escape_abs/passwd", O_PATH), -1);
    assert_int_equal(errno, ENOENT);
    close(rootfd);
}

static void test_loops(void **state)
{
    (void) state;
    agree("/loop1", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_paths),
        cmocka_unit_test(test_symlinks_stay_inside),
        cmocka_unit_test(test_escapes_land_in_the_root),
        cmocka_unit_test(test_loops),
    };
    return cmocka_run_group_tests_name("resolve", tests, make_tree, remove_tree);
}
