#!/usr/bin/env bats
# Namespaces, as the process sees them: hostname and domainname, PID 1, the
# network (lo, joining a namespace by path), sysctl, time offsets, joining
# another container's namespaces, --no-pivot.

load helpers

# The namespace inode of a process, as "type:[inode]".
ns_of() {
    readlink "/proc/$1/ns/$2"
}

@test "hostname and domainname" {
    update_config '.hostname = "box" | .domainname = "example.org"'
    set_args sh -c 'checker hostname; checker domainname; hostname'
    run_container
    assert_success
    assert_output "$(printf 'box\nexample.org\nbox')"
    # the host's are untouched
    [ "$(hostname)" != "box" ]
    [ "$(cat /proc/sys/kernel/domainname)" != "example.org" ]
}

@test "the process is PID 1 and sees only its own processes" {
    set_args sh -c 'echo "sh=$$"; checker pid; echo /proc/[0-9]*'
    run_container
    assert_success
    assert_line --index 0 "sh=1"
    assert_line --index 1 "pid=2 ppid=1"
    # the shell's glob: no other process
    assert_line --index 2 "/proc/1"
}

@test "without a pid namespace the process has the host's pid" {
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    set_args checker sleep 100
    create_container
    berth start "$ID"
    local pid
    pid=$(state_field "$ID" .pid)
    assert_equal "$(ns_of "$pid" pid)" "$(ns_of self pid)"
    [ "$pid" -gt 1 ]
}

@test "every namespace of the config is a new one, the others are the host's" {
    update_config '.linux.namespaces += [{"type": "cgroup"}]'
    set_args checker sleep 100
    create_container
    berth start "$ID"
    local pid
    pid=$(state_field "$ID" .pid)
    for ns in pid net ipc uts mnt cgroup; do
        [ "$(ns_of "$pid" $ns)" != "$(ns_of self $ns)" ] || fail "the container shares the host's $ns namespace"
    done
    [ "$(ns_of "$pid" user)" = "$(ns_of self user)" ]
    berth delete --force "$ID"

    # without ipc, uts and network namespaces: the host's
    update_config '.linux.namespaces |= map(select(.type != "ipc" and .type != "uts" and .type != "network"))
        | del(.hostname)'
    create_container
    berth start "$ID"
    pid=$(state_field "$ID" .pid)
    for ns in ipc uts net; do
        [ "$(ns_of "$pid" $ns)" = "$(ns_of self $ns)" ] || fail "the container has a $ns namespace of its own"
    done
    [ "$(ns_of "$pid" pid)" != "$(ns_of self pid)" ]
}

@test "a cgroup namespace: the process's cgroup is its root" {
    set_args cat /proc/self/cgroup
    run_container
    assert_success
    # without one: the full path, ending in the container ID
    assert_line --regexp "^[0-9]+:pids:/(.*/)?$ID\$"
    update_config '.linux.namespaces += [{"type": "cgroup"}]'
    run_container
    assert_success
    assert_line --regexp '^[0-9]+:pids:/$'
    assert_line --regexp '^[0-9]+:memory:/$'
}

@test "a new network namespace has lo up and nothing else" {
    set_args sh -c 'ls /sys/class/net; ip -o link show lo; ip -o addr show lo'
    run_container
    assert_success
    assert_line --index 0 "lo"
    assert_line --regexp '^1: lo: <LOOPBACK,UP,LOWER_UP>'
    assert_line --regexp 'inet 127\.0\.0\.1/8'
    assert_equal "${#lines[@]}" 4 # lo, link, inet, inet6
}

@test "the loopback interface works: a TCP connection to 127.0.0.1" {
    # (the client retries until the listener is up)
    set_args sh -c 'echo hello-lo | nc -l -p 4321 &
        for i in $(seq 50); do nc 127.0.0.1 4321 </dev/null 2>/dev/null && exit 0; sleep 0.1; done; exit 1'
    run_container
    assert_success
    assert_output "hello-lo"
}

@test "joining a network namespace by path" {
    make_netns
    ip -n "$NETNS" link add berthv0 type veth peer name berthv1 ||
        skip "cannot make a veth pair"
    ip -n "$NETNS" addr add 10.213.7.1/24 dev berthv0
    update_config --arg p "/run/netns/$NETNS" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
    set_args sh -c 'ls /sys/class/net | tr "\n" " "; echo; ip -o addr show berthv0'
    run_container
    assert_success
    assert_line --index 0 "berthv0 berthv1 lo "
    assert_line --regexp 'inet 10\.213\.7\.1/24'
    # the namespace is the host's, unchanged after the container is gone
    run ip -n "$NETNS" -o link show berthv0
    assert_success
}

@test "joining another container's namespaces by /proc path" {
    local pod=$ID pod_pid
    update_config '.hostname = "pod-host"'
    set_args checker sleep 100
    create_container
    berth start "$pod"
    pod_pid=$(state_field "$pod" .pid)

    ID=$(new_id)
    update_config --arg p "/proc/$pod_pid/ns" 'del(.hostname)
        | .linux.namespaces |= map(if .type == "mount" then . else .path = ($p + "/" + (if .type == "network" then "net" else .type end)) end)'
    set_args sh -c 'checker hostname; echo "sh=$$"; tr "\0" " " </proc/1/cmdline; echo'
    run_container
    assert_success
    assert_line --index 0 "pod-host"
    refute_line --index 1 "sh=1"
    assert_line --index 2 "checker sleep 100 "
    # the pod is untouched
    assert_equal "$(container_status "$pod")" "running"
}

@test "joining a mount namespace by path: the container's rootfs is set up in it" {
    unshare --mount --propagation private sleep 1000 &
    local holder=$!
    # (unshare has to have made the namespace before it is joined)
    for _ in $(seq 50); do
        [ "$(readlink "/proc/$holder/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] && break
        sleep 0.02
    done
    update_config --arg p "/proc/$holder/ns/mnt" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)'
    set_args sh -c 'readlink /proc/self/ns/mnt; checker id'
    run_container
    local joined
    joined=$(readlink "/proc/$holder/ns/mnt")
    kill "$holder"
    assert_success
    assert_line --index 0 "$joined"
    assert_line --index 1 --partial "uid=0"
}

@test "joining a cgroup namespace by path: the cgroup mount still shows the container's own cgroup" {
    unshare --cgroup sleep 1000 &
    local holder=$!
    for _ in $(seq 50); do
        [ "$(readlink "/proc/$holder/ns/cgroup")" != "$(readlink /proc/self/ns/cgroup)" ] && break
        sleep 0.02
    done
    update_config --arg p "/proc/$holder/ns/cgroup" '.linux.namespaces |= map(select(.type != "cgroup"))
        | .linux.namespaces += [{"type": "cgroup", "path": $p}] | .linux.resources.pids = {"limit": 42}'
    set_args sh -c 'readlink /proc/self/ns/cgroup; cat /sys/fs/cgroup/pids/pids.max'
    run_container
    local joined
    joined=$(readlink "/proc/$holder/ns/cgroup")
    kill "$holder"
    assert_success
    assert_line --index 0 "$joined"
    assert_line --index 1 42
}

@test "a namespace path of the wrong type is an error" {
    update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
    set_args checker exit 0
    run_container
    assert_berth_error 'config.json: linux.namespaces[1].path: /proc/self/ns/uts is not a network namespace'
    assert_nothing_left
}

@test "a missing namespace path is an error" {
    update_config '.linux.namespaces |= map(if .type == "ipc" then .path = "/run/netns/nosuch-berth" else . end)'
    set_args checker exit 0
    run_container
    assert_berth_error 'config.json: linux.namespaces[2].path: open /run/netns/nosuch-berth: no such file or directory'
    assert_nothing_left
}

@test "sysctl: a namespaced sysctl is set in the container only" {
    local host_fwd host_shmmni
    host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
    host_shmmni=$(cat /proc/sys/kernel/shmmni)
    local want_fwd=$((1 - host_fwd))
    update_config --arg f "$want_fwd" '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shmmni": "1234"}'
    set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni'
    run_container
    assert_success
    assert_output "$(printf '%s\n1234' "$want_fwd")"
    assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd"
    assert_equal "$(cat /proc/sys/kernel/shmmni)" "$host_shmmni"
}

@test "sysctl: a sysctl that is not namespaced is refused" {
    local before
    before=$(cat /proc/sys/kernel/panic)
    update_config '.linux.sysctl = {"kernel.panic": "77"}'
    set_args checker exit 0
    run_container
    assert_berth_error 'config.json: linux.sysctl["kernel.panic"]: not a namespaced sysctl: setting it would change the host'
    assert_equal "$(cat /proc/sys/kernel/panic)" "$before"
    assert_nothing_left
}

@test "sysctl: a network sysctl needs the container's own network namespace" {
    update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
    set_args checker exit 0
    run_container
    assert_berth_error 'config.json: linux.sysctl["net.ipv4.ip_forward"]: needs the container'"'"'s own network namespace'
    assert_nothing_left
}

@test "sysctl: a name that is not a sysctl is refused" {
    update_config '.linux.sysctl = {"net/../../kernel/panic": "1"}'
    set_args checker exit 0
    run_container
    assert_berth_error 'config.json: linux.sysctl["net/../../kernel/panic"]: not a sysctl name'
    assert_nothing_left
}

@test "time namespace: monotonic and boottime offsets" {
    [ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
    update_config '.linux.namespaces += [{"type": "time"}]
        | .linux.timeOffsets = {"monotonic": {"secs": 864000, "nanosecs": 0}, "boottime": {"secs": 3600, "nanosecs": 0}}'
    set_args checker timens
    local host_mono host_boot
    read -r host_mono host_boot < <("$CHECKER" timens | sed 's/[a-z]*=//g')
    run_container
    assert_success
    local mono boot
    read -r mono boot < <(sed 's/[a-z]*=//g' <<<"$output")
    local dm=$((mono - host_mono - 864000)) db=$((boot - host_boot - 3600))
    [ "${dm#-}" -le 5 ] || fail "monotonic: host $host_mono, container $mono"
    [ "${db#-}" -le 5 ] || fail "boottime: host $host_boot, container $boot"
}

@test "time namespace without offsets: the host's clocks" {
    [ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
    update_config '.linux.namespaces += [{"type": "time"}]'
    set_args sh -c 'readlink /proc/self/ns/time; checker timens'
    local host_mono
    host_mono=$("$CHECKER" timens | sed 's/monotonic=\([0-9]*\).*/\1/')
    run_container
    assert_success
    [ "${lines[0]}" != "$(readlink /proc/self/ns/time)" ]
    local mono=${lines[1]#monotonic=}
    mono=${mono%% *}
    local d=$((mono - host_mono))
    [ "${d#-}" -le 5 ]
}

@test "--no-pivot: the container still runs in its rootfs" {
    echo "in the rootfs" >"$BUNDLE/rootfs/marker"
    update_config '.hostname = "nopivot"'
    set_args sh -c "cat /marker; checker hostname; cd /..; pwd; ls -a / | tr '\n' ' '; echo"
    run_container --no-pivot
    assert_success
    assert_line --index 0 "in the rootfs"
    assert_line --index 1 "nopivot"
    assert_line --index 2 "/"
    assert_line --index 3 "$(ls -a "$BUNDLE/rootfs" | tr '\n' ' ')"
}

@test "/ is the rootfs: nothing of the host is reachable" {
    touch "$BATS_TEST_TMPDIR/host-marker"
    set_args sh -c "ls $BATS_TEST_TMPDIR/host-marker 2>/dev/null || echo hidden; cd /..; pwd; ls -a / | tr '\n' ' '; echo"
    run_container
    assert_success
    assert_line --index 0 "hidden"
    assert_line --index 1 "/"
    assert_line --index 2 "$(ls -a "$BUNDLE/rootfs" | tr '\n' ' ')"
}
