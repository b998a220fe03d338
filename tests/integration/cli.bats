#!/usr/bin/env bats
# The command line: version, help, unknown commands and options, spec,
# features, logging.

load helpers

COMMANDS=(create delete features kill list run spec start state)

@test "--version and -v print the version and the spec version" {
    for flag in --version -v; do
        run --separate-stderr "$BERTH" "$flag"
        assert_success
        assert_line --index 0 --regexp '^berth version [0-9]+\.[0-9]+\.[0-9]+'
        assert_line "spec: 1.3.0"
        assert_equal "$stderr" ""
    done
}

@test "--help lists every command on stdout" {
    run --separate-stderr "$BERTH" --help
    assert_success
    assert_line --index 0 --partial "berth"
    assert_output --partial "Usage: berth"
    for cmd in "${COMMANDS[@]}"; do
        assert_line --regexp "^ +$cmd +[a-z]"
    done
    assert_equal "$stderr" ""
}

@test "no command: usage on stderr, exit status 1" {
    run --separate-stderr "$BERTH"
    assert_failure 1
    assert_output ""
    [[ "$stderr" == *"Usage: berth"* ]]
}

# the commands `berth --help` lists
listed_commands() {
    "$BERTH" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}'
}

@test "every command has --help, which does nothing else" {
    mkdir "$BATS_TEST_TMPDIR/empty"
    cd "$BATS_TEST_TMPDIR/empty"
    local all
    all=$(listed_commands)
    for cmd in "${COMMANDS[@]}"; do
        grep -qx "$cmd" <<<"$all" || fail "berth --help does not list $cmd"
    done
    for cmd in $all; do
        run --separate-stderr "$BERTH" --root "$ROOT" "$cmd" --help
        [ "$status" -eq 0 ] || fail "berth $cmd --help: exit status $status, stderr: $stderr"
        [[ "$output" == *"Usage: berth $cmd"* ]] || fail "berth $cmd --help: no usage line in: $output"
        [[ "$output" == *"--help"* ]] || fail "berth $cmd --help does not list --help: $output"
        assert_equal "$stderr" ""
    done
    # -h is the short form
    run --separate-stderr "$BERTH" --root "$ROOT" kill -h
    assert_success
    assert_output --partial "Usage: berth kill"
    # nothing was created: no state, no config.json
    assert_not_exist "$ROOT"
    assert_not_exist "$BATS_TEST_TMPDIR/empty/config.json"
}

@test "the help of create and run lists their options" {
    for cmd in create run; do
        run "$BERTH" "$cmd" --help
        assert_success
        for opt in --bundle --pid-file --no-pivot --no-new-keyring --preserve-fds; do
            assert_output --partial -- "$opt"
        done
    done
    run "$BERTH" run --help
    assert_output --partial -- "--detach"
    run "$BERTH" kill --help
    assert_output --partial -- "--all"
    run "$BERTH" delete --help
    assert_output --partial -- "--force"
    run "$BERTH" list --help
    assert_output --partial -- "--format"
}

@test "an unknown command is an error" {
    run --separate-stderr "$BERTH" --root "$ROOT" nope
    assert_berth_error 'unknown command "nope" (see berth --help)'
}

@test "an unknown option of a command is one error line naming it" {
    run --separate-stderr "$BERTH" --root "$ROOT" state --nope x
    assert_failure 1
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" '^berth: state: .*--nope'
}

@test "an unknown global option is an error" {
    run --separate-stderr "$BERTH" --root "$ROOT" --nope list
    assert_failure 1
    assert_output ""
    assert_regex "$stderr" '--nope'
}

@test "a command without its container ID is an error" {
    for cmd in start state delete; do
        run --separate-stderr "$BERTH" --root "$ROOT" "$cmd"
        assert_berth_error "$cmd: container ID is required (see berth $cmd --help)"
    done
    run --separate-stderr "$BERTH" --root "$ROOT" kill
    assert_berth_error "kill: container ID is required (see berth kill --help)"
    run --separate-stderr "$BERTH" --root "$ROOT" create --bundle "$BUNDLE"
    assert_berth_error "create: container ID is required (see berth create --help)"
    run --separate-stderr "$BERTH" --root "$ROOT" state a b
    assert_berth_error "state: too many arguments (see berth state --help)"
}

@test "commands on a container that does not exist fail" {
    for cmd in start state delete kill; do
        run --separate-stderr "$BERTH" --root "$ROOT" "$cmd" nosuch
        assert_berth_error 'container "nosuch" does not exist'
    done
    # a forced delete of nothing is fine (containerd deletes twice)
    run --separate-stderr "$BERTH" --root "$ROOT" delete --force nosuch
    assert_success
    assert_output ""
    assert_equal "$stderr" ""
}

@test "spec writes runc's default config.json" {
    mkdir "$BATS_TEST_TMPDIR/b"
    run --separate-stderr "$BERTH" spec --bundle "$BATS_TEST_TMPDIR/b"
    assert_success
    assert_output ""
    local c=$BATS_TEST_TMPDIR/b/config.json
    run jq -e . "$c"
    assert_success
    assert_equal "$(jq -r .ociVersion "$c")" "1.3.0"
    assert_equal "$(jq -c .process.args "$c")" '["sh"]'
    assert_equal "$(jq -r .process.terminal "$c")" "true"
    assert_equal "$(jq -r .process.cwd "$c")" "/"
    assert_equal "$(jq -r .root.path "$c")" "rootfs"
    assert_equal "$(jq -r .root.readonly "$c")" "true"
    assert_equal "$(jq -r .hostname "$c")" "runc"
    assert_equal "$(jq -c '[.linux.namespaces[].type]' "$c")" '["pid","network","ipc","uts","mount"]'
    assert_equal "$(jq -c '[.mounts[].destination]' "$c")" \
        '["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]'
    assert_equal "$(jq -c .process.capabilities.bounding "$c")" '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
    assert_equal "$(jq -c .process.capabilities.ambient "$c")" null
    assert_equal "$(jq -c .process.rlimits "$c")" '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]'
    assert_equal "$(jq -r '.linux.maskedPaths | index("/proc/kcore") != null' "$c")" "true"
    assert_equal "$(jq -r '.linux.readonlyPaths | index("/proc/sys") != null' "$c")" "true"
}

@test "spec without --bundle writes into the current directory" {
    mkdir "$BATS_TEST_TMPDIR/here"
    cd "$BATS_TEST_TMPDIR/here"
    run --separate-stderr "$BERTH" spec
    assert_success
    assert_file_exist "$BATS_TEST_TMPDIR/here/config.json"
    jq -e '.ociVersion == "1.3.0"' "$BATS_TEST_TMPDIR/here/config.json"
}

@test "spec refuses to overwrite an existing config.json" {
    mkdir "$BATS_TEST_TMPDIR/b"
    echo '{"mine": true}' >"$BATS_TEST_TMPDIR/b/config.json"
    run --separate-stderr "$BERTH" spec --bundle "$BATS_TEST_TMPDIR/b"
    assert_failure 1
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" "^berth: $BATS_TEST_TMPDIR/b/config.json already exists"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/b/config.json")" '{"mine": true}'
}

@test "spec into a missing directory fails" {
    run --separate-stderr "$BERTH" spec --bundle "$BATS_TEST_TMPDIR/nodir"
    assert_failure 1
    assert_output ""
    assert_regex "$stderr" "^berth: .*$BATS_TEST_TMPDIR/nodir/config.json.*: no such file or directory$"
    assert_not_exist "$BATS_TEST_TMPDIR/nodir"
}

@test "the config spec writes runs (with terminal off) without warnings" {
    rm "$BUNDLE/config.json"
    berth spec --bundle "$BUNDLE"
    update_config '.process.terminal = false | .process.args = ["checker", "hostname"]'
    run_container
    assert_success
    assert_output "runc"
    assert_equal "$stderr" ""
}

@test "features prints valid JSON with ociVersionMax 1.3.0" {
    run --separate-stderr "$BERTH" features
    assert_success
    assert_equal "$stderr" ""
    echo "$output" | jq -e . >/dev/null
    assert_equal "$(echo "$output" | jq -r .ociVersionMax)" "1.3.0"
    assert_equal "$(echo "$output" | jq -r .ociVersionMin)" "1.0.0"
    # what berth does: every namespace, every hook, seccomp, idmapped mounts,
    # netDevices; no LSM, no Intel RDT, no systemd cgroups
    assert_equal "$(echo "$output" | jq -c '.linux.namespaces | sort')" \
        '["cgroup","ipc","mount","network","pid","time","user","uts"]'
    assert_equal "$(echo "$output" | jq -c .hooks)" \
        '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
    assert_equal "$(echo "$output" | jq -r .linux.seccomp.enabled)" "true"
    assert_equal "$(echo "$output" | jq -r .linux.mountExtensions.idmap.enabled)" "true"
    assert_equal "$(echo "$output" | jq -r .linux.netDevices.enabled)" "true"
    assert_equal "$(echo "$output" | jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled, .linux.intelRdt.enabled,
        .linux.cgroup.systemd]')" '[false,false,false,false]'
    for opt in bind rbind ro rro nosuid nodev noexec tmpcopyup rprivate rslave; do
        echo "$output" | jq -e --arg o "$opt" '.mountOptions | index($o) != null' >/dev/null ||
            fail "mount option $opt is not in features"
    done
    echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null' >/dev/null
}

@test "--log FILE --log-format json: one JSON object per line, the error last" {
    local log=$BATS_TEST_TMPDIR/log.json
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$log" --log-format json state nosuch
    assert_berth_error 'container "nosuch" does not exist'
    assert_file_exist "$log"
    local n
    n=$(wc -l <"$log")
    [ "$n" -ge 1 ]
    while IFS= read -r line; do
        echo "$line" | jq -e 'type == "object" and (.level | type) == "string" and (.msg | type) == "string"
            and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$"))' >/dev/null ||
            fail "not a JSON log line with level, msg and time: $line"
    done <"$log"
    run jq -r '.level + " " + .msg' < <(tail -n 1 "$log")
    assert_output 'error container "nosuch" does not exist'
}

@test "--log appends, and a config error is logged with its JSON path" {
    local log=$BATS_TEST_TMPDIR/log.json
    echo '{"level":"info","msg":"before","time":"2020-01-01T00:00:00Z"}' >"$log"
    update_config '.linux.namespaces += [{"type": "pdi"}]'
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
    assert_berth_error 'config.json: linux.namespaces[5].type: unknown namespace "pdi"'
    assert_equal "$(head -n 1 "$log" | jq -r .msg)" "before"
    run jq -c '[.level, .msg]' < <(tail -n 1 "$log")
    assert_output '["error","config.json: linux.namespaces[5].type: unknown namespace \"pdi\""]'
    assert_nothing_left
}

@test "--log FILE in text format" {
    local log=$BATS_TEST_TMPDIR/log.txt
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$log" state nosuch
    assert_berth_error 'container "nosuch" does not exist'
    run tail -n 1 "$log"
    assert_output --regexp '^time="[0-9T:.-]+Z" level=error msg="container \\"nosuch\\" does not exist"$'
}

@test "--debug logs the unknown properties of config.json" {
    local log=$BATS_TEST_TMPDIR/log.json
    update_config '.process.args = ["checker", "exit", "0"] | .myExtension = {"a": 1}'
    run --separate-stderr "$BERTH" --root "$ROOT" --debug --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
    assert_success
    grep -q . "$log"
    while IFS= read -r line; do
        echo "$line" | jq -e 'has("level") and has("msg") and has("time")' >/dev/null || fail "bad log line: $line"
    done <"$log"
    run jq -r 'select(.level == "debug") | .msg' "$log"
    assert_output --partial "myExtension"
    # without --debug, no debug line
    rm "$log"
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
    assert_success
    run jq -r 'select(.level == "debug") | .msg' "$log"
    assert_output ""
}

@test "--log-format accepts only text and json" {
    run --separate-stderr "$BERTH" --root "$ROOT" --log-format xml list
    assert_berth_error '--log-format: must be text or json, not "xml"'
}

@test "--log to a file that cannot be opened is an error" {
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$BATS_TEST_TMPDIR/no/such/dir/log" list
    assert_berth_error "open log file $BATS_TEST_TMPDIR/no/such/dir/log: no such file or directory"
}
