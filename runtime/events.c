/* events: stats and OOM notifications as runc prints them, one JSON object
 * per line. */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void key_u64(struct json_writer *w, const char *key, uint64_t v)
{
    jw_key(w, key);
    jw_u64(w, v);
}

static void memory_entry(struct json_writer *w, const char *key, uint64_t limit, uint64_t usage, uint64_t max)
{
    jw_key(w, key);
    jw_begin_object(w);
    key_u64(w, "limit", limit);
    key_u64(w, "usage", usage);
    key_u64(w, "max", max);
    key_u64(w, "failcnt", 0);
    jw_end_object(w);
}

static void blkio_entries(struct json_writer *w, const char *key, const struct cgroup_stats *s, bool bytes)
{
    static const char *const ops[] = {"Read", "Write", "Total"};
    jw_key(w, key);
    jw_begin_array(w);
    for (size_t i = 0; i < s->blkio_len; i++) {
        const struct cgroup_device_stats *d = &s->blkio[i];
        uint64_t read = bytes ? d->read_bytes : d->read_ios, write = bytes ? d->write_bytes : d->write_ios;
        uint64_t values[] = {read, write, read + write};
        for (size_t op = 0; op < ARRAY_SIZE(ops); op++) {
            jw_begin_object(w);
            key_u64(w, "major", d->major);
            key_u64(w, "minor", d->minor);
            jw_key(w, "op");
            jw_string(w, ops[op]);
            key_u64(w, "value", values[op]);
            jw_end_object(w);
        }
    }
    jw_end_array(w);
}

static void stats_data(struct json_writer *w, const struct cgroup_stats *s)
{
    jw_key(w, "cpu");
    jw_begin_object(w);
    jw_key(w, "usage");
    jw_begin_object(w);
    key_u64(w, "total", s->cpu_usage_ns);
    key_u64(w, "kernel", s->cpu_system_ns);
    key_u64(w, "user", s->cpu_user_ns);
    jw_end_object(w);
    jw_key(w, "throttling");
    jw_begin_object(w);
    key_u64(w, "periods", s->cpu_periods);
    key_u64(w, "throttledPeriods", s->cpu_throttled_periods);
    key_u64(w, "throttledTime", s->cpu_throttled_ns);
    jw_end_object(w);
    jw_end_object(w);

    jw_key(w, "memory");
    jw_begin_object(w);
    key_u64(w, "cache", s->memory_cache);
    memory_entry(w, "usage", s->memory_limit, s->memory_usage, s->memory_peak);
    memory_entry(w, "swap", s->memory_swap_limit, s->memory_swap_usage, 0);
    jw_end_object(w);

    jw_key(w, "pids");
    jw_begin_object(w);
    key_u64(w, "current", s->pids_current);
    key_u64(w, "limit", s->pids_limit);
    jw_end_object(w);

    jw_key(w, "blkio");
    jw_begin_object(w);
    blkio_entries(w, "ioServiceBytesRecursive", s, true);
    blkio_entries(w, "ioServicedRecursive", s, false);
    jw_end_object(w);

    jw_key(w, "hugetlb");
    jw_begin_object(w);
    for (size_t i = 0; i < s->hugetlb_len; i++) {
        jw_key(w, s->hugetlb[i].page_size);
        jw_begin_object(w);
        key_u64(w, "usage", s->hugetlb[i].usage);
        key_u64(w, "max", s->hugetlb[i].max_usage);
        key_u64(w, "failcnt", s->hugetlb[i].failcnt);
        jw_end_object(w);
    }
    jw_end_object(w);
}

static char *event_json(const char *type, const char *id, const struct cgroup_stats *stats)
{
    struct json_writer w;
    jw_init(&w);
    jw_begin_object(&w);
    jw_key(&w, "type");
    jw_string(&w, type);
    jw_key(&w, "id");
    jw_string(&w, id);
    if (stats) {
        jw_key(&w, "data");
        jw_begin_object(&w);
        stats_data(&w, stats);
        jw_end_object(&w);
    }
    jw_end_object(&w);
    return jw_finish(&w);
}

static int emit_stats(const struct cgroup *cg, const char *id, event_sink sink, void *data, err_t *err)
{
    struct cgroup_stats stats = {0};
    if (cgroup_stats(cg, &stats, err) < 0)
        return wrap_err(err, "stats of container %s", id);
    cleanup_free char *json = event_json("stats", id, &stats);
    cgroup_stats_free(&stats);
    return sink(json, data);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Until the container's init exits: stats every interval, and one event
 * per new OOM kill. */
static int watch(const struct container_state *state, const struct cgroup *cg, unsigned interval_ms,
                 event_sink sink, void *data, err_t *err)
{
    cleanup_close int pidfd = container_pidfd(state, err);
    if (pidfd < 0)
        return (*err)->errnum == ESRCH ? (free_err(err), 0) : -1;
    cleanup_close int oom_fd = cgroup_oom_fd(cg, err);
    if (oom_fd < 0)
        return -1;
    uint64_t seen = 0, kills;
    if (cgroup_oom_kills(cg, &seen, err) < 0)
        return -1;
    uint64_t next_stats = now_ms() + interval_ms;
    for (;;) {
        struct pollfd fds[] = {{.fd = pidfd, .events = POLLIN}, {.fd = oom_fd, .events = POLLIN | POLLPRI}};
        uint64_t now = now_ms();
        int n = poll(fds, 2, now >= next_stats ? 0 : (int) (next_stats - now));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return make_err(err, errno, "wait for events");
        if (now_ms() >= next_stats) {
            if (emit_stats(cg, state->id, sink, data, err) < 0)
                return -1;
            next_stats += interval_ms;
        }
        if (fds[1].revents) {
            char drain[4096]; /* an eventfd counter or inotify events */
            (void) !read(oom_fd, drain, sizeof(drain));
            if (cgroup_oom_kills(cg, &kills, err) < 0)
                return -1;
            for (; seen < kills; seen++) {
                cleanup_free char *json = event_json("oom", state->id, NULL);
                if (sink(json, data) < 0)
                    return make_err(err, errno, "write event");
            }
        }
        if (fds[0].revents)
            return 0;
    }
}

int container_events(const struct runtime_ctx *ctx, const char *id, bool once, unsigned interval_ms,
                     event_sink sink, void *data, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    cleanup_cgroup struct cgroup *cg = NULL;
    if (container_open(ctx, id, false, &dir, &state, err) < 0 || container_cgroup(state, &cg, err) < 0)
        return -1;
    if (cg == NULL)
        return make_err(err, 0, "container %s has no cgroup", id);
    if (store_status(&dir, state) == STATUS_STOPPED)
        return make_err(err, 0, "container %s: container not running", id);
    store_close(&dir); /* a long watch must not keep delete waiting */
    if (once)
        return emit_stats(cg, id, sink, data, err);
    return watch(state, cg, interval_ms ? interval_ms : 5000, sink, data, err);
}
