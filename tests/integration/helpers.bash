# Shared setup for berth's bats tests. Every test gets:
#   BUNDLE  a busybox bundle (rootfs/ with /bin/checker, config.json) of its own
#   ROOT    a state root of its own (every `berth` call passes --root "$ROOT")
#   ID      a container ID no other test or machine user has
#   TAG     a value in the container's environment (BERTH_TEST_TAG), to find
#           the container's processes from the host
# and a teardown that force-deletes every container in ROOT, then fails the
# test if anything was left behind: a process, a mount, a cgroup, a state
# dir, or a changed host device.
#
# Containers that outlive a command (create, run --detach) must not hold the
# pipe bats reads output from: create_container sends their output to files.

bats_require_minimum_version 1.5.0

# bats-support, bats-assert and bats-file. Their load.bash files cost a
# dozen subshells per test (dirname for each source): sourcing one copy of
# their sources, made once per bats run, saves about a minute on the suite.
BATS_LIBS=/usr/lib/bats
berth_load_libs() {
    local cache=${BATS_RUN_TMPDIR:-}/berth-bats-libs.bash f
    if [ -n "${BATS_RUN_TMPDIR:-}" ] && [ ! -s "$cache" ]; then
        {
            for f in bats-support/src/{output,error,lang}.bash \
                bats-assert/src/{assert,refute,assert_equal,assert_not_equal,assert_success,assert_failure}.bash \
                bats-assert/src/{assert_output,refute_output,assert_line,refute_line,assert_regex,refute_regex}.bash \
                bats-file/src/{file,temp}.bash; do
                cat "$BATS_LIBS/$f" || return 1
            done
        } >"$cache.$$" && mv "$cache.$$" "$cache" || rm -f "$cache.$$"
    fi
    if [ -s "$cache" ]; then
        source "$cache"
    else
        load "$BATS_LIBS/bats-support/load"
        load "$BATS_LIBS/bats-assert/load"
        load "$BATS_LIBS/bats-file/load"
    fi
}
berth_load_libs

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BERTH=${BERTH:-$TOP/berth}
CHECKER=${CHECKER:-$TOP/build/tests/checker}
# A hung container fails its test instead of the whole suite.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

HOST_DEVICE_PATHS=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/ptmx)

host_devices() {
    stat -c '%n %F %a %u:%g %t:%T' "${HOST_DEVICE_PATHS[@]}"
}

# ---- once per file: the template bundle ---------------------------------------

berth_setup_file() {
    [ -x "$BERTH" ] || {
        echo "# $BERTH is missing: run make berth" >&3
        return 1
    }
    [ -x "$CHECKER" ] || {
        echo "# $CHECKER is missing: run make build/tests/checker" >&3
        return 1
    }
    export TEMPLATE=$BATS_FILE_TMPDIR/template
    mkdir -p "$TEMPLATE"
    "$TOP/tests/make-rootfs.sh" "$TEMPLATE/rootfs" "$CHECKER"
    "$BERTH" spec --bundle "$TEMPLATE"
    jq '.process.terminal = false
        | .process.args = ["checker", "id"]' "$TEMPLATE/config.json" >"$TEMPLATE/config.tmp"
    mv "$TEMPLATE/config.tmp" "$TEMPLATE/config.json"
    HOST_DEVICES_BEFORE=$(host_devices)
    export HOST_DEVICES_BEFORE
}

setup_file() {
    berth_setup_file
}

# ---- once per test ----------------------------------------------------------------

berth_setup() {
    ROOT=$BATS_TEST_TMPDIR/state
    BUNDLE=$BATS_TEST_TMPDIR/bundle
    ID_PREFIX=t$BATS_TEST_NUMBER-$$-
    ID=$(new_id)
    TAG=berthtest-$$-$BATS_TEST_NUMBER-$RANDOM$RANDOM
    CLEANUP_NETNS=()
    HOST_MOUNTS=()
    cp -a "$TEMPLATE" "$BUNDLE"
    update_config --arg tag "$TAG" '.process.env += ["BERTH_TEST_TAG=" + $tag]'
}

setup() {
    berth_setup
}

berth_teardown() {
    local id ns i failed=0
    if [ -d "$ROOT" ]; then
        for id in $(ls -A "$ROOT"); do
            "$BERTH" --root "$ROOT" delete --force "$id" 3>&- || {
                echo "# teardown: berth delete --force $id failed" >&2
                failed=1
            }
        done
    fi
    for ns in "${CLEANUP_NETNS[@]}"; do
        ip netns delete "$ns" || true
    done
    for ((i = ${#HOST_MOUNTS[@]} - 1; i >= 0; i--)); do
        umount -l "${HOST_MOUNTS[i]}" || true
    done
    if [ -d "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
        echo "# teardown: state left in $ROOT: $(ls -A "$ROOT")" >&2
        failed=1
    fi
    assert_no_leftovers || failed=1
    return $failed
}

teardown() {
    berth_teardown
}

# ---- helpers ----------------------------------------------------------------------------

# A container ID unique to this test; all share $ID_PREFIX.
new_id() {
    echo "$ID_PREFIX$RANDOM$RANDOM"
}

berth() {
    "$BERTH" --root "$ROOT" "$@"
}

# update_config [jq options] FILTER: edits the bundle's config.json in place.
update_config() {
    jq "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.tmp" && mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
}

# set_args ARG...: the container's process.args.
set_args() {
    jq '.process.args = $ARGS.positional' --args -- "$@" <"$BUNDLE/config.json" >"$BUNDLE/config.json.tmp" &&
        mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
}

# run_container [berth run options]: `berth run` of $BUNDLE as $ID under bats'
# run; $output is the container's stdout, $stderr berth's and the container's.
run_container() {
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$@" "$ID"
}

# create_container [berth create options]: `berth create` of $BUNDLE as $ID;
# the container's stdout and stderr (and berth's) go to $BATS_TEST_TMPDIR/$ID.out
# and .err.
create_container() {
    "$BERTH" --root "$ROOT" create --bundle "$BUNDLE" "$@" "$ID" \
        >"$BATS_TEST_TMPDIR/$ID.out" 2>"$BATS_TEST_TMPDIR/$ID.err" </dev/null 3>&-
}

container_out() {
    cat "$BATS_TEST_TMPDIR/${1:-$ID}.out"
}

container_err() {
    cat "$BATS_TEST_TMPDIR/${1:-$ID}.err"
}

# state_field ID JQ_PATH: one field of `berth state`.
state_field() {
    "$BERTH" --root "$ROOT" state "$1" | jq -r "$2"
}

container_status() {
    state_field "$1" .status
}

# wait_for_status ID STATUS [SECONDS]
wait_for_status() {
    local id=$1 want=$2 tries=$((${3:-10} * 20)) got
    while ((tries-- > 0)); do
        got=$(container_status "$id" 2>/dev/null) || got=
        [ "$got" = "$want" ] && return 0
        sleep 0.05
    done
    echo "container $id: status \"$got\", expected \"$want\"" >&2
    return 1
}

# wait_for_file PATH [SECONDS]: until PATH exists and is not empty.
wait_for_file() {
    local tries=$((${2:-10} * 20))
    while ((tries-- > 0)); do
        [ -s "$1" ] && return 0
        sleep 0.05
    done
    echo "$1 did not appear" >&2
    return 1
}

# wait_for_output ID TEXT [SECONDS]: until the container's stdout file holds TEXT.
wait_for_output() {
    local tries=$((${3:-10} * 20))
    while ((tries-- > 0)); do
        grep -qF -- "$2" "$BATS_TEST_TMPDIR/$1.out" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "container $1 never printed \"$2\"; its output:" >&2
    cat "$BATS_TEST_TMPDIR/$1.out" >&2
    return 1
}

# wait_for_exit PID [SECONDS]: until the process is gone (or a zombie).
wait_for_exit() {
    local tries=$((${2:-10} * 20)) st
    while ((tries-- > 0)); do
        st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
        [ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ] && return 0
        sleep 0.05
    done
    echo "process $1 is still running" >&2
    return 1
}

# The error berth printed: exit status 1, nothing on stdout, and exactly one
# line "berth: MESSAGE" on stderr. Needs `run --separate-stderr`.
assert_berth_error() {
    if [ "$status" -ne 1 ]; then
        fail "expected exit status 1, got $status (stderr: $stderr)"
    fi
    assert_equal "$stderr" "berth: $1"
    assert_output ""
}

# ---- what must never be left behind ---------------------------------------------

# The directory of berth's own cgroup in each mounted hierarchy (what
# /proc/self/cgroup says, as berth inherits it from bats).
own_cgroup_dirs() {
    local n ctrl path name
    while IFS=: read -r n ctrl path; do
        case "$ctrl" in
        "") name=unified ;;
        name=*) name=${ctrl#name=} ;;
        *) name=$ctrl ;;
        esac
        [ -d "/sys/fs/cgroup/$name$path" ] && echo "/sys/fs/cgroup/$name${path%/}"
    done </proc/self/cgroup
    return 0
}

# cgroup_dir HIERARCHY [NAME]: where the container's cgroup lives in one hierarchy.
cgroup_dir() {
    local h=$1 n ctrl path name
    while IFS=: read -r n ctrl path; do
        case "$ctrl" in
        "") name=unified ;;
        name=*) name=${ctrl#name=} ;;
        *) name=$ctrl ;;
        esac
        if [ "$name" = "$h" ]; then
            echo "/sys/fs/cgroup/$name${path%/}/${2:-$ID}"
            return 0
        fi
    done </proc/self/cgroup
    return 1
}

# cgroup directories named like one of this test's containers
leftover_cgroups() {
    local dir
    for dir in $(own_cgroup_dirs); do
        # the container's cgroup is OWN/ID, or OWN/PARENT/NAME for a cgroupsPath
        find "$dir" -maxdepth 2 -type d -name "$ID_PREFIX*" 2>/dev/null || true
    done
}

# processes whose environment holds this test's tag
leftover_processes() {
    grep -lsz -- "BERTH_TEST_TAG=$TAG" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

leftover_mounts() {
    grep -F -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true
}

assert_no_leftovers() {
    local bad=0 out
    out=$(leftover_processes)
    if [ -n "$out" ]; then
        echo "# processes left behind:" >&2
        for p in $out; do echo "#   $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2; done
        bad=1
    fi
    out=$(leftover_mounts)
    if [ -n "$out" ]; then
        echo "# mounts left behind:" >&2
        echo "$out" | sed 's/^/#   /' >&2
        bad=1
    fi
    out=$(leftover_cgroups)
    if [ -n "$out" ]; then
        echo "# cgroups left behind:" >&2
        echo "$out" | sed 's/^/#   /' >&2
        bad=1
    fi
    out=$(host_devices)
    if [ -n "${HOST_DEVICES_BEFORE:-}" ] && [ "$out" != "$HOST_DEVICES_BEFORE" ]; then
        echo "# host devices changed:" >&2
        diff <(echo "$HOST_DEVICES_BEFORE") <(echo "$out") | sed 's/^/#   /' >&2
        bad=1
    fi
    return $bad
}

# After a failed create or a finished run: nothing of the container anywhere.
assert_nothing_left() {
    local id=${1:-$ID}
    assert_not_exist "$ROOT/$id"
    assert_no_leftovers
}

# A user namespace mapping container 0-65535 to host 100000-165535, and a
# rootfs owned by the mapped root, as a runtime expects it.
use_userns() {
    update_config '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    chown -R 100000:100000 "$BUNDLE/rootfs"
    # The mapped root must reach the bundle: bats keeps its temp dirs 0700.
    local dir=$BUNDLE
    while [ "$dir" != / ]; do
        dir=$(dirname "$dir")
        chmod o+x "$dir"
    done
}

# A mount of the host made by a test, undone by the teardown.
host_mount() {
    mount "$@" || return 1
    HOST_MOUNTS+=("${@: -1}")
}

# make_netns: a network namespace of the host, named $NETNS, deleted by the
# teardown.
make_netns() {
    NETNS=berthtest-$$-$BATS_TEST_NUMBER-$RANDOM
    ip netns add "$NETNS" || return 1
    CLEANUP_NETNS+=("$NETNS")
}

# ---- helpers of exec, terminal, hooks, fds, netdevices and logging tests ----

RECVTTY=${RECVTTY:-$TOP/build/tests/recvtty}

# Processes a test started in the background (recvtty, a berth in the
# background): ended by their PID in kill_tracked_pids, which the teardown
# of the files using them calls.
TRACKED_PIDS=()

track_pid() {
    TRACKED_PIDS+=("$1")
}

kill_tracked_pids() {
    local pid
    for pid in "${TRACKED_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    TRACKED_PIDS=()
}

# start_recvtty NAME [INPUT]: recvtty listening on $BATS_TEST_TMPDIR/NAME.sock
# (its path in $CONSOLE_SOCKET once it accepts connections), writing what the
# pty says to NAME.tty and its own messages to NAME.recvtty; its PID in
# $RECVTTY_PID.
start_recvtty() {
    local name=$1 tries=200
    shift
    CONSOLE_SOCKET=$BATS_TEST_TMPDIR/$name.sock
    "$RECVTTY" "$CONSOLE_SOCKET" "$@" >"$BATS_TEST_TMPDIR/$name.tty" 2>"$BATS_TEST_TMPDIR/$name.recvtty" </dev/null 3>&- &
    RECVTTY_PID=$!
    track_pid "$RECVTTY_PID"
    while [ ! -S "$CONSOLE_SOCKET" ] && ((tries-- > 0)); do
        sleep 0.05
    done
    [ -S "$CONSOLE_SOCKET" ] || {
        echo "recvtty did not listen on $CONSOLE_SOCKET" >&2
        return 1
    }
}

# wait_recvtty PID: until that recvtty exits (the pty's slave side closed);
# fails when it failed.
wait_recvtty() {
    local rc=0
    wait "$1" || rc=$?
    [ "$rc" -eq 0 ] || echo "recvtty exited with status $rc" >&2
    return "$rc"
}

# What a pty said (NAME.tty), without the carriage returns of its line
# discipline.
tty_output() {
    tr -d '\r' <"$BATS_TEST_TMPDIR/$1.tty"
}

# A running container: $ID runs ARGS (default: checker sleep 1000), started
# with create + start.
start_container() {
    if [ $# -gt 0 ]; then set_args "$@"; else set_args checker sleep 1000; fi
    create_container || return 1
    berth start "$ID" || return 1
    wait_for_status "$ID" running
}
