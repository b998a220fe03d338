#!/usr/bin/env bats
# containerd (1.6, io.containerd.runc.v2 shim) driving berth through ctr,
# side by side with runc: every case runs once per runtime. The test starts
# its own containerd (config.toml, root, state and sockets in a temporary
# directory) and stops it, by its PID, at the end. The image is a busybox
# rootfs packed offline into an OCI archive by umoci and imported with
# `ctr images import`. How the shim calls the runtime:
# /work/shared/notes/clients.md.
#
# The runtime: ctr hands the shim runc options {BinaryName, Root} through
# --runc-binary/--runc-root. They are the same options a CRI runtime entry
# (runtime_type "io.containerd.runc.v2", options BinaryName/Root/
# SystemdCgroup=false) gives for a Kubernetes RuntimeClass; ctr does not read
# CRI runtime entries, so the CRI plugin is disabled here.
#
# Cgroups: containerd's default cgroupsPath is "/<namespace>/<ID>" (here
# /clients/<ID>), outside the cgroup this host keeps the session in, and a
# namespace cannot hold a "/". Every container is therefore run with
# `ctr run --cgroup $CG_PARENT/<ID>` (helpers.bash), which containerd puts
# unchanged in linux.cgroupsPath.

load helpers

IMAGE=localhost/berth-clients-busybox:latest
NS=clients

setup_file() {
    CLIENTS_SKIP=$(clients_missing containerd ctr containerd-shim-runc-v2 umoci tmux jq)
    export CLIENTS_SKIP
    [ -z "$CLIENTS_SKIP" ] || return 0
    snapshot_berth

    export W=$BATS_FILE_TMPDIR/containerd
    # containerd 1.6's shims put their sockets in /run/containerd/s whatever
    # the config says: if the directory is new, the teardown removes it.
    RUN_CONTAINERD_WAS_THERE=0
    [ -d /run/containerd ] && RUN_CONTAINERD_WAS_THERE=1
    export RUN_CONTAINERD_WAS_THERE
    export TMUX_SOCK=$W/tmux.sock SOCK=$W/containerd.sock
    mkdir -p "$W/fifo" "$W/logs"
    cat >"$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$W/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$W/debug.sock"
  level = "info"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$W/opt"
EOF
    containerd --config "$W/config.toml" </dev/null >"$W/containerd.log" 2>&1 3>&- &
    export CONTAINERD_PID=$!
    if ! wait_until 10 ctr --address "$SOCK" version >/dev/null; then
        echo "# containerd did not start; its log:" >&3
        sed 's/^/#   /' "$W/containerd.log" >&3
        return 1
    fi

    if ! CG_PARENT=$(clients_cgroup_parent "berth-clients-containerd-$$"); then
        CLIENTS_SKIP=$CG_PARENT
        return 0
    fi
    export CG_PARENT CG_MADE=$W/cgroups-made
    cgroup_parent_make

    # busybox as an OCI image, without a registry
    make_busybox_rootfs "$W/rootfs"
    umoci init --layout "$W/oci"
    umoci new --image "$W/oci:latest"
    umoci unpack --image "$W/oci:latest" "$W/unpacked"
    cp -a "$W/rootfs/." "$W/unpacked/rootfs/"
    umoci repack --image "$W/oci:latest" "$W/unpacked"
    umoci config --image "$W/oci:latest" --os linux --architecture amd64 --config.cmd /bin/sh
    tar -C "$W/oci" -cf "$W/busybox-oci.tar" .
    rm -rf "$W/unpacked" "$W/oci" "$W/rootfs"
    ctrc images import --base-name "${IMAGE%:*}" "$W/busybox-oci.tar" >/dev/null
}

teardown_file() {
    [ -n "${W:-}" ] || return 0
    local failed=0 pid
    tty_stop_all
    if [ -n "${CONTAINERD_PID:-}" ]; then
        remove_all_containers
        stop_pid "$CONTAINERD_PID"
        wait "$CONTAINERD_PID" 2>/dev/null
    fi
    # the shims outlive containerd: every one still there was ours
    for pid in $(shim_pids); do
        echo "# a containerd shim was left running: $pid" >&2
        stop_pid "$pid"
        failed=1
    done
    unmount_below "$W"
    cgroup_parent_remove || failed=1
    if [ "${RUN_CONTAINERD_WAS_THERE:-1}" = 0 ] && [ -d /run/containerd ]; then
        find /run/containerd -depth -type d -empty -exec rmdir {} \; 2>/dev/null
    fi
    return $failed
}

setup() {
    clients_check_skip
}

teardown() {
    [ -z "$CLIENTS_SKIP" ] || return 0
    local out failed=0
    tty_stop_all
    [ -z "${EVENTS_PID:-}" ] || stop_pid "$EVENTS_PID"
    remove_all_containers
    remove_cgroups 'mkdir-parent-*'
    out=$(leftover_cgroups)
    if [ -n "$out" ]; then
        echo "# left behind: $out" >&2
        failed=1
    fi
    # a shim exits once its last task is deleted
    if ! wait_until 5 no_shims; then
        echo "# containerd shims left: $(shim_pids)" >&2
        failed=1
    fi
    # (a container's state is a directory named by its ID; berth also keeps
    # a compiled-seccomp cache, .seccomp-cache, in its root)
    out=$(find "$W"/runtime-root/*/"$NS" -mindepth 1 -maxdepth 1 ! -name ".*" 2>/dev/null)
    if [ -n "$out" ]; then
        echo "# runtime state left behind: $out" >&2
        failed=1
    fi
    out=$(mounts_below "$W/state")
    if [ -n "$out" ]; then
        echo "# mounts left behind: $out" >&2
        failed=1
    fi
    return $failed
}

ctrc() {
    ctr --address "$SOCK" --namespace "$NS" "$@"
}

remove_all_containers() {
    local id
    for id in $(ctrc containers list --quiet 2>/dev/null); do
        ctrc tasks delete --force "$id" >/dev/null 2>&1
        ctrc containers delete "$id" >/dev/null 2>&1
    done
}

# The PIDs of the shims serving this containerd (an argument is its socket).
shim_pids() {
    local f pid
    for f in $(grep -lsxzF -- "$SOCK" /proc/[0-9]*/cmdline); do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = containerd-shim ] && echo "$pid"
    done
    return 0
}

# ctr_run RUNTIME ID [ctr run options] -- COMMAND...: `ctr run` of the image
# as ID with RUNTIME, in the cgroup $CG_PARENT/ID (unless --cgroup is given).
ctr_run() {
    local rt=$1 id=$2 cgroup=$CG_PARENT/$2 opts=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        if [ "$1" = --cgroup ]; then
            cgroup=$2
            shift 2
            continue
        fi
        opts+=("$1")
        shift
    done
    shift
    ctrc run --runc-binary "$(runtime_bin "$rt")" --runc-root "$W/runtime-root/$rt" \
        --cgroup "$cgroup" --fifo-dir "$W/fifo" "${opts[@]}" "$IMAGE" "$id" "$@"
}

# ctr_detach RUNTIME ID [ctr run options] -- COMMAND...: ctr run -d, the
# container's output in $W/logs/ID.
ctr_detach() {
    local rt=$1 id=$2
    shift 2
    ctr_run "$rt" "$id" -d --log-uri "file://$W/logs/$id" "$@" </dev/null >/dev/null 3>&- ||
        fail "ctr run -d $id failed"
}

container_log() {
    cat "$W/logs/$1" 2>/dev/null
}

# task_status ID: RUNNING, PAUSED, STOPPED...
task_status() {
    ctrc tasks list | awk -v id="$1" '$1 == id { print $3 }'
}

task_is() {
    [ "$(task_status "$1")" = "$2" ]
}

no_shims() {
    [ -z "$(shim_pids)" ]
}

task_pid() {
    ctrc tasks list | awk -v id="$1" '$1 == id { print $2 }'
}

# The runtime's state directory of a container (the shim adds the namespace
# to the Root it is given).
runtime_state() {
    echo "$W/runtime-root/$1/$NS/$2"
}

# procs_status ID: each process in the container's cgroup, with its signal masks.
procs_status() {
    local pid
    for pid in $(cg_procs "$1"); do
        echo "$pid $(tr '\0' ' ' </proc/$pid/cmdline) $(grep -E '^(State|Sig(Pnd|Blk|Ign|Cgt)|ShdPnd)' /proc/$pid/status | tr '\n\t' '  ')"
    done
}

LOOP='trap "echo got-TERM; exit 0" TERM; echo started; while :; do sleep 0.1; done'

# ---- the cases, each run by two @tests below ---------------------------------------------------

case_run_rm() {
    local rt=$1 id=rm-$1
    run ctr_run "$rt" "$id" --rm -- sh -c 'echo "hello from $(cat /proc/1/comm)"; exit 7'
    assert_output "hello from sh"
    assert_equal "$status" 7
    run ctrc containers list --quiet
    assert_output ""
    [ ! -e "$(runtime_state "$rt" "$id")" ] || fail "the runtime's state is still there"
}

case_detach_exec_kill_rm() {
    local rt=$1 id=d-$1 pid
    ctr_detach "$rt" "$id" -- sh -c "$LOOP"
    wait_until 10 grep -qx started "$W/logs/$id"
    assert_equal "$(task_status "$id")" RUNNING
    pid=$(task_pid "$id")
    run cg_procs "$id"
    assert_line "$pid"
    [ -d "$(runtime_state "$rt" "$id")" ] || fail "no runtime state in $(runtime_state "$rt" "$id")"
    [ -n "$(shim_pids)" ] || fail "no containerd-shim-runc-v2 serving $SOCK found"

    run ctrc tasks exec --exec-id e1 --fifo-dir "$W/fifo" "$id" sh -c 'echo "in exec, PID 1 is $(cat /proc/1/comm)"'
    assert_success
    assert_output "in exec, PID 1 is sh"
    run ctrc tasks exec --exec-id e2 --fifo-dir "$W/fifo" "$id" sh -c 'exit 5'
    assert_equal "$status" 5

    run ctrc tasks kill "$id"
    assert_success
    wait_until 10 task_is "$id" STOPPED ||
        fail "still $(task_status "$id") 10 s after SIGTERM; its processes: $(procs_status "$id")"
    run container_log "$id"
    assert_output "$(printf 'started\ngot-TERM')"
    run ctrc tasks delete "$id"
    assert_success
    run ctrc containers delete "$id"
    assert_success
    [ ! -e "$(runtime_state "$rt" "$id")" ] || fail "the runtime's state is still there"
    [ ! -d "$(cg_dir memory "$id")" ] || fail "the container's cgroup is still there"
}

case_ps_kill_all() {
    local rt=$1 id=ps-$1
    ctr_detach "$rt" "$id" -- sh -c 'sleep 1000 & sleep 2000 & wait'
    wait_until 10 procs_are "$id" 3
    # the shim's `ps --format json` gives the PIDs of the container's cgroup
    run ctrc tasks ps "$id"
    assert_success
    assert_equal "$(tail -n +2 <<<"$output" | awk '{print $1}' | sort -n)" "$(cg_procs "$id")"

    run ctrc tasks kill --all --signal SIGKILL "$id"
    assert_success
    wait_until 10 task_is "$id" STOPPED
    assert_equal "$(cg_procs "$id")" ""
}

case_tty() {
    local rt=$1 id=tty-$1
    tty_start main "ctr --address $SOCK --namespace $NS run --rm -t --runc-binary $(runtime_bin "$rt") \
        --runc-root $W/runtime-root/$rt --cgroup $CG_PARENT/$id --fifo-dir $W/fifo $IMAGE $id sh"
    tty_check main
    tty_resize main 40 120
    tty_type main 'exit 3'
    tty_wait main EXIT=3
}

case_exec_tty() {
    local rt=$1 id=xtty-$1
    ctr_detach "$rt" "$id" -- sh -c "$LOOP"
    tty_start main "ctr --address $SOCK --namespace $NS tasks exec -t --exec-id sh1 --fifo-dir $W/fifo $id sh"
    tty_check main
    tty_type main 'exit 4'
    tty_wait main EXIT=4
    assert_equal "$(task_status "$id")" RUNNING
}

case_pause_resume() {
    local rt=$1 id=p-$1 n1 n2 counter
    ctr_detach "$rt" "$id" -- sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/n; sleep 0.05; done'
    counter=$W/state/io.containerd.runtime.v2.task/$NS/$id/rootfs/tmp/n
    wait_until 10 test -s "$counter"

    run ctrc tasks pause "$id"
    assert_success
    assert_equal "$(task_status "$id")" PAUSED
    assert_equal "$(cg_freezer "$id")" FROZEN
    n1=$(cat "$counter")
    sleep 0.5
    n2=$(cat "$counter")
    assert_equal "$n2" "$n1"

    run ctrc tasks resume "$id"
    assert_success
    assert_equal "$(task_status "$id")" RUNNING
    assert_equal "$(cg_freezer "$id")" THAWED
    wait_until 5 counter_above "$counter" "${n2:-0}"
}

case_metrics() {
    local rt=$1 id=m-$1
    ctr_detach "$rt" "$id" --memory-limit 67108864 -- sh -c 'sleep 1000 & sleep 2000 & wait'
    wait_until 10 procs_are "$id" 3
    run ctrc tasks metrics --format json "$id"
    assert_success
    assert_equal "$(jq '.pids.current' <<<"$output")" 3
    if cgroup2_only; then
        assert_equal "$(jq '.memory.usage_limit' <<<"$output")" 67108864
    else
        assert_equal "$(jq '.memory.usage.limit' <<<"$output")" 67108864
    fi
}

case_oom_event() {
    local rt=$1 id=oom-$1
    ctrc events >"$W/events-$id" 2>&1 </dev/null 3>&- &
    EVENTS_PID=$!
    sleep 0.3 # until ctr events has subscribed
    run ctr_run "$rt" "$id" --rm --memory-limit 33554432 -- sh -c 'x=a; while :; do x=$x$x; done'
    assert_equal "$status" 137
    # the exit comes after the OOM event
    wait_until 5 grep -qF "/tasks/exit {\"container_id\":\"$id\"" "$W/events-$id" ||
        fail "ctr events saw no /tasks/exit for $id: $(cat "$W/events-$id")"
    grep -qF "/tasks/oom {\"container_id\":\"$id\"}" "$W/events-$id" ||
        fail "ctr events saw no /tasks/oom for $id: $(cat "$W/events-$id")"
    run grep -F "/tasks/exit {\"container_id\":\"$id\"" "$W/events-$id"
    assert_output --partial '"exit_status":137'
}

case_seccomp() {
    local rt=$1 id=sc-$1
    # ctr run --seccomp: containerd's default profile in linux.seccomp
    run ctr_run "$rt" "$id" --rm --seccomp -- grep '^Seccomp:' /proc/self/status
    assert_success
    assert_output "$(printf 'Seccomp:\t2')"
}

case_mkdir_parent() {
    local rt=$1 id=mk-$1 parent=mkdir-parent-$1 mp
    # A parent cgroup an administrator made with mkdir, as cgroup_parent_make
    # does but without copying cpuset.cpus/mems into it: on cgroup v1 its
    # cpuset is empty, and runc fills it from its ancestors (as it does for
    # every level it uses) before moving the container in.
    for mp in $(cgroup_mounts); do
        mkdir "$mp$CG_PARENT/$parent"
    done
    run ctr_run "$rt" "$id" --cgroup "$CG_PARENT/$parent/$id" --rm -- echo hello
    assert_output hello
    assert_success
}

case_device() {
    local rt=$1 id=dev-$1
    run ctr_run "$rt" "$id" --rm --device /dev/kmsg -- stat -c "%F %t:%T %a" /dev/kmsg
    assert_success
    assert_output "character special file 1:b $(stat -c %a /dev/kmsg)"
}

case_privileged() {
    local rt=$1 id=priv-$1
    run ctr_run "$rt" "$id" --rm --privileged -- sh -c 'grep CapEff /proc/self/status; stat -c "%F %t:%T" /dev/kmsg'
    assert_success
    assert_line "$(grep CapBnd /proc/self/status | sed 's/CapBnd/CapEff/')"
    assert_line "character special file 1:b"
}

case_create_error() {
    local rt=$1 id=err-$1
    # containerd shows the last error of the runtime's --log JSON
    run ctr_run "$rt" "$id" --rm -- /nonexistent
    assert_failure
    assert_output --regexp '^ctr: failed to create shim task: OCI runtime create failed: .*no such file or directory: unknown$'
    run ctrc containers list --quiet
    assert_output ""
}

# ---- berth and runc side by side -------------------------------------------------------

@test "ctr run --rm: output, exit status, nothing left [berth]" { case_run_rm berth; }
@test "ctr run --rm: output, exit status, nothing left [runc]" { case_run_rm runc; }

@test "ctr run -d, task exec, task kill, task rm [berth]" { case_detach_exec_kill_rm berth; }
@test "ctr run -d, task exec, task kill, task rm [runc]" { case_detach_exec_kill_rm runc; }

@test "ctr task ps, task kill --all [berth]" { case_ps_kill_all berth; }
@test "ctr task ps, task kill --all [runc]" { case_ps_kill_all runc; }

@test "ctr run --tty in tmux: a terminal of the right size, resized [berth]" { case_tty berth; }
@test "ctr run --tty in tmux: a terminal of the right size, resized [runc]" { case_tty runc; }

@test "ctr task exec --tty in tmux [berth]" { case_exec_tty berth; }
@test "ctr task exec --tty in tmux [runc]" { case_exec_tty runc; }

@test "ctr task pause, resume: frozen, then running again [berth]" { case_pause_resume berth; }
@test "ctr task pause, resume: frozen, then running again [runc]" { case_pause_resume runc; }

@test "ctr task metrics: pids and memory limit [berth]" { case_metrics berth; }
@test "ctr task metrics: pids and memory limit [runc]" { case_metrics runc; }

@test "ctr events shows the OOM kill of a container over --memory-limit [berth]" { case_oom_event berth; }
@test "ctr events shows the OOM kill of a container over --memory-limit [runc]" { case_oom_event runc; }

@test "ctr run --seccomp: containerd's default profile [berth]" { case_seccomp berth; }
@test "ctr run --seccomp: containerd's default profile [runc]" { case_seccomp runc; }

@test "ctr run --cgroup below a parent cgroup made by mkdir (empty v1 cpuset) [berth]" { case_mkdir_parent berth; }
@test "ctr run --cgroup below a parent cgroup made by mkdir (empty v1 cpuset) [runc]" { case_mkdir_parent runc; }

@test "ctr run --device /dev/kmsg [berth]" { case_device berth; }
@test "ctr run --device /dev/kmsg [runc]" { case_device runc; }

@test "ctr run --privileged: every capability and host device [berth]" { case_privileged berth; }
@test "ctr run --privileged: every capability and host device [runc]" { case_privileged runc; }

@test "ctr run of a missing command: the runtime's error in ctr's message [berth]" { case_create_error berth; }
@test "ctr run of a missing command: the runtime's error in ctr's message [runc]" { case_create_error runc; }
