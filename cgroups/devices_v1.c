/* Device rules on a v1 devices cgroup: the fewest devices.allow and
 * devices.deny writes from the state devices.list shows to the target. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool same_state(const struct cg_dev_state *a, const struct cg_dev_state *b)
{
    if (a->default_allow != b->default_allow || a->len != b->len)
        return false;
    for (size_t i = 0; i < a->len; i++)
        if (a->rules[i].type != b->rules[i].type || a->rules[i].major != b->rules[i].major ||
            a->rules[i].minor != b->rules[i].minor || a->rules[i].access != b->rules[i].access)
            return false;
    return true;
}

static int read_state(int dirfd, struct cg_dev_state *out, err_t *err)
{
    cleanup_free char *list = NULL;
    if (cg_read(dirfd, "devices.list", &list, err) < 0)
        return -1;
    return cg_dev_state_from_list(list, out, err);
}

static int write_rules(int dirfd, const struct cg_dev_rule *rules, size_t len, err_t *err)
{
    for (size_t i = 0; i < len; i++) {
        char line[64];
        cg_dev_rule_string(&rules[i], line, sizeof(line));
        const char *file = rules[i].allow ? "devices.allow" : "devices.deny";
        cleanup_err err_t cause = NULL;
        if (cg_write(dirfd, file, line, &cause) < 0)
            return cg_config_errno(err, cause->errnum, "linux.resources.devices", "write \"%s\" to %s", line, file);
    }
    return 0;
}

int cg_devices_v1_apply(int dirfd, const struct oci_resources *r, err_t *err)
{
    struct cg_dev_state target = {0}, current = {0}, after = {0};
    struct cg_dev_rule *rules = NULL;
    size_t len = 0;
    int ret = cg_dev_state_from_config(r, &target, err);
    if (ret == 0)
        ret = read_state(dirfd, &current, err);
    if (ret == 0) {
        cg_dev_transition(&current, &target, &rules, &len);
        ret = write_rules(dirfd, rules, len, err);
    }
    /* An allow list can be checked in full; an allow-all cgroup only by
     * its mode, since devices.list does not show deny exceptions. */
    if (ret == 0 && (ret = read_state(dirfd, &after, err)) == 0) {
        bool ok = target.default_allow ? after.default_allow : same_state(&after, &target);
        if (!ok)
            ret = config_err(err, "linux.resources.devices", "the devices cgroup does not hold the rules written to it");
    }
    free(rules);
    cg_dev_state_free(&target);
    cg_dev_state_free(&current);
    cg_dev_state_free(&after);
    return ret;
}
