/* cgroups/ on the real kernel: v1/hybrid on the development hosts, pure v2
 * in the VM (make test-vm). Every cgroup is named berth-test-<pid>-..., made
 * below our own cgroup, and removed in teardown even when a test fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"

#define MiB (1024 * 1024)
#define MAX_CHILDREN 16
#define MAX_CGROUPS 8

#define SKIP(...)                                                                                                   \
    do {                                                                                                            \
        print_message("# SKIP: " __VA_ARGS__);                                                                      \
        print_message("\n");                                                                                        \
        skip();                                                                                                     \
    } while (0)

/* ---- fixture ------------------------------------------------------------- */

struct child {
    pid_t pid;
    int go;     /* write a byte: the child starts its body */
    int report; /* what the child tells the test */
};

struct fixture {
    struct cgroup *cgroups[MAX_CGROUPS];
    size_t n_cgroups;
    struct child children[MAX_CHILDREN];
    size_t n_children;
    char **extra_dirs; /* made by a test itself: removed last */
    size_t n_extra;
};

static int counter;

static char *unique(const char *what)
{
    return xasprintf("berth-test-%d-%s-%d", (int) getpid(), what, counter++);
}

static int setup(void **state)
{
    *state = xzalloc(sizeof(struct fixture));
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < f->n_children; i++)
        if (f->children[i].pid > 0)
            kill(f->children[i].pid, SIGKILL);
    for (size_t i = 0; i < f->n_cgroups; i++) {
        err_t err = NULL;
        cgroup_freeze(f->cgroups[i], false, &err);
        free_err(&err);
        cgroup_signal_all(f->cgroups[i], SIGKILL, &err);
        free_err(&err);
    }
    for (size_t i = 0; i < f->n_children; i++) {
        if (f->children[i].pid > 0)
            waitpid(f->children[i].pid, NULL, 0);
        close(f->children[i].go);
        close(f->children[i].report);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    for (size_t i = 0; i < f->n_cgroups; i++) {
        err_t err = NULL;
        if (cgroup_destroy(f->cgroups[i], &err) < 0) {
            cleanup_free char *text = err_text(err);
            print_error("teardown: %s\n", text);
            free_err(&err);
        }
        cgroup_free(f->cgroups[i]);
    }
    for (size_t i = f->n_extra; i-- > 0;) {
        rmdir(f->extra_dirs[i]);
        free(f->extra_dirs[i]);
    }
    free(f->extra_dirs);
    free(f);
    return 0;
}

static void add_extra_dir(struct fixture *f, char *dir)
{
    f->extra_dirs = xrealloc(f->extra_dirs, (f->n_extra + 1) * sizeof(char *));
    f->extra_dirs[f->n_extra++] = dir;
}

/* ---- helpers -------------------------------------------------------------- */

static struct cgroup *create_ok(struct fixture *f, const char *path, const struct oci_resources *r)
{
    cleanup_free char *id = unique("ctr");
    struct cgroup_create_opts opts = {.id = id, .cgroups_path = path, .resources = r};
    struct cgroup *cg = NULL;
    err_t err = NULL;
    if (cgroup_create(&opts, &cg, &err) < 0) {
        cleanup_free char *text = err_text(err);
        free_err(&err);
        fail_msg("cgroup_create: %s", text);
    }
    assert_true(f->n_cgroups < MAX_CGROUPS);
    f->cgroups[f->n_cgroups++] = cg;
    return cg;
}

/* The directories a create with these options would make. */
static char **expected_dirs(const struct cgroup_create_opts *opts)
{
    struct cgroup *cg = NULL;
    err_t err = NULL;
    assert_int_equal(cg_discover(&cg, &err), 0);
    if (cg_resolve_path(cg, opts, &err) < 0) {
        free_err(&err);
        cgroup_free(cg);
        return xzalloc(sizeof(char *));
    }
    char **dirs = xzalloc((cg->n_hier + 1) * sizeof(char *));
    for (size_t i = 0; i < cg->n_hier; i++)
        dirs[i] = cg_dir_path(&cg->hier[i]);
    cgroup_free(cg);
    return dirs;
}

/* cgroup_create must fail, naming `expect`, and leave no directory. */
static void create_fails(const char *path, const struct oci_resources *r, bool systemd, const char *expect)
{
    cleanup_free char *id = unique("bad");
    struct cgroup_create_opts opts = {.id = id, .cgroups_path = path, .resources = r, .systemd = systemd};
    cleanup_strv char **dirs = expected_dirs(&opts);
    struct cgroup *cg = NULL;
    err_t err = NULL;
    int rc = cgroup_create(&opts, &cg, &err);
    if (rc == 0) {
        cgroup_destroy(cg, &err);
        cgroup_free(cg);
        fail_msg("cgroup_create succeeded; expected an error naming %s", expect);
    }
    cleanup_free char *text = err_text(err);
    free_err(&err);
    print_message("# expected error: %s\n", text);
    if (strstr(text, expect) == NULL)
        fail_msg("error \"%s\" does not name %s", text, expect);
    for (size_t i = 0; dirs[i]; i++)
        if (access(dirs[i], F_OK) == 0)
            fail_msg("%s was left behind", dirs[i]);
}

static const struct cg_hierarchy *hierarchy_of(const struct cgroup *cg, const char *controller)
{
    if (cg->mode == CGROUP_UNIFIED)
        return &cg->hier[0];
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, controller);
    return h ? h : cg_v2_hierarchy(cg);
}

static char *cg_file(const struct cgroup *cg, const char *controller, const char *file)
{
    const struct cg_hierarchy *h = hierarchy_of(cg, controller);
    assert_non_null(h);
    cleanup_free char *dir = cg_dir_path(h);
    cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *text = NULL;
    err_t err = NULL;
    assert_true(fd >= 0);
    if (cg_read(fd, file, &text, &err) < 0) {
        cleanup_free char *msg = err_text(err);
        free_err(&err);
        fail_msg("read %s/%s: %s", dir, file, msg);
    }
    return text;
}

static void assert_file(const struct cgroup *cg, const char *controller, const char *file, const char *expect)
{
    cleanup_free char *got = cg_file(cg, controller, file);
    if (strcmp(got, expect) != 0)
        fail_msg("%s: \"%s\", expected \"%s\"", file, got, expect);
}

static bool file_exists(const struct cgroup *cg, const char *controller, const char *file)
{
    const struct cg_hierarchy *h = hierarchy_of(cg, controller);
    if (h == NULL)
        return false;
    cleanup_free char *dir = cg_dir_path(h);
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    return access(path, F_OK) == 0;
}

static bool unified(void)
{
    struct statfs st;
    return statfs(CGROUP_MOUNT_ROOT, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* A forked process that waits for go, runs body and exits with its value. */
static struct child *spawn(struct fixture *f, int (*body)(void *arg, int report), void *arg)
{
    int go[2], report[2];
    assert_true(f->n_children < MAX_CHILDREN);
    assert_int_equal(pipe2(go, O_CLOEXEC), 0);
    assert_int_equal(pipe2(report, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c;
        close(go[1]);
        close(report[0]);
        if (read(go[0], &c, 1) != 1)
            _exit(100);
        _exit(body(arg, report[1]));
    }
    close(go[0]);
    close(report[1]);
    struct child *c = &f->children[f->n_children++];
    *c = (struct child){.pid = pid, .go = go[1], .report = report[0]};
    return c;
}

static void enter(struct cgroup *cg, struct child *c)
{
    err_t err = NULL;
    if (cgroup_enter(cg, c->pid, &err) < 0) {
        cleanup_free char *text = err_text(err);
        free_err(&err);
        fail_msg("cgroup_enter: %s", text);
    }
}

static void go(struct child *c)
{
    assert_int_equal(write(c->go, "x", 1), 1);
}

static int wait_child(struct child *c)
{
    int status;
    assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
    c->pid = -1;
    return status;
}

static void read_report(struct child *c, void *buf, size_t len)
{
    assert_int_equal(read_all(c->report, buf, len), (ssize_t) len);
}

#define CHECK(call)                                                                                                 \
    do {                                                                                                            \
        err_t check_err = NULL;                                                                                     \
        if ((call) < 0) {                                                                                           \
            cleanup_free char *check_text = err_text(check_err);                                                    \
            free_err(&check_err);                                                                                   \
            fail_msg("%s: %s", #call, check_text);                                                                  \
        }                                                                                                           \
    } while (0)

__attribute__((noreturn)) static int sleep_forever(void *arg, int report)
{
    (void) arg;
    (void) report;
    for (;;)
        pause();
}

static bool all_own_cgroups_are_root(void)
{
    struct cgroup *cg = NULL;
    err_t err = NULL;
    bool root = true;
    assert_int_equal(cg_discover(&cg, &err), 0);
    for (size_t i = 0; i < cg->n_hier; i++)
        root = root && strcmp(cg->hier[i].own, "/") == 0;
    cgroup_free(cg);
    return root;
}

/* ---- mode and paths -------------------------------------------------------- */

static void test_detect_mode(void **state)
{
    (void) state;
    enum cgroup_mode mode;
    CHECK(cgroup_detect_mode(&mode, &check_err));
    struct statfs st;
    bool hybrid = statfs(CGROUP_MOUNT_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
    print_message("# mode: %s\n", cg_mode_name(mode));
    if (unified())
        assert_int_equal(mode, CGROUP_UNIFIED);
    else
        assert_int_equal(mode, hybrid ? CGROUP_HYBRID : CGROUP_LEGACY);
}

static void test_default_path_is_own_cgroup_plus_id(void **state)
{
    struct fixture *f = *state;
    struct cgroup *own = NULL;
    err_t err = NULL;
    assert_int_equal(cg_discover(&own, &err), 0);
    struct cgroup *cg = create_ok(f, NULL, NULL);
    assert_int_equal(cg->n_hier, own->n_hier);
    for (size_t i = 0; i < cg->n_hier; i++) {
        const char *name = strrchr(cg->hier[i].path, '/') + 1;
        cleanup_free char *expect = path_join(own->hier[i].own, name);
        assert_string_equal(cg->hier[i].path, expect);
        assert_true(str_has_prefix(name, "berth-test-"));
        cleanup_free char *dir = cg_dir_path(&cg->hier[i]);
        assert_int_equal(access(dir, F_OK), 0);
    }
    cgroup_free(own);
    cleanup_strv char **dirs = xzalloc((cg->n_hier + 1) * sizeof(char *));
    for (size_t i = 0; i < cg->n_hier; i++)
        dirs[i] = cg_dir_path(&cg->hier[i]);
    CHECK(cgroup_destroy(cg, &check_err));
    for (size_t i = 0; dirs[i]; i++)
        if (access(dirs[i], F_OK) == 0)
            fail_msg("%s survived cgroup_destroy", dirs[i]);
}

static void test_relative_path_below_own_cgroup(void **state)
{
    struct fixture *f = *state;
    cleanup_free char *name = unique("rel");
    cleanup_free char *rel = xasprintf("%s/inner", name);
    struct cgroup *cg = create_ok(f, rel, NULL);
    struct cgroup *own = NULL;
    err_t err = NULL;
    assert_int_equal(cg_discover(&own, &err), 0);
    for (size_t i = 0; i < cg->n_hier; i++) {
        cleanup_free char *expect = path_join(own->hier[i].own, rel);
        assert_string_equal(cg->hier[i].path, expect);
        /* destroy removes the container's cgroup, not the parents the path
         * made (they may be shared, as with runc) */
        cleanup_free char *dir = cg_dir_path(&cg->hier[i]);
        *strrchr(dir, '/') = '\0';
        add_extra_dir(f, steal_ptr(&dir));
    }
    cgroup_free(own);
    if (cg_v1_hierarchy(cg, "cpuset")) { /* inherited through the new parent */
        cleanup_free char *effective = cg_file(cg, "cpuset", "cpuset.effective_cpus");
        assert_file(cg, "cpuset", "cpuset.cpus", effective);
    }
}

static void test_absolute_path(void **state)
{
    struct fixture *f = *state;
    if (!all_own_cgroups_are_root())
        SKIP("an absolute cgroupsPath would leave our own cgroup (it is not / in every hierarchy here)");
    cleanup_free char *name = unique("abs");
    cleanup_free char *path = xasprintf("/%s", name);
    struct cgroup *cg = create_ok(f, path, NULL);
    for (size_t i = 0; i < cg->n_hier; i++)
        assert_string_equal(cg->hier[i].path, path);
}

static void test_bad_paths_are_rejected(void **state)
{
    (void) state;
    create_fails("../escape", NULL, false, "linux.cgroupsPath");
    create_fails("a/../../b", NULL, false, "linux.cgroupsPath");
    create_fails("/", NULL, false, "linux.cgroupsPath");
    create_fails("system.slice:berth:x", NULL, false, "systemd");
    create_fails(NULL, NULL, true, "systemd");
}

static void test_populated_cgroup_is_refused(void **state)
{
    struct fixture *f = *state;
    cleanup_free char *name = unique("busy");
    struct cgroup *cg = create_ok(f, name, NULL);
    struct child *c = spawn(f, sleep_forever, NULL);
    enter(cg, c);
    struct cgroup_create_opts opts = {.id = "x", .cgroups_path = name};
    struct cgroup *again = NULL;
    err_t err = NULL;
    assert_int_equal(cgroup_create(&opts, &again, &err), -1);
    assert_int_equal(err->errnum, EBUSY);
    free_err(&err);
    /* the existing cgroup is not ours to remove */
    cleanup_free char *dir = cg_dir_path(&cg->hier[0]);
    assert_int_equal(access(dir, F_OK), 0);
}

/* runtime.md: delete must not remove what the container did not create. */
static void test_existing_cgroup_is_kept(void **state)
{
    struct fixture *f = *state;
    cleanup_free char *name = unique("existing");
    struct cgroup *made = create_ok(f, name, NULL);
    struct cgroup *joined = create_ok(f, name, NULL);
    for (size_t i = 0; i < joined->n_hier; i++) {
        assert_false(made->hier[i].kept);
        assert_true(joined->hier[i].kept);
    }
    cleanup_free char *text = cgroup_describe(joined);
    struct cgroup *opened = NULL;
    CHECK(cgroup_open(text, &opened, &check_err));
    CHECK(cgroup_destroy(opened, &check_err));
    cgroup_free(opened);
    for (size_t i = 0; i < joined->n_hier; i++) {
        cleanup_free char *dir = cg_dir_path(&joined->hier[i]);
        assert_int_equal(access(dir, F_OK), 0);
    }
}

static void test_describe_and_open(void **state)
{
    struct fixture *f = *state;
    struct cgroup *cg = create_ok(f, NULL, NULL);
    cleanup_free char *text = cgroup_describe(cg);
    assert_non_null(text);
    assert_null(strchr(text, '\n'));
    print_message("# %s\n", text);
    struct cgroup *opened = NULL;
    CHECK(cgroup_open(text, &opened, &check_err));
    assert_int_equal(opened->mode, cg->mode);
    assert_int_equal(opened->n_hier, cg->n_hier);
    for (size_t i = 0; i < cg->n_hier; i++) {
        assert_string_equal(opened->hier[i].path, cg->hier[i].path);
        assert_string_equal(opened->hier[i].mount, cg->hier[i].mount);
        assert_string_equal(opened->hier[i].controllers, cg->hier[i].controllers);
        assert_int_equal(opened->hier[i].kept, cg->hier[i].kept);
    }
    struct child *c = spawn(f, sleep_forever, NULL);
    enter(opened, c);
    pid_t *pids = NULL;
    size_t n = 0;
    CHECK(cgroup_pids(cg, &pids, &n, &check_err));
    assert_int_equal(n, 1);
    assert_int_equal(pids[0], c->pid);
    free(pids);
    cgroup_free(opened);
    err_t err = NULL;
    assert_int_equal(cgroup_open("garbage", &opened, &err), -1);
    free_err(&err);
}

static void test_frozen_cgroup_is_refused(void **state)
{
    struct fixture *f = *state;
    cleanup_free char *name = unique("frozen");
    struct cgroup *cg = create_ok(f, name, NULL);
    CHECK(cgroup_freeze(cg, true, &check_err));
    struct cgroup_create_opts opts = {.id = "x", .cgroups_path = name};
    struct cgroup *again = NULL;
    err_t err = NULL;
    assert_int_equal(cgroup_create(&opts, &again, &err), -1);
    assert_non_null(strstr(err->msg, "frozen"));
    free_err(&err);
    CHECK(cgroup_freeze(cg, false, &check_err));
}

static void test_chown(void **state)
{
    struct fixture *f = *state;
    struct cgroup *cg = create_ok(f, NULL, NULL);
    CHECK(cgroup_chown(cg, 1000, 1001, &check_err));
    cleanup_free char *dir = cg_dir_path(&cg->hier[0]);
    cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
    cleanup_free char *max = xasprintf("%s/cgroup.max.depth", dir);
    struct stat st;
    assert_int_equal(stat(procs, &st), 0);
    if (cg->mode != CGROUP_UNIFIED) { /* runtime-spec: not on cgroup v1 */
        assert_int_equal(st.st_uid, 0);
        return;
    }
    assert_int_equal(st.st_uid, 1000);
    assert_int_equal(st.st_gid, 1001);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_uid, 1000);
    assert_int_equal(stat(max, &st), 0); /* not a delegated file */
    assert_int_equal(st.st_uid, 0);
}

static void test_v2_dirfd(void **state)
{
    struct fixture *f = *state;
    struct cgroup *cg = create_ok(f, NULL, NULL);
    int fd = cgroup_v2_dirfd(cg);
    if (cg->mode == CGROUP_UNIFIED) {
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        close(fd);
    } else {
        assert_int_equal(fd, -1);
    }
}

/* ---- resources --------------------------------------------------------------- */

static void test_memory(void **state)
{
    struct fixture *f = *state;
    struct oci_memory m = {.has_limit = true, .limit = 64 * MiB, .has_reservation = true, .reservation = 32 * MiB};
    struct oci_resources r = {.memory = &m};
    bool v2 = unified();
    bool swap = v2 ? true : access(CGROUP_MOUNT_ROOT "/memory/memory.memsw.limit_in_bytes", F_OK) == 0;
    if (swap) {
        m.has_swap = true;
        m.swap = 96 * MiB;
    }
    if (!v2) {
        m.has_swappiness = true;
        m.swappiness = 10;
        m.has_disable_oom_killer = true;
        m.disable_oom_killer = true;
    }
    struct cgroup *cg = create_ok(f, NULL, &r);
    if (v2) {
        assert_file(cg, "memory", "memory.max", "67108864");
        assert_file(cg, "memory", "memory.low", "33554432");
        assert_file(cg, "memory", "memory.oom.group", "1");
        if (file_exists(cg, "memory", "memory.swap.max")) /* swap - limit */
            assert_file(cg, "memory", "memory.swap.max", "33554432");
    } else {
        assert_file(cg, "memory", "memory.limit_in_bytes", "67108864");
        assert_file(cg, "memory", "memory.soft_limit_in_bytes", "33554432");
        if (swap)
            assert_file(cg, "memory", "memory.memsw.limit_in_bytes", "100663296");
        assert_file(cg, "memory", "memory.swappiness", "10");
        cleanup_free char *oom = cg_file(cg, "memory", "memory.oom_control");
        assert_non_null(strstr(oom, "oom_kill_disable 1"));
    }
    /* update: memory first or memsw first, whichever keeps memsw >= limit */
    struct oci_memory bigger = {.has_limit = true, .limit = 128 * MiB, .has_swap = swap, .swap = 256 * MiB};
    struct oci_resources update = {.memory = &bigger};
    CHECK(cgroup_update(cg, &update, &check_err));
    assert_file(cg, "memory", v2 ? "memory.max" : "memory.limit_in_bytes", "134217728");
    struct oci_memory unlimited = {.has_limit = true, .limit = -1};
    update.memory = &unlimited;
    CHECK(cgroup_update(cg, &update, &check_err));
    cleanup_free char *max = cg_file(cg, "memory", v2 ? "memory.max" : "memory.limit_in_bytes");
    assert_true(strcmp(max, "max") == 0 || strcmp(max, "9223372036854771712") == 0);
}

static void test_memory_errors(void **state)
{
    (void) state;
    struct oci_memory m = {.has_limit = true, .limit = 64 * MiB, .has_swap = true, .swap = 32 * MiB};
    struct oci_resources r = {.memory = &m};
    if (unified()) {
        create_fails(NULL, &r, false, "linux.resources.memory.swap");
        m = (struct oci_memory){.has_disable_oom_killer = true, .disable_oom_killer = true};
        create_fails(NULL, &r, false, "linux.resources.memory.disableOOMKiller");
        m = (struct oci_memory){.has_swappiness = true, .swappiness = 60};
        create_fails(NULL, &r, false, "linux.resources.memory.swappiness");
        m = (struct oci_memory){.has_kernel = true, .kernel = 64 * MiB};
        create_fails(NULL, &r, false, "linux.resources.memory.kernel");
    } else {
        create_fails(NULL, &r, false, "linux.resources.memory.swap"); /* memsw below the limit */
        m = (struct oci_memory){.has_swappiness = true, .swappiness = 101};
        create_fails(NULL, &r, false, "linux.resources.memory.swappiness");
        m = (struct oci_memory){.has_use_hierarchy = true, .use_hierarchy = false};
        create_fails(NULL, &r, false, "linux.resources.memory.useHierarchy");
        /* Linux 6.x accepts writes to memory.kmem.limit_in_bytes and ignores them */
        struct utsname u;
        assert_int_equal(uname(&u), 0);
        m = (struct oci_memory){.has_kernel = true, .kernel = 64 * MiB};
        if (atoi(u.release) >= 6)
            create_fails(NULL, &r, false, "linux.resources.memory.kernel");
    }
    m = (struct oci_memory){.has_limit = true, .limit = -5};
    create_fails(NULL, &r, false, "linux.resources.memory.limit");
}

static void test_cpu(void **state)
{
    struct fixture *f = *state;
    struct oci_cpu c = {.has_shares = true, .shares = 512, .has_quota = true, .quota = 50000, .has_period = true,
                        .period = 100000, .has_burst = true, .burst = 1000, .cpus = "0", .mems = "0"};
    struct oci_resources r = {.cpu = &c};
    struct cgroup *cg = create_ok(f, NULL, &r);
    if (cg->mode == CGROUP_UNIFIED) {
        assert_file(cg, "cpu", "cpu.weight", "20"); /* 1 + (512 - 2) * 9999 / 262142 */
        assert_file(cg, "cpu", "cpu.max", "50000 100000");
        assert_file(cg, "cpu", "cpu.max.burst", "1000");
    } else {
        assert_file(cg, "cpu", "cpu.shares", "512");
        assert_file(cg, "cpu", "cpu.cfs_quota_us", "50000");
        assert_file(cg, "cpu", "cpu.cfs_period_us", "100000");
        if (file_exists(cg, "cpu", "cpu.cfs_burst_us"))
            assert_file(cg, "cpu", "cpu.cfs_burst_us", "1000");
    }
    assert_file(cg, "cpuset", "cpuset.cpus", "0");
    assert_file(cg, "cpuset", "cpuset.mems", "0");
    /* a period alone keeps the quota; -1 lifts it */
    struct oci_cpu period = {.has_period = true, .period = 200000};
    struct oci_resources update = {.cpu = &period};
    CHECK(cgroup_update(cg, &update, &check_err));
    if (cg->mode == CGROUP_UNIFIED)
        assert_file(cg, "cpu", "cpu.max", "50000 200000");
    else
        assert_file(cg, "cpu", "cpu.cfs_period_us", "200000");
    struct oci_cpu lift = {.has_quota = true, .quota = -1};
    update.cpu = &lift;
    CHECK(cgroup_update(cg, &update, &check_err));
    if (cg->mode == CGROUP_UNIFIED)
        assert_file(cg, "cpu", "cpu.max", "max 200000");
    else
        assert_file(cg, "cpu", "cpu.cfs_quota_us", "-1");
}

static void test_cpu_realtime_and_idle(void **state)
{
    struct fixture *f = *state;
    struct oci_cpu c = {.has_realtime_period = true, .realtime_period = 500000, .has_realtime_runtime = true,
                        .realtime_runtime = 1000};
    struct oci_resources r = {.cpu = &c};
    if (unified()) {
        create_fails(NULL, &r, false, "linux.resources.cpu.realtime");
        c = (struct oci_cpu){.has_idle = true, .idle = 1};
        struct cgroup *cg = create_ok(f, NULL, &r);
        assert_file(cg, "cpu", "cpu.idle", "1");
        return;
    }
    struct cgroup *cg = create_ok(f, NULL, &r);
    assert_file(cg, "cpu", "cpu.rt_period_us", "500000");
    assert_file(cg, "cpu", "cpu.rt_runtime_us", "1000");
}

static void test_pids(void **state)
{
    struct fixture *f = *state;
    struct oci_pids p = {.has_limit = true, .limit = 10};
    struct oci_resources r = {.pids = &p};
    struct cgroup *cg = create_ok(f, NULL, &r);
    assert_file(cg, "pids", "pids.max", "10");
    p.limit = -1;
    CHECK(cgroup_update(cg, &r, &check_err));
    assert_file(cg, "pids", "pids.max", "max");
    p.limit = 0; /* runtime-spec 1.3: a real limit of zero tasks */
    CHECK(cgroup_update(cg, &r, &check_err));
    assert_file(cg, "pids", "pids.max", "0");
    p.limit = -2;
    err_t err = NULL;
    assert_int_equal(cgroup_update(cg, &r, &err), -1);
    assert_string_equal(err->json_path, "linux.resources.pids.limit");
    free_err(&err);
}

/* A block device of this machine: "MAJ:MIN", preferring a real disk. */
static bool find_block_device(int64_t *major, int64_t *minor)
{
    static const char *candidates[] = {"vda", "sda", "nvme0n1", "xvda", "loop0", "ram0"};
    for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
        cleanup_free char *path = xasprintf("/sys/block/%s/dev", candidates[i]);
        FILE *fp = fopen(path, "r");
        long long a, b;
        if (fp == NULL)
            continue;
        int n = fscanf(fp, "%lld:%lld", &a, &b);
        fclose(fp);
        if (n == 2) {
            *major = a;
            *minor = b;
            return true;
        }
    }
    return false;
}

static void test_block_io(void **state)
{
    struct fixture *f = *state;
    int64_t major = 0, minor = 0;
    if (!find_block_device(&major, &minor))
        SKIP("this machine has no block device to throttle");
    struct oci_throttle_device read_bps = {.major = major, .minor = minor, .rate = 1048576};
    struct oci_throttle_device write_iops = {.major = major, .minor = minor, .rate = 100};
    struct oci_block_io b = {0};
    b.throttle[THROTTLE_READ_BPS] = (struct oci_throttle_list){&read_bps, 1};
    b.throttle[THROTTLE_WRITE_IOPS] = (struct oci_throttle_list){&write_iops, 1};
    struct oci_resources r = {.block_io = &b};
    struct cgroup *cg = create_ok(f, NULL, &r);
    char expect[64];
    if (cg->mode == CGROUP_UNIFIED) {
        cleanup_free char *max = cg_file(cg, "io", "io.max");
        snprintf(expect, sizeof(expect), "%lld:%lld rbps=1048576 wbps=max riops=max wiops=100", (long long) major,
                 (long long) minor);
        assert_string_equal(max, expect);
    } else {
        snprintf(expect, sizeof(expect), "%lld:%lld 1048576", (long long) major, (long long) minor);
        assert_file(cg, "blkio", "blkio.throttle.read_bps_device", expect);
        snprintf(expect, sizeof(expect), "%lld:%lld 100", (long long) major, (long long) minor);
        assert_file(cg, "blkio", "blkio.throttle.write_iops_device", expect);
    }
}

static void test_block_io_weight(void **state)
{
    struct fixture *f = *state;
    struct oci_block_io b = {.has_weight = true, .weight = 500};
    struct oci_resources r = {.block_io = &b};
    /* probe what this host has: a throwaway cgroup */
    struct cgroup *probe = create_ok(f, NULL, NULL);
    bool v2 = probe->mode == CGROUP_UNIFIED;
    const char *file = v2 ? (file_exists(probe, "io", "io.weight") ? "io.weight" : "io.bfq.weight")
                          : (file_exists(probe, "blkio", "blkio.bfq.weight") ? "blkio.bfq.weight" : "blkio.weight");
    if (!file_exists(probe, v2 ? "io" : "blkio", file)) {
        create_fails(NULL, &r, false, "linux.resources.blockIO.weight");
        return;
    }
    struct cgroup *cg = create_ok(f, NULL, &r);
    cleanup_free char *text = cg_file(cg, v2 ? "io" : "blkio", file);
    /* io.weight gets 1 + (500 - 10) * 9999 / 990 = 4950 */
    const char *expect = strcmp(file, "io.weight") == 0 ? "default 4950" : "500";
    if (strstr(text, expect) == NULL)
        fail_msg("%s: \"%s\", expected \"%s\"", file, text, expect);
    b.weight = 5;
    create_fails(NULL, &r, false, "linux.resources.blockIO.weight");
}

static void test_hugetlb(void **state)
{
    struct fixture *f = *state;
    char sizes[4][16];
    if (cg_hugepage_sizes(sizes, 4) == 0)
        SKIP("this kernel has no huge pages");
    struct oci_hugepage_limit bad = {.page_size = "3MB", .limit = 4 * MiB};
    struct oci_resources r = {.hugepage_limits = &bad, .hugepage_limits_len = 1};
    create_fails(NULL, &r, false, "linux.resources.hugepageLimits[0].pageSize");
    bad.page_size = "2mb";
    create_fails(NULL, &r, false, "linux.resources.hugepageLimits[0].pageSize");

    struct cgroup *probe = NULL;
    err_t err = NULL;
    assert_int_equal(cg_discover(&probe, &err), 0);
    bool v1_hugetlb = cg_v1_hierarchy(probe, "hugetlb") != NULL;
    const struct cg_hierarchy *v2 = cg_v2_hierarchy(probe);
    bool enabled = true;
    if (!v1_hugetlb && v2 && probe->mode == CGROUP_HYBRID) {
        /* enabling hugetlb there means writing the host's own cgroup2 root */
        cleanup_free char *own = path_join(v2->mount, v2->own + 1);
        cleanup_free char *control = xasprintf("%s/cgroup.subtree_control", own);
        cleanup_free char *text = NULL;
        enabled = read_file_at(-1, control, 4096, &text, NULL, &err) == 0 && strstr(text, "hugetlb");
        free_err(&err);
    }
    cgroup_free(probe);
    if (!enabled)
        SKIP("hugetlb is only in this hybrid host's cgroup2 mount, and enabling it would write the host's root "
             "cgroup.subtree_control (outside our subtree); tested in the VM");
    struct oci_hugepage_limit good = {.page_size = sizes[0], .limit = 4 * MiB};
    r.hugepage_limits = &good;
    struct cgroup *cg = create_ok(f, NULL, &r);
    cleanup_free char *file = xasprintf(v1_hugetlb ? "hugetlb.%s.limit_in_bytes" : "hugetlb.%s.max", sizes[0]);
    assert_file(cg, "hugetlb", file, "4194304");
}

static void test_unified(void **state)
{
    struct fixture *f = *state;
    struct oci_map_entry high = {"memory.high", "52428800"};
    struct oci_resources r = {.has_unified = true, .unified = {&high, 1}};
    if (!unified()) {
        /* v1 controllers are not in a hybrid host's cgroup2 mount */
        create_fails(NULL, &r, false, "linux.resources.unified[\"memory.high\"]");
    } else {
        struct cgroup *cg = create_ok(f, NULL, &r);
        assert_file(cg, "memory", "memory.high", "52428800");
        struct oci_map_entry two = {"pids.max", "7"};
        struct oci_map_entry both[] = {high, two};
        struct oci_resources update = {.has_unified = true, .unified = {both, 2}};
        CHECK(cgroup_update(cg, &update, &check_err));
        assert_file(cg, "pids", "pids.max", "7");
    }
    struct oci_map_entry path = {"../cgroup.procs", "1"};
    r.unified = (struct oci_map){&path, 1};
    create_fails(NULL, &r, false, "linux.resources.unified[\"../cgroup.procs\"]");
    struct oci_map_entry unknown = {"nosuchcontroller.max", "1"};
    r.unified = (struct oci_map){&unknown, 1};
    create_fails(NULL, &r, false, "linux.resources.unified[\"nosuchcontroller.max\"]");
}

static void test_network_and_rdma(void **state)
{
    (void) state;
    struct oci_network n = {.has_class_id = true, .class_id = 0x100001};
    struct oci_resources r = {.network = &n};
    struct cgroup *probe = NULL;
    err_t err = NULL;
    assert_int_equal(cg_discover(&probe, &err), 0);
    bool net_cls = cg_v1_hierarchy(probe, "net_cls") != NULL;
    cgroup_free(probe);
    if (net_cls)
        SKIP("this host has net_cls: the error case cannot be shown");
    create_fails(NULL, &r, false, "linux.resources.network.classID");
    struct oci_rdma_limit rdma = {.device = "mlx5_0", .has_hca_handles = true, .hca_handles = 10};
    struct oci_resources r2 = {.rdma = &rdma, .rdma_len = 1};
    create_fails(NULL, &r2, false, "linux.resources.rdma");
}

static void test_impossible_value_leaves_nothing(void **state)
{
    (void) state;
    struct oci_cpu c = {.cpus = "99"};
    struct oci_resources r = {.cpu = &c};
    create_fails(NULL, &r, false, "linux.resources.cpu.cpus");
    cleanup_free char *name = unique("nested");
    cleanup_free char *nested = xasprintf("%s/a/b", name);
    create_fails(nested, &r, false, "linux.resources.cpu.cpus");
    /* the parents the path needed are gone too */
    struct cgroup *own = NULL;
    err_t err = NULL;
    assert_int_equal(cg_discover(&own, &err), 0);
    for (size_t i = 0; i < own->n_hier; i++) {
        cleanup_free char *dir = path_join(own->hier[i].mount, own->hier[i].own + 1);
        cleanup_free char *top = xasprintf("%s/%s", dir, name);
        assert_int_not_equal(access(top, F_OK), 0);
    }
    cgroup_free(own);
}

/* ---- processes ---------------------------------------------------------------- */

static void test_enter_pids_and_subtree(void **state)
{
    struct fixture *f = *state;
    struct cgroup *cg = create_ok(f, NULL, NULL);
    struct child *a = spawn(f, sleep_forever, NULL);
    struct child *b = spawn(f, sleep_forever, NULL);
    enter(cg, a);
    enter(cg, b);
    /* b moves to a child cgroup in one hierarchy: still the container's */
    cleanup_free char *dir = cg_dir_path(&cg->hier[0]);
    cleanup_free char *sub = xasprintf("%s/sub", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    if (!cg->hier[0].v2 && cg_has_controller_list(cg->hier[0].controllers, "cpuset")) {
        cleanup_free char *cpus = cg_file(cg, "cpuset", "cpuset.cpus");
        cleanup_free char *mems = cg_file(cg, "cpuset", "cpuset.mems");
        cleanup_close int fd = open(sub, O_RDONLY | O_DIRECTORY);
        CHECK(cg_write(fd, "cpuset.cpus", cpus, &check_err));
        CHECK(cg_write(fd, "cpuset.mems", mems, &check_err));
    }
    cleanup_close int subfd = open(sub, O_RDONLY | O_DIRECTORY);
    char pid[16];
    snprintf(pid, sizeof(pid), "%d", (int) b->pid);
    CHECK(cg_write(subfd, "cgroup.procs", pid, &check_err));
    pid_t *pids = NULL;
    size_t n = 0;
    CHECK(cgroup_pids(cg, &pids, &n, &check_err));
    assert_int_equal(n, 2);
    assert_int_equal(pids[0], a->pid < b->pid ? a->pid : b->pid);
    assert_int_equal(pids[1], a->pid < b->pid ? b->pid : a->pid);
    free(pids);
    /* signal_all reaches both; destroy removes the child cgroup too */
    CHECK(cgroup_signal_all(cg, SIGTERM, &check_err));
    assert_true(WIFSIGNALED(wait_child(a)));
    assert_true(WIFSIGNALED(wait_child(b)));
    CHECK(cgroup_destroy(cg, &check_err));
    assert_int_not_equal(access(sub, F_OK), 0);
    assert_int_not_equal(access(dir, F_OK), 0);
}

static void test_destroy_waits_then_fails_while_busy(void **state)
{
    struct fixture *f = *state;
    struct cgroup *cg = create_ok(f, NULL, NULL);
    struct child *c = spawn(f, sleep_forever, NULL);
    enter(cg, c);
    err_t err = NULL;
    assert_int_equal(cgroup_destroy(cg, &err), -1);
    assert_int_equal(err->errnum, EBUSY);
    free_err(&err);
    CHECK(cgroup_signal_all(cg, SIGKILL, &check_err));
    wait_child(c);
    CHECK(cgroup_destroy(cg, &check_err));
}

__attribute__((noreturn)) static int count_forever(void *arg, int report)
{
    volatile uint64_t *counter = arg;
    (void) report;
    for (;;)
        (*counter)++;
}

static void test_freeze_and_thaw(void **state)
{
    struct fixture *f = *state;
    struct cgroup *cg = create_ok(f, NULL, NULL);
    volatile uint64_t *count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(count != MAP_FAILED);
    struct child *c = spawn(f, count_forever, (void *) count);
    enter(cg, c);
    go(c);
    while (*count == 0)
        usleep(1000);
    CHECK(cgroup_freeze(cg, true, &check_err));
    bool frozen = false;
    CHECK(cgroup_is_frozen(cg, &frozen, &check_err));
    assert_true(frozen);
    uint64_t before = *count;
    usleep(200 * 1000);
    assert_true(*count == before);
    CHECK(cgroup_freeze(cg, false, &check_err));
    CHECK(cgroup_is_frozen(cg, &frozen, &check_err));
    assert_false(frozen);
    for (int i = 0; i < 200 && *count == before; i++)
        usleep(10 * 1000);
    assert_true(*count > before);
    munmap((void *) count, 4096);
}

static int hog(void *arg, int report)
{
    (void) arg;
    (void) report;
    size_t len = 256 * MiB;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 2;
    for (size_t i = 0; i < len; i += 4096)
        p[i] = 1;
    return 0;
}

static void test_oom_kill_is_seen(void **state)
{
    struct fixture *f = *state;
    /* swap = limit: no swap either */
    struct oci_memory m = {.has_limit = true, .limit = 32 * MiB, .has_swap = true, .swap = 32 * MiB};
    struct oci_resources r = {.memory = &m};
    if (!unified() && access(CGROUP_MOUNT_ROOT "/memory/memory.memsw.limit_in_bytes", F_OK) != 0)
        m.has_swap = false;
    struct cgroup *cg = create_ok(f, NULL, &r);
    int fd;
    CHECK(fd = cgroup_oom_fd(cg, &check_err));
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    uint64_t kills = 99;
    CHECK(cgroup_oom_kills(cg, &kills, &check_err));
    assert_int_equal(kills, 0);
    struct child *c = spawn(f, hog, NULL);
    enter(cg, c);
    go(c);
    int status = wait_child(c);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLPRI};
    assert_int_equal(poll(&p, 1, 10000), 1);
    close(fd);
    CHECK(cgroup_oom_kills(cg, &kills, &check_err));
    assert_int_equal(kills, 1);
    struct cgroup_stats stats;
    CHECK(cgroup_stats(cg, &stats, &check_err));
    assert_int_equal(stats.oom_kills, 1);
    assert_int_equal(stats.memory_limit, 32 * MiB);
    assert_true(stats.memory_peak > 16 * MiB || stats.memory_peak == 0);
    cgroup_stats_free(&stats);
}

static int fork_until_refused(void *arg, int report)
{
    (void) arg;
    int n = 0;
    while (n < 100) {
        pid_t p = fork();
        if (p < 0)
            break;
        if (p == 0) {
            pause();
            _exit(0);
        }
        n++;
    }
    if (write(report, &n, sizeof(n)) != sizeof(n))
        return 1;
    pause();
    return 0;
}

static void test_pids_limit_stops_a_fork_loop(void **state)
{
    struct fixture *f = *state;
    struct oci_pids p = {.has_limit = true, .limit = 8};
    struct oci_resources r = {.pids = &p};
    struct cgroup *cg = create_ok(f, NULL, &r);
    struct child *c = spawn(f, fork_until_refused, NULL);
    enter(cg, c);
    go(c);
    int forked = -1;
    read_report(c, &forked, sizeof(forked));
    assert_int_equal(forked, 7);
    struct cgroup_stats stats;
    CHECK(cgroup_stats(cg, &stats, &check_err));
    assert_int_equal(stats.pids_current, 8);
    assert_int_equal(stats.pids_limit, 8);
    cgroup_stats_free(&stats);
    CHECK(cgroup_signal_all(cg, SIGKILL, &check_err));
    wait_child(c);
    while (waitpid(-1, NULL, 0) > 0) /* the orphans came to us */
        ;
}

static int touch_and_count(void *arg, int report)
{
    char *p = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 2;
    memset(p, 1, 4 * MiB);
    return count_forever(arg, report);
}

static void test_stats(void **state)
{
    struct fixture *f = *state;
    struct oci_memory m = {.has_limit = true, .limit = 64 * MiB};
    struct oci_resources r = {.memory = &m};
    struct cgroup *cg = create_ok(f, NULL, &r);
    volatile uint64_t *count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(count != MAP_FAILED);
    struct child *c = spawn(f, touch_and_count, (void *) count);
    enter(cg, c);
    go(c);
    while (*count == 0)
        usleep(1000);
    usleep(100 * 1000);
    struct cgroup_stats s;
    CHECK(cgroup_stats(cg, &s, &check_err));
    print_message("# cpu %llu ns, memory %llu of %llu, pids %llu\n", (unsigned long long) s.cpu_usage_ns,
                  (unsigned long long) s.memory_usage, (unsigned long long) s.memory_limit,
                  (unsigned long long) s.pids_current);
    assert_true(s.cpu_usage_ns > 0);
    assert_true(s.memory_usage > 0);
    assert_int_equal(s.memory_limit, 64 * MiB);
    assert_int_equal(s.pids_current, 1);
    assert_int_equal(s.pids_limit, 0);
    cgroup_stats_free(&s);
    munmap((void *) count, 4096);
}

/* ---- devices ------------------------------------------------------------------ */

struct open_probe {
    const char *paths[4];
    int errors[4];
};

static int try_opens(void *arg, int report)
{
    struct open_probe *p = arg;
    for (size_t i = 0; i < 4 && p->paths[i]; i++) {
        int fd = open(p->paths[i], O_RDONLY | O_CLOEXEC);
        p->errors[i] = fd < 0 ? errno : 0;
        if (fd >= 0)
            close(fd);
    }
    return write(report, p->errors, sizeof(p->errors)) == sizeof(p->errors) ? 0 : 1;
}

/* Opens the paths inside the cgroup; the errno of each. */
static void probe_opens(struct fixture *f, struct cgroup *cg, struct open_probe *p)
{
    struct child *c = spawn(f, try_opens, p);
    enter(cg, c);
    go(c);
    read_report(c, p->errors, sizeof(p->errors));
    assert_int_equal(WEXITSTATUS(wait_child(c)), 0);
}

static void test_devices(void **state)
{
    struct fixture *f = *state;
    if (access("/dev/kmsg", R_OK) != 0)
        SKIP("no /dev/kmsg to deny");
    /* deny everything: /dev/kmsg (c 1:11) is refused, while /dev/null and
     * /dev/full stay open because runc's default rules come after the
     * config's, so a config cannot deny them */
    struct oci_device_rule deny_all = {.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"};
    struct oci_device_rule deny_full = {.allow = false, .type = 'c', .major = 1, .minor = 7, .access = "rwm"};
    struct oci_device_rule rules[] = {deny_all, deny_full};
    struct oci_resources r = {.devices = rules, .devices_len = 2};
    struct cgroup *cg = create_ok(f, NULL, &r);
    struct open_probe p = {.paths = {"/dev/kmsg", "/dev/null", "/dev/full"}};
    probe_opens(f, cg, &p);
    assert_int_equal(p.errors[0], EPERM);
    assert_int_equal(p.errors[1], 0);
    assert_int_equal(p.errors[2], 0);

    /* allow list: read access to c 1:11 lets the open through */
    struct oci_device_rule allow_kmsg = {.allow = true, .type = 'c', .major = 1, .minor = 11, .access = "r"};
    struct oci_device_rule allow[] = {deny_all, allow_kmsg};
    struct oci_resources update = {.devices = allow, .devices_len = 2};
    CHECK(cgroup_update(cg, &update, &check_err));
    struct open_probe p2 = {.paths = {"/dev/kmsg"}};
    probe_opens(f, cg, &p2);
    assert_int_equal(p2.errors[0], 0);

    /* allow-all then one deny: the last word on c 1:11 */
    struct oci_device_rule allow_all = {.allow = true, .type = 'a', .major = -1, .minor = -1, .access = "rwm"};
    struct oci_device_rule deny_kmsg = {.allow = false, .type = 'c', .major = 1, .minor = 11, .access = "rwm"};
    struct oci_device_rule blacklist[] = {allow_all, deny_kmsg};
    struct oci_resources r3 = {.devices = blacklist, .devices_len = 2};
    struct cgroup *cg3 = create_ok(f, NULL, &r3);
    struct open_probe p3 = {.paths = {"/dev/kmsg", "/dev/null"}};
    probe_opens(f, cg3, &p3);
    assert_int_equal(p3.errors[0], EPERM);
    assert_int_equal(p3.errors[1], 0);
}

static void test_devices_default_list_only(void **state)
{
    struct fixture *f = *state;
    if (access("/dev/kmsg", R_OK) != 0)
        SKIP("no /dev/kmsg to deny");
    /* no rules at all: only runc's default devices */
    struct cgroup *cg = create_ok(f, NULL, NULL);
    struct open_probe p = {.paths = {"/dev/kmsg", "/dev/zero", "/dev/urandom"}};
    probe_opens(f, cg, &p);
    assert_int_equal(p.errors[0], EPERM);
    assert_int_equal(p.errors[1], 0);
    assert_int_equal(p.errors[2], 0);
}

/* ---- pure functions --------------------------------------------------------------- */

static void test_device_rule_semantics(void **state)
{
    (void) state;
    struct cg_dev_state s;
    err_t err = NULL;
    /* deny all, allow c 1:11 r, then deny c 1:11 r: the exception is gone */
    struct oci_device_rule seq[] = {
        {.allow = false, .type = 'a', .major = -1, .minor = -1},
        {.allow = true, .type = 'c', .major = 1, .minor = 11, .access = "r"},
        {.allow = false, .type = 'c', .major = 1, .minor = 11, .access = "r"},
    };
    struct oci_resources r = {.devices = seq, .devices_len = 3};
    assert_int_equal(cg_dev_state_from_config(&r, &s, &err), 0);
    assert_false(s.default_allow);
    assert_int_equal(s.len, cg_default_device_rules_len);
    for (size_t i = 0; i < s.len; i++)
        assert_false(s.rules[i].major == 1 && s.rules[i].minor == 11);
    cg_dev_state_free(&s);
    /* a deny that would punch a hole in a wildcard allow is an error */
    struct oci_device_rule hole[] = {
        {.allow = false, .type = 'a', .major = -1, .minor = -1},
        {.allow = true, .type = 'c', .major = 4, .minor = -1, .access = "rw"},
        {.allow = false, .type = 'c', .major = 4, .minor = 1, .access = "r"},
    };
    r = (struct oci_resources){.devices = hole, .devices_len = 3};
    assert_int_equal(cg_dev_state_from_config(&r, &s, &err), -1);
    assert_string_equal(err->json_path, "linux.resources.devices[2]");
    free_err(&err);
    struct oci_device_rule bad = {.allow = true, .type = 'x', .major = -1, .minor = -1};
    r = (struct oci_resources){.devices = &bad, .devices_len = 1};
    assert_int_equal(cg_dev_state_from_config(&r, &s, &err), -1);
    assert_string_equal(err->json_path, "linux.resources.devices[0].type");
    free_err(&err);
    /* transition from a fresh (allow-all) v1 cgroup: "a" denied, then allows */
    struct cg_dev_state from, to;
    assert_int_equal(cg_dev_state_from_list("a *:* rwm\n", &from, &err), 0);
    assert_int_equal(cg_dev_state_from_config(NULL, &to, &err), 0);
    struct cg_dev_rule *writes = NULL;
    size_t n = 0;
    cg_dev_transition(&from, &to, &writes, &n);
    assert_int_equal(n, cg_default_device_rules_len + 1);
    char line[64];
    cg_dev_rule_string(&writes[0], line, sizeof(line));
    assert_string_equal(line, "a *:* rwm");
    assert_false(writes[0].allow);
    free(writes);
    cg_dev_state_free(&from);
    cg_dev_state_free(&to);
}

static void test_conversions(void **state)
{
    (void) state;
    assert_int_equal(cg_shares_to_weight(0), 0);
    assert_int_equal(cg_shares_to_weight(2), 1);
    assert_int_equal(cg_shares_to_weight(1024), 39);
    assert_int_equal(cg_shares_to_weight(262144), 10000);
    assert_int_equal(cg_blkio_weight_to_io(10), 1);
    assert_int_equal(cg_blkio_weight_to_io(500), 4950);
    assert_int_equal(cg_blkio_weight_to_io(1000), 10000);
    struct oci_memory m = {.has_limit = true, .limit = 100, .has_swap = true, .swap = 300};
    char *v = NULL;
    const char *problem = NULL;
    assert_int_equal(cg_swap_max(&m, &v, &problem), 0);
    assert_string_equal(v, "200");
    free(v);
    m.swap = -1;
    assert_int_equal(cg_swap_max(&m, &v, &problem), 0);
    assert_string_equal(v, "max");
    free(v);
    m = (struct oci_memory){.has_limit = true, .limit = -1};
    assert_int_equal(cg_swap_max(&m, &v, &problem), 0);
    assert_string_equal(v, "max");
    free(v);
    m = (struct oci_memory){.has_swap = true, .swap = 100};
    assert_int_equal(cg_swap_max(&m, &v, &problem), -1);
    assert_true(cg_page_size_is_valid("2MB"));
    assert_true(cg_page_size_is_valid("64KB"));
    assert_false(cg_page_size_is_valid("2mb"));
    assert_false(cg_page_size_is_valid("02MB"));
    /* memory.events after one process was OOM-killed, with and without
     * memory.oom.group (which counts the victim twice) */
    assert_int_equal(cg_v2_oom_kills_from_events("oom 1\noom_kill 1\noom_group_kill 0\n"), 1);
    assert_int_equal(cg_v2_oom_kills_from_events("oom 1\noom_kill 2\noom_group_kill 1\n"), 1);
    assert_int_equal(cg_v2_oom_kills_from_events("oom 1\noom_kill 4\noom_group_kill 1\n"), 3);
    assert_int_equal(cg_v2_oom_kills_from_events("oom 1\noom_kill 1\n"), 1);
}

/* ---- group setup: nothing of ours may survive the run ------------------------------- */

static int sweep(void **state)
{
    (void) state;
    struct cgroup *cg = NULL;
    err_t err = NULL;
    if (cg_discover(&cg, &err) < 0) {
        free_err(&err);
        return 0;
    }
    cleanup_free char *prefix = xasprintf("berth-test-%d-", (int) getpid());
    for (size_t i = 0; i < cg->n_hier; i++) {
        struct cg_hierarchy *h = &cg->hier[i];
        cleanup_free char *own = path_join(h->mount, h->own + 1);
        cleanup_strv char **names = NULL;
        size_t n = 0;
        DIR *d = opendir(own);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (!str_has_prefix(de->d_name, prefix))
                continue;
            names = xrealloc(names, (n + 2) * sizeof(char *));
            names[n++] = xstrdup(de->d_name);
            names[n] = NULL;
        }
        if (d)
            closedir(d);
        for (size_t j = 0; j < n; j++) {
            free(h->path);
            h->path = path_join(h->own, names[j]);
            print_error("# sweep: removing leftover %s%s\n", h->mount, h->path);
            if (cg_remove_hierarchy(h, &err) < 0) {
                print_error("# sweep: %s\n", err->msg);
                free_err(&err);
            }
        }
    }
    cgroup_free(cg);
    return 0;
}

int main(void)
{
    /* orphans of the fork loop come back to us to be reaped */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_device_rule_semantics),
        cmocka_unit_test(test_detect_mode),
        cmocka_unit_test_setup_teardown(test_default_path_is_own_cgroup_plus_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_path_below_own_cgroup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absolute_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_paths_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_populated_cgroup_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_existing_cgroup_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_and_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frozen_cgroup_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v2_dirfd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpu_realtime_and_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_io_weight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hugetlb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unified, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_and_rdma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_value_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enter_pids_and_subtree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_waits_then_fails_while_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freeze_and_thaw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oom_kill_is_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pids_limit_stops_a_fork_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices_default_list_only, setup, teardown),
    };
    if (getenv("BERTH_TEST_FILTER")) /* e.g. "*freeze*" */
        cmocka_set_test_filter(getenv("BERTH_TEST_FILTER"));
    if (geteuid() != 0) {
        print_message("# SKIP: cgroup tests need root\n");
        return 0;
    }
    return cmocka_run_group_tests_name("cgroups", tests, NULL, sweep);
}
