#!/usr/bin/env bats
# User namespaces, rootless containers and idmapped mounts.

load helpers

ROOTLESS_USER=berth-rootless

setup_file() {
    berth_setup_file
    # An ordinary user for the rootless tests, with subordinate IDs for
    # newuidmap/newgidmap; removed again by teardown_file.
    if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/sh "$ROOTLESS_USER"
        export CREATED_ROOTLESS_USER=1
    fi
    grep -q "^$ROOTLESS_USER:" /etc/subuid || echo "$ROOTLESS_USER:200000:65536" >>/etc/subuid
    grep -q "^$ROOTLESS_USER:" /etc/subgid || echo "$ROOTLESS_USER:200000:65536" >>/etc/subgid
}

teardown_file() {
    if [ -n "${CREATED_ROOTLESS_USER:-}" ]; then
        userdel --remove "$ROOTLESS_USER" 2>/dev/null || true
        sed -i "/^$ROOTLESS_USER:/d" /etc/subuid /etc/subgid
    fi
}

setup() {
    berth_setup
    RL_DIR=
}

teardown() {
    if [ -n "$RL_DIR" ]; then
        for id in $(ls -A "$RL_DIR/state" 2>/dev/null); do
            as_user "$BERTH" --root "$RL_DIR/state" delete --force "$id" || true
        done
        rm -rf "$RL_DIR"
    fi
    berth_teardown
}

as_user() {
    runuser -u "$ROOTLESS_USER" -- env XDG_RUNTIME_DIR="$RL_DIR/xdg" "$@"
}

# A bundle the ordinary user owns, from `berth spec --rootless`.
rootless_bundle() {
    RL_DIR=$(mktemp -d /tmp/berth-rootless.XXXXXX)
    chmod 755 "$RL_DIR"
    mkdir -p "$RL_DIR/bundle" "$RL_DIR/xdg"
    cp -a "$TEMPLATE/rootfs" "$RL_DIR/bundle/rootfs"
    chown -R "$ROOTLESS_USER:" "$RL_DIR"
    as_user "$BERTH" spec --rootless --bundle "$RL_DIR/bundle"
    as_user jq --arg tag "$TAG" '.process.terminal = false | .process.args = ["checker", "id"]
        | .process.env += ["BERTH_TEST_TAG=" + $tag]' \
        "$RL_DIR/bundle/config.json" >"$RL_DIR/config.json"
    as_user cp "$RL_DIR/config.json" "$RL_DIR/bundle/config.json"
}

rootless_config() {
    as_user jq "$@" "$RL_DIR/bundle/config.json" >"$RL_DIR/config.json"
    as_user cp "$RL_DIR/config.json" "$RL_DIR/bundle/config.json"
}

@test "userns: uid_map and gid_map inside are the configured mappings" {
    use_userns
    set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; checker id; stat -c "mqueue %u:%g" /dev/mqueue'
    run_container
    assert_success
    assert_equal "$(echo "${lines[0]}" | tr -s ' ')" " 0 100000 65536"
    assert_equal "$(echo "${lines[1]}" | tr -s ' ')" " 0 100000 65536"
    assert_line "uid=0 gid=0 groups="
    # the ipc namespace, and so its mqueue, belongs to the container's root
    assert_line "mqueue 0:0"
}

@test "userns: files made inside belong to the mapped IDs on the host" {
    use_userns
    mkdir "$BATS_TEST_TMPDIR/shared"
    chown 100000:100000 "$BATS_TEST_TMPDIR/shared"
    update_config --arg src "$BATS_TEST_TMPDIR/shared" '.mounts += [{"destination": "/shared", "type": "bind",
        "source": $src, "options": ["rbind"]}] | .process.user = {"uid": 1000, "gid": 1000}'
    set_args sh -c 'touch /shared/by-1000 && checker id'
    chmod 777 "$BATS_TEST_TMPDIR/shared"
    run_container
    assert_success
    assert_output "uid=1000 gid=1000 groups="
    assert_equal "$(stat -c '%u:%g' "$BATS_TEST_TMPDIR/shared/by-1000")" "101000:101000"
}

@test "userns: capabilities are the container's, inside its own namespace only" {
    use_userns
    update_config '.process.capabilities = {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"],
        "permitted": ["CAP_SYS_ADMIN"]}'
    # CAP_SYS_ADMIN of the user namespace: a tmpfs can be mounted inside
    # (its own mount namespace), the host's hostname cannot be set.
    set_args sh -c 'mkdir -p /dev/shm/m && mount -t tmpfs t /dev/shm/m && echo mounted; grep CapEff /proc/self/status'
    run_container
    assert_success
    assert_line mounted
    assert_line "CapEff:	0000000000200000"
}

@test "userns: devices are bound from the host, and work" {
    use_userns
    set_args sh -c 'checker stat /dev/null; echo x > /dev/null && echo written; head -c 4 /dev/zero | wc -c'
    run_container
    assert_success
    assert_line --regexp '^mode=20666 .* rdev=1:3$'
    assert_line written
    assert_line 4
}

@test "userns: sysfs without a network namespace of its own is the host's, bound read-only" {
    use_userns
    update_config '.linux.namespaces |= map(select(.type != "network"))'
    set_args sh -c 'grep " /sys " /proc/self/mounts; ls /sys/class/net | head -1'
    run_container
    assert_success
    assert_line --regexp '^sysfs /sys sysfs ro,'
}

# start_userns_holder: a running userns container whose namespaces the
# test joins: its ID in $first, its pid in $pid; $ID is a new one.
start_userns_holder() {
    use_userns
    set_args sleep 100
    create_container
    berth start "$ID"
    pid=$(state_field "$ID" .pid)
    first=$ID
    ID=$(new_id)
}

@test "userns: joining a user namespace by path (with the others it owns) comes first" {
    start_userns_holder
    update_config --arg p "/proc/$pid/ns" '.linux.namespaces = [
        {"type": "user", "path": ($p + "/user")}, {"type": "pid", "path": ($p + "/pid")},
        {"type": "network", "path": ($p + "/net")},
        {"type": "uts", "path": ($p + "/uts")}, {"type": "ipc", "path": ($p + "/ipc")},
        {"type": "mount"}] | del(.linux.uidMappings) | del(.linux.gidMappings)
        | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))'
    set_args sh -c 'readlink /proc/self/ns/user; hostname'
    run_container
    assert_success
    assert_line "$(readlink "/proc/$pid/ns/user")"
    assert_line "$(state_field "$first" .id >/dev/null; nsenter -t "$pid" -u hostname)"
}

@test "userns: a new pid namespace inside a joined user namespace: the process is its PID 1" {
    start_userns_holder
    update_config --arg p "/proc/$pid/ns" '.linux.namespaces = [
        {"type": "user", "path": ($p + "/user")}, {"type": "pid"}, {"type": "mount"}, {"type": "ipc"}]
        | del(.linux.uidMappings) | del(.linux.gidMappings) | del(.hostname)
        | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))'
    set_args sh -c 'readlink /proc/self/ns/user; echo "pid=$$"; sleep 100'
    create_container
    local init
    init=$(state_field "$ID" .pid)
    assert_equal "$(readlink "/proc/$init/ns/user")" "$(readlink "/proc/$pid/ns/user")"
    [ "$(readlink "/proc/$init/ns/pid")" != "$(readlink "/proc/$pid/ns/pid")" ]
    berth start "$ID"
    for _ in $(seq 50); do grep -q pid= "$BATS_TEST_TMPDIR/$ID.out" && break; sleep 0.05; done
    run container_out
    assert_line --index 0 "$(readlink "/proc/$pid/ns/user")"
    assert_line --index 1 "pid=1"
    berth delete --force "$ID"
    berth delete --force "$first"
    assert_nothing_left
}

@test "userns: an idmapped bind mount shows the mapped owners inside, the original ones outside" {
    mkdir "$BATS_TEST_TMPDIR/data"
    echo hi >"$BATS_TEST_TMPDIR/data/file"
    chown 1234:1234 "$BATS_TEST_TMPDIR/data/file"
    use_userns
    # Through the mount: on-disk 1234 is host 100000 + 42, which the
    # container's own mapping shows as 42.
    update_config --arg src "$BATS_TEST_TMPDIR/data" '.mounts += [{"destination": "/data", "type": "bind",
        "source": $src, "options": ["bind", "idmap"],
        "uidMappings": [{"containerID": 1234, "hostID": 100042, "size": 1}],
        "gidMappings": [{"containerID": 1234, "hostID": 100043, "size": 1}]}]'
    set_args checker stat /data/file
    run_container
    assert_success
    assert_output --regexp 'uid=42 gid=43 '
    assert_equal "$(stat -c '%u:%g' "$BATS_TEST_TMPDIR/data/file")" "1234:1234"
}

@test "userns: ridmap without mappings of its own reuses the container's" {
    mkdir -p "$BATS_TEST_TMPDIR/data/sub"
    chown 7:8 "$BATS_TEST_TMPDIR/data/sub"
    use_userns
    update_config --arg src "$BATS_TEST_TMPDIR/data" '.mounts += [{"destination": "/data", "type": "bind",
        "source": $src, "options": ["rbind", "ridmap"]}]'
    set_args checker stat /data/sub
    run_container
    assert_success
    assert_output --regexp 'uid=7 gid=8 '
}

@test "userns: idmap without any mapping is refused, naming the mount, and leaves nothing" {
    mkdir "$BATS_TEST_TMPDIR/data"
    update_config --arg src "$BATS_TEST_TMPDIR/data" '.mounts += [{"destination": "/data", "type": "bind",
        "source": $src, "options": ["bind", "idmap"]}]'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_failure
    [[ "$stderr" == *"mounts["*"]: idmap needs uidMappings and gidMappings"* ]] || fail "unexpected: $stderr"
    assert_nothing_left
}

@test "rootless: an ordinary user runs a container with no cgroups available" {
    rootless_bundle
    rootless_config '.process.args = ["sh", "-c", "cat /proc/self/uid_map; checker id; hostname"]'
    run as_user "$BERTH" run --bundle "$RL_DIR/bundle" "$ID"
    assert_success
    assert_line --regexp "^ +0 +$(id -u "$ROOTLESS_USER") +1$"
    # setgroups is denied in a namespace an ordinary user mapped: the
    # user's own group stays, as root of the container.
    assert_line "uid=0 gid=0 groups=0"
    assert_line --partial "cgroups: not writable for uid $(id -u "$ROOTLESS_USER")"
    [ ! -e "$RL_DIR/xdg/berth/$ID" ]
}

@test "rootless: --root defaults to \$XDG_RUNTIME_DIR/berth; state, list, kill and delete work" {
    rootless_bundle
    rootless_config '.process.args = ["sleep", "100"]'
    as_user "$BERTH" create --bundle "$RL_DIR/bundle" "$ID" </dev/null >/dev/null 2>&1 3>&-
    [ -d "$RL_DIR/xdg/berth/$ID" ]
    assert_equal "$(as_user "$BERTH" state "$ID" | jq -r .status)" created
    as_user "$BERTH" start "$ID"
    assert_equal "$(as_user "$BERTH" state "$ID" | jq -r .status)" running
    run as_user "$BERTH" list -q
    assert_output "$ID"
    as_user "$BERTH" kill "$ID" KILL
    for _ in $(seq 40); do
        [ "$(as_user "$BERTH" state "$ID" | jq -r .status)" = stopped ] && break
        sleep 0.05
    done
    assert_equal "$(as_user "$BERTH" state "$ID" | jq -r .status)" stopped
    as_user "$BERTH" delete "$ID"
    [ ! -e "$RL_DIR/xdg/berth/$ID" ]
}

@test "rootless: several ID ranges go through newuidmap and newgidmap" {
    command -v newuidmap >/dev/null || skip "newuidmap is not installed (Debian's uidmap package)"
    rootless_bundle
    sub=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2}' /etc/subuid)
    subg=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2}' /etc/subgid)
    rootless_config --argjson me "$(id -u "$ROOTLESS_USER")" --argjson sub "$sub" --argjson subg "$subg" \
        --argjson mygid "$(id -g "$ROOTLESS_USER")" '
        .linux.uidMappings = [{"containerID": 0, "hostID": $me, "size": 1}, {"containerID": 1, "hostID": $sub, "size": 1000}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": $mygid, "size": 1}, {"containerID": 1, "hostID": $subg, "size": 1000}]
        | .process.args = ["sh", "-c", "wc -l < /proc/self/uid_map; wc -l < /proc/self/gid_map"]'
    run as_user "$BERTH" run --bundle "$RL_DIR/bundle" "$ID"
    assert_success
    assert_equal "${lines[-2]}" 2
    assert_equal "${lines[-1]}" 2
}

@test "rootless: a mapping the user may not use fails with a clear error and leaves nothing" {
    rootless_bundle
    rootless_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
    run --separate-stderr as_user "$BERTH" run --bundle "$RL_DIR/bundle" "$ID"
    assert_failure
    [[ "$stderr" == *"berth: linux.uidMappings: newuidmap 0 0 1 failed"* ]] || fail "unexpected: $stderr"
    [ ! -e "$RL_DIR/xdg/berth/$ID" ]
    assert_no_leftovers
}
