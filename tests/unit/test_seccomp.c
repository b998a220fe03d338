/* linux.seccomp on the real kernel: each profile is compiled here, loaded
 * in a forked child (with PR_SET_NO_NEW_PRIVS) that then makes syscalls
 * and reports through its exit code: 0 when everything behaved, else the
 * number of the check that failed. JSON here uses ' for ". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "runtime/internal.h"

static char *quoted(const char *s)
{
    char *j = xstrdup(s);
    for (char *p = j; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return j;
}

static struct oci_config *parse_config(const char *seccomp_json)
{
    cleanup_free char *text = quoted(seccomp_json);
    cleanup_free char *doc = xasprintf("{\"ociVersion\": \"1.3.0\", \"linux\": {\"seccomp\": %s}}", text);
    cleanup_err err_t err = NULL;
    struct oci_config *cfg = NULL;
    if (spec_parse_config(doc, strlen(doc), &cfg, &err) < 0)
        fail_msg("parse: %s", err->msg);
    return cfg;
}

static struct seccomp_program *compile_ok(const char *seccomp_json)
{
    cleanup_config struct oci_config *cfg = parse_config(seccomp_json);
    cleanup_err err_t err = NULL;
    struct seccomp_program *p = NULL;
    if (seccomp_compile(cfg->linux_config->seccomp, &p, &err) < 0)
        fail_msg("compile: %s", err->msg);
    assert_non_null(p);
    assert_true(p->len > 0);
    return p;
}

static void assert_compile_error(const char *seccomp_json, const char *message)
{
    cleanup_config struct oci_config *cfg = parse_config(seccomp_json);
    cleanup_err err_t err = NULL;
    struct seccomp_program *p = NULL;
    assert_int_equal(seccomp_compile(cfg->linux_config->seccomp, &p, &err), -1);
    assert_null(p);
    assert_non_null(err);
    assert_string_equal(err->msg, message);
}

typedef int (*child_fn)(int notify_fd, void *arg);

/* Forks a child that loads p and returns fn's result as its exit code;
 * returns the child's wait status. */
static int run_filtered(const struct seccomp_program *p, child_fn fn, void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            _exit(100);
        err_t err = NULL;
        int notify_fd;
        if (seccomp_program_load(p, &notify_fd, &err) < 0)
            _exit(101);
        if (p->notifies != (notify_fd >= 0))
            _exit(102);
        _exit(fn(notify_fd, arg));
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    return status;
}

#define assert_exited(status, code)                                                                                 \
    do {                                                                                                            \
        int status_ = (status);                                                                                     \
        if (!WIFEXITED(status_))                                                                                    \
            fail_msg("child killed by signal %d", WTERMSIG(status_));                                               \
        assert_int_equal(WEXITSTATUS(status_), (code));                                                             \
    } while (0)

#define assert_killed(status, sig)                                                                                  \
    do {                                                                                                            \
        int status_ = (status);                                                                                     \
        if (!WIFSIGNALED(status_))                                                                                  \
            fail_msg("child exited with %d", WEXITSTATUS(status_));                                                 \
        assert_int_equal(WTERMSIG(status_), (sig));                                                                 \
    } while (0)

/* A raw syscall that must fail with errno e. */
static bool fails_with(long ret, int e)
{
    return ret == -1 && errno == e;
}

static char *make_temp_dir(void)
{
    char *dir = xstrdup("/tmp/berth-seccomp-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_temp_dir(const char *dir)
{
    cleanup_err err_t err = NULL;
    assert_int_equal(remove_tree_at(AT_FDCWD, dir, &err), 0);
}

/* ---- actions and errno ------------------------------------------------------- */

static int mkdir_fails_with_42(int notify_fd, void *dir)
{
    (void) notify_fd;
    cleanup_free char *path = xasprintf("%s/sub", (char *) dir);
    if (!fails_with(syscall(SYS_mkdir, path, 0755), 42))
        return 1;
    struct stat st;
    if (stat(path, &st) == 0)
        return 2;
    if (!fails_with(syscall(SYS_rmdir, path), ENOENT)) /* other syscalls untouched */
        return 3;
    return 0;
}

static void test_errno_ret(void **state)
{
    (void) state;
    cleanup_free char *dir = make_temp_dir();
    struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', "
        "'errnoRet': 42}]}");
    assert_false(p->notifies);
    assert_exited(run_filtered(p, mkdir_fails_with_42, dir), 0);
    seccomp_program_free(p);
    remove_temp_dir(dir);
}

static int getppid_fails_with_eperm(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    return fails_with(syscall(SYS_getppid), EPERM) ? 0 : 1;
}

static void test_errno_without_errno_ret_is_eperm(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p =
        compile_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': "
                   "'SCMP_ACT_ERRNO'}]}");
    assert_exited(run_filtered(p, getppid_fails_with_eperm, NULL), 0);
}

static int unlisted_fail_with_77(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    if (!fails_with(syscall(SYS_getppid), 77))
        return 1;
    if (!fails_with(syscall(SYS_getuid), 77))
        return 2;
    return syscall(SYS_gettid) > 0 ? 0 : 3;
}

static void test_default_errno_ret(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p =
        compile_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 77, 'syscalls': [{'names': "
                   "['exit_group', 'exit', 'gettid'], 'action': 'SCMP_ACT_ALLOW'}]}");
    assert_exited(run_filtered(p, unlisted_fail_with_77, NULL), 0);
}

static int call_getppid(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    return syscall(SYS_getppid) > 0 ? 0 : 1;
}

static void test_kill_process(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p =
        compile_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': "
                   "'SCMP_ACT_KILL_PROCESS'}]}");
    assert_killed(run_filtered(p, call_getppid, NULL), SIGSYS);
}

static void test_kill_is_kill_thread(void **state)
{
    (void) state;
    static const char *const actions[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"};
    for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
        cleanup_free char *json = xasprintf(
            "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': '%s'}]}", actions[i]);
        cleanup_seccomp_program struct seccomp_program *p = compile_ok(json);
        assert_killed(run_filtered(p, call_getppid, NULL), SIGSYS);
    }
}

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a SIGSYS from seccomp (asm-generic/siginfo.h, not in glibc's) */
#endif

static volatile sig_atomic_t trapped_syscall = -1;

static void on_sigsys(int sig, siginfo_t *info, void *context)
{
    (void) sig;
    (void) context;
    if (info->si_code == SYS_SECCOMP)
        trapped_syscall = info->si_syscall;
}

static int getppid_traps(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    syscall(SYS_getppid);
    return trapped_syscall == SYS_getppid ? 0 : 1;
}

static void test_trap(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_TRAP'}]}");
    struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO}, old;
    sigaction(SIGSYS, &sa, &old);
    int status = run_filtered(p, getppid_traps, NULL);
    sigaction(SIGSYS, &old, NULL);
    assert_exited(status, 0);
}

/* Without a tracer a traced syscall is not run and fails with ENOSYS. */
static int getppid_enosys(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    return fails_with(syscall(SYS_getppid), ENOSYS) ? 0 : 1;
}

static void test_trace_without_tracer(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p =
        compile_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': "
                   "'SCMP_ACT_TRACE', 'errnoRet': 5}]}");
    assert_exited(run_filtered(p, getppid_enosys, NULL), 0);
}

static void test_log_allows(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_LOG'}]}");
    assert_exited(run_filtered(p, call_getppid, NULL), 0);
    cleanup_seccomp_program struct seccomp_program *q = compile_ok(
        "{'defaultAction': 'SCMP_ACT_LOG', 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO'}]}");
    assert_exited(run_filtered(q, getppid_fails_with_eperm, NULL), 0);
}

/* libseccomp refuses a rule with the default action: it is skipped. */
static void test_rule_with_default_action_is_skipped(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO'}, "
        "{'names': ['exit_group'], 'action': 'SCMP_ACT_ALLOW'}]}");
    assert_exited(run_filtered(p, getppid_fails_with_eperm, NULL), 0);
}

/* ---- argument conditions ------------------------------------------------------ */

static int personality_8_denied(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    if (syscall(SYS_personality, 0xffffffffUL) < 0)
        return 1;
    if (!fails_with(syscall(SYS_personality, 8UL), 42))
        return 2;
    return 0;
}

static void test_arg_eq(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', "
        "'errnoRet': 42, 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]}]}");
    assert_exited(run_filtered(p, personality_8_denied, NULL), 0);
}

/* value is the mask, valueTwo what the masked argument must equal. */
static int personality_masked(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    if (syscall(SYS_personality, 0xffffffffUL) < 0)
        return 1;
    if (!fails_with(syscall(SYS_personality, 0x20008UL), 42))
        return 2;
    if (!fails_with(syscall(SYS_personality, 8UL), 42))
        return 3;
    return 0;
}

static void test_arg_masked_eq(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', "
        "'errnoRet': 42, 'args': [{'index': 0, 'value': 255, 'valueTwo': 8, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}");
    assert_exited(run_filtered(p, personality_masked, NULL), 0);
}

static int socket_unix_dgram_denied(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    if (!fails_with(syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0), 42))
        return 1;
    if (syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0) < 0)
        return 2;
    if (syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0) < 0)
        return 3;
    return 0;
}

static void test_args_on_different_indexes_must_all_hold(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['socket'], 'action': 'SCMP_ACT_ERRNO', "
        "'errnoRet': 42, 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}, "
        "{'index': 1, 'value': 2, 'op': 'SCMP_CMP_EQ'}]}]}");
    assert_exited(run_filtered(p, socket_unix_dgram_denied, NULL), 0);
}

static int personality_8_or_0x20000_denied(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    if (!fails_with(syscall(SYS_personality, 8UL), 42))
        return 1;
    if (!fails_with(syscall(SYS_personality, 0x20000UL), 42))
        return 2;
    if (syscall(SYS_personality, 0xffffffffUL) < 0)
        return 3;
    return 0;
}

/* runc: two conditions on the same argument make one rule each (OR). */
static void test_args_on_the_same_index_are_alternatives(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', "
        "'errnoRet': 42, 'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}, "
        "{'index': 0, 'value': 131072, 'op': 'SCMP_CMP_EQ'}]}]}");
    assert_exited(run_filtered(p, personality_8_or_0x20000_denied, NULL), 0);
}

/* ---- names, architectures and errors ------------------------------------------ */

static void test_unknown_syscall_name_is_skipped_with_a_warning(void **state)
{
    (void) state;
    char log_path[] = "/tmp/berth-seccomp-log-XXXXXX";
    int fd = mkstemp(log_path);
    assert_true(fd >= 0);
    close(fd);
    cleanup_err err_t err = NULL;
    assert_int_equal(log_init(log_path, LOG_TEXT, false, &err), 0);
    cleanup_free char *dir = make_temp_dir();
    cleanup_seccomp_program struct seccomp_program *p =
        compile_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['no_such_syscall', 'mkdir', "
                   "'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42}]}");
    assert_exited(run_filtered(p, mkdir_fails_with_42, dir), 0);
    cleanup_free char *log = NULL;
    assert_int_equal(read_file_at(AT_FDCWD, log_path, 1 << 16, &log, NULL, &err), 0);
    if (!strstr(log, "level=warning") || !strstr(log, "1 syscall unknown to libseccomp") ||
        !strstr(log, "no_such_syscall (syscalls[0].names[0])"))
        fail_msg("log: %s", log);
    assert_int_equal(log_init("/dev/null", LOG_TEXT, false, &err), 0);
    unlink(log_path);
    remove_temp_dir(dir);
}

static void test_config_errors(void **state)
{
    (void) state;
    assert_compile_error("{'defaultAction': 'SCMP_ACT_DENY'}",
                         "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\"");
    assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'x'}]}",
                         "config.json: linux.seccomp.syscalls[0].action: unknown action \"x\"");
    assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': "
                         "'SCMP_ACT_ERRNO', 'args': [{'index': 1, 'value': 2, 'op': 'SCMP_CMP_APPROX'}]}]}",
                         "config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_APPROX\"");
    assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': "
                         "'SCMP_ACT_ERRNO', 'errnoRet': 65536}]}",
                         "config.json: linux.seccomp.syscalls[0].action: errnoRet 65536 does not fit the 16 bits "
                         "seccomp returns");
    assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_VAX']}",
                         "config.json: linux.seccomp.architectures[0]: SCMP_ARCH_VAX is not supported by libseccomp "
                         "2.5.4");
    assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_NEW_LISTENER']}",
                         "config.json: linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
}

static void test_architectures(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *native =
        compile_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': "
                   "'SCMP_ACT_ERRNO'}]}");
#if defined(__x86_64__)
    cleanup_seccomp_program struct seccomp_program *multi =
        compile_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', "
                   "'SCMP_ARCH_X32'], 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO'}]}");
    assert_true(multi->len > native->len); /* one section per architecture */
    assert_exited(run_filtered(multi, getppid_fails_with_eperm, NULL), 0);
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_S390X']}",
                         "config.json: linux.seccomp.architectures[0]: SCMP_ARCH_S390X does not have this machine's "
                         "byte order");
#endif
    /* an architecture this libseccomp was built without */
    if (seccomp_arch_resolve_name("loongarch64") == 0)
        assert_compile_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_LOONGARCH64']}",
                             "config.json: linux.seccomp.architectures[0]: SCMP_ARCH_LOONGARCH64 is not supported by "
                             "libseccomp 2.5.4");
}

/* ---- flags --------------------------------------------------------------------- */

static void test_flags_probe(void **state)
{
    (void) state;
    assert_true(seccomp_filters_available());
    unsigned int supported = seccomp_supported_flags();
    /* all there since 5.19; this machine runs a newer kernel */
    assert_true(supported & SECCOMP_FILTER_FLAG_TSYNC);
    assert_true(supported & SECCOMP_FILTER_FLAG_LOG);
    assert_true(supported & SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    assert_true(supported & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    assert_true(supported & SECCOMP_FILTER_FLAG_NEW_LISTENER);
    assert_true(supported & SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
    assert_false(supported & (1u << 30));
}

/* A kernel without a flag, simulated by what the probe would report. */
static void test_flag_missing_from_the_kernel(void **state)
{
    (void) state;
    cleanup_config struct oci_config *cfg = parse_config(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_LOG', "
        "'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']}");
    const struct oci_seccomp *s = cfg->linux_config->seccomp;
    unsigned int flags;
    cleanup_err err_t err = NULL;
    assert_int_equal(seccomp_config_flags(s, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_TSYNC, &flags, &err), -1);
    assert_string_equal(err->msg, "config.json: linux.seccomp.flags[1]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not "
                                  "supported by this kernel");
    assert_string_equal(err->json_path, "linux.seccomp.flags[1]");
    free_err(&err);
    assert_int_equal(seccomp_config_flags(s, seccomp_supported_flags(), &flags, &err), 0);
    assert_int_equal(flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}

static void test_flags_load(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', "
        "'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'], 'syscalls': [{'names': "
        "['getppid'], 'action': 'SCMP_ACT_ERRNO'}]}");
    /* no listener: WAIT_KILLABLE_RECV would be refused, so it is dropped */
    assert_int_equal(p->flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    assert_exited(run_filtered(p, getppid_fails_with_eperm, NULL), 0);
}

/* ---- NOTIFY -------------------------------------------------------------------- */

static int send_fd(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Receives data (up to cap - 1 bytes, NUL-terminated) and at most one fd. */
static ssize_t recv_with_fd(int sock, char *data, size_t cap, int *fd)
{
    struct iovec iov = {.iov_base = data, .iov_len = cap - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return -1;
    data[n] = '\0';
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
        memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
    return n;
}

struct notify_child {
    int sock;
    const char *dir;
};

/* Hands the listener fd to the parent, which answers mkdir with a
 * success it does not perform. */
static int mkdir_answered_by_parent(int notify_fd, void *arg)
{
    struct notify_child *c = arg;
    if (notify_fd < 0)
        return 1;
    if (send_fd(c->sock, notify_fd) < 0)
        return 2;
    close(notify_fd);
    cleanup_free char *path = xasprintf("%s/sub", c->dir);
    if (syscall(SYS_mkdir, path, 0755) != 0)
        return 3;
    struct stat st;
    if (stat(path, &st) == 0)
        return 4;
    return 0;
}

static void answer_one_mkdir(int notify_fd)
{
    struct pollfd pfd = {.fd = notify_fd, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 10000), 1);
    struct seccomp_notif req;
    memset(&req, 0, sizeof(req));
    assert_int_equal(ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
    assert_int_equal(req.data.nr, SYS_mkdir);
    struct seccomp_notif_resp resp = {.id = req.id, .val = 0, .error = 0, .flags = 0};
    assert_int_equal(ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
}

static void check_notify(const char *profile, unsigned int extra_flags)
{
    cleanup_free char *dir = make_temp_dir();
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(profile);
    assert_true(p->notifies);
    assert_int_equal(p->flags, SECCOMP_FILTER_FLAG_NEW_LISTENER | extra_flags);
    int pair[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pair[0]);
        struct notify_child c = {pair[1], dir};
        /* run_filtered's child body, inline: the parent must stay free */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            _exit(100);
        err_t err = NULL;
        int notify_fd;
        if (seccomp_program_load(p, &notify_fd, &err) < 0)
            _exit(101);
        _exit(mkdir_answered_by_parent(notify_fd, &c));
    }
    close(pair[1]);
    char data[8];
    cleanup_close int notify_fd = -1;
    struct pollfd pfd = {.fd = pair[0], .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 10000), 1);
    assert_int_equal(recv_with_fd(pair[0], data, sizeof(data), &notify_fd), 1);
    close(pair[0]);
    assert_true(notify_fd >= 0);
    answer_one_mkdir(notify_fd);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_exited(status, 0);
    remove_temp_dir(dir);
}

static void test_notify(void **state)
{
    (void) state;
    check_notify("{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/agent.sock', 'syscalls': [{'names': "
                 "['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]}",
                 0);
}

/* TSYNC with a listener needs TSYNC_ESRCH; WAIT_KILLABLE_RECV is kept. */
static void test_notify_with_flags(void **state)
{
    (void) state;
    check_notify("{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/agent.sock', 'flags': "
                 "['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'], 'syscalls': [{'names': "
                 "['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]}",
                 SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}

static int listen_unix(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), 0);
    assert_int_equal(listen(fd, 1), 0);
    return fd;
}

static const char *json_string_at(yajl_val doc, const char *key)
{
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(doc, path, yajl_t_string);
    return v ? YAJL_GET_STRING(v) : NULL;
}

static void test_send_to_listener(void **state)
{
    (void) state;
    cleanup_free char *dir = make_temp_dir();
    cleanup_free char *sock_path = xasprintf("%s/agent.sock", dir);
    cleanup_free char *profile = xasprintf(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '%s', 'listenerMetadata': 'MKNOD=/dev/null', "
        "'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]}",
        sock_path);
    cleanup_config struct oci_config *cfg = parse_config(profile);
    cleanup_close int listener = listen_unix(sock_path);
    /* any fd will do: the function only passes it on */
    cleanup_close int stand_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const char *state_json = "{\"ociVersion\": \"1.3.0\", \"id\": \"c1\", \"status\": \"creating\", \"pid\": 4242, "
                             "\"bundle\": \"/b\"}";
    cleanup_err err_t err = NULL;
    if (seccomp_send_to_listener(cfg->linux_config->seccomp, stand_in, 4242, state_json, &err) < 0)
        fail_msg("send: %s", err->msg);

    cleanup_close int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    assert_true(conn >= 0);
    char data[4096];
    cleanup_close int received = -1;
    ssize_t n = recv_with_fd(conn, data, sizeof(data), &received);
    assert_true(n > 0);
    char more;
    assert_int_equal(read(conn, &more, 1), 0); /* one message, then closed */

    struct stat a, b;
    assert_true(received >= 0);
    assert_int_equal(fstat(received, &a), 0);
    assert_int_equal(fstat(stand_in, &b), 0);
    assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);

    char errbuf[256];
    yajl_val doc = yajl_tree_parse(data, errbuf, sizeof(errbuf));
    if (doc == NULL)
        fail_msg("not JSON (%s): %s", errbuf, data);
    assert_string_equal(json_string_at(doc, "ociVersion"), OCI_VERSION);
    assert_string_equal(json_string_at(doc, "metadata"), "MKNOD=/dev/null");
    const char *fds_path[] = {"fds", NULL}, *pid_path[] = {"pid", NULL}, *id_path[] = {"state", "id", NULL};
    yajl_val fds = yajl_tree_get(doc, fds_path, yajl_t_array);
    assert_non_null(fds);
    assert_int_equal(fds->u.array.len, 1);
    assert_string_equal(YAJL_GET_STRING(fds->u.array.values[0]), "seccompFd");
    assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(doc, pid_path, yajl_t_number)), 4242);
    assert_string_equal(YAJL_GET_STRING(yajl_tree_get(doc, id_path, yajl_t_string)), "c1");
    yajl_tree_free(doc);
    remove_temp_dir(dir);
}

static void test_send_to_listener_errors(void **state)
{
    (void) state;
    cleanup_err err_t err = NULL;
    /* no rule notifies: listenerPath is ignored */
    cleanup_config struct oci_config *quiet =
        parse_config("{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/nonexistent/agent.sock'}");
    assert_int_equal(seccomp_send_to_listener(quiet->linux_config->seccomp, -1, 1, "{}", &err), 0);

    cleanup_config struct oci_config *cfg = parse_config(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/nonexistent/agent.sock', 'syscalls': [{'names': "
        "['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]}");
    cleanup_close int stand_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_int_equal(seccomp_send_to_listener(cfg->linux_config->seccomp, stand_in, 1, "{}", &err), -1);
    assert_string_equal(err->msg, "seccomp: connect to the listener at /nonexistent/agent.sock");
    assert_int_equal(err->errnum, ENOENT);
}

/* The whole path with tests/seccomp/listener.c as the agent. */
#define LISTENER "build/tests/seccomp-listener"

struct agent_child {
    const struct oci_seccomp *seccomp;
    const char *dir;
};

static int notified_through_the_agent(int notify_fd, void *arg)
{
    struct agent_child *c = arg;
    err_t err = NULL;
    const char *state_json = "{\"ociVersion\": \"1.3.0\", \"id\": \"c1\", \"status\": \"creating\"}";
    if (seccomp_send_to_listener(c->seccomp, notify_fd, getpid(), state_json, &err) < 0)
        return 1;
    close(notify_fd);
    cleanup_free char *path = xasprintf("%s/x", c->dir);
    if (syscall(SYS_mkdir, path, 0755) != 0) /* the agent says it worked */
        return 2;
    struct stat st;
    if (stat(path, &st) == 0)
        return 3;
    if (!fails_with(syscall(SYS_getppid), EPERM))
        return 4;
    return 0;
}

static pid_t start_listener(const char *sock_path, int *out)
{
    int pipe_fds[2];
    assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        execl(LISTENER, LISTENER, sock_path, (char *) NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    *out = pipe_fds[0];
    struct stat st;
    for (int i = 0; i < 500 && stat(sock_path, &st) < 0; i++)
        usleep(10000);
    return pid;
}

static int wait_bounded(pid_t pid, int timeout_ms)
{
    cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
    assert_true(pidfd >= 0);
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) != 1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("process %d did not exit", pid);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_listener_agent(void **state)
{
    (void) state;
    if (access(LISTENER, X_OK) != 0)
        skip();
    cleanup_free char *dir = make_temp_dir();
    cleanup_free char *sock_path = xasprintf("%s/agent.sock", dir);
    cleanup_free char *profile = xasprintf(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '%s', 'listenerMetadata': 'test', 'syscalls': "
        "[{'names': ['mkdir', 'mkdirat', 'getppid'], 'action': 'SCMP_ACT_NOTIFY'}]}",
        sock_path);
    cleanup_config struct oci_config *cfg = parse_config(profile);
    cleanup_seccomp_program struct seccomp_program *p = compile_ok(profile);
    int listener_out;
    pid_t listener = start_listener(sock_path, &listener_out);
    struct agent_child c = {cfg->linux_config->seccomp, dir};
    int child_status = run_filtered(p, notified_through_the_agent, &c);
    int listener_status = wait_bounded(listener, 10000);
    char output[256];
    ssize_t n = read_all(listener_out, output, sizeof(output) - 1);
    close(listener_out);
    assert_true(n >= 0);
    output[n] = '\0';
    assert_exited(child_status, 0);
    assert_exited(listener_status, 0);
    assert_string_equal(output, "mkdir\ngetppid\n");
    remove_temp_dir(dir);
}

/* ---- the cache of compiled programs ---------------------------------------------- */

#define CACHE_PROFILE                                                                                               \
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86'], 'syscalls': [{'names': ['getppid'], " \
    "'action': 'SCMP_ACT_ERRNO'}]}"

static void assert_same_program(const struct seccomp_program *a, const struct seccomp_program *b)
{
    assert_int_equal(a->len, b->len);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->notifies, b->notifies);
    assert_memory_equal(a->filter, b->filter, a->len * sizeof(struct sock_filter));
}

static struct seccomp_program *compile_cached_ok(const struct oci_seccomp *s, int dirfd)
{
    cleanup_err err_t err = NULL;
    struct seccomp_program *p = NULL;
    if (seccomp_compile_cached(s, dirfd, &p, &err) < 0)
        fail_msg("compile: %s", err->msg);
    return p;
}

/* The one entry in the cache directory. */
static char *only_entry(const char *dir)
{
    cleanup_free char *cmd = xasprintf("ls %s", dir);
    FILE *ls = popen(cmd, "r");
    assert_non_null(ls);
    char line[256] = "", extra[256];
    assert_non_null(fgets(line, sizeof(line), ls));
    assert_null(fgets(extra, sizeof(extra), ls));
    pclose(ls);
    line[strcspn(line, "\n")] = '\0';
    return xasprintf("%s/%s", dir, line);
}

/* Changes the byte at offset (from the end when negative). */
static void flip_byte(const char *path, long offset)
{
    cleanup_close int fd = open(path, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    off_t at = offset < 0 ? lseek(fd, offset, SEEK_END) : offset;
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, at), 1);
    b ^= 0xff;
    assert_int_equal(pwrite(fd, &b, 1, at), 1);
}

static void test_cache_hit_is_read_from_the_entry(void **state)
{
    (void) state;
    cleanup_free char *dir = make_temp_dir();
    cleanup_close int dirfd = open(dir, O_DIRECTORY | O_CLOEXEC);
    cleanup_config struct oci_config *cfg = parse_config(CACHE_PROFILE);
    const struct oci_seccomp *s = cfg->linux_config->seccomp;
    cleanup_seccomp_program struct seccomp_program *plain = compile_ok(CACHE_PROFILE);
    cleanup_seccomp_program struct seccomp_program *miss = compile_cached_ok(s, dirfd);
    assert_same_program(plain, miss);
    cleanup_seccomp_program struct seccomp_program *hit = compile_cached_ok(s, dirfd);
    assert_same_program(plain, hit);
    assert_exited(run_filtered(hit, getppid_fails_with_eperm, NULL), 0);
    /* proof that a hit comes from the file: its last instruction, changed */
    cleanup_free char *entry = only_entry(dir);
    flip_byte(entry, -1);
    cleanup_seccomp_program struct seccomp_program *changed = compile_cached_ok(s, dirfd);
    assert_memory_not_equal(changed->filter, plain->filter, plain->len * sizeof(struct sock_filter));
    remove_temp_dir(dir);
}

/* An entry made for another key (a collision, or an old format) is a miss
 * and is replaced. */
static void test_cache_entry_for_another_key_is_a_miss(void **state)
{
    (void) state;
    cleanup_free char *dir = make_temp_dir();
    cleanup_close int dirfd = open(dir, O_DIRECTORY | O_CLOEXEC);
    cleanup_config struct oci_config *cfg = parse_config(CACHE_PROFILE);
    const struct oci_seccomp *s = cfg->linux_config->seccomp;
    cleanup_seccomp_program struct seccomp_program *plain = compile_ok(CACHE_PROFILE);
    seccomp_program_free(compile_cached_ok(s, dirfd));
    cleanup_free char *entry = only_entry(dir);
    flip_byte(entry, 40); /* in the key */
    flip_byte(entry, -1); /* and in the program, which must not be used */
    cleanup_seccomp_program struct seccomp_program *again = compile_cached_ok(s, dirfd);
    assert_same_program(plain, again);
    cleanup_seccomp_program struct seccomp_program *hit = compile_cached_ok(s, dirfd);
    assert_same_program(plain, hit);
    remove_temp_dir(dir);
}

static void test_cache_keys_differ_by_profile(void **state)
{
    (void) state;
    cleanup_free char *dir = make_temp_dir();
    cleanup_close int dirfd = open(dir, O_DIRECTORY | O_CLOEXEC);
    cleanup_config struct oci_config *a = parse_config(CACHE_PROFILE);
    cleanup_config struct oci_config *b = parse_config(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86'], 'syscalls': [{'names': ['getppid'], "
        "'action': 'SCMP_ACT_ERRNO', 'errnoRet': 2}]}");
    cleanup_seccomp_program struct seccomp_program *pa = compile_cached_ok(a->linux_config->seccomp, dirfd);
    cleanup_seccomp_program struct seccomp_program *pb = compile_cached_ok(b->linux_config->seccomp, dirfd);
    cleanup_seccomp_program struct seccomp_program *plain_a = compile_ok(CACHE_PROFILE);
    cleanup_seccomp_program struct seccomp_program *plain_b = compile_ok(
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86'], 'syscalls': [{'names': ['getppid'], "
        "'action': 'SCMP_ACT_ERRNO', 'errnoRet': 2}]}");
    assert_same_program(plain_a, pa);
    assert_same_program(plain_b, pb);
    cleanup_free char *cmd = xasprintf("test $(ls %s | wc -l) = 2", dir);
    assert_int_equal(system(cmd), 0);
    remove_temp_dir(dir);
}

static void test_cache_that_cannot_be_written(void **state)
{
    (void) state;
    cleanup_free char *dir = make_temp_dir();
    cleanup_close int dirfd = open(dir, O_DIRECTORY | O_CLOEXEC);
    assert_int_equal(rmdir(dir), 0);
    cleanup_config struct oci_config *cfg = parse_config(CACHE_PROFILE);
    cleanup_seccomp_program struct seccomp_program *p = compile_cached_ok(cfg->linux_config->seccomp, dirfd);
    cleanup_seccomp_program struct seccomp_program *plain = compile_ok(CACHE_PROFILE);
    assert_same_program(plain, p);
}

/* ---- the default profile ------------------------------------------------------- */

/* The default config with the default profile as linux.seccomp. */
static char *default_config_with_profile(void)
{
    cleanup_free char *config = spec_default_config(DEFAULT_SPEC, false);
    cleanup_free char *profile = spec_default_seccomp_profile();
    char *linux_open = strstr(config, "\"linux\": {");
    assert_non_null(linux_open);
    size_t head = (size_t) (linux_open - config) + strlen("\"linux\": {");
    return xasprintf("%.*s\"seccomp\": %s,%s", (int) head, config, profile, config + head);
}

static struct seccomp_program *compile_default_profile(void)
{
    cleanup_free char *json = default_config_with_profile();
    cleanup_config struct oci_config *cfg = NULL;
    cleanup_err err_t err = NULL;
    if (spec_parse_config(json, strlen(json), &cfg, &err) < 0 || spec_validate_config(cfg, &err) < 0)
        fail_msg("default config with the default profile: %s", err->msg);
    struct seccomp_program *p = NULL;
    if (seccomp_compile(cfg->linux_config->seccomp, &p, &err) < 0)
        fail_msg("compile the default profile: %s", err->msg);
    return p;
}

static void test_default_profile_compiles(void **state)
{
    (void) state;
    cleanup_free char *profile = spec_default_seccomp_profile();
    char errbuf[256];
    yajl_val doc = yajl_tree_parse(profile, errbuf, sizeof(errbuf));
    assert_non_null(doc);
    assert_string_equal(json_string_at(doc, "defaultAction"), "SCMP_ACT_ERRNO");
    const char *ret_path[] = {"defaultErrnoRet", NULL};
    assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(doc, ret_path, yajl_t_number)), ENOSYS);
    yajl_tree_free(doc);
    cleanup_seccomp_program struct seccomp_program *p = compile_default_profile();
    assert_false(p->notifies);
    assert_int_equal(p->flags, 0);
}

static int run_busybox(int notify_fd, void *dir)
{
    (void) notify_fd;
    cleanup_free char *script =
        xasprintf("mkdir %s/x && ls %s && cat /proc/self/status >/dev/null && ps >/dev/null && echo done",
                  (char *) dir, (char *) dir);
    char *argv[] = {"busybox", "sh", "-c", script, NULL};
    execv("/bin/busybox", argv);
    return 127;
}

static void test_default_profile_runs_busybox(void **state)
{
    (void) state;
    if (access("/bin/busybox", X_OK) != 0)
        skip();
    cleanup_free char *dir = make_temp_dir();
    cleanup_seccomp_program struct seccomp_program *p = compile_default_profile();
    int out[2];
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    int saved_stdout = dup(STDOUT_FILENO);
    assert_true(saved_stdout >= 0);
    assert_int_equal(dup2(out[1], STDOUT_FILENO), STDOUT_FILENO);
    int status = run_filtered(p, run_busybox, dir);
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    close(out[1]);
    char output[256];
    ssize_t n = read_all(out[0], output, sizeof(output) - 1);
    close(out[0]);
    assert_true(n >= 0);
    output[n] = '\0';
    assert_exited(status, 0);
    assert_string_equal(output, "x\ndone\n");
    remove_temp_dir(dir);
}

static int default_profile_denials(int notify_fd, void *arg)
{
    (void) notify_fd;
    (void) arg;
    if (!fails_with(syscall(SYS_unshare, CLONE_NEWNS), EPERM))
        return 1;
    if (!fails_with(syscall(SYS_mount, "none", "/nonexistent-berth-target", "tmpfs", 0UL, NULL), EPERM))
        return 2;
    if (!fails_with(syscall(SYS_clone3, NULL, 0UL), ENOSYS)) /* libc falls back to clone */
        return 3;
    if (!fails_with(syscall(SYS_clone, (unsigned long) (CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, 0UL), EPERM))
        return 4;
    if (!fails_with(syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0), EPERM))
        return 5;
    if (!fails_with(syscall(SYS_socket, 64, SOCK_STREAM, 0), EPERM))
        return 6;
    if (!fails_with(syscall(SYS_keyctl, 0UL, 0UL), EPERM))
        return 7;
    if (!fails_with(syscall(1023), ENOSYS)) /* unknown to the profile */
        return 8;
    if (syscall(SYS_personality, 0xffffffffUL) < 0)
        return 9;
    if (!fails_with(syscall(SYS_personality, 0x0400000UL /* READ_IMPLIES_EXEC */), ENOSYS))
        return 10;
    int fd = (int) syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return 11;
    close(fd);
    pid_t pid = fork(); /* clone without namespace flags */
    if (pid < 0)
        return 12;
    if (pid == 0)
        _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 13;
    return 0;
}

static void test_default_profile_denials(void **state)
{
    (void) state;
    cleanup_seccomp_program struct seccomp_program *p = compile_default_profile();
    assert_exited(run_filtered(p, default_profile_denials, NULL), 0);
}

int main(void)
{
    err_t log_err = NULL;
    if (log_init("/dev/null", LOG_TEXT, false, &log_err) < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errno_ret),
        cmocka_unit_test(test_errno_without_errno_ret_is_eperm),
        cmocka_unit_test(test_default_errno_ret),
        cmocka_unit_test(test_kill_process),
        cmocka_unit_test(test_kill_is_kill_thread),
        cmocka_unit_test(test_trap),
        cmocka_unit_test(test_trace_without_tracer),
        cmocka_unit_test(test_log_allows),
        cmocka_unit_test(test_rule_with_default_action_is_skipped),
        cmocka_unit_test(test_arg_eq),
        cmocka_unit_test(test_arg_masked_eq),
        cmocka_unit_test(test_args_on_different_indexes_must_all_hold),
        cmocka_unit_test(test_args_on_the_same_index_are_alternatives),
        cmocka_unit_test(test_unknown_syscall_name_is_skipped_with_a_warning),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_architectures),
        cmocka_unit_test(test_flags_probe),
        cmocka_unit_test(test_flag_missing_from_the_kernel),
        cmocka_unit_test(test_flags_load),
        cmocka_unit_test(test_notify),
        cmocka_unit_test(test_notify_with_flags),
        cmocka_unit_test(test_send_to_listener),
        cmocka_unit_test(test_send_to_listener_errors),
        cmocka_unit_test(test_listener_agent),
        cmocka_unit_test(test_cache_hit_is_read_from_the_entry),
        cmocka_unit_test(test_cache_entry_for_another_key_is_a_miss),
        cmocka_unit_test(test_cache_keys_differ_by_profile),
        cmocka_unit_test(test_cache_that_cannot_be_written),
        cmocka_unit_test(test_default_profile_compiles),
        cmocka_unit_test(test_default_profile_runs_busybox),
        cmocka_unit_test(test_default_profile_denials),
    };
    return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}
