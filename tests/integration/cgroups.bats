#!/usr/bin/env bats
# cgroups: limits written and enforced, OOM handling, pause/resume, update,
# ps, events, kill --all and cleanup. Runs on this hybrid host and, through
# `make test-vm`, on a pure cgroup v2 kernel.

load helpers

unified() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# cg_path CONTROLLER FILE: a file of the container's cgroup, wherever the
# host keeps that controller.
cg_path() {
    local path
    if unified; then
        path=$(sed -n 's/^0:://p' /proc/self/cgroup)
        echo "/sys/fs/cgroup${path%/}/$ID/$2"
    else
        echo "$(cgroup_dir "$1")/$2"
    fi
}

# (not through bats' run: the detached container would inherit the pipe run
# reads its output from, and run would wait for the container to exit)
run_detached() {
    "$BERTH" --root "$ROOT" run --detach --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/$ID.out" \
        2>"$BATS_TEST_TMPDIR/$ID.err" 3>&- || fail "berth run --detach failed: $(cat "$BATS_TEST_TMPDIR/$ID.err")"
}

@test "cgroups: a memory hog under a 32 MiB limit is OOM-killed, reported, and run exits 137" {
    set_args sh -c 'x=a; while true; do x=$x$x; done'
    update_config '.linux.resources.memory = {"limit": 33554432}'
    run_container
    assert_equal "$status" 137
    assert_equal "$stderr" "berth: container $ID was OOM-killed (memory limit 32 MiB, peak 32 MiB)"
    assert_nothing_left
}

@test "cgroups: the memory limit is written to the cgroup" {
    set_args sleep 100
    update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432}'
    run_detached
    if unified; then
        assert_equal "$(cat "$(cg_path memory memory.max)")" 67108864
        assert_equal "$(cat "$(cg_path memory memory.low)")" 33554432
        assert_equal "$(cat "$(cg_path memory memory.oom.group)")" 1
    else
        assert_equal "$(cat "$(cg_path memory memory.limit_in_bytes)")" 67108864
        assert_equal "$(cat "$(cg_path memory memory.soft_limit_in_bytes)")" 33554432
    fi
}

@test "cgroups: a fork loop stops at the pids limit" {
    # checker itself is one of the 10 tasks: 9 children fit, the 10th fork fails.
    set_args checker fork 30
    update_config '.linux.resources.pids = {"limit": 10}'
    run_container
    assert_success
    assert_output "forked=9 error=Resource temporarily unavailable"
}

@test "cgroups: pids.max holds the limit" {
    set_args sleep 100
    update_config '.linux.resources.pids = {"limit": 42}'
    run_detached
    assert_equal "$(cat "$(cg_path pids pids.max)")" 42
}

@test "cgroups: a device that is not allowed cannot be opened" {
    # /dev/kmsg is made in the container but the device cgroup denies it;
    # /dev/null (a default allowed device) opens.
    set_args sh -c 'echo x > /dev/kmsg; echo kmsg=$?; echo x > /dev/null; echo null=$?'
    update_config '.linux.devices += [{"type": "c", "path": "/dev/kmsg", "major": 1, "minor": 11, "fileMode": 438}]
        | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
    run_container
    assert_success
    assert_line "kmsg=1"
    assert_line "null=0"
}

@test "cgroups: the cpu quota appears in cpu.max or cpu.cfs_quota_us" {
    set_args sleep 100
    update_config '.linux.resources.cpu = {"quota": 50000, "period": 100000, "shares": 512}'
    run_detached
    if unified; then
        assert_equal "$(cat "$(cg_path cpu cpu.max)")" "50000 100000"
        # runc's conversion: 1 + ((512 - 2) * 9999) / 262142
        assert_equal "$(cat "$(cg_path cpu cpu.weight)")" 20
    else
        assert_equal "$(cat "$(cg_path cpu cpu.cfs_quota_us)")" 50000
        assert_equal "$(cat "$(cg_path cpu cpu.cfs_period_us)")" 100000
        assert_equal "$(cat "$(cg_path cpu cpu.shares)")" 512
    fi
}

@test "cgroups: pause freezes the container (state paused) and resume thaws it" {
    set_args sh -c 'while true; do sleep 0.05; done'
    run_detached
    run berth pause "$ID"
    assert_success
    assert_equal "$(container_status "$ID")" paused
    pid=$(state_field "$ID" .pid)
    # A frozen task sleeps in the freezer.
    grep -q '^State:.*[DS]' "/proc/$pid/status"
    run berth pause "$ID"
    assert_failure
    run berth resume "$ID"
    assert_success
    assert_equal "$(container_status "$ID")" running
    run berth resume "$ID"
    assert_failure
}

@test "cgroups: update changes a running container's limits" {
    set_args sleep 100
    update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
    run_detached
    run berth update --memory 96m --pids-limit 20 "$ID"
    assert_success
    assert_equal "$(cat "$(cg_path pids pids.max)")" 20
    if unified; then
        assert_equal "$(cat "$(cg_path memory memory.max)")" 100663296
    else
        assert_equal "$(cat "$(cg_path memory memory.limit_in_bytes)")" 100663296
    fi
    run berth update --resources - "$ID" <<<'{"pids": {"limit": 33}}'
    assert_success
    assert_equal "$(cat "$(cg_path pids pids.max)")" 33
    run --separate-stderr berth update --resources - "$ID" <<<'{"pids": {"limit": -5}}'
    assert_berth_error "resources: linux.resources.pids.limit: must be >= -1, got -5"
}

@test "cgroups: ps --format json is a bare array of the container's pids" {
    set_args sh -c 'sleep 100 & sleep 100'
    run_detached
    pid=$(state_field "$ID" .pid)
    for _ in $(seq 50); do
        [ "$(berth ps --format json "$ID" | jq length)" = 2 ] && break
        sleep 0.05
    done
    run berth ps --format json "$ID"
    assert_success
    assert_equal "$(jq length <<<"$output")" 2
    assert_equal "$(jq ".[0] == $pid or .[1] == $pid" <<<"$output")" true
    run berth ps "$ID"
    assert_success
    assert_line --index 0 --regexp 'PID'
    assert_equal "${#lines[@]}" 3
}

@test "cgroups: events report an OOM kill and state shows it" {
    # The memory hog starts once events watches: with memory.oom.group (v2)
    # the first OOM kill ends the whole container.
    mkdir "$BATS_TEST_TMPDIR/trigger"
    update_config --arg dir "$BATS_TEST_TMPDIR/trigger" '.linux.resources.memory = {"limit": 33554432}
        | .mounts += [{"destination": "/trigger", "type": "bind", "source": $dir, "options": ["rbind"]}]'
    set_args sh -c 'while [ ! -e /trigger/go ]; do sleep 0.05; done
        while true; do sh -c "x=a; while true; do x=\$x\$x; done"; sleep 0.2; done'
    create_container
    berth start "$ID"
    "$BERTH" --root "$ROOT" events --interval 600 "$ID" >"$BATS_TEST_TMPDIR/events" &
    events=$!
    # watching: its inotify (v2) or eventfd (v1) is open
    for _ in $(seq 600); do
        ls -l "/proc/$events/fd" 2>/dev/null | grep -qE 'anon_inode:(inotify|\[eventfd\])' && break
        sleep 0.05
    done
    touch "$BATS_TEST_TMPDIR/trigger/go"
    # (generous: the cgroup v2 VM emulates its CPU)
    wait_for_file "$BATS_TEST_TMPDIR/events" 60
    kill "$events" || true
    wait "$events" || true
    assert_equal "$(head -1 "$BATS_TEST_TMPDIR/events")" "{\"type\":\"oom\",\"id\":\"$ID\"}"
    assert_equal "$(state_field "$ID" .oomKilled)" true
}

@test "cgroups: events --stats prints runc's stats document once" {
    set_args sleep 100
    update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
    run_detached
    run berth events --stats "$ID"
    assert_success
    assert_equal "$(jq -r .type <<<"$output")" stats
    assert_equal "$(jq .data.memory.usage.limit <<<"$output")" 67108864
    assert_equal "$(jq .data.pids.limit <<<"$output")" 50
    assert_equal "$(jq .data.pids.current <<<"$output")" 1
    [ "$(jq .data.memory.usage.max <<<"$output")" -gt 0 ]
    [ "$(jq .data.cpu.usage.total <<<"$output")" -gt 0 ]
}

@test "cgroups: an impossible limit fails create, naming it, and leaves nothing behind" {
    update_config '.linux.resources.cpu = {"cpus": "99"}'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_failure
    assert_output ""
    [[ "$stderr" == "berth: config.json: linux.resources.cpu.cpus: "* ]] || fail "unexpected error: $stderr"
    assert_nothing_left
}

@test "cgroups: a relative cgroupsPath lives below berth's own cgroup" {
    set_args sleep 100
    update_config --arg p "berth-rel-$ID" '.linux.cgroupsPath = $p'
    run_detached
    pid=$(state_field "$ID" .pid)
    if unified; then
        grep -q "^0::.*/berth-rel-$ID\$" "/proc/$pid/cgroup"
    else
        grep -q "^[0-9]*:pids:.*/berth-rel-$ID\$" "/proc/$pid/cgroup"
        [ -d "$(cgroup_dir pids "berth-rel-$ID")" ]
    fi
    run berth delete --force "$ID"
    assert_success
    unified || [ ! -d "$(cgroup_dir pids "berth-rel-$ID")" ]
}

@test "cgroups: kill --all signals every process, delete removes the cgroup" {
    set_args sh -c 'sleep 100 & sleep 100 & wait'
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    run_detached
    dir=$(dirname "$(cg_path pids cgroup.procs)")
    for _ in $(seq 50); do
        [ "$(wc -l <"$dir/cgroup.procs")" -ge 3 ] && break
        sleep 0.05
    done
    run berth kill --all "$ID" KILL
    assert_success
    wait_for_status "$ID" stopped
    run berth delete "$ID"
    assert_success
    [ ! -d "$dir" ]
}

@test "cgroups: an OOM kill in one container changes nothing in another" {
    set_args sleep 100
    update_config '.linux.resources.memory = {"limit": 33554432}'
    run_detached
    bystander=$ID
    pid=$(state_field "$bystander" .pid)
    ID=$(new_id)
    set_args sh -c 'x=a; while true; do x=$x$x; done'
    run_container
    assert_equal "$status" 137
    assert_equal "$(container_status "$bystander")" running
    assert_equal "$(state_field "$bystander" .pid)" "$pid"
    assert_equal "$(state_field "$bystander" .oomKilled)" null
}

@test "cgroups: a container that may manage its cgroup (userns, cgroupns, rw mount) owns it (v2)" {
    unified || skip "cgroup ownership is only delegated on cgroup v2 (config-linux.md); this host is hybrid"
    use_userns
    update_config '.linux.namespaces += [{"type": "cgroup"}]
        | .mounts |= map(if .destination == "/sys/fs/cgroup" then .options -= ["ro"] else . end)'
    set_args sleep 100
    run_detached
    dir=$(dirname "$(cg_path pids cgroup.procs)")
    assert_equal "$(stat -c %u:%g "$dir")" 100000:100000
    assert_equal "$(stat -c %u "$dir/cgroup.procs")" 100000
    assert_equal "$(stat -c %u "$dir/cgroup.subtree_control")" 100000
    assert_equal "$(stat -c %u "$dir/pids.max")" 0
}

@test "cgroups: rootless with a delegated cgroup v2 subtree gets a cgroup of its own there" {
    unified || skip "needs a cgroup v2 subtree to delegate; this host is hybrid"
    user=berth-deleg
    id "$user" >/dev/null 2>&1 || useradd --create-home "$user"
    own=$(sed -n 's/^0:://p' /proc/self/cgroup)
    deleg=/sys/fs/cgroup${own%/}/berth-deleg-$$
    mkdir -p "$deleg/berth"
    echo +pids >"$deleg/cgroup.subtree_control"
    chown "$user" "$deleg" "$deleg/cgroup.procs" "$deleg/cgroup.subtree_control" "$deleg/cgroup.threads" \
        "$deleg/berth" "$deleg/berth/cgroup.procs"
    work=$(mktemp -d /tmp/berth-deleg.XXXXXX)
    chmod 755 "$work"
    cp -a "$BUNDLE" "$work/bundle"
    runuser -u "$user" -- "$BERTH" spec --rootless --bundle "$work/bundle.tmp" 2>/dev/null || true
    jq --arg me "$(id -u "$user")" --arg g "$(id -g "$user")" --arg cg "${own%/}/berth-deleg-$$/c$$" '
        .linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": ($me | tonumber), "size": 1}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": ($g | tonumber), "size": 1}]
        | .linux.cgroupsPath = $cg | .linux.resources = {"pids": {"limit": 42}}
        | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))
        | .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)
        | .process.args = ["cat", "/proc/self/cgroup"]' "$BUNDLE/config.json" >"$work/bundle/config.json"
    chown -R "$user" "$work"
    # berth runs in a leaf of the delegated subtree; the container goes beside it.
    run sh -c "echo \$\$ > $deleg/berth/cgroup.procs && exec runuser -u $user -- env XDG_RUNTIME_DIR=$work \
        $BERTH run --bundle $work/bundle $ID"
    rm -rf "$work"
    rmdir "$deleg/berth" "$deleg" 2>/dev/null || true
    userdel --remove "$user" 2>/dev/null || true
    assert_success
    assert_line "0::${own%/}/berth-deleg-$$/c$$"
    refute_output --partial "not writable"
}
