#include "internal.h"

int store_read_config(const struct container_dir *dir, struct oci_config **config, err_t *err)
{
    if (spec_load_config(dir->path, config, NULL, NULL, err) < 0)
        return wrap_err(err, "read the config of container %s", dir->id);
    return 0;
}
