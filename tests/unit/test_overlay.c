/* overlay/ on the real kernel: real layers under /tmp, real overlay mounts.
 * Every mount happens in a forked child that first makes a private mount
 * namespace, so nothing reaches the host's mount table; the child reports
 * a failure as text through a pipe. Runs on the host (lowerdir+) and in the
 * 6.1 VM (the one-lowerdir-string fallback): make test-vm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "overlay/internal.h"
#include "overlay/overlay.h"

#define LONG_NAME "a-layer-directory-with-a-rather-long-name-as-image-stores-make-them-0123456789abcdef"

struct fixture {
    char *dir; /* /tmp/berth-overlay-test.XXXXXX */
};

static int setup(void **state)
{
    struct fixture *f = xzalloc(sizeof(*f));
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    f->dir = xasprintf("%s/berth-overlay-test.XXXXXX", tmp);
    if (mkdtemp(f->dir) == NULL)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    err_t err = NULL;
    int r = remove_tree_at(AT_FDCWD, f->dir, &err);
    free_err(&err);
    free(f->dir);
    free(f);
    return r;
}

/* ---- files ----------------------------------------------------------------- */

static char *path_in(const struct fixture *f, const char *rel)
{
    return xasprintf("%s/%s", f->dir, rel);
}

static void write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write_all(fd, text, strlen(text)), (ssize_t) strlen(text));
    close(fd);
}

/* The file's text, or NULL (errno set). */
static char *read_text(const char *path)
{
    char *text = NULL;
    err_t err = NULL;
    int r = read_file_at(AT_FDCWD, path, 1 << 20, &text, NULL, &err);
    int saved = err ? err->errnum : 0;
    free_err(&err);
    errno = saved;
    return r < 0 ? NULL : text;
}

/* <dir>/<name>/ with each "file=text" of the list. */
static char *make_layer(const struct fixture *f, const char *name, const char *const *files)
{
    char *dir = path_in(f, name);
    err_t err = NULL;
    assert_int_equal(mkdir_p(dir, 0755, &err), 0);
    for (const char *const *e = files; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        char *p = xasprintf("%s/%.*s", dir, (int) (eq - *e), *e);
        write_text(p, eq + 1);
        free(p);
    }
    return dir;
}

static bool text_is(const char *path, const char *want)
{
    cleanup_free char *got = read_text(path);
    return got && strcmp(got, want) == 0;
}

/* ---- a child in a private mount namespace ---------------------------------- */

/* A check in the child: NULL when it passed, else what went wrong
 * (a note starting with "# " is printed and passes). */
typedef char *(*child_fn)(struct fixture *f, void *arg);

#define CHECK(cond, ...)                                                                                            \
    do {                                                                                                            \
        if (!(cond))                                                                                                \
            return xasprintf(__VA_ARGS__);                                                                          \
    } while (0)

static char *err_message(err_t *err)
{
    char *text = err_text(*err);
    free_err(err);
    return text;
}

static void run_in_mount_ns(struct fixture *f, child_fn fn, void *arg)
{
    int pipefd[2];
    assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        char *msg;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            msg = xasprintf("private mount namespace: %s", strerror(errno));
        else
            msg = fn(f, arg);
        bool failed = msg && !str_has_prefix(msg, "# ");
        if (msg)
            write_all(pipefd[1], msg, strlen(msg));
        _exit(failed ? 1 : 0);
    }
    close(pipefd[1]);
    char buf[8192];
    ssize_t n = read_all(pipefd[0], buf, sizeof(buf) - 1);
    close(pipefd[0]);
    buf[n > 0 ? n : 0] = '\0';
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("child: %s", buf[0] ? buf : "died");
    if (buf[0])
        print_message("%s\n", buf);
}

/* Mounts the layers on <dir>/<mountpoint>: NULL, or why not. */
static char *mount_at(const struct fixture *f, const struct overlay_layers *l, const char *mountpoint)
{
    err_t err = NULL;
    cleanup_free char *target = path_in(f, mountpoint);
    if (mkdir(target, 0755) < 0 && errno != EEXIST)
        return xasprintf("mkdir %s: %s", target, strerror(errno));
    cleanup_close int mntfd = overlay_mount_fd(l, &err);
    if (mntfd < 0)
        return err_message(&err);
    if (move_mount(mntfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return xasprintf("move_mount onto %s: %s", target, strerror(errno));
    return NULL;
}

/* ---- the three layers most tests use ---------------------------------------- */

static const char *const top_files[] = {"shared=top", "top-only=top", NULL};
static const char *const middle_files[] = {"shared=middle", "middle-only=middle", "doomed=middle", NULL};
static const char *const bottom_files[] = {"shared=bottom", "bottom-only=bottom", NULL};

static void make_three_layers(const struct fixture *f)
{
    free(make_layer(f, "top", top_files));
    free(make_layer(f, "middle", middle_files));
    free(make_layer(f, "bottom", bottom_files));
}

/* The layers of the annotations, relative to the bundle (the temp dir),
 * with an ephemeral upper in <dir>/<state>. */
static void prepare_three(struct fixture *f, const char *state, struct overlay_layers *l)
{
    cleanup_free char *state_dir = path_in(f, state);
    err_t err = NULL;
    assert_int_equal(mkdir(state_dir, 0700), 0);
    int r = overlay_layers_from_annotations(f->dir, "top:middle:bottom", NULL, state_dir, l, &err);
    if (r < 0)
        fail_msg("prepare: %s", err_message(&err));
}

static bool lowers_untouched(const struct fixture *f)
{
    cleanup_free char *top = path_in(f, "top/shared");
    cleanup_free char *middle = path_in(f, "middle/shared");
    cleanup_free char *doomed = path_in(f, "middle/doomed");
    cleanup_free char *new_in_top = path_in(f, "top/new");
    return text_is(top, "top") && text_is(middle, "middle") && text_is(doomed, "middle") &&
           access(new_in_top, F_OK) < 0;
}

/* ---- tests --------------------------------------------------------------------- */

static char *child_every_lower_visible(struct fixture *f, void *arg)
{
    char *why = mount_at(f, arg, "merged");
    if (why)
        return why;
    static const struct {
        const char *file, *text;
    } want[] = {{"shared", "top"}, {"top-only", "top"}, {"middle-only", "middle"}, {"bottom-only", "bottom"}};
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        cleanup_free char *p = xasprintf("%s/merged/%s", f->dir, want[i].file);
        CHECK(text_is(p, want[i].text), "%s: not \"%s\"", p, want[i].text);
    }
    return NULL;
}

static void test_every_lower_visible_top_wins(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    assert_true(l.ephemeral);
    assert_int_equal(l.lower_len, 3);
    cleanup_free char *top = path_in(f, "top");
    assert_string_equal(l.lower[0], top);
    run_in_mount_ns(f, child_every_lower_visible, &l);
    overlay_layers_free(&l);
}

static char *child_write_and_delete(struct fixture *f, void *arg)
{
    const struct overlay_layers *l = arg;
    char *why = mount_at(f, l, "merged");
    if (why)
        return why;
    cleanup_free char *merged_new = path_in(f, "merged/new");
    cleanup_free char *merged_shared = path_in(f, "merged/shared");
    cleanup_free char *merged_doomed = path_in(f, "merged/doomed");
    write_text(merged_new, "written");
    write_text(merged_shared, "changed");
    CHECK(unlink(merged_doomed) == 0, "unlink %s: %s", merged_doomed, strerror(errno));

    cleanup_free char *upper_new = xasprintf("%s/new", l->upper);
    cleanup_free char *upper_shared = xasprintf("%s/shared", l->upper);
    cleanup_free char *upper_doomed = xasprintf("%s/doomed", l->upper);
    CHECK(text_is(upper_new, "written"), "the new file is not in the upper");
    CHECK(text_is(upper_shared, "changed"), "the changed file was not copied up");
    CHECK(text_is(merged_shared, "changed"), "the merged view does not show the change");
    CHECK(access(merged_doomed, F_OK) < 0 && errno == ENOENT, "the deleted file is still visible");
    struct stat st;
    CHECK(lstat(upper_doomed, &st) == 0, "no whiteout in the upper: %s", strerror(errno));
    CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0,
          "the upper's entry for the deleted file is not a whiteout (mode %o)", st.st_mode);
    CHECK(lowers_untouched(f), "a lower layer was written");
    return NULL;
}

static void test_writes_land_in_upper_and_delete_makes_whiteout(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    run_in_mount_ns(f, child_write_and_delete, &l);
    assert_true(lowers_untouched(f));
    overlay_layers_free(&l);
}

struct two {
    struct overlay_layers a, b;
};

static char *child_two_overlays(struct fixture *f, void *arg)
{
    struct two *t = arg;
    char *why = mount_at(f, &t->a, "merged-a");
    if (!why)
        why = mount_at(f, &t->b, "merged-b");
    if (why)
        return why;
    cleanup_free char *a_shared = path_in(f, "merged-a/shared");
    cleanup_free char *b_shared = path_in(f, "merged-b/shared");
    cleanup_free char *a_only = path_in(f, "merged-a/only-in-a");
    cleanup_free char *b_only = path_in(f, "merged-b/only-in-a");
    cleanup_free char *b_doomed = path_in(f, "merged-b/doomed");
    cleanup_free char *a_doomed = path_in(f, "merged-a/doomed");
    write_text(a_shared, "changed in a");
    write_text(a_only, "a");
    CHECK(unlink(b_doomed) == 0, "unlink in b: %s", strerror(errno));
    CHECK(text_is(b_shared, "top"), "b sees a's change");
    CHECK(access(b_only, F_OK) < 0, "b sees a's new file");
    CHECK(text_is(a_doomed, "middle"), "a lost the file deleted in b");
    CHECK(text_is(a_shared, "changed in a"), "a lost its own change");
    CHECK(lowers_untouched(f), "a lower layer was written");
    return NULL;
}

static void test_two_overlays_on_same_lowers_are_independent(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct two t;
    prepare_three(f, "state-a", &t.a);
    prepare_three(f, "state-b", &t.b);
    assert_string_not_equal(t.a.upper, t.b.upper);
    run_in_mount_ns(f, child_two_overlays, &t);
    overlay_layers_free(&t.a);
    overlay_layers_free(&t.b);
}

static char *child_read_only(struct fixture *f, void *arg)
{
    char *why = mount_at(f, arg, "merged");
    if (why)
        return why;
    cleanup_free char *shared = path_in(f, "merged/shared");
    cleanup_free char *fresh = path_in(f, "merged/new");
    CHECK(text_is(shared, "top"), "the top layer does not win");
    int fd = open(fresh, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    CHECK(fd < 0 && errno == EROFS, "creating a file: %s, not EROFS", fd < 0 ? strerror(errno) : "it worked");
    fd = open(shared, O_WRONLY | O_CLOEXEC);
    CHECK(fd < 0 && errno == EROFS, "writing a lower file: %s, not EROFS", fd < 0 ? strerror(errno) : "it worked");
    return NULL;
}

static void test_read_only_overlay_refuses_writes(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    char *lower[] = {path_in(f, "top"), path_in(f, "middle"), path_in(f, "bottom"), NULL};
    struct overlay_layers l = {.lower = lower, .lower_len = 3};
    run_in_mount_ns(f, child_read_only, &l);
    assert_true(lowers_untouched(f));
    for (size_t i = 0; i < 3; i++)
        free(lower[i]);
}

/* n layers <dir>/layers/<LONG_NAME>-<i>, each with its own file and a
 * "which" naming it; the top one must win. */
static char **make_many_layers(const struct fixture *f, size_t n, const char *prefix)
{
    char **lower = xzalloc((n + 1) * sizeof(*lower));
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *name = xasprintf("%s/" LONG_NAME "-%03zu", prefix, i);
        cleanup_free char *own = xasprintf("own-%03zu=%zu", i, i);
        cleanup_free char *which = xasprintf("which=%zu", i);
        const char *files[] = {own, which, NULL};
        lower[i] = make_layer(f, name, files);
    }
    return lower;
}

static char *check_many(struct fixture *f, size_t n)
{
    cleanup_free char *which = path_in(f, "merged/which");
    CHECK(text_is(which, "0"), "the top layer does not win");
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *own = xasprintf("%s/merged/own-%03zu", f->dir, i);
        cleanup_free char *want = xasprintf("%zu", i);
        CHECK(text_is(own, want), "layer %zu is not visible", i + 1);
    }
    return NULL;
}

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 4096; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

struct many {
    struct overlay_layers layers;
    bool force_string;
    bool expect_too_many;
};

static char *child_many(struct fixture *f, void *arg)
{
    struct many *m = arg;
    overlay_force_lowerdir_string = m->force_string;
    char cwd_before[4096], cwd_after[4096];
    CHECK(getcwd(cwd_before, sizeof(cwd_before)), "getcwd");
    int fds_before = count_fds();
    char *why = mount_at(f, &m->layers, "merged");
    CHECK(getcwd(cwd_after, sizeof(cwd_after)) && strcmp(cwd_before, cwd_after) == 0, "the cwd changed");
    CHECK(count_fds() == fds_before, "fds leaked: %d before, %d after", fds_before, count_fds());
    if (m->expect_too_many) {
        CHECK(why && strstr(why, "too many layers for one mount option"), "%zu long layers: %s", m->layers.lower_len,
              why ? why : "mounted");
        return xasprintf("# expected error: %s", why);
    }
    if (why)
        return why;
    return check_many(f, m->layers.lower_len);
}

static void run_many(struct fixture *f, size_t n, bool force_string, bool expect_too_many)
{
    struct many m = {.force_string = force_string, .expect_too_many = expect_too_many};
    m.layers.lower = make_many_layers(f, n, "layers");
    m.layers.lower_len = n;
    m.layers.upper = path_in(f, "upper");
    m.layers.work = path_in(f, "work");
    assert_int_equal(mkdir(m.layers.upper, 0755), 0);
    assert_int_equal(mkdir(m.layers.work, 0700), 0);
    run_in_mount_ns(f, child_many, &m);
    overlay_layers_free(&m.layers);
}

static void test_200_layers(void **state)
{
    /* lowerdir+ since 6.8; before, 200 long paths cannot fit one value. */
    bool plus = overlay_kernel_has_lowerdir_plus();
    print_message("# lowerdir+: %s\n", plus ? "yes" : "no, one lowerdir string");
    run_many(*state, 200, false, !plus);
}

static void test_fallback_string_few_layers(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    overlay_force_lowerdir_string = true;
    run_in_mount_ns(f, child_write_and_delete, &l);
    overlay_force_lowerdir_string = false;
    overlay_layers_free(&l);
}

static void test_fallback_string_long_paths_go_by_fd(void **state)
{
    /* 40 layers of ~120 bytes: 4.8 KB of paths, ~120 bytes of fd numbers. */
    run_many(*state, 40, true, false);
}

static void test_fallback_string_too_many_layers(void **state)
{
    run_many(*state, 200, true, true);
}

static char *child_long_paths(struct fixture *f, void *arg)
{
    (void) f;
    const struct overlay_layers *l = arg;
    char *why = mount_at(f, l, "merged");
    if (why)
        return why;
    cleanup_free char *file = path_in(f, "merged/deep");
    cleanup_free char *upper_file = xasprintf("%s/new", l->upper);
    cleanup_free char *merged_new = path_in(f, "merged/new");
    CHECK(text_is(file, "deep"), "the deep layer is not visible");
    write_text(merged_new, "x");
    CHECK(text_is(upper_file, "x"), "the write is not in the deep upper");
    return NULL;
}

static void test_paths_longer_than_one_fsconfig_value(void **state)
{
    struct fixture *f = *state;
    char rel[512] = "";
    for (int i = 0; i < 3; i++)
        strcat(rel, LONG_NAME "/");
    cleanup_free char *lower_rel = xasprintf("%slower", rel);
    const char *files[] = {"deep=deep", NULL};
    char *lower[] = {make_layer(f, lower_rel, files), NULL};
    assert_true(strlen(lower[0]) > OVERLAY_FSCONFIG_VALUE_MAX);
    cleanup_free char *upper_rel = xasprintf("%supper", rel);
    struct overlay_source src = {.base = f->dir, .lower = (char *const[]){lower[0]}, .lower_len = 1,
                                 .upper = upper_rel, .lower_origin = "--layer", .upper_origin = "--upper"};
    struct overlay_layers l;
    err_t err = NULL;
    if (overlay_layers_prepare(&src, NULL, &l, &err) < 0)
        fail_msg("%s", err_message(&err));
    assert_true(strlen(l.upper) > OVERLAY_FSCONFIG_VALUE_MAX);
    run_in_mount_ns(f, child_long_paths, &l);
    overlay_force_lowerdir_string = true;
    free(l.upper);
    free(l.work);
    l.upper = l.work = NULL;
    l.upper = xasprintf("%s/%supper2", f->dir, rel);
    l.work = xasprintf("%s.work", l.upper);
    assert_int_equal(mkdir(l.upper, 0755), 0);
    assert_int_equal(mkdir(l.work, 0700), 0);
    run_in_mount_ns(f, child_long_paths, &l);
    overlay_force_lowerdir_string = false;
    overlay_layers_free(&l);
    free(lower[0]);
}

static char *child_odd_names(struct fixture *f, void *arg)
{
    const struct overlay_layers *l = arg;
    char *why = mount_at(f, l, "merged");
    if (why)
        return why;
    cleanup_free char *odd = path_in(f, "merged/odd");
    cleanup_free char *shared = path_in(f, "merged/shared");
    cleanup_free char *fresh = path_in(f, "merged/new");
    cleanup_free char *upper_new = xasprintf("%s/new", l->upper);
    CHECK(text_is(odd, "odd") && text_is(shared, "odd"), "the layer with ':' and ',' is not on top");
    write_text(fresh, "x");
    CHECK(text_is(upper_new, "x"), "the write is not in the upper with a ','");
    return NULL;
}

/* ':' separates layers in a lowerdir string and ',' options before 6.5. */
static void test_colons_and_commas_in_paths(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    const char *files[] = {"odd=odd", "shared=odd", NULL};
    free(make_layer(f, "odd:layer,1", files));
    cleanup_free char *keep = path_in(f, "keep,1");
    assert_int_equal(mkdir(keep, 0755), 0);
    struct overlay_layers l;
    err_t err = NULL;
    if (overlay_layers_from_annotations(f->dir, "odd\\:layer,1:top:bottom", "keep,1/up,per", NULL, &l, &err) < 0)
        fail_msg("%s", err_message(&err));
    cleanup_free char *odd = path_in(f, "odd:layer,1");
    assert_string_equal(l.lower[0], odd);
    run_in_mount_ns(f, child_odd_names, &l);
    overlay_force_lowerdir_string = true;
    run_in_mount_ns(f, child_odd_names, &l);
    overlay_force_lowerdir_string = false;
    overlay_layers_free(&l);
}

static void expect_prepare_error(struct fixture *f, const char *list, const char *want)
{
    struct overlay_layers l;
    err_t err = NULL;
    cleanup_free char *state_dir = path_in(f, "state");
    mkdir(state_dir, 0700);
    assert_int_equal(overlay_layers_from_annotations(f->dir, list, NULL, state_dir, &l, &err), -1);
    cleanup_free char *text = err_message(&err);
    print_message("# expected error: %s\n", text);
    assert_string_equal(text, want);
    cleanup_free char *upper = path_in(f, "state/upper");
    assert_int_equal(access(upper, F_OK), -1); /* nothing made */
}

static void test_missing_layer_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    cleanup_free char *want =
        xasprintf("org.berth.rootfs.lower: layer 2 \"%s/nope\": no such file or directory", f->dir);
    expect_prepare_error(f, "top:nope:bottom", want);
}

static void test_file_layer_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    cleanup_free char *want = xasprintf("org.berth.rootfs.lower: layer 3 \"%s/top/shared\": not a directory", f->dir);
    expect_prepare_error(f, "top:middle:top/shared", want);
}

static void test_bad_lists_are_refused(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    expect_prepare_error(f, "", "org.berth.rootfs.lower: no layers: invalid argument");
    expect_prepare_error(f, "top::bottom", "org.berth.rootfs.lower: layer 2 is empty: invalid argument");
    /* Absolute paths stay as they are; '\:' escapes a colon. */
    char **v;
    size_t n;
    err_t err = NULL;
    assert_int_equal(overlay_split_lower_list("/a\\:b:c", "--layer", &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "/a:b");
    assert_string_equal(v[1], "c");
    strv_free(v);
}

static char *child_mount_then_write(struct fixture *f, void *arg)
{
    const struct overlay_layers *l = arg;
    char *why = mount_at(f, l, "merged");
    if (why)
        return why;
    cleanup_free char *p = path_in(f, "merged/new");
    write_text(p, "kept");
    return NULL;
}

static void test_ephemeral_upper_made_and_removed(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    cleanup_free char *top = path_in(f, "top");
    assert_int_equal(chmod(top, 0751), 0);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    cleanup_free char *upper = path_in(f, "state/upper");
    cleanup_free char *work = path_in(f, "state/work");
    assert_string_equal(l.upper, upper);
    assert_string_equal(l.work, work);
    struct stat st;
    assert_int_equal(stat(upper, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0751); /* the container's "/" */
    assert_int_equal(stat(work, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    print_message("# volatile upper: %s\n", l.volatile_upper ? "yes" : "no");

    run_in_mount_ns(f, child_mount_then_write, &l);
    cleanup_free char *written = path_in(f, "state/upper/new");
    assert_true(text_is(written, "kept"));

    err_t err = NULL;
    assert_int_equal(overlay_chown_upper(&l, 100000, 100001, &err), 0);
    assert_int_equal(stat(upper, &st), 0);
    assert_true(st.st_uid == 100000 && st.st_gid == 100001);
    assert_int_equal(stat(work, &st), 0);
    assert_true(st.st_uid == 100000 && st.st_gid == 100001);

    cleanup_free char *state_dir = path_in(f, "state");
    assert_int_equal(overlay_remove_ephemeral(state_dir, &err), 0);
    assert_int_equal(access(upper, F_OK), -1);
    assert_int_equal(access(work, F_OK), -1);
    assert_int_equal(access(state_dir, F_OK), 0);
    assert_int_equal(overlay_remove_ephemeral(state_dir, &err), 0); /* twice is fine */
    assert_true(lowers_untouched(f));
    overlay_layers_free(&l);
}

static char *child_persistent_sees(struct fixture *f, void *arg)
{
    char *why = mount_at(f, arg, "merged");
    if (why)
        return why;
    cleanup_free char *p = path_in(f, "merged/new");
    CHECK(text_is(p, "kept"), "the persistent upper lost the write");
    return NULL;
}

static void test_persistent_upper_keeps_changes(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    err_t err = NULL;
    cleanup_free char *keep = path_in(f, "keep");
    assert_int_equal(mkdir(keep, 0755), 0);
    if (overlay_layers_from_annotations(f->dir, "top:middle:bottom", "keep/upper", NULL, &l, &err) < 0)
        fail_msg("%s", err_message(&err));
    cleanup_free char *work = path_in(f, "keep/upper.work");
    assert_string_equal(l.work, work);
    assert_false(l.ephemeral);
    assert_false(l.volatile_upper);
    run_in_mount_ns(f, child_mount_then_write, &l);
    run_in_mount_ns(f, child_persistent_sees, &l);
    overlay_layers_free(&l);
}

static void test_persistent_upper_needs_its_parent(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    err_t err = NULL;
    assert_int_equal(overlay_layers_from_annotations(f->dir, "top", "no/such/upper", NULL, &l, &err), -1);
    cleanup_free char *text = err_message(&err);
    cleanup_free char *want =
        xasprintf("org.berth.rootfs.upper: create \"%s/no/such/upper\": no such file or directory", f->dir);
    assert_string_equal(text, want);
}

static char *child_upper_on_overlay(struct fixture *f, void *arg)
{
    struct overlay_layers *l = arg;
    char *why = mount_at(f, l, "merged");
    if (why)
        return why;
    /* A second overlay whose upper lives in the first. */
    struct overlay_layers second = {.lower = l->lower, .lower_len = 1};
    second.upper = path_in(f, "merged/upper2");
    second.work = path_in(f, "merged/work2");
    CHECK(mkdir(second.upper, 0755) == 0 && mkdir(second.work, 0700) == 0, "mkdir in the overlay");
    err_t err = NULL;
    int fd = overlay_mount_fd(&second, &err);
    CHECK(fd < 0, "an upper on an overlay was accepted");
    cleanup_free char *text = err_message(&err);
    CHECK(strstr(text, second.upper) && strstr(text, "overlay filesystem"), "the error does not name the upper: %s",
          text);
    why = xasprintf("# expected error: %s", text);
    free(second.upper);
    free(second.work);
    return why;
}

static void test_upper_on_overlay_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    run_in_mount_ns(f, child_upper_on_overlay, &l);
    overlay_layers_free(&l);
}

static char *child_work_elsewhere(struct fixture *f, void *arg)
{
    struct overlay_layers *l = arg;
    cleanup_free char *other = path_in(f, "other");
    CHECK(mkdir(other, 0755) == 0, "mkdir other");
    CHECK(mount("tmpfs", other, "tmpfs", 0, NULL) == 0, "mount tmpfs: %s", strerror(errno));
    free(l->work);
    l->work = path_in(f, "other/work");
    CHECK(mkdir(l->work, 0700) == 0, "mkdir work");
    err_t err = NULL;
    int fd = overlay_mount_fd(l, &err);
    CHECK(fd < 0, "a work dir on another mount was accepted");
    cleanup_free char *text = err_message(&err);
    CHECK(strstr(text, l->work) && strstr(text, l->upper), "the error does not name both: %s", text);
    return xasprintf("# expected error: %s", text);
}

static void test_work_on_another_mount_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    run_in_mount_ns(f, child_work_elsewhere, &l);
    overlay_layers_free(&l);
}

static char *child_upper_read_only(struct fixture *f, void *arg)
{
    struct overlay_layers *l = arg;
    CHECK(mount(l->upper, l->upper, NULL, MS_BIND, NULL) == 0, "bind: %s", strerror(errno));
    CHECK(mount(NULL, l->upper, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0, "ro: %s", strerror(errno));
    free(l->work);
    l->work = xasprintf("%s/work", l->upper); /* same mount, so only the ro check can fire */
    err_t err = NULL;
    int fd = overlay_mount_fd(l, &err);
    CHECK(fd < 0, "a read-only upper was accepted");
    cleanup_free char *text = err_message(&err);
    CHECK(strstr(text, l->upper) != NULL, "the error does not name the upper: %s", text);
    (void) f;
    return xasprintf("# expected error: %s", text);
}

static void test_read_only_upper_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    cleanup_free char *work = xasprintf("%s/work", l.upper);
    assert_int_equal(mkdir(work, 0700), 0);
    run_in_mount_ns(f, child_upper_read_only, &l);
    overlay_layers_free(&l);
}

static char *child_options(struct fixture *f, void *arg)
{
    struct overlay_layers *l = arg;
    char *why = mount_at(f, l, "merged");
    if (why)
        return why;
    cleanup_free char *p = path_in(f, "merged/new");
    write_text(p, "x");
    cleanup_free char *upper_new = xasprintf("%s/new", l->upper);
    CHECK(text_is(upper_new, "x"), "the write is not in the upper");
    return NULL;
}

static void test_options_pass_through(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    assert_true(overlay_kernel_supports("volatile"));
    assert_true(overlay_kernel_supports("userxattr"));
    assert_true(overlay_kernel_supports("redirect_dir=on"));
    struct overlay_layers l;
    prepare_three(f, "state", &l);
    l.userxattr = true;
    l.volatile_upper = true;
    /* userxattr conflicts with redirect_dir=on and metacopy=on. */
    char *options[] = {"redirect_dir=nofollow", "index=off", "xino=auto", "metacopy=off", NULL};
    l.options = options;
    run_in_mount_ns(f, child_options, &l);
    l.options = NULL;
    overlay_layers_free(&l);
}

static char *child_unknown_option(struct fixture *f, void *arg)
{
    err_t err = NULL;
    int fd = overlay_mount_fd(arg, &err);
    CHECK(fd < 0, "an unknown option was accepted");
    cleanup_free char *text = err_message(&err);
    /* Before 6.5 overlay checks options at mount time and names them in
     * the kernel log only. */
    const char *want = overlay_kernel()->legacy ? "the kernel log tells why" : "overlay option no_such_option";
    CHECK(strstr(text, want), "the error does not name the option: %s", text);
    (void) f;
    return xasprintf("# expected error: %s", text);
}

static void test_unknown_option_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    char *lower[] = {path_in(f, "top"), NULL};
    char *options[] = {"no_such_option", NULL};
    struct overlay_layers l = {.lower = lower, .lower_len = 1, .options = options};
    assert_int_equal(overlay_kernel_supports("no_such_option"), overlay_kernel()->legacy);
    run_in_mount_ns(f, child_unknown_option, &l);
    free(lower[0]);
}

static void test_option_support_by_release(void **state)
{
    (void) state;
    assert_false(overlay_release_has_option("5.4.0-150-generic", "volatile"));
    assert_true(overlay_release_has_option("5.10.0-28-amd64", "volatile"));
    assert_false(overlay_release_has_option("5.10.0-28-amd64", "userxattr"));
    assert_true(overlay_release_has_option("5.11.0", "userxattr"));
    assert_true(overlay_release_has_option("6.1.0-18-amd64", "userxattr"));
    assert_true(overlay_release_has_option("4.4.0", "lowerdir"));
    assert_false(overlay_release_has_option("junk", "volatile"));
}

struct vanishing {
    struct overlay_layers layers;
    bool force_string;
};

static char *child_vanished_layer(struct fixture *f, void *arg)
{
    struct vanishing *v = arg;
    overlay_force_lowerdir_string = v->force_string;
    err_t err = NULL;
    int fd = overlay_mount_fd(&v->layers, &err);
    CHECK(fd < 0, "a vanished layer was mounted");
    cleanup_free char *text = err_message(&err);
    cleanup_free char *want = xasprintf("lower layer 2 \"%s/middle\"", f->dir);
    CHECK(strstr(text, want), "the error does not name the layer: %s", text);
    return xasprintf("# expected error: %s", text);
}

static void test_layer_gone_at_mount_is_named(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct vanishing v;
    prepare_three(f, "state", &v.layers);
    err_t err = NULL;
    assert_int_equal(remove_tree_at(AT_FDCWD, v.layers.lower[1], &err), 0);
    v.force_string = false;
    run_in_mount_ns(f, child_vanished_layer, &v);
    v.force_string = true;
    run_in_mount_ns(f, child_vanished_layer, &v);
    overlay_layers_free(&v.layers);
}

static void test_resolve_option(void **state)
{
    (void) state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"lowerdir=a:/abs/b:c/../d", "lowerdir=/bundle/a:/abs/b:/bundle/d"},
        {"lowerdir=x\\:y:z", "lowerdir=/bundle/x\\:y:/bundle/z"},
        {"lowerdir=l1::data", "lowerdir=/bundle/l1::/bundle/data"},
        {"lowerdir+=layer", "lowerdir+=/bundle/layer"},
        {"datadir+=/abs", "datadir+=/abs"},
        {"upperdir=up", "upperdir=/bundle/up"},
        {"workdir=./w", "workdir=/bundle/w"},
        {"metacopy=on", "metacopy=on"},
        {"volatile", "volatile"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        cleanup_free char *got = overlay_resolve_option("/bundle", cases[i].in);
        assert_string_equal(got, cases[i].out);
    }
}

static void test_layers_from_options(void **state)
{
    (void) state;
    char *options[] = {"lowerdir=a:/b\\:c", "lowerdir+=d", "upperdir=u", "workdir=/w", "volatile", "userxattr",
                       "metacopy=on"};
    struct overlay_layers l;
    err_t err = NULL;
    assert_int_equal(overlay_layers_from_options("/bundle", options, ARRAY_SIZE(options), &l, &err), 0);
    assert_int_equal(l.lower_len, 3);
    assert_string_equal(l.lower[0], "/bundle/a");
    assert_string_equal(l.lower[1], "/b:c");
    assert_string_equal(l.lower[2], "/bundle/d");
    assert_null(l.lower[3]);
    assert_string_equal(l.upper, "/bundle/u");
    assert_string_equal(l.work, "/w");
    assert_true(l.volatile_upper && l.userxattr);
    assert_string_equal(l.options[0], "metacopy=on");
    assert_null(l.options[1]);
    overlay_layers_free(&l);

    char *none[] = {"metacopy=on"};
    assert_int_equal(overlay_layers_from_options("/bundle", none, 1, &l, &err), 0);
    overlay_layers_free(&l);
    assert_int_equal(overlay_layers_from_options("/bundle", NULL, 0, &l, &err), -1);
    free_err(&err);
}

static char *child_mount_from_options(struct fixture *f, void *arg)
{
    return child_every_lower_visible(f, arg);
}

static void test_mount_from_config_options(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    cleanup_free char *up = path_in(f, "up");
    cleanup_free char *wk = path_in(f, "wk");
    assert_int_equal(mkdir(up, 0755), 0);
    assert_int_equal(mkdir(wk, 0700), 0);
    char *options[] = {"lowerdir=top:middle", "lowerdir+=bottom", "upperdir=up", "workdir=wk", "index=off"};
    struct overlay_layers l;
    err_t err = NULL;
    assert_int_equal(overlay_layers_from_options(f->dir, options, ARRAY_SIZE(options), &l, &err), 0);
    run_in_mount_ns(f, child_mount_from_options, &l);
    overlay_layers_free(&l);
}

/* ---- timing (a note, not an assertion) -------------------------------------- */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* Median microseconds of overlay_mount_fd + close over runs. */
static char *time_mounts(const struct overlay_layers *l, int runs, double *median)
{
    double *t = xmalloc((size_t) runs * sizeof(*t));
    for (int i = 0; i < runs; i++) {
        err_t err = NULL;
        double start = now_us();
        int fd = overlay_mount_fd(l, &err);
        t[i] = now_us() - start;
        if (fd < 0) {
            free(t);
            return err_message(&err);
        }
        close(fd);
    }
    qsort(t, (size_t) runs, sizeof(*t), compare_double);
    *median = t[runs / 2];
    free(t);
    return NULL;
}

struct timing {
    struct overlay_layers three, three_read_only, many;
};

static char *child_timing(struct fixture *f, void *arg)
{
    (void) f;
    struct timing *t = arg;
    double three, three_read_only, many, three_string;
    char *why = time_mounts(&t->three, 200, &three);
    if (!why)
        why = time_mounts(&t->three_read_only, 200, &three_read_only);
    if (!why)
        why = time_mounts(&t->many, 20, &many);
    if (why)
        return why;
    overlay_force_lowerdir_string = true;
    why = time_mounts(&t->three, 200, &three_string);
    overlay_force_lowerdir_string = false;
    if (why)
        return why;
    return xasprintf("# timing: overlay_mount_fd median (lowerdir+: %s): 3 layers + upper %.0f us, "
                     "3 layers read-only %.0f us, 3 layers + upper as one lowerdir string %.0f us, "
                     "%zu layers read-only %.0f us",
                     overlay_kernel_has_lowerdir_plus() ? "yes" : "no", three, three_read_only, three_string,
                     t->many.lower_len, many);
}

static void test_mount_timing(void **state)
{
    struct fixture *f = *state;
    make_three_layers(f);
    struct timing t;
    prepare_three(f, "state", &t.three);
    t.three.volatile_upper = false; /* a volatile workdir is used once */
    /* Without lowerdir+ ~80 layers fit (as fd numbers). */
    size_t n = overlay_kernel_has_lowerdir_plus() ? 200 : 50;
    t.many = (struct overlay_layers){.lower = make_many_layers(f, n, "many"), .lower_len = n};
    t.three_read_only = (struct overlay_layers){.lower = t.three.lower, .lower_len = 3};
    run_in_mount_ns(f, child_timing, &t);
    overlay_layers_free(&t.three);
    overlay_layers_free(&t.many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_option),
        cmocka_unit_test(test_layers_from_options),
        cmocka_unit_test_setup_teardown(test_every_lower_visible_top_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_land_in_upper_and_delete_makes_whiteout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_overlays_on_same_lowers_are_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_overlay_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_200_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_string_few_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_string_long_paths_go_by_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_string_too_many_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths_longer_than_one_fsconfig_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_colons_and_commas_in_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_layer_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_layer_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_lists_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ephemeral_upper_made_and_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistent_upper_keeps_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistent_upper_needs_its_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upper_on_overlay_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_on_another_mount_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_upper_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_pass_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_option_is_named, setup, teardown),
        cmocka_unit_test(test_option_support_by_release),
        cmocka_unit_test_setup_teardown(test_layer_gone_at_mount_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mount_from_config_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mount_timing, setup, teardown),
    };
    if (getenv("BERTH_TEST_FILTER"))
        cmocka_set_test_filter(getenv("BERTH_TEST_FILTER"));
    if (geteuid() != 0) {
        print_message("# SKIP: overlay tests need root\n");
        return 0;
    }
    return cmocka_run_group_tests_name("overlay", tests, NULL, NULL);
}
