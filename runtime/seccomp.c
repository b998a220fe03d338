/* linux.seccomp: compiled with libseccomp in the parent, loaded in the
 * container's init with one seccomp(2) call. */
#include "internal.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Above this many syscall names a binary tree beats libseccomp's linear
 * list; runc uses the same threshold (libseccomp <= 2.5.4 misbehaves with a
 * tree and no rules at all). */
#define BINARY_TREE_MIN_NAMES 32

/* ---- names → libseccomp values -------------------------------------------- */

static const struct {
    const char *name;
    uint32_t action;
} plain_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

static const struct {
    const char *name;
    enum scmp_compare op;
} operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* ERRNO and TRACE carry errnoRet (EPERM when absent, as runc). */
static int action_of(const char *name, bool has_errno_ret, uint32_t errno_ret, const char *path, uint32_t *action,
                     err_t *err)
{
    if (name == NULL)
        return config_err(err, path, "is required");
    bool errno_action = strcmp(name, "SCMP_ACT_ERRNO") == 0, trace = strcmp(name, "SCMP_ACT_TRACE") == 0;
    if (errno_action || trace) {
        uint32_t ret = has_errno_ret ? errno_ret : EPERM;
        if (ret > 0xffff)
            return config_err(err, path, "errnoRet %u does not fit the 16 bits seccomp returns", ret);
        *action = errno_action ? SCMP_ACT_ERRNO(ret) : SCMP_ACT_TRACE(ret);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(plain_actions); i++) {
        if (strcmp(plain_actions[i].name, name) == 0) {
            *action = plain_actions[i].action;
            return 0;
        }
    }
    return config_err(err, path, "unknown action \"%s\"", name);
}

static int operator_of(const char *name, const char *path, enum scmp_compare *op, err_t *err)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(operators); i++) {
        if (strcmp(operators[i].name, name) == 0) {
            *op = operators[i].op;
            return 0;
        }
    }
    return config_err(err, path, "unknown operator \"%s\"", name ? name : "");
}

/* "SCMP_ARCH_X86_64" → libseccomp's "x86_64"; 0 when it has no such arch. */
static uint32_t arch_of(const char *name)
{
    if (!str_has_prefix(name, "SCMP_ARCH_"))
        return 0;
    cleanup_free char *token = xstrdup(name + strlen("SCMP_ARCH_"));
    for (char *p = token; *p; p++)
        *p = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    return seccomp_arch_resolve_name(token);
}

/* ---- building the filter ----------------------------------------------------- */

static void cleanup_scmp_ctxp(scmp_filter_ctx *ctx)
{
    if (*ctx)
        seccomp_release(*ctx);
}
#define cleanup_scmp_ctx __attribute__((cleanup(cleanup_scmp_ctxp)))

static int add_architectures(scmp_filter_ctx ctx, const struct oci_seccomp *s, err_t *err)
{
    for (size_t i = 0; i < s->architectures_len; i++) {
        cleanup_free char *path = xasprintf("linux.seccomp.architectures[%zu]", i);
        uint32_t arch = arch_of(s->architectures[i]);
        if (arch == 0)
            return config_err(err, path, "%s is not supported by libseccomp %u.%u.%u", s->architectures[i],
                              seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
        int rc = seccomp_arch_add(ctx, arch);
        if (rc == -EDOM) /* one filter serves one byte order */
            return config_err(err, path, "%s does not have this machine's byte order", s->architectures[i]);
        if (rc < 0 && rc != -EEXIST) /* the native one is always there */
            return config_err(err, path, "cannot add %s: %s", s->architectures[i], strerror(-rc));
    }
    return 0;
}

/* runc's rule for several conditions on one rule: they must all hold
 * (AND), except when two of them test the same argument; then each
 * condition becomes a rule of its own (OR). */
static bool repeats_an_argument(const struct oci_syscall *sc)
{
    unsigned seen = 0;
    for (size_t i = 0; i < sc->args_len; i++) {
        unsigned bit = 1u << sc->args[i].index;
        if (seen & bit)
            return true;
        seen |= bit;
    }
    return false;
}

static int add_syscall_rule(scmp_filter_ctx ctx, const struct oci_syscall *sc, uint32_t action, int nr,
                            const struct scmp_arg_cmp *cmps)
{
    if (!repeats_an_argument(sc))
        return seccomp_rule_add_array(ctx, action, nr, (unsigned) sc->args_len, sc->args_len ? cmps : NULL);
    for (size_t k = 0; k < sc->args_len; k++) {
        int rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[k]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct oci_seccomp *s, size_t i, uint32_t default_action, err_t *err)
{
    const struct oci_syscall *sc = &s->syscalls[i];
    uint32_t action;
    cleanup_free char *action_path = xasprintf("linux.seccomp.syscalls[%zu].action", i);
    if (action_of(sc->action, sc->has_errno_ret, sc->errno_ret, action_path, &action, err) < 0)
        return -1;
    cleanup_free struct scmp_arg_cmp *cmps = xzalloc((sc->args_len + 1) * sizeof(*cmps));
    for (size_t k = 0; k < sc->args_len; k++) {
        const struct oci_syscall_arg *a = &sc->args[k];
        cleanup_free char *arg_path = xasprintf("linux.seccomp.syscalls[%zu].args[%zu]", i, k);
        if (a->index >= 6)
            return config_err(err, arg_path, "index %u is not a syscall argument (0 to 5)", a->index);
        cmps[k] = (struct scmp_arg_cmp){.arg = a->index, .datum_a = a->value, .datum_b = a->value_two};
        cleanup_free char *op_path = xasprintf("%s.op", arg_path);
        if (operator_of(a->op, op_path, &cmps[k].op, err) < 0)
            return -1;
    }
    /* As runc: a rule with the default action changes nothing, and
     * libseccomp refuses it. */
    if (action == default_action)
        return 0;
    for (size_t j = 0; j < sc->names_len; j++) {
        int nr = seccomp_syscall_resolve_name(sc->names[j]);
        if (nr == __NR_SCMP_ERROR) /* seccomp_warn_unknown_names said so */
            continue;
        int rc = add_syscall_rule(ctx, sc, action, nr, cmps);
        if (rc < 0) {
            cleanup_free char *name_path = xasprintf("linux.seccomp.syscalls[%zu].names[%zu]", i, j);
            return config_err(err, name_path, "cannot add a rule for %s: %s", sc->names[j], strerror(-rc));
        }
    }
    return 0;
}

static const char *libseccomp_version_text(void)
{
    static char text[32];
    const struct scmp_version *v = seccomp_version();
    snprintf(text, sizeof(text), "%u.%u.%u", v->major, v->minor, v->micro);
    return text;
}

/* One line for all of them: a profile written for a newer libseccomp
 * (Docker's has a dozen such names) should not flood every start. */
void seccomp_warn_unknown_names(const struct oci_seccomp *s)
{
    char *names = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&names, &len);
    unsigned count = 0;
    for (size_t i = 0; i < s->syscalls_len; i++) {
        const struct oci_syscall *sc = &s->syscalls[i];
        for (size_t j = 0; j < sc->names_len; j++)
            if (seccomp_syscall_resolve_name(sc->names[j]) == __NR_SCMP_ERROR)
                fprintf(out, "%s%s (syscalls[%zu].names[%zu])", count++ ? ", " : "", sc->names[j], i, j);
    }
    fclose(out);
    if (count)
        log_warn("linux.seccomp: %u syscall%s unknown to libseccomp %s ignored: %s", count, count > 1 ? "s" : "",
                 libseccomp_version_text(), names);
    free(names);
}

static size_t count_names(const struct oci_seccomp *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->syscalls_len; i++)
        n += s->syscalls[i].names_len;
    return n;
}

static int build_filter(const struct oci_seccomp *s, scmp_filter_ctx *out, err_t *err)
{
    uint32_t default_action;
    if (action_of(s->default_action, s->has_default_errno_ret, s->default_errno_ret, "linux.seccomp.defaultAction",
                  &default_action, err) < 0)
        return -1;
    cleanup_scmp_ctx scmp_filter_ctx ctx = seccomp_init(default_action);
    if (ctx == NULL)
        return config_err(err, "linux.seccomp.defaultAction", "%s is not supported by this kernel or libseccomp",
                          s->default_action);
    if (add_architectures(ctx, s, err) < 0)
        return -1;
    if (count_names(s) > BINARY_TREE_MIN_NAMES && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
        log_debug("seccomp: no binary tree optimization in this libseccomp");
    for (size_t i = 0; i < s->syscalls_len; i++) {
        if (add_rules(ctx, s, i, default_action, err) < 0)
            return -1;
    }
    *out = steal_ptr(&ctx);
    return 0;
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back whole. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_program *p, err_t *err)
{
    cleanup_close int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return make_err(err, errno, "seccomp: create a memfd for the filter");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return make_err(err, -rc, "seccomp: export the filter");
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0)
        return make_err(err, errno, "seccomp: size of the exported filter");
    size_t len = (size_t) size / sizeof(struct sock_filter);
    if (len == 0 || (size_t) size % sizeof(struct sock_filter) != 0)
        return make_err(err, EINVAL, "seccomp: libseccomp exported %lld bytes, not a BPF program", (long long) size);
    if (len > BPF_MAXINSNS)
        return make_err(err, E2BIG, "seccomp: the filter has %zu instructions, the kernel takes at most %d", len,
                        BPF_MAXINSNS);
    p->filter = xmalloc((size_t) size);
    p->len = (unsigned short) len;
    ssize_t n = pread(fd, p->filter, (size_t) size, 0);
    if (n < 0)
        return make_err(err, errno, "seccomp: read the exported filter");
    if (n != size)
        return make_err(err, EIO, "seccomp: short read of the exported filter");
    return 0;
}

/* The config's flags plus what a listener needs. (TSYNC does nothing in
 * the single-threaded init; it is passed on all the same.) */
static unsigned int load_flags(unsigned int config_flags, bool notifies, unsigned int supported)
{
    if (!notifies)
        return config_flags & ~(unsigned int) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    unsigned int flags = config_flags | SECCOMP_FILTER_FLAG_NEW_LISTENER;
    /* With a listener the kernel wants TSYNC failures as ESRCH. */
    if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
        if (supported & SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        else
            flags &= ~(unsigned int) SECCOMP_FILTER_FLAG_TSYNC;
    }
    return flags;
}

int seccomp_compile(const struct oci_seccomp *s, struct seccomp_program **out, err_t *err)
{
    *out = NULL;
    if (!seccomp_filters_available())
        return make_err(err, ENOSYS, "seccomp: this kernel has no seccomp filters");
    unsigned int supported = seccomp_supported_flags(), config_flags;
    if (seccomp_config_flags(s, supported, &config_flags, err) < 0)
        return -1;
    bool notifies = seccomp_uses_notify(s);
    if (notifies && !(supported & SECCOMP_FILTER_FLAG_NEW_LISTENER))
        return make_err(err, ENOSYS, "seccomp: SCMP_ACT_NOTIFY is not supported by this kernel");
    seccomp_warn_unknown_names(s);
    cleanup_scmp_ctx scmp_filter_ctx ctx = NULL;
    if (build_filter(s, &ctx, err) < 0)
        return -1;
    cleanup_seccomp_program struct seccomp_program *p = xzalloc(sizeof(*p));
    if (export_bpf(ctx, p, err) < 0)
        return -1;
    p->notifies = notifies;
    p->flags = load_flags(config_flags, notifies, supported);
    *out = steal_ptr(&p);
    return 0;
}

int seccomp_program_load(const struct seccomp_program *p, int *notify_fd, err_t *err)
{
    struct sock_fprog prog = {.len = p->len, .filter = p->filter};
    *notify_fd = -1;
    long ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
    if (ret < 0 && errno == EACCES)
        return make_err(err, errno, "load the seccomp filter: needs noNewPrivileges or CAP_SYS_ADMIN");
    if (ret < 0)
        return make_err(err, errno, "load the seccomp filter");
    if (p->notifies) {
        *notify_fd = (int) ret;
        return 0;
    }
    /* TSYNC without a listener: a positive value is a thread that could
     * not be synchronized. */
    if (ret > 0)
        return make_err(err, 0, "load the seccomp filter: thread %ld could not be synchronized", ret);
    return 0;
}

void seccomp_program_free(struct seccomp_program *p)
{
    if (p == NULL)
        return;
    free(p->filter);
    free(p);
}

void cleanup_seccomp_programp(struct seccomp_program **p)
{
    seccomp_program_free(*p);
    *p = NULL;
}
