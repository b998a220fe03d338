/* Checks of linux.resources that need no cgroup directory: they run before
 * cgroup_create makes anything, on v1 and v2 alike. */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

bool cg_page_size_is_valid(const char *s)
{
    if (s == NULL || *s < '1' || *s > '9')
        return false;
    while (isdigit((unsigned char) *s))
        s++;
    return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

/* The kernel's names for its huge page sizes: hugepages-2048kB → "2MB". */
size_t cg_hugepage_sizes(char sizes[][16], size_t max)
{
    DIR *d = opendir(HUGEPAGES_DIR);
    size_t n = 0;
    struct dirent *de;
    if (d == NULL)
        return 0;
    while (n < max && (de = readdir(d)) != NULL) {
        unsigned kb;
        if (sscanf(de->d_name, "hugepages-%ukB", &kb) != 1)
            continue;
        if (kb >= 1024 * 1024)
            snprintf(sizes[n++], 16, "%uGB", (kb / (1024 * 1024)));
        else if (kb >= 1024)
            snprintf(sizes[n++], 16, "%uMB", kb / 1024);
        else
            snprintf(sizes[n++], 16, "%uKB", kb);
    }
    closedir(d);
    return n;
}

int cg_check_hugepage_sizes(const struct oci_resources *r, err_t *err)
{
    if (r == NULL || r->hugepage_limits_len == 0)
        return 0;
    char sizes[16][16];
    size_t n = cg_hugepage_sizes(sizes, ARRAY_SIZE(sizes));
    for (size_t i = 0; r && i < r->hugepage_limits_len; i++) {
        const char *size = r->hugepage_limits[i].page_size;
        char path[80];
        snprintf(path, sizeof(path), "linux.resources.hugepageLimits[%zu].pageSize", i);
        if (!cg_page_size_is_valid(size))
            return config_err(err, path, "\"%s\" is not a size like 2MB or 1GB", size ? size : "");
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(sizes[j], size) == 0;
        if (!known)
            return config_err(err, path, "this host has no %s huge pages (see %s)", size, HUGEPAGES_DIR);
    }
    return 0;
}

int cg_check_unified_key(const char *key, err_t *err)
{
    static const char *not_resources[] = {"cgroup.procs", "cgroup.threads", "cgroup.kill"};
    cleanup_free char *path = xasprintf("linux.resources.unified[\"%s\"]", key);
    const char *dot = strchr(key, '.');
    if (strchr(key, '/') || dot == NULL || dot == key || dot[1] == '\0' || !cg_path_is_safe(key))
        return config_err(err, path, "a key must be a cgroup file name such as \"memory.high\"");
    for (size_t i = 0; i < ARRAY_SIZE(not_resources); i++)
        if (strcmp(key, not_resources[i]) == 0)
            return config_err(err, path, "%s is not a resource setting", key);
    return 0;
}

static int check_devices(const struct oci_resources *r, err_t *err)
{
    struct cg_dev_state state;
    if (cg_dev_state_from_config(r, &state, err) < 0)
        return -1;
    cg_dev_state_free(&state);
    return 0;
}

static int check_memory(const struct oci_memory *m, err_t *err)
{
    const struct {
        bool has;
        int64_t value;
        const char *path;
    } limits[] = {
        {m->has_limit, m->limit, "linux.resources.memory.limit"},
        {m->has_reservation, m->reservation, "linux.resources.memory.reservation"},
        {m->has_swap, m->swap, "linux.resources.memory.swap"},
        {m->has_kernel, m->kernel, "linux.resources.memory.kernel"},
        {m->has_kernel_tcp, m->kernel_tcp, "linux.resources.memory.kernelTCP"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(limits); i++)
        if (limits[i].has && limits[i].value < -1)
            return config_err(err, limits[i].path, "%lld is neither -1 (unlimited) nor a number of bytes",
                              (long long) limits[i].value);
    if (m->has_swappiness && m->swappiness > 100)
        return config_err(err, "linux.resources.memory.swappiness", "%llu is not in 0-100",
                          (unsigned long long) m->swappiness);
    return 0;
}

static int check_block_io(const struct oci_block_io *b, err_t *err)
{
    if (b->has_weight && (b->weight < 10 || b->weight > 1000))
        return config_err(err, "linux.resources.blockIO.weight", "%u is not in 10-1000", b->weight);
    for (size_t i = 0; i < b->weight_devices_len; i++) {
        const struct oci_weight_device *w = &b->weight_devices[i];
        if (w->has_weight && (w->weight < 10 || w->weight > 1000)) {
            char path[80];
            snprintf(path, sizeof(path), "linux.resources.blockIO.weightDevice[%zu].weight", i);
            return config_err(err, path, "%u is not in 10-1000", w->weight);
        }
    }
    return 0;
}

int cg_check_resources(const struct oci_resources *r, err_t *err)
{
    if (check_devices(r, err) < 0)
        return -1;
    if (r == NULL)
        return 0;
    if (r->memory && check_memory(r->memory, err) < 0)
        return -1;
    if (r->cpu && r->cpu->has_quota && r->cpu->quota < -1)
        return config_err(err, "linux.resources.cpu.quota", "%lld is neither -1 nor a number of microseconds",
                          (long long) r->cpu->quota);
    if (r->cpu && r->cpu->has_idle && r->cpu->idle != 0 && r->cpu->idle != 1)
        return config_err(err, "linux.resources.cpu.idle", "%lld is not 0 or 1", (long long) r->cpu->idle);
    if (r->pids && r->pids->has_limit && r->pids->limit < -1)
        return config_err(err, "linux.resources.pids.limit", "%lld is neither -1 (unlimited) nor a number of tasks",
                          (long long) r->pids->limit);
    if (r->block_io && check_block_io(r->block_io, err) < 0)
        return -1;
    if (cg_check_hugepage_sizes(r, err) < 0)
        return -1;
    for (size_t i = 0; i < r->rdma_len; i++) {
        const struct oci_rdma_limit *l = &r->rdma[i];
        if (l->device == NULL || *l->device == '\0' || strpbrk(l->device, " \n") ||
            (!l->has_hca_handles && !l->has_hca_objects)) {
            cleanup_free char *path = xasprintf("linux.resources.rdma[\"%s\"]", l->device ? l->device : "");
            return config_err(err, path, "needs a device name and hcaHandles or hcaObjects");
        }
    }
    for (size_t i = 0; r->has_unified && i < r->unified.len; i++)
        if (cg_check_unified_key(r->unified.entries[i].key, err) < 0)
            return -1;
    return 0;
}
