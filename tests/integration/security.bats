#!/usr/bin/env bats
# Security: seccomp, and a container with the default config trying to get
# out. Each escape test names the code of berth it guards: remove that
# protection and the test fails.

load helpers

# The default config of `berth spec`, as the helpers make it (three
# capabilities: AUDIT_WRITE, KILL, NET_BIND_SERVICE).
DEFAULT_CAPS=0000000020000420

# ---- escapes -------------------------------------------------------------------

@test "escape: no host process is visible (guards: CLONE_NEWPID in runtime/launch.c clone_container)" {
    sleep 100 &
    host_pid=$!
    set_args sh -c "ls /proc | grep '^[0-9]*\$' | sort -n | tr '\\n' ' '; echo; cat /proc/1/cmdline | tr '\\0' ' '; echo; checker ptrace $host_pid"
    run_container
    kill "$host_pid"
    assert_failure
    # sh and its pipeline (whichever had started when ls read /proc): the container's own, nothing else
    assert_line --index 0 --regexp '^1 ([2-5] )+$'
    assert_line --index 1 --partial "sh -c"
    assert_line "ptrace: No such process"
}

@test "escape: /proc/sys and /sys cannot be written (guards: readonly_path in namespaces/rootfs.c, sysfs ro)" {
    set_args sh -c 'echo 1 > /proc/sys/kernel/panic; echo 1 > /sys/kernel/mm/ksm/run; touch /sys/x'
    run_container
    assert_failure
    [[ "$stderr" == *"/proc/sys/kernel/panic: Read-only file system"* ]] || fail "$stderr"
    [[ "$stderr" == *"/sys/kernel/mm/ksm/run: Read-only file system"* ]] || fail "$stderr"
}

@test "escape: nothing can be mounted (guards: caps_drop_bounding and caps_apply in runtime/capabilities.c)" {
    set_args checker mount /tmp
    run_container
    assert_failure
    assert_output "mount: Operation not permitted"
}

@test "escape: no kernel module can be loaded (guards: the bounding set drop in runtime/capabilities.c)" {
    run "$CHECKER" initmodule
    [ "$output" = "init_module: Function not implemented" ] &&
        skip "this kernel cannot load modules at all (no CONFIG_MODULES): nothing to refuse"
    set_args checker initmodule
    run_container
    assert_failure
    assert_output "init_module: Operation not permitted"
}

@test "escape: the capabilities are exactly the configured ones (guards: caps_apply in runtime/capabilities.c)" {
    set_args checker caps
    run_container
    assert_success
    assert_line "CapInh:	0000000000000000"
    assert_line "CapPrm:	$DEFAULT_CAPS"
    assert_line "CapEff:	$DEFAULT_CAPS"
    assert_line "CapBnd:	$DEFAULT_CAPS"
    assert_line "CapAmb:	0000000000000000"
}

@test "escape: a device not in its list cannot be opened (guards: the device cgroup rules in cgroups/)" {
    update_config '.linux.devices += [{"type": "c", "path": "/dev/kmsg", "major": 1, "minor": 11, "fileMode": 438}]'
    set_args checker read /dev/kmsg
    run_container
    assert_failure
    assert_output "read: Operation not permitted"
}

@test "escape: no host fd reaches the container (guards: close_range in runtime/process.c process_exec)" {
    set_args checker fds
    exec 5</etc/hostname 6>"$BATS_TEST_TMPDIR/open-for-writing"
    run_container
    exec 5<&- 6>&-
    assert_success
    assert_output "0 1 2"
}

@test "escape: a cwd through a leaked fd is refused (CVE-2024-21626; guards: process_verify_cwd)" {
    update_config '.process.cwd = "/proc/self/fd/7"'
    run --separate-stderr berth run --bundle "$BUNDLE" "$ID" 7<"$BATS_TEST_TMPDIR"
    assert_failure
    [[ "$stderr" == "berth: process.cwd: "* ]] || fail "unexpected: $stderr"
    assert_nothing_left
}

@test "escape: a symlink in the rootfs cannot send a mount to the host (CVE-2021-30465; guards: root_open)" {
    hostdir=$BATS_TEST_TMPDIR/host-dir
    mkdir "$hostdir"
    ln -s "$hostdir" "$BUNDLE/rootfs/data"
    update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs"}]
        | .root.readonly = false'
    set_args sh -c 'touch /data/inside && echo ok'
    run_container
    assert_success
    assert_output ok
    # The tmpfs went on the rootfs's copy of that path, never on the host's.
    [ -z "$(ls -A "$hostdir")" ]
    [ -d "$BUNDLE/rootfs/$hostdir" ]
}

@test "escape: the berth binary cannot be written through /proc/PID/exe (CVE-2019-5736; guards: protect_binary)" {
    set_args sleep 100
    create_container
    pid=$(state_field "$ID" .pid)
    # Until exec the container's process is berth: a sealed memfd copy, never
    # the file on the host.
    assert_equal "$(readlink "/proc/$pid/exe")" "/memfd:berth (deleted)"
    run "$CHECKER" seals "/proc/$pid/exe"
    assert_success
    assert_output "write=1 grow=1 shrink=1 seal=1"
}

@test "escape: the process is not dumpable until exec (guards: PR_SET_DUMPABLE in runtime/init.c)" {
    # Created, the process already runs as uid 1000 and waits to exec; a
    # non-dumpable process's /proc files stay root's all the same.
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
    set_args sleep 100
    create_container
    pid=$(state_field "$ID" .pid)
    assert_equal "$(awk '/^Uid/ {print $2}' "/proc/$pid/status")" 1000
    assert_equal "$(stat -c %u "/proc/$pid/environ")" 0
}

@test "escape: masked paths give nothing, a masked directory is an empty read-only tmpfs" {
    set_args sh -c 'wc -c < /proc/keys; ls -A /sys/firmware | wc -l; touch /sys/firmware/x'
    run_container
    assert_failure
    assert_line --index 0 0
    assert_line --index 1 0
}

@test "escape: a /dev/null that is not the null device is never bound over masked paths (CVE-2025-31133)" {
    update_config --arg src "$BATS_TEST_TMPDIR/fake-null" '.mounts += [{"destination": "/dev/null", "type": "bind",
        "source": $src, "options": ["bind"]}]'
    echo secret >"$BATS_TEST_TMPDIR/fake-null"
    run --separate-stderr berth run --bundle "$BUNDLE" "$ID"
    assert_failure
    # Refused when the devices are made (or, failing that, when masking).
    [[ "$stderr" == *"/dev/null exists and is not the requested device"* ||
        "$stderr" == *"/dev/null is not the null device"* ]] || fail "unexpected: $stderr"
    assert_nothing_left
}

@test "escape: apparmor and selinux settings are errors on a host without them, not ignored" {
    [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && skip "AppArmor is enabled on this host"
    update_config '.process.apparmorProfile = "docker-default"'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_berth_error "config.json: process.apparmorProfile: AppArmor is not enabled on this host"
    [ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled on this host"
    update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_berth_error "config.json: process.selinuxLabel: SELinux is not enabled on this host"
}

# ---- seccomp --------------------------------------------------------------------

@test "seccomp: a denied syscall returns the configured errno inside" {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
    set_args checker mkdir /dev/shm/x
    run_container
    assert_failure
    assert_output "mkdir: No message of desired type"
}

@test "seccomp: argument conditions" {
    # personality(PER_LINUX32) is refused, the query personality(0xffffffff) is not.
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
        "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}
        | .linux.personality = {"domain": "LINUX"}'
    set_args sh -c 'linux32 true; echo linux32=$?; uname -m'
    run_container
    assert_success
    assert_line linux32=1
    assert_line x86_64
}

@test "seccomp: without noNewPrivileges the filter still loads, as root" {
    update_config '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
    set_args sh -c 'checker nnp; checker mkdir /dev/shm/x'
    run_container
    assert_failure
    assert_line 0
    assert_line "mkdir: Operation not permitted"
}

@test "seccomp: a filter that denies keyctl, without noNewPrivileges: the keyring is joined before it loads (guards: init_container)" {
    update_config '.linux.maskedPaths -= ["/proc/keys"]
        | .process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["keyctl", "add_key", "request_key"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
    set_args sh -c 'grep -q "keyring *$0: " /proc/keys && echo own-keyring' "$ID"
    run_container
    assert_success
    assert_output own-keyring
}

@test "seccomp: a filter that cannot be loaded fails create with the reason and leaves nothing" {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_M68K"]}'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_failure
    [[ "$stderr" == "berth: "*"linux.seccomp.architectures[0]"* ]] || fail "unexpected: $stderr"
    assert_nothing_left
}

@test "seccomp: an unknown syscall name is skipped with a warning, the rest applies" {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["no_such_call", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
    set_args checker mkdir /dev/shm/x
    run_container
    assert_failure
    assert_output "mkdir: No message of desired type"
    [[ "$stderr" == *"no_such_call (syscalls[0].names[0])"* ]] || fail "no warning: $stderr"
}

@test "seccomp: SCMP_ACT_NOTIFY sends the fd and the state to the listener, which answers" {
    listener=$TOP/build/tests/seccomp-listener
    [ -x "$listener" ] || skip "build/tests/seccomp-listener is missing (make test builds it)"
    sock=$BATS_TEST_TMPDIR/listener.sock
    "$listener" "$sock" >"$BATS_TEST_TMPDIR/listener.out" 2>&1 &
    listener_pid=$!
    for _ in $(seq 40); do [ -S "$sock" ] && break; sleep 0.05; done
    update_config --arg sock "$sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "listenerPath": $sock, "listenerMetadata": "berth-test",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
    # The listener says yes to mkdir without doing it.
    set_args sh -c 'mkdir /dev/shm/x && echo mkdir-ok; ls /dev/shm/x 2>&1; true'
    run_container
    wait "$listener_pid" || true
    assert_success
    assert_line mkdir-ok
    assert_line --partial "No such file or directory"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/listener.out")" mkdir
}

@test "seccomp: the default profile (berth spec --seccomp-default) runs busybox and refuses unshare and mount" {
    rm "$BUNDLE/config.json"
    berth spec --seccomp-default --bundle "$BUNDLE"
    update_config --arg tag "$TAG" '.process.terminal = false
        | .process.env += ["BERTH_TEST_TAG=" + $tag]
        | .process.args = ["sh", "-c", "ls / > /dev/null && echo ls-ok; unshare -m true; echo unshare=$?"]'
    [ "$(jq -r .linux.seccomp.defaultAction "$BUNDLE/config.json")" = SCMP_ACT_ERRNO ]
    run_container
    assert_success
    assert_line ls-ok
    assert_line unshare=1
    update_config '.process.noNewPrivileges = false'
    run_container
    assert_success
    assert_line ls-ok
}

@test "seccomp: features lists exactly what berth supports" {
    run berth features
    assert_success
    assert_equal "$(jq -r '.linux.seccomp.actions | join(",")' <<<"$output")" \
        "SCMP_ACT_ALLOW,SCMP_ACT_ERRNO,SCMP_ACT_KILL,SCMP_ACT_KILL_PROCESS,SCMP_ACT_KILL_THREAD,SCMP_ACT_LOG,SCMP_ACT_NOTIFY,SCMP_ACT_TRACE,SCMP_ACT_TRAP"
    assert_equal "$(jq -r '.linux.seccomp.operators | length' <<<"$output")" 7
    assert_equal "$(jq -r '.linux.seccomp.knownFlags | length' <<<"$output")" 4
    jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' <<<"$output" >/dev/null
}
