/* Private to overlay/: shared between its files, never included from
 * outside the folder (tests aside). */
#ifndef BERTH_OVERLAY_INTERNAL_H
#define BERTH_OVERLAY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "overlay.h"

/* fsconfig copies a string value with strndup_user(value, 256): a longer
 * "lowerdir" is refused whatever the kernel's page size. */
#define OVERLAY_FSCONFIG_VALUE_MAX 255

/* ---- the running kernel ---------------------------------------------------- */

struct overlay_kernel {
    bool legacy;        /* overlay parses its options at mount time (before 6.5): fsconfig accepts any key */
    bool lowerdir_plus; /* "lowerdir+" (6.8) */
};
/* Probed once per process with a scratch fs context (no mount is made). */
const struct overlay_kernel *overlay_kernel(void);
/* Whether a kernel release ("6.1.0-18-amd64") has the overlay option
 * (name without "=value"): for kernels before 6.5, which cannot be asked. */
bool overlay_release_has_option(const char *release, const char *name);
/* Tests set it to take the one-"lowerdir"-string path on any kernel. */
extern bool overlay_force_lowerdir_string;

/* ---- fs context --------------------------------------------------------------- */

/* An error for a failed fsconfig/fsmount call: "what: kernel message"
 * (the messages of the fs context's log, if any) with errnum. */
int overlay_fs_err(err_t *err, int fsfd, int errnum, const char *what);
/* Reads the fs context's log into buf ("" when empty): the last error
 * message, without its "e " prefix. */
void overlay_fs_log(int fsfd, char *buf, size_t len);

/* ---- the lowerdir fallback -------------------------------------------------- */

/* One "lowerdir" value for the layers, when lowerdir+ is missing: absolute
 * paths with ':' and '\' escaped if they fit, else the short names of
 * O_PATH fds relative to /proc/self/fd (the cwd while the overlay is made,
 * for the kernel looks the paths up then). */
struct lowerdir_string {
    char *value;
    int *fds;        /* the layers' O_PATH fds when value holds their numbers */
    size_t fds_len;
    int saved_cwd;   /* restored by lowerdir_string_finish; -1 when the cwd is untouched */
};
int lowerdir_string_make(char *const *lower, size_t len, bool legacy, struct lowerdir_string *out, err_t *err);
/* Makes /proc/self/fd the cwd when value holds fd numbers. */
int lowerdir_string_enter(struct lowerdir_string *s, err_t *err);
/* Restores the cwd, closes the fds, frees the value. */
void lowerdir_string_finish(struct lowerdir_string *s);

/* ---- checks ------------------------------------------------------------------ */

/* What can be told before fsopen: counts, absolute paths, upper and work
 * on one mount, an upper overlay can write to. Errors name the directory. */
int overlay_check_layers(const struct overlay_layers *l, err_t *err);
/* A layer gone or no directory since overlay_layers_prepare: the likeliest
 * reason one lowerdir string was refused. -1 with an error naming it. */
int overlay_missing_layer(const struct overlay_layers *l, err_t *err);
/* The error for a failed FSCONFIG_CMD_CREATE, naming the upper and its
 * filesystem (FUSE, NFS, ... may lack what overlay needs). */
int overlay_create_err(const struct overlay_layers *l, int fsfd, int errnum, err_t *err);

/* ---- paths ------------------------------------------------------------------ */

/* ':' and '\' escaped with '\', as overlay's lowerdir list wants them. */
char *overlay_escape_path(const char *path);
/* Splits an overlay lowerdir value on unescaped ':'s; with unescape, the
 * entries lose their escapes. Empty entries ("::") are kept as "". */
char **overlay_split_escaped(const char *value, bool unescape, size_t *len);

#endif
