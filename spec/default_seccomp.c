/* `berth spec --seccomp-default`: Docker's default seccomp profile
 * (moby/profiles seccomp/default.json) rendered as Docker renders it for a
 * container: for the architecture berth was built for and for the
 * capabilities `berth spec` grants (CAP_AUDIT_WRITE, CAP_KILL,
 * CAP_NET_BIND_SERVICE), so no rule that needs another capability is
 * allowed.
 *
 * Errno semantics are those of Podman's profile (containers/common
 * pkg/seccomp): a syscall the profile does not know fails with ENOSYS, so
 * that libc falls back from a syscall newer than the profile; the syscalls
 * it knows and denies fail with EPERM. clone3 fails with ENOSYS so that
 * libc falls back to clone, whose flags can be checked. */
#include "default_seccomp.h"

#include <stdint.h>

#define EPERM_RET 1
#define ENOSYS_RET 38

/* Docker's allow-list: allowed whatever the capabilities. */
static const char *const allowed[] = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset", "chdir",
    "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
    "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
    "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve",
    "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
    "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
    "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
    "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue",
    "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
    "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
    "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
    "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname",
    "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat",
    "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
    "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
    "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32",
    "lgetxattr", "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier",
    "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall",
    "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
    "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd",
    "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
    "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
    "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
    "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead",
    "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
    "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat", "renameat2", "restart_syscall",
    "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
    "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
    "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
    "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
    "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
    "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
    "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32",
    "setitimer", "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
    "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt",
    "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt",
    "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall",
    "socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statmount", "statx", "symlink", "symlinkat",
    "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
    "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
    "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime", "utimensat",
    "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
    /* Docker: "minKernel": "4.8" (ptrace can no longer bypass seccomp) */
    "process_vm_readv", "process_vm_writev", "ptrace",
    NULL,
};

/* Docker's "includes": {"arches": [...]} for the build architecture. */
static const char *const allowed_on_this_arch[] = {
#if defined(__x86_64__) || defined(__i386__)
#if defined(__x86_64__)
    "arch_prctl",
#endif
    "modify_ldt",
#elif defined(__aarch64__) || defined(__arm__)
    "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls",
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    "sync_file_range2", "swapcontext",
#elif defined(__s390x__) || defined(__s390__)
    "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr",
#elif defined(__riscv) && __riscv_xlen == 64
    "riscv_flush_icache",
#endif
    NULL,
};

/* Known and denied: Docker's syscalls that need a capability `berth spec`
 * does not grant, then what Docker and Podman deny outright. */
static const char *const denied[] = {
    /* CAP_SYS_ADMIN */
    "bpf", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie", "lsm_get_self_attr",
    "lsm_list_modules", "lsm_set_self_attr", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
    "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare",
    /* CAP_DAC_READ_SEARCH, CAP_SYS_BOOT, CAP_SYS_CHROOT, CAP_SYS_MODULE, CAP_SYS_PACCT */
    "open_by_handle_at", "reboot", "chroot", "delete_module", "init_module", "finit_module", "acct",
    /* CAP_SYS_PTRACE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_TTY_CONFIG, CAP_SYS_NICE */
    "kcmp", "pidfd_getfd", "process_madvise", "iopl", "ioperm", "settimeofday", "stime", "clock_settime",
    "clock_settime64", "vhangup", "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node",
    /* denied by both */
    "add_key", "bdflush", "create_module", "get_kernel_syms", "io_uring_enter", "io_uring_register",
    "io_uring_setup", "kexec_file_load", "kexec_load", "keyctl", "migrate_pages", "move_pages", "nfsservctl",
    "nice", "oldfstat", "oldlstat", "oldolduname", "oldstat", "olduname", "pciconfig_iobase", "pciconfig_read",
    "pciconfig_write", "pivot_root", "query_module", "request_key", "sgetmask", "ssetmask",
#if !(defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
    "swapcontext",
#endif
    "swapoff", "swapon", "_sysctl", "sysfs", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
    NULL,
};

struct arg {
    unsigned index;
    uint64_t value;
    uint64_t value_two;
    const char *op;
};

#if defined(__s390x__) || defined(__s390__)
#define CLONE_FLAGS_ARG 1 /* s390 passes clone's arguments in another order */
#else
#define CLONE_FLAGS_ARG 0
#endif

/* CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
 * | CLONE_NEWPID | CLONE_NEWNET: Docker's 2114060288. */
static const uint64_t namespace_flags[] = {0x00020000, 0x02000000, 0x04000000, 0x08000000,
                                           0x10000000, 0x20000000, 0x40000000};

/* Docker allows these address families and no other. */
static const uint64_t allowed_families[] = {13, 14, 15, 16, 17, 18, 21, 22, 24, 26, 27, 28, 29,
                                            30, 31, 32, 33, 35, 36, 39, 41, 42, 43, 44, 45};
#define FAMILIES_LOW_ALLOWED 12 /* below: all allowed */
#define FAMILIES_END 46         /* from here: none allowed */

/* Docker allows personality() only for these (query, PER_LINUX, PER_LINUX32,
 * UNAME26 and both); other values get the default errno. */
static const uint64_t allowed_personalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

static void gen_rule(yajl_gen g, const char *const *names, const char *action, int errno_ret, const struct arg *args,
                     size_t args_len)
{
    yajl_gen_map_open(g);
    json_gen_key_strings(g, "names", names);
    json_gen_key_string(g, "action", action);
    if (errno_ret >= 0)
        json_gen_key_i64(g, "errnoRet", errno_ret);
    if (args_len > 0) {
        json_gen_string(g, "args");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < args_len; i++) {
            yajl_gen_map_open(g);
            json_gen_key_u64(g, "index", args[i].index);
            json_gen_key_u64(g, "value", args[i].value);
            if (args[i].value_two)
                json_gen_key_u64(g, "valueTwo", args[i].value_two);
            json_gen_key_string(g, "op", args[i].op);
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
    }
    yajl_gen_map_close(g);
}

static void gen_one_arg_rule(yajl_gen g, const char *name, const char *action, int errno_ret, struct arg arg)
{
    const char *const names[] = {name, NULL};
    gen_rule(g, names, action, errno_ret, &arg, 1);
}

static bool family_allowed(uint64_t family)
{
    if (family < FAMILIES_LOW_ALLOWED)
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(allowed_families); i++) {
        if (allowed_families[i] == family)
            return true;
    }
    return false;
}

static void gen_socket_rules(yajl_gen g)
{
    gen_one_arg_rule(g, "socket", "SCMP_ACT_ALLOW", -1, (struct arg){0, FAMILIES_LOW_ALLOWED, 0, "SCMP_CMP_LT"});
    for (size_t i = 0; i < ARRAY_SIZE(allowed_families); i++)
        gen_one_arg_rule(g, "socket", "SCMP_ACT_ALLOW", -1, (struct arg){0, allowed_families[i], 0, "SCMP_CMP_EQ"});
    /* the rest, AF_VSOCK among them, is denied */
    for (uint64_t family = FAMILIES_LOW_ALLOWED; family < FAMILIES_END; family++) {
        if (!family_allowed(family))
            gen_one_arg_rule(g, "socket", "SCMP_ACT_ERRNO", EPERM_RET, (struct arg){0, family, 0, "SCMP_CMP_EQ"});
    }
    gen_one_arg_rule(g, "socket", "SCMP_ACT_ERRNO", EPERM_RET, (struct arg){0, FAMILIES_END, 0, "SCMP_CMP_GE"});
}

/* clone without any namespace flag; with one, EPERM. */
static void gen_clone_rules(yajl_gen g)
{
    uint64_t all = 0;
    for (size_t i = 0; i < ARRAY_SIZE(namespace_flags); i++)
        all |= namespace_flags[i];
    gen_one_arg_rule(g, "clone", "SCMP_ACT_ALLOW", -1, (struct arg){CLONE_FLAGS_ARG, all, 0, "SCMP_CMP_MASKED_EQ"});
    for (size_t i = 0; i < ARRAY_SIZE(namespace_flags); i++)
        gen_one_arg_rule(g, "clone", "SCMP_ACT_ERRNO", EPERM_RET,
                         (struct arg){CLONE_FLAGS_ARG, namespace_flags[i], namespace_flags[i], "SCMP_CMP_MASKED_EQ"});
    const char *const clone3[] = {"clone3", NULL};
    gen_rule(g, clone3, "SCMP_ACT_ERRNO", ENOSYS_RET, NULL, 0);
}

static void gen_architectures(yajl_gen g)
{
    static const char *const architectures[] = {
#if defined(__x86_64__) && !defined(__ILP32__)
        "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
#elif defined(__aarch64__)
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
#elif defined(__s390x__)
        "SCMP_ARCH_S390X", "SCMP_ARCH_S390",
#elif defined(__riscv) && __riscv_xlen == 64
        "SCMP_ARCH_RISCV64",
#elif defined(__loongarch64)
        "SCMP_ARCH_LOONGARCH64",
#endif
        NULL,
    };
    /* elsewhere Docker, too, leaves only the native architecture */
    if (architectures[0])
        json_gen_key_strings(g, "architectures", architectures);
}

void json_gen_default_seccomp(yajl_gen g)
{
    yajl_gen_map_open(g);
    json_gen_key_string(g, "defaultAction", "SCMP_ACT_ERRNO");
    json_gen_key_i64(g, "defaultErrnoRet", ENOSYS_RET);
    gen_architectures(g);
    json_gen_string(g, "syscalls");
    yajl_gen_array_open(g);
    gen_rule(g, allowed, "SCMP_ACT_ALLOW", -1, NULL, 0);
    if (allowed_on_this_arch[0])
        gen_rule(g, allowed_on_this_arch, "SCMP_ACT_ALLOW", -1, NULL, 0);
    for (size_t i = 0; i < ARRAY_SIZE(allowed_personalities); i++)
        gen_one_arg_rule(g, "personality", "SCMP_ACT_ALLOW", -1,
                         (struct arg){0, allowed_personalities[i], 0, "SCMP_CMP_EQ"});
    gen_socket_rules(g);
    gen_clone_rules(g);
    gen_rule(g, denied, "SCMP_ACT_ERRNO", EPERM_RET, NULL, 0);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

char *spec_default_seccomp_profile(void)
{
    yajl_gen g = json_gen_new("\t");
    json_gen_default_seccomp(g);
    return json_gen_finish(g);
}
