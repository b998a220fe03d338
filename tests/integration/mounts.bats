#!/usr/bin/env bats
# The container's mount table, as its process sees it, and whether each
# option is enforced: proc, tmpfs, bind and rbind, ro/rro, nosuid, nodev,
# noexec, propagation, tmpcopyup, root.readonly, maskedPaths, readonlyPaths.

load helpers

# add_mount DEST TYPE SOURCE [OPTION...]: appends a mount to config.json.
add_mount() {
    local dest=$1 type=$2 source=$3
    shift 3
    jq --arg d "$dest" --arg t "$type" --arg s "$source" \
        '.mounts += [{"destination": $d, "type": $t, "source": $s, "options": $ARGS.positional}]' --args -- "$@" \
        <"$BUNDLE/config.json" >"$BUNDLE/config.json.tmp" && mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
}

# mount points (field 5 of mountinfo) of the container's process, one a line
mount_points() {
    awk '{print $5}' <<<"$1"
}

@test "the container sees its own mounts and none of the host's" {
    update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []
        | .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
    set_args cat /proc/self/mountinfo
    run_container
    assert_success
    assert_equal "$(mount_points "$output" | sort | tr '\n' ' ')" "/ /dev /dev/mqueue /dev/pts /dev/shm /proc /sys "
    # / is the bundle's rootfs, read-only as root.readonly says
    assert_line --regexp "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ $BUNDLE/rootfs / ro[, ]"
    assert_line --regexp ' /proc rw[, ].*- proc proc '
    assert_line --regexp ' /dev rw,nosuid[, ].*- tmpfs tmpfs .*size=65536k,mode=755'
    assert_line --regexp ' /dev/pts rw,nosuid,noexec[, ].*- devpts devpts .*gid=5,mode=620,ptmxmode=666'
    assert_line --regexp ' /dev/shm rw,nosuid,nodev,noexec[, ].*- tmpfs shm '
    assert_line --regexp ' /dev/mqueue rw,nosuid,nodev,noexec[, ].*- mqueue mqueue '
    assert_line --regexp ' /sys ro,nosuid,nodev,noexec[, ].*- sysfs sysfs '
}

@test "mount flags as statvfs reports them" {
    set_args sh -c 'for p in / /proc /dev /dev/shm /sys; do echo "$p $(checker statvfs $p)"; done'
    run_container
    assert_success
    assert_line "/ ro,relatime"
    assert_line "/dev rw,nosuid"
    assert_line "/dev/shm rw,nosuid,nodev,noexec,relatime"
    assert_line "/sys ro,nosuid,nodev,noexec,relatime"
}

@test "tmpfs with options" {
    add_mount /data tmpfs tmpfs nosuid nodev noatime mode=700 size=1m
    set_args sh -c 'stat -c %a /data; checker statvfs /data; grep " /data " /proc/self/mountinfo; checker write /data/f'
    run_container
    assert_success
    assert_line --index 0 "700"
    assert_line --index 1 "rw,nosuid,nodev,noatime"
    assert_line --index 2 --regexp ' /data rw,nosuid,nodev,noatime .*- tmpfs tmpfs rw,size=1024k,mode=700'
    assert_line --index 3 "ok"
}

@test "a mount destination that does not exist is created in the rootfs" {
    add_mount /new/deep/dir tmpfs tmpfs
    set_args sh -c 'grep -c " /new/deep/dir " /proc/self/mountinfo'
    run_container
    assert_success
    assert_output "1"
    assert_dir_exist "$BUNDLE/rootfs/new/deep/dir"
}

@test "bind mount read-only: reads work, writes fail with EROFS" {
    mkdir "$BATS_TEST_TMPDIR/src"
    echo hello >"$BATS_TEST_TMPDIR/src/file"
    add_mount /data bind "$BATS_TEST_TMPDIR/src" bind ro
    set_args sh -c 'cat /data/file; checker write /data/new; checker write /data/file; true'
    run_container
    assert_success
    assert_output "$(printf 'hello\nwrite: Read-only file system\nwrite: Read-only file system')"
    assert_not_exist "$BATS_TEST_TMPDIR/src/new"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/src/file")" "hello"
}

@test "bind mount read-write: writes reach the host" {
    mkdir "$BATS_TEST_TMPDIR/src"
    add_mount /data bind "$BATS_TEST_TMPDIR/src" bind rw
    set_args sh -c 'checker write /data/new && echo from-container >/data/text'
    run_container
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/src/new")" "x"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/src/text")" "from-container"
}

@test "bind mount of a file, and a source relative to the bundle" {
    echo "config file" >"$BUNDLE/app.conf"
    add_mount /etc/app.conf none app.conf bind ro
    set_args sh -c 'cat /etc/app.conf; [ -f /etc/app.conf ] && echo is-a-file'
    run_container
    assert_success
    assert_output "$(printf 'config file\nis-a-file')"
}

@test "a bind mount of a missing source is an error" {
    add_mount /data bind "$BATS_TEST_TMPDIR/nosuch" bind
    set_args checker exit 0
    run_container
    assert_failure 1
    assert_output ""
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "$stderr" "^berth: mounts\\[7\\]: .*$BATS_TEST_TMPDIR/nosuch.*: no such file or directory\$"
    assert_nothing_left
}

@test "rbind takes the submounts along, bind does not" {
    mkdir -p "$BATS_TEST_TMPDIR/src/sub"
    host_mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/src/sub"
    echo "in the submount" >"$BATS_TEST_TMPDIR/src/sub/file"
    add_mount /r bind "$BATS_TEST_TMPDIR/src" rbind
    add_mount /b bind "$BATS_TEST_TMPDIR/src" bind
    set_args sh -c 'cat /r/sub/file; ls -A /b/sub | wc -l'
    run_container
    assert_success
    assert_output "$(printf 'in the submount\n0')"
}

@test "rro makes the submounts read-only too, ro only the top" {
    mkdir -p "$BATS_TEST_TMPDIR/src/sub"
    host_mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/src/sub"
    add_mount /ro bind "$BATS_TEST_TMPDIR/src" rbind ro
    add_mount /rro bind "$BATS_TEST_TMPDIR/src" rbind rro
    set_args sh -c 'checker write /ro/x; checker write /ro/sub/x; checker write /rro/x; checker write /rro/sub/y; true'
    run_container
    assert_success
    assert_output "$(printf 'write: Read-only file system\nok\nwrite: Read-only file system\nwrite: Read-only file system')"
    assert_file_exist "$BATS_TEST_TMPDIR/src/sub/x"
    assert_not_exist "$BATS_TEST_TMPDIR/src/sub/y"
}

@test "nosuid is enforced: a setuid binary does not raise euid" {
    mkdir "$BATS_TEST_TMPDIR/suid"
    cp "$CHECKER" "$BATS_TEST_TMPDIR/suid/checker"
    chmod 4755 "$BATS_TEST_TMPDIR/suid/checker"
    update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
    add_mount /suid bind "$BATS_TEST_TMPDIR/suid" bind ro nosuid
    add_mount /plain bind "$BATS_TEST_TMPDIR/suid" bind ro
    set_args sh -c '/suid/checker ids; /plain/checker ids'
    run_container
    assert_success
    assert_line --index 0 "ruid=1000 euid=1000 suid=1000 rgid=1000 egid=1000 sgid=1000"
    assert_line --index 1 "ruid=1000 euid=0 suid=0 rgid=1000 egid=1000 sgid=1000"
}

@test "nodev is enforced: a device node cannot be opened" {
    mkdir "$BATS_TEST_TMPDIR/devs"
    mknod "$BATS_TEST_TMPDIR/devs/null" c 1 3
    add_mount /nodev bind "$BATS_TEST_TMPDIR/devs" bind nodev
    add_mount /dev-ok bind "$BATS_TEST_TMPDIR/devs" bind dev
    set_args sh -c 'checker read /nodev/null; checker read /dev-ok/null'
    run_container
    assert_success
    assert_output "$(printf 'read: Permission denied\nok 0')"
}

@test "noexec is enforced: nothing can be executed from the mount" {
    mkdir "$BATS_TEST_TMPDIR/exe"
    cp "$CHECKER" "$BATS_TEST_TMPDIR/exe/checker"
    add_mount /noexec bind "$BATS_TEST_TMPDIR/exe" bind noexec
    add_mount /exec bind "$BATS_TEST_TMPDIR/exe" bind exec
    set_args sh -c 'checker exec /noexec/checker exit 0; checker exec /exec/checker hostname'
    update_config '.hostname = "exec-ok"'
    run_container
    assert_success
    assert_output "$(printf 'exec: Permission denied\nexec-ok')"
}

@test "the process itself on a noexec mount cannot be executed" {
    mkdir "$BATS_TEST_TMPDIR/exe"
    cp "$CHECKER" "$BATS_TEST_TMPDIR/exe/checker"
    add_mount /noexec bind "$BATS_TEST_TMPDIR/exe" bind noexec
    set_args /noexec/checker exit 0
    run_container
    assert_berth_error 'exec "/noexec/checker": permission denied'
    assert_nothing_left
}

@test "a read-only tmpfs" {
    add_mount /data tmpfs tmpfs ro
    set_args sh -c 'checker statvfs /data; checker write /data/x; true'
    run_container
    assert_success
    assert_output "$(printf 'ro,relatime\nwrite: Read-only file system')"
}

@test "propagation: an rslave bind sees what the host mounts later, an rprivate one does not" {
    mkdir -p "$BATS_TEST_TMPDIR/src/sub"
    host_mount --bind "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/src"
    mount --make-shared "$BATS_TEST_TMPDIR/src"
    add_mount /slave bind "$BATS_TEST_TMPDIR/src" rbind rslave
    add_mount /private bind "$BATS_TEST_TMPDIR/src" rbind rprivate
    set_args sh -c 'cat /slave/sub/file 2>/dev/null || echo slave-none; cat /private/sub/file 2>/dev/null || echo private-none
        grep -E " /(slave|private) " /proc/self/mountinfo'
    create_container
    # mounted by the host after the container's mounts were made
    host_mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/src/sub"
    echo "propagated" >"$BATS_TEST_TMPDIR/src/sub/file"
    berth start "$ID"
    wait_for_status "$ID" stopped
    run container_out
    assert_line --index 0 "propagated"
    assert_line --index 1 "private-none"
    assert_line --regexp ' /slave .* master:[0-9]+ '
    refute_line --regexp ' /private .* (master|shared):[0-9]+ '
}

@test "propagation: what the container mounts never reaches the host" {
    mkdir -p "$BATS_TEST_TMPDIR/src/sub"
    host_mount --bind "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/src"
    mount --make-shared "$BATS_TEST_TMPDIR/src"
    add_mount /data bind "$BATS_TEST_TMPDIR/src" rbind
    update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
        | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
    set_args sh -c 'checker mount /data/sub && echo inside > /data/sub/file && cat /data/sub/file'
    run_container
    assert_success
    assert_output "$(printf 'ok\ninside')"
    assert_not_exist "$BATS_TEST_TMPDIR/src/sub/file"
    run grep -c " $BATS_TEST_TMPDIR/src/sub " /proc/self/mountinfo
    assert_output "0"
}

@test "rootfsPropagation sets the propagation of /" {
    set_args sh -c 'grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'
    run_container
    assert_success
    refute_output --regexp ' shared:[0-9]+'
    update_config '.linux.rootfsPropagation = "rshared"'
    run_container
    assert_success
    assert_output --regexp ' shared:[0-9]+'
    update_config '.linux.rootfsPropagation = "private"'
    run_container
    assert_success
    refute_output --regexp ' (shared|master):[0-9]+'
    update_config '.linux.rootfsPropagation = "nosuch"'
    run_container
    assert_berth_error 'config.json: linux.rootfsPropagation: unknown propagation "nosuch"'
}

# Guards namespaces/rootfs.c make_parent_mount_private: the rootfs's mount
# is made private whatever rootfsPropagation says.
@test "rootfsPropagation private, slave or unbindable with the bundle on a shared mount: it runs and no mount reaches the host" {
    host_mount --bind "$BUNDLE" "$BUNDLE"
    mount --make-shared "$BUNDLE"
    set_args sh -c 'grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'
    for propagation in private slave unbindable; do
        update_config --arg p "$propagation" '.linux.rootfsPropagation = $p'
        run_container
        assert_success
        [ "$propagation" != unbindable ] || assert_output --partial " unbindable "
        run grep -c " $BUNDLE/" /proc/self/mountinfo
        assert_output 0
        ID=$(new_id)
    done
}

# Guards namespaces/rootfs.c rootfs_pivot: the old root, not the new one,
# is made a slave after pivot_root.
@test "propagation: an rshared bind stays shared, and with rootfsPropagation rshared a mount inside reaches the host" {
    mkdir -p "$BATS_TEST_TMPDIR/src/sub"
    host_mount --bind "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/src"
    mount --make-shared "$BATS_TEST_TMPDIR/src"
    add_mount /shared bind "$BATS_TEST_TMPDIR/src" rbind rshared
    update_config '.linux.rootfsPropagation = "rshared"
        | .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
        | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
    set_args sh -c 'grep -E " /shared " /proc/self/mountinfo; checker mount /shared/sub'
    HOST_MOUNTS+=("$BATS_TEST_TMPDIR/src/sub")
    run_container
    assert_success
    assert_line --regexp ' /shared .* shared:[0-9]+ '
    assert_line ok
    run grep -c " $BATS_TEST_TMPDIR/src/sub " /proc/self/mountinfo
    assert_output 1
}

@test "tmpcopyup copies what the rootfs had there onto the tmpfs" {
    mkdir -p "$BUNDLE/rootfs/etc/app/sub"
    echo original >"$BUNDLE/rootfs/etc/app/conf"
    chown 1000:1001 "$BUNDLE/rootfs/etc/app/conf"
    chmod 604 "$BUNDLE/rootfs/etc/app/conf"
    echo deep >"$BUNDLE/rootfs/etc/app/sub/deep"
    ln -s conf "$BUNDLE/rootfs/etc/app/link"
    add_mount /etc/app tmpfs tmpfs tmpcopyup
    set_args sh -c 'cat /etc/app/conf /etc/app/sub/deep; stat -c "%a %u:%g" /etc/app/conf; readlink /etc/app/link
        echo changed >/etc/app/new && cat /etc/app/new; grep -c " /etc/app .* - tmpfs " /proc/self/mountinfo'
    run_container
    assert_success
    assert_output "$(printf 'original\ndeep\n604 1000:1001\nconf\nchanged\n1')"
    # the rootfs is untouched
    assert_equal "$(cat "$BUNDLE/rootfs/etc/app/conf")" "original"
}

@test "root.readonly: the rootfs cannot be written, its mounts can" {
    set_args sh -c 'checker write /newfile; checker write /dev/shm/f; checker write /etc/passwd; true'
    update_config '.root.readonly = true'
    run_container
    assert_success
    assert_output "$(printf 'write: Read-only file system\nok\nwrite: Read-only file system')"
    assert_not_exist "$BUNDLE/rootfs/newfile"
    update_config '.root.readonly = false'
    set_args checker write /newfile
    run_container
    assert_success
    assert_output "ok"
    assert_file_exist "$BUNDLE/rootfs/newfile"
}

@test "maskedPaths: files read as empty, directories are empty and read-only" {
    echo "s3cret" >"$BUNDLE/rootfs/etc/secret"
    mkdir "$BUNDLE/rootfs/secretdir"
    echo "hidden" >"$BUNDLE/rootfs/secretdir/file"
    update_config '.linux.maskedPaths = ["/etc/secret", "/secretdir", "/proc/keys", "/does/not/exist"]'
    set_args sh -c 'checker read /etc/secret; cat /etc/secret; ls -A /secretdir | wc -l; checker write /secretdir/x
        checker read /proc/keys; checker write /etc/secret'
    run_container
    assert_success
    assert_line --index 0 "ok 0"
    assert_line --index 1 "0"
    assert_line --index 2 "write: Read-only file system"
    assert_line --index 3 "ok 0"
    # the mask is the null device: writes vanish
    assert_line --index 4 "ok"
    assert_equal "$(cat "$BUNDLE/rootfs/etc/secret")" "s3cret"
}

@test "the default maskedPaths of runc's config hide /proc's secrets" {
    set_args sh -c 'for p in /proc/keys /proc/timer_list; do [ -e $p ] && echo "$p $(checker read $p)"; done
        [ -d /proc/acpi ] && echo "/proc/acpi $(ls -A /proc/acpi | wc -l)"; true'
    run_container
    assert_success
    for line in "${lines[@]}"; do
        case "$line" in
        "/proc/acpi "*) assert_equal "$line" "/proc/acpi 0" ;;
        *) [[ "$line" == *" ok 0" ]] || fail "not masked: $line" ;;
        esac
    done
    [ -e /proc/keys ] && assert_line "/proc/keys ok 0"
    true
}

@test "readonlyPaths: writes fail with EROFS, other paths stay writable" {
    mkdir -p "$BUNDLE/rootfs/data" "$BUNDLE/rootfs/other"
    update_config '.root.readonly = false | .linux.readonlyPaths = ["/proc/sys", "/data", "/does/not/exist"]
        | .linux.maskedPaths = []'
    set_args sh -c 'checker write /proc/sys/kernel/hostname; checker write /data/x; checker write /other/x
        checker statvfs /data'
    run_container
    assert_success
    assert_output "$(printf 'write: Read-only file system\nwrite: Read-only file system\nok\nro,relatime')"
    assert_not_exist "$BUNDLE/rootfs/data/x"
}

@test "readonlyPaths: a symlink is followed inside the rootfs, and its target made read-only" {
    mkdir -p "$BUNDLE/rootfs/data/dir" "$BUNDLE/rootfs/other"
    touch "$BUNDLE/rootfs/data/file"
    ln -s /data/file "$BUNDLE/rootfs/ro-file"
    ln -s data/dir "$BUNDLE/rootfs/ro-dir"
    # absolute, so it would name the host's /other outside the rootfs
    ln -s /other "$BUNDLE/rootfs/data/ro-other"
    update_config '.root.readonly = false | .linux.readonlyPaths = ["/ro-file", "/ro-dir", "/data/ro-other"]
        | .linux.maskedPaths = []'
    set_args sh -c 'checker write /data/file; checker write /data/dir/x; checker write /other/x; true'
    run_container
    assert_success
    assert_output "$(printf 'write: Read-only file system\nwrite: Read-only file system\nwrite: Read-only file system')"
}

@test "a symlink in the rootfs cannot send a mount outside it" {
    mkdir -p "$BATS_TEST_TMPDIR/src" "$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs$BATS_TEST_TMPDIR/outside"
    echo "mounted" >"$BATS_TEST_TMPDIR/src/file"
    # the same absolute path exists on the host and in the rootfs
    ln -s "$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs/escape"
    add_mount /escape bind "$BATS_TEST_TMPDIR/src" bind ro
    set_args sh -c "cat /escape/file $BATS_TEST_TMPDIR/outside/file"
    run_container
    assert_success
    # resolved as if the rootfs were /: the mount is on the rootfs's directory
    assert_output "$(printf 'mounted\nmounted')"
}

@test "a mount through a dangling symlink creates its target inside the rootfs" {
    mkdir -p "$BATS_TEST_TMPDIR/src" "$BUNDLE/rootfs/var"
    echo "mounted" >"$BATS_TEST_TMPDIR/src/file"
    # as in many images: /var/run -> ../run, and no /run yet
    ln -s ../run "$BUNDLE/rootfs/var/run"
    ln -s "$BATS_TEST_TMPDIR/nowhere" "$BUNDLE/rootfs/escape"
    add_mount /var/run/secrets bind "$BATS_TEST_TMPDIR/src" bind ro
    add_mount /escape bind "$BATS_TEST_TMPDIR/src" bind ro
    set_args sh -c 'cat /run/secrets/file /escape/file'
    run_container
    assert_success
    assert_output "$(printf 'mounted\nmounted')"
    assert_dir_exist "$BUNDLE/rootfs/run/secrets"
    assert_dir_exist "$BUNDLE/rootfs$BATS_TEST_TMPDIR/nowhere"
    assert_not_exist "$BATS_TEST_TMPDIR/nowhere"
}

@test "mounts are made in order: a later one on top of an earlier one" {
    add_mount /data tmpfs tmpfs mode=755
    add_mount /data/inner tmpfs tmpfs mode=700
    set_args sh -c 'stat -c %a /data /data/inner'
    run_container
    assert_success
    assert_output "$(printf '755\n700')"
}

@test "an unknown filesystem type is an error" {
    add_mount /data nosuchfs none
    set_args checker exit 0
    run_container
    assert_berth_error 'mounts[7]: mount nosuchfs on /data: filesystem type nosuchfs is not supported by the kernel: no such device'
    assert_nothing_left
}

@test "the cgroup mount shows the container's own cgroups, read-only" {
    set_args sh -c 'ls /sys/fs/cgroup | tr "\n" " "; echo; while read p; do echo $p; done </sys/fs/cgroup/pids/cgroup.procs
        checker write /sys/fs/cgroup/x; true'
    run_container
    assert_success
    assert_line --index 0 --partial "memory"
    assert_line --index 0 --partial "pids"
    # the container's init is the only process of its cgroup
    assert_line --index 1 "1"
    assert_line --index 2 "write: Read-only file system"
}
