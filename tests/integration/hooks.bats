#!/usr/bin/env bats
# The hooks of config.md: prestart and createRuntime in the runtime's
# namespaces during create, createContainer in the container's namespaces
# before pivot_root, startContainer in the container during start,
# poststart after the process started, poststop after delete.

load helpers

setup() {
    berth_setup
    # Where the hooks write what they see: the same directory on the host
    # and, bound at /hooks, in the container (for startContainer).
    HOOKS=$BATS_TEST_TMPDIR/hooks
    mkdir -p "$HOOKS"
    update_config --arg dir "$HOOKS" \
        '.mounts += [{"destination": "/hooks", "type": "bind", "source": $dir, "options": ["rbind", "rw"]}]'
    update_config 'del(.hooks)'
}

# A hook's shell script, run as `sh -c SCRIPT sh KIND DIR`: it records the
# state on its stdin, its mount namespace, its root, and its turn.
RECORD='kind=$1 dir=$2
cat >"$dir/$kind.state"
readlink /proc/self/ns/mnt >"$dir/$kind.mnt"
if [ -e /bin/checker ]; then echo container-root; else echo host-root; fi >"$dir/$kind.root"
cat /proc/self/mountinfo >"$dir/$kind.mountinfo"
echo "$kind" >>"$dir/order"'

# add_hook KIND [JQ_OBJECT]: appends to hooks.KIND a hook running SCRIPT
# (default: RECORD) with sh; JQ_OBJECT is merged into the hook.
# startContainer runs in the container: its sh is the rootfs's, and it
# writes to /hooks.
add_hook() {
    local kind=$1 extra=${2:-'{}'} script=${SCRIPT:-$RECORD} dir=$HOOKS
    [ "$kind" = startContainer ] && dir=/hooks
    update_config --arg kind "$kind" --arg script "$script" --arg dir "$dir" --argjson extra "$extra" \
        '.hooks[$kind] += [{"path": "/bin/sh", "args": ["sh", "-c", $script, "sh", $kind, $dir]} + $extra]'
}

add_every_hook() {
    local kind
    for kind in prestart createRuntime createContainer startContainer poststart poststop; do
        add_hook "$kind"
    done
}

hook_order() {
    [ -e "$HOOKS/order" ] || return 0
    paste -sd' ' "$HOOKS/order"
}

hook_state() {
    jq -r "$2" "$HOOKS/$1.state"
}

@test "every kind of hook runs once, in order, at its step of the lifecycle" {
    add_every_hook
    set_args checker sleep 1000
    create_container
    assert_equal "$(hook_order)" "prestart createRuntime createContainer"
    berth start "$ID"
    wait_for_status "$ID" running
    assert_equal "$(hook_order)" "prestart createRuntime createContainer startContainer poststart"
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    assert_equal "$(hook_order)" "prestart createRuntime createContainer startContainer poststart"
    run --separate-stderr berth delete "$ID"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$(hook_order)" "prestart createRuntime createContainer startContainer poststart poststop"
    assert_nothing_left
}

@test "poststart runs after the process started, startContainer before" {
    # a slow startContainer hook; poststart looks at the container's
    # process (the pid of its state) and what it runs by then
    SCRIPT='sleep 1; echo "$1" >>"$2/order"' add_hook startContainer
    SCRIPT='kind=$1 dir=$2
pid=$(sed -n "s/.*\"pid\": *\([0-9]*\).*/\1/p" | head -n 1)
tr "\0" " " <"/proc/$pid/cmdline" >"$dir/$kind.cmdline"
echo "$kind" >>"$dir/order"' add_hook poststart
    set_args checker sleep 1000
    create_container
    berth start "$ID"
    local tries=100
    while [ "$(hook_order)" != "startContainer poststart" ] && ((tries-- > 0)); do sleep 0.05; done
    assert_equal "$(hook_order)" "startContainer poststart"
    assert_equal "$(cat "$HOOKS/poststart.cmdline")" "checker sleep 1000 "
}

@test "hooks of the same kind run in array order" {
    local i
    for i in 0 1 2; do
        update_config --arg i "$i" --arg log "$HOOKS/order" \
            '.hooks.prestart += [{"path": "/bin/sh", "args": ["sh", "-c", "echo prestart-\($i) >>\($log)"]}]'
    done
    set_args checker exit 0
    run_container
    assert_success
    assert_equal "$(hook_order)" "prestart-0 prestart-1 prestart-2"
}

@test "hooks get the state on stdin: id, bundle and the status of their step" {
    add_every_hook
    set_args checker sleep 1000
    create_container
    berth start "$ID"
    wait_for_status "$ID" running
    berth kill "$ID" KILL
    wait_for_status "$ID" stopped
    berth delete "$ID"
    local kind
    for kind in prestart createRuntime createContainer startContainer poststart poststop; do
        assert_equal "$kind $(hook_state "$kind" '.id + " " + .bundle + " " + .ociVersion')" "$kind $ID $BUNDLE 1.3.0"
    done
    assert_equal "$(hook_state prestart .status)" "creating"
    assert_equal "$(hook_state createRuntime .status)" "creating"
    assert_equal "$(hook_state createContainer .status)" "creating"
    assert_equal "$(hook_state startContainer .status)" "created"
    assert_equal "$(hook_state poststart .status)" "running"
    assert_equal "$(hook_state poststop .status)" "stopped"
}

@test "prestart, createRuntime and poststart get the container's pid in their state" {
    add_hook prestart
    add_hook createRuntime
    add_hook poststart
    set_args checker sleep 1000
    create_container
    local pid
    pid=$(state_field "$ID" .pid)
    berth start "$ID"
    wait_for_status "$ID" running
    # what a prestart hook sets up the network with: /proc/PID/ns/net
    assert_equal "prestart pid $(hook_state prestart .pid)" "prestart pid $pid"
    assert_equal "createRuntime pid $(hook_state createRuntime .pid)" "createRuntime pid $pid"
    assert_equal "poststart pid $(hook_state poststart .pid)" "poststart pid $pid"
}

@test "createContainer and startContainer get a pid in their state" {
    add_hook createContainer
    add_hook startContainer
    set_args checker sleep 1000
    create_container
    berth start "$ID"
    wait_for_status "$ID" running
    local kind
    for kind in createContainer startContainer; do
        jq -e '.pid | type == "number" and . > 0' "$HOOKS/$kind.state" >/dev/null ||
            fail "$kind: no pid in its state: $(cat "$HOOKS/$kind.state")"
    done
}

@test "each hook runs in its mount namespace: the runtime's or the container's" {
    add_every_hook
    set_args checker sleep 1000
    create_container
    local pid host container
    pid=$(state_field "$ID" .pid)
    host=$(readlink /proc/self/ns/mnt)
    container=$(readlink "/proc/$pid/ns/mnt")
    [ "$host" != "$container" ]
    berth start "$ID"
    wait_for_status "$ID" running
    berth delete --force "$ID"
    local kind
    for kind in prestart createRuntime poststart poststop; do
        assert_equal "$kind $(cat "$HOOKS/$kind.mnt")" "$kind $host"
    done
    for kind in createContainer startContainer; do
        assert_equal "$kind $(cat "$HOOKS/$kind.mnt")" "$kind $container"
    done
}

@test "createContainer runs before pivot_root with the mounts made; startContainer after, in the container's root" {
    update_config '.mounts += [{"destination": "/hook-tmpfs", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
    add_hook createContainer
    add_hook startContainer
    set_args checker sleep 1000
    create_container
    # createContainer: the host's root (its path, /bin/sh, is the host's),
    # the container's mounts under the rootfs path
    assert_equal "$(cat "$HOOKS/createContainer.root")" "host-root"
    grep -q " $BUNDLE/rootfs/hook-tmpfs " "$HOOKS/createContainer.mountinfo" ||
        fail "createContainer does not see the tmpfs at $BUNDLE/rootfs/hook-tmpfs"
    berth start "$ID"
    wait_for_status "$ID" running
    # startContainer: its /bin/sh is the rootfs's busybox, / is the rootfs
    assert_equal "$(cat "$HOOKS/startContainer.root")" "container-root"
    grep -q " /hook-tmpfs " "$HOOKS/startContainer.mountinfo"
    ! grep -q " $BUNDLE/rootfs/hook-tmpfs " "$HOOKS/startContainer.mountinfo"
}

@test "prestart and createRuntime run after the mounts, before the container's process runs" {
    update_config '.mounts += [{"destination": "/hook-tmpfs", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
    # the container's init (found through its cgroup, $3), as the host sees
    # it: the tmpfs mounted (under the rootfs path, not pivoted yet)
    SCRIPT='kind=$1 dir=$2
pid=$(head -n 1 "$3/cgroup.procs")
grep -c "/hook-tmpfs " "/proc/$pid/mountinfo" >"$dir/$kind.mounts"
tr "\0" " " <"/proc/$pid/cmdline" >"$dir/$kind.cmdline"'
    add_hook prestart
    add_hook createRuntime
    update_config --arg cg "$(cgroup_dir pids)" '.hooks.prestart[0].args += [$cg] | .hooks.createRuntime[0].args += [$cg]'
    set_args checker sleep 1000
    create_container
    local kind
    for kind in prestart createRuntime; do
        assert_equal "$kind $(cat "$HOOKS/$kind.mounts")" "$kind 1"
        [[ "$(cat "$HOOKS/$kind.cmdline")" != "checker sleep 1000 " ]] || fail "$kind ran after the process started"
    done
}

@test "hooks get their args (argv[0] included) and env, and no other environment" {
    update_config --arg log "$HOOKS" '.hooks.prestart = [{"path": "/bin/sh",
        "args": ["my-hook", "-c", "tr \"\\0\" \"\\n\" </proc/$$/cmdline >\"$0/args\"; env | grep -v ^PWD= | sort >\"$0/env\"", $log, "a b", "c"],
        "env": ["FOO=bar", "EMPTY=", "PATH=/usr/bin:/bin"]}]'
    set_args checker exit 0
    run --separate-stderr env HOST_ONLY=1 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_success
    run cat "$HOOKS/args"
    assert_line --index 0 "my-hook"
    assert_line --index 1 "-c"
    assert_line --index 3 "$HOOKS"
    assert_line --index 4 "a b"
    assert_line --index 5 "c"
    assert_equal "${#lines[@]}" 6
    run cat "$HOOKS/env"
    assert_output "$(printf 'EMPTY=\nFOO=bar\nPATH=/usr/bin:/bin')"
}

@test "a hook past its timeout is killed and fails create, leaving nothing" {
    local kind
    for kind in prestart createRuntime createContainer; do
        update_config 'del(.hooks)'
        # (the shell's pid as the host sees it: createContainer's $$ is of
        # the container's pid namespace, not the host's /proc)
        SCRIPT='cut -d" " -f4 /proc/self/stat >"$2/$1.pid"; exec sleep 30' add_hook "$kind" '{"timeout": 1}'
        set_args checker sleep 1000
        local start=$SECONDS
        run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
        assert_berth_error "hooks.$kind[0]: /bin/sh timed out after 1 s"
        [ $((SECONDS - start)) -lt 10 ] || fail "$kind: create took $((SECONDS - start)) s with a 1 s timeout"
        wait_for_exit "$(cat "$HOOKS/$kind.pid")"
        assert_nothing_left
    done
}

# runtime.md: the container is stopped and the lifecycle goes on to delete,
# after which the poststop hooks run.
@test "a failing prestart, createRuntime or createContainer hook fails create: its status and first line; poststop runs; nothing left" {
    local kind
    for kind in prestart createRuntime createContainer; do
        update_config 'del(.hooks)'
        rm -f "$HOOKS/order" "$HOOKS/poststop.state"
        add_every_hook
        # a second hook of the kind fails; the hooks after it never run
        SCRIPT='echo "$1 says no"; echo second line; exit 4' add_hook "$kind"
        add_hook "$kind"
        set_args checker sleep 1000
        run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
        assert_berth_error "hooks.$kind[1]: /bin/sh exited with status 4: $kind says no"
        case $kind in
        prestart) assert_equal "$(hook_order)" "prestart poststop" ;;
        createRuntime) assert_equal "$(hook_order)" "prestart createRuntime poststop" ;;
        createContainer) assert_equal "$(hook_order)" "prestart createRuntime createContainer poststop" ;;
        esac
        assert_equal "$(hook_state poststop '.status + " " + .id + " " + (.pid | tostring)')" "stopped $ID null"
        assert_nothing_left
    done
}

@test "a hook killed by a signal fails create" {
    SCRIPT='kill -KILL $$' add_hook prestart
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_berth_error "hooks.prestart[0]: /bin/sh killed by signal 9"
    assert_nothing_left
}

@test "a missing hook executable fails create" {
    update_config --arg p "$BATS_TEST_TMPDIR/no-such-hook" '.hooks.createRuntime = [{"path": $p}]'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_failure 1
    assert_output ""
    # (the rest is the hook's own output: how it says ENOENT is not berth's)
    [[ "$stderr" == "berth: hooks.createRuntime[0]: $BATS_TEST_TMPDIR/no-such-hook exited with status 127: "*[Nn]"o such file or directory" ]] ||
        fail "unexpected error: $stderr"
    assert_nothing_left
}

@test "a failing startContainer hook fails start; the process never runs" {
    SCRIPT='echo "start hook says no"; exit 3' add_hook startContainer
    add_hook poststart
    set_args sh -c 'echo the-process-ran'
    create_container
    run --separate-stderr berth start "$ID"
    assert_berth_error "hooks.startContainer[0]: /bin/sh exited with status 3: start hook says no"
    wait_for_status "$ID" stopped
    refute [ -e "$HOOKS/poststart.state" ]
    refute grep -q the-process-ran "$BATS_TEST_TMPDIR/$ID.out"
    berth delete "$ID"
    assert_nothing_left
}

@test "a failing poststart hook fails start and kills the container" {
    SCRIPT='echo "poststart says no"; exit 2' add_hook poststart
    add_hook poststop
    set_args checker sleep 1000
    create_container
    local pid
    pid=$(state_field "$ID" .pid)
    run --separate-stderr berth start "$ID"
    assert_berth_error "hooks.poststart[0]: /bin/sh exited with status 2: poststart says no"
    wait_for_exit "$pid"
    assert_equal "$(container_status "$ID")" "stopped"
    run --separate-stderr berth delete "$ID"
    assert_success
    assert_equal "$(hook_order)" "poststop"
    assert_nothing_left
}

@test "a failing poststart hook fails run, leaving nothing" {
    SCRIPT='echo "poststart says no"; exit 2' add_hook poststart
    set_args checker sleep 1000
    run --separate-stderr berth run --bundle "$BUNDLE" "$ID"
    assert_berth_error "hooks.poststart[0]: /bin/sh exited with status 2: poststart says no"
    assert_nothing_left
}

@test "a failing poststop hook is only a warning: delete succeeds, the next poststop hook runs" {
    SCRIPT='echo "poststop says no"; exit 2' add_hook poststop
    add_hook poststop
    set_args checker exit 0
    create_container
    berth start "$ID"
    wait_for_status "$ID" stopped
    run --separate-stderr berth delete "$ID"
    assert_success
    assert_output ""
    assert_equal "$stderr" \
        'time="'"$(sed -n 's/^time="\([^"]*\)".*/\1/p' <<<"$stderr")"'" level=warning msg="hooks.poststop[0]: /bin/sh exited with status 2: poststop says no"'
    assert_equal "$(hook_order)" "poststop"
    assert_nothing_left
}

@test "poststop runs after delete removed the container: no state, no cgroup, no process" {
    local cg
    cg=$(cgroup_dir pids)
    SCRIPT='kind=$1 dir=$2
{ [ -e "$3" ] && echo state-dir || echo no-state-dir
  [ -e "$4" ] && echo cgroup || echo no-cgroup
  grep -lsz "BERTH_TEST_TAG=$5" /proc/[0-9]*/environ | wc -l; } >"$dir/$kind.seen"' \
        add_hook poststop
    update_config --arg s "$ROOT/$ID" --arg c "$cg" --arg tag "$TAG" '.hooks.poststop[0].args += [$s, $c, $tag]'
    set_args checker sleep 1000
    create_container
    berth start "$ID"
    berth delete --force "$ID"
    assert_equal "$(cat "$HOOKS/poststop.seen")" "$(printf 'no-state-dir\nno-cgroup\n0')"
    assert_nothing_left
}

@test "run runs every hook, poststop too once the container is gone" {
    add_every_hook
    set_args checker exit 0
    run_container
    assert_success
    assert_equal "$(hook_order)" "prestart createRuntime createContainer startContainer poststart poststop"
    assert_equal "$(hook_state poststop .status)" "stopped"
    assert_nothing_left
}

@test "a hook that does not read its stdin, or writes much, does not block berth" {
    SCRIPT='exit 0' add_hook prestart
    SCRIPT='i=0; while [ $i -lt 2000 ]; do echo "line $i of a chatty hook"; i=$((i + 1)); done' add_hook createRuntime
    set_args checker exit 0
    run timeout 20 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_nothing_left
}

# Guards runtime/hooks.c feed_state: a state larger than a pipe holds is
# written as the hook reads it, and a hook that exits without reading it
# makes the write fail with EPIPE rather than kill berth with SIGPIPE.
@test "a state larger than a pipe reaches a hook whole; one that never reads it does not kill berth" {
    update_config '.annotations.big = "x" * 300000'
    add_hook prestart
    SCRIPT='exit 0' add_hook poststart
    SCRIPT='echo "stdin unread"; exit 0' add_hook poststop
    set_args checker exit 0
    run timeout 20 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(hook_state prestart '.annotations.big | length')" 300000
    assert_nothing_left
}
