/* spec/default_seccomp.h: the default seccomp profile as a yajl value, for
 * documents spec/ writes (spec_default_config with --seccomp-default). */
#ifndef BERTH_SPEC_DEFAULT_SECCOMP_H
#define BERTH_SPEC_DEFAULT_SECCOMP_H

#include "json_gen.h"

/* Writes the linux.seccomp object (the caller has written its key). */
void json_gen_default_seccomp(yajl_gen g);

#endif
