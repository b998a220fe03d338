#include "internal.h"

char *runtime_default_spec(bool rootless)
{
    return spec_default_config(rootless ? DEFAULT_SPEC_ROOTLESS : DEFAULT_SPEC);
}
