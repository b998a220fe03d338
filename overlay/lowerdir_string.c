/* The "lowerdir" fallback for kernels without lowerdir+: one value of at
 * most 255 bytes (fsconfig's limit) for every layer. Absolute paths when
 * they fit; else each layer's O_PATH fd number, looked up from the cwd
 * /proc/self/fd, which holds ~80 layers whatever their paths. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *join_escaped(char *const *lower, size_t len, bool *has_comma)
{
    size_t cap = 256, used = 0;
    char *out = xmalloc(cap);
    out[0] = '\0';
    *has_comma = false;
    for (size_t i = 0; i < len; i++) {
        cleanup_free char *escaped = overlay_escape_path(lower[i]);
        size_t n = strlen(escaped);
        while (used + n + 2 > cap)
            out = xrealloc(out, cap *= 2);
        if (i > 0)
            out[used++] = ':';
        memcpy(out + used, escaped, n + 1);
        used += n;
        *has_comma |= strchr(lower[i], ',') != NULL;
    }
    return out;
}

static int open_layers(char *const *lower, size_t len, struct lowerdir_string *s, err_t *err)
{
    s->fds = xmalloc(len * sizeof(*s->fds));
    for (s->fds_len = 0; s->fds_len < len; s->fds_len++) {
        int fd = open(lower[s->fds_len], O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return make_err(err, errno, "lower layer %zu \"%s\"", s->fds_len + 1, lower[s->fds_len]);
        s->fds[s->fds_len] = fd;
    }
    return 0;
}

static char *join_fd_numbers(const int *fds, size_t len)
{
    char *out = xmalloc(len * 12 + 1);
    size_t used = 0;
    for (size_t i = 0; i < len; i++)
        used += (size_t) sprintf(out + used, i ? ":%d" : "%d", fds[i]);
    return out;
}

int lowerdir_string_make(char *const *lower, size_t len, bool legacy, struct lowerdir_string *out, err_t *err)
{
    *out = (struct lowerdir_string){.saved_cwd = -1};
    bool has_comma;
    cleanup_free char *absolute = join_escaped(lower, len, &has_comma);
    /* Before 6.5 the options travel as one comma-separated string. */
    if (strlen(absolute) <= OVERLAY_FSCONFIG_VALUE_MAX && !(legacy && has_comma)) {
        out->value = steal_ptr(&absolute);
        return 0;
    }
    if (open_layers(lower, len, out, err) < 0) {
        lowerdir_string_finish(out);
        return -1;
    }
    out->value = join_fd_numbers(out->fds, out->fds_len);
    size_t short_len = strlen(out->value);
    if (short_len > OVERLAY_FSCONFIG_VALUE_MAX) {
        lowerdir_string_finish(out);
        return make_err(err, E2BIG,
                        "too many layers for one mount option: %zu layers make a lowerdir of %zu bytes (%zu as fd "
                        "numbers), the kernel takes %d in one fsconfig value; lowerdir+ (Linux 6.8) has no such limit",
                        len, strlen(absolute), short_len, OVERLAY_FSCONFIG_VALUE_MAX);
    }
    return 0;
}

int lowerdir_string_enter(struct lowerdir_string *s, err_t *err)
{
    if (s->fds == NULL)
        return 0;
    s->saved_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s->saved_cwd < 0)
        return make_err(err, errno, "open the current directory");
    if (chdir("/proc/self/fd") < 0)
        return make_err(err, errno, "chdir /proc/self/fd (layers named by fd need /proc)");
    return 0;
}

void lowerdir_string_finish(struct lowerdir_string *s)
{
    if (s->saved_cwd >= 0) {
        /* Back to a directory we hold open: nothing left to fail on. */
        (void) !fchdir(s->saved_cwd);
        close(s->saved_cwd);
    }
    for (size_t i = 0; i < s->fds_len; i++)
        close(s->fds[i]);
    free(s->fds);
    free(s->value);
    *s = (struct lowerdir_string){.saved_cwd = -1};
}
