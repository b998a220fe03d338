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

static struct oci_memory *memory(struct oci_resources *r)
{
    return r->memory ? r->memory : (r->memory = xzalloc(sizeof(*r->memory)));
}

static struct oci_cpu *cpu(struct oci_resources *r)
{
    return r->cpu ? r->cpu : (r->cpu = xzalloc(sizeof(*r->cpu)));
}

enum value_kind { BYTES, I64, U64, TEXT };

struct update_flag_def {
    const char *name;
    enum value_kind kind;
    void (*set)(struct oci_resources *r, int64_t n, const char *text);
};

static void set_memory(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    memory(r)->has_limit = true;
    memory(r)->limit = n;
}
static void set_memory_swap(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    memory(r)->has_swap = true;
    memory(r)->swap = n;
}
static void set_memory_reservation(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    memory(r)->has_reservation = true;
    memory(r)->reservation = n;
}
static void set_kernel_memory(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    memory(r)->has_kernel = true;
    memory(r)->kernel = n;
}
static void set_kernel_memory_tcp(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    memory(r)->has_kernel_tcp = true;
    memory(r)->kernel_tcp = n;
}
static void set_cpu_shares(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    cpu(r)->has_shares = true;
    cpu(r)->shares = (uint64_t) n;
}
static void set_cpu_quota(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    cpu(r)->has_quota = true;
    cpu(r)->quota = n;
}
static void set_cpu_period(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    cpu(r)->has_period = true;
    cpu(r)->period = (uint64_t) n;
}
static void set_cpu_burst(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    cpu(r)->has_burst = true;
    cpu(r)->burst = (uint64_t) n;
}
static void set_cpu_rt_period(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    cpu(r)->has_realtime_period = true;
    cpu(r)->realtime_period = (uint64_t) n;
}
static void set_cpu_rt_runtime(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    cpu(r)->has_realtime_runtime = true;
    cpu(r)->realtime_runtime = n;
}
static void set_cpuset_cpus(struct oci_resources *r, int64_t n, const char *t)
{
    (void) n;
    free(cpu(r)->cpus);
    cpu(r)->cpus = xstrdup(t);
}
static void set_cpuset_mems(struct oci_resources *r, int64_t n, const char *t)
{
    (void) n;
    free(cpu(r)->mems);
    cpu(r)->mems = xstrdup(t);
}
static void set_pids_limit(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    if (r->pids == NULL)
        r->pids = xzalloc(sizeof(*r->pids));
    r->pids->has_limit = true;
    r->pids->limit = n;
}
static void set_blkio_weight(struct oci_resources *r, int64_t n, const char *t)
{
    (void) t;
    if (r->block_io == NULL)
        r->block_io = xzalloc(sizeof(*r->block_io));
    r->block_io->has_weight = true;
    r->block_io->weight = (uint16_t) n;
}

/* runc update's flags ("cpu-share" is runc's spelling, "cpu-shares" too). */
static const struct update_flag_def flag_defs[] = {
    {"blkio-weight", U64, set_blkio_weight},       {"cpu-burst", U64, set_cpu_burst},
    {"cpu-period", U64, set_cpu_period},           {"cpu-quota", I64, set_cpu_quota},
    {"cpu-rt-period", U64, set_cpu_rt_period},     {"cpu-rt-runtime", I64, set_cpu_rt_runtime},
    {"cpu-share", U64, set_cpu_shares},            {"cpu-shares", U64, set_cpu_shares},
    {"cpuset-cpus", TEXT, set_cpuset_cpus},        {"cpuset-mems", TEXT, set_cpuset_mems},
    {"kernel-memory", BYTES, set_kernel_memory},   {"kernel-memory-tcp", BYTES, set_kernel_memory_tcp},
    {"memory", BYTES, set_memory},                 {"memory-reservation", BYTES, set_memory_reservation},
    {"memory-swap", BYTES, set_memory_swap},       {"pids-limit", I64, set_pids_limit},
};

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
        d->set(r, n, f->value);
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
