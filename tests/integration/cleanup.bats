#!/usr/bin/env bats
# Nothing is left behind: a create that fails at any step leaves no state
# dir, no pid file, no mount, no process and no cgroup; delete and run clean
# up processes a container leaves in its cgroup.

load helpers

# failed_create MESSAGE_REGEX: `berth create` fails with one error line
# matching the regex, and leaves nothing.
failed_create() {
    run --separate-stderr "$BERTH" --root "$ROOT" create --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" "^berth: $1"
    assert_not_exist "$BATS_TEST_TMPDIR/pid"
    assert_nothing_left
    run --separate-stderr "$BERTH" --root "$ROOT" list -q
    assert_output ""
}

@test "a failing mount leaves nothing" {
    update_config '.mounts += [{"destination": "/data", "type": "nosuchfs", "source": "none"}]'
    failed_create 'mounts\[7\]: mount nosuchfs on /data: '
}

@test "a failing mount after others succeeded leaves nothing" {
    mkdir "$BATS_TEST_TMPDIR/src"
    update_config --arg s "$BATS_TEST_TMPDIR/src" '.mounts += [{"destination": "/ok", "type": "bind", "source": $s, "options": ["rbind"]},
        {"destination": "/data", "type": "bind", "source": "/nonexistent-berth-source", "options": ["bind"]}]'
    failed_create 'mounts\[8\]: .*nonexistent-berth-source'
}

@test "a missing executable leaves nothing" {
    set_args /bin/nope
    failed_create 'exec "/bin/nope": no such file or directory$'
    set_args nope
    failed_create 'exec "nope": executable file not found in \$PATH$'
}

@test "a missing rootfs leaves nothing" {
    update_config '.root.path = "nosuchrootfs"'
    failed_create "config.json: root.path: rootfs $BUNDLE/nosuchrootfs: no such file or directory$"
}

@test "a bad config leaves nothing" {
    update_config '.linux.namespaces[2].type = "pdi"'
    failed_create 'config.json: linux.namespaces\[2\].type: unknown namespace "pdi"$'
    echo '{"ociVersion": ' >"$BUNDLE/config.json"
    failed_create 'config.json: invalid JSON at line 2, column 1: parse error: premature EOF$'
}

@test "a device in the way leaves nothing" {
    echo "not a device" >"$BUNDLE/rootfs/etc/devnode"
    update_config '.linux.devices = [{"path": "/etc/devnode", "type": "c", "major": 1, "minor": 3}]'
    failed_create 'linux.devices\[0\]: /etc/devnode exists and is not the requested device: file exists$'
}

@test "a cwd that cannot be made leaves nothing" {
    update_config '.process.cwd = "/etc/passwd/sub"'
    failed_create 'process.cwd.*: not a directory$'
}

@test "a sysctl the kernel does not have leaves nothing" {
    update_config '.linux.sysctl = {"net.ipv4.berth_nosuch": "1"}'
    failed_create 'linux.sysctl\["net.ipv4.berth_nosuch"\]: .*: no such file or directory$'
}

@test "a resource the kernel refuses leaves nothing" {
    update_config '.linux.resources.cpu = {"cpus": "4096"}'
    failed_create '.*linux\.resources\.cpu\.cpus'
}

@test "a failing run leaves nothing" {
    set_args /bin/nope
    run_container --pid-file "$BATS_TEST_TMPDIR/pid"
    assert_berth_error 'exec "/bin/nope": no such file or directory'
    assert_not_exist "$BATS_TEST_TMPDIR/pid"
    assert_nothing_left
}

@test "delete kills what the container left in its cgroup" {
    # no pid namespace: the children outlive the init
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    set_args sh -c 'checker sleep 100 & checker sleep 100 & echo ready; exec checker sleep 100'
    create_container
    berth start "$ID"
    wait_for_output "$ID" ready
    local procs pids init
    procs=$(cgroup_dir pids)/cgroup.procs
    pids=$(cat "$procs")
    init=$(state_field "$ID" .pid)
    assert_equal "$(wc -w <<<"$pids")" 3
    # only the init is signalled
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    wait_for_exit "$init"
    assert_equal "$(wc -w <"$procs")" 2
    run --separate-stderr berth delete "$ID"
    assert_success
    for pid in $pids; do
        wait_for_exit "$pid" 1
    done
    assert_nothing_left
}

@test "run kills what the container left when its init exits" {
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    set_args sh -c 'checker sleep 100 & echo started'
    run_container
    assert_success
    assert_output "started"
    assert_nothing_left
}

@test "the processes of a pid namespace end with its init" {
    set_args sh -c 'checker sleep 100 & checker sleep 100 & echo ready; exec checker sleep 100'
    create_container
    berth start "$ID"
    wait_for_output "$ID" ready
    local pids
    pids=$(cat "$(cgroup_dir pids)/cgroup.procs")
    berth kill "$ID" KILL
    for pid in $pids; do
        wait_for_exit "$pid"
    done
    wait_for_status "$ID" stopped
    berth delete "$ID"
    assert_nothing_left
}

@test "a container whose process was killed from outside is stopped and can be deleted" {
    set_args checker sleep 100
    create_container
    berth start "$ID"
    local pid
    pid=$(state_field "$ID" .pid)
    kill -KILL "$pid"
    wait_for_status "$ID" stopped
    run --separate-stderr berth delete "$ID"
    assert_success
    assert_nothing_left
}

@test "many containers created at once in one root, then deleted" {
    set_args checker sleep 100
    local ids=() i pids=()
    for i in 1 2 3 4 5 6; do
        ids+=("$(new_id)")
    done
    for id in "${ids[@]}"; do
        ID=$id create_container &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p"
    done
    run berth list -q
    assert_output "$(printf '%s\n' "${ids[@]}" | sort)"
    for id in "${ids[@]}"; do
        assert_equal "$(container_status "$id")" "created"
    done
    # all distinct processes
    local distinct
    distinct=$(for id in "${ids[@]}"; do state_field "$id" .pid; done | sort -u | wc -l)
    assert_equal "$distinct" 6
    pids=()
    for id in "${ids[@]}"; do
        berth delete --force "$id" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p"
    done
    run berth list -q
    assert_output ""
    assert_no_leftovers
}
