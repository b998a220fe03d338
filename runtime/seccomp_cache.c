/* Compiled seccomp programs kept on disk: libseccomp needs ~30 ms per extra
 * architecture for Docker's profile (~100 ms on x86_64 with x86 and x32),
 * far more than the rest of a container's start. An entry is keyed by
 * everything the program depends on, stored whole in the entry and
 * compared byte for byte, so a hash collision is only a miss. */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAGIC "berth-seccomp-cache 1\n"
#define CACHE_ENTRY_MAX (1u << 20)

/* ---- the key: an unambiguous text of every input ------------------------- */

static void key_string(FILE *out, const char *s)
{
    if (s == NULL)
        fputs("-;", out);
    else
        fprintf(out, "%zu:%s;", strlen(s), s);
}

static void key_errno(FILE *out, bool has, uint32_t value)
{
    if (has)
        fprintf(out, "%" PRIu32 ";", value);
    else
        fputs("-;", out);
}

static void key_strings(FILE *out, char *const *v, size_t len)
{
    fprintf(out, "[%zu:", len);
    for (size_t i = 0; i < len; i++)
        key_string(out, v[i]);
    fputs("]", out);
}

static char *cache_key(const struct oci_seccomp *s)
{
    char *key = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&key, &len);
    if (out == NULL)
        abort();
    const struct scmp_version *v = seccomp_version();
    fprintf(out, "libseccomp %u.%u.%u native %" PRIx32 " flags %x\n", v->major, v->minor, v->micro,
            seccomp_arch_native(), seccomp_supported_flags());
    key_string(out, s->default_action);
    key_errno(out, s->has_default_errno_ret, s->default_errno_ret);
    key_strings(out, s->architectures, s->architectures_len);
    key_strings(out, s->flags, s->flags_len);
    fprintf(out, "\n%zu rules\n", s->syscalls_len);
    for (size_t i = 0; i < s->syscalls_len; i++) {
        const struct oci_syscall *sc = &s->syscalls[i];
        key_strings(out, sc->names, sc->names_len);
        key_string(out, sc->action);
        key_errno(out, sc->has_errno_ret, sc->errno_ret);
        fprintf(out, "[%zu:", sc->args_len);
        for (size_t k = 0; k < sc->args_len; k++) {
            const struct oci_syscall_arg *a = &sc->args[k];
            fprintf(out, "%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",", a->index, a->value, a->value_two);
            key_string(out, a->op);
        }
        fputs("]\n", out);
    }
    fclose(out);
    return key;
}

/* FNV-1a: only a file name; the key itself decides a hit. */
static char *entry_name(const char *key)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *) key; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return xasprintf("%016" PRIx64 ".bpf", h);
}

/* ---- entries: magic, key length, key, flags, notifies, length, BPF ------- */

struct entry_header {
    uint32_t key_len;
    uint32_t flags;
    uint32_t notifies;
    uint32_t len;
};

static char *encode_entry(const char *key, const struct seccomp_program *p, size_t *size)
{
    struct entry_header h = {(uint32_t) strlen(key), p->flags, p->notifies, p->len};
    size_t bpf = (size_t) p->len * sizeof(struct sock_filter);
    *size = strlen(CACHE_MAGIC) + sizeof(h) + h.key_len + bpf;
    char *buf = xmalloc(*size), *at = buf;
    memcpy(at, CACHE_MAGIC, strlen(CACHE_MAGIC));
    at += strlen(CACHE_MAGIC);
    memcpy(at, &h, sizeof(h));
    at += sizeof(h);
    memcpy(at, key, h.key_len);
    at += h.key_len;
    memcpy(at, p->filter, bpf);
    return buf;
}

/* NULL unless the entry is whole and made for this very key. */
static struct seccomp_program *decode_entry(const char *data, size_t size, const char *key)
{
    size_t magic = strlen(CACHE_MAGIC), key_len = strlen(key);
    struct entry_header h;
    if (size < magic + sizeof(h) || memcmp(data, CACHE_MAGIC, magic) != 0)
        return NULL;
    memcpy(&h, data + magic, sizeof(h));
    const char *stored_key = data + magic + sizeof(h);
    size_t bpf = (size_t) h.len * sizeof(struct sock_filter);
    if (h.key_len != key_len || h.len == 0 || h.len > BPF_MAXINSNS || size != magic + sizeof(h) + key_len + bpf ||
        memcmp(stored_key, key, key_len) != 0)
        return NULL;
    struct seccomp_program *p = xzalloc(sizeof(*p));
    p->filter = xmalloc(bpf);
    memcpy(p->filter, stored_key + key_len, bpf);
    p->len = (unsigned short) h.len;
    p->flags = h.flags;
    p->notifies = h.notifies != 0;
    return p;
}

int seccomp_compile_cached(const struct oci_seccomp *s, int cache_dirfd, struct seccomp_program **out, err_t *err)
{
    *out = NULL;
    cleanup_free char *key = cache_key(s);
    cleanup_free char *name = entry_name(key);
    cleanup_free char *data = NULL;
    size_t size = 0;
    cleanup_err err_t read_err = NULL;
    if (read_file_at(cache_dirfd, name, CACHE_ENTRY_MAX, &data, &size, &read_err) == 0) {
        struct seccomp_program *hit = decode_entry(data, size, key);
        if (hit) {
            seccomp_warn_unknown_names(s);
            *out = hit;
            return 0;
        }
    }
    if (seccomp_compile(s, out, err) < 0)
        return -1;
    cleanup_free char *entry = encode_entry(key, *out, &size);
    cleanup_err err_t write_err = NULL;
    if (write_file_atomic_at(cache_dirfd, name, entry, size, 0600, &write_err) < 0)
        log_debug("seccomp cache: %s", write_err->msg);
    return 0;
}
