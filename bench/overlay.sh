#!/bin/bash
# bench/overlay.sh: what an overlay rootfs costs.
#   1. overlay_mount_fd itself (3 layers with and without an upper, one
#      lowerdir string, many layers): the timing line of the overlay unit
#      test (build/tests/test_overlay, made by `make unit`).
#   2. Starting /bin/true on a 3-layer overlay rootfs (--layer x3, an
#      ephemeral upper) versus the same files as a plain directory, with
#      hyperfine -N.
#   3. The size of the ephemeral upper (du -s of STATE/ID/upper) after a
#      container that writes nothing and after one that writes 1 MiB.
# Parts 2 and 3 NEED THE --layer INTEGRATION (berth run|create --layer DIR
# [--upper DIR]): until berth's run has --layer they are skipped.
#   RUNS=50 ./bench/overlay.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-50}
berth=$top/berth
work=$(mktemp -d /tmp/berth-bench-overlay.XXXXXX)
# The state (and the ephemeral upper in it) under /run, where berth's default
# root /run/berth is (tmpfs on most hosts).
state=$(mktemp -d /run/berth-bench-state.XXXXXX)
trap 'rm -rf "$work" "$state"' EXIT

echo "== overlay_mount_fd (median of many mounts, in a private mount namespace) =="
if [ -x "$top/build/tests/test_overlay" ]; then
    BERTH_TEST_FILTER=test_mount_timing CMOCKA_MESSAGE_OUTPUT=TAP "$top/build/tests/test_overlay" |
        sed -n 's/^# timing: //p'
else
    echo "skipped: build/tests/test_overlay is missing (make unit)"
fi

if ! "$berth" run --help 2>&1 | grep -q -- '--layer'; then
    echo "== container start on layers: skipped, berth run has no --layer yet =="
    exit 0
fi

# Three layers, top first: L1 (a few files), L2 (etc), L3 (busybox and
# its applets); the plain rootfs holds the same files in one directory.
"$top/tests/make-rootfs.sh" "$work/L3"
# Mount points ship in the image, as in every distribution image: otherwise
# each container makes them in its upper, where the plain rootfs keeps the
# ones its first run made.
mkdir "$work/L3/proc" "$work/L3/dev" "$work/L3/sys"
mkdir -p "$work/L2/etc" "$work/L1/etc"
echo bench >"$work/L2/etc/hostname"
printf 'NAME=berth-bench\n' >"$work/L2/etc/os-release"
echo 'on three layers' >"$work/L1/etc/motd"
mkdir -p "$work/plain/rootfs"
cp -a "$work/L3/." "$work/L2/." "$work/L1/." "$work/plain/rootfs/"

make_bundle() { # DIR ARGS_JSON
    mkdir -p "$1/rootfs"
    "$berth" spec --bundle "$1"
    jq --argjson args "$2" '.process.terminal = false | .process.args = $args | .root.readonly = false' \
        "$1/config.json" >"$1/config.tmp"
    mv "$1/config.tmp" "$1/config.json"
}
make_bundle "$work/layered" '["/bin/true"]'
make_bundle "$work/writer" '["/bin/sh", "-c", "dd if=/dev/zero of=/big bs=1024 count=1024 2>/dev/null"]'
make_bundle "$work/plain" '["/bin/true"]'
layers=(--layer "$work/L1" --layer "$work/L2" --layer "$work/L3")

echo "== start-up: run /bin/true ($runs runs each) =="
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/startup.json" \
    -n plain "$berth --root $state run --bundle $work/plain bench-plain-$$" \
    -n overlay "$berth --root $state run ${layers[*]} --bundle $work/layered bench-overlay-$$"
# The median is steadier than the mean on a busy machine.
jq -r '(.results | map({(.command): .median}) | add) as $m
    | "median: plain \($m.plain * 1e4 | round / 10) ms, overlay \($m.overlay * 1e4 | round / 10) ms: the overlay costs \((($m.overlay / $m.plain - 1) * 1000 | round) / 10)% more"' \
    "$work/startup.json"

echo "== ephemeral upper after the container ran (du -s, KiB) =="
upper_size() { # NAME BUNDLE
    local id=bench-du-$1-$$
    "$berth" --root "$state" create "${layers[@]}" --bundle "$2" "$id"
    "$berth" --root "$state" start "$id"
    for _ in $(seq 100); do
        [ "$("$berth" --root "$state" state "$id" | jq -r .status)" = stopped ] && break
        sleep 0.05
    done
    printf '%-14s %6s KiB\n' "$1" "$(du -s "$state/$id/upper" | cut -f1)"
    "$berth" --root "$state" delete "$id"
}
upper_size writes-nothing "$work/layered"
upper_size writes-1MiB "$work/writer"
