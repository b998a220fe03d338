#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    int fd; /* -1: stderr, text only */
    enum log_format format;
    bool debug;
} logger = {.fd = -1};

static const char *level_names[] = {"debug", "info", "warning", "error"};

int log_init(const char *path, enum log_format format, bool debug, err_t *err)
{
    logger.format = format;
    logger.debug = debug;
    if (path == NULL || *path == '\0')
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return make_err(err, errno, "open log file %s", path);
    logger.fd = fd;
    return 0;
}

bool log_debug_enabled(void)
{
    return logger.debug;
}

int log_fd(void)
{
    return logger.fd;
}

const char *time_rfc3339(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
    return buf;
}

/* One line per message, written with a single write() so that concurrent
 * berth processes sharing a log file never interleave. */
static void emit(enum log_level level, const char *msg, const err_t err)
{
    char stamp[64];
    char *line = NULL;
    size_t line_len = 0;
    FILE *out = open_memstream(&line, &line_len);
    if (out == NULL)
        return;
    time_rfc3339(stamp, sizeof(stamp));
    if (logger.format == LOG_JSON && logger.fd >= 0) {
        struct json_writer w;
        jw_init(&w);
        jw_begin_object(&w);
        jw_key(&w, "level");
        jw_string(&w, level_names[level]);
        jw_key(&w, "msg");
        jw_string(&w, msg);
        if (err && err->errnum) {
            jw_key(&w, "errno");
            jw_i64(&w, err->errnum);
        }
        if (err && err->json_path) {
            jw_key(&w, "jsonPath");
            jw_string(&w, err->json_path);
        }
        if (err && err->stage) {
            jw_key(&w, "stage");
            jw_string(&w, err->stage);
        }
        jw_key(&w, "time");
        jw_string(&w, stamp);
        jw_end_object(&w);
        cleanup_free char *json = jw_finish(&w);
        fprintf(out, "%s\n", json);
    } else {
        fprintf(out, "time=\"%s\" level=%s msg=", stamp, level_names[level]);
        json_write_string(out, msg);
        fputc('\n', out);
    }
    fclose(out);
    (void) !write_all(logger.fd >= 0 ? logger.fd : STDERR_FILENO, line, line_len);
    free(line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    if (level == LOG_DEBUG && !logger.debug)
        return;
    va_start(ap, fmt);
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    emit(level, msg, NULL);
    free(msg);
}

void log_error(const err_t err)
{
    /* Without a log file the error is only printed once, by the caller. */
    if (logger.fd < 0)
        return;
    cleanup_free char *text = err_text(err);
    emit(LOG_ERROR, text, err);
}
