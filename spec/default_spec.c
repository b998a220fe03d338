/* `berth spec`: the config.json that `runc spec` (or `runc spec
 * --rootless`) writes, byte for byte, but for ociVersion. */
#include "default_seccomp.h"
#include "json_gen.h"

#include <unistd.h>

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

static void gen_process(yajl_gen g)
{
    static const char *const args[] = {"sh", NULL};
    static const char *const env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
                                      NULL};
    json_gen_string(g, "process");
    yajl_gen_map_open(g);
    json_gen_key_bool(g, "terminal", true);
    json_gen_string(g, "user");
    yajl_gen_map_open(g);
    json_gen_key_i64(g, "uid", 0);
    json_gen_key_i64(g, "gid", 0);
    yajl_gen_map_close(g);
    json_gen_key_strings(g, "args", args);
    json_gen_key_strings(g, "env", env);
    json_gen_key_string(g, "cwd", "/");
    json_gen_string(g, "capabilities");
    yajl_gen_map_open(g);
    json_gen_key_strings(g, "bounding", default_caps);
    json_gen_key_strings(g, "effective", default_caps);
    json_gen_key_strings(g, "permitted", default_caps);
    /* No ambient set, unlike runc's: without the inheritable set (left out
     * since CVE-2022-29162) ambient capabilities cannot be raised, and
     * every run would warn about each of them. */
    yajl_gen_map_close(g);
    json_gen_string(g, "rlimits");
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    json_gen_key_string(g, "type", "RLIMIT_NOFILE");
    json_gen_key_i64(g, "hard", 1024);
    json_gen_key_i64(g, "soft", 1024);
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    json_gen_key_bool(g, "noNewPrivileges", true);
    yajl_gen_map_close(g);
}

static void gen_mount(yajl_gen g, const char *destination, const char *type, const char *source,
                      const char *const *options)
{
    yajl_gen_map_open(g);
    json_gen_key_string(g, "destination", destination);
    json_gen_key_string(g, "type", type);
    json_gen_key_string(g, "source", source);
    if (options)
        json_gen_key_strings(g, "options", options);
    yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless)
{
    static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
    static const char *const devpts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL};
    /* rootless: no gid=5, the tty group is not mapped */
    static const char *const devpts_rootless[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL};
    static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL};
    static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
    static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
    /* rootless: sysfs cannot be mounted without a network namespace */
    static const char *const sys_rootless[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
    static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};

    json_gen_string(g, "mounts");
    yajl_gen_array_open(g);
    gen_mount(g, "/proc", "proc", "proc", NULL);
    gen_mount(g, "/dev", "tmpfs", "tmpfs", dev);
    gen_mount(g, "/dev/pts", "devpts", "devpts", rootless ? devpts_rootless : devpts);
    gen_mount(g, "/dev/shm", "tmpfs", "shm", shm);
    gen_mount(g, "/dev/mqueue", "mqueue", "mqueue", mqueue);
    if (rootless)
        gen_mount(g, "/sys", "none", "/sys", sys_rootless);
    else
        gen_mount(g, "/sys", "sysfs", "sysfs", sys);
    gen_mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
    yajl_gen_array_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *key, unsigned host_id)
{
    json_gen_string(g, key);
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    json_gen_key_i64(g, "containerID", 0);
    json_gen_key_i64(g, "hostID", host_id);
    json_gen_key_i64(g, "size", 1);
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, bool rootless, bool seccomp)
{
    static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", NULL};
    static const char *const namespaces_rootless[] = {"pid", "ipc", "uts", "mount", "user", NULL};
    static const char *const masked[] = {
        "/proc/acpi",        "/proc/asound",     "/proc/kcore",       "/proc/keys",    "/proc/latency_stats",
        "/proc/timer_list",  "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
        NULL,
    };
    static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
                                           NULL};

    json_gen_string(g, "linux");
    yajl_gen_map_open(g);
    if (rootless) {
        gen_id_mapping(g, "uidMappings", (unsigned) geteuid());
        gen_id_mapping(g, "gidMappings", (unsigned) getegid());
    } else {
        /* deny every device; the runtime allows its default ones */
        json_gen_string(g, "resources");
        yajl_gen_map_open(g);
        json_gen_string(g, "devices");
        yajl_gen_array_open(g);
        yajl_gen_map_open(g);
        json_gen_key_bool(g, "allow", false);
        json_gen_key_string(g, "access", "rwm");
        yajl_gen_map_close(g);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    json_gen_string(g, "namespaces");
    yajl_gen_array_open(g);
    for (const char *const *ns = rootless ? namespaces_rootless : namespaces; *ns; ns++) {
        yajl_gen_map_open(g);
        json_gen_key_string(g, "type", *ns);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    json_gen_key_strings(g, "maskedPaths", masked);
    json_gen_key_strings(g, "readonlyPaths", readonly);
    if (seccomp) {
        json_gen_string(g, "seccomp");
        json_gen_default_seccomp(g);
    }
    yajl_gen_map_close(g);
}

char *spec_default_config(enum default_spec_kind kind, bool seccomp)
{
    bool rootless = kind == DEFAULT_SPEC_ROOTLESS;
    yajl_gen g = json_gen_new("\t");
    yajl_gen_map_open(g);
    json_gen_key_string(g, "ociVersion", OCI_VERSION);
    gen_process(g);
    json_gen_string(g, "root");
    yajl_gen_map_open(g);
    json_gen_key_string(g, "path", "rootfs");
    json_gen_key_bool(g, "readonly", true);
    yajl_gen_map_close(g);
    json_gen_key_string(g, "hostname", "runc");
    gen_mounts(g, rootless);
    gen_linux(g, rootless, seccomp);
    yajl_gen_map_close(g);
    return json_gen_finish(g);
}
