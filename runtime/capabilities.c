#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static void cleanup_capp(cap_t *caps)
{
    if (*caps)
        cap_free(*caps);
}

/* A capability by its config name ("CAP_CHOWN"); unknown names and those
 * past the kernel's last capability are warned about and skipped, as
 * config.md asks. */
static bool cap_lookup(const char *set, const char *name, cap_value_t *value)
{
    char lower[64];
    size_t i = 0;
    for (; name[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char) tolower((unsigned char) name[i]);
    lower[i] = '\0';
    if (cap_from_name(lower, value) < 0) {
        log_warn("process.capabilities.%s: unknown capability %s ignored", set, name);
        return false;
    }
    if (*value > cap_max_bits() - 1) {
        log_warn("process.capabilities.%s: %s is not known to this kernel, ignored", set, name);
        return false;
    }
    return true;
}

static uint64_t names_to_mask(char **names, size_t len, const char *set_name)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < len; i++) {
        cap_value_t v;
        if (cap_lookup(set_name, names[i], &v))
            mask |= 1ULL << v;
    }
    return mask;
}

int caps_drop_bounding(const struct oci_capabilities *caps, err_t *err)
{
    uint64_t keep = names_to_mask(caps->bounding, caps->bounding_len, "bounding");
    for (cap_value_t cap = 0; cap < (cap_value_t) cap_max_bits(); cap++) {
        if (keep & (1ULL << cap))
            continue;
        if (cap_drop_bound(cap) < 0 && errno != EINVAL) {
            int saved = errno;
            char *name = cap_to_name(cap);
            make_err(err, saved, "process.capabilities.bounding: drop %s", name ? name : "?");
            cap_free(name);
            return -1;
        }
    }
    return 0;
}

static int add_set(cap_t state, cap_flag_t flag, char **names, size_t len, const char *set_name)
{
    for (size_t i = 0; i < len; i++) {
        cap_value_t v;
        if (cap_lookup(set_name, names[i], &v) && cap_set_flag(state, flag, 1, &v, CAP_SET) < 0)
            return -1;
    }
    return 0;
}

int caps_apply(const struct oci_capabilities *caps, err_t *err)
{
    __attribute__((cleanup(cleanup_capp))) cap_t state = cap_init();
    if (state == NULL)
        return make_err(err, errno, "cap_init");
    if (add_set(state, CAP_EFFECTIVE, caps->effective, caps->effective_len, "effective") < 0 ||
        add_set(state, CAP_PERMITTED, caps->permitted, caps->permitted_len, "permitted") < 0 ||
        add_set(state, CAP_INHERITABLE, caps->inheritable, caps->inheritable_len, "inheritable") < 0)
        return make_err(err, errno, "process.capabilities: build the capability sets");
    if (cap_set_proc(state) < 0)
        return make_err(err, errno, "process.capabilities: set effective, permitted and inheritable");
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return make_err(err, errno, "process.capabilities.ambient: reset");
    for (size_t i = 0; i < caps->ambient_len; i++) {
        cap_value_t v;
        if (!cap_lookup("ambient", caps->ambient[i], &v))
            continue;
        /* The kernel only allows ambient caps that are also permitted and
         * inheritable: the others are warned about, like unknown ones. */
        if (cap_set_ambient(v, CAP_SET) < 0)
            log_warn("process.capabilities.ambient: cannot raise %s (not permitted and inheritable)",
                     caps->ambient[i]);
    }
    return 0;
}
