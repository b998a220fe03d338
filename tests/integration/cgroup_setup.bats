#!/usr/bin/env bats
# The container's cgroups: where they are made (below berth's own cgroup in
# every hierarchy), linux.resources applied and enforced, removal on delete.

load helpers

# every hierarchy berth's process is in: "name dir" lines
hierarchies() {
    local n ctrl path name
    while IFS=: read -r n ctrl path; do
        case "$ctrl" in
        "") name=unified ;;
        name=*) name=${ctrl#name=} ;;
        *) name=$ctrl ;;
        esac
        [ -d "/sys/fs/cgroup/$name" ] && echo "$name"
    done </proc/self/cgroup
    return 0
}

@test "the cgroup is named after the container, below berth's own in every hierarchy" {
    set_args checker sleep 100
    create_container
    local pid h
    pid=$(state_field "$ID" .pid)
    for h in $(hierarchies); do
        assert_dir_exist "$(cgroup_dir "$h")"
    done
    # the process is in it from the start (created, before start)
    grep -qx "$pid" "$(cgroup_dir pids)/cgroup.procs"
    grep -qx "$pid" "$(cgroup_dir memory)/cgroup.procs"
    run cat "/proc/$pid/cgroup"
    local own_mem
    own_mem=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
    assert_line --regexp "^[0-9]+:memory:${own_mem%/}/$ID\$"
    assert_line --regexp "^[0-9]+:pids:(/.*)?/$ID\$"
}

@test "delete removes the cgroup from every hierarchy" {
    set_args checker sleep 100
    create_container
    berth start "$ID"
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    assert_dir_exist "$(cgroup_dir memory)"
    berth delete "$ID"
    for h in $(hierarchies); do
        assert_not_exist "$(cgroup_dir "$h")"
    done
}

@test "a cgroup that existed before the container is used, and left by delete (runtime.md)" {
    local name=${ID}-existing h
    for h in $(hierarchies); do
        mkdir "$(cgroup_dir "$h" "$name")"
    done
    update_config --arg p "$name" '.linux.cgroupsPath = $p'
    set_args sh -c 'grep -E ":pids:" /proc/self/cgroup'
    run_container
    assert_success
    assert_output --regexp ":pids:(/.*)?/$name\$"
    for h in $(hierarchies); do
        assert_dir_exist "$(cgroup_dir "$h" "$name")"
        rmdir "$(cgroup_dir "$h" "$name")"
    done
}

@test "a relative cgroupsPath is below berth's own cgroup" {
    local parent=${ID}-parent
    update_config --arg p "$parent/inner" '.linux.cgroupsPath = $p'
    set_args sh -c 'grep -E ":(memory|pids):" /proc/self/cgroup'
    run_container
    local own_mem
    own_mem=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
    assert_success
    assert_line --regexp "^[0-9]+:memory:${own_mem%/}/$parent/inner\$"
    assert_line --regexp "^[0-9]+:pids:(/.*)?/$parent/inner\$"
    # the container's own cgroup is gone, its parent is the caller's to remove
    for h in $(hierarchies); do
        assert_not_exist "$(cgroup_dir "$h" "$parent/inner")"
        rmdir "$(cgroup_dir "$h" "$parent")"
    done
}

@test "memory limit" {
    update_config '.linux.resources.memory = {"limit": 67108864}'
    set_args cat /sys/fs/cgroup/memory/memory.limit_in_bytes
    run_container
    assert_success
    assert_output "67108864"
}

@test "memory limit is enforced: the process is OOM-killed" {
    update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
    # keep 64 MiB in a shell variable
    set_args sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
    run_container
    refute_output --partial "survived"
    assert_failure
}

@test "pids limit is applied and enforced" {
    update_config '.linux.resources.pids = {"limit": 5}'
    # checker itself is one of the 5
    set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max; exec checker fork 8'
    run_container
    assert_success
    assert_output "$(printf '5\nforked=4 error=Resource temporarily unavailable')"
}

@test "cpu shares, quota and period, cpuset" {
    update_config '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}'
    set_args sh -c 'cd /sys/fs/cgroup; cat cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus cpuset/cpuset.mems; grep Cpus_allowed_list /proc/self/status'
    run_container
    assert_success
    assert_output "$(printf '512\n50000\n100000\n0\n0\nCpus_allowed_list:\t0')"
}

@test "resources are also applied on the host side, to the container's cgroup" {
    update_config '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 42}'
    set_args checker sleep 100
    create_container
    assert_equal "$(cat "$(cgroup_dir memory)/memory.limit_in_bytes")" "33554432"
    assert_equal "$(cat "$(cgroup_dir pids)/pids.max")" "42"
}

@test "a resource the kernel refuses is an error naming it, and nothing is left" {
    update_config '.linux.resources.cpu = {"cpus": "4096"}'
    set_args checker exit 0
    run_container
    assert_failure 1
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" '^berth: .*linux\.resources\.cpu\.cpus'
    assert_nothing_left
}
