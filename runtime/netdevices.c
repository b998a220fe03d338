/* linux.netDevices around a container's life: moved in at create (the
 * network namespace pinned by a bind mount in the state dir, so that
 * virtual devices survive the init), given back at delete. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#define NETNS_PIN "netns"
#define NETDEV_RECORD "netdevices"

static int pin_netns(const struct container_dir *dir, int netns_fd, err_t *err)
{
    cleanup_free char *pin = xasprintf("%s/" NETNS_PIN, dir->path);
    cleanup_free char *source = xasprintf("/proc/self/fd/%d", netns_fd);
    int fd = openat(dir->fd, NETNS_PIN, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return make_err(err, errno, "create %s", pin);
    close(fd);
    if (mount(source, pin, NULL, MS_BIND, NULL) < 0)
        return make_err(err, errno, "pin the network namespace at %s", pin);
    return 0;
}

int netdevices_attach(struct launch *l, err_t *err)
{
    const struct oci_linux *linux_config = l->config->linux_config;
    if (linux_config == NULL || linux_config->net_devices_len == 0)
        return 0;
    int joined = l->ns.join_fds[NS_NETWORK];
    cleanup_free char *own = xasprintf("/proc/%d/ns/net", l->pid);
    cleanup_close int netns = joined >= 0 ? dup(joined) : open(own, O_RDONLY | O_CLOEXEC);
    if (netns < 0)
        return make_err(err, errno, "linux.netDevices: open the container's network namespace");
    if (pin_netns(&l->dir, netns, err) < 0)
        return wrap_err(err, "linux.netDevices");
    cleanup_close int fd = openat(l->dir.fd, NETDEV_RECORD, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    cleanup_file FILE *record = fd >= 0 ? fdopen(steal_fd(&fd), "w") : NULL;
    if (record == NULL)
        return make_err(err, errno, "linux.netDevices: record the moved devices");
    return netdev_move_in(l->config, netns, record, err);
}

int netdevices_release(const struct container_dir *dir, err_t *err)
{
    cleanup_close int netns = openat(dir->fd, NETNS_PIN, O_RDONLY | O_CLOEXEC);
    if (netns < 0)
        return errno == ENOENT ? 0 : make_err(err, errno, "open the pinned network namespace");
    int ret = 0;
    cleanup_close int fd = openat(dir->fd, NETDEV_RECORD, O_RDONLY | O_CLOEXEC);
    cleanup_file FILE *record = fd >= 0 ? fdopen(steal_fd(&fd), "r") : NULL;
    if (record)
        ret = netdev_move_out(netns, record, err);
    cleanup_free char *pin = xasprintf("%s/" NETNS_PIN, dir->path);
    if (umount2(pin, MNT_DETACH) < 0 && errno != EINVAL && ret == 0)
        ret = make_err(err, errno, "unpin the network namespace at %s", pin);
    return ret;
}
