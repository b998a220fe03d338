#!/usr/bin/env bats
# linux.netDevices: host interfaces moved into the container's network
# namespace (renamed, with their addresses, up) and given back at delete.
# The "host" here is a network namespace of the test's own, with a veth pair
# in it: berth runs in it by nsenter --net (not `ip netns exec`, which
# remounts /sys and hides the cgroup hierarchies). The machine's own
# interfaces are never touched.

load helpers

setup() {
    berth_setup
    make_netns
    # vhost0 <-> vpeer0, vhost0 with a permanent IPv4 and IPv6 address
    ip -n "$NETNS" link add vhost0 type veth peer name vpeer0
    ip -n "$NETNS" addr add 10.199.0.1/24 dev vhost0
    ip -n "$NETNS" addr add fd99::1/64 dev vhost0 nodad
    ip -n "$NETNS" link add vhost1 type veth peer name vpeer1
}

teardown() {
    local id
    # Containers are deleted inside the test's namespace: what they hold
    # goes back there, never to the machine's.
    if [ -d "$ROOT" ] && [ -n "${NETNS:-}" ]; then
        for id in $(ls -A "$ROOT"); do
            nsenter --net="/run/netns/$NETNS" "$BERTH" --root "$ROOT" delete --force "$id" 3>&- || true
        done
    fi
    berth_teardown
}

# berth, in the test's network namespace
nberth() {
    nsenter --net="/run/netns/$NETNS" "$BERTH" --root "$ROOT" "$@"
}

# the interfaces of the test's namespace, by name
host_links() {
    ip -n "$NETNS" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | paste -sd' '
}

@test "a netDevice moves into the container, renamed, with its addresses, up" {
    update_config '.linux.netDevices = {"vhost0": {"name": "ctr0"}}'
    set_args checker sleep 1000
    nberth create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&-
    # gone from the host
    assert_equal "$(host_links)" "lo vhost1 vpeer0 vpeer1"
    nberth start "$ID"
    run --separate-stderr nberth exec "$ID" sh -c 'ip -o link show | cut -d: -f2 | cut -d@ -f1; ip -o link show ctr0'
    assert_success
    assert_line --index 0 " lo"
    assert_line --index 1 " ctr0"
    assert_equal "${#lines[@]}" 3
    # up (its peer is down: no carrier)
    assert_line --index 2 --regexp '<([A-Z_-]+,)*UP(,[A-Z_-]+)*>'
    run --separate-stderr nberth exec "$ID" ip -o addr show dev ctr0 scope global
    assert_success
    assert_output --partial "inet 10.199.0.1/24 "
    assert_output --partial "inet6 fd99::1/64 "
    # the same device: its peer is vpeer0 of the host
    run --separate-stderr nberth exec "$ID" cat /sys/class/net/ctr0/iflink
    assert_success
    assert_equal "$output" "$(ip -n "$NETNS" -o link show vpeer0 | cut -d: -f1)"
}

@test "delete gives the device back under its host name, with its addresses" {
    update_config '.linux.netDevices = {"vhost0": {"name": "ctr0"}}'
    set_args checker sleep 1000
    nberth create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&-
    nberth start "$ID"
    # the init ends: berth pinned the namespace, the device is not lost
    nberth kill "$ID" KILL
    wait_for_status "$ID" stopped
    assert_equal "$(host_links)" "lo vhost1 vpeer0 vpeer1"
    run --separate-stderr nberth delete "$ID"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
    run ip -n "$NETNS" -o addr show dev vhost0 scope global
    assert_output --partial "inet 10.199.0.1/24 "
    assert_output --partial "inet6 fd99::1/64 "
    assert_nothing_left
}

@test "run moves the device in and gives it back when the container exits" {
    update_config '.linux.netDevices = {"vhost0": {"name": "eth7"}}'
    set_args sh -c 'ip -o addr show dev eth7 scope global | cut -d" " -f2,7'
    run --separate-stderr nberth run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "eth7 10.199.0.1/24"
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
    assert_nothing_left
}

@test "without a name, the device keeps its host name" {
    update_config '.linux.netDevices = {"vhost0": {}}'
    set_args sh -c 'ip -o link show | cut -d: -f2 | cut -d@ -f1'
    run --separate-stderr nberth run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "$(printf ' lo\n vhost0')"
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
}

@test "a %d name lets the kernel choose; the device still comes back" {
    update_config '.linux.netDevices = {"vhost0": {"name": "net%d"}}'
    set_args sh -c 'ip -o link show | cut -d: -f2 | cut -d@ -f1; ip -o addr show dev net0 scope global | cut -d" " -f7'
    run --separate-stderr nberth run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$output" "$(printf ' lo\n net0\n10.199.0.1/24\nfd99::1/64')"
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
    run ip -n "$NETNS" -o addr show dev vhost0 scope global
    assert_output --partial "inet 10.199.0.1/24 "
    # the kernel takes the first free number: net0 is taken by vhost1 first
    update_config '.linux.netDevices = {"vhost1": {"name": "net0"}, "vhost0": {"name": "net%d"}}'
    set_args sh -c 'ip -o addr show scope global | cut -d" " -f2,7'
    run --separate-stderr nberth run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_output --partial "net1 10.199.0.1/24"
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
}

@test "a missing interface fails create, naming it, and leaves nothing" {
    update_config '.linux.netDevices = {"nosuch0": {"name": "ctr0"}}'
    run --separate-stderr nberth create --bundle "$BUNDLE" "$ID"
    assert_berth_error 'linux.netDevices["nosuch0"]: no interface nosuch0: no such device'
    assert_nothing_left
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
}

@test "when a later device is missing, the ones already moved come back" {
    update_config '.linux.netDevices = {"vhost0": {"name": "ctr0"}, "nosuch0": {}}'
    run --separate-stderr nberth create --bundle "$BUNDLE" "$ID"
    assert_berth_error 'linux.netDevices["nosuch0"]: no interface nosuch0: no such device'
    assert_nothing_left
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
    run ip -n "$NETNS" -o addr show dev vhost0 scope global
    assert_output --partial "inet 10.199.0.1/24 "
}

@test "a name already taken in the container fails create" {
    update_config '.linux.netDevices = {"vhost0": {"name": "lo"}}'
    run --separate-stderr nberth create --bundle "$BUNDLE" "$ID"
    assert_berth_error 'linux.netDevices["vhost0"]: lo already exists in the target namespace: file exists'
    assert_nothing_left
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
}

@test "netDevices need a network namespace of the container's" {
    update_config '.linux.netDevices = {"vhost0": {}} | .linux.namespaces |= map(select(.type != "network"))'
    run --separate-stderr nberth create --bundle "$BUNDLE" "$ID"
    assert_berth_error 'config.json: linux.netDevices: requires a network namespace'
    assert_nothing_left
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
}

@test "the container can talk through the moved device" {
    update_config '.linux.netDevices = {"vhost0": {"name": "ctr0"}}'
    set_args checker sleep 1000
    nberth create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&-
    nberth start "$ID"
    ip -n "$NETNS" addr add 10.199.0.2/24 dev vpeer0
    ip -n "$NETNS" link set vpeer0 up
    run --separate-stderr nberth exec --cap CAP_NET_RAW "$ID" ping -c 1 -W 5 10.199.0.2
    assert_success
    assert_output --partial "1 packets received"
}

@test "into a network namespace the config joins by path, and back" {
    local host_ns=$NETNS
    make_netns
    local joined=$NETNS
    NETNS=$host_ns
    update_config --arg p "/run/netns/$joined" '.linux.netDevices = {"vhost0": {"name": "ctr0"}}
        | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
    set_args checker sleep 1000
    nberth create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3>&-
    run ip -n "$joined" -o addr show dev ctr0 scope global
    assert_success
    assert_output --partial "inet 10.199.0.1/24 "
    assert_equal "$(host_links)" "lo vhost1 vpeer0 vpeer1"
    nberth delete --force "$ID"
    assert_equal "$(host_links)" "lo vhost0 vhost1 vpeer0 vpeer1"
    run ip -n "$joined" -o link show
    refute_output --partial ctr0
    assert_nothing_left
}
