#!/usr/bin/env bats
# /dev inside the container: the default devices, the /dev links, /dev/shm,
# linux.devices, the device cgroup, and the host's devices left alone.

load helpers

# add_device JSON: appends one entry to linux.devices.
add_device() {
    update_config --argjson d "$1" '.linux.devices += [$d]'
}

with_cap() {
    update_config --arg c "$1" '.process.capabilities.bounding += [$c] | .process.capabilities.effective += [$c]
        | .process.capabilities.permitted += [$c]'
}

@test "the default devices, with their majors and minors" {
    set_args sh -c 'for d in null zero full random urandom tty; do echo "$d $(checker stat /dev/$d)"; done'
    run_container
    assert_success
    assert_output "$(printf '%s\n' \
        "null mode=20666 uid=0 gid=0 rdev=1:3" \
        "zero mode=20666 uid=0 gid=0 rdev=1:5" \
        "full mode=20666 uid=0 gid=0 rdev=1:7" \
        "random mode=20666 uid=0 gid=0 rdev=1:8" \
        "urandom mode=20666 uid=0 gid=0 rdev=1:9" \
        "tty mode=20666 uid=0 gid=0 rdev=5:0")"
}

@test "the default devices work (the device cgroup allows them)" {
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
    set_args sh -c 'checker write /dev/null; checker read /dev/null; checker read /dev/zero; checker write /dev/full
        checker read /dev/urandom; head -c 16 /dev/random | wc -c'
    run_container
    assert_success
    assert_output "$(printf 'ok\nok 0\nok 4095\nwrite: No space left on device\nok 4095\n16')"
}

@test "/dev/ptmx links to the devpts instance, /dev/pts/ptmx is usable" {
    set_args sh -c 'readlink /dev/ptmx; checker stat /dev/pts/ptmx'
    run_container
    assert_success
    assert_output "$(printf 'pts/ptmx\nmode=20666 uid=0 gid=0 rdev=5:2')"
}

@test "/dev/fd and the std* links" {
    set_args sh -c 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; echo via-stdout >/dev/stdout
        echo via-stderr >/dev/stderr'
    run_container
    assert_success
    assert_output "$(printf '%s\n' "fd /proc/self/fd" "stdin /proc/self/fd/0" "stdout /proc/self/fd/1" \
        "stderr /proc/self/fd/2" "via-stdout")"
    assert_equal "$stderr" "via-stderr"
}

@test "/dev/shm: the configured tmpfs" {
    set_args sh -c 'grep " /dev/shm " /proc/self/mountinfo; checker write /dev/shm/f'
    run_container
    assert_success
    assert_line --index 0 --regexp ' /dev/shm rw,nosuid,nodev,noexec.*- tmpfs shm rw,size=65536k'
    assert_line --index 1 "ok"
}

@test "/dev/shm exists even without a mount for it" {
    update_config '.mounts |= map(select(.destination != "/dev/shm"))'
    set_args sh -c '[ -d /dev/shm ] && echo dir; checker write /dev/shm/f'
    run_container
    assert_success
    assert_output "$(printf 'dir\nok')"
}

@test "linux.devices: a character device with fileMode, uid and gid" {
    add_device '{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 5, "fileMode": 416, "uid": 1000, "gid": 1001}'
    set_args checker stat /dev/mydev
    run_container
    assert_success
    assert_output "mode=20640 uid=1000 gid=1001 rdev=1:5"
}

@test "linux.devices: a fileMode with setgid and sticky bits, as runc allows" {
    add_device '{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 5, "fileMode": 1968, "uid": 1000, "gid": 1001}'
    set_args checker stat /dev/mydev
    run_container
    assert_success
    assert_output "mode=23660 uid=1000 gid=1001 rdev=1:5"
}

@test "linux.devices: defaults are mode 0666 and root, and any path works" {
    add_device '{"path": "/dev/sub/dir/zero2", "type": "c", "major": 1, "minor": 5}'
    add_device '{"path": "/opt/null2", "type": "c", "major": 1, "minor": 3}'
    add_device '{"path": "/dev/myfifo", "type": "p"}'
    set_args sh -c 'checker stat /dev/sub/dir/zero2; checker stat /opt/null2; checker stat /dev/myfifo; checker read /dev/sub/dir/zero2'
    update_config '.root.readonly = false'
    run_container
    assert_success
    assert_output "$(printf '%s\n' "mode=20666 uid=0 gid=0 rdev=1:5" "mode=20666 uid=0 gid=0 rdev=1:3" \
        "mode=10666 uid=0 gid=0 rdev=0:0" "ok 4095")"
}

@test "linux.devices replaces a default device of the same path" {
    add_device '{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1000, "gid": 1000}'
    set_args checker stat /dev/null
    run_container
    assert_success
    assert_output "mode=20600 uid=1000 gid=1000 rdev=1:3"
    # the host's /dev/null is not the container's
    assert_equal "$(stat -c '%a %u:%g' /dev/null)" "666 0:0"
}

@test "linux.devices: access still needs a device cgroup rule" {
    # 10:237 is loop-control: opening it needs no privilege, reading it
    # says EINVAL; the device cgroup says EPERM at open
    add_device '{"path": "/dev/lc", "type": "c", "major": 10, "minor": 237, "fileMode": 438}'
    set_args checker read /dev/lc
    run_container
    assert_failure 1
    assert_output "read: Operation not permitted"
    update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 237, "access": "rw"}]'
    run_container
    assert_failure 1
    assert_output "read: Invalid argument"
}

@test "the device cgroup: a node made with mknod cannot be opened unless allowed" {
    with_cap CAP_MKNOD
    set_args sh -c 'mknod /dev/lc2 c 10 237 && checker read /dev/lc2'
    run_container
    assert_failure 1
    assert_output "read: Operation not permitted"
    # the default devices are allowed whatever their path
    set_args sh -c 'mknod /dev/null2 c 1 3 && checker read /dev/null2'
    run_container
    assert_success
    assert_output "ok 0"
}

@test "a different file at a device's path is an error" {
    echo "not a device" >"$BUNDLE/rootfs/etc/devnode"
    add_device '{"path": "/etc/devnode", "type": "c", "major": 1, "minor": 3}'
    set_args checker stat /etc/devnode
    run_container
    assert_berth_error "linux.devices[0]: /etc/devnode exists and is not the requested device: file exists"
    assert_equal "$(cat "$BUNDLE/rootfs/etc/devnode")" "not a device"
    assert_nothing_left
}

@test "a device of another major/minor, or a directory, at a device's path is an error" {
    mknod "$BUNDLE/rootfs/etc/devnode" c 1 5
    add_device '{"path": "/etc/devnode", "type": "c", "major": 1, "minor": 3}'
    set_args checker stat /etc/devnode
    run_container
    assert_berth_error "linux.devices[0]: /etc/devnode exists and is not the requested device: file exists"
    rm "$BUNDLE/rootfs/etc/devnode"
    mkdir "$BUNDLE/rootfs/etc/devnode"
    run_container
    assert_berth_error "linux.devices[0]: /etc/devnode exists and is not the requested device: file exists"
    assert_nothing_left
}

@test "the same device already at the path is fine" {
    mknod "$BUNDLE/rootfs/etc/devnode" c 1 3
    add_device '{"path": "/etc/devnode", "type": "c", "major": 1, "minor": 3}'
    set_args checker stat /etc/devnode
    run_container
    assert_success
    assert_output "mode=20666 uid=0 gid=0 rdev=1:3"
}

@test "a bind-mounted /dev is used as is: the nodes of its source are not changed" {
    # a stand-in for the host's /dev, bound over the container's
    local dev=$BATS_TEST_TMPDIR/hostdev
    mkdir "$dev"
    mknod -m 600 "$dev/null" c 1 3
    mknod -m 640 "$dev/zero" c 1 5
    chown 7:7 "$dev/zero"
    local before
    before=$(cd "$dev" && stat -c '%n %a %u:%g %t:%T' * && ls -A | tr '\n' ' ')
    update_config --arg d "$dev" '.mounts |= map(select(.destination | startswith("/dev") | not))
        | .mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}]'
    set_args checker stat /dev/null
    run_container
    assert_success
    assert_output "mode=20600 uid=0 gid=0 rdev=1:3"
    assert_equal "$(cd "$dev" && stat -c '%n %a %u:%g %t:%T' * && ls -A | tr '\n' ' ')" "$before"
}

@test "the host's devices are untouched by a container's devices" {
    local before
    before=$(host_devices)
    add_device '{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 256, "uid": 4321, "gid": 4321}'
    add_device '{"path": "/dev/tty", "type": "c", "major": 5, "minor": 0, "fileMode": 256, "uid": 4321, "gid": 4321}'
    set_args checker exit 0
    run_container
    assert_success
    assert_equal "$(host_devices)" "$before"
}
