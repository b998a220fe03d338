#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Only sysctls that belong to a namespace of the container may be set:
 * any other one would change the host. */
static bool is_namespaced(const struct oci_config *config, const char *key, const char **needs)
{
    static const char *const ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                           "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
    for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
        if (strcmp(key, ipc_keys[i]) == 0)
            return *needs = "ipc", oci_has_namespace(config, NS_IPC);
    if (str_has_prefix(key, "fs.mqueue."))
        return *needs = "ipc", oci_has_namespace(config, NS_IPC);
    if (str_has_prefix(key, "net."))
        return *needs = "network", oci_has_namespace(config, NS_NETWORK);
    *needs = NULL;
    return false;
}

int sysctl_check(const struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; l && i < l->sysctl.len; i++) {
        const char *key = l->sysctl.entries[i].key, *needs;
        char json_path[300];
        snprintf(json_path, sizeof(json_path), "linux.sysctl[\"%s\"]", key);
        if (strchr(key, '/') || strstr(key, ".."))
            return config_err(err, json_path, "not a sysctl name");
        if (!is_namespaced(config, key, &needs))
            return needs ? config_err(err, json_path, "needs the container's own %s namespace", needs)
                         : config_err(err, json_path, "not a namespaced sysctl: setting it would change the host");
    }
    return 0;
}

/* A procfs of berth's own, never attached anywhere (CVE-2025-52881): no
 * mount of the container's can stand in for a sysctl file. In a user
 * namespace where a new procfs is refused, the container's /proc/sys,
 * checked to be procfs. */
static int open_proc_sys(err_t *err)
{
    cleanup_close int fsfd = fsopen("proc", FSOPEN_CLOEXEC);
    cleanup_close int mntfd = -1;
    if (fsfd >= 0 && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mntfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    int sysfd = mntfd >= 0 ? openat(mntfd, "sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                           : open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct statfs st;
    if (sysfd < 0 || fstatfs(sysfd, &st) < 0)
        return make_err(err, errno, "linux.sysctl: open /proc/sys (is /proc mounted?)");
    if (st.f_type != PROC_SUPER_MAGIC) {
        close(sysfd);
        return make_err(err, EPERM, "linux.sysctl: /proc/sys is not procfs");
    }
    return sysfd;
}

int sysctl_apply(const struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->sysctl.len == 0)
        return 0;
    cleanup_close int sysfd = open_proc_sys(err);
    if (sysfd < 0)
        return -1;
    for (size_t i = 0; i < l->sysctl.len; i++) {
        const struct oci_map_entry *e = &l->sysctl.entries[i];
        cleanup_free char *rel = xstrdup(e->key);
        for (char *p = rel; *p; p++)
            if (*p == '.')
                *p = '/';
        struct open_how how = {.flags = O_WRONLY | O_CLOEXEC,
                               .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_XDEV};
        cleanup_close int fd = (int) syscall(SYS_openat2, sysfd, rel, &how, sizeof(how));
        if (fd < 0)
            return make_err(err, errno, "linux.sysctl[\"%s\"]: open /proc/sys/%s", e->key, rel);
        if (write_all(fd, e->value, strlen(e->value)) < 0)
            return make_err(err, errno, "linux.sysctl[\"%s\"]: write %s", e->key, e->value);
    }
    return 0;
}
