#!/usr/bin/env bats
# The container lifecycle: create, start, state, kill, delete, run, list,
# container IDs and the pid file.

load helpers

# The process berth's pid stands for: its argv (NULs as spaces).
cmdline() {
    tr '\0' ' ' <"/proc/$1/cmdline"
}

@test "create leaves the container created, its process waiting before exec" {
    set_args checker sleep 100
    create_container
    run --separate-stderr berth state "$ID"
    assert_success
    local state=$output pid
    assert_equal "$(jq -r .ociVersion <<<"$state")" "1.3.0"
    assert_equal "$(jq -r .id <<<"$state")" "$ID"
    assert_equal "$(jq -r .status <<<"$state")" "created"
    assert_equal "$(jq -r .bundle <<<"$state")" "$BUNDLE"
    assert_equal "$(jq -r .rootfs <<<"$state")" "$BUNDLE/rootfs"
    assert_equal "$(jq -r .owner <<<"$state")" ""
    jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9:]+)$")' <<<"$state"
    # created within the last minute
    local created now
    created=$(date -d "$(jq -r .created <<<"$state")" +%s)
    now=$(date +%s)
    [ $((now - created)) -ge 0 ] && [ $((now - created)) -lt 60 ]
    pid=$(jq -r .pid <<<"$state")
    [ "$pid" -gt 0 ]
    [ -d "/proc/$pid" ]
    # in namespaces of its own, not yet the container's program
    [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
    [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
    [[ "$(cmdline "$pid")" != "checker sleep 100 " ]]
}

@test "start execs the process: created -> running -> stopped" {
    set_args sh -c 'echo started; exec checker sleep 100'
    create_container
    local pid
    pid=$(state_field "$ID" .pid)
    assert_equal "$(container_status "$ID")" "created"
    # nothing of the program ran before start
    assert_equal "$(container_out)" ""

    run --separate-stderr berth start "$ID"
    assert_success
    assert_output ""
    assert_equal "$stderr" ""
    wait_for_output "$ID" started
    assert_equal "$(container_status "$ID")" "running"
    assert_equal "$(state_field "$ID" .pid)" "$pid"
    # the same process, now running the container's program
    local tries=100
    while [[ "$(cmdline "$pid")" != "checker sleep 100 " ]] && ((tries-- > 0)); do sleep 0.05; done
    assert_equal "$(cmdline "$pid")" "checker sleep 100 "

    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    run berth state "$ID"
    assert_success
    # runtime.md: pid only when created or running
    assert_equal "$(jq -r 'has("pid")' <<<"$output")" "false"
    run --separate-stderr berth delete "$ID"
    assert_success
    assert_output ""
    assert_not_exist "$ROOT/$ID"
    run --separate-stderr berth state "$ID"
    assert_berth_error "container \"$ID\" does not exist"
    assert_nothing_left
}

@test "start of a container that is not created fails" {
    set_args checker sleep 100
    create_container
    berth start "$ID"
    run --separate-stderr berth start "$ID"
    assert_berth_error "cannot start container $ID: it is running, not created"
    assert_equal "$(container_status "$ID")" "running"
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    run --separate-stderr berth start "$ID"
    assert_berth_error "cannot start container $ID: it is stopped, not created"
    assert_equal "$(container_status "$ID")" "stopped"
}

# runtime.md: process is needed only by start, which must then fail.
@test "a config without process: create sets the container up, start fails and it stops, delete cleans up" {
    update_config 'del(.process)'
    create_container
    assert_equal "$(container_status "$ID")" created
    run --separate-stderr berth start "$ID"
    assert_berth_error "config.json: process: is not set, so there is nothing to start"
    wait_for_status "$ID" stopped
    berth delete "$ID"
    assert_nothing_left
}

@test "run exits with the container's exit code" {
    set_args checker exit 0
    run_container
    assert_success
    set_args checker exit 7
    run_container
    assert_failure 7
    set_args sh -c 'exit 255'
    run_container
    assert_failure 255
    assert_nothing_left
}

@test "run of a process killed by a signal exits with 128 + signal" {
    # without a pid namespace of its own the shell is not an init, and can
    # kill itself
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    set_args sh -c 'kill -SEGV $$'
    run_container
    assert_failure 139
    set_args sh -c 'kill -KILL $$'
    run_container
    assert_failure 137
    assert_nothing_left
}

@test "run of a container killed with berth kill KILL exits 137" {
    set_args sh -c 'echo ready; exec checker sleep 100'
    "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&- &
    local run_pid=$!
    wait_for_output "$ID" ready
    wait_for_status "$ID" running
    berth kill "$ID" KILL
    local rc=0
    wait "$run_pid" || rc=$?
    assert_equal "$rc" 137
    # run cleans up after itself
    assert_nothing_left
}

@test "run relays the signals it gets to the container" {
    set_args sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
    "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&- &
    local run_pid=$!
    wait_for_output "$ID" ready
    kill -TERM "$run_pid"
    local rc=0
    wait "$run_pid" || rc=$?
    assert_equal "$rc" 3
    assert_equal "$(container_out)" "$(printf 'ready\ngot TERM')"
    assert_nothing_left
}

@test "run removes the container when its process exits" {
    set_args checker hostname
    update_config '.hostname = "gone-after-run"'
    run_container
    assert_success
    assert_output "gone-after-run"
    assert_not_exist "$ROOT/$ID"
    run --separate-stderr berth state "$ID"
    assert_berth_error "container \"$ID\" does not exist"
    run berth list -q
    assert_output ""
    assert_nothing_left
}

@test "run --detach returns while the container runs" {
    set_args sh -c 'echo detached; exec checker sleep 100'
    # (the container's stdout is a file: bats must not wait for it)
    local rc=0
    "$BERTH" --root "$ROOT" run --detach --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&- ||
        rc=$?
    assert_equal "$rc" 0
    wait_for_output "$ID" detached
    assert_equal "$(container_status "$ID")" "running"
    local pid
    pid=$(state_field "$ID" .pid)
    [ -d "/proc/$pid" ]
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    berth delete "$ID"
    assert_nothing_left
}

@test "run -d is run --detach" {
    set_args checker sleep 100
    "$BERTH" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&-
    assert_equal "$(container_status "$ID")" "running"
    berth delete --force "$ID"
    assert_nothing_left
}

@test "kill sends signals given by name, SIG name, lowercase name and number" {
    set_args sh -c 'for s in USR1 USR2 HUP INT; do trap "echo got $s" $s; done
        trap "echo got TERM; exit 0" TERM
        echo ready
        while :; do sleep 0.05; done'
    create_container
    berth start "$ID"
    wait_for_output "$ID" ready
    berth kill "$ID" USR1
    wait_for_output "$ID" "got USR1"
    berth kill "$ID" SIGHUP
    wait_for_output "$ID" "got HUP"
    berth kill "$ID" 12
    wait_for_output "$ID" "got USR2"
    berth kill "$ID" int
    wait_for_output "$ID" "got INT"
    assert_equal "$(container_status "$ID")" "running"
    # TERM is the default
    run --separate-stderr berth kill "$ID"
    assert_success
    assert_output ""
    wait_for_output "$ID" "got TERM"
    wait_for_status "$ID" stopped
}

@test "kill with an invalid signal fails and sends nothing" {
    set_args checker sleep 100
    create_container
    berth start "$ID"
    run --separate-stderr berth kill "$ID" NOPE
    assert_berth_error 'unknown signal "NOPE"'
    run --separate-stderr berth kill "$ID" 0
    assert_berth_error 'invalid signal "0"'
    run --separate-stderr berth kill "$ID" 65
    assert_berth_error 'invalid signal "65"'
    assert_equal "$(container_status "$ID")" "running"
}

@test "kill of a stopped container fails with container not running" {
    set_args checker sleep 100
    create_container
    berth start "$ID"
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    run --separate-stderr berth kill "$ID" KILL
    assert_failure 1
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" '^berth: .*container not running'
}

@test "kill of a created container ends it" {
    set_args checker sleep 100
    create_container
    local pid
    pid=$(state_field "$ID" .pid)
    berth kill "$ID" TERM
    wait_for_status "$ID" stopped
    wait_for_exit "$pid"
    assert_equal "$(container_out)" ""
    berth delete "$ID"
    assert_nothing_left
}

@test "kill --all signals every process of the container" {
    # no pid namespace: killing the init does not end the others
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    set_args sh -c 'checker sleep 100 & checker sleep 100 & echo ready; wait'
    create_container
    berth start "$ID"
    wait_for_output "$ID" ready
    local procs=$(cgroup_dir pids)/cgroup.procs pids
    pids=$(cat "$procs")
    assert_equal "$(wc -w <<<"$pids")" 3
    run --separate-stderr berth kill --all "$ID" KILL
    assert_success
    for pid in $pids; do
        wait_for_exit "$pid"
    done
    wait_for_status "$ID" stopped
    berth delete "$ID"
    assert_nothing_left
}

@test "delete refuses a running or created container without --force" {
    set_args checker sleep 100
    create_container
    run --separate-stderr berth delete "$ID"
    assert_berth_error "cannot delete container $ID that is not stopped: created"
    assert_equal "$(container_status "$ID")" "created"
    berth start "$ID"
    run --separate-stderr berth delete "$ID"
    assert_berth_error "cannot delete container $ID that is not stopped: running"
    assert_equal "$(container_status "$ID")" "running"
    assert_exist "$ROOT/$ID"
}

@test "delete --force of a running container kills it and removes everything" {
    set_args checker sleep 100
    create_container
    berth start "$ID"
    local pid
    pid=$(state_field "$ID" .pid)
    assert_dir_exist "$(cgroup_dir pids)"
    run --separate-stderr berth delete --force "$ID"
    assert_success
    assert_output ""
    wait_for_exit "$pid" 1
    assert_not_exist "$(cgroup_dir pids)"
    assert_nothing_left
}

@test "delete --force of a created container" {
    set_args checker sleep 100
    create_container
    local pid
    pid=$(state_field "$ID" .pid)
    berth delete -f "$ID"
    wait_for_exit "$pid" 1
    assert_nothing_left
}

@test "list prints a table, JSON, or only the IDs" {
    local other
    other=$(new_id)
    set_args checker sleep 100
    create_container
    ID=$other create_container
    berth start "$other"
    local pid1 pid2 created1
    pid1=$(state_field "$ID" .pid)
    pid2=$(state_field "$other" .pid)
    created1=$(state_field "$ID" .created)

    run --separate-stderr berth list
    assert_success
    assert_equal "${#lines[@]}" 3
    assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
    assert_line --regexp "^$ID +$pid1 +created +$BUNDLE +$created1 +root$"
    assert_line --regexp "^$other +$pid2 +running +$BUNDLE +[0-9T:.-]+Z +root$"

    run --separate-stderr berth list --format json
    assert_success
    assert_equal "$(jq length <<<"$output")" 2
    assert_equal "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | "\(.status) \(.pid) \(.bundle)"' <<<"$output")" \
        "created $pid1 $BUNDLE"
    assert_equal "$(jq -r --arg id "$other" '.[] | select(.id == $id) | "\(.status) \(.pid)"' <<<"$output")" \
        "running $pid2"
    # as the table, and as runc: the owner's name
    assert_equal "$(jq -r '[.[].owner] | unique | join(",")' <<<"$output")" "root"

    run --separate-stderr berth list -q
    assert_success
    assert_output "$(printf '%s\n' "$ID" "$other" | sort)"

    berth kill "$other" KILL
    wait_for_status "$other" stopped
    run berth list
    assert_line --regexp "^$other +0 +stopped +"
}

@test "list of an empty state root" {
    run --separate-stderr berth list
    assert_success
    assert_equal "${#lines[@]}" 1
    assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
    run --separate-stderr berth list --format json
    assert_success
    assert_equal "$(jq -c . <<<"$output")" "[]"
    run --separate-stderr berth list -q
    assert_success
    assert_output ""
    run --separate-stderr berth list --format yaml
    assert_berth_error 'list: --format must be table or json, not "yaml"'
}

@test "--pid-file holds the pid of the container's process" {
    set_args checker sleep 100
    create_container --pid-file "$BATS_TEST_TMPDIR/pid"
    assert_file_exist "$BATS_TEST_TMPDIR/pid"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/pid")" "$(state_field "$ID" .pid)"
    # a relative path is relative to the current directory
    local other
    other=$(new_id)
    cd "$BATS_TEST_TMPDIR"
    ID=$other create_container --pid-file rel.pid
    assert_equal "$(cat "$BATS_TEST_TMPDIR/rel.pid")" "$(state_field "$other" .pid)"
}

@test "run --pid-file" {
    set_args checker sleep 100
    "$BERTH" --root "$ROOT" run --detach --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&-
    assert_equal "$(cat "$BATS_TEST_TMPDIR/pid")" "$(state_field "$ID" .pid)"
}

@test "a container ID in use is refused, and the first container is untouched" {
    set_args checker sleep 100
    create_container
    local pid
    pid=$(state_field "$ID" .pid)
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_berth_error "container \"$ID\" already exists"
    run --separate-stderr berth run --bundle "$BUNDLE" "$ID"
    assert_berth_error "container \"$ID\" already exists"
    assert_equal "$(container_status "$ID")" "created"
    assert_equal "$(state_field "$ID" .pid)" "$pid"
    berth start "$ID"
    assert_equal "$(container_status "$ID")" "running"
}

@test "invalid container IDs are refused before anything is made" {
    local long
    long=$(printf 'a%.0s' {1..300})
    run --separate-stderr berth create --bundle "$BUNDLE" "../x"
    assert_berth_error "invalid container ID \"../x\": only letters, digits, '_', '.' and '-' are allowed"
    run --separate-stderr berth create --bundle "$BUNDLE" "a/b"
    assert_berth_error "invalid container ID \"a/b\": only letters, digits, '_', '.' and '-' are allowed"
    run --separate-stderr berth create --bundle "$BUNDLE" ""
    assert_berth_error "container ID is required"
    run --separate-stderr berth create --bundle "$BUNDLE" "$long"
    assert_berth_error "invalid container ID: longer than 255 characters"
    run --separate-stderr berth create --bundle "$BUNDLE" ".."
    assert_berth_error 'invalid container ID ".."'
    run --separate-stderr berth run --bundle "$BUNDLE" "x y"
    assert_berth_error "invalid container ID \"x y\": only letters, digits, '_', '.' and '-' are allowed"
    # the other commands check IDs too
    run --separate-stderr berth state "../x"
    assert_berth_error "invalid container ID \"../x\": only letters, digits, '_', '.' and '-' are allowed"
    run --separate-stderr berth delete --force "../x"
    assert_berth_error "invalid container ID \"../x\": only letters, digits, '_', '.' and '-' are allowed"
    assert_not_exist "$ROOT"
    assert_not_exist "$BATS_TEST_TMPDIR/x"
    assert_no_leftovers
}

@test "the longest valid ID (255 characters) works" {
    ID=$ID_PREFIX$(printf 'b%.0s' $(seq 1 $((255 - ${#ID_PREFIX}))))
    [ "${#ID}" -eq 255 ]
    set_args checker exit 0
    run_container
    assert_success
    assert_nothing_left
}

@test "create resolves a relative --bundle, and defaults to the current directory" {
    set_args checker sleep 100
    cd "$BATS_TEST_TMPDIR"
    "$BERTH" --root "$ROOT" create --bundle bundle "$ID" >/dev/null 2>&1 </dev/null 3>&-
    assert_equal "$(state_field "$ID" .bundle)" "$BUNDLE"
    local other
    other=$(new_id)
    cd "$BUNDLE"
    "$BERTH" --root "$ROOT" create "$other" >/dev/null 2>&1 </dev/null 3>&-
    assert_equal "$(state_field "$other" .bundle)" "$BUNDLE"
    assert_equal "$(state_field "$other" .rootfs)" "$BUNDLE/rootfs"
}

@test "state shows the config's annotations" {
    set_args checker sleep 100
    update_config '.annotations = {"org.example.key": "value", "other": "x y"}'
    create_container
    assert_equal "$(state_field "$ID" '.annotations["org.example.key"]')" "value"
    assert_equal "$(state_field "$ID" '.annotations.other')" "x y"
}

@test "the state root is created when missing, with parents" {
    ROOT=$BATS_TEST_TMPDIR/deep/state/root
    set_args checker exit 0
    run_container
    assert_success
    assert_dir_exist "$ROOT"
}
