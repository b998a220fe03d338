#!/usr/bin/env bats
# Podman (4.3.1, with conmon) driving berth, side by side with runc: every
# case runs once per runtime. Podman gets its own containers.conf and
# storage.conf in a temporary directory (storage, state, events and locks
# there), the cgroupfs manager, no network, and a busybox image imported
# offline. How Podman calls the runtime: /work/shared/notes/clients.md.
#
# Cgroups: Podman's default cgroupsPath is /libpod_parent/libpod-<ID>, outside
# the cgroup this host keeps the session in; every container is therefore run
# with --cgroup-parent $CG_PARENT, an absolute path below our own cgroup in
# every hierarchy (helpers.bash), which Podman passes on as
# "$CG_PARENT/libpod-<ID>" and uses for conmon's cgroup ("$CG_PARENT/conmon").

load helpers

IMAGE=localhost/berth-clients-busybox:latest

setup_file() {
    CLIENTS_SKIP=$(clients_missing podman conmon tmux jq)
    export CLIENTS_SKIP
    [ -z "$CLIENTS_SKIP" ] || return 0
    snapshot_berth

    export W=$BATS_FILE_TMPDIR/podman
    # Podman as root also writes, whatever its configuration says, a blob
    # info cache in /var/lib/containers/cache and /run/containers/networks:
    # the teardown removes them if they are new.
    HOST_PODMAN_DIRS=
    [ -d /var/lib/containers ] || HOST_PODMAN_DIRS+=" /var/lib/containers"
    [ -d /run/containers ] || HOST_PODMAN_DIRS+=" /run/containers"
    export HOST_PODMAN_DIRS
    export TMUX_SOCK=$W/tmux.sock
    mkdir -p "$W/tmp"
    cat >"$W/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
netns = "none"
cgroupns = "private"
# Podman's default nofile (1048576) is above this host's hard limit, and
# raising it needs CAP_SYS_RESOURCE, which this machine does not have.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
# locks in tmp_dir, not in the host-wide /dev/shm/libpod_lock
lock_type = "file"
tmp_dir = "$W/tmp"
volume_path = "$W/volumes"
runtime = "runc"
# Podman then passes --log-format=json --log FILE to create and exec.
runtime_supports_json = ["runc", "berth"]
[engine.runtimes]
berth = ["$BERTH"]
runc = ["$RUNC"]
[network]
network_config_dir = "$W/cni"
EOF
    cat >"$W/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$W/root"
runroot = "$W/runroot"
EOF
    export CONTAINERS_CONF=$W/containers.conf CONTAINERS_STORAGE_CONF=$W/storage.conf

    if ! CG_PARENT=$(clients_cgroup_parent "berth-clients-podman-$$"); then
        CLIENTS_SKIP=$CG_PARENT
        return 0
    fi
    export CG_PARENT CG_MADE=$W/cgroups-made
    cgroup_parent_make

    make_busybox_rootfs "$W/rootfs"
    tar -C "$W/rootfs" -c . | podman import --change 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
}

teardown_file() {
    [ -n "${W:-}" ] || return 0
    local failed=0
    tty_stop_all
    if [ -z "$CLIENTS_SKIP" ]; then
        podman rm --all --force --time 0 >/dev/null || failed=1
        podman system reset --force >/dev/null 2>&1 || failed=1
    fi
    unmount_below "$W"
    cgroup_parent_remove || failed=1
    local dir
    for dir in $HOST_PODMAN_DIRS; do
        rm -f "$dir/cache/blob-info-cache-v1.boltdb"
        [ -d "$dir" ] && find "$dir" -depth -type d -empty -exec rmdir {} \; 2>/dev/null
    done
    return $failed
}

setup() {
    clients_check_skip
    # conmon writes an "oom" file into its working directory, which it
    # inherits from podman: keep it out of the source tree.
    cd "$W"
}

teardown() {
    [ -z "$CLIENTS_SKIP" ] || return 0
    local out failed=0
    tty_stop_all
    podman rm --all --force --time 0 >/dev/null
    # conmon's cgroup stays for the next container; nothing else may.
    out=$(leftover_cgroups conmon)
    if [ -n "$out" ]; then
        echo "# left behind: $out" >&2
        failed=1
    fi
    out=$(leftover_state)
    if [ -n "$out" ]; then
        echo "# runtime state left behind: $out" >&2
        failed=1
    fi
    return $failed
}

# The runtime's state directory (Podman passes no --root: the defaults) of
# every container this Podman has made.
leftover_state() {
    local id
    for id in $(jq -r 'select(.Type == "container") | .ID' "$W/tmp/events/events.log" 2>/dev/null | sort -u); do
        [ -e "/run/berth/$id" ] && echo "/run/berth/$id"
        [ -e "/run/runc/$id" ] && echo "/run/runc/$id"
    done
    return 0
}

# prun RUNTIME ARGS...: `podman --runtime RUNTIME run` below $CG_PARENT.
prun() {
    local rt=$1
    shift
    podman --runtime "$rt" run --cgroup-parent "$CG_PARENT" "$@"
}

# A container that runs until SIGTERM, printing "started" first.
LOOP='trap "echo got-TERM; exit 0" TERM; echo started; while :; do sleep 0.1; done'

# start_loop RUNTIME [run options]: a detached $LOOP container; its ID in $CID.
start_loop() {
    local rt=$1
    shift
    CID=$(prun "$rt" -d "$@" "$IMAGE" sh -c "$LOOP") || fail "podman run -d failed: $CID"
    wait_until 10 logs_have "$CID" started
}

# logs_have ID LINE: the container's output has LINE.
logs_have() {
    podman logs "$1" 2>/dev/null | grep -qxF -- "$2"
}

state_of() {
    podman inspect --format '{{.State.Status}}' "$1"
}

# ---- the cases, each run by two @tests below ---------------------------------------------------

case_run_rm() {
    local rt=$1
    run prun "$rt" --rm --cidfile "$BATS_TEST_TMPDIR/cid" "$IMAGE" \
        sh -c 'echo "hello from $(cat /proc/1/cmdline | tr "\0" " ")"; exit 7'
    assert_equal "$status" 7
    assert_output 'hello from sh -c echo "hello from $(cat /proc/1/cmdline | tr "\0" " ")"; exit 7 '
    local id
    id=$(cat "$BATS_TEST_TMPDIR/cid")
    run podman ps --all --quiet
    assert_output ""
    run "$(runtime_bin "$rt")" state "$id"
    assert_failure
}

case_default_seccomp() {
    local rt=$1
    # Podman's default profile (/usr/share/containers/seccomp.json), which
    # every case here has: Podman passes it in linux.seccomp.
    run prun "$rt" --rm "$IMAGE" grep '^Seccomp:' /proc/self/status
    assert_success
    assert_output "$(printf 'Seccomp:\t2')"
}

case_detach_exec_stop_rm() {
    local rt=$1 pid
    start_loop "$rt"
    assert_equal "$(state_of "$CID")" running
    # the container's process is in the cgroup Podman asked for
    pid=$(podman inspect --format '{{.State.Pid}}' "$CID")
    run cg_procs "libpod-$CID"
    assert_line "$pid"

    run podman exec "$CID" sh -c 'echo "in exec, PID 1 is $(cat /proc/1/comm)"'
    assert_success
    assert_output "in exec, PID 1 is sh"
    run podman exec "$CID" sh -c 'exit 5'
    assert_equal "$status" 5

    SECONDS=0
    run podman stop --time 10 "$CID"
    assert_success
    ((SECONDS < 5)) || fail "podman stop took $SECONDS s: SIGTERM did not reach the container"
    assert_equal "$(state_of "$CID")" exited
    assert_equal "$(podman inspect --format '{{.State.ExitCode}}' "$CID")" 0
    run podman logs "$CID"
    assert_output "$(printf 'started\ngot-TERM')"

    run podman rm "$CID"
    assert_success
    run "$(runtime_bin "$rt")" state "$CID"
    assert_failure
    [ ! -d "$(cg_dir memory "libpod-$CID")" ] || fail "the container's cgroup is still there"
}

case_exit_codes() {
    local rt=$1
    # Podman maps the runtime's error message to 127 / 126, as for runc.
    run -127 prun "$rt" --rm "$IMAGE" /nonexistent
    assert_output --partial "no such file or directory"
    run prun "$rt" --rm "$IMAGE" /etc/passwd
    assert_equal "$status" 126
    assert_output --partial "permission denied"
    start_loop "$rt"
    run -127 podman exec "$CID" /nonexistent
}

case_run_tty() {
    local rt=$1
    tty_start main "podman --runtime $rt run --rm -it --cgroup-parent $CG_PARENT $IMAGE sh"
    tty_check main
    # a resized terminal reaches the container
    tty_resize main 40 120
    tty_type main 'exit 3'
    tty_wait main EXIT=3
}

case_exec_tty() {
    local rt=$1
    start_loop "$rt"
    tty_start main "podman exec -it $CID sh"
    tty_check main
    tty_type main 'exit 4'
    tty_wait main EXIT=4
    assert_equal "$(state_of "$CID")" running
}

case_memory_oom() {
    local rt=$1
    run prun "$rt" --rm --memory 32m "$IMAGE" \
        sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max
               x=a; while :; do x=$x$x; done'
    assert_equal "$status" 137
    assert_line 33554432
}

case_pids_limit() {
    local rt=$1
    run prun "$rt" --rm --pids-limit 10 "$IMAGE" \
        sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max
               i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i + 1)); done; echo "forked 20"'
    assert_failure
    assert_line 10
    assert_output --partial "can't fork: Resource temporarily unavailable"
    refute_line "forked 20"
}

case_pids_unlimited() {
    local rt=$1
    # Podman documents --pids-limit -1 as "unlimited"; 4.3 passes it to the
    # runtime as linux.resources.pids {"limit": 0}.
    run prun "$rt" --rm --pids-limit -1 "$IMAGE" \
        sh -c '{ read -r m </sys/fs/cgroup/pids/pids.max || read -r m </sys/fs/cgroup/pids.max; } 2>/dev/null
               echo "pids.max $m"; sleep 0 & wait; echo forked'
    assert_line "pids.max max"
    assert_line forked
    assert_success
}

case_pause_unpause() {
    local rt=$1 merged n1 n2
    CID=$(prun "$rt" -d "$IMAGE" sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/n; sleep 0.05; done')
    merged=$(podman inspect --format '{{.GraphDriver.Data.MergedDir}}' "$CID")
    wait_until 10 test -s "$merged/tmp/n"

    run podman pause "$CID"
    assert_success
    assert_equal "$(state_of "$CID")" paused
    assert_equal "$(cg_freezer "libpod-$CID")" FROZEN
    n1=$(cat "$merged/tmp/n")
    sleep 0.5
    n2=$(cat "$merged/tmp/n")
    assert_equal "$n2" "$n1"

    run podman unpause "$CID"
    assert_success
    assert_equal "$(state_of "$CID")" running
    assert_equal "$(cg_freezer "libpod-$CID")" THAWED
    wait_until 5 counter_above "$merged/tmp/n" "${n2:-0}"
}

case_top() {
    local rt=$1
    CID=$(prun "$rt" -d "$IMAGE" sh -c 'sleep 1000 & sleep 2000 & wait')
    wait_until 10 procs_are "libpod-$CID" 3
    run podman top "$CID" pid comm args
    assert_success
    assert_line --regexp '^1 +sh +sh -c sleep 1000 & sleep 2000 & wait *$'
    assert_line --regexp '^[0-9]+ +sleep +sleep 1000 *$'
    assert_line --regexp '^[0-9]+ +sleep +sleep 2000 *$'
}

case_stats() {
    local rt=$1
    CID=$(prun "$rt" -d --memory 64m "$IMAGE" sh -c 'sleep 1000 & sleep 2000 & wait')
    wait_until 10 procs_are "libpod-$CID" 3
    run podman stats --no-stream --format json "$CID"
    assert_success
    assert_equal "$(jq -r '.[0].pids' <<<"$output")" 3
    assert_regex "$(jq -r '.[0].mem_usage' <<<"$output")" ' / 67\.11MB$'
}

case_update() {
    local rt=$1
    # podman update (new in 4.3) hands the runtime `update --resources=FILE`.
    start_loop "$rt" --memory 64m --cpu-shares 512
    assert_equal "$(cg_memory_limit "libpod-$CID")" 67108864
    run podman update --memory 128m --cpu-shares 256 "$CID"
    assert_success
    assert_equal "$(cg_memory_limit "libpod-$CID")" 134217728
    cgroup2_only || assert_equal "$(cat "$(cg_dir cpu "libpod-$CID")/cpu.shares")" 256
    run podman exec "$CID" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
    assert_output 134217728
}

case_device() {
    local rt=$1
    # Podman gives linux.devices[].fileMode with the file type bits (020666
    # for a character device), as Go's os.FileMode of the host device.
    run prun "$rt" --rm --device /dev/zero:/dev/myzero "$IMAGE" \
        sh -c 'stat -c "%F %t:%T %a" /dev/myzero; head -c 4 /dev/myzero | od -An -tx1'
    assert_success
    assert_line "character special file 1:5 666"
    assert_line " 00 00 00 00"
}

case_privileged() {
    local rt=$1
    # every host device, with every capability
    run prun "$rt" --rm --privileged "$IMAGE" \
        sh -c 'grep CapEff /proc/self/status; stat -c "%F %t:%T" /dev/kmsg'
    assert_success
    assert_line "$(grep CapBnd /proc/self/status | sed 's/CapBnd/CapEff/')"
    assert_line "character special file 1:b"
}

# ---- berth and runc side by side -------------------------------------------------------

@test "podman run --rm: output, exit status, nothing left [berth]" { case_run_rm berth; }
@test "podman run --rm: output, exit status, nothing left [runc]" { case_run_rm runc; }

@test "podman run with Podman's default seccomp profile [berth]" { case_default_seccomp berth; }
@test "podman run with Podman's default seccomp profile [runc]" { case_default_seccomp runc; }

@test "podman run -d, exec, stop, rm [berth]" { case_detach_exec_stop_rm berth; }
@test "podman run -d, exec, stop, rm [runc]" { case_detach_exec_stop_rm runc; }

@test "podman run/exec of a missing or non-executable file: 127 and 126 [berth]" { case_exit_codes berth; }
@test "podman run/exec of a missing or non-executable file: 127 and 126 [runc]" { case_exit_codes runc; }

@test "podman run -it in tmux: a terminal of the right size, resized [berth]" { case_run_tty berth; }
@test "podman run -it in tmux: a terminal of the right size, resized [runc]" { case_run_tty runc; }

@test "podman exec -it in tmux [berth]" { case_exec_tty berth; }
@test "podman exec -it in tmux [runc]" { case_exec_tty runc; }

@test "podman run --memory 32m: the limit inside, a memory hog exits 137 [berth]" { case_memory_oom berth; }
@test "podman run --memory 32m: the limit inside, a memory hog exits 137 [runc]" { case_memory_oom runc; }

@test "podman run --pids-limit 10: a fork loop stops [berth]" { case_pids_limit berth; }
@test "podman run --pids-limit 10: a fork loop stops [runc]" { case_pids_limit runc; }

@test "podman run --pids-limit -1 (unlimited) [berth]" { case_pids_unlimited berth; }
@test "podman run --pids-limit -1 (unlimited) [runc]" { case_pids_unlimited runc; }

@test "podman pause, unpause: frozen, then running again [berth]" { case_pause_unpause berth; }
@test "podman pause, unpause: frozen, then running again [runc]" { case_pause_unpause runc; }

@test "podman top [berth]" { case_top berth; }
@test "podman top [runc]" { case_top runc; }

@test "podman stats --no-stream: pids and memory limit [berth]" { case_stats berth; }
@test "podman stats --no-stream: pids and memory limit [runc]" { case_stats runc; }

@test "podman update --memory --cpu-shares of a running container [berth]" { case_update berth; }
@test "podman update --memory --cpu-shares of a running container [runc]" { case_update runc; }

@test "podman run --device /dev/zero:/dev/myzero [berth]" { case_device berth; }
@test "podman run --device /dev/zero:/dev/myzero [runc]" { case_device runc; }

@test "podman run --privileged: every capability and host device [berth]" { case_privileged berth; }
@test "podman run --privileged: every capability and host device [runc]" { case_privileged runc; }
