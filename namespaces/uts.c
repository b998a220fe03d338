#include "namespaces.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int uts_apply(const struct oci_config *config, err_t *err)
{
    if (config->hostname && sethostname(config->hostname, strlen(config->hostname)) < 0)
        return make_err(err, errno, "hostname: set %s", config->hostname);
    if (config->domainname && setdomainname(config->domainname, strlen(config->domainname)) < 0)
        return make_err(err, errno, "domainname: set %s", config->domainname);
    return 0;
}
