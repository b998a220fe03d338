/* features.md: what berth really does, fixed at build time but for the
 * seccomp flags this kernel takes (probed, as runc does). A feature is
 * listed here in the same change that makes it work. */
#include "internal.h"

#include <linux/seccomp.h>
#include <stdlib.h>

static const char *const hooks[] = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                                    "poststop", NULL};

static const char *const mount_options[] = {
    "async",   "atime",    "bind",     "defaults",      "dev",        "diratime",      "dirsync",     "exec",
    "idmap",   "iversion", "lazytime", "loud",          "mand",       "noatime",       "nodev",       "nodiratime",
    "noexec",  "noiversion", "nolazytime", "nomand",    "norelatime", "nostrictatime", "nosuid",      "nosymfollow",
    "private", "ratime",   "rbind",    "rdev",          "rdiratime",  "relatime",      "remount",     "rexec",
    "ridmap",  "rnoatime", "rnodev",   "rnodiratime",   "rnoexec",    "rnorelatime",   "rnostrictatime", "rnosuid",
    "rnosymfollow", "ro",  "rprivate", "rrelatime",     "rro",        "rrw",           "rshared",     "rslave",
    "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw",       "shared",        "silent",      "slave",
    "strictatime", "suid", "symfollow", "sync",         "tmpcopyup",  "unbindable",    NULL,
};

static const char *const namespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL};

static const char *const capabilities[] = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",          "CAP_FSETID",
    "CAP_KILL",           "CAP_SETGID",        "CAP_SETUID",          "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",     "CAP_NET_RAW",         "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",      "CAP_SYS_MODULE",    "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",     "CAP_SYS_BOOT",        "CAP_SYS_NICE",        "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",          "CAP_LEASE",           "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",       "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",       "CAP_SYSLOG",
    "CAP_WAKE_ALARM",     "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",      "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE", NULL,
};

static const char *const seccomp_actions[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                              "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
                                              "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL};
static const char *const seccomp_operators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL};
/* libseccomp 2.5.4's; LOONGARCH64, M68K, SH and SHEB need 2.6. */
static const char *const seccomp_archs[] = {
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",      "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",   "SCMP_ARCH_X32",      "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64", NULL,
};
static const struct {
    const char *name;
    unsigned int bit;
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1u << 5},
};
static const char *const memory_policy_modes[] = {"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
                                                  "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                                                  "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL};
static const char *const memory_policy_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                                  "MPOL_F_STATIC_NODES", NULL};

static void strings(struct json_writer *w, const char *key, const char *const *list)
{
    jw_key(w, key);
    jw_begin_array(w);
    for (; *list; list++)
        jw_string(w, *list);
    jw_end_array(w);
}

static void enabled(struct json_writer *w, const char *key, bool on)
{
    jw_key(w, key);
    jw_begin_object(w);
    jw_key(w, "enabled");
    jw_bool(w, on);
    jw_end_object(w);
}

static void seccomp(struct json_writer *w)
{
    unsigned int supported = seccomp_supported_flags();
    jw_key(w, "seccomp");
    jw_begin_object(w);
    jw_key(w, "enabled");
    jw_bool(w, seccomp_filters_available());
    strings(w, "actions", seccomp_actions);
    strings(w, "operators", seccomp_operators);
    strings(w, "archs", seccomp_archs);
    jw_key(w, "knownFlags");
    jw_begin_array(w);
    for (size_t i = 0; i < ARRAY_SIZE(seccomp_flags); i++)
        jw_string(w, seccomp_flags[i].name);
    jw_end_array(w);
    jw_key(w, "supportedFlags");
    jw_begin_array(w);
    for (size_t i = 0; i < ARRAY_SIZE(seccomp_flags); i++)
        if (supported & seccomp_flags[i].bit)
            jw_string(w, seccomp_flags[i].name);
    jw_end_array(w);
    jw_end_object(w);
}

static void linux_features(struct json_writer *w)
{
    jw_key(w, "linux");
    jw_begin_object(w);
    strings(w, "namespaces", namespaces);
    strings(w, "capabilities", capabilities);
    jw_key(w, "cgroup");
    jw_begin_object(w);
    static const char *const cgroup_keys[] = {"v1", "v2", "systemd", "systemdUser", "rdma"};
    static const bool cgroup_values[] = {true, true, false, false, true};
    for (size_t i = 0; i < ARRAY_SIZE(cgroup_keys); i++) {
        jw_key(w, cgroup_keys[i]);
        jw_bool(w, cgroup_values[i]);
    }
    jw_end_object(w);
    seccomp(w);
    enabled(w, "apparmor", false);
    enabled(w, "selinux", false);
    enabled(w, "intelRdt", false);
    jw_key(w, "mountExtensions");
    jw_begin_object(w);
    enabled(w, "idmap", true);
    jw_end_object(w);
    enabled(w, "netDevices", true);
    jw_key(w, "memoryPolicy");
    jw_begin_object(w);
    strings(w, "modes", memory_policy_modes);
    strings(w, "flags", memory_policy_flags);
    jw_end_object(w);
    jw_end_object(w);
}

char *runtime_features_json(void)
{
    struct json_writer w;
    jw_init(&w);
    jw_begin_object(&w);
    jw_key(&w, "ociVersionMin");
    jw_string(&w, OCI_VERSION_MIN);
    jw_key(&w, "ociVersionMax");
    jw_string(&w, OCI_VERSION);
    strings(&w, "hooks", hooks);
    strings(&w, "mountOptions", mount_options);
    linux_features(&w);
    jw_key(&w, "annotations");
    jw_begin_object(&w);
    jw_key(&w, "org.berth.version");
    jw_string(&w, BERTH_VERSION);
    jw_end_object(&w);
    jw_end_object(&w);
    return jw_finish(&w);
}
