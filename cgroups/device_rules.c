/* linux.resources.devices → the allow/deny state of a devices cgroup.
 *
 * berth copies runc's semantics exactly (libcontainer/specconv and the
 * devices emulator of opencontainers/cgroups), on v1 and on v2 alike:
 *  - The list is the config's rules in array order, THEN runc's default
 *    allowed devices appended (so a config cannot deny those).
 *  - The rules are replayed the way the v1 kernel applies writes to
 *    devices.allow/devices.deny, starting from "deny everything":
 *      type "a" (any major/minor/access) resets: allow → allow-all with
 *      no exceptions, deny → deny-all with no exceptions;
 *      otherwise a rule whose action differs from the current default
 *      adds an exception (access bits merged for the same type:major:minor)
 *      and a rule whose action equals the default removes access bits from
 *      the exception with exactly the same type:major:minor.
 *  - Removing access that a wildcard exception (c *:3, c 1:*, c *:*) also
 *    grants is an error: v1 would silently keep it.
 * The result is a default plus exceptions; a device is allowed when it
 * matches an allow exception (access included), or no exception and the
 * default allows. Since every exception has the same action, their order
 * does not matter. The v1 writes and the v2 BPF program both come from it. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ANY (-1)

/* runc's specconv.AllowedDevices (runc 1.2.4 and later, which restored
 * /dev/net/tun); /dev/console is not in it. */
const struct cg_dev_rule cg_default_device_rules[] = {
    {'c', ANY, ANY, DEV_ACC_MKNOD, true}, /* mknod of any char device */
    {'b', ANY, ANY, DEV_ACC_MKNOD, true}, /* mknod of any block device */
    {'c', 1, 3, DEV_ACC_ALL, true},       /* /dev/null */
    {'c', 1, 8, DEV_ACC_ALL, true},       /* /dev/random */
    {'c', 1, 7, DEV_ACC_ALL, true},       /* /dev/full */
    {'c', 5, 0, DEV_ACC_ALL, true},       /* /dev/tty */
    {'c', 1, 5, DEV_ACC_ALL, true},       /* /dev/zero */
    {'c', 1, 9, DEV_ACC_ALL, true},       /* /dev/urandom */
    {'c', 136, ANY, DEV_ACC_ALL, true},   /* /dev/pts/N */
    {'c', 5, 2, DEV_ACC_ALL, true},       /* /dev/ptmx */
    {'c', 10, 200, DEV_ACC_ALL, true},    /* /dev/net/tun */
};
const size_t cg_default_device_rules_len = ARRAY_SIZE(cg_default_device_rules);

void cg_dev_state_free(struct cg_dev_state *s)
{
    free(s->rules);
    s->rules = NULL;
    s->len = 0;
}

static void format_number(int64_t n, char *buf, size_t len)
{
    if (n == ANY)
        snprintf(buf, len, "*");
    else
        snprintf(buf, len, "%lld", (long long) n);
}

void cg_dev_rule_string(const struct cg_dev_rule *rule, char *buf, size_t len)
{
    char major[24], minor[24], access[4];
    size_t a = 0;
    if (rule->access & DEV_ACC_READ)
        access[a++] = 'r';
    if (rule->access & DEV_ACC_WRITE)
        access[a++] = 'w';
    if (rule->access & DEV_ACC_MKNOD)
        access[a++] = 'm';
    access[a] = '\0';
    if (rule->type == 'a') {
        snprintf(buf, len, "a *:* rwm");
        return;
    }
    format_number(rule->major, major, sizeof(major));
    format_number(rule->minor, minor, sizeof(minor));
    snprintf(buf, len, "%c %s:%s %s", rule->type, major, minor, access);
}

static struct cg_dev_rule *find(const struct cg_dev_state *s, char type, int64_t major, int64_t minor)
{
    for (size_t i = 0; i < s->len; i++)
        if (s->rules[i].type == type && s->rules[i].major == major && s->rules[i].minor == minor)
            return &s->rules[i];
    return NULL;
}

static unsigned access_of(const struct cg_dev_state *s, char type, int64_t major, int64_t minor)
{
    const struct cg_dev_rule *r = find(s, type, major, minor);
    return r ? r->access : 0;
}

static void add_exception(struct cg_dev_state *s, const struct cg_dev_rule *rule)
{
    struct cg_dev_rule *r = find(s, rule->type, rule->major, rule->minor);
    if (r) {
        r->access |= rule->access;
        return;
    }
    s->rules = xrealloc(s->rules, (s->len + 1) * sizeof(*s->rules));
    s->rules[s->len] = *rule;
    s->rules[s->len].allow = !s->default_allow;
    s->len++;
}

static int remove_exception(struct cg_dev_state *s, const struct cg_dev_rule *rule, char **problem)
{
    const int64_t partial[3][2] = {{ANY, rule->minor}, {rule->major, ANY}, {ANY, ANY}};
    for (size_t i = 0; i < 3; i++) {
        if (partial[i][0] == rule->major && partial[i][1] == rule->minor)
            continue;
        const struct cg_dev_rule *w = find(s, rule->type, partial[i][0], partial[i][1]);
        if (w && (w->access & rule->access)) {
            char want[64], have[64];
            cg_dev_rule_string(rule, want, sizeof(want));
            cg_dev_rule_string(w, have, sizeof(have));
            *problem = xasprintf("the rule %s cannot punch a hole in the wider rule %s (cgroup v1 semantics)", want,
                                 have);
            return -1;
        }
    }
    struct cg_dev_rule *r = find(s, rule->type, rule->major, rule->minor);
    if (r == NULL)
        return 0;
    r->access &= ~rule->access;
    if (r->access == 0) {
        size_t i = (size_t) (r - s->rules);
        memmove(&s->rules[i], &s->rules[i + 1], (s->len - i - 1) * sizeof(*r));
        s->len--;
    }
    return 0;
}

static int apply_rule(struct cg_dev_state *s, const struct cg_dev_rule *rule, char **problem)
{
    if (rule->type == 'a') {
        cg_dev_state_free(s);
        s->default_allow = rule->allow;
        return 0;
    }
    if (rule->allow == s->default_allow)
        return remove_exception(s, rule, problem);
    add_exception(s, rule);
    return 0;
}

static int compare_rules(const void *pa, const void *pb)
{
    const struct cg_dev_rule *a = pa, *b = pb;
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    return (a->type > b->type) - (a->type < b->type);
}

static void sort_state(struct cg_dev_state *s)
{
    if (s->len > 1)
        qsort(s->rules, s->len, sizeof(*s->rules), compare_rules);
}

static bool parse_access(const char *s, unsigned *out)
{
    unsigned bits = 0;
    if (s == NULL)
        s = "rwm";
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        switch (*s) {
        case 'r': bits |= DEV_ACC_READ; break;
        case 'w': bits |= DEV_ACC_WRITE; break;
        case 'm': bits |= DEV_ACC_MKNOD; break;
        default: return false;
        }
    }
    *out = bits;
    return true;
}

static int rule_from_config(const struct oci_device_rule *d, size_t i, struct cg_dev_rule *out, err_t *err)
{
    char path[64];
    out->type = d->type ? d->type : 'a';
    out->allow = d->allow;
    out->major = d->major;
    out->minor = d->minor;
    if (out->type != 'a' && out->type != 'b' && out->type != 'c') {
        snprintf(path, sizeof(path), "linux.resources.devices[%zu].type", i);
        return config_err(err, path, "\"%c\" is not a, b or c", out->type);
    }
    if (!parse_access(d->access, &out->access)) {
        snprintf(path, sizeof(path), "linux.resources.devices[%zu].access", i);
        return config_err(err, path, "\"%s\" is not made of r, w and m", d->access);
    }
    if (d->major < ANY || d->minor < ANY || d->major > UINT32_MAX || d->minor > UINT32_MAX) {
        snprintf(path, sizeof(path), "linux.resources.devices[%zu]", i);
        return config_err(err, path, "major and minor must be device numbers (or absent for any)");
    }
    return 0;
}

int cg_dev_state_from_config(const struct oci_resources *r, struct cg_dev_state *out, err_t *err)
{
    struct cg_dev_state s = {.default_allow = false};
    size_t n = r ? r->devices_len : 0;
    for (size_t i = 0; i < n + cg_default_device_rules_len; i++) {
        struct cg_dev_rule rule;
        cleanup_free char *problem = NULL;
        if (i < n) {
            if (rule_from_config(&r->devices[i], i, &rule, err) < 0) {
                cg_dev_state_free(&s);
                return -1;
            }
        } else {
            rule = cg_default_device_rules[i - n];
        }
        if (apply_rule(&s, &rule, &problem) < 0) {
            char path[64];
            cg_dev_state_free(&s);
            if (i < n) {
                snprintf(path, sizeof(path), "linux.resources.devices[%zu]", i);
                return config_err(err, path, "%s", problem);
            }
            return config_err(err, "linux.resources.devices", "runc's default device rules: %s", problem);
        }
    }
    sort_state(&s);
    *out = s;
    return 0;
}

static bool parse_number(const char *s, int64_t *out)
{
    uint64_t v;
    if (strcmp(s, "*") == 0) {
        *out = ANY;
        return true;
    }
    if (!parse_u64(s, &v) || v > UINT32_MAX)
        return false;
    *out = (int64_t) v;
    return true;
}

int cg_dev_state_from_list(const char *list, struct cg_dev_state *out, err_t *err)
{
    struct cg_dev_state s = {.default_allow = false};
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char type, major[16], minor[16], access[8];
        struct cg_dev_rule rule = {.allow = true};
        cleanup_free char *problem = NULL;
        if (sscanf(line, "%c %15[^:]:%15s %7s", &type, major, minor, access) != 4 ||
            !parse_number(major, &rule.major) || !parse_number(minor, &rule.minor) ||
            !parse_access(access, &rule.access)) {
            cg_dev_state_free(&s);
            return make_err(err, EINVAL, "devices.list: cannot parse \"%s\"", line);
        }
        rule.type = type;
        /* devices.list lists what is allowed: "a *:* rwm" means allow-all. */
        if (apply_rule(&s, &rule, &problem) < 0) {
            cg_dev_state_free(&s);
            return make_err(err, EINVAL, "devices.list: %s", problem);
        }
    }
    sort_state(&s);
    *out = s;
    return 0;
}

static void push(struct cg_dev_rule **rules, size_t *len, struct cg_dev_rule rule)
{
    *rules = xrealloc(*rules, (*len + 1) * sizeof(**rules));
    (*rules)[(*len)++] = rule;
}

int cg_dev_transition(const struct cg_dev_state *from, const struct cg_dev_state *to, struct cg_dev_rule **rules,
                      size_t *len)
{
    static const struct cg_dev_state empty = {0};
    const struct cg_dev_state *old = from;
    *rules = NULL;
    *len = 0;
    /* devices.list cannot show the deny exceptions of an allow-all cgroup,
     * so leaving allow-all (or changing the default) starts from scratch. */
    if (from->default_allow || from->default_allow != to->default_allow) {
        push(rules, len, (struct cg_dev_rule){'a', ANY, ANY, DEV_ACC_ALL, to->default_allow});
        old = &empty;
    }
    for (size_t i = 0; i < old->len; i++) {
        const struct cg_dev_rule *r = &old->rules[i];
        unsigned dropped = r->access & ~access_of(to, r->type, r->major, r->minor);
        if (dropped)
            push(rules, len, (struct cg_dev_rule){r->type, r->major, r->minor, dropped, to->default_allow});
    }
    for (size_t i = 0; i < to->len; i++) {
        const struct cg_dev_rule *r = &to->rules[i];
        unsigned gained = r->access & ~access_of(old, r->type, r->major, r->minor);
        if (gained)
            push(rules, len, (struct cg_dev_rule){r->type, r->major, r->minor, gained, !to->default_allow});
    }
    return 0;
}
