/* spec_parse_config / spec_load_config: every field family read into the
 * structs, the default spec, and malformed inputs with their exact errors.
 * JSON in this file is written with ' for " and converted before use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "spec/spec.h"

static char *quoted(const char *s)
{
    char *j = xstrdup(s);
    for (char *p = j; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return j;
}

/* tests/unit/fixtures/<name>, from the repository root or next to this file. */
static char *read_fixture(const char *name)
{
    cleanup_free char *here = xstrdup(__FILE__);
    cleanup_free char *near = xasprintf("%s/fixtures/%s", dirname(here), name);
    cleanup_free char *from_root = xasprintf("tests/unit/fixtures/%s", name);
    cleanup_err err_t err = NULL;
    char *text = NULL;
    if (read_file_at(AT_FDCWD, from_root, 1 << 20, &text, NULL, &err) < 0 &&
        read_file_at(AT_FDCWD, near, 1 << 20, &text, NULL, &err) < 0)
        fail_msg("fixture %s: %s", name, err->msg);
    return text;
}

static struct oci_config *parse_ok(const char *text)
{
    cleanup_err err_t err = NULL;
    struct oci_config *cfg = NULL;
    int r = spec_parse_config(text, strlen(text), &cfg, &err);
    if (r < 0)
        fail_msg("unexpected error: %s", err->msg);
    return cfg;
}

/* ---- a config that sets every field ------------------------------------ */

static void test_full_config_top_level(void **state)
{
    (void) state;
    cleanup_free char *text = read_fixture("full-config.json");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_validate_config(cfg, &err), 0);

    assert_string_equal(cfg->oci_version, "1.3.0");
    assert_string_equal(cfg->root->path, "rootfs");
    assert_true(cfg->root->readonly);
    assert_string_equal(cfg->hostname, "box");
    assert_string_equal(cfg->domainname, "example.org");

    assert_int_equal(cfg->mounts_len, 2);
    assert_string_equal(cfg->mounts[0].destination, "/proc");
    assert_string_equal(cfg->mounts[0].type, "proc");
    assert_string_equal(cfg->mounts[0].source, "proc");
    assert_null(cfg->mounts[0].options);
    assert_int_equal(cfg->mounts[1].options_len, 2);
    assert_string_equal(cfg->mounts[1].options[1], "idmap");
    assert_null(cfg->mounts[1].options[2]);
    assert_int_equal(cfg->mounts[1].uid_mappings_len, 1);
    assert_int_equal(cfg->mounts[1].uid_mappings[0].host_id, 100000);
    assert_int_equal(cfg->mounts[1].uid_mappings[0].size, 65536);
    assert_int_equal(cfg->mounts[1].gid_mappings[0].host_id, 200000);

    assert_true(cfg->has_hooks);
    assert_int_equal(cfg->hooks[HOOK_PRESTART].len, 1);
    assert_string_equal(cfg->hooks[HOOK_CREATE_RUNTIME].hooks[0].path, "/bin/create-runtime");
    assert_int_equal(cfg->hooks[HOOK_CREATE_RUNTIME].hooks[0].args_len, 2);
    assert_string_equal(cfg->hooks[HOOK_CREATE_RUNTIME].hooks[0].env[0], "A=1");
    assert_true(cfg->hooks[HOOK_CREATE_RUNTIME].hooks[0].has_timeout);
    assert_int_equal(cfg->hooks[HOOK_CREATE_RUNTIME].hooks[0].timeout, 5);
    assert_false(cfg->hooks[HOOK_PRESTART].hooks[0].has_timeout);
    assert_string_equal(cfg->hooks[HOOK_CREATE_CONTAINER].hooks[0].path, "/bin/create-container");
    assert_string_equal(cfg->hooks[HOOK_START_CONTAINER].hooks[0].path, "/bin/start-container");
    assert_int_equal(cfg->hooks[HOOK_POSTSTART].len, 2);
    assert_string_equal(cfg->hooks[HOOK_POSTSTOP].hooks[0].path, "/bin/poststop");

    assert_int_equal(cfg->annotations.len, 2);
    assert_string_equal(oci_map_get(&cfg->annotations, "com.example.a"), "1");
    assert_string_equal(oci_map_get(&cfg->annotations, "com.example.b"), "");
    assert_null(oci_map_get(&cfg->annotations, "com.example.c"));
}

static void test_full_config_process(void **state)
{
    (void) state;
    cleanup_free char *text = read_fixture("full-config.json");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_validate_config(cfg, &err), 0);
    const struct oci_process *p = cfg->process;

    assert_true(p->terminal);
    assert_true(p->has_console_size);
    assert_int_equal(p->console_height, 25);
    assert_int_equal(p->console_width, 80);
    assert_string_equal(p->cwd, "/home");
    assert_int_equal(p->args_len, 3);
    assert_string_equal(p->args[2], "echo hi");
    assert_null(p->args[3]);
    assert_int_equal(p->env_len, 2);
    assert_string_equal(p->env[1], "TERM=xterm");
    assert_null(p->env[2]);
    assert_int_equal(p->user.uid, 1000);
    assert_int_equal(p->user.gid, 1001);
    assert_true(p->user.has_umask);
    assert_int_equal(p->user.umask, 022);
    assert_int_equal(p->user.additional_gids_len, 3);
    assert_int_equal(p->user.additional_gids[2], UINT32_MAX);

    assert_int_equal(p->rlimits_len, 2);
    assert_string_equal(p->rlimits[0].type, "RLIMIT_NOFILE");
    assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
    assert_int_equal(p->rlimits[0].soft, 1024);
    assert_int_equal(p->rlimits[0].hard, 4096);
    assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
    /* above INT64_MAX: read from the number's text, not yajl's strtoll */
    assert_true(p->rlimits[1].soft == UINT64_MAX);
    assert_true(p->rlimits[1].hard == UINT64_MAX);

    assert_int_equal(p->capabilities->bounding_len, 2);
    assert_string_equal(p->capabilities->bounding[1], "CAP_CHOWN");
    assert_string_equal(p->capabilities->effective[0], "CAP_KILL");
    assert_string_equal(p->capabilities->inheritable[0], "CAP_CHOWN");
    assert_int_equal(p->capabilities->permitted_len, 2);
    assert_string_equal(p->capabilities->ambient[0], "CAP_NET_BIND_SERVICE");
    assert_true(p->no_new_privileges);
    assert_string_equal(p->apparmor_profile, "berth-default");
    assert_true(p->has_oom_score_adj);
    assert_int_equal(p->oom_score_adj, -500);
    assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");

    assert_string_equal(p->scheduler->policy, "SCHED_DEADLINE");
    assert_int_equal(p->scheduler->nice, -5);
    assert_int_equal(p->scheduler->priority, 0);
    assert_int_equal(p->scheduler->flags_len, 2);
    assert_string_equal(p->scheduler->flags[1], "SCHED_FLAG_RECLAIM");
    assert_int_equal(p->scheduler->runtime, 10000000);
    assert_int_equal(p->scheduler->deadline, 20000000);
    assert_int_equal(p->scheduler->period, 30000000);
    assert_string_equal(p->io_priority->class_name, "IOPRIO_CLASS_BE");
    assert_int_equal(p->io_priority->priority, 4);
    assert_string_equal(p->exec_cpu_affinity->initial, "0-3,7");
    assert_string_equal(p->exec_cpu_affinity->final, "1");
}

static void test_full_config_linux(void **state)
{
    (void) state;
    cleanup_free char *text = read_fixture("full-config.json");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    const struct oci_linux *l = cfg->linux_config;

    assert_int_equal(l->namespaces_len, 8);
    assert_int_equal(l->namespaces[0].type, NS_PID);
    assert_null(l->namespaces[0].path);
    assert_int_equal(l->namespaces[1].type, NS_NETWORK);
    assert_string_equal(l->namespaces[1].path, "/var/run/netns/x");
    assert_int_equal(l->namespaces[7].type, NS_TIME);
    assert_true(oci_has_namespace(cfg, NS_CGROUP));
    assert_ptr_equal(oci_find_namespace(cfg, NS_USER), &l->namespaces[5]);

    assert_int_equal(l->uid_mappings_len, 1);
    assert_int_equal(l->uid_mappings[0].container_id, 0);
    assert_int_equal(l->uid_mappings[0].host_id, 1000);
    assert_int_equal(l->uid_mappings[0].size, 32000);
    assert_int_equal(l->gid_mappings_len, 2);
    assert_int_equal(l->gid_mappings[1].container_id, 16000);

    assert_true(l->monotonic_offset.set);
    assert_int_equal(l->monotonic_offset.secs, -86400);
    assert_int_equal(l->monotonic_offset.nanosecs, 999999999);
    assert_true(l->boottime_offset.set);
    assert_true(l->boottime_offset.secs == INT64_MAX);
    assert_int_equal(l->boottime_offset.nanosecs, 0);

    assert_int_equal(l->devices_len, 3);
    assert_int_equal(l->devices[0].type, 'c');
    assert_string_equal(l->devices[0].path, "/dev/fuse");
    assert_int_equal(l->devices[0].major, 10);
    assert_int_equal(l->devices[0].minor, 229);
    assert_true(l->devices[0].has_file_mode);
    assert_int_equal(l->devices[0].file_mode, 0666);
    assert_true(l->devices[0].has_uid);
    assert_int_equal(l->devices[0].gid, 5);
    assert_false(l->devices[1].has_file_mode);
    assert_false(l->devices[1].has_uid);
    assert_int_equal(l->devices[2].type, 'p');

    assert_int_equal(l->net_devices_len, 2);
    assert_string_equal(l->net_devices[0].host_name, "eth1");
    assert_string_equal(l->net_devices[0].name, "ctr1");
    assert_string_equal(l->net_devices[1].host_name, "dummy0");
    assert_null(l->net_devices[1].name);

    assert_string_equal(l->cgroups_path, "/berth/full");
    assert_string_equal(l->rootfs_propagation, "rslave");
    assert_true(l->has_sysctl);
    assert_string_equal(oci_map_get(&l->sysctl, "net.ipv4.ip_forward"), "1");
    assert_int_equal(l->masked_paths_len, 2);
    assert_null(l->masked_paths[2]);
    assert_string_equal(l->readonly_paths[0], "/proc/sys");
    assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0");

    assert_string_equal(l->intel_rdt->clos_id, "guaranteed");
    assert_string_equal(l->intel_rdt->l3_cache_schema, "L3:0=7f0;1=1f");
    assert_string_equal(l->intel_rdt->mem_bw_schema, "MB:0=20;1=70");
    assert_int_equal(l->intel_rdt->schemata_len, 2);
    assert_true(l->intel_rdt->enable_monitoring);
    assert_string_equal(l->personality->domain, "LINUX32");
    assert_int_equal(l->personality->flags_len, 0);
    assert_string_equal(l->memory_policy->mode, "MPOL_INTERLEAVE");
    assert_string_equal(l->memory_policy->nodes, "0-1,3");
    assert_string_equal(l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
}

static void test_full_config_resources(void **state)
{
    (void) state;
    cleanup_free char *text = read_fixture("full-config.json");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    const struct oci_resources *r = cfg->linux_config->resources;

    assert_int_equal(r->devices_len, 2);
    assert_false(r->devices[0].allow);
    assert_int_equal(r->devices[0].type, 'a');
    assert_int_equal(r->devices[0].major, -1);
    assert_int_equal(r->devices[0].minor, -1);
    assert_string_equal(r->devices[0].access, "rwm");
    assert_true(r->devices[1].allow);
    assert_int_equal(r->devices[1].type, 'c');
    assert_int_equal(r->devices[1].major, 10);
    assert_string_equal(r->devices[1].access, "rw");

    const struct oci_memory *m = r->memory;
    assert_true(m->has_limit && m->limit == 536870912);
    assert_true(m->has_reservation && m->reservation == 268435456);
    assert_true(m->has_swap && m->swap == -1);
    assert_true(m->has_kernel && m->kernel == -1);
    assert_true(m->has_kernel_tcp && m->kernel_tcp == 0);
    assert_true(m->has_swappiness && m->swappiness == 60);
    assert_true(m->has_disable_oom_killer && m->disable_oom_killer);
    assert_true(m->has_use_hierarchy && !m->use_hierarchy);
    assert_true(m->has_check_before_update && m->check_before_update);

    const struct oci_cpu *cpu = r->cpu;
    assert_true(cpu->has_shares && cpu->shares == 1024);
    assert_true(cpu->has_quota && cpu->quota == 100000);
    assert_true(cpu->has_burst && cpu->burst == 50000);
    assert_true(cpu->has_period && cpu->period == 100000);
    assert_true(cpu->has_realtime_runtime && cpu->realtime_runtime == 950000);
    assert_true(cpu->has_realtime_period && cpu->realtime_period == 1000000);
    assert_string_equal(cpu->cpus, "0-3");
    assert_string_equal(cpu->mems, "0");
    assert_true(cpu->has_idle && cpu->idle == 1);

    const struct oci_block_io *b = r->block_io;
    assert_true(b->has_weight && b->weight == 500);
    assert_true(b->has_leaf_weight && b->leaf_weight == 300);
    assert_int_equal(b->weight_devices_len, 2);
    assert_true(b->weight_devices[0].has_weight && b->weight_devices[0].weight == 600);
    assert_false(b->weight_devices[0].has_leaf_weight);
    assert_true(b->weight_devices[1].has_leaf_weight && b->weight_devices[1].leaf_weight == 200);
    assert_int_equal(b->weight_devices[1].minor, 16);
    assert_int_equal(b->throttle[THROTTLE_READ_BPS].devices[0].rate, 600);
    assert_int_equal(b->throttle[THROTTLE_WRITE_BPS].devices[0].rate, 700);
    assert_int_equal(b->throttle[THROTTLE_READ_IOPS].devices[0].rate, 800);
    assert_int_equal(b->throttle[THROTTLE_WRITE_IOPS].len, 2);
    assert_int_equal(b->throttle[THROTTLE_WRITE_IOPS].devices[0].rate, 900);
    assert_true(b->throttle[THROTTLE_WRITE_IOPS].devices[1].rate == UINT64_MAX);

    assert_int_equal(r->hugepage_limits_len, 2);
    assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
    assert_true(r->hugepage_limits[0].limit == 9223372036854772000ULL);
    assert_true(r->network->has_class_id && r->network->class_id == 1048577);
    assert_string_equal(r->network->priorities[0].name, "eth0");
    assert_int_equal(r->network->priorities[0].priority, 500);
    assert_true(r->pids->has_limit && r->pids->limit == 32771);
    assert_int_equal(r->rdma_len, 2);
    assert_string_equal(r->rdma[0].device, "mlx5_1");
    assert_true(r->rdma[0].has_hca_handles && r->rdma[0].hca_handles == 3);
    assert_true(r->rdma[0].has_hca_objects && r->rdma[0].hca_objects == 10000);
    assert_false(r->rdma[1].has_hca_handles);
    assert_true(r->has_unified);
    assert_string_equal(oci_map_get(&r->unified, "io.weight"), "default 100");
}

static void test_full_config_seccomp(void **state)
{
    (void) state;
    cleanup_free char *text = read_fixture("full-config.json");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    const struct oci_seccomp *s = cfg->linux_config->seccomp;

    assert_string_equal(s->default_action, "SCMP_ACT_ERRNO");
    assert_true(s->has_default_errno_ret && s->default_errno_ret == 38);
    assert_int_equal(s->architectures_len, 2);
    assert_string_equal(s->architectures[1], "SCMP_ARCH_RISCV64");
    assert_string_equal(s->flags[1], "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    assert_string_equal(s->listener_path, "/run/seccomp-agent.sock");
    assert_string_equal(s->listener_metadata, "meta");
    assert_int_equal(s->syscalls_len, 3);
    assert_int_equal(s->syscalls[0].names_len, 2);
    assert_string_equal(s->syscalls[0].names[1], "write");
    assert_false(s->syscalls[0].has_errno_ret);
    assert_string_equal(s->syscalls[1].action, "SCMP_ACT_NOTIFY");
    const struct oci_syscall *sc = &s->syscalls[2];
    assert_true(sc->has_errno_ret && sc->errno_ret == 1);
    assert_int_equal(sc->args_len, 2);
    assert_int_equal(sc->args[0].index, 0);
    assert_true(sc->args[0].value == UINT64_MAX);
    assert_int_equal(sc->args[0].value_two, 255);
    assert_string_equal(sc->args[0].op, "SCMP_CMP_MASKED_EQ");
    assert_int_equal(sc->args[1].index, 5);
    assert_int_equal(sc->args[1].value_two, 0);
}

/* ---- absent, null, unknown and other-platform members ------------------- */

static void test_minimal_config_defaults(void **state)
{
    (void) state;
    cleanup_free char *text = quoted("{'ociVersion': '1.0.0'}");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    assert_null(cfg->root);
    assert_null(cfg->process);
    assert_null(cfg->linux_config);
    assert_false(cfg->has_hooks);
    assert_int_equal(cfg->mounts_len, 0);
    assert_int_equal(cfg->annotations.len, 0);
    assert_false(oci_has_namespace(cfg, NS_PID));
}

static void test_null_is_absent(void **state)
{
    (void) state;
    cleanup_free char *text = quoted("{'ociVersion': '1.3.0', 'hostname': null, 'linux': null,"
                                     " 'process': {'cwd': '/', 'args': ['sh'], 'oomScoreAdj': null,"
                                     " 'capabilities': null, 'user': {'uid': 1, 'gid': 2, 'umask': null}}}");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    assert_null(cfg->hostname);
    assert_null(cfg->linux_config);
    assert_false(cfg->process->has_oom_score_adj);
    assert_null(cfg->process->capabilities);
    assert_false(cfg->process->user.has_umask);
    assert_int_equal(cfg->process->user.gid, 2);
}

static void test_int64_min_and_negative_zero(void **state)
{
    (void) state;
    cleanup_free char *text = quoted("{'ociVersion': '1.3.0', 'linux': {'resources': {'memory':"
                                     " {'limit': -9223372036854775808, 'swappiness': -0}}}}");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    assert_true(cfg->linux_config->resources->memory->limit == INT64_MIN);
    assert_int_equal(cfg->linux_config->resources->memory->swappiness, 0);
}

static void test_unknown_and_other_platform_members_are_logged(void **state)
{
    (void) state;
    char log_path[] = "/tmp/berth-test-log-XXXXXX";
    int fd = mkstemp(log_path);
    assert_true(fd >= 0);
    close(fd);
    cleanup_err err_t err = NULL;
    assert_int_equal(log_init(log_path, LOG_TEXT, true, &err), 0);

    cleanup_free char *text = quoted("{'ociVersion': '1.3.0', 'x-vendor': {'a': [1, {'b': 2}]},"
                                     " 'windows': {'layerFolders': []}, 'solaris': {}, 'vm': {}, 'zos': {},"
                                     " 'process': {'cwd': '/', 'args': ['sh'], 'commandLine': 'sh',"
                                     " 'user': {'uid': 0, 'gid': 0, 'username': 'me'}, 'fooBar': 1},"
                                     " 'linux': {'resources': {'memory': {'limit': 1, 'newThing': true}}}}");
    cleanup_config struct oci_config *cfg = parse_ok(text);
    assert_int_equal(cfg->process->args_len, 1);
    assert_int_equal(cfg->linux_config->resources->memory->limit, 1);

    cleanup_free char *log = NULL;
    assert_int_equal(read_file_at(AT_FDCWD, log_path, 1 << 20, &log, NULL, &err), 0);
    unlink(log_path);
    assert_non_null(strstr(log, "level=debug msg=\"config.json: ignoring unknown property x-vendor\""));
    assert_non_null(strstr(log, "level=debug msg=\"config.json: ignoring unknown property process.fooBar\""));
    assert_non_null(
        strstr(log, "level=debug msg=\"config.json: ignoring unknown property linux.resources.memory.newThing\""));
    assert_non_null(strstr(log, "level=warning msg=\"config.json: ignoring windows: not used on Linux\""));
    assert_non_null(strstr(log, "level=warning msg=\"config.json: ignoring solaris: not used on Linux\""));
    assert_non_null(strstr(log, "level=warning msg=\"config.json: ignoring vm: not used on Linux\""));
    assert_non_null(strstr(log, "level=warning msg=\"config.json: ignoring zos: not used on Linux\""));
    assert_non_null(strstr(log, "level=warning msg=\"config.json: ignoring process.commandLine: not used on Linux\""));
    assert_non_null(
        strstr(log, "level=warning msg=\"config.json: ignoring process.user.username: not used on Linux\""));
}

/* ---- the default spec --------------------------------------------------- */

static void check_default_spec(enum default_spec_kind kind, const char *fixture)
{
    cleanup_free char *text = spec_default_config(kind, false);
    cleanup_free char *expected = read_fixture(fixture);
    /* the fixtures were written by `runc spec` as root (hostID 0), less its
     * ambient set (spec/default_spec.c says why) */
    if (geteuid() == 0 && getegid() == 0)
        assert_string_equal(text, expected);
    cleanup_config struct oci_config *cfg = parse_ok(text);
    cleanup_err err_t err = NULL;
    if (spec_validate_config(cfg, &err) < 0)
        fail_msg("default spec does not validate: %s", err->msg);
    assert_string_equal(cfg->oci_version, OCI_VERSION);
    assert_string_equal(cfg->process->args[0], "sh");
    assert_true(cfg->process->terminal);
    assert_true(cfg->process->no_new_privileges);
    assert_string_equal(cfg->root->path, "rootfs");
    assert_string_equal(cfg->hostname, "runc");
    assert_int_equal(cfg->mounts_len, 7);
    assert_int_equal(cfg->process->rlimits[0].resource, RLIMIT_NOFILE);
}

static void test_default_spec_round_trip(void **state)
{
    (void) state;
    check_default_spec(DEFAULT_SPEC, "runc-spec.json");
}

static void test_default_rootless_spec_round_trip(void **state)
{
    (void) state;
    check_default_spec(DEFAULT_SPEC_ROOTLESS, "runc-spec-rootless.json");
    cleanup_free char *text = spec_default_config(DEFAULT_SPEC_ROOTLESS, false);
    cleanup_config struct oci_config *cfg = parse_ok(text);
    assert_int_equal(cfg->linux_config->uid_mappings[0].host_id, geteuid());
    assert_int_equal(cfg->linux_config->gid_mappings[0].host_id, getegid());
    assert_true(oci_has_namespace(cfg, NS_USER));
    assert_false(oci_has_namespace(cfg, NS_NETWORK));
}

/* ---- spec_load_config --------------------------------------------------- */

static char *make_bundle(void)
{
    char tmpl[] = "/tmp/berth-test-bundle-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void remove_bundle(const char *bundle)
{
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    unlink(path);
    rmdir(bundle);
}

static void test_load_config(void **state)
{
    (void) state;
    cleanup_free char *bundle = make_bundle();
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *text = spec_default_config(DEFAULT_SPEC, false);
    cleanup_err err_t err = NULL;
    assert_int_equal(write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0644, &err), 0);

    cleanup_config struct oci_config *cfg = NULL;
    cleanup_free char *raw = NULL;
    size_t raw_len = 0;
    int r = spec_load_config(bundle, &cfg, &raw, &raw_len, &err);
    remove_bundle(bundle);
    assert_int_equal(r, 0);
    assert_string_equal(raw, text);
    assert_int_equal(raw_len, strlen(text));
    assert_string_equal(cfg->hostname, "runc");
}

static void test_load_config_missing(void **state)
{
    (void) state;
    cleanup_free char *bundle = make_bundle();
    cleanup_config struct oci_config *cfg = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_load_config(bundle, &cfg, NULL, NULL, &err), -1);
    cleanup_free char *expected = xasprintf("open %s/config.json: no such file or directory", bundle);
    cleanup_free char *text = err_text(err);
    remove_bundle(bundle);
    assert_string_equal(text, expected);
}

static void test_load_config_too_large(void **state)
{
    (void) state;
    cleanup_free char *bundle = make_bundle();
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    size_t len = CONFIG_MAX_SIZE + 1;
    cleanup_free char *big = xmalloc(len);
    memset(big, ' ', len);
    big[0] = '{';
    big[len - 1] = '}';
    cleanup_err err_t err = NULL;
    assert_int_equal(write_file_atomic_at(AT_FDCWD, path, big, len, 0644, &err), 0);
    cleanup_config struct oci_config *cfg = NULL;
    int r = spec_load_config(bundle, &cfg, NULL, NULL, &err);
    remove_bundle(bundle);
    assert_int_equal(r, -1);
    cleanup_free char *text = err_text(err);
    assert_string_equal(text, "config.json: larger than 4 MiB");
}

static void test_load_config_exactly_max_size(void **state)
{
    (void) state;
    cleanup_free char *bundle = make_bundle();
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *text = spec_default_config(DEFAULT_SPEC, false);
    size_t len = CONFIG_MAX_SIZE;
    cleanup_free char *big = xmalloc(len);
    memset(big, ' ', len);
    memcpy(big, text, strlen(text));
    cleanup_err err_t err = NULL;
    assert_int_equal(write_file_atomic_at(AT_FDCWD, path, big, len, 0644, &err), 0);
    cleanup_config struct oci_config *cfg = NULL;
    int r = spec_load_config(bundle, &cfg, NULL, NULL, &err);
    remove_bundle(bundle);
    if (r < 0)
        fail_msg("%s", err->msg);
}

/* ---- malformed input: the exact error ----------------------------------- */

struct bad_input {
    const char *json; /* ' stands for " */
    const char *error;
};

#define P(...) "{'ociVersion': '1.3.0', 'process': {'cwd': '/', 'args': ['sh'], " __VA_ARGS__ "}}"
#define L(...) "{'ociVersion': '1.3.0', 'linux': {" __VA_ARGS__ "}}"
#define R(...) L("'resources': {" __VA_ARGS__ "}")

static const struct bad_input bad_inputs[] = {
    /* syntax, with line and column */
    {"{\n  'ociVersion': '1.3.0',\n  'root': x\n}",
     "config.json: invalid JSON at line 3, column 11: lexical error: invalid char in json text"},
    {"{'ociVersion': '1.3.0',}", "config.json: invalid JSON at line 1, column 24: parse error: invalid object key "
                                 "(must be a string)"},
    {"{'a': [1,\n 2", "config.json: invalid JSON at line 2, column 3: parse error: premature EOF"},
    {"", "config.json: invalid JSON at line 1, column 1: parse error: premature EOF"},
    {"{} {}", "config.json: invalid JSON at line 1, column 4: parse error: trailing garbage"},
    {"{'a' 1}", "config.json: invalid JSON at line 1, column 6: parse error: object key and value must be "
                "separated by a colon (':')"},
    {"{/* comment */}", "config.json: invalid JSON at line 1, column 2: lexical error: probable comment found in "
                        "input text, comments are not enabled"},
    {"{'a': 'b\nc'}", "config.json: invalid JSON at line 1, column 9: lexical error: invalid character inside string"},
    {"{'a': '\xff'}", "config.json: invalid JSON at line 1, column 8: lexical error: invalid bytes in UTF8 string"},
    {"[{'ociVersion': '1.3.0'}]", "config.json: expected a JSON object at the top level"},
    {"'1.3.0'", "config.json: expected a JSON object at the top level"},
    {"{'a': [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
     "config.json: JSON nested deeper than 64 levels at line 1, column 70"},
    /* duplicate member names, anywhere */
    {"{'ociVersion': '1.3.0', 'ociVersion': '1.3.0'}", "config.json: ociVersion: duplicate key"},
    {P("'cwd': '/tmp'"), "config.json: process.cwd: duplicate key"},
    {"{'annotations': {'a': '1', 'b': '2', 'a': '3'}}", "config.json: annotations[\"a\"]: duplicate key"},
    {"{'x-vendor': {'list': [{'k': 1, 'k': 2}]}}", "config.json: x-vendor.list[0].k: duplicate key"},
    {"{'windows': {'a': 1, 'a': 1}}", "config.json: windows.a: duplicate key"},
    {R("'memory': {'limit': 1, 'swap': 2, 'limit': 3}"), "config.json: linux.resources.memory.limit: duplicate key"},
    /* wrong types at several depths */
    {"{'ociVersion': 1}", "config.json: ociVersion: expected a string"},
    {"{'process': []}", "config.json: process: expected an object"},
    {"{'process': {'args': ['sh', 1]}}", "config.json: process.args[1]: expected a string"},
    {"{'process': {'args': 'sh'}}", "config.json: process.args: expected an array"},
    {P("'terminal': 'yes'"), "config.json: process.terminal: expected a boolean"},
    {P("'user': {'uid': '0', 'gid': 0}"), "config.json: process.user.uid: expected an integer"},
    {R("'memory': {'limit': '1G'}"), "config.json: linux.resources.memory.limit: expected an integer"},
    {R("'devices': [{'allow': 1}]"), "config.json: linux.resources.devices[0].allow: expected a boolean"},
    {"{'hooks': {'poststop': [{'path': '/bin/true', 'timeout': '5'}]}}",
     "config.json: hooks.poststop[0].timeout: expected an integer"},
    {"{'annotations': {'a': 1}}", "config.json: annotations[\"a\"]: expected a string"},
    {L("'sysctl': ['a=b']"), "config.json: linux.sysctl: expected an object"},
    {L("'netDevices': {'eth0': {'name': 1}}"), "config.json: linux.netDevices[\"eth0\"].name: expected a string"},
    {L("'seccomp': {'syscalls': [{'names': ['read'], 'args': [{'index': 0, 'value': 1, 'op': 7}]}]}"),
     "config.json: linux.seccomp.syscalls[0].args[0].op: expected a string"},
    /* integers: fractions, exponents, signs and ranges */
    {P("'user': {'uid': 1.5, 'gid': 0}"), "config.json: process.user.uid: 1.5 is not an integer"},
    {P("'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 1e3, 'hard': 1}]"),
     "config.json: process.rlimits[0].soft: 1e3 is not an integer"},
    {P("'user': {'uid': -1, 'gid': 0}"), "config.json: process.user.uid: -1 is out of range for uint32"},
    {L("'uidMappings': [{'containerID': 0, 'hostID': 0, 'size': 4294967296}]"),
     "config.json: linux.uidMappings[0].size: 4294967296 is out of range for uint32"},
    {R("'blockIO': {'weight': 65536}"), "config.json: linux.resources.blockIO.weight: 65536 is out of range for uint16"},
    {P("'scheduler': {'policy': 'SCHED_OTHER', 'nice': 2147483648}"),
     "config.json: process.scheduler.nice: 2147483648 is out of range for int32"},
    {P("'oomScoreAdj': -2147483649"), "config.json: process.oomScoreAdj: -2147483649 is out of range for int32"},
    {P("'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 1, 'hard': 18446744073709551616}]"),
     "config.json: process.rlimits[0].hard: 18446744073709551616 is out of range for uint64"},
    {R("'memory': {'limit': 9223372036854775808}"),
     "config.json: linux.resources.memory.limit: 9223372036854775808 is out of range for int64"},
    {R("'memory': {'swappiness': -1}"), "config.json: linux.resources.memory.swappiness: -1 is out of range for uint64"},
    {R("'rdma': {'mlx5_1': {'hcaHandles': -1}}"),
     "config.json: linux.resources.rdma[\"mlx5_1\"].hcaHandles: -1 is out of range for uint32"},
    /* enums the structs hold as C values */
    {L("'namespaces': [{'type': 'pid'}, {'type': 'mount'}, {'type': 'pdi'}]"),
     "config.json: linux.namespaces[2].type: unknown namespace \"pdi\""},
    {L("'devices': [{'type': 'x', 'path': '/dev/x', 'major': 1, 'minor': 1}]"),
     "config.json: linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)"},
    {R("'devices': [{'allow': true, 'type': 'u'}]"),
     "config.json: linux.resources.devices[0].type: unknown device type \"u\" (expected a, c or b)"},
    {L("'timeOffsets': {'realtime': {'secs': 1}}"),
     "config.json: linux.timeOffsets.realtime: unknown clock (only \"monotonic\" and \"boottime\" have offsets)"},
    /* required members the structs cannot leave unset */
    {L("'namespaces': [{'path': '/proc/1/ns/pid'}]"), "config.json: linux.namespaces[0].type: is required"},
    {L("'devices': [{'type': 'c', 'path': '/dev/x', 'minor': 1}]"), "config.json: linux.devices[0].major: is required"},
    {R("'devices': [{'access': 'rwm'}]"), "config.json: linux.resources.devices[0].allow: is required"},
    {P("'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1}]"), "config.json: process.rlimits[0].hard: is required"},
    {P("'user': {'gid': 0}"), "config.json: process.user.uid: is required"},
    {P("'consoleSize': {'height': 25}"), "config.json: process.consoleSize.width: is required"},
    {L("'gidMappings': [{'containerID': 0, 'size': 1}]"), "config.json: linux.gidMappings[0].hostID: is required"},
    {R("'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'minor': 0}]}"),
     "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: is required"},
    {R("'hugepageLimits': [{'pageSize': '2MB'}]"), "config.json: linux.resources.hugepageLimits[0].limit: is required"},
    {L("'seccomp': {'syscalls': [{'names': ['read'], 'args': [{'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}"),
     "config.json: linux.seccomp.syscalls[0].args[0].index: is required"},
    {P("'ioPriority': {'class': 'IOPRIO_CLASS_BE'}"), "config.json: process.ioPriority.priority: is required"},
};

static void test_bad_input(void **state)
{
    const struct bad_input *c = *state;
    cleanup_free char *text = quoted(c->json);
    cleanup_config struct oci_config *cfg = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_parse_config(text, strlen(text), &cfg, &err), -1);
    assert_null(cfg);
    cleanup_free char *msg = err_text(err);
    assert_string_equal(msg, c->error);
}

static void test_error_keeps_json_path(void **state)
{
    (void) state;
    cleanup_free char *text = quoted("{'process': {'args': ['sh', 1]}}");
    cleanup_config struct oci_config *cfg = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_parse_config(text, strlen(text), &cfg, &err), -1);
    assert_string_equal(err->json_path, "process.args[1]");
}

/* The buffer need not be NUL-terminated, and bytes after len are not read. */
static void test_parse_uses_len(void **state)
{
    (void) state;
    const char text[] = "{\"ociVersion\": \"1.3.0\"}garbage";
    cleanup_config struct oci_config *cfg = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_parse_config(text, strlen("{\"ociVersion\": \"1.3.0\"}"), &cfg, &err), 0);
    assert_string_equal(cfg->oci_version, "1.3.0");
}

static void test_embedded_nul_is_invalid(void **state)
{
    (void) state;
    const char text[] = "{\"a\": 1}\0{}";
    cleanup_config struct oci_config *cfg = NULL;
    cleanup_err err_t err = NULL;
    assert_int_equal(spec_parse_config(text, sizeof(text) - 1, &cfg, &err), -1);
    assert_string_equal(err->msg, "config.json: invalid JSON at line 1, column 9: parse error: trailing garbage");
}

int main(void)
{
    err_t log_err = NULL;
    if (log_init("/dev/null", LOG_TEXT, false, &log_err) < 0)
        return 1;
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_full_config_top_level),
        cmocka_unit_test(test_full_config_process),
        cmocka_unit_test(test_full_config_linux),
        cmocka_unit_test(test_full_config_resources),
        cmocka_unit_test(test_full_config_seccomp),
        cmocka_unit_test(test_minimal_config_defaults),
        cmocka_unit_test(test_null_is_absent),
        cmocka_unit_test(test_int64_min_and_negative_zero),
        cmocka_unit_test(test_default_spec_round_trip),
        cmocka_unit_test(test_default_rootless_spec_round_trip),
        cmocka_unit_test(test_load_config),
        cmocka_unit_test(test_load_config_missing),
        cmocka_unit_test(test_load_config_too_large),
        cmocka_unit_test(test_load_config_exactly_max_size),
        cmocka_unit_test(test_error_keeps_json_path),
        cmocka_unit_test(test_parse_uses_len),
        cmocka_unit_test(test_embedded_nul_is_invalid),
        /* last: it points the log at a file */
        cmocka_unit_test(test_unknown_and_other_platform_members_are_logged),
    };
    size_t n_fixed = ARRAY_SIZE(fixed), n_bad = ARRAY_SIZE(bad_inputs);
    struct CMUnitTest *tests = xzalloc((n_fixed + n_bad) * sizeof(*tests));
    for (size_t i = 0; i < n_bad; i++) {
        tests[i] = (struct CMUnitTest){
            .name = bad_inputs[i].error,
            .test_func = test_bad_input,
            .initial_state = (void *) &bad_inputs[i],
        };
    }
    memcpy(tests + n_bad, fixed, sizeof(fixed));
    int failed = _cmocka_run_group_tests("spec_parse", tests, n_fixed + n_bad, NULL, NULL);
    free(tests);
    return failed;
}
