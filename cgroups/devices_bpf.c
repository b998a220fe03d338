/* Device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program written
 * as raw instructions (the same program runc's devicefilter emits), attached
 * to the cgroup with BPF_F_ALLOW_MULTI. */
#include "internal.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_OLD_PROGS 64

struct program {
    struct bpf_insn *insns;
    size_t len;
};

static void emit(struct program *p, struct bpf_insn insn)
{
    p->insns = xrealloc(p->insns, (p->len + 1) * sizeof(*p->insns));
    p->insns[p->len++] = insn;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R4 4
#define R5 5
#define JUMP_TO_NEXT_RULE INT16_MIN /* patched once the rule's length is known */

/* r2 = device type, r3 = requested access, r4 = major, r5 = minor, from
 * struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }. */
static void emit_prologue(struct program *p)
{
    emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0));
    emit(p, insn(BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xFFFF));
    emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R3, R1, 0, 0));
    emit(p, insn(BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16));
    emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0));
    emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0));
}

static void emit_return(struct program *p, bool allow)
{
    emit(p, insn(BPF_ALU | BPF_MOV | BPF_K, R0, 0, 0, allow ? 1 : 0));
    emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static int32_t bpf_access(unsigned access)
{
    int32_t bits = 0;
    if (access & DEV_ACC_MKNOD)
        bits |= BPF_DEVCG_ACC_MKNOD;
    if (access & DEV_ACC_READ)
        bits |= BPF_DEVCG_ACC_READ;
    if (access & DEV_ACC_WRITE)
        bits |= BPF_DEVCG_ACC_WRITE;
    return bits;
}

/* If the request matches the rule, return its verdict; else fall through. */
static void emit_rule(struct program *p, const struct cg_dev_rule *rule)
{
    size_t start = p->len;
    if (rule->type != 'a')
        emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, R2, 0, JUMP_TO_NEXT_RULE,
                     rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    if (rule->access != DEV_ACC_ALL) {
        /* the requested access must be a subset of the rule's */
        emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0));
        emit(p, insn(BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, bpf_access(rule->access)));
        emit(p, insn(BPF_JMP | BPF_JNE | BPF_X, R1, R3, JUMP_TO_NEXT_RULE, 0));
    }
    if (rule->major != -1)
        emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, R4, 0, JUMP_TO_NEXT_RULE, (int32_t) rule->major));
    if (rule->minor != -1)
        emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, R5, 0, JUMP_TO_NEXT_RULE, (int32_t) rule->minor));
    emit_return(p, rule->allow);
    for (size_t i = start; i < p->len; i++)
        if (p->insns[i].off == JUMP_TO_NEXT_RULE)
            p->insns[i].off = (int16_t) (p->len - i - 1);
}

static long bpf(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load_program(const struct program *p, err_t *err)
{
    static char log[8192];
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t) (uintptr_t) p->insns;
    attr.insn_cnt = (uint32_t) p->len;
    attr.license = (uint64_t) (uintptr_t) "GPL";
    int fd = (int) bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0)
        return fd;
    int saved = errno;
    /* Load again with the verifier's log, to say why. */
    log[0] = '\0';
    attr.log_buf = (uint64_t) (uintptr_t) log;
    attr.log_size = sizeof(log);
    attr.log_level = 1;
    fd = (int) bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0)
        return fd;
    char *nl = strrchr(log, '\n');
    while (nl && nl > log && nl[1] == '\0') {
        *nl = '\0';
        nl = strrchr(log, '\n');
    }
    return make_err(err, saved, "load the device BPF program%s%s", log[0] ? ": " : "", nl ? nl + 1 : log);
}

static size_t query_attached(int cgfd, uint32_t *ids, size_t max)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = (uint32_t) cgfd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
    attr.query.prog_cnt = (uint32_t) max;
    if (bpf(BPF_PROG_QUERY, &attr) < 0)
        return 0;
    return attr.query.prog_cnt < max ? attr.query.prog_cnt : max;
}

static void detach(int cgfd, uint32_t id)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_id = id;
    cleanup_close int progfd = (int) bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (progfd < 0) {
        log_warn("cannot find device BPF program %u: %s", id, strerror(errno));
        return;
    }
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t) cgfd;
    attr.attach_bpf_fd = (uint32_t) progfd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        log_warn("cannot detach device BPF program %u: %s", id, strerror(errno));
}

int cg_devices_bpf_apply(int dirfd, const struct cg_dev_state *state, err_t *err)
{
    struct program p = {0};
    emit_prologue(&p);
    for (size_t i = 0; i < state->len; i++)
        emit_rule(&p, &state->rules[i]);
    emit_return(&p, state->default_allow);

    cleanup_err err_t cause = NULL;
    cleanup_close int progfd = load_program(&p, &cause);
    free(p.insns);
    if (progfd < 0)
        return cg_config_errno(err, cause->errnum, "linux.resources.devices", "%s", cause->msg);

    uint32_t old[MAX_OLD_PROGS];
    size_t n_old = query_attached(dirfd, old, MAX_OLD_PROGS);

    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t) dirfd;
    attr.attach_bpf_fd = (uint32_t) progfd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &attr) < 0)
        return cg_config_errno(err, errno, "linux.resources.devices", "attach the device BPF program");
    /* The new program is in place before the old ones go: no window where
     * the cgroup has no device filter. */
    for (size_t i = 0; i < n_old; i++)
        detach(dirfd, old[i]);
    return 0;
}
