#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

enum option_kind { OPT_ATTR, OPT_REC_ATTR, OPT_PROPAGATION, OPT_SB_FLAG, OPT_BIND, OPT_RBIND, OPT_REMOUNT, OPT_NOOP,
                   OPT_TMPCOPYUP, OPT_IDMAP, OPT_RIDMAP };

struct mount_option {
    const char *name;
    enum option_kind kind;
    unsigned int set;   /* attribute bits, or the propagation flag */
    unsigned int clear; /* attribute bits to clear */
};

#define ATIME_MASK MOUNT_ATTR__ATIME

/* The options of config.md's table, by kind. An atime mode replaces any
 * earlier one, as the later option wins for mount(8). */
static const struct mount_option options[] = {
    {"async", OPT_NOOP, 0, 0}, /* async is the default for every new mount */
    {"atime", OPT_ATTR, MOUNT_ATTR_RELATIME, ATIME_MASK},
    {"bind", OPT_BIND, 0, 0},
    {"defaults", OPT_NOOP, 0, 0},
    {"dev", OPT_ATTR, 0, MOUNT_ATTR_NODEV},
    {"diratime", OPT_ATTR, 0, MOUNT_ATTR_NODIRATIME},
    {"dirsync", OPT_SB_FLAG, 0, 0},
    {"exec", OPT_ATTR, 0, MOUNT_ATTR_NOEXEC},
    {"idmap", OPT_IDMAP, 0, 0},
    {"iversion", OPT_SB_FLAG, 0, 0},
    {"lazytime", OPT_SB_FLAG, 0, 0},
    {"loud", OPT_NOOP, 0, 0}, /* only changes kernel log verbosity */
    {"mand", OPT_SB_FLAG, 0, 0},
    {"noatime", OPT_ATTR, MOUNT_ATTR_NOATIME, ATIME_MASK},
    {"nodev", OPT_ATTR, MOUNT_ATTR_NODEV, 0},
    {"nodiratime", OPT_ATTR, MOUNT_ATTR_NODIRATIME, 0},
    {"noexec", OPT_ATTR, MOUNT_ATTR_NOEXEC, 0},
    {"noiversion", OPT_NOOP, 0, 0},
    {"nolazytime", OPT_NOOP, 0, 0},
    {"nomand", OPT_NOOP, 0, 0},
    {"norelatime", OPT_NOOP, 0, 0}, /* the kernel's default stays relatime */
    {"nostrictatime", OPT_ATTR, MOUNT_ATTR_RELATIME, ATIME_MASK},
    {"nosuid", OPT_ATTR, MOUNT_ATTR_NOSUID, 0},
    {"nosymfollow", OPT_ATTR, MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"private", OPT_PROPAGATION, MS_PRIVATE, 0},
    {"ratime", OPT_REC_ATTR, MOUNT_ATTR_RELATIME, ATIME_MASK},
    {"rbind", OPT_RBIND, 0, 0},
    {"rdev", OPT_REC_ATTR, 0, MOUNT_ATTR_NODEV},
    {"rdiratime", OPT_REC_ATTR, 0, MOUNT_ATTR_NODIRATIME},
    {"relatime", OPT_ATTR, MOUNT_ATTR_RELATIME, ATIME_MASK},
    {"remount", OPT_REMOUNT, 0, 0},
    {"rexec", OPT_REC_ATTR, 0, MOUNT_ATTR_NOEXEC},
    {"ridmap", OPT_RIDMAP, 0, 0},
    {"rnoatime", OPT_REC_ATTR, MOUNT_ATTR_NOATIME, ATIME_MASK},
    {"rnodev", OPT_REC_ATTR, MOUNT_ATTR_NODEV, 0},
    {"rnodiratime", OPT_REC_ATTR, MOUNT_ATTR_NODIRATIME, 0},
    {"rnoexec", OPT_REC_ATTR, MOUNT_ATTR_NOEXEC, 0},
    {"rnorelatime", OPT_NOOP, 0, 0},
    {"rnostrictatime", OPT_REC_ATTR, MOUNT_ATTR_RELATIME, ATIME_MASK},
    {"rnosuid", OPT_REC_ATTR, MOUNT_ATTR_NOSUID, 0},
    {"rnosymfollow", OPT_REC_ATTR, MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"ro", OPT_ATTR, MOUNT_ATTR_RDONLY, 0},
    {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC, 0},
    {"rrelatime", OPT_REC_ATTR, MOUNT_ATTR_RELATIME, ATIME_MASK},
    {"rro", OPT_REC_ATTR, MOUNT_ATTR_RDONLY, 0},
    {"rrw", OPT_REC_ATTR, 0, MOUNT_ATTR_RDONLY},
    {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC, 0},
    {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC, 0},
    {"rstrictatime", OPT_REC_ATTR, MOUNT_ATTR_STRICTATIME, ATIME_MASK},
    {"rsuid", OPT_REC_ATTR, 0, MOUNT_ATTR_NOSUID},
    {"rsymfollow", OPT_REC_ATTR, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC, 0},
    {"rw", OPT_ATTR, 0, MOUNT_ATTR_RDONLY},
    {"shared", OPT_PROPAGATION, MS_SHARED, 0},
    {"silent", OPT_NOOP, 0, 0}, /* only changes kernel log verbosity */
    {"slave", OPT_PROPAGATION, MS_SLAVE, 0},
    {"strictatime", OPT_ATTR, MOUNT_ATTR_STRICTATIME, ATIME_MASK},
    {"suid", OPT_ATTR, 0, MOUNT_ATTR_NOSUID},
    {"symfollow", OPT_ATTR, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"sync", OPT_SB_FLAG, 0, 0},
    {"tmpcopyup", OPT_TMPCOPYUP, 0, 0},
    {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE, 0},
};

static int compare_option(const void *key, const void *elem)
{
    return strcmp(key, ((const struct mount_option *) elem)->name);
}

static void strv_push(char ***v, const char *s)
{
    size_t n = strv_len(*v);
    *v = xrealloc(*v, (n + 2) * sizeof(char *));
    (*v)[n] = xstrdup(s);
    (*v)[n + 1] = NULL;
}

static void apply_attr(unsigned int *set, unsigned int *clr, const struct mount_option *o)
{
    *set &= ~o->clear;
    *clr |= o->clear;
    *set |= o->set;
    *clr &= ~o->set;
    if (o->clear == ATIME_MASK)
        *clr |= ATIME_MASK; /* the atime mode is replaced as a whole */
}

void mount_plan_parse(char **opts, size_t len, struct mount_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    for (size_t i = 0; i < len; i++) {
        const char *name = opts[i];
        const struct mount_option *o = bsearch(name, options, ARRAY_SIZE(options), sizeof(options[0]), compare_option);
        if (o == NULL) {
            if (str_has_prefix(name, "x-"))
                continue; /* options for userspace mount helpers, as mount(8) */
            strv_push(&plan->data, name);
            continue;
        }
        switch (o->kind) {
        case OPT_ATTR: apply_attr(&plan->attr_set, &plan->attr_clr, o); break;
        case OPT_REC_ATTR: apply_attr(&plan->rec_attr_set, &plan->rec_attr_clr, o); break;
        case OPT_PROPAGATION:
            plan->propagation = o->set & ~(unsigned long) MS_REC;
            plan->propagation_recursive = (o->set & MS_REC) != 0;
            break;
        case OPT_SB_FLAG: strv_push(&plan->sb_flags, name); break;
        case OPT_BIND: plan->bind = true; break;
        case OPT_RBIND: plan->bind = plan->recursive_bind = true; break;
        case OPT_REMOUNT: plan->remount = true; break;
        case OPT_TMPCOPYUP: plan->tmpcopyup = true; break;
        case OPT_NOOP: break;
        case OPT_IDMAP: plan->idmap = true; break;
        case OPT_RIDMAP: plan->idmap = plan->idmap_recursive = true; break;
        }
    }
}

void mount_plan_free(struct mount_plan *plan)
{
    strv_free(plan->sb_flags);
    strv_free(plan->data);
    plan->sb_flags = plan->data = NULL;
}
