#!/usr/bin/env bats
# The fds and the environment a container's process gets: 0, 1 and 2, the
# ones --preserve-fds or systemd socket activation (LISTEN_FDS) pass, never
# another fd of berth's caller or of berth, never the caller's environment.

load helpers

teardown() {
    kill_tracked_pids
    berth_teardown
}

setup() {
    berth_setup
    echo three >"$BATS_TEST_TMPDIR/three"
    echo four >"$BATS_TEST_TMPDIR/four"
    echo five >"$BATS_TEST_TMPDIR/five"
}

# what a process prints about its fds 3 and 4: their list, and their content
FDS_SCRIPT='checker fds
for fd in 3 4 5; do if read -r line <&$fd; then echo "$fd:$line"; else echo "$fd:closed"; fi 2>/dev/null; done'

@test "run: only fds 0, 1 and 2 reach the process" {
    set_args checker fds
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 9</dev/null 200</dev/null
    assert_success
    assert_output "0 1 2"
}

@test "create and start: only fds 0, 1 and 2 reach the process" {
    set_args checker fds
    "$BERTH" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null 3<"$BATS_TEST_TMPDIR/three" 7</dev/null
    berth start "$ID" 3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
    wait_for_status "$ID" stopped
    assert_equal "$(container_out)" "0 1 2"
}

@test "an fd 3 given without --preserve-fds does not reach the process" {
    set_args sh -c "$FDS_SCRIPT"
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/three"
    assert_success
    assert_equal "$output" "$(printf '0 1 2\n3:closed\n4:closed\n5:closed')"
}

@test "--preserve-fds 2 passes fds 3 and 4 with their content, and nothing past them" {
    set_args sh -c "$FDS_SCRIPT"
    run --separate-stderr "$BERTH" --root "$ROOT" run --preserve-fds 2 --bundle "$BUNDLE" "$ID" \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5<"$BATS_TEST_TMPDIR/five"
    assert_success
    assert_equal "$output" "$(printf '0 1 2 3 4\n3:three\n4:four\n5:closed')"
}

@test "--preserve-fds: a preserved fd can be written to, and is the caller's open file" {
    set_args sh -c 'echo written-inside >&3'
    run --separate-stderr "$BERTH" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
        3>"$BATS_TEST_TMPDIR/out3"
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out3")" "written-inside"
}

@test "create --preserve-fds 2 keeps fds 3 and 4 for the process until start" {
    set_args sh -c "$FDS_SCRIPT"
    "$BERTH" --root "$ROOT" create --preserve-fds 2 --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5<"$BATS_TEST_TMPDIR/five"
    berth start "$ID"
    wait_for_status "$ID" stopped
    assert_equal "$(container_out)" "$(printf '0 1 2 3 4\n3:three\n4:four\n5:closed')"
}

@test "exec: only fds 0, 1 and 2, unless --preserve-fds" {
    start_container
    run --separate-stderr "$BERTH" --root "$ROOT" exec "$ID" sh -c "$FDS_SCRIPT" \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
    assert_success
    assert_equal "$output" "$(printf '0 1 2\n3:closed\n4:closed\n5:closed')"
    run --separate-stderr "$BERTH" --root "$ROOT" exec --preserve-fds 2 "$ID" sh -c "$FDS_SCRIPT" \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5<"$BATS_TEST_TMPDIR/five"
    assert_success
    assert_equal "$output" "$(printf '0 1 2 3 4\n3:three\n4:four\n5:closed')"
    run --separate-stderr "$BERTH" --root "$ROOT" exec --preserve-fds 1 "$ID" checker fds \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
    assert_success
    assert_output "0 1 2 3"
}

@test "exec --detach: only fds 0, 1 and 2 reach the process" {
    start_container
    "$BERTH" --root "$ROOT" exec -d "$ID" checker fds >"$BATS_TEST_TMPDIR/exec.out" 2>&1 </dev/null \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
    wait_for_file "$BATS_TEST_TMPDIR/exec.out"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/exec.out")" "0 1 2"
}

@test "socket activation: LISTEN_FDS=2 for berth's pid passes fds 3 and 4, as LISTEN_FDS=2 LISTEN_PID=1" {
    set_args sh -c "echo \"LISTEN_FDS=\$LISTEN_FDS LISTEN_PID=\$LISTEN_PID\"; $FDS_SCRIPT"
    # the shell execs berth: $$ is berth's pid
    run --separate-stderr sh -c 'exec env LISTEN_FDS=2 LISTEN_PID=$$ "$0" --root "$1" run --bundle "$2" "$3"' \
        "$BERTH" "$ROOT" "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5<"$BATS_TEST_TMPDIR/five"
    assert_success
    assert_equal "$output" "$(printf 'LISTEN_FDS=2 LISTEN_PID=1\n0 1 2 3 4\n3:three\n4:four\n5:closed')"
}

@test "socket activation and --preserve-fds add up" {
    set_args sh -c "echo \"LISTEN_FDS=\$LISTEN_FDS\"; $FDS_SCRIPT"
    run --separate-stderr sh -c 'exec env LISTEN_FDS=1 LISTEN_PID=$$ "$0" --root "$1" run --preserve-fds 1 --bundle "$2" "$3"' \
        "$BERTH" "$ROOT" "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5<"$BATS_TEST_TMPDIR/five"
    assert_success
    assert_equal "$output" "$(printf 'LISTEN_FDS=1\n0 1 2 3 4\n3:three\n4:four\n5:closed')"
}

@test "socket activation with create: the fds wait for start" {
    set_args sh -c "echo \"LISTEN_FDS=\$LISTEN_FDS LISTEN_PID=\$LISTEN_PID\"; $FDS_SCRIPT"
    sh -c 'exec env LISTEN_FDS=2 LISTEN_PID=$$ "$0" --root "$1" create --bundle "$2" "$3"' \
        "$BERTH" "$ROOT" "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 </dev/null \
        3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
    berth start "$ID"
    wait_for_status "$ID" stopped
    assert_equal "$(container_out)" "$(printf 'LISTEN_FDS=2 LISTEN_PID=1\n0 1 2 3 4\n3:three\n4:four\n5:closed')"
}

@test "LISTEN_FDS meant for another process passes nothing and sets nothing" {
    set_args sh -c "echo \"LISTEN_FDS=\$LISTEN_FDS LISTEN_PID=\$LISTEN_PID\"; $FDS_SCRIPT"
    local pid
    for pid in 1 999999999 abc ""; do
        run --separate-stderr env LISTEN_FDS=2 LISTEN_PID="$pid" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
            3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
        assert_success
        assert_equal "LISTEN_PID=$pid: $output" \
            "LISTEN_PID=$pid: $(printf 'LISTEN_FDS= LISTEN_PID=\n0 1 2\n3:closed\n4:closed\n5:closed')"
    done
}

@test "the process's environment is its config's (and HOME), never the caller's" {
    update_config '.process.env = ["PATH=/bin", "A=1", "BERTH_TEST_TAG='"$TAG"'"]'
    set_args env
    run --separate-stderr env -i PATH=/usr/bin:/bin CALLER_ONLY=1 _OCI_SYNCPIPE=9 _OCI_INITPIPE=8 _LIBCONTAINER_INITPIPE=7 \
        "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_equal "$(sort <<<"$output")" "$(printf 'A=1\nBERTH_TEST_TAG=%s\nHOME=/root\nPATH=/bin\n' "$TAG")"
}

@test "berth's own fds never reach the process: state dir, log file, sockets" {
    set_args sh -c 'checker fds; for fd in 0 1 2 3 4 5 6 7 8 9; do readlink /proc/self/fd/$fd; done; true'
    run --separate-stderr "$BERTH" --root "$ROOT" --log "$BATS_TEST_TMPDIR/berth.log" --log-format json run --bundle "$BUNDLE" "$ID"
    assert_success
    assert_line --index 0 "0 1 2"
    refute_output --partial "berth.log"
    refute_output --partial "$ROOT"
    refute_output --partial "socket:"
}
