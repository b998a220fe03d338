/* Checks of config.json's linux.seccomp. */
#include "validate.h"

#include <string.h>

static const char *const seccomp_actions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY", NULL,
};

/* libseccomp 2.6's architectures. */
static const char *const seccomp_architectures[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",        "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",    NULL,
};

static const char *const seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

static const char *const seccomp_operators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

/* The kernel takes at most six syscall arguments. */
#define SYSCALL_ARGS_MAX 6

static bool takes_errno(const char *action)
{
    return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static bool is_notify(const char *action)
{
    return strcmp(action, "SCMP_ACT_NOTIFY") == 0;
}

static int check_action(const struct oci_seccomp *s, const char *field, const char *action, err_t *err)
{
    if (action == NULL)
        return config_err(err, field, "is required");
    if (!is_in_list(action, seccomp_actions))
        return config_err(err, field, "unknown action \"%s\"", action);
    if (is_notify(action) && (s->listener_path == NULL || s->listener_path[0] == '\0'))
        return config_err(err, field, "SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath");
    return 0;
}

static int check_arg(const struct oci_syscall_arg *a, size_t i, size_t j, err_t *err)
{
    if (a->index >= SYSCALL_ARGS_MAX)
        return config_err_at(err, xasprintf("linux.seccomp.syscalls[%zu].args[%zu].index", i, j),
                             "must be less than %d, got %u", SYSCALL_ARGS_MAX, a->index);
    if (a->op == NULL)
        return config_err_at(err, xasprintf("linux.seccomp.syscalls[%zu].args[%zu].op", i, j), "is required");
    if (!is_in_list(a->op, seccomp_operators))
        return config_err_at(err, xasprintf("linux.seccomp.syscalls[%zu].args[%zu].op", i, j),
                             "unknown operator \"%s\"", a->op);
    return 0;
}

static int check_syscall(const struct oci_seccomp *s, size_t i, err_t *err)
{
    const struct oci_syscall *sc = &s->syscalls[i];
    if (sc->names_len == 0)
        return config_err_at(err, xasprintf("linux.seccomp.syscalls[%zu].names", i), "must have at least one entry");
    cleanup_free char *action_field = xasprintf("linux.seccomp.syscalls[%zu].action", i);
    if (check_action(s, action_field, sc->action, err) < 0)
        return -1;
    /* As runc: the runtime itself writes to the container's fds after the
     * filter is loaded, so notifying on write would deadlock. */
    for (size_t j = 0; is_notify(sc->action) && j < sc->names_len; j++) {
        if (strcmp(sc->names[j], "write") == 0)
            return config_err_at(err, xasprintf("linux.seccomp.syscalls[%zu].names[%zu]", i, j),
                                 "SCMP_ACT_NOTIFY cannot be used for the write syscall");
    }
    if (sc->has_errno_ret && !takes_errno(sc->action))
        return config_err_at(err, xasprintf("linux.seccomp.syscalls[%zu].errnoRet", i),
                             "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    for (size_t j = 0; j < sc->args_len; j++) {
        if (check_arg(&sc->args[j], i, j, err) < 0)
            return -1;
    }
    return 0;
}

int check_seccomp(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->seccomp == NULL)
        return 0;
    const struct oci_seccomp *s = l->seccomp;
    /* As runc: the runtime's own syscalls after the filter would notify. */
    if (s->default_action && is_notify(s->default_action))
        return config_err(err, "linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    if (check_action(s, "linux.seccomp.defaultAction", s->default_action, err) < 0)
        return -1;
    if (s->has_default_errno_ret && !takes_errno(s->default_action))
        return config_err(err, "linux.seccomp.defaultErrnoRet", "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    for (size_t i = 0; i < s->architectures_len; i++) {
        if (!is_in_list(s->architectures[i], seccomp_architectures))
            return config_err_at(err, xasprintf("linux.seccomp.architectures[%zu]", i), "unknown architecture \"%s\"",
                                 s->architectures[i]);
    }
    for (size_t i = 0; i < s->flags_len; i++) {
        if (!is_in_list(s->flags[i], seccomp_flags))
            return config_err_at(err, xasprintf("linux.seccomp.flags[%zu]", i), "unknown flag \"%s\"", s->flags[i]);
    }
    if (s->listener_metadata && s->listener_metadata[0] && (s->listener_path == NULL || s->listener_path[0] == '\0'))
        return config_err(err, "linux.seccomp.listenerMetadata", "requires listenerPath");
    for (size_t i = 0; i < s->syscalls_len; i++) {
        if (check_syscall(s, i, err) < 0)
            return -1;
    }
    return 0;
}
