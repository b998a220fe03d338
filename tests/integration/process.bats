#!/usr/bin/env bats
# config.json's process, as the process sees it from inside: args, env,
# cwd, user, umask, capabilities, rlimits, noNewPrivileges, oomScoreAdj,
# HOME, file descriptors, signals.

load helpers

# cap_mask BIT...: the /proc/PID/status hex mask of the given capability numbers.
cap_mask() {
    local m=0 b
    for b in "$@"; do m=$((m | (1 << b))); done
    printf '%016x' "$m"
}

# capability numbers (linux/capability.h)
CAP_CHOWN=0 CAP_KILL=5 CAP_NET_BIND_SERVICE=10 CAP_NET_RAW=13 CAP_SYS_ADMIN=21 CAP_AUDIT_WRITE=29

@test "args reach the process unchanged" {
    set_args sh -c 'printf "[%s]" "$@"; echo' sh "a b" "" 'c"d' '$HOME' "*"
    run_container
    assert_success
    assert_output '[a b][][c"d][$HOME][*]'
}

@test "env is the process's whole environment" {
    update_config '.process.env += ["FOO=bar", "WITH_EQ=a=b=c", "EMPTY="]'
    set_args sh -c 'echo "$FOO|$WITH_EQ|${EMPTY-unset}|$TERM"'
    run_container
    assert_success
    assert_output "bar|a=b=c||xterm"
    # nothing of berth's own environment
    export BERTH_HOST_ONLY=leak
    set_args checker env BERTH_HOST_ONLY
    run_container
    assert_success
    assert_output "(unset)"
}

@test "the executable is looked up in the container's PATH" {
    mkdir -p "$BUNDLE/rootfs/opt/tools"
    printf '#!/bin/sh\necho mytool ran\n' >"$BUNDLE/rootfs/opt/tools/mytool"
    chmod 755 "$BUNDLE/rootfs/opt/tools/mytool"
    update_config '.process.env = (.process.env | map(select(startswith("PATH=") | not))) + ["PATH=/opt/tools:/bin"]'
    set_args mytool
    run_container
    assert_success
    assert_output "mytool ran"
}

@test "a missing executable: exec errors by path and by name" {
    set_args /bin/nope
    run_container
    assert_berth_error 'exec "/bin/nope": no such file or directory'
    assert_nothing_left
    set_args nope
    run_container
    assert_berth_error 'exec "nope": executable file not found in $PATH'
    assert_nothing_left
}

@test "a file that is not executable, or a directory, cannot be the process" {
    set_args /etc/passwd
    run_container
    assert_berth_error 'exec "/etc/passwd": permission denied'
    set_args /bin
    run_container
    assert_berth_error 'exec "/bin": is a directory'
    assert_nothing_left
}

@test "cwd is the process's working directory, created when missing" {
    update_config '.process.cwd = "/root"'
    set_args checker cwd
    run_container
    assert_success
    assert_output "/root"
    assert_not_exist "$BUNDLE/rootfs/var/lib/work"
    update_config '.process.cwd = "/var/lib/work" | .root.readonly = false'
    run_container
    assert_success
    assert_output "/var/lib/work"
    assert_dir_exist "$BUNDLE/rootfs/var/lib/work"
}

@test "a cwd that is a file is an error" {
    update_config '.process.cwd = "/etc/passwd"'
    set_args checker cwd
    run_container
    assert_failure 1
    assert_output ""
    assert_regex "$stderr" '^berth: process.cwd.*/etc/passwd.*: not a directory$'
    assert_nothing_left
}

@test "user: uid, gid and additionalGids" {
    update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 1002]}'
    set_args checker id
    run_container
    assert_success
    assert_output "uid=1000 gid=1001 groups=5,1002"
    set_args checker ids
    run_container
    assert_success
    assert_output "ruid=1000 euid=1000 suid=1000 rgid=1001 egid=1001 sgid=1001"
}

@test "user: no additionalGids means no supplementary groups (not berth's)" {
    update_config '.process.user = {"uid": 0, "gid": 0}'
    set_args checker id
    # berth itself runs with supplementary groups
    run --separate-stderr setpriv --groups 4,27 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output "uid=0 gid=0 groups="
}

@test "umask: set by the config, else inherited from berth" {
    update_config '.process.user.umask = 63'
    set_args checker umask
    run_container
    assert_success
    assert_output "0077"
    update_config 'del(.process.user.umask)'
    run --separate-stderr bash -c 'umask 0027; exec "$0" --root "$1" run --bundle "$2" "$3"' "$BERTH" "$ROOT" "$BUNDLE" "$ID"
    assert_success
    assert_output "0027"
}

@test "umask applies to files the process creates" {
    update_config '.process.user.umask = 18 | .root.readonly = false'
    set_args sh -c 'rm -f /tmp/f && touch /tmp/f && stat -c %a /tmp/f'
    run_container
    assert_success
    assert_output "644"
    update_config '.process.user.umask = 7'
    run_container
    assert_success
    assert_output "660"
}

@test "HOME comes from the container's /etc/passwd, unless env sets it" {
    set_args checker env HOME
    run_container
    assert_success
    assert_output "/root"
    update_config '.process.user = {"uid": 65534, "gid": 65534}'
    run_container
    assert_success
    assert_output "/nonexistent"
    # a uid /etc/passwd does not know: /
    update_config '.process.user = {"uid": 4242, "gid": 4242}'
    run_container
    assert_success
    assert_output "/"
    update_config '.process.env += ["HOME=/my/home"]'
    run_container
    assert_success
    assert_output "/my/home"
}

@test "HOME is read from the container's /etc/passwd, not the host's" {
    echo "root:x:0:0:root:/container/root/home:/bin/sh" >"$BUNDLE/rootfs/etc/passwd"
    set_args checker env HOME
    run_container
    assert_success
    assert_output "/container/root/home"
}

@test "capabilities: runc's default set" {
    set_args checker caps
    run_container
    assert_success
    local m
    m=$(cap_mask $CAP_AUDIT_WRITE $CAP_KILL $CAP_NET_BIND_SERVICE)
    assert_line "CapInh:	0000000000000000"
    assert_line "CapPrm:	$m"
    assert_line "CapEff:	$m"
    assert_line "CapBnd:	$m"
    assert_line "CapAmb:	0000000000000000"
}

@test "capabilities of a non-root process: all five sets" {
    # For a non-root user, exec leaves permitted = effective = ambient
    # (capabilities(7)): inheritable and bounding are as configured.
    update_config '.process.user = {"uid": 1000, "gid": 1000}
        | .process.capabilities = {
            "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
            "permitted": ["CAP_KILL", "CAP_NET_RAW"],
            "effective": ["CAP_KILL", "CAP_NET_RAW"],
            "inheritable": ["CAP_KILL", "CAP_NET_RAW"],
            "ambient": ["CAP_KILL"]}'
    set_args checker caps
    run_container
    assert_success
    assert_equal "$stderr" ""
    assert_line "CapInh:	$(cap_mask $CAP_KILL $CAP_NET_RAW)"
    assert_line "CapPrm:	$(cap_mask $CAP_KILL)"
    assert_line "CapEff:	$(cap_mask $CAP_KILL)"
    assert_line "CapBnd:	$(cap_mask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW $CAP_SYS_ADMIN)"
    assert_line "CapAmb:	$(cap_mask $CAP_KILL)"
}

@test "capabilities of a root process with noNewPrivileges: all five sets" {
    # no_new_privs keeps exec from raising permitted past what it was, and
    # root's effective set is its permitted set.
    update_config '.process.noNewPrivileges = true
        | .process.capabilities = {
            "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
            "permitted": ["CAP_KILL"],
            "effective": ["CAP_KILL"],
            "inheritable": ["CAP_NET_RAW"]}'
    set_args checker caps
    run_container
    assert_success
    assert_line "CapInh:	$(cap_mask $CAP_NET_RAW)"
    assert_line "CapPrm:	$(cap_mask $CAP_KILL)"
    assert_line "CapEff:	$(cap_mask $CAP_KILL)"
    assert_line "CapBnd:	$(cap_mask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW)"
    assert_line "CapAmb:	0000000000000000"
}

@test "capabilities of a root process without noNewPrivileges" {
    # capabilities(7): exec gives root permitted = effective = bounding | inheritable
    update_config '.process.noNewPrivileges = false
        | .process.capabilities = {
            "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
            "permitted": ["CAP_KILL"],
            "effective": ["CAP_KILL"],
            "inheritable": ["CAP_NET_RAW"]}'
    set_args checker caps
    run_container
    assert_success
    assert_line "CapInh:	$(cap_mask $CAP_NET_RAW)"
    assert_line "CapPrm:	$(cap_mask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW)"
    assert_line "CapEff:	$(cap_mask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW)"
    assert_line "CapBnd:	$(cap_mask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW)"
    assert_line "CapAmb:	0000000000000000"
}

@test "capabilities are enforced: mount needs CAP_SYS_ADMIN" {
    set_args checker mount /tmp
    run_container
    assert_failure 1
    assert_output "mount: Operation not permitted"
    update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
        | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
    run_container
    assert_success
    assert_output "ok"
}

@test "no capabilities object: no capabilities at all" {
    update_config 'del(.process.capabilities)'
    set_args checker caps
    run_container
    assert_success
    # as runc: an absent object is an empty set, not the host's
    assert_line "CapEff:	0000000000000000"
    assert_line "CapPrm:	0000000000000000"
    assert_line "CapBnd:	0000000000000000"
}

@test "rlimits: soft and hard" {
    update_config '.process.rlimits = [
        {"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
        {"type": "RLIMIT_CORE", "soft": 1024, "hard": 4096},
        {"type": "RLIMIT_NPROC", "soft": 300, "hard": 400},
        {"type": "RLIMIT_MSGQUEUE", "soft": 8192, "hard": 8192}]'
    set_args sh -c 'for r in NOFILE CORE NPROC MSGQUEUE; do checker rlimit $r; done'
    run_container
    assert_success
    assert_output "$(printf '100 200\n1024 4096\n300 400\n8192 8192')"
}

@test "rlimits are enforced" {
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 16, "hard": 16}]'
    set_args sh -c 'for i in 14 15 16 17; do
        if (eval "exec $i</dev/null") 2>/dev/null; then echo "fd $i ok"; else echo "fd $i refused"; fi; done'
    run_container
    assert_success
    assert_output "$(printf 'fd 14 ok\nfd 15 ok\nfd 16 refused\nfd 17 refused')"
}

@test "a small RLIMIT_NOFILE does not break the container's setup" {
    # the limit is the process's: berth's own setup must not run under it
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 8, "hard": 8}]'
    set_args checker rlimit NOFILE
    run_container
    assert_success
    assert_output "8 8"
}

@test "an rlimit above berth's hard limit needs CAP_SYS_RESOURCE" {
    local eff
    eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
    if (((0x$eff >> 24) & 1)); then
        skip "this host gives CAP_SYS_RESOURCE: raising the hard limit works"
    fi
    local hard
    hard=$(ulimit -Hn)
    update_config --argjson n $((hard + 1)) '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $n, "hard": $n}]'
    set_args checker rlimit NOFILE
    run_container
    assert_berth_error "process.rlimits[0]: set RLIMIT_NOFILE to $((hard + 1)):$((hard + 1)): operation not permitted"
    assert_nothing_left
}

@test "noNewPrivileges" {
    set_args checker nnp
    update_config '.process.noNewPrivileges = true'
    run_container
    assert_success
    assert_output "1"
    update_config '.process.noNewPrivileges = false'
    run_container
    assert_success
    assert_output "0"
}

@test "noNewPrivileges stops a setuid binary from gaining root" {
    cp "$BUNDLE/rootfs/bin/checker" "$BUNDLE/rootfs/bin/suid-checker"
    chmod 4755 "$BUNDLE/rootfs/bin/suid-checker"
    update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
    set_args suid-checker ids
    run_container
    assert_success
    assert_output "ruid=1000 euid=0 suid=0 rgid=1000 egid=1000 sgid=1000"
    update_config '.process.noNewPrivileges = true'
    run_container
    assert_success
    assert_output "ruid=1000 euid=1000 suid=1000 rgid=1000 egid=1000 sgid=1000"
}

@test "oomScoreAdj: set by the config, else inherited" {
    set_args checker oom
    update_config '.process.oomScoreAdj = 500'
    run_container
    assert_success
    assert_output "500"
    update_config 'del(.process.oomScoreAdj)'
    run --separate-stderr bash -c 'echo 123 >/proc/self/oom_score_adj; exec "$0" --root "$1" run --bundle "$2" "$3"' \
        "$BERTH" "$ROOT" "$BUNDLE" "$ID"
    assert_success
    assert_output "123"
}

@test "only fds 0, 1 and 2 reach the process" {
    set_args checker fds
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID" 5</dev/null 7>"$BATS_TEST_TMPDIR/seven"
    assert_success
    assert_output "0 1 2"
}

@test "--preserve-fds N passes fds 3 to 2+N" {
    echo three >"$BATS_TEST_TMPDIR/three"
    echo four >"$BATS_TEST_TMPDIR/four"
    set_args sh -c 'checker fds; read a <&3; read b <&4; echo "$a $b"'
    run --separate-stderr "$BERTH" --root "$ROOT" run --preserve-fds 2 --bundle "$BUNDLE" "$ID" \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5</dev/null
    assert_success
    # (sh's own fds are inherited by checker: none of them are past 4)
    assert_line --index 0 "0 1 2 3 4"
    assert_line --index 1 "three four"
}

@test "create --preserve-fds keeps the fds until start" {
    echo kept >"$BATS_TEST_TMPDIR/kept"
    set_args sh -c 'checker fds; read a <&3; echo "$a"'
    "$BERTH" --root "$ROOT" create --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 3<"$BATS_TEST_TMPDIR/kept" 4</dev/null </dev/null
    berth start "$ID"
    wait_for_status "$ID" stopped
    assert_equal "$(container_out)" "$(printf '0 1 2 3\nkept')"
}

@test "--preserve-fds takes a number" {
    run --separate-stderr berth run --preserve-fds abc --bundle "$BUNDLE" "$ID"
    assert_berth_error '--preserve-fds: invalid number "abc"'
    assert_not_exist "$ROOT/$ID"
}

@test "stdin, stdout and stderr are berth's" {
    set_args sh -c 'read line; echo "out:$line"; echo "err:$line" >&2'
    run --separate-stderr bash -c 'echo hello | "$0" --root "$1" run --bundle "$2" "$3"' "$BERTH" "$ROOT" "$BUNDLE" "$ID"
    assert_success
    assert_output "out:hello"
    assert_equal "$stderr" "err:hello"
}

@test "signal dispositions and mask are reset for the process" {
    set_args checker status Sig
    # berth started with HUP and USR1 ignored
    run --separate-stderr bash -c 'trap "" HUP USR1; exec "$0" --root "$1" run --bundle "$2" "$3"' \
        "$BERTH" "$ROOT" "$BUNDLE" "$ID"
    assert_success
    assert_line "SigBlk:	0000000000000000"
    assert_line "SigIgn:	0000000000000000"
    assert_line "SigCgt:	0000000000000000"
}

@test "a new session keyring named after the container, unless --no-new-keyring" {
    [ -e /proc/keys ] || skip "no /proc/keys"
    update_config '.linux.maskedPaths -= ["/proc/keys"]'
    set_args cat /proc/keys
    run_container
    assert_success
    assert_output --regexp "keyring +$ID: "
    # (keyrings outlive their last user for a while: another ID)
    ID=$(new_id)
    run_container --no-new-keyring
    assert_success
    refute_output --partial "$ID"
}
