/* spec/parse.h: the config.json readers, one per part of the document.
 * Each reads the value at the jctx's current path into a new struct. */
#ifndef BERTH_SPEC_PARSE_H
#define BERTH_SPEC_PARSE_H

#include "json.h"

int parse_process(struct jctx *c, yajl_val v, struct oci_process **out);
int parse_linux(struct jctx *c, yajl_val v, struct oci_linux **out);
int parse_resources(struct jctx *c, yajl_val v, struct oci_resources **out);
int parse_seccomp(struct jctx *c, yajl_val v, struct oci_seccomp **out);
/* An array of {containerID, hostID, size}. */
int parse_id_mappings(struct jctx *c, yajl_val v, struct oci_id_mapping **out, size_t *len);

/* Freeing what the readers built (config_free.c). */
void free_process(struct oci_process *p);
void free_linux(struct oci_linux *l);
void free_resources(struct oci_resources *r);
void free_seccomp(struct oci_seccomp *s);

#endif
