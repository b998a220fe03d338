/* The spec's name tables and small lookups on a parsed config. */
#include "spec.h"

#include <string.h>

const char *const oci_hook_names[HOOK_KINDS] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

const char *const oci_ns_names[NS_TYPES] = {
    [NS_PID] = "pid",   [NS_NETWORK] = "network", [NS_MOUNT] = "mount",   [NS_IPC] = "ipc",
    [NS_UTS] = "uts",   [NS_USER] = "user",       [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

const char *const oci_throttle_names[THROTTLE_KINDS] = {
    [THROTTLE_READ_BPS] = "throttleReadBpsDevice",
    [THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
    [THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
    [THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

const char *const container_status_names[] = {
    [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created", [STATUS_RUNNING] = "running",
    [STATUS_PAUSED] = "paused",     [STATUS_STOPPED] = "stopped",
};

const char *oci_map_get(const struct oci_map *map, const char *key)
{
    for (size_t i = 0; map && i < map->len; i++) {
        if (strcmp(map->entries[i].key, key) == 0)
            return map->entries[i].value;
    }
    return NULL;
}

const struct oci_namespace *oci_find_namespace(const struct oci_config *config, enum oci_ns_type type)
{
    if (config == NULL || config->linux_config == NULL)
        return NULL;
    const struct oci_linux *l = config->linux_config;
    for (size_t i = 0; i < l->namespaces_len; i++) {
        if (l->namespaces[i].type == type)
            return &l->namespaces[i];
    }
    return NULL;
}

bool oci_has_namespace(const struct oci_config *config, enum oci_ns_type type)
{
    return oci_find_namespace(config, type) != NULL;
}
