/* `berth update --resources`: a linux.resources object on its own. */
#include "json.h"
#include "parse.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* Validation names config.json; here the document is the resources file. */
static int rename_document(err_t *err)
{
    const char *prefix = "config.json: ";
    if (*err && str_has_prefix((*err)->msg, prefix)) {
        char *msg = xasprintf("resources: %s", (*err)->msg + strlen(prefix));
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
        r = rename_document(err);
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
