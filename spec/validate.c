/* spec_validate_config: runs the checks in order; the first failure is the
 * error. This file holds the checks of the top-level properties. */
#include "validate.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int config_err_at(err_t *err, char *path, const char *fmt, ...)
{
    va_list ap;
    char *problem;
    va_start(ap, fmt);
    int r = vasprintf(&problem, fmt, ap);
    va_end(ap);
    if (r < 0)
        abort();
    config_err(err, path, "%s", problem);
    free(problem);
    free(path);
    return -1;
}

bool is_absolute_path(const char *path)
{
    return path != NULL && path[0] == '/';
}

static bool parse_list_number(const char **s, unsigned long *out)
{
    if (**s < '0' || **s > '9')
        return false;
    unsigned long n = 0;
    while (**s >= '0' && **s <= '9') {
        if (n > (ULONG_MAX - 9) / 10)
            return false;
        n = n * 10 + (unsigned long) (**s - '0');
        (*s)++;
    }
    *out = n;
    return true;
}

bool is_valid_number_list(const char *list)
{
    const char *s = list;
    for (;;) {
        unsigned long first, last;
        if (!parse_list_number(&s, &first))
            return false;
        if (*s == '-') {
            s++;
            if (!parse_list_number(&s, &last) || last < first)
                return false;
        }
        if (*s == '\0')
            return true;
        if (*s++ != ',')
            return false;
    }
}

bool is_in_list(const char *s, const char *const *names)
{
    for (; *names; names++) {
        if (strcmp(s, *names) == 0)
            return true;
    }
    return false;
}

/* ---- ociVersion --------------------------------------------------------- */

/* A SemVer numeric part: digits, no leading zero. */
static bool semver_number(const char **s, unsigned long *out)
{
    const char *start = *s;
    if (!parse_list_number(s, out))
        return false;
    return !(start[0] == '0' && *s - start > 1);
}

/* Dot-separated non-empty [0-9A-Za-z-] identifiers, up to the end or stop. */
static bool semver_identifiers(const char **s, char stop, bool is_prerelease)
{
    for (;;) {
        const char *start = *s;
        bool numeric = true;
        while (**s && **s != '.' && **s != stop) {
            char ch = **s;
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-'))
                return false;
            if (ch < '0' || ch > '9')
                numeric = false;
            (*s)++;
        }
        size_t n = (size_t) (*s - start);
        if (n == 0 || (is_prerelease && numeric && n > 1 && start[0] == '0'))
            return false;
        if (**s != '.')
            return true;
        (*s)++;
    }
}

static bool parse_semver(const char *v, unsigned long *major, unsigned long *minor)
{
    unsigned long patch;
    const char *s = v;
    if (!semver_number(&s, major) || *s++ != '.' || !semver_number(&s, minor) || *s++ != '.' ||
        !semver_number(&s, &patch))
        return false;
    if (*s == '-') {
        s++;
        if (!semver_identifiers(&s, '+', true))
            return false;
    }
    if (*s == '+') {
        s++;
        if (!semver_identifiers(&s, '\0', false))
            return false;
    }
    return *s == '\0';
}

static int check_version(struct oci_config *config, err_t *err)
{
    unsigned long major, minor;
    if (config->oci_version == NULL)
        return config_err(err, "ociVersion", "is required");
    if (!parse_semver(config->oci_version, &major, &minor))
        return config_err(err, "ociVersion", "\"%s\" is not a valid SemVer 2.0.0 version", config->oci_version);
    if (major != 1 || minor > 3)
        return config_err(err, "ociVersion", "version \"%s\" is not supported (berth supports %s to 1.3.x)",
                          config->oci_version, OCI_VERSION_MIN);
    return 0;
}

/* Values whose meaning changed in 1.3 keep their old one in older configs.
 * A pids limit of 0 meant "no limit" to runtimes (runc wrote nothing), and
 * clients still send it so: Podman 4 turns --pids-limit -1 into 0. From
 * 1.3 on, 0 is a real limit. */
static int apply_older_semantics(struct oci_config *config, err_t *err)
{
    (void) err;
    unsigned long major, minor;
    struct oci_resources *r = config->linux_config ? config->linux_config->resources : NULL;
    if (parse_semver(config->oci_version, &major, &minor) && minor < 3 && r && r->pids && r->pids->has_limit &&
        r->pids->limit == 0)
        r->pids->limit = -1;
    return 0;
}

/* ---- root, hostname, mounts, hooks, annotations ------------------------ */

static int check_root(struct oci_config *config, err_t *err)
{
    if (config->root == NULL)
        return config_err(err, "root", "is required");
    if (config->root->path == NULL)
        return config_err(err, "root.path", "is required");
    if (config->root->path[0] == '\0')
        return config_err(err, "root.path", "must not be empty");
    return 0;
}

static int check_uts_name(struct oci_config *config, const char *field, const char *value, err_t *err)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    if (strlen(value) > 64)
        return config_err(err, field, "must be at most 64 bytes long");
    if (!oci_has_namespace(config, NS_UTS))
        return config_err(err, field, "requires a new or joined uts namespace");
    return 0;
}

static int check_uts_names(struct oci_config *config, err_t *err)
{
    if (check_uts_name(config, "hostname", config->hostname, err) < 0)
        return -1;
    return check_uts_name(config, "domainname", config->domainname, err);
}

static int check_mapping_sizes(const char *field, const struct oci_id_mapping *m, size_t len, err_t *err)
{
    for (size_t i = 0; i < len; i++) {
        if (m[i].size == 0)
            return config_err_at(err, xasprintf("%s[%zu].size", field, i), "must be greater than 0");
    }
    return 0;
}

static int check_mount(const struct oci_mount *m, size_t i, err_t *err)
{
    if (m->destination == NULL)
        return config_err_at(err, xasprintf("mounts[%zu].destination", i), "is required");
    if (!is_absolute_path(m->destination))
        return config_err_at(err, xasprintf("mounts[%zu].destination", i), "\"%s\" is not an absolute path",
                             m->destination);
    if (m->uid_mappings_len > 0 && m->gid_mappings_len == 0)
        return config_err_at(err, xasprintf("mounts[%zu].uidMappings", i), "requires gidMappings too");
    if (m->gid_mappings_len > 0 && m->uid_mappings_len == 0)
        return config_err_at(err, xasprintf("mounts[%zu].gidMappings", i), "requires uidMappings too");
    cleanup_free char *uid_field = xasprintf("mounts[%zu].uidMappings", i);
    cleanup_free char *gid_field = xasprintf("mounts[%zu].gidMappings", i);
    if (check_mapping_sizes(uid_field, m->uid_mappings, m->uid_mappings_len, err) < 0)
        return -1;
    return check_mapping_sizes(gid_field, m->gid_mappings, m->gid_mappings_len, err);
}

static int check_mounts(struct oci_config *config, err_t *err)
{
    for (size_t i = 0; i < config->mounts_len; i++) {
        if (check_mount(&config->mounts[i], i, err) < 0)
            return -1;
    }
    return 0;
}

static int check_hooks(struct oci_config *config, err_t *err)
{
    for (int kind = 0; kind < HOOK_KINDS; kind++) {
        const struct oci_hook_list *list = &config->hooks[kind];
        for (size_t i = 0; i < list->len; i++) {
            const struct oci_hook *h = &list->hooks[i];
            const char *name = oci_hook_names[kind];
            if (h->path == NULL)
                return config_err_at(err, xasprintf("hooks.%s[%zu].path", name, i), "is required");
            if (!is_absolute_path(h->path))
                return config_err_at(err, xasprintf("hooks.%s[%zu].path", name, i), "\"%s\" is not an absolute path",
                                     h->path);
            if (h->has_timeout && h->timeout < 1)
                return config_err_at(err, xasprintf("hooks.%s[%zu].timeout", name, i),
                                     "must be greater than 0, got %d", h->timeout);
        }
    }
    return 0;
}

static int check_annotations(struct oci_config *config, err_t *err)
{
    for (size_t i = 0; i < config->annotations.len; i++) {
        if (config->annotations.entries[i].key[0] == '\0')
            return config_err(err, "annotations", "keys must not be empty");
    }
    return 0;
}

static const config_check_fn config_checks[] = {
    check_version,
    apply_older_semantics,
    check_root,
    check_process,
    check_uts_names,
    check_mounts,
    check_hooks,
    check_annotations,
    check_namespaces,
    check_id_mappings,
    check_time_offsets,
    check_devices,
    check_net_devices,
    check_resources,
    check_rootfs_propagation,
    check_seccomp,
    check_sysctl,
    check_masked_and_readonly_paths,
    check_intel_rdt,
    check_personality,
    check_memory_policy,
};

int spec_validate_config(struct oci_config *config, err_t *err)
{
    for (size_t i = 0; i < ARRAY_SIZE(config_checks); i++) {
        if (config_checks[i](config, err) < 0)
            return -1;
    }
    return 0;
}
