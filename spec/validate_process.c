/* Checks of config.json's process. */
#include "validate.h"

#include <string.h>
#include <sys/resource.h>

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static const char *const scheduler_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

static const char *const scheduler_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

static const char *const io_priority_classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL};

static int rlimit_resource(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++) {
        if (strcmp(name, rlimit_names[i].name) == 0)
            return rlimit_names[i].resource;
    }
    return -1;
}

static int check_env(const struct oci_process *p, err_t *err)
{
    for (size_t i = 0; i < p->env_len; i++) {
        const char *eq = strchr(p->env[i], '=');
        if (eq == NULL || eq == p->env[i])
            return config_err_at(err, xasprintf("process.env[%zu]", i), "\"%s\" is not in KEY=value form", p->env[i]);
    }
    return 0;
}

/* Resolves each rlimit's resource as it goes. */
static int check_rlimits(struct oci_process *p, err_t *err)
{
    for (size_t i = 0; i < p->rlimits_len; i++) {
        struct oci_rlimit *r = &p->rlimits[i];
        if (r->type == NULL)
            return config_err_at(err, xasprintf("process.rlimits[%zu].type", i), "is required");
        r->resource = rlimit_resource(r->type);
        if (r->resource < 0)
            return config_err_at(err, xasprintf("process.rlimits[%zu].type", i), "unknown rlimit \"%s\"", r->type);
        for (size_t j = 0; j < i; j++) {
            if (p->rlimits[j].resource == r->resource)
                return config_err_at(err, xasprintf("process.rlimits[%zu].type", i), "duplicate rlimit \"%s\"",
                                     r->type);
        }
        if (r->soft > r->hard)
            return config_err_at(err, xasprintf("process.rlimits[%zu].soft", i),
                                 "%llu is greater than the hard limit %llu", (unsigned long long) r->soft,
                                 (unsigned long long) r->hard);
    }
    return 0;
}

/* ^CAP_[A-Z0-9_]+$; whether the kernel knows it is the runtime's business. */
static bool is_capability_name(const char *name)
{
    if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
        return false;
    for (const char *s = name + 4; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    }
    return true;
}

static int check_capability_set(const char *set, char *const *caps, size_t len, err_t *err)
{
    for (size_t i = 0; i < len; i++) {
        if (!is_capability_name(caps[i]))
            return config_err_at(err, xasprintf("process.capabilities.%s[%zu]", set, i),
                                 "\"%s\" is not a valid capability name", caps[i]);
    }
    return 0;
}

static int check_capabilities(const struct oci_capabilities *caps, err_t *err)
{
    if (caps == NULL)
        return 0;
    if (check_capability_set("bounding", caps->bounding, caps->bounding_len, err) < 0 ||
        check_capability_set("effective", caps->effective, caps->effective_len, err) < 0 ||
        check_capability_set("inheritable", caps->inheritable, caps->inheritable_len, err) < 0 ||
        check_capability_set("permitted", caps->permitted, caps->permitted_len, err) < 0 ||
        check_capability_set("ambient", caps->ambient, caps->ambient_len, err) < 0)
        return -1;
    return 0;
}

/* As runc: nice in range, a priority only for the real-time policies, and
 * runtime/deadline/period only for SCHED_DEADLINE. */
static int check_scheduler(const struct oci_scheduler *s, err_t *err)
{
    if (s == NULL)
        return 0;
    if (s->policy == NULL)
        return config_err(err, "process.scheduler.policy", "is required");
    if (!is_in_list(s->policy, scheduler_policies))
        return config_err(err, "process.scheduler.policy", "unknown scheduler policy \"%s\"", s->policy);
    if (s->nice < -20 || s->nice > 19)
        return config_err(err, "process.scheduler.nice", "must be between -20 and 19, got %d", s->nice);
    if (s->priority != 0 && strcmp(s->policy, "SCHED_FIFO") != 0 && strcmp(s->policy, "SCHED_RR") != 0)
        return config_err(err, "process.scheduler.priority", "only allowed with SCHED_FIFO or SCHED_RR");
    for (size_t i = 0; i < s->flags_len; i++) {
        if (!is_in_list(s->flags[i], scheduler_flags))
            return config_err_at(err, xasprintf("process.scheduler.flags[%zu]", i), "unknown scheduler flag \"%s\"",
                                 s->flags[i]);
    }
    if (strcmp(s->policy, "SCHED_DEADLINE") != 0) {
        const char *field = s->runtime ? "process.scheduler.runtime"
                            : s->deadline ? "process.scheduler.deadline"
                            : s->period   ? "process.scheduler.period"
                                          : NULL;
        if (field)
            return config_err(err, field, "only allowed with SCHED_DEADLINE");
    }
    return 0;
}

static int check_io_priority(const struct oci_io_priority *io, err_t *err)
{
    if (io == NULL)
        return 0;
    if (io->class_name == NULL)
        return config_err(err, "process.ioPriority.class", "is required");
    if (!is_in_list(io->class_name, io_priority_classes))
        return config_err(err, "process.ioPriority.class", "unknown I/O priority class \"%s\"", io->class_name);
    if (io->priority < 0 || io->priority > 7)
        return config_err(err, "process.ioPriority.priority", "must be between 0 and 7, got %d", io->priority);
    return 0;
}

static int check_cpu_affinity(const struct oci_cpu_affinity *a, err_t *err)
{
    if (a == NULL)
        return 0;
    if (a->initial && a->initial[0] && !is_valid_number_list(a->initial))
        return config_err(err, "process.execCPUAffinity.initial", "\"%s\" is not a valid CPU list", a->initial);
    if (a->final && a->final[0] && !is_valid_number_list(a->final))
        return config_err(err, "process.execCPUAffinity.final", "\"%s\" is not a valid CPU list", a->final);
    return 0;
}

int check_process(struct oci_config *config, err_t *err)
{
    struct oci_process *p = config->process;
    if (p == NULL) {
        config->process_absent = true;
        config->process = p = xzalloc(sizeof(*p));
        p->cwd = xstrdup("/");
        return 0;
    }
    if (p->cwd == NULL)
        return config_err(err, "process.cwd", "is required");
    if (!is_absolute_path(p->cwd))
        return config_err(err, "process.cwd", "\"%s\" is not an absolute path", p->cwd);
    if (p->args_len == 0)
        return config_err(err, "process.args", "must have at least one entry");
    if (check_env(p, err) < 0 || check_rlimits(p, err) < 0 || check_capabilities(p->capabilities, err) < 0)
        return -1;
    if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
        return config_err(err, "process.oomScoreAdj", "must be between -1000 and 1000, got %d", p->oom_score_adj);
    if (p->user.has_umask && p->user.umask > 0777)
        return config_err(err, "process.user.umask", "must be at most 0777, got 0%o", p->user.umask);
    if (check_scheduler(p->scheduler, err) < 0 || check_io_priority(p->io_priority, err) < 0)
        return -1;
    return check_cpu_affinity(p->exec_cpu_affinity, err);
}
