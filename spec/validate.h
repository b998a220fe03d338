/* spec/validate.h: the semantic checks of config.json, one small function
 * per rule family, run in order by spec_validate_config. */
#ifndef BERTH_SPEC_VALIDATE_H
#define BERTH_SPEC_VALIDATE_H

#include "spec.h"

typedef int (*config_check_fn)(struct oci_config *config, err_t *err);

/* config_err at a path made with xasprintf; takes ownership of path. */
__attribute__((format(printf, 3, 4))) int config_err_at(err_t *err, char *path, const char *fmt, ...);

bool is_absolute_path(const char *path);
/* "0-3,7": comma-separated numbers and ascending ranges. */
bool is_valid_number_list(const char *list);
bool is_in_list(const char *s, const char *const *names);

int check_process(struct oci_config *config, err_t *err);
int check_namespaces(struct oci_config *config, err_t *err);
int check_id_mappings(struct oci_config *config, err_t *err);
int check_time_offsets(struct oci_config *config, err_t *err);
int check_devices(struct oci_config *config, err_t *err);
int check_rootfs_propagation(struct oci_config *config, err_t *err);
int check_sysctl(struct oci_config *config, err_t *err);
int check_masked_and_readonly_paths(struct oci_config *config, err_t *err);
int check_intel_rdt(struct oci_config *config, err_t *err);
int check_personality(struct oci_config *config, err_t *err);
int check_memory_policy(struct oci_config *config, err_t *err);
int check_net_devices(struct oci_config *config, err_t *err);
int check_resources(struct oci_config *config, err_t *err);
int check_seccomp(struct oci_config *config, err_t *err);

#endif
