#!/usr/bin/env bats
# berth exec: a new process in a running container, in its namespaces and
# cgroup, with the container's process settings and runc's overrides.

load helpers

teardown() {
    kill_tracked_pids
    berth_teardown
}

# The namespaces of the container's init, as the host sees them.
init_ns() {
    local pid ns
    pid=$(state_field "$ID" .pid)
    for ns in "$@"; do
        readlink "/proc/$pid/ns/$ns"
    done
}

# A capability's bit in a Cap* line of checker caps (hex).
cap_bit() {
    local hex=$1 bit=$2
    echo $(((0x$hex >> bit) & 1))
}

@test "exec joins every namespace of the container: uts, ipc, net, mnt, pid" {
    update_config '.hostname = "exec-host"'
    start_container
    run --separate-stderr berth exec "$ID" sh -c \
        'hostname; for ns in uts ipc net mnt pid pid_for_children; do readlink /proc/self/ns/$ns; done'
    assert_success
    assert_equal "$stderr" ""
    assert_line --index 0 "exec-host"
    local want
    want=$(init_ns uts ipc net mnt pid pid)
    assert_equal "$(sed 1d <<<"$output")" "$want"
    # and none of them is the host's
    local ns
    for ns in uts ipc net mnt pid; do
        [ "$(init_ns "$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "the container shares the host's $ns namespace"
    done
}

@test "exec joins the cgroup and time namespaces when the config has them" {
    update_config '.linux.namespaces += [{"type": "cgroup"}, {"type": "time"}]
        | .linux.timeOffsets = {"monotonic": {"secs": 864000, "nanosecs": 0}, "boottime": {"secs": 1728000, "nanosecs": 0}}'
    start_container
    local host_boot
    host_boot=$(cut -d. -f1 /proc/uptime)
    run --separate-stderr berth exec "$ID" sh -c 'readlink /proc/self/ns/cgroup; readlink /proc/self/ns/time; checker timens; cat /proc/self/cgroup'
    assert_success
    assert_line --index 0 "$(init_ns cgroup)"
    assert_line --index 1 "$(init_ns time)"
    # the offsets of the container's clocks
    local mono boot
    read -r mono boot <<<"$(sed -n 3p <<<"$output" | sed 's/monotonic=\([0-9]*\) boottime=\([0-9]*\)/\1 \2/')"
    [ "$mono" -ge 864000 ] && [ "$boot" -ge $((1728000 + host_boot)) ] || fail "clocks without the offsets: $mono $boot"
    # its cgroup is the root of the container's cgroup namespace
    local line
    for line in "${lines[@]:3}"; do
        [[ "$line" == *:/ ]] || fail "not at the root of the cgroup namespace: $line"
    done
}

@test "exec sees the container's init as pid 1 and itself in the same pid namespace" {
    start_container
    run --separate-stderr berth exec "$ID" sh -c 'tr "\0" " " </proc/1/cmdline; echo; checker pid'
    assert_success
    assert_line --index 0 "checker sleep 1000 "
    # sh execs checker: pid 2 or more, its parent outside the namespace (0)
    assert_line --index 1 --regexp '^pid=([2-9]|[1-9][0-9]+) ppid=0$'
    # ps inside: exactly the init and the exec'd processes
    run --separate-stderr berth exec "$ID" sh -c 'ls -d /proc/[0-9]* | wc -l'
    assert_success
    # /proc/1, sh and ls (and the subshell of the pipe, wc)
    [ "$output" -ge 3 ] && [ "$output" -le 5 ] || fail "unexpected number of processes: $output"
}

@test "exec sees the container's mount table" {
    update_config '.mounts += [{"destination": "/exec-tmpfs", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
    start_container
    local pid
    pid=$(state_field "$ID" .pid)
    run --separate-stderr berth exec "$ID" cat /proc/self/mountinfo
    assert_success
    assert_equal "$output" "$(cat "/proc/$pid/mountinfo")"
    assert_output --partial " /exec-tmpfs "
    # the root is the container's rootfs: its checker, not the host's /bin
    run --separate-stderr berth exec "$ID" checker stat /bin/checker
    assert_success
}

@test "exec's process is in the container's cgroup, in every hierarchy" {
    start_container
    local pid
    pid=$(state_field "$ID" .pid)
    run --separate-stderr berth exec "$ID" cat /proc/self/cgroup
    assert_success
    assert_equal "$output" "$(cat "/proc/$pid/cgroup")"
    run --separate-stderr berth exec "$ID" cat /proc/1/cgroup
    assert_success
    assert_equal "$output" "$(cat "/proc/$pid/cgroup")"
    # and that is the container's own cgroup, not berth's
    assert_output --partial "/$ID"
}

@test "exec runs the config's process settings: env, cwd, user" {
    update_config '.process.env += ["FOO=config"] | .process.cwd = "/tmp" | .process.user = {"uid": 1000, "gid": 1000}'
    start_container
    run --separate-stderr berth exec "$ID" sh -c 'echo "$FOO"; pwd; checker id'
    assert_success
    assert_equal "$output" "$(printf 'config\n/tmp\nuid=1000 gid=1000 groups=')"
}

@test "exec --env adds and overrides variables; the caller's environment never enters" {
    update_config '.process.env += ["FOO=config"]'
    start_container
    run --separate-stderr env CALLER_ONLY=1 _OCI_SYNCPIPE=9 "$BERTH" --root "$ROOT" exec -e FOO=new --env NEW=1 "$ID" \
        sh -c 'echo "FOO=$FOO NEW=$NEW PATH=$PATH"; checker env CALLER_ONLY; checker env _OCI_SYNCPIPE'
    assert_success
    assert_line --index 0 "FOO=new NEW=1 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert_line --index 1 "(unset)"
    assert_line --index 2 "(unset)"
    # without --env, the config's value
    run --separate-stderr berth exec "$ID" checker env FOO
    assert_success
    assert_output "config"
}

@test "exec --cwd" {
    start_container
    run --separate-stderr berth exec --cwd /etc "$ID" checker cwd
    assert_success
    assert_output "/etc"
    run --separate-stderr berth exec "$ID" checker cwd
    assert_success
    assert_output "/"
}

@test "exec --user UID:GID and --additional-gids" {
    start_container
    run --separate-stderr berth exec --user 1000:1001 --additional-gids 10 -g 20 "$ID" checker ids
    assert_success
    assert_output "ruid=1000 euid=1000 suid=1000 rgid=1001 egid=1001 sgid=1001"
    run --separate-stderr berth exec -u 1000:1001 -g 10 -g 20 "$ID" checker id
    assert_success
    assert_output "uid=1000 gid=1001 groups=10,20"
    # a UID alone keeps the config's GID
    run --separate-stderr berth exec -u 65534 "$ID" checker id
    assert_success
    assert_output "uid=65534 gid=0 groups="
    run --separate-stderr berth exec -u nobody "$ID" checker id
    assert_berth_error 'exec: --user: "nobody" is not a numeric ID'
}

@test "exec --cap adds a capability: it is effective, permitted and bounding" {
    start_container
    run --separate-stderr berth exec "$ID" checker caps
    assert_success
    local eff
    eff=$(awk '/^CapEff/ {print $2}' <<<"$output")
    assert_equal "$(cap_bit "$eff" 21)" 0 # CAP_SYS_ADMIN
    run --separate-stderr berth exec --cap CAP_SYS_ADMIN -c CAP_NET_ADMIN "$ID" checker caps
    assert_success
    local line
    for line in CapEff CapPrm CapBnd; do
        local hex
        hex=$(awk -v l="$line:" '$1 == l {print $2}' <<<"$output")
        assert_equal "$line 21=$(cap_bit "$hex" 21) 12=$(cap_bit "$hex" 12)" "$line 21=1 12=1"
    done
    # the config's capabilities stay (CAP_KILL, 5)
    assert_equal "$(cap_bit "$(awk '/^CapEff/ {print $2}' <<<"$output")" 5)" 1
    # and the capability works: only CAP_SYS_ADMIN lets it mount
    run --separate-stderr berth exec -c CAP_SYS_ADMIN "$ID" checker mount /tmp
    assert_success
    assert_output "ok"
    run --separate-stderr berth exec "$ID" checker mount /tmp
    assert_failure
    assert_output "mount: Operation not permitted"
}

@test "exec --no-new-privs" {
    update_config '.process.noNewPrivileges = false'
    start_container
    run --separate-stderr berth exec "$ID" checker nnp
    assert_success
    assert_output "0"
    run --separate-stderr berth exec --no-new-privs "$ID" checker nnp
    assert_success
    assert_output "1"
}

@test "exec --process runs the process of a process.json" {
    update_config '.process.env += ["FOO=config"]'
    start_container
    local p=$BATS_TEST_TMPDIR/process.json
    jq -n --arg tag "BERTH_TEST_TAG=$TAG" '{
        "args": ["sh", "-c", "echo \"A=$A FOO=$FOO\"; pwd; checker id; checker nnp; exit 4"],
        "env": ["A=from-json", "PATH=/bin", $tag],
        "cwd": "/etc",
        "user": {"uid": 65534, "gid": 65534, "additionalGids": [7]},
        "noNewPrivileges": true
    }' >"$p"
    run --separate-stderr berth exec --process "$p" "$ID"
    assert_failure 4
    assert_equal "$stderr" ""
    # only the file's environment: nothing of the config's process
    assert_equal "$output" "$(printf 'A=from-json FOO=\n/etc\nuid=65534 gid=65534 groups=7\n1')"
}

@test "exec --process and a command cannot be given together" {
    start_container
    echo '{"args": ["true"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/process.json"
    run --separate-stderr berth exec --process "$BATS_TEST_TMPDIR/process.json" "$ID" true
    assert_berth_error "exec: give either --process or a command, not both"
    run --separate-stderr berth exec "$ID"
    assert_berth_error "exec: a command (or --process) is required"
}

@test "exec exits with its process's exit status, 128 + signal when killed" {
    start_container
    run --separate-stderr berth exec "$ID" checker exit 0
    assert_success
    run --separate-stderr berth exec "$ID" checker exit 7
    assert_failure 7
    run --separate-stderr berth exec "$ID" sh -c 'exit 255'
    assert_failure 255
    run --separate-stderr berth exec "$ID" sh -c 'kill -KILL $$'
    assert_failure 137
    run --separate-stderr berth exec "$ID" sh -c 'kill -SEGV $$'
    assert_failure 139
    # the container runs on
    assert_equal "$(container_status "$ID")" "running"
}

@test "exec in the foreground relays the signals it gets to its process" {
    start_container
    local out=$BATS_TEST_TMPDIR/exec.out sig
    for sig in TERM HUP USR1 INT; do
        : >"$out"
        "$BERTH" --root "$ROOT" exec "$ID" checker waitsig >"$out" 2>&1 </dev/null 3>&- &
        local pid=$!
        track_pid "$pid"
        wait_for_file "$out"
        kill -"$sig" "$pid"
        local rc=0
        wait "$pid" || rc=$?
        assert_equal "$rc" 0
        assert_equal "$(cat "$out")" "$(printf 'ready\nsignal=%s' "$sig")"
    done
}

@test "exec relays SIGTERM to a shell's trap and exits with its status" {
    start_container
    local out=$BATS_TEST_TMPDIR/exec.out
    "$BERTH" --root "$ROOT" exec "$ID" sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done' \
        >"$out" 2>&1 </dev/null 3>&- &
    local pid=$!
    track_pid "$pid"
    wait_for_file "$out"
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    assert_equal "$rc" 3
    assert_equal "$(cat "$out")" "$(printf 'ready\ngot TERM')"
    assert_equal "$(container_status "$ID")" "running"
}

@test "exec --detach returns once the process runs; --pid-file names it, in the container's cgroup" {
    start_container
    local pidfile=$BATS_TEST_TMPDIR/exec.pid out=$BATS_TEST_TMPDIR/detached.out
    # (not under bats' run: the detached process keeps its stdout open)
    timeout 20 "$BERTH" --root "$ROOT" exec --detach --pid-file "$pidfile" "$ID" \
        sh -c 'echo detached-running; exec checker sleep 1000' >"$out" 2>&1 </dev/null 3>&-
    wait_for_file "$pidfile"
    local pid init
    pid=$(cat "$pidfile")
    init=$(state_field "$ID" .pid)
    [[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file holds \"$pid\""
    [ "$pid" != "$init" ]
    # the process runs on after berth returned, in the container
    local tries=100
    while [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" != "checker sleep 1000 " ]] && ((tries-- > 0)); do sleep 0.05; done
    assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "checker sleep 1000 "
    assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$init/cgroup")"
    grep -qx "$pid" "$(cgroup_dir pids)/cgroup.procs" || fail "$pid is not in the container's pids cgroup"
    local ns
    for ns in mnt pid uts ipc net; do
        assert_equal "$(readlink "/proc/$pid/ns/$ns")" "$(readlink "/proc/$init/ns/$ns")"
    done
    wait_for_file "$out"
    assert_equal "$(cat "$out")" "detached-running"
    # it ends with the container
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    wait_for_exit "$pid"
}

@test "exec -d with -e, --cwd and -u: the detached process gets them too" {
    start_container
    local pidfile=$BATS_TEST_TMPDIR/exec.pid out=$BATS_TEST_TMPDIR/detached.out
    "$BERTH" --root "$ROOT" exec -d --pid-file "$pidfile" -e X=1 --cwd /etc -u 1000:1000 "$ID" \
        sh -c 'echo "$X $(pwd) $(id -u)"' >"$out" 2>&1 </dev/null 3>&-
    wait_for_file "$out"
    assert_equal "$(cat "$out")" "1 /etc 1000"
}

@test "exec into a created container" {
    set_args checker sleep 1000
    create_container
    run --separate-stderr berth exec "$ID" checker hostname
    assert_success
    assert_equal "$(container_status "$ID")" "created"
}

@test "exec into a stopped or missing container fails" {
    set_args checker exit 0
    create_container
    berth start "$ID"
    wait_for_status "$ID" stopped
    run --separate-stderr berth exec "$ID" checker id
    assert_berth_error "cannot exec in container $ID: container not running"
    run --separate-stderr berth exec "$ID-nosuch" checker id
    assert_berth_error "container \"$ID-nosuch\" does not exist"
}

@test "exec into a paused container fails; with --ignore-paused the process runs once resumed" {
    start_container
    berth pause "$ID"
    assert_equal "$(container_status "$ID")" "paused"
    run --separate-stderr berth exec "$ID" checker id
    assert_berth_error "cannot exec in container $ID: it is paused (see --ignore-paused)"

    local out=$BATS_TEST_TMPDIR/paused.out
    "$BERTH" --root "$ROOT" exec --ignore-paused "$ID" sh -c 'echo ran' >"$out" 2>&1 </dev/null 3>&- &
    local pid=$!
    track_pid "$pid"
    # joined to the frozen cgroup: it cannot run before the container resumes
    sleep 1
    assert_equal "$(cat "$out")" ""
    assert_equal "$(container_status "$ID")" "paused"
    berth resume "$ID"
    local rc=0
    wait "$pid" || rc=$?
    assert_equal "$rc" 0
    assert_equal "$(cat "$out")" "ran"
    assert_equal "$(container_status "$ID")" "running"
}

@test "exec of a missing executable fails, by path and by name, leaving no process behind" {
    start_container
    run --separate-stderr berth exec "$ID" /bin/nope
    assert_berth_error 'exec "/bin/nope": no such file or directory'
    run --separate-stderr berth exec "$ID" nope
    assert_berth_error 'exec "nope": executable file not found in $PATH'
    run --separate-stderr berth exec "$ID" /etc/passwd
    assert_berth_error 'exec "/etc/passwd": permission denied'
    run --separate-stderr berth exec "$ID" /bin
    assert_berth_error 'exec "/bin": is a directory'
    # only the init is left in the container
    assert_equal "$(cat "$(cgroup_dir pids)/cgroup.procs")" "$(state_field "$ID" .pid)"
    assert_equal "$(container_status "$ID")" "running"
}

@test "exec looks the executable up in the PATH of the process's environment" {
    start_container
    run --separate-stderr berth exec -e PATH=/nowhere "$ID" checker id
    assert_berth_error 'exec "checker": executable file not found in $PATH'
    run --separate-stderr berth exec -e PATH=/nowhere:/bin "$ID" checker id
    assert_success
}

@test "exec's stdin, stdout and stderr are berth's" {
    start_container
    run --separate-stderr bash -c 'echo hello | "$0" --root "$1" exec "$2" sh -c "read l; echo out:\$l; echo err:\$l >&2"' \
        "$BERTH" "$ROOT" "$ID"
    assert_success
    assert_output "out:hello"
    assert_equal "$stderr" "err:hello"
}
