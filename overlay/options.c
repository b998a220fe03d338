/* config.json mounts of type overlay: their options with paths relative
 * to the bundle, and the same options as layers for overlay_mount_fd. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const path_keys[] = {"lowerdir+=", "datadir+=", "upperdir=", "workdir="};

static char *resolve_list(const char *bundle, const char *value)
{
    size_t n;
    cleanup_strv char **entries = overlay_split_escaped(value, false, &n);
    size_t cap = strlen(value) + 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(bundle) + 2;
    char *out = xmalloc(cap);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        /* "" between "::" marks data-only layers: kept as it is. */
        cleanup_free char *p = entries[i][0] ? path_join(bundle, entries[i]) : xstrdup("");
        used += (size_t) snprintf(out + used, cap - used, i ? ":%s" : "%s", p);
    }
    out[used] = '\0';
    return out;
}

char *overlay_resolve_option(const char *bundle, const char *option)
{
    if (str_has_prefix(option, "lowerdir=")) {
        cleanup_free char *list = resolve_list(bundle, option + strlen("lowerdir="));
        return xasprintf("lowerdir=%s", list);
    }
    for (size_t i = 0; i < ARRAY_SIZE(path_keys); i++) {
        size_t k = strlen(path_keys[i]);
        if (strncmp(option, path_keys[i], k) == 0) {
            cleanup_free char *p = path_join(bundle, option + k);
            return xasprintf("%.*s%s", (int) k, option, p);
        }
    }
    return xstrdup(option);
}

static void strv_push(char ***v, size_t *len, char *s)
{
    *v = xrealloc(*v, (*len + 2) * sizeof(**v));
    (*v)[(*len)++] = s;
    (*v)[*len] = NULL;
}

static bool has_data_layers(char *const *entries, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (entries[i][0] == '\0')
            return true;
    return false;
}

static void take_lowerdir(const char *bundle, const char *option, struct overlay_layers *l, size_t *options_len)
{
    size_t n;
    cleanup_strv char **entries = overlay_split_escaped(option + strlen("lowerdir="), true, &n);
    if (has_data_layers(entries, n)) {
        strv_push(&l->options, options_len, overlay_resolve_option(bundle, option));
        return;
    }
    for (size_t i = 0; i < n; i++)
        strv_push(&l->lower, &l->lower_len, path_join(bundle, entries[i]));
}

int overlay_layers_from_options(const char *bundle, char *const *options, size_t len, struct overlay_layers *out,
                                err_t *err)
{
    struct overlay_layers l = {0};
    size_t options_len = 0;
    for (size_t i = 0; i < len; i++) {
        const char *o = options[i];
        if (str_has_prefix(o, "lowerdir="))
            take_lowerdir(bundle, o, &l, &options_len);
        else if (str_has_prefix(o, "lowerdir+="))
            strv_push(&l.lower, &l.lower_len, path_join(bundle, o + strlen("lowerdir+=")));
        else if (str_has_prefix(o, "upperdir="))
            free(l.upper), l.upper = path_join(bundle, o + strlen("upperdir="));
        else if (str_has_prefix(o, "workdir="))
            free(l.work), l.work = path_join(bundle, o + strlen("workdir="));
        else if (strcmp(o, "volatile") == 0)
            l.volatile_upper = true;
        else if (strcmp(o, "userxattr") == 0)
            l.userxattr = true;
        else
            strv_push(&l.options, &options_len, overlay_resolve_option(bundle, o));
    }
    if (l.lower_len == 0 && l.options == NULL) {
        overlay_layers_free(&l);
        return make_err(err, EINVAL, "an overlay mount needs a lowerdir option");
    }
    *out = l;
    return 0;
}
