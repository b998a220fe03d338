/* What the running kernel's overlay can do, told by a scratch fs context:
 * fsconfig checks keys against overlay's own table since Linux 6.5, so
 * "Unknown parameter" means the option is missing. Before that overlay
 * parsed its options only when the mount was made, fsconfig took any key,
 * and the kernel release is all there is to go by. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

bool overlay_force_lowerdir_string;

static bool unknown_parameter(int fsfd)
{
    char log[256];
    overlay_fs_log(fsfd, log, sizeof(log));
    return strstr(log, "Unknown parameter") != NULL;
}

/* False when it cannot tell (no overlay, no privilege): asked again later. */
static bool probe(struct overlay_kernel *k)
{
    cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return false;
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, "berth.probe.no-such-option", NULL, 0) == 0) {
        k->legacy = true;
        return true;
    }
    /* "/" is a directory in every mount namespace; anything but an
     * unknown key means the key exists. */
    k->lowerdir_plus = fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", "/", 0) == 0 || !unknown_parameter(fsfd);
    return true;
}

const struct overlay_kernel *overlay_kernel(void)
{
    static struct overlay_kernel k;
    static bool probed;
    if (!probed) {
        k = (struct overlay_kernel){0};
        probed = probe(&k);
    }
    return &k;
}

bool overlay_kernel_has_lowerdir_plus(void)
{
    return overlay_kernel()->lowerdir_plus;
}

/* Where the options first appeared, for kernels that cannot be asked; the
 * others predate fsopen (5.2). */
static const struct {
    const char *option;
    int major, minor;
} first_release[] = {{"volatile", 5, 10}, {"userxattr", 5, 11}};

bool overlay_release_has_option(const char *release, const char *name)
{
    int major, minor;
    if (sscanf(release, "%d.%d", &major, &minor) != 2)
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(first_release); i++)
        if (strcmp(first_release[i].option, name) == 0)
            return major > first_release[i].major ||
                   (major == first_release[i].major && minor >= first_release[i].minor);
    return true;
}

static bool known_to_legacy_kernel(const char *name)
{
    struct utsname u;
    return uname(&u) == 0 && overlay_release_has_option(u.release, name);
}

bool overlay_kernel_supports(const char *option)
{
    cleanup_free char *name = strndup(option, strcspn(option, "="));
    if (overlay_kernel()->legacy)
        return known_to_legacy_kernel(name);
    cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return false;
    const char *value = strchr(option, '=');
    int r = value ? fsconfig(fsfd, FSCONFIG_SET_STRING, name, value + 1, 0)
                  : fsconfig(fsfd, FSCONFIG_SET_FLAG, name, NULL, 0);
    return r == 0 || !unknown_parameter(fsfd);
}
