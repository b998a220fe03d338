/* linux.seccomp.flags: the names, their kernel bits, and which of them the
 * running kernel accepts. */
#include "internal.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct filter_flag {
    const char *name;
    unsigned int bit;
    unsigned int probe; /* the combination the kernel must accept */
};

static const struct filter_flag known_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    /* refused without a listener */
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER},
};

/* Never in config.json: berth adds them when a rule notifies. */
static const struct filter_flag internal_flags[] = {
    {"SECCOMP_FILTER_FLAG_NEW_LISTENER", SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_NEW_LISTENER},
    {"SECCOMP_FILTER_FLAG_TSYNC_ESRCH", SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
     SECCOMP_FILTER_FLAG_TSYNC_ESRCH | SECCOMP_FILTER_FLAG_TSYNC},
};

/* seccomp(2) checks the flags before it reads the program: with a NULL
 * program, EFAULT means the flags passed (libseccomp probes the same way;
 * no privilege is needed). */
static bool kernel_accepts(unsigned int flags)
{
    int saved_errno = errno;
    bool accepted = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
    errno = saved_errno;
    return accepted;
}

static unsigned int probe(const struct filter_flag *flags, size_t n)
{
    unsigned int supported = 0;
    for (size_t i = 0; i < n; i++) {
        if (kernel_accepts(flags[i].probe))
            supported |= flags[i].bit;
    }
    return supported;
}

bool seccomp_filters_available(void)
{
    return kernel_accepts(0);
}

unsigned int seccomp_supported_flags(void)
{
    static bool probed;
    static unsigned int supported;
    if (!probed) {
        supported = probe(known_flags, ARRAY_SIZE(known_flags)) | probe(internal_flags, ARRAY_SIZE(internal_flags));
        probed = true;
    }
    return supported;
}

int seccomp_config_flags(const struct oci_seccomp *s, unsigned int supported, unsigned int *flags, err_t *err)
{
    *flags = 0;
    for (size_t i = 0; i < s->flags_len; i++) {
        size_t k = 0;
        while (k < ARRAY_SIZE(known_flags) && strcmp(known_flags[k].name, s->flags[i]) != 0)
            k++;
        cleanup_free char *path = xasprintf("linux.seccomp.flags[%zu]", i);
        if (k == ARRAY_SIZE(known_flags))
            return config_err(err, path, "unknown flag \"%s\"", s->flags[i]);
        if (!(supported & known_flags[k].bit))
            return config_err(err, path, "%s is not supported by this kernel", s->flags[i]);
        *flags |= known_flags[k].bit;
    }
    return 0;
}
