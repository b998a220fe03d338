/* Checks of config.json's linux object, except resources and seccomp. */
#include "validate.h"

#include <sys/stat.h>

#include <string.h>

static const char *const propagation_modes[] = {
    "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable", NULL,
};

static const char *const memory_policy_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};

static const char *const memory_policy_flags[] = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

/* Modes whose node set is meaningless, and modes that need one. */
static const char *const modes_without_nodes[] = {"MPOL_DEFAULT", "MPOL_LOCAL", NULL};
static const char *const modes_with_nodes[] = {
    "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY", NULL,
};

int check_namespaces(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; l && i < l->namespaces_len; i++) {
        const struct oci_namespace *ns = &l->namespaces[i];
        for (size_t j = 0; j < i; j++) {
            if (l->namespaces[j].type == ns->type)
                return config_err_at(err, xasprintf("linux.namespaces[%zu].type", i), "duplicate namespace \"%s\"",
                                     oci_ns_names[ns->type]);
        }
        if (ns->path && !is_absolute_path(ns->path))
            return config_err_at(err, xasprintf("linux.namespaces[%zu].path", i), "\"%s\" is not an absolute path",
                                 ns->path);
    }
    return 0;
}

static int check_mapping_list(const char *field, const struct oci_id_mapping *m, size_t len, bool has_userns,
                              err_t *err)
{
    if (len > 0 && !has_userns)
        return config_err(err, field, "requires a user namespace");
    for (size_t i = 0; i < len; i++) {
        if (m[i].size == 0)
            return config_err_at(err, xasprintf("%s[%zu].size", field, i), "must be greater than 0");
    }
    return 0;
}

/* As runc: mappings need a user namespace, and a new user namespace needs
 * mappings (a joined one brings its own). */
int check_id_mappings(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL)
        return 0;
    const struct oci_namespace *userns = oci_find_namespace(config, NS_USER);
    bool has_userns = userns != NULL;
    if (check_mapping_list("linux.uidMappings", l->uid_mappings, l->uid_mappings_len, has_userns, err) < 0 ||
        check_mapping_list("linux.gidMappings", l->gid_mappings, l->gid_mappings_len, has_userns, err) < 0)
        return -1;
    if (userns && userns->path == NULL) {
        if (l->uid_mappings_len == 0)
            return config_err(err, "linux.uidMappings", "is required with a new user namespace");
        if (l->gid_mappings_len == 0)
            return config_err(err, "linux.gidMappings", "is required with a new user namespace");
    }
    return 0;
}

int check_time_offsets(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || (!l->monotonic_offset.set && !l->boottime_offset.set))
        return 0;
    if (l->monotonic_offset.set && l->monotonic_offset.nanosecs >= 1000000000)
        return config_err(err, "linux.timeOffsets.monotonic.nanosecs", "must be less than 1000000000, got %u",
                          l->monotonic_offset.nanosecs);
    if (l->boottime_offset.set && l->boottime_offset.nanosecs >= 1000000000)
        return config_err(err, "linux.timeOffsets.boottime.nanosecs", "must be less than 1000000000, got %u",
                          l->boottime_offset.nanosecs);
    const struct oci_namespace *timens = oci_find_namespace(config, NS_TIME);
    if (timens == NULL || timens->path != NULL)
        return config_err(err, "linux.timeOffsets", "requires a new time namespace");
    return 0;
}

/* The S_IF* type bits a device's fileMode may carry: Podman writes them
 * (020666 for a char device), runc takes them. */
static unsigned type_bits(char type)
{
    return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

int check_devices(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; l && i < l->devices_len; i++) {
        struct oci_device *d = &l->devices[i];
        if (d->path == NULL)
            return config_err_at(err, xasprintf("linux.devices[%zu].path", i), "is required");
        if (!is_absolute_path(d->path))
            return config_err_at(err, xasprintf("linux.devices[%zu].path", i), "\"%s\" is not an absolute path",
                                 d->path);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(l->devices[j].path, d->path) == 0)
                return config_err_at(err, xasprintf("linux.devices[%zu].path", i), "duplicate device \"%s\"",
                                     d->path);
        }
        unsigned type = d->file_mode & S_IFMT;
        if (d->has_file_mode && (type != 0 && type != type_bits(d->type)))
            return config_err_at(err, xasprintf("linux.devices[%zu].fileMode", i),
                                 "0%o has the file type of another kind of device than \"%c\"", d->file_mode, d->type);
        /* the permissions and, as runc allows, setuid, setgid and sticky */
        if (d->has_file_mode && (d->file_mode & ~S_IFMT) > 07777)
            return config_err_at(err, xasprintf("linux.devices[%zu].fileMode", i), "must be at most 07777, got 0%o",
                                 d->file_mode & ~S_IFMT);
        d->file_mode &= 07777;
    }
    return 0;
}

/* dev_valid_name() in the kernel, which is what a rename would meet. */
static bool is_interface_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    return strpbrk(name, "/: \t\n\r\v\f") == NULL;
}

int check_net_devices(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->net_devices_len == 0)
        return 0;
    for (size_t i = 0; i < l->net_devices_len; i++) {
        const struct oci_net_device *d = &l->net_devices[i];
        if (!is_interface_name(d->host_name))
            return config_err_at(err, xasprintf("linux.netDevices[\"%s\"]", d->host_name),
                                 "\"%s\" is not a valid interface name", d->host_name);
        if (d->name && !is_interface_name(d->name))
            return config_err_at(err, xasprintf("linux.netDevices[\"%s\"].name", d->host_name),
                                 "\"%s\" is not a valid interface name", d->name);
        const char *target = d->name ? d->name : d->host_name;
        /* "net%d": the kernel picks a free name for each */
        for (size_t j = 0; j < i && !strchr(target, '%'); j++) {
            const struct oci_net_device *o = &l->net_devices[j];
            if (strcmp(o->name ? o->name : o->host_name, target) == 0)
                return config_err_at(err, xasprintf("linux.netDevices[\"%s\"]", d->host_name),
                                     "interface name \"%s\" is already used in the container", target);
        }
    }
    if (!oci_has_namespace(config, NS_NETWORK))
        return config_err(err, "linux.netDevices", "requires a network namespace");
    return 0;
}

int check_rootfs_propagation(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->rootfs_propagation == NULL || l->rootfs_propagation[0] == '\0')
        return 0;
    if (!is_in_list(l->rootfs_propagation, propagation_modes))
        return config_err(err, "linux.rootfsPropagation", "unknown propagation \"%s\"", l->rootfs_propagation);
    return 0;
}

int check_sysctl(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; l && i < l->sysctl.len; i++) {
        if (l->sysctl.entries[i].key[0] == '\0')
            return config_err(err, "linux.sysctl", "keys must not be empty");
    }
    return 0;
}

static int check_absolute_list(const char *field, char *const *paths, size_t len, err_t *err)
{
    for (size_t i = 0; i < len; i++) {
        if (!is_absolute_path(paths[i]))
            return config_err_at(err, xasprintf("%s[%zu]", field, i), "\"%s\" is not an absolute path", paths[i]);
    }
    return 0;
}

int check_masked_and_readonly_paths(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL)
        return 0;
    if (check_absolute_list("linux.maskedPaths", l->masked_paths, l->masked_paths_len, err) < 0)
        return -1;
    return check_absolute_list("linux.readonlyPaths", l->readonly_paths, l->readonly_paths_len, err);
}

static int check_schema_line(const char *field, const char *schema, const char *prefix, err_t *err)
{
    if (schema == NULL)
        return 0;
    if (strchr(schema, '\n'))
        return config_err(err, field, "must not contain a newline");
    if (prefix && strncmp(schema, prefix, strlen(prefix)) != 0)
        return config_err(err, field, "must start with \"%s\"", prefix);
    return 0;
}

int check_intel_rdt(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->intel_rdt == NULL)
        return 0;
    const struct oci_intel_rdt *rdt = l->intel_rdt;
    /* closID names a directory under /sys/fs/resctrl */
    const char *clos = rdt->clos_id;
    if (clos && (strcmp(clos, ".") == 0 || strcmp(clos, "..") == 0 || strpbrk(clos, "/\n")))
        return config_err(err, "linux.intelRdt.closID", "\"%s\" is not a valid CLOS name", clos);
    if (check_schema_line("linux.intelRdt.l3CacheSchema", rdt->l3_cache_schema, "L3:", err) < 0 ||
        check_schema_line("linux.intelRdt.memBwSchema", rdt->mem_bw_schema, "MB:", err) < 0)
        return -1;
    for (size_t i = 0; i < rdt->schemata_len; i++) {
        cleanup_free char *field = xasprintf("linux.intelRdt.schemata[%zu]", i);
        if (check_schema_line(field, rdt->schemata[i], NULL, err) < 0)
            return -1;
    }
    return 0;
}

int check_personality(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->personality == NULL)
        return 0;
    const struct oci_personality *p = l->personality;
    if (p->domain == NULL)
        return config_err(err, "linux.personality.domain", "is required");
    if (strcmp(p->domain, "LINUX") != 0 && strcmp(p->domain, "LINUX32") != 0)
        return config_err(err, "linux.personality.domain", "unknown domain \"%s\" (expected LINUX or LINUX32)",
                          p->domain);
    if (p->flags_len > 0)
        return config_err(err, "linux.personality.flags[0]", "unknown flag \"%s\" (no flags are supported)",
                          p->flags[0]);
    return 0;
}

int check_memory_policy(struct oci_config *config, err_t *err)
{
    const struct oci_linux *l = config->linux_config;
    if (l == NULL || l->memory_policy == NULL)
        return 0;
    const struct oci_memory_policy *mp = l->memory_policy;
    if (mp->mode == NULL)
        return config_err(err, "linux.memoryPolicy.mode", "is required");
    if (!is_in_list(mp->mode, memory_policy_modes))
        return config_err(err, "linux.memoryPolicy.mode", "unknown mode \"%s\"", mp->mode);
    for (size_t i = 0; i < mp->flags_len; i++) {
        if (!is_in_list(mp->flags[i], memory_policy_flags))
            return config_err_at(err, xasprintf("linux.memoryPolicy.flags[%zu]", i), "unknown flag \"%s\"",
                                 mp->flags[i]);
    }
    bool has_nodes = mp->nodes && mp->nodes[0];
    if (has_nodes && !is_valid_number_list(mp->nodes))
        return config_err(err, "linux.memoryPolicy.nodes", "\"%s\" is not a valid node list", mp->nodes);
    if (has_nodes && is_in_list(mp->mode, modes_without_nodes))
        return config_err(err, "linux.memoryPolicy.nodes", "must be empty with %s", mp->mode);
    if (!has_nodes && is_in_list(mp->mode, modes_with_nodes))
        return config_err(err, "linux.memoryPolicy.nodes", "is required with %s", mp->mode);
    return 0;
}
