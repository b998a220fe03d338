# Shared setup for the real-client tests (podman.bats, containerd.bats): the
# clients drive berth exactly as they drive runc, and every case runs once
# with each runtime (two @test lines per case, "[berth]" and "[runc]"), so a
# difference shows side by side.
#
# What the files get from here:
#   BERTH, RUNC        the two runtimes (BERTH defaults to the tree's ./berth)
#   runtime_bin NAME   the binary of runtime NAME
#   CG_PARENT          an absolute cgroup path below this process's own cgroup
#                      in every hierarchy (see clients_cgroup_parent), made by
#                      setup_file and removed by teardown_file
#   make_busybox_rootfs, tty_* (a private tmux server), wait_until
#
# Nothing is left behind: each test checks that no cgroup and no process of
# its containers remains, and each file's teardown stops what it started (by
# PID) and removes its cgroups, mounts and temporary files.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BERTH=${BERTH:-$TOP/berth}
RUNC=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}
# A hung client fails its test instead of the whole suite.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

runtime_bin() {
    case "$1" in
    berth) echo "$BERTH" ;;
    runc) echo "$RUNC" ;;
    *) return 1 ;;
    esac
}

# clients_missing CMD...: prints why the file cannot run (the first missing
# command and its Debian package), or nothing.
clients_missing() {
    local cmd pkg
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null && continue
        case "$cmd" in
        ctr | containerd | containerd-shim-runc-v2) pkg=containerd ;;
        *) pkg=$cmd ;;
        esac
        echo "$cmd is not installed (apt-get install $pkg)"
        return 0
    done
    [ -x "$BERTH" ] || {
        echo "$BERTH is missing (make berth)"
        return 0
    }
    [ -x "$RUNC" ] || echo "runc is not installed (apt-get install runc)"
}

# snapshot_berth: the files run a copy of $BERTH made once, so that a rebuild
# of the tree's ./berth during the run (make berth in another shell) cannot
# swap or half-write the binary under a client.
snapshot_berth() {
    mkdir -p "$BATS_FILE_TMPDIR/bin"
    cp "$BERTH" "$BATS_FILE_TMPDIR/bin/berth" || return 1
    BERTH=$BATS_FILE_TMPDIR/bin/berth
    export BERTH
}

# Every @test calls this first: a reason found by setup_file skips the test
# (bats 1.8 cannot skip from setup_file).
clients_check_skip() {
    [ -z "${CLIENTS_SKIP:-}" ] || skip "$CLIENTS_SKIP"
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds
# (COMMAND is a command, not a string: anything that must be read again each
# time goes in a function, e.g. procs_are).
wait_until() {
    local tries=$(($1 * 10))
    shift
    while ((tries-- > 0)); do
        "$@" 2>/dev/null && return 0
        sleep 0.1
    done
    "$@"
}

# make_busybox_rootfs DIR: tests/make-rootfs.sh's busybox tree.
make_busybox_rootfs() {
    "$TOP/tests/make-rootfs.sh" "$1"
}

# ---- cgroups ------------------------------------------------------------------------
#
# Podman (cgroupfs manager) passes cgroupsPath "<cgroup parent>/libpod-<ID>"
# (default parent /libpod_parent) and containerd "/<namespace>/<ID>"; both
# are absolute, i.e. relative to each hierarchy's root, and on this host the
# session is kept in a v1 memory cgroup /process_api/<id> that containers must
# stay below. So the tests give the clients a parent that is below this
# process's own cgroup in EVERY hierarchy: the deepest own path (the memory
# one here) + a name of our own. podman run --cgroup-parent and ctr run
# --cgroup take it as it is and hand it to the runtime unchanged.

# clients_cgroup_parent NAME: that parent, or a failure (with the reason on
# stdout) when the own paths differ in a way no single path can follow.
clients_cgroup_parent() {
    local n ctrl path deepest=/
    while IFS=: read -r n ctrl path; do
        [ ${#path} -gt ${#deepest} ] && deepest=$path
    done </proc/self/cgroup
    while IFS=: read -r n ctrl path; do
        case "${deepest%/}/" in
        "${path%/}/"*) ;;
        *)
            echo "own cgroups differ per hierarchy ($ctrl: $path, another: $deepest): no absolute cgroup path is below all of them"
            return 1
            ;;
        esac
    done </proc/self/cgroup
    echo "${deepest%/}/$1"
}

# The mount point of every cgroup hierarchy under /sys/fs/cgroup.
cgroup_mounts() {
    awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' \
        /proc/self/mountinfo | grep '^/sys/fs/cgroup' | sort -u
}

# cgroup_parent_make: makes $CG_PARENT in every hierarchy; the directories it
# made are listed in $CG_MADE for cgroup_parent_remove.
cgroup_parent_make() {
    local mp dir missing
    : >"$CG_MADE"
    for mp in $(cgroup_mounts); do
        missing=()
        dir=$mp$CG_PARENT
        while [ ! -d "$dir" ]; do
            missing=("$dir" "${missing[@]}")
            dir=${dir%/*}
        done
        for dir in "${missing[@]}"; do
            mkdir "$dir" || return 1
            echo "$dir" >>"$CG_MADE"
            # a v1 cpuset starts empty (cgroup.clone_children is 0): give it
            # its parent's CPUs and memory nodes, as Podman and runc do with
            # the cgroups they make
            if [ -f "$dir/cpuset.cpus" ] && [ ! -e "$dir/cgroup.controllers" ]; then
                cat "${dir%/*}/cpuset.cpus" >"$dir/cpuset.cpus" &&
                    cat "${dir%/*}/cpuset.mems" >"$dir/cpuset.mems" || return 1
            fi
        done
    done
}

# remove_cgroups PATTERN: the cgroups below $CG_PARENT named PATTERN, and
# theirs, in every hierarchy.
remove_cgroups() {
    local mp dir
    [ -n "${CG_PARENT:-}" ] || return 0
    for mp in $(cgroup_mounts); do
        for dir in $(find "$mp$CG_PARENT" -mindepth 1 -maxdepth 1 -type d -name "$1" 2>/dev/null); do
            find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        done
    done
    return 0
}

# cgroup_parent_remove: removes every cgroup below $CG_PARENT, then what
# cgroup_parent_make made, deepest first. Fails if one stays (a process in it).
cgroup_parent_remove() {
    local mp dir failed=0
    [ -n "${CG_PARENT:-}" ] || return 0
    for mp in $(cgroup_mounts); do
        [ -d "$mp$CG_PARENT" ] || continue
        find "$mp$CG_PARENT" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
    done
    if [ -s "${CG_MADE:-}" ]; then
        for dir in $(tac "$CG_MADE"); do
            [ -d "$dir" ] && { rmdir "$dir" || failed=1; }
        done
    fi
    for mp in $(cgroup_mounts); do
        if [ -d "$mp$CG_PARENT" ] && [ -n "$(find "$mp$CG_PARENT" -mindepth 1 -type d)" ]; then
            echo "# cgroups left below $mp$CG_PARENT: $(find "$mp$CG_PARENT" -mindepth 1 -type d)" >&2
            failed=1
        fi
    done
    return $failed
}

cgroup2_only() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# cg_dir HIERARCHY NAME: the cgroup NAME below $CG_PARENT in one v1 hierarchy
# (in the unified one on a cgroup v2 host).
cg_dir() {
    if cgroup2_only; then
        echo "/sys/fs/cgroup$CG_PARENT/$2"
    else
        echo "/sys/fs/cgroup/$1$CG_PARENT/$2"
    fi
}

# cg_memory_limit NAME: the memory limit of cgroup NAME, in bytes.
cg_memory_limit() {
    if cgroup2_only; then
        cat "$(cg_dir memory "$1")/memory.max"
    else
        cat "$(cg_dir memory "$1")/memory.limit_in_bytes"
    fi
}

# cg_freezer NAME: FROZEN or THAWED.
cg_freezer() {
    if cgroup2_only; then
        case "$(cat "$(cg_dir freezer "$1")/cgroup.freeze")" in
        1) echo FROZEN ;;
        *) echo THAWED ;;
        esac
    else
        cat "$(cg_dir freezer "$1")/freezer.state"
    fi
}

# cg_procs NAME: the PIDs in cgroup NAME (its memory cgroup), sorted.
cg_procs() {
    sort -n "$(cg_dir memory "$1")/cgroup.procs"
}

# procs_are NAME N: cgroup NAME holds N processes.
procs_are() {
    [ "$(cg_procs "$1" | wc -l)" -eq "$2" ]
}

# counter_above FILE N: FILE holds a number above N.
counter_above() {
    [ "$(cat "$1")" -gt "$2" ]
}

# leftover_cgroups [KEEP...]: cgroups below $CG_PARENT (other than KEEP, e.g.
# Podman's "conmon") and the processes in any of them.
leftover_cgroups() {
    local mp dir keep k skip
    for mp in $(cgroup_mounts); do
        [ -d "$mp$CG_PARENT" ] || continue
        for dir in $(find "$mp$CG_PARENT" -mindepth 1 -maxdepth 1 -type d); do
            skip=0
            for k in "$@"; do [ "${dir##*/}" = "$k" ] && skip=1; done
            [ $skip = 1 ] || echo "cgroup $dir"
        done
        for dir in $(find "$mp$CG_PARENT" -name cgroup.procs); do
            [ -s "$dir" ] && echo "processes in ${dir%/cgroup.procs}: $(tr '\n' ' ' <"$dir")"
        done
    done
    return 0
}

# ---- terminals: a private tmux server -------------------------------------------------

TTY_ROWS=30
TTY_COLS=100

# tty_start NAME COMMAND: runs COMMAND (a shell string) in a new detached
# tmux session NAME, TTY_ROWS x TTY_COLS; when it ends the pane shows
# "EXIT=<status>" and stays.
tty_start() {
    tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s "$1" -x "$TTY_COLS" -y "$TTY_ROWS" \
        "$2; echo EXIT=\$?; sleep 600"
}

tty_screen() {
    tmux -S "$TMUX_SOCK" capture-pane -p -t "$1" | grep -v '^$'
}

tty_type() {
    tmux -S "$TMUX_SOCK" send-keys -t "$1" "$2" Enter
}

# tty_wait NAME TEXT [SECONDS]: until a line of the screen is exactly TEXT.
tty_wait() {
    local tries=$((${3:-15} * 10))
    while ((tries-- > 0)); do
        tty_screen "$1" | grep -qxF -- "$2" && return 0
        sleep 0.1
    done
    echo "the terminal never showed \"$2\"; it shows:" >&2
    tty_screen "$1" | sed 's/^/  | /' >&2
    return 1
}

# tty_prompt NAME: until the shell in the terminal shows its prompt ("/ # ")
# and nothing after it: typing earlier races with the client setting the
# terminal up.
tty_prompt() {
    local tries=150
    while ((tries-- > 0)); do
        tty_screen "$1" | tail -n 1 | grep -qE '^/ # ?$' && return 0
        sleep 0.1
    done
    echo "the terminal never showed a prompt; it shows:" >&2
    tty_screen "$1" | sed 's/^/  | /' >&2
    return 1
}

# tty_size NAME ROWS COLS: asks `stty size` until the shell in the terminal
# sees ROWS x COLS (the client sets the size, and passes SIGWINCH on,
# asynchronously); fails if it never does.
tty_size() {
    local tries=20
    while ((tries-- > 0)); do
        tty_type "$1" 'stty size'
        sleep 0.25
        tty_screen "$1" | grep -qxF -- "$2 $3" && return 0
    done
    echo "the container never saw a $2 x $3 terminal; the terminal shows:" >&2
    tty_screen "$1" | sed 's/^/  | /' >&2
    return 1
}

# tty_check NAME: the shell in the terminal sits on the container's pty, of
# the size the client was given.
tty_check() {
    tty_prompt "$1"
    tty_type "$1" 'tty; echo "mark-$((6*7))"'
    tty_wait "$1" mark-42
    run tty_screen "$1"
    assert_line /dev/pts/0
    tty_size "$1" "$TTY_ROWS" "$TTY_COLS"
}

# tty_resize NAME ROWS COLS: resizes the terminal, and waits until the
# container sees it.
tty_resize() {
    tmux -S "$TMUX_SOCK" resize-window -t "$1" -x "$3" -y "$2"
    tty_size "$@"
}

tty_stop_all() {
    [ -S "${TMUX_SOCK:-}" ] || return 0
    tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
    rm -f "$TMUX_SOCK"
}

# ---- what must not be left behind ---------------------------------------------------

# mounts below DIR, deepest first
mounts_below() {
    awk -v d="$1" 'index($5, d "/") == 1 || $5 == d { print $5 }' /proc/self/mountinfo | sort -r
}

unmount_below() {
    local m
    for m in $(mounts_below "$1"); do
        umount -l "$m" 2>/dev/null || true
    done
}

# stop_pid PID [SECONDS]: TERM, then KILL if it is still there after SECONDS.
stop_pid() {
    local pid=$1 tries=$((${2:-10} * 10))
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    while ((tries-- > 0)); do
        kill -0 "$pid" 2>/dev/null || return 0
        # a zombie of ours is gone as far as the host is concerned
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
        sleep 0.1
    done
    echo "# PID $pid ignored SIGTERM for ${2:-10} s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null
    return 0
}
