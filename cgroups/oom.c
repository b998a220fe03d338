/* OOM notification and counting.
 * v2: memory.events changes (inotify IN_MODIFY) and its oom_kill counter,
 *     which counts the whole subtree (corrected for memory.oom.group).
 * v1: an eventfd registered on memory.oom_control through
 *     cgroup.event_control, and oom_kill from memory.oom_control (4.13+). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

int cg_v2_oom_fd(const struct cgroup *cg, err_t *err)
{
    cleanup_free char *dir = cg_dir_path(&cg->hier[0]);
    cleanup_free char *events = xasprintf("%s/memory.events", dir);
    if (access(events, F_OK) < 0)
        return make_err(err, errno, "the memory controller is not enabled for %s", dir);
    cleanup_close int fd = inotify_init1(IN_CLOEXEC);
    if (fd < 0)
        return make_err(err, errno, "inotify_init1");
    if (inotify_add_watch(fd, events, IN_MODIFY) < 0)
        return make_err(err, errno, "watch %s", events);
    return steal_fd(&fd);
}

/* With memory.oom.group the kernel counts the chosen victim twice in
 * oom_kill: once as the victim, once as a member of the group it then
 * kills (oom_group_kill counts those group kills). The processes killed
 * are oom_kill - oom_group_kill, and at least one per group kill. */
uint64_t cg_v2_oom_kills_from_events(const char *events)
{
    uint64_t kills = 0, group_kills = 0;
    cg_keyed_value(events, "oom_kill", &kills);
    cg_keyed_value(events, "oom_group_kill", &group_kills);
    if (group_kills > kills)
        return kills;
    return kills - group_kills > group_kills ? kills - group_kills : group_kills;
}

int cg_v2_oom_kills(const struct cgroup *cg, uint64_t *count, err_t *err)
{
    cleanup_free char *events = NULL;
    cleanup_close int fd = cg_open_dir(&cg->hier[0], err);
    if (fd < 0 || cg_read(fd, "memory.events", &events, err) < 0)
        return -1;
    *count = cg_v2_oom_kills_from_events(events);
    return 0;
}

static int open_memory(const struct cgroup *cg, err_t *err)
{
    const struct cg_hierarchy *h = cg_v1_hierarchy(cg, "memory");
    if (h == NULL)
        return make_err(err, ENOTSUP, "the memory cgroup controller is not mounted on this host");
    return cg_open_dir(h, err);
}

int cg_v1_oom_fd(const struct cgroup *cg, err_t *err)
{
    cleanup_close int dirfd = open_memory(cg, err);
    if (dirfd < 0)
        return -1;
    cleanup_close int control = openat(dirfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
    if (control < 0)
        return make_err(err, errno, "open memory.oom_control");
    cleanup_close int efd = eventfd(0, EFD_CLOEXEC);
    if (efd < 0)
        return make_err(err, errno, "eventfd");
    char line[64];
    snprintf(line, sizeof(line), "%d %d", efd, control);
    if (cg_write(dirfd, "cgroup.event_control", line, err) < 0)
        return wrap_err(err, "register for OOM events");
    /* The registration keeps what it needs; memory.oom_control can close. */
    return steal_fd(&efd);
}

int cg_v1_oom_kills(const struct cgroup *cg, uint64_t *count, err_t *err)
{
    cleanup_close int fd = open_memory(cg, err);
    if (fd < 0)
        return -1;
    return cg_read_keyed(fd, "memory.oom_control", "oom_kill", count, err);
}
