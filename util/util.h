/* util: the small shared layer every other folder may use: errors, logging,
 * cleanup helpers, fds, paths and files. It depends on nothing of berth. */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- errors ------------------------------------------------------------ */

/* One error type for the whole program. Functions that can fail return a
 * negative int and fill *err; callers add context on the way up with
 * wrap_err(); only cmd/ prints it. */
struct berth_err {
    int errnum;      /* errno of the root cause, 0 when there is none */
    char *msg;       /* "context: context: cause" */
    char *json_path; /* config.json path of the culprit, when known */
    const char *stage; /* where it failed ("config", "cgroup", "exec", ...), a literal */
};
typedef struct berth_err *err_t;

__attribute__((format(printf, 3, 4))) int make_err(err_t *err, int errnum, const char *fmt, ...);
/* Prefixes "context: " to the message of an existing error. */
__attribute__((format(printf, 2, 3))) int wrap_err(err_t *err, const char *fmt, ...);
/* A config.json error: "config.json: <path>: <problem>". */
__attribute__((format(printf, 3, 4))) int config_err(err_t *err, const char *json_path, const char *fmt, ...);
void free_err(err_t *err);
/* Names the stage of an error that has none yet; returns -1 for chaining. */
int set_stage(err_t *err, const char *stage);
/* The text a user sees: message, then ": strerror" in lower case. */
char *err_text(const err_t err);
/* strerror with a lower-case first letter, as runc prints errors. */
const char *strerror_lc(int errnum, char *buf, size_t len);

/* ---- cleanup helpers --------------------------------------------------- */

void cleanup_freep(void *p);
void cleanup_closep(int *fd);
void cleanup_fclosep(FILE **f);
void cleanup_errp(err_t *err);
void cleanup_strvp(char ***v);

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_file __attribute__((cleanup(cleanup_fclosep)))
#define cleanup_err __attribute__((cleanup(cleanup_errp)))
#define cleanup_strv __attribute__((cleanup(cleanup_strvp)))

static inline void *steal_ptr_impl(void **pp)
{
    void *p = *pp;
    *pp = NULL;
    return p;
}
#define steal_ptr(pp) steal_ptr_impl((void **) (pp))

static inline int steal_fd(int *fd)
{
    int ret = *fd;
    *fd = -1;
    return ret;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- memory and strings ------------------------------------------------ */

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);
void strv_free(char **v);
size_t strv_len(char *const *v);
bool str_has_prefix(const char *s, const char *prefix);
/* Parses a whole decimal string; false on junk, empty input or overflow. */
bool parse_u64(const char *s, uint64_t *out);
bool parse_i64(const char *s, int64_t *out);

/* ---- writing JSON -------------------------------------------------------- */

/* A small JSON writer for berth's own output (logs, events, lists); config
 * and state documents go through spec/. Commas are placed automatically. */
struct json_writer {
    FILE *out;
    char *buf;
    size_t len;
    int depth;
    bool after_key;
    unsigned count[32];
};
void jw_init(struct json_writer *w);
void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_i64(struct json_writer *w, int64_t v);
void jw_bool(struct json_writer *w, bool v);
/* Inserts an already serialized JSON value. */
void jw_raw(struct json_writer *w, const char *json);
/* Returns the document (the caller frees it). */
char *jw_finish(struct json_writer *w);
void json_write_string(FILE *out, const char *s);

/* ---- time ---------------------------------------------------------------- */

/* Now, as RFC 3339 in UTC with nanoseconds: 2026-11-24T21:03:19.123456789Z. */
const char *time_rfc3339(char *buf, size_t len);

/* ---- logging ----------------------------------------------------------- */

enum log_format { LOG_TEXT, LOG_JSON };
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERROR };

/* path NULL: log to stderr. A failure to open the file is returned. */
int log_init(const char *path, enum log_format format, bool debug, err_t *err);
__attribute__((format(printf, 2, 3))) void log_msg(enum log_level level, const char *fmt, ...);
/* Records the final error of a command: one line, with the json path and
 * errno as extra fields in json mode. */
void log_error(const err_t err);
bool log_debug_enabled(void);
/* The log file's descriptor (for children that must not inherit it). */
int log_fd(void);
#define log_debug(...) (log_debug_enabled() ? log_msg(LOG_DEBUG, __VA_ARGS__) : (void) 0)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)

/* ---- fds --------------------------------------------------------------- */

/* write/read the whole buffer, retrying on EINTR and short counts. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);
int set_cloexec(int fd, bool on);

/* ---- files and paths --------------------------------------------------- */

/* Reads a whole file (at most max_size bytes, else EFBIG). *len excludes
 * the NUL that is always appended. */
int read_file_at(int dirfd, const char *path, size_t max_size, char **out, size_t *len, err_t *err);
/* The same for an open fd up to EOF; name is for messages. */
int read_fd(int fd, const char *name, size_t max_size, char **out, size_t *len, err_t *err);
/* Writes through a temp file in the same directory and renames it. */
int write_file_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode, err_t *err);
/* Writes a short string to an existing file (cgroup files, /proc files). */
int write_string_at(int dirfd, const char *path, const char *s, err_t *err);
int mkdir_p(const char *path, mode_t mode, err_t *err);
/* Removes a directory tree without crossing into other mounts. */
int remove_tree_at(int dirfd, const char *name, err_t *err);
/* Makes an absolute, lexically clean path of p relative to base (or cwd). */
char *path_join(const char *base, const char *p);
char *path_absolute(const char *p);
char *path_clean(const char *p);

#endif
