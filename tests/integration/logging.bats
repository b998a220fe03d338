#!/usr/bin/env bats
# --log FILE --log-format json: one JSON object per line, {"level", "msg",
# "time"}; the final error also has "errno" (when there is one), "jsonPath"
# (for config errors) and "stage" (where it failed: config, cgroup, mounts,
# hooks, process, terminal, exec, or the command's name).

load helpers

setup() {
    berth_setup
    LOG=$BATS_TEST_TMPDIR/berth.log
}

teardown() {
    kill_tracked_pids
    berth_teardown
}

# berth with a JSON log, under bats' run
jrun() {
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$LOG" --log-format json "$@"
}

# Every line of the log is a JSON object with a level, a msg and an RFC 3339
# time.
assert_json_log() {
    [ -s "$LOG" ] || fail "the log $LOG is empty"
    local line
    while IFS= read -r line; do
        jq -e 'type == "object" and (.level | IN("debug", "info", "warning", "error"))
            and (.msg | type == "string")
            and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9:]+)$"))' \
            <<<"$line" >/dev/null || fail "not a JSON log line with level, msg and time: $line"
    done <"$LOG"
}

# assert_last_log JSON: the last line of the log, without its time, is JSON
# (keys in any order).
assert_last_log() {
    assert_json_log
    assert_equal "$(tail -n 1 "$LOG" | jq -cS 'del(.time)')" "$(jq -cS . <<<"$1")"
}

@test "every line is one JSON object with level, msg and time; the error comes last" {
    update_config '.myExtension = 1 | .linux.namespaces += [{"type": "pdi"}]'
    jrun --debug run --bundle "$BUNDLE" "$ID"
    assert_berth_error 'config.json: linux.namespaces[5].type: unknown namespace "pdi"'
    assert_json_log
    [ "$(wc -l <"$LOG")" -ge 2 ] || fail "expected debug lines before the error: $(cat "$LOG")"
    assert_equal "$(tail -n 1 "$LOG" | jq -r .level)" "error"
    assert_equal "$(grep -c '"level":"error"' "$LOG")" 1
    assert_nothing_left
}

@test "a config error: stage config and its jsonPath, no errno" {
    update_config '.linux.namespaces += [{"type": "pdi"}]'
    jrun run --bundle "$BUNDLE" "$ID"
    assert_berth_error 'config.json: linux.namespaces[5].type: unknown namespace "pdi"'
    assert_last_log '{"level": "error", "msg": "config.json: linux.namespaces[5].type: unknown namespace \"pdi\"",
        "jsonPath": "linux.namespaces[5].type", "stage": "config"}'
    assert_nothing_left
}

@test "a missing rootfs: stage config, jsonPath root.path, errno ENOENT" {
    update_config '.root.path = "nowhere"'
    jrun create --bundle "$BUNDLE" "$ID"
    assert_berth_error "config.json: root.path: rootfs $BUNDLE/nowhere: no such file or directory"
    assert_last_log '{"level": "error", "msg": "config.json: root.path: rootfs '"$BUNDLE"'/nowhere: no such file or directory",
        "errno": 2, "jsonPath": "root.path", "stage": "config"}'
    assert_nothing_left
}

@test "process.terminal without a console socket: stage config, jsonPath process.terminal" {
    update_config '.process.terminal = true'
    jrun create --bundle "$BUNDLE" "$ID"
    assert_berth_error "config.json: process.terminal: needs --console-socket to hand the terminal to"
    assert_last_log '{"level": "error", "msg": "config.json: process.terminal: needs --console-socket to hand the terminal to",
        "jsonPath": "process.terminal", "stage": "config"}'
}

@test "a cgroup error: stage cgroup, the resource's jsonPath, errno" {
    update_config '.linux.resources.cpu.cpus = "9999"'
    jrun run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_json_log
    run jq -c '[.level, .stage, .jsonPath, (.errno | type)]' < <(tail -n 1 "$LOG")
    assert_output '["error","cgroup","linux.resources.cpu.cpus","number"]'
    assert_nothing_left
}

@test "a mount error: stage mounts, errno ENOENT" {
    update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent/berth-src", "options": ["bind"]}]'
    jrun run --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_json_log
    run jq -c '[.level, .stage, .errno]' < <(tail -n 1 "$LOG")
    assert_output '["error","mounts",2]'
    assert_equal "$(tail -n 1 "$LOG" | jq -r .msg)" "${stderr#berth: }"
    assert_nothing_left
}

@test "a process setting that cannot be applied: stage process, errno" {
    # above the hard limit berth has, without CAP_SYS_RESOURCE: EPERM
    local eff hard
    eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
    (((0x$eff >> 24) & 1)) && skip "CAP_SYS_RESOURCE is there: raising the hard limit would work"
    hard=$(ulimit -Hn)
    update_config --argjson h "$((hard * 4))" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": $h, "soft": 1024}]'
    jrun run --bundle "$BUNDLE" "$ID"
    assert_berth_error "process.rlimits[0]: set RLIMIT_NOFILE to 1024:$((hard * 4)): operation not permitted"
    assert_json_log
    run jq -c '[.level, .stage, .errno]' < <(tail -n 1 "$LOG")
    assert_output '["error","process",1]'
    assert_nothing_left
}

@test "a terminal that cannot be made: stage terminal, errno ENOENT" {
    [ -x "$RECVTTY" ] || skip "$RECVTTY is missing: make build/tests/recvtty"
    # no devpts in the container: no pty to open
    update_config '.process.terminal = true | .mounts |= map(select(.destination != "/dev/pts"))'
    start_recvtty console
    jrun create --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    assert_berth_error "process.terminal: open /dev/pts/ptmx (is devpts mounted at /dev/pts?): no such file or directory"
    assert_json_log
    run jq -c '[.level, .stage, .errno]' < <(tail -n 1 "$LOG")
    assert_output '["error","terminal",2]'
    assert_nothing_left
}

@test "run of a missing executable: stage exec, errno ENOENT (by path), none (by name)" {
    set_args /bin/nope
    jrun run --bundle "$BUNDLE" "$ID"
    assert_berth_error 'exec "/bin/nope": no such file or directory'
    assert_last_log '{"level": "error", "msg": "exec \"/bin/nope\": no such file or directory", "errno": 2, "stage": "exec"}'
    assert_nothing_left
    set_args nope
    jrun run --bundle "$BUNDLE" "$ID"
    assert_berth_error 'exec "nope": executable file not found in $PATH'
    assert_last_log '{"level": "error", "msg": "exec \"nope\": executable file not found in $PATH", "stage": "exec"}'
    assert_nothing_left
}

@test "berth exec of a missing executable: stage exec, errno ENOENT" {
    start_container
    jrun exec "$ID" /bin/nope
    assert_berth_error 'exec "/bin/nope": no such file or directory'
    assert_last_log '{"level": "error", "msg": "exec \"/bin/nope\": no such file or directory", "errno": 2, "stage": "exec"}'
    jrun exec "$ID" nope
    assert_berth_error 'exec "nope": executable file not found in $PATH'
    assert_last_log '{"level": "error", "msg": "exec \"nope\": executable file not found in $PATH", "stage": "exec"}'
}

@test "a failing hook: stage hooks, for hooks of the runtime and of the container" {
    local kind
    for kind in prestart createRuntime createContainer; do
        update_config --arg k "$kind" '.hooks = {($k): [{"path": "/bin/sh", "args": ["sh", "-c", "echo no; exit 3"]}]}'
        jrun create --bundle "$BUNDLE" "$ID"
        assert_berth_error "hooks.$kind[0]: /bin/sh exited with status 3: no"
        assert_last_log '{"level": "error", "msg": "hooks.'"$kind"'[0]: /bin/sh exited with status 3: no", "stage": "hooks"}'
        assert_nothing_left
    done
}

@test "a failing poststart hook at run and at start: stage hooks" {
    update_config '.hooks = {"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", "echo no; exit 3"]}]}'
    set_args checker sleep 1000
    jrun run --bundle "$BUNDLE" "$ID"
    assert_berth_error "hooks.poststart[0]: /bin/sh exited with status 3: no"
    assert_last_log '{"level": "error", "msg": "hooks.poststart[0]: /bin/sh exited with status 3: no", "stage": "hooks"}'
    assert_nothing_left
    create_container
    jrun start "$ID"
    assert_berth_error "hooks.poststart[0]: /bin/sh exited with status 3: no"
    assert_last_log '{"level": "error", "msg": "hooks.poststart[0]: /bin/sh exited with status 3: no", "stage": "hooks"}'
}

@test "a failing poststop hook is a warning in the log, not an error" {
    update_config '.hooks = {"poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "echo no; exit 3"]}]}'
    set_args checker exit 0
    create_container
    berth start "$ID"
    wait_for_status "$ID" stopped
    jrun delete "$ID"
    assert_success
    assert_equal "$stderr" ""
    assert_last_log '{"level": "warning", "msg": "hooks.poststop[0]: /bin/sh exited with status 3: no"}'
    refute grep -q '"level":"error"' "$LOG"
    assert_nothing_left
}

@test "errors of a command itself: its name is the stage" {
    jrun start "$ID-nosuch"
    assert_berth_error "container \"$ID-nosuch\" does not exist"
    assert_last_log '{"level": "error", "msg": "container \"'"$ID"'-nosuch\" does not exist", "stage": "start"}'
    jrun kill "$ID-nosuch" KILL
    assert_berth_error "container \"$ID-nosuch\" does not exist"
    assert_last_log '{"level": "error", "msg": "container \"'"$ID"'-nosuch\" does not exist", "stage": "kill"}'
    set_args checker exit 0
    create_container
    berth start "$ID"
    wait_for_status "$ID" stopped
    jrun exec "$ID" true
    assert_berth_error "cannot exec in container $ID: container not running"
    assert_last_log '{"level": "error", "msg": "cannot exec in container '"$ID"': container not running", "stage": "exec"}'
}

@test "the log is appended to by every command; each error is its own line" {
    jrun state "$ID-a"
    jrun state "$ID-b"
    assert_json_log
    assert_equal "$(jq -r .msg "$LOG")" "$(printf 'container "%s" does not exist\ncontainer "%s" does not exist' "$ID-a" "$ID-b")"
}
