#!/usr/bin/env bats
# process.terminal: the pty handed to --console-socket (received here by
# recvtty, as containerd's shim or conmon would), or relayed by `berth run`
# and `berth exec -t` themselves in the foreground (driven here in tmux).

load helpers

setup_file() {
    berth_setup_file
    [ -x "$RECVTTY" ] || {
        echo "# $RECVTTY is missing: run make build/tests/recvtty" >&3
        return 1
    }
}

setup() {
    berth_setup
    TMUX_SOCKET=
}

teardown() {
    if [ -n "$TMUX_SOCKET" ]; then
        tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
    fi
    kill_tracked_pids
    berth_teardown
}

# ---- tmux: a real terminal for the foreground tests ----------------------------

# tmux_start COMMAND: a detached tmux session of 100x30 running COMMAND (a
# shell command line) on a server of this test's own.
tmux_start() {
    command -v tmux >/dev/null || skip "tmux is not installed"
    TMUX_SOCKET=berthtest-$$-$BATS_TEST_NUMBER
    tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -s t -x 100 -y 30 "$1"
    tmux -L "$TMUX_SOCKET" set-option -t t status off >/dev/null
}

tmux_cmd() {
    tmux -L "$TMUX_SOCKET" "$@"
}

pane() {
    tmux_cmd capture-pane -p -t t
}

# wait_for_pane REGEX [SECONDS]: until a line of the pane matches.
wait_for_pane() {
    local tries=$((${2:-10} * 20))
    while ((tries-- > 0)); do
        pane | grep -qE -- "$1" && return 0
        sleep 0.05
    done
    echo "the pane never showed /$1/; it shows:" >&2
    pane >&2
    return 1
}

# The size of the pane, as stty prints it: "ROWS COLS".
pane_size() {
    tmux_cmd display-message -p -t t '#{pane_height} #{pane_width}'
}

# resize_pane COLS ROWS: once tmux has resized the pane's terminal (tmux
# applies it after the command returns, maybe after keys sent later).
resize_pane() {
    local tty tries=200
    tmux_cmd resize-window -t t -x "$1" -y "$2"
    tty=$(tmux_cmd display-message -p -t t '#{pane_tty}')
    while [ "$(stty -F "$tty" size)" != "$2 $1" ] && ((tries-- > 0)); do sleep 0.05; done
    assert_equal "$(stty -F "$tty" size)" "$2 $1"
}

# berth's command line, quoted for a shell in tmux.
berth_cmdline() {
    printf '%q ' "$BERTH" --root "$ROOT" "$@"
}

# ---- the console socket --------------------------------------------------------------

@test "process.terminal without --console-socket: create and run --detach fail, naming it" {
    update_config '.process.terminal = true'
    run --separate-stderr berth create --bundle "$BUNDLE" "$ID"
    assert_berth_error "config.json: process.terminal: needs --console-socket to hand the terminal to"
    assert_nothing_left
    run --separate-stderr berth run --detach --bundle "$BUNDLE" "$ID"
    assert_berth_error "config.json: process.terminal: needs --console-socket to hand the terminal to"
    assert_nothing_left
}

@test "--console-socket without process.terminal is an error" {
    start_recvtty console
    run --separate-stderr berth create --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    assert_berth_error "--console-socket needs process.terminal set to true"
    assert_nothing_left
}

@test "a console socket that nobody listens on fails create and leaves nothing" {
    update_config '.process.terminal = true'
    run --separate-stderr berth create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" --bundle "$BUNDLE" "$ID"
    assert_berth_error "--console-socket: connect to $BATS_TEST_TMPDIR/nobody.sock: no such file or directory"
    assert_nothing_left
}

@test "the pty master goes to --console-socket; the process's stdio is the pty's slave" {
    update_config '.process.terminal = true'
    set_args sh -c 'tty; checker tty; checker fds; for fd in 0 1 2; do readlink /proc/self/fd/$fd; done'
    start_recvtty console
    create_container --console-socket "$CONSOLE_SOCKET"
    # berth's own stdout and stderr got nothing: the pty has them
    berth start "$ID"
    wait_recvtty "$RECVTTY_PID"
    wait_for_status "$ID" stopped
    assert_equal "$(container_out)" ""
    # runc's protocol: the fd with the payload /dev/ptmx, and a pty master
    run cat "$BATS_TEST_TMPDIR/console.recvtty"
    assert_line --index 0 "recvtty: payload /dev/ptmx"
    assert_line --index 1 --regexp '^recvtty: pts /dev/pts/[0-9]+$'
    local pts=${lines[1]#recvtty: pts }
    run tty_output console
    assert_line --index 0 "$pts"
    assert_line --index 1 "isatty=1 name=$pts rows=0 cols=0 ctty=1"
    assert_line --index 2 "0 1 2"
    assert_line --index 3 "$pts"
    assert_line --index 4 "$pts"
    assert_line --index 5 "$pts"
}

@test "process.consoleSize sizes the pty" {
    update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'
    set_args sh -c 'stty size; checker tty'
    start_recvtty console
    "$BERTH" --root "$ROOT" run --detach --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/run.out" 2>&1 </dev/null 3>&-
    wait_recvtty "$RECVTTY_PID"
    run tty_output console
    assert_line --index 0 "33 111"
    assert_line --index 1 --regexp '^isatty=1 name=/dev/pts/[0-9]+ rows=33 cols=111 ctty=1$'
}

@test "/dev/console is the container's pty (char 136:N), the host's untouched" {
    update_config '.process.terminal = true'
    set_args sh -c 'tty; checker stat /dev/console; checker stat "$(tty)"'
    local host_console
    host_console=$(stat -c '%F %t:%T %a %u:%g' /dev/console 2>/dev/null || echo none)
    start_recvtty console
    "$BERTH" --root "$ROOT" run --detach --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/run.out" 2>&1 </dev/null 3>&-
    wait_recvtty "$RECVTTY_PID"
    run tty_output console
    assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
    local n=${lines[0]#/dev/pts/}
    # a character device (020000) with the pty's numbers
    assert_line --index 1 --regexp "^mode=20[0-7]{3} uid=0 gid=[0-9]+ rdev=136:$n\$"
    assert_equal "${lines[2]}" "${lines[1]}"
    assert_equal "$(stat -c '%F %t:%T %a %u:%g' /dev/console 2>/dev/null || echo none)" "$host_console"
}

@test "input written to the pty master reaches the process, its output comes back" {
    update_config '.process.terminal = true'
    set_args sh -c 'read line; echo "got:$line"'
    start_recvtty console $'hello\n'
    "$BERTH" --root "$ROOT" run --detach --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/run.out" 2>&1 </dev/null 3>&-
    wait_recvtty "$RECVTTY_PID"
    run tty_output console
    # the line discipline echoes the input, then the process answers
    assert_output "$(printf 'hello\ngot:hello')"
}

@test "the pty belongs to process.user.uid" {
    update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
    set_args sh -c 'checker stat "$(tty)"; checker id'
    start_recvtty console
    "$BERTH" --root "$ROOT" run --detach --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID" \
        >"$BATS_TEST_TMPDIR/run.out" 2>&1 </dev/null 3>&-
    wait_recvtty "$RECVTTY_PID"
    run tty_output console
    assert_line --index 0 --regexp '^mode=20[0-7]{3} uid=1000 gid=[0-9]+ rdev=136:[0-9]+$'
    assert_line --index 1 "uid=1000 gid=1000 groups="
}

@test "run --console-socket in the foreground waits and exits with the container's status" {
    update_config '.process.terminal = true'
    set_args sh -c 'echo on-the-pty; exit 6'
    start_recvtty console
    run --separate-stderr "$BERTH" --root "$ROOT" run --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    assert_failure 6
    assert_output ""
    wait_recvtty "$RECVTTY_PID"
    assert_equal "$(tty_output console)" "on-the-pty"
    assert_nothing_left
}

# ---- berth run in the foreground, in a terminal ---------------------------------

@test "run in the foreground relays its terminal: raw, keys in, output out, exit status" {
    update_config '.process.terminal = true'
    set_args sh
    local d=$BATS_TEST_TMPDIR
    tmux_start "stty -g >$d/before; $(berth_cmdline run --bundle "$BUNDLE" "$ID"); echo \$? >$d/rc; stty -g >$d/after; sleep 1000"
    wait_for_pane '^/ # ?$'
    # the outer terminal is raw while berth relays it
    local tty
    tty=$(tmux_cmd display-message -p -t t '#{pane_tty}')
    run stty -F "$tty" -a
    assert_success
    grep -qw -- -icanon <<<"$output" || fail "the terminal is not raw: $output"
    grep -qw -- -echo <<<"$output" || fail "the terminal still echoes: $output"

    tmux_cmd send-keys -t t 'echo $((6*7)); tty' Enter
    wait_for_pane '^42$'
    wait_for_pane '^/dev/pts/[0-9]+$'
    # ^C goes to the container's foreground process, not to berth
    tmux_cmd send-keys -t t 'checker waitsig' Enter
    wait_for_pane '^ready$'
    tmux_cmd send-keys -t t C-c
    wait_for_pane 'signal=INT$'
    assert_equal "$(container_status "$ID")" "running"

    tmux_cmd send-keys -t t 'exit 5' Enter
    wait_for_file "$d/after"
    assert_equal "$(cat "$d/rc")" 5
    # and the terminal as it was
    assert_equal "$(cat "$d/after")" "$(cat "$d/before")"
    assert_nothing_left
}

@test "run in the foreground: the container's pty has the terminal's size, and follows it" {
    update_config '.process.terminal = true'
    set_args sh
    tmux_start "$(berth_cmdline run --bundle "$BUNDLE" "$ID"); sleep 1000"
    wait_for_pane '^/ # ?$'
    local size
    size=$(pane_size)
    tmux_cmd send-keys -t t 'stty size' Enter
    wait_for_pane "^$size\$"
    resize_pane 70 20
    size=$(pane_size)
    assert_equal "$size" "20 70"
    tmux_cmd send-keys -t t 'clear; stty size' Enter
    wait_for_pane '^20 70$'
    resize_pane 123 40
    tmux_cmd send-keys -t t 'clear; checker tty' Enter
    wait_for_pane '^isatty=1 name=/dev/pts/[0-9]+ rows=40 cols=123 ctty=1$'
    tmux_cmd send-keys -t t 'exit' Enter
    local tries=200
    while [ -e "$ROOT/$ID" ] && ((tries-- > 0)); do sleep 0.05; done
    assert_nothing_left
}

@test "run in the foreground with a terminal, berth's stdin a pipe: relayed both ways" {
    update_config '.process.terminal = true'
    set_args sh -c 'read line; echo "got:$line"; tty; exit 3'
    run --separate-stderr bash -c 'echo hello | timeout 20 "$0" --root "$1" run --bundle "$2" "$3"' "$BERTH" "$ROOT" "$BUNDLE" "$ID"
    assert_failure 3
    # through the pty: its echo of the input, and \r\n line ends
    assert_equal "$(tr -d '\r' <<<"$output")" "$(printf 'hello\ngot:hello\n/dev/pts/0')"
    assert_equal "$stderr" ""
    assert_nothing_left
}

# ---- exec --tty ----------------------------------------------------------------------------

@test "exec --tty --console-socket: the process gets a pty of its own; /dev/console stays the init's" {
    update_config '.process.terminal = true'
    set_args sh -c 'tty; exec checker sleep 1000'
    start_recvtty init
    local init_recvtty=$RECVTTY_PID
    create_container --console-socket "$CONSOLE_SOCKET"
    berth start "$ID"
    local tries=100
    while ! grep -q pts "$BATS_TEST_TMPDIR/init.tty" && ((tries-- > 0)); do sleep 0.05; done
    local init_pts
    init_pts=$(tty_output init)
    [[ "$init_pts" =~ ^/dev/pts/[0-9]+$ ]] || fail "the init's tty: $init_pts"

    start_recvtty exec
    run --separate-stderr berth exec --tty --console-socket "$CONSOLE_SOCKET" "$ID" \
        sh -c 'tty; checker tty; checker stat /dev/console; exit 6'
    assert_failure 6
    assert_output ""
    wait_recvtty "$RECVTTY_PID"
    run tty_output exec
    assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
    local pts=${lines[0]}
    [ "$pts" != "$init_pts" ] || fail "exec got the init's pty $pts"
    assert_line --index 1 "isatty=1 name=$pts rows=0 cols=0 ctty=1"
    assert_line --index 2 --regexp "^mode=20[0-7]{3} uid=0 gid=[0-9]+ rdev=136:${init_pts#/dev/pts/}\$"
    grep -q "recvtty: payload /dev/ptmx" "$BATS_TEST_TMPDIR/exec.recvtty"
    # the init and its pty go on
    assert_equal "$(container_status "$ID")" "running"
    kill -0 "$init_recvtty"
}

@test "exec --tty --detach --console-socket: input in, output out" {
    start_container
    start_recvtty exec $'echo $((6*7))\nexit 7\n'
    run timeout 20 "$BERTH" --root "$ROOT" exec -t -d --console-socket "$CONSOLE_SOCKET" "$ID" sh
    assert_success
    assert_output ""
    wait_recvtty "$RECVTTY_PID"
    run tty_output exec
    assert_line "42"
}

@test "exec --tty: process.consoleSize of --process sizes the pty" {
    start_container
    jq -n --arg tag "BERTH_TEST_TAG=$TAG" '{"terminal": true, "consoleSize": {"height": 21, "width": 61},
        "args": ["sh", "-c", "stty size"], "env": ["PATH=/bin", $tag], "cwd": "/"}' >"$BATS_TEST_TMPDIR/process.json"
    start_recvtty exec
    run --separate-stderr berth exec --process "$BATS_TEST_TMPDIR/process.json" --console-socket "$CONSOLE_SOCKET" "$ID"
    assert_success
    wait_recvtty "$RECVTTY_PID"
    assert_equal "$(tty_output exec)" "21 61"
}

@test "exec --tty --detach needs --console-socket; --console-socket needs --tty" {
    start_container
    run --separate-stderr berth exec -t -d "$ID" true
    assert_berth_error "exec: a terminal with --detach needs --console-socket to hand it to"
    start_recvtty exec
    run --separate-stderr berth exec --console-socket "$CONSOLE_SOCKET" "$ID" true
    assert_berth_error "exec: --console-socket needs a terminal (--tty)"
    assert_equal "$(cat "$(cgroup_dir pids)/cgroup.procs")" "$(state_field "$ID" .pid)"
}

@test "exec --tty in the foreground relays the terminal, with its size" {
    start_container
    tmux_start "$(berth_cmdline exec -t "$ID" sh); echo exec-exited-\$?; sleep 1000"
    wait_for_pane '^/ # ?$'
    local size
    size=$(pane_size)
    tmux_cmd send-keys -t t 'tty; stty size' Enter
    wait_for_pane '^/dev/pts/[0-9]+$'
    wait_for_pane "^$size\$"
    resize_pane 71 21
    tmux_cmd send-keys -t t 'clear; stty size' Enter
    wait_for_pane '^21 71$'
    tmux_cmd send-keys -t t 'exit 3' Enter
    wait_for_pane '^exec-exited-3$'
    assert_equal "$(container_status "$ID")" "running"
}
