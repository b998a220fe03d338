/* Settings of runtime-spec 1.3 that berth knows but cannot apply, yet or on
 * this host: each is an error naming it, never silently ignored (unlike
 * runc 1.1 and crun 1.8 for several of them). */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool lsm_enabled(const char *name)
{
    if (strcmp(name, "apparmor") == 0) {
        char buf[4] = "";
        FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
        if (f) {
            (void) !fgets(buf, sizeof(buf), f);
            fclose(f);
        }
        return buf[0] == 'Y';
    }
    return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

static int check_lsm(const char *value, const char *json_path, const char *lsm, const char *lsm_name, err_t *err)
{
    if (value == NULL || *value == '\0')
        return 0;
    if (!lsm_enabled(lsm))
        return config_err(err, json_path, "%s is not enabled on this host", lsm_name);
    return config_err(err, json_path, "%s labels are not supported by berth yet", lsm_name);
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A mount namespace may be joined, as config-linux.md asks, but never
 * berth's own or the host's: the container's mounts and pivot_root would
 * be theirs. */
static int check_namespaces(const struct oci_linux *l, err_t *err)
{
    char path[64];
    bool mount_ns = false;
    for (size_t i = 0; l && i < l->namespaces_len; i++) {
        const struct oci_namespace *ns = &l->namespaces[i];
        if (ns->type != NS_MOUNT)
            continue;
        mount_ns = true;
        snprintf(path, sizeof(path), "linux.namespaces[%zu].path", i);
        if (ns->path && (same_file(ns->path, "/proc/self/ns/mnt") || same_file(ns->path, "/proc/1/ns/mnt")))
            return config_err(err, path, "%s is the runtime's own or the host's mount namespace, not one a container may take",
                              ns->path);
    }
    if (!mount_ns)
        return config_err(err, "linux.namespaces", "a mount namespace is required: without one, the container's mounts "
                                                   "and pivot_root would be the host's");
    return 0;
}

int check_supported(const struct oci_config *config, err_t *err)
{
    const struct oci_process *p = config->process;
    const struct oci_linux *l = config->linux_config;
    if (check_namespaces(l, err) < 0)
        return -1;
    if (check_lsm(p->apparmor_profile, "process.apparmorProfile", "apparmor", "AppArmor", err) < 0 ||
        check_lsm(p->selinux_label, "process.selinuxLabel", "selinux", "SELinux", err) < 0 ||
        check_lsm(l->mount_label, "linux.mountLabel", "selinux", "SELinux", err) < 0)
        return -1;
    if (l->intel_rdt)
        return config_err(err, "linux.intelRdt", access("/sys/fs/resctrl/tasks", F_OK) == 0
                                                     ? "Intel RDT is not supported by berth yet"
                                                     : "no resctrl filesystem is mounted on this host");
    return 0;
}
