/* update: new limits for a container that runs, from runc's flags or a
 * linux.resources document. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "32m", "1.5G", "512KiB", "1024" (binary units, as runc reads them);
 * "-1" means unlimited. */
static bool parse_bytes(const char *s, int64_t *out)
{
    if (strcmp(s, "-1") == 0)
        return *out = -1, true;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0 || !isdigit((unsigned char) s[0]))
        return false;
    static const char units[] = "kmgtp";
    const char *u = *end ? strchr(units, tolower((unsigned char) *end)) : NULL;
    if (*end && u == NULL && tolower((unsigned char) *end) != 'b')
        return false;
    if (u) {
        for (const char *p = units; p <= u; p++)
            v *= 1024;
        end++;
        if (tolower((unsigned char) *end) == 'i')
            end++;
    }
    if (tolower((unsigned char) *end) == 'b')
        end++;
    if (*end || v >= 9.2e18)
        return false;
    *out = (int64_t) v;
    return true;
}

enum value_kind { BYTES, I64, U64, TEXT };

/* Grouped by the part of linux.resources they set (set_field relies on it). */
enum update_field {
    BLKIO_WEIGHT,
    CPU_BURST, CPU_PERIOD, CPU_QUOTA, CPU_RT_PERIOD, CPU_RT_RUNTIME, CPU_SHARES, CPUSET_CPUS, CPUSET_MEMS,
    KERNEL_MEMORY, KERNEL_MEMORY_TCP, MEMORY, MEMORY_RESERVATION, MEMORY_SWAP,
    PIDS_LIMIT,
};

struct update_flag_def {
    const char *name;
    enum value_kind kind;
    enum update_field field;
};

/* runc update's flags ("cpu-share" is runc's spelling, "cpu-shares" too). */
static const struct update_flag_def flag_defs[] = {
    {"blkio-weight", U64, BLKIO_WEIGHT},      {"cpu-burst", U64, CPU_BURST},
    {"cpu-period", U64, CPU_PERIOD},          {"cpu-quota", I64, CPU_QUOTA},
    {"cpu-rt-period", U64, CPU_RT_PERIOD},    {"cpu-rt-runtime", I64, CPU_RT_RUNTIME},
    {"cpu-share", U64, CPU_SHARES},           {"cpu-shares", U64, CPU_SHARES},
    {"cpuset-cpus", TEXT, CPUSET_CPUS},       {"cpuset-mems", TEXT, CPUSET_MEMS},
    {"kernel-memory", BYTES, KERNEL_MEMORY},  {"kernel-memory-tcp", BYTES, KERNEL_MEMORY_TCP},
    {"memory", BYTES, MEMORY},                {"memory-reservation", BYTES, MEMORY_RESERVATION},
    {"memory-swap", BYTES, MEMORY_SWAP},      {"pids-limit", I64, PIDS_LIMIT},
};

/* The part of resources a flag sets, made when first needed. */
#define PART(r, member) ((r)->member ? (r)->member : ((r)->member = xzalloc(sizeof(*(r)->member))))
#define SET(has, field, value) ((has) = true, (field) = (value))

static void set_field(struct oci_resources *r, enum update_field f, int64_t n, const char *text)
{
    struct oci_memory *m = f >= KERNEL_MEMORY && f <= MEMORY_SWAP ? PART(r, memory) : NULL;
    struct oci_cpu *c = f >= CPU_BURST && f <= CPUSET_MEMS ? PART(r, cpu) : NULL;
    struct oci_pids *p = f == PIDS_LIMIT ? PART(r, pids) : NULL;
    struct oci_block_io *b = f == BLKIO_WEIGHT ? PART(r, block_io) : NULL;
    switch (f) {
    case BLKIO_WEIGHT: SET(b->has_weight, b->weight, (uint16_t) n); break;
    case CPU_BURST: SET(c->has_burst, c->burst, (uint64_t) n); break;
    case CPU_PERIOD: SET(c->has_period, c->period, (uint64_t) n); break;
    case CPU_QUOTA: SET(c->has_quota, c->quota, n); break;
    case CPU_RT_PERIOD: SET(c->has_realtime_period, c->realtime_period, (uint64_t) n); break;
    case CPU_RT_RUNTIME: SET(c->has_realtime_runtime, c->realtime_runtime, n); break;
    case CPU_SHARES: SET(c->has_shares, c->shares, (uint64_t) n); break;
    case CPUSET_CPUS: free(c->cpus), c->cpus = xstrdup(text); break;
    case CPUSET_MEMS: free(c->mems), c->mems = xstrdup(text); break;
    case KERNEL_MEMORY: SET(m->has_kernel, m->kernel, n); break;
    case KERNEL_MEMORY_TCP: SET(m->has_kernel_tcp, m->kernel_tcp, n); break;
    case MEMORY: SET(m->has_limit, m->limit, n); break;
    case MEMORY_RESERVATION: SET(m->has_reservation, m->reservation, n); break;
    case MEMORY_SWAP: SET(m->has_swap, m->swap, n); break;
    case PIDS_LIMIT: SET(p->has_limit, p->limit, n); break;
    }
}

const char *const *update_flag_names(void)
{
    static const char *names[ARRAY_SIZE(flag_defs) + 1];
    for (size_t i = 0; i < ARRAY_SIZE(flag_defs); i++)
        names[i] = flag_defs[i].name;
    return names;
}

static int apply_flag(struct oci_resources *r, const struct update_flag *f, err_t *err)
{
    for (size_t i = 0; i < ARRAY_SIZE(flag_defs); i++) {
        const struct update_flag_def *d = &flag_defs[i];
        if (strcmp(d->name, f->name) != 0)
            continue;
        int64_t n = 0;
        uint64_t u;
        bool ok = d->kind == TEXT || (d->kind == BYTES && parse_bytes(f->value, &n)) ||
                  (d->kind == I64 && parse_i64(f->value, &n)) ||
                  (d->kind == U64 && parse_u64(f->value, &u) && u <= INT64_MAX && (n = (int64_t) u, true));
        if (!ok)
            return make_err(err, 0, "update: --%s: invalid value \"%s\"", f->name, f->value);
        set_field(r, d->field, n, f->value);
        return 0;
    }
    return make_err(err, 0, "update: unknown option --%s", f->name);
}

static int build_resources(const struct update_opts *opts, struct oci_resources **out, err_t *err)
{
    if (opts->resources_json)
        return spec_parse_resources(opts->resources_json, strlen(opts->resources_json), out, err);
    *out = xzalloc(sizeof(**out));
    for (size_t i = 0; i < opts->flags_len; i++)
        if (apply_flag(*out, &opts->flags[i], err) < 0)
            return -1;
    return 0;
}

int container_update(const struct runtime_ctx *ctx, const char *id, const struct update_opts *opts, err_t *err)
{
    cleanup_container_dir struct container_dir dir = {.fd = -1};
    cleanup_state struct container_state *state = NULL;
    cleanup_cgroup struct cgroup *cg = NULL;
    struct oci_resources *resources = NULL;
    if (container_open(ctx, id, true, &dir, &state, err) < 0 || container_cgroup(state, &cg, err) < 0)
        return -1;
    enum container_status status = store_status(&dir, state);
    if (status == STATUS_STOPPED)
        return make_err(err, 0, "cannot update container %s: container not running", id);
    if (cg == NULL)
        return make_err(err, 0, "container %s has no cgroup to update", id);
    int ret = build_resources(opts, &resources, err);
    if (ret == 0 && (ret = cgroup_update(cg, resources, err)) < 0)
        wrap_err(err, "update container %s", id);
    spec_free_resources(resources);
    return ret;
}
