/* Parts of config.json on their own: `berth update --resources` and
 * `berth exec --process`. */
#include "json.h"
#include "parse.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* Validation names config.json and the part's path; here the document is
 * the part alone: "config.json: <from>" becomes "<to>". */
static int rename_document(err_t *err, const char *from, const char *to)
{
    if (*err && str_has_prefix((*err)->msg, from)) {
        char *msg = xasprintf("%s%s", to, (*err)->msg + strlen(from));
        free((*err)->msg);
        (*err)->msg = msg;
    }
    return -1;
}

int spec_parse_resources(const char *json, size_t len, struct oci_resources **out, err_t *err)
{
    yajl_val tree = NULL;
    if (json_parse_document("resources", json, len, &tree, err) < 0)
        return -1;
    struct jctx c;
    jctx_init(&c, "resources", err);
    jpath_push_key(&c, "linux");
    jpath_push_key(&c, "resources");
    struct oci_resources *resources = NULL;
    int r = parse_resources(&c, tree, &resources);
    jctx_release(&c);
    yajl_tree_free(tree);
    struct oci_linux l = {.resources = resources};
    struct oci_config config = {.linux_config = &l};
    if (r == 0 && check_resources(&config, err) < 0)
        r = rename_document(err, "config.json: ", "resources: ");
    if (r < 0) {
        free_resources(resources);
        return -1;
    }
    *out = resources;
    return 0;
}

void spec_free_resources(struct oci_resources *resources)
{
    free_resources(resources);
}

int spec_parse_process(const char *json, size_t len, const char *name, struct oci_process **out, err_t *err)
{
    yajl_val tree = NULL;
    if (json_parse_document(name, json, len, &tree, err) < 0)
        return -1;
    struct jctx c;
    jctx_init(&c, name, err);
    struct oci_process *process = NULL;
    int r = parse_process(&c, tree, &process);
    jctx_release(&c);
    yajl_tree_free(tree);
    struct oci_config config = {.process = process};
    if (r == 0 && check_process(&config, err) < 0) {
        cleanup_free char *to = xasprintf("%s: ", name);
        r = rename_document(err, "config.json: process.", to);
    }
    if (r < 0) {
        spec_free_process(process);
        return -1;
    }
    *out = process;
    return 0;
}

void spec_free_process(struct oci_process *process)
{
    free_process(process);
}
