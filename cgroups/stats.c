/* cgroup_stats(): what `berth events --stats` reports, read from the
 * files; a file the host does not have reads as 0. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *stats, err_t *err)
{
    memset(stats, 0, sizeof(*stats));
    if (cg->ops->stats(cg, stats, err) < 0) {
        cgroup_stats_free(stats);
        return wrap_err(err, "cgroup stats");
    }
    return 0;
}

void cgroup_stats_free(struct cgroup_stats *stats)
{
    free(stats->blkio);
    stats->blkio = NULL;
    stats->blkio_len = 0;
}

int cg_stat_u64(int fd, const char *file, uint64_t *out, err_t *err)
{
    cleanup_err err_t cause = NULL;
    if (cg_read_u64(fd, file, out, &cause) == 0)
        return 0;
    *out = 0;
    if (cause->errnum == ENOENT)
        return 0;
    *err = steal_ptr(&cause);
    return -1;
}

int cg_stat_text(int fd, const char *file, char **out, err_t *err)
{
    cleanup_err err_t cause = NULL;
    if (cg_read(fd, file, out, &cause) == 0)
        return 0;
    *out = xstrdup("");
    if (cause->errnum == ENOENT)
        return 0;
    free(*out);
    *out = NULL;
    *err = steal_ptr(&cause);
    return -1;
}

struct cgroup_device_stats *cg_stat_device(struct cgroup_stats *stats, uint64_t major, uint64_t minor)
{
    for (size_t i = 0; i < stats->blkio_len; i++)
        if (stats->blkio[i].major == major && stats->blkio[i].minor == minor)
            return &stats->blkio[i];
    stats->blkio = xrealloc(stats->blkio, (stats->blkio_len + 1) * sizeof(*stats->blkio));
    struct cgroup_device_stats *d = &stats->blkio[stats->blkio_len++];
    memset(d, 0, sizeof(*d));
    d->major = major;
    d->minor = minor;
    return d;
}

/* For each huge page size of the host, the three counters read from
 * "hugetlb.<size>.<file>" (a NULL file name leaves a counter at 0; a file
 * name ending in ":key" reads that key of a keyed file). */
int cg_stat_hugetlb(int fd, struct cgroup_stats *stats, const char *usage, const char *max_usage,
                    const char *failcnt, err_t *err)
{
    char sizes[ARRAY_SIZE(stats->hugetlb)][16];
    size_t n = cg_hugepage_sizes(sizes, ARRAY_SIZE(sizes));
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *probe = xasprintf("hugetlb.%s.%s", sizes[i], usage);
        if (!cg_file_exists(fd, probe))
            continue;
        const char *names[3] = {usage, max_usage, failcnt};
        uint64_t values[3] = {0, 0, 0};
        for (size_t k = 0; k < 3; k++) {
            if (names[k] == NULL)
                continue;
            const char *colon = strchr(names[k], ':');
            cleanup_free char *file = colon ? xasprintf("hugetlb.%s.%.*s", sizes[i], (int) (colon - names[k]), names[k])
                                            : xasprintf("hugetlb.%s.%s", sizes[i], names[k]);
            cleanup_free char *text = NULL;
            if (cg_stat_text(fd, file, &text, err) < 0)
                return -1;
            if (colon)
                cg_keyed_value(text, colon + 1, &values[k]);
            else if (*text && !parse_u64(text, &values[k]))
                return make_err(err, EINVAL, "read %s: \"%s\" is not a number", file, text);
        }
        size_t j = stats->hugetlb_len++;
        snprintf(stats->hugetlb[j].page_size, sizeof(stats->hugetlb[j].page_size), "%s", sizes[i]);
        stats->hugetlb[j].usage = values[0];
        stats->hugetlb[j].max_usage = values[1];
        stats->hugetlb[j].failcnt = values[2];
    }
    return 0;
}
