#include "internal.h"

char *runtime_default_spec(bool rootless, bool seccomp)
{
    return spec_default_config(rootless ? DEFAULT_SPEC_ROOTLESS : DEFAULT_SPEC, seccomp);
}
