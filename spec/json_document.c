/* Turning text into a yajl tree, with errors that say where the text is
 * wrong.
 *
 * yajl_tree_parse reports no position, allows comments, and leaks on some
 * error paths (CVE-2023-33460). So the text is first checked with the
 * plain parser (comments off, a depth guard in the callbacks) and only
 * valid text reaches yajl_tree_parse. */
#include "json.h"

#include <stdlib.h>
#include <yajl/yajl_parse.h>

struct depth_guard {
    unsigned depth;
    bool too_deep;
};

static int enter_container(void *ctx)
{
    struct depth_guard *g = ctx;
    if (++g->depth > JSON_MAX_DEPTH) {
        g->too_deep = true;
        return 0;
    }
    return 1;
}

static int leave_container(void *ctx)
{
    struct depth_guard *g = ctx;
    g->depth--;
    return 1;
}

static const yajl_callbacks depth_callbacks = {
    .yajl_start_map = enter_container,
    .yajl_end_map = leave_container,
    .yajl_start_array = enter_container,
    .yajl_end_array = leave_container,
};

static void line_and_column(const char *text, size_t offset, size_t *line, size_t *column)
{
    size_t line_start = 0;
    *line = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            line_start = i + 1;
        }
    }
    *column = offset - line_start + 1;
}

/* "lexical error: invalid char in json text.\n" loses its tail. */
static char *error_reason(yajl_handle h, const char *text, size_t len)
{
    unsigned char *raw = yajl_get_error(h, 0, (const unsigned char *) text, len);
    char *reason = xstrdup(raw ? (const char *) raw : "unknown error");
    if (raw)
        yajl_free_error(h, raw);
    size_t n = strlen(reason);
    while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == ' ' || reason[n - 1] == '.'))
        reason[--n] = '\0';
    return reason;
}

/* Where the parser stopped: just past the offending character, except
 * that yajl's lexer steps back before a comment or a control character in
 * a string (which are told apart by the reason, yajl keeps the error kind
 * private). */
static size_t error_offset(yajl_handle h, const char *reason)
{
    size_t consumed = yajl_get_bytes_consumed(h);
    /* The lexer stops before the byte it rejects in these cases. */
    if (strstr(reason, "comment") || strstr(reason, "invalid character inside string") ||
        strstr(reason, "invalid string in json text") || strstr(reason, "malformed number"))
        return consumed;
    return consumed > 0 ? consumed - 1 : 0;
}

static int check_syntax(const char *file, const char *text, size_t len, err_t *err)
{
    struct depth_guard guard = {0};
    yajl_handle h = yajl_alloc(&depth_callbacks, NULL, &guard);
    if (h == NULL)
        abort();
    yajl_status st = yajl_parse(h, (const unsigned char *) text, len);
    bool at_end = false;
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
        at_end = true; /* the text ended too early */
    }
    if (st == yajl_status_ok) {
        yajl_free(h);
        return 0;
    }
    cleanup_free char *reason = error_reason(h, text, len);
    size_t line, column;
    line_and_column(text, at_end ? len : error_offset(h, reason), &line, &column);
    if (guard.too_deep) {
        yajl_free(h);
        return make_err(err, 0, "%s: JSON nested deeper than %d levels at line %zu, column %zu", file, JSON_MAX_DEPTH,
                        line, column);
    }
    yajl_free(h);
    return make_err(err, 0, "%s: invalid JSON at line %zu, column %zu: %s", file, line, column, reason);
}

int json_parse_document(const char *file, const char *text, size_t len, yajl_val *out, err_t *err)
{
    if (check_syntax(file, text, len, err) < 0)
        return -1;
    /* yajl_tree_parse wants a NUL-terminated string; text need not be. */
    cleanup_free char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    char reason[256] = "";
    yajl_val tree = yajl_tree_parse(copy, reason, sizeof(reason));
    if (tree == NULL)
        return make_err(err, 0, "%s: invalid JSON: %s", file, reason);
    if (!YAJL_IS_OBJECT(tree)) {
        yajl_tree_free(tree);
        return make_err(err, 0, "%s: expected a JSON object at the top level", file);
    }
    *out = tree;
    return 0;
}
