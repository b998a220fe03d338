/* Checks of config.json's linux.resources. */
#include "validate.h"

#include <string.h>

static int check_device_rules(const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; i < r->devices_len; i++) {
        const char *access = r->devices[i].access;
        if (access && (access[0] == '\0' || strspn(access, "rwm") != strlen(access)))
            return config_err_at(err, xasprintf("linux.resources.devices[%zu].access", i),
                                 "\"%s\" must be a combination of r, w and m", access);
    }
    return 0;
}

static int check_memory_value(const char *field, bool has, int64_t value, err_t *err)
{
    if (has && value < -1)
        return config_err(err, field, "must be >= -1, got %lld", (long long) value);
    return 0;
}

static int check_memory(const struct oci_memory *m, err_t *err)
{
    if (m == NULL)
        return 0;
    if (check_memory_value("linux.resources.memory.limit", m->has_limit, m->limit, err) < 0 ||
        check_memory_value("linux.resources.memory.reservation", m->has_reservation, m->reservation, err) < 0 ||
        check_memory_value("linux.resources.memory.swap", m->has_swap, m->swap, err) < 0 ||
        check_memory_value("linux.resources.memory.kernel", m->has_kernel, m->kernel, err) < 0 ||
        check_memory_value("linux.resources.memory.kernelTCP", m->has_kernel_tcp, m->kernel_tcp, err) < 0)
        return -1;
    if (m->has_swappiness && m->swappiness > 100)
        return config_err(err, "linux.resources.memory.swappiness", "must be between 0 and 100, got %llu",
                          (unsigned long long) m->swappiness);
    return 0;
}

static int check_cpu(const struct oci_cpu *cpu, err_t *err)
{
    if (cpu == NULL)
        return 0;
    if (cpu->cpus && cpu->cpus[0] && !is_valid_number_list(cpu->cpus))
        return config_err(err, "linux.resources.cpu.cpus", "\"%s\" is not a valid CPU list", cpu->cpus);
    if (cpu->mems && cpu->mems[0] && !is_valid_number_list(cpu->mems))
        return config_err(err, "linux.resources.cpu.mems", "\"%s\" is not a valid node list", cpu->mems);
    if (cpu->has_idle && cpu->idle != 0 && cpu->idle != 1)
        return config_err(err, "linux.resources.cpu.idle", "must be 0 or 1, got %lld", (long long) cpu->idle);
    if (cpu->has_quota && cpu->quota > 0 && cpu->has_burst && cpu->burst > (uint64_t) cpu->quota)
        return config_err(err, "linux.resources.cpu.burst", "must not exceed quota (%llu > %lld)",
                          (unsigned long long) cpu->burst, (long long) cpu->quota);
    return 0;
}

static int check_blkio_weight(const char *field, bool has, uint16_t weight, err_t *err)
{
    if (has && (weight < 10 || weight > 1000))
        return config_err(err, field, "must be between 10 and 1000, got %u", weight);
    return 0;
}

static int check_block_io(const struct oci_block_io *b, err_t *err)
{
    if (b == NULL)
        return 0;
    if (check_blkio_weight("linux.resources.blockIO.weight", b->has_weight, b->weight, err) < 0 ||
        check_blkio_weight("linux.resources.blockIO.leafWeight", b->has_leaf_weight, b->leaf_weight, err) < 0)
        return -1;
    for (size_t i = 0; i < b->weight_devices_len; i++) {
        const struct oci_weight_device *d = &b->weight_devices[i];
        if (!d->has_weight && !d->has_leaf_weight)
            return config_err_at(err, xasprintf("linux.resources.blockIO.weightDevice[%zu]", i),
                                 "needs weight or leafWeight");
        cleanup_free char *weight_field = xasprintf("linux.resources.blockIO.weightDevice[%zu].weight", i);
        cleanup_free char *leaf_field = xasprintf("linux.resources.blockIO.weightDevice[%zu].leafWeight", i);
        if (check_blkio_weight(weight_field, d->has_weight, d->weight, err) < 0 ||
            check_blkio_weight(leaf_field, d->has_leaf_weight, d->leaf_weight, err) < 0)
            return -1;
    }
    return 0;
}

/* ^[1-9][0-9]*[KMG]B$ */
static bool is_page_size(const char *s)
{
    if (*s < '1' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static int check_hugepages(const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
        const char *size = r->hugepage_limits[i].page_size;
        if (size == NULL)
            return config_err_at(err, xasprintf("linux.resources.hugepageLimits[%zu].pageSize", i), "is required");
        if (!is_page_size(size))
            return config_err_at(err, xasprintf("linux.resources.hugepageLimits[%zu].pageSize", i),
                                 "\"%s\" is not a valid page size (like \"2MB\")", size);
    }
    return 0;
}

static int check_network(const struct oci_network *n, err_t *err)
{
    for (size_t i = 0; n && i < n->priorities_len; i++) {
        if (n->priorities[i].name == NULL)
            return config_err_at(err, xasprintf("linux.resources.network.priorities[%zu].name", i), "is required");
    }
    return 0;
}

static int check_rdma(const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; i < r->rdma_len; i++) {
        const struct oci_rdma_limit *l = &r->rdma[i];
        if (!l->has_hca_handles && !l->has_hca_objects)
            return config_err_at(err, xasprintf("linux.resources.rdma[\"%s\"]", l->device),
                                 "needs hcaHandles or hcaObjects");
    }
    return 0;
}

/* A key names one file in the container's cgroup directory. */
static bool is_cgroup_file_name(const char *key)
{
    return key[0] != '.' && strchr(key, '/') == NULL && strchr(key, '.') != NULL;
}

static int check_unified(const struct oci_resources *r, err_t *err)
{
    for (size_t i = 0; i < r->unified.len; i++) {
        const struct oci_map_entry *e = &r->unified.entries[i];
        if (!is_cgroup_file_name(e->key))
            return config_err_at(err, xasprintf("linux.resources.unified[\"%s\"]", e->key),
                                 "not a cgroup file name (like \"memory.max\")");
        if (strchr(e->value, '\n'))
            return config_err_at(err, xasprintf("linux.resources.unified[\"%s\"]", e->key),
                                 "value must not contain a newline");
    }
    return 0;
}

int check_resources(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->resources == NULL)
        return 0;
    const struct oci_resources *r = l->resources;
    if (check_device_rules(r, err) < 0 || check_memory(r->memory, err) < 0 || check_cpu(r->cpu, err) < 0 ||
        check_block_io(r->block_io, err) < 0 || check_hugepages(r, err) < 0 || check_network(r->network, err) < 0)
        return -1;
    if (r->pids && r->pids->has_limit && r->pids->limit < -1)
        return config_err(err, "linux.resources.pids.limit", "must be >= -1, got %lld", (long long) r->pids->limit);
    if (check_rdma(r, err) < 0)
        return -1;
    return check_unified(r, err);
}
