#!/usr/bin/env bats
# OverlayFS: overlay mounts of config.json, and a rootfs made of read-only
# lower layers with an ephemeral or persistent upper.

load helpers

# Three layers: the busybox rootfs at the bottom, then two small ones.
make_layers() {
    LAYERS=$BATS_TEST_TMPDIR/layers
    mkdir -p "$LAYERS/top" "$LAYERS/middle"
    cp -a "$BUNDLE/rootfs" "$LAYERS/base"
    echo "from middle" >"$LAYERS/middle/hello"
    echo "from top" >"$LAYERS/top/hello"
    echo "keep me" >"$LAYERS/middle/victim"
    echo "unchanged" >"$LAYERS/base/etc/motd"
    update_config '.root.readonly = false'
}

layer_args() {
    echo --layer "$LAYERS/top" --layer "$LAYERS/middle" --layer "$LAYERS/base"
}

snapshot_layers() {
    (cd "$LAYERS" && find . -printf '%p %s %m\n' | sort && cat middle/victim base/etc/motd top/hello)
}

@test "overlay: a layered rootfs shows the top layer's files first" {
    make_layers
    set_args cat /hello
    run_container $(layer_args)
    assert_success
    assert_output "from top"
}

@test "overlay: the container changes and deletes lower files, the lower layers stay as they were" {
    make_layers
    before=$(snapshot_layers)
    set_args sh -c 'rm /victim && echo changed > /etc/motd && echo new > /newfile && ls /victim 2>&1; cat /etc/motd'
    run_container $(layer_args)
    assert_success
    assert_line --partial "/victim: No such file or directory"
    assert_line changed
    assert_equal "$(snapshot_layers)" "$before"
}

@test "overlay: two containers on the same lowers never see each other's changes" {
    make_layers
    set_args sh -c 'echo one > /mine; sleep 100'
    "$BERTH" --root "$ROOT" run --detach $(layer_args) --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&-
    first=$ID
    ID=$(new_id)
    set_args sh -c 'cat /mine 2>&1; ls /'
    run_container $(layer_args)
    assert_success
    assert_line --regexp "/mine.*No such file or directory"
    assert_equal "$(state_field "$first" .status)" running
}

@test "overlay: the ephemeral upper lives in the state dir and is gone after delete" {
    make_layers
    set_args sh -c 'head -c 1048576 /dev/zero > /big; sleep 100'
    "$BERTH" --root "$ROOT" run --detach $(layer_args) --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&-
    for _ in $(seq 50); do
        [ -f "$ROOT/$ID/upper/big" ] && break
        sleep 0.05
    done
    # Disk use per container is what it writes.
    [ "$(du -sk "$ROOT/$ID/upper" | cut -f1)" -ge 1024 ]
    [ "$(du -sk "$ROOT/$ID/upper" | cut -f1)" -lt 1200 ]
    run berth delete --force "$ID"
    assert_success
    [ ! -e "$ROOT/$ID" ]
}

@test "overlay: a persistent upper keeps the changes from one container to the next" {
    make_layers
    upper=$BATS_TEST_TMPDIR/upper
    set_args sh -c 'echo remembered > /note; rm /victim'
    run_container $(layer_args) --upper "$upper"
    assert_success
    [ -f "$upper/note" ]
    ID=$(new_id)
    set_args sh -c 'cat /note; ls /victim 2>&1; true'
    run_container $(layer_args) --upper "$upper"
    assert_success
    assert_line remembered
    assert_line --partial "No such file"
}

@test "overlay: layers from the bundle's annotations, relative to the bundle" {
    make_layers
    mv "$LAYERS" "$BUNDLE/layers"
    update_config '.annotations["org.berth.rootfs.lower"] = "layers/top:layers/middle:layers/base"'
    set_args cat /hello
    run_container
    assert_success
    assert_output "from top"
}

@test "overlay: a missing layer is refused, naming it, and leaves nothing behind" {
    make_layers
    run --separate-stderr berth create --bundle "$BUNDLE" --layer "$LAYERS/top" --layer "$LAYERS/nope" "$ID"
    assert_failure
    assert_output ""
    [[ "$stderr" == "berth: --layer: layer 2 \"$LAYERS/nope\": no such file or directory" ]] ||
        fail "unexpected error: $stderr"
    assert_nothing_left
}

@test "overlay: an overlay mount of config.json, with paths relative to the bundle" {
    mkdir -p "$BUNDLE/ov/lower1" "$BUNDLE/ov/lower2" "$BUNDLE/ov/upper" "$BUNDLE/ov/work"
    echo one >"$BUNDLE/ov/lower1/a"
    echo two >"$BUNDLE/ov/lower2/b"
    update_config '.mounts += [{"destination": "/merged", "type": "overlay", "source": "overlay",
        "options": ["lowerdir=ov/lower1:ov/lower2", "upperdir=ov/upper", "workdir=ov/work"]}]'
    set_args sh -c 'cat /merged/a /merged/b; echo three > /merged/c'
    run_container
    assert_success
    assert_line one
    assert_line two
    assert_equal "$(cat "$BUNDLE/ov/upper/c")" three
    [ ! -e "$BUNDLE/ov/lower1/c" ]
}

@test "overlay: a read-only overlay mount (no upper) refuses writes" {
    mkdir -p "$BUNDLE/ov/lower1" "$BUNDLE/ov/lower2"
    echo one >"$BUNDLE/ov/lower1/a"
    update_config '.mounts += [{"destination": "/merged", "type": "overlay", "source": "overlay",
        "options": ["lowerdir=ov/lower1:ov/lower2"]}]'
    set_args sh -c 'cat /merged/a; echo x > /merged/new; echo status=$?'
    run_container
    assert_success
    assert_line one
    assert_line status=1
    [[ "$stderr" == *"Read-only file system"* ]] || fail "stderr: $stderr"
}
