/* state and list: read-only views of the state store. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *state_document(const char *id, const struct container_state *state, enum container_status status)
{
    if (state)
        return spec_state_to_json(state, status, false);
    struct container_state creating = {.id = (char *) id, .bundle = "", .rootfs = "", .created = "", .cgroup_path = ""};
    return spec_state_to_json(&creating, status, false);
}

int container_state_json(const struct runtime_ctx *ctx, const char *id, char **json, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    if (container_id_check(id, err) < 0 || store_open(ctx, id, false, &dir, err) < 0 ||
        store_read_state(&dir, &state, err) < 0)
        return -1;
    if (state)
        state->oom_killed = container_oom_killed(state);
    *json = state_document(id, state, store_status(&dir, state));
    return 0;
}

int container_pids(const struct runtime_ctx *ctx, const char *id, pid_t **pids, size_t *len, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    cleanup_cgroup struct cgroup *cg = NULL;
    *pids = NULL;
    *len = 0;
    if (container_open(ctx, id, false, &dir, &state, err) < 0 || container_cgroup(state, &cg, err) < 0)
        return -1;
    if (cg)
        return cgroup_pids(cg, pids, len, err);
    if (container_alive(state)) {
        *pids = xmalloc(sizeof(pid_t));
        (*pids)[(*len)++] = state->pid;
    }
    return 0;
}

static char *owner_name(uid_t uid)
{
    struct passwd *pw = getpwuid(uid);
    return pw ? xstrdup(pw->pw_name) : xasprintf("#%u", (unsigned) uid);
}

/* list reads without locking: state.json is only ever replaced by rename,
 * and a container being created must not make list wait. */
static void summarize(struct container_summary *s, const struct runtime_ctx *ctx, const char *id)
{
    struct container_dir dir = {.id = (char *) id};
    cleanup_free char *path = xasprintf("%s/%s", ctx->root, id);
    cleanup_state struct container_state *state = NULL;
    cleanup_err err_t ignored = NULL;
    dir.fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir.fd >= 0)
        store_read_state(&dir, &state, &ignored);
    enum container_status status = store_status(&dir, state);
    s->id = xstrdup(id);
    s->status = container_status_names[status];
    s->pid = state && status != STATUS_STOPPED ? state->pid : 0;
    s->bundle = xstrdup(state ? state->bundle : "");
    s->created = xstrdup(state ? state->created : "");
    s->owner = owner_name(state ? state->owner : getuid());
    if (state)
        state->owner_name = xstrdup(s->owner);
    s->state_json = state_document(id, state, status);
    cleanup_closep(&dir.fd);
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(((const struct container_summary *) a)->id, ((const struct container_summary *) b)->id);
}

int container_list(const struct runtime_ctx *ctx, struct container_summary **list, size_t *len, err_t *err)
{
    *list = NULL;
    *len = 0;
    DIR *root = opendir(ctx->root);
    if (root == NULL)
        return errno == ENOENT ? 0 : make_err(err, errno, "open %s", ctx->root);
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(root)) != NULL) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        if (*len == cap) {
            cap = cap ? cap * 2 : 16;
            *list = xrealloc(*list, cap * sizeof(**list));
        }
        summarize(&(*list)[(*len)++], ctx, de->d_name);
    }
    closedir(root);
    if (*len)
        qsort(*list, *len, sizeof(**list), compare_ids);
    return 0;
}

void container_list_free(struct container_summary *list, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        free(list[i].id);
        free(list[i].bundle);
        free(list[i].created);
        free(list[i].owner);
        free(list[i].state_json);
    }
    free(list);
}
