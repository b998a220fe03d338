#!/bin/bash
# bench/run.sh: start-up time and peak memory of berth, runc and crun, side
# by side in one run, on the same busybox bundle running /bin/true.
#   RUNS=50 ./bench/run.sh
# crun 1.8.1 refuses hybrid cgroup hosts; on such a host it runs through
# ../shared/tools/crun-unshared (a private mount namespace without the
# cgroup2 mount), which adds the cost of unshare(1), sh and umount to its
# figures: the script measures that cost and prints it after the table.
# On a cgroup v1 host with no other cpuset cgroup, each runtime's first
# cpuset cgroup flips a kernel static key (about 2 ms here, in mkdir): all
# three pay it on every run, and none does on a host already running one.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-50}
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
# State roots under /run, as the runtimes' defaults (/run/berth, /run/runc).
state=$(mktemp -d /run/berth-bench-state.XXXXXX)
trap 'rm -rf "$work" "$state"' EXIT

"$top/tests/make-rootfs.sh" "$work/bundle/rootfs"
"$top/berth" spec --bundle "$work/bundle"
# ociVersion 1.0.2: crun 1.8.1 refuses newer ones.
jq '.ociVersion = "1.0.2-dev" | .process.terminal = false | .process.args = ["/bin/true"]' \
    "$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

declare -A cmd
cmd[berth]="$top/berth --root $state/berth run --bundle $work/bundle bench-berth-$$"
command -v runc >/dev/null && cmd[runc]="runc --root $state/runc run --bundle $work/bundle bench-runc-$$"
crun=
if command -v crun >/dev/null; then
    if grep -q cgroup2 /proc/self/mounts && [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
        crun=$(cd "$top/../shared/tools" 2>/dev/null && pwd)/crun-unshared
        [ -x "$crun" ] || crun=
    else
        crun=crun
    fi
fi
[ -n "$crun" ] && cmd[crun]="$crun --root $state/crun run --bundle $work/bundle bench-crun-$$"

args=()
for name in berth runc crun; do
    [ -n "${cmd[$name]:-}" ] && args+=(-n "$name" "${cmd[$name]}")
done
echo "== start-up: run /bin/true ($runs runs each) =="
hyperfine -N --warmup 5 --runs "$runs" "${args[@]}"

if [ "$crun" != crun ] && [ -n "$crun" ]; then
    echo "== what the crun-unshared wrapper adds to crun's figure: --version with and without it =="
    hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/wrap.json" \
        -n crun "crun --version" -n crun-unshared "$crun --version" >/dev/null
    jq -r '(.results[1].median - .results[0].median) * 1000 | "wrapper: \(. * 10 | round / 10) ms (median)"' "$work/wrap.json"
fi

echo "== peak RSS of the runtime process (KiB, max of 10 runs) =="
for name in berth runc crun; do
    [ -n "${cmd[$name]:-}" ] || continue
    max=0
    for _ in $(seq 10); do
        rss=$(/usr/bin/time -f %M ${cmd[$name]} 2>&1 >/dev/null | tail -1)
        [ "$rss" -gt "$max" ] && max=$rss
    done
    printf '%-6s %6d KiB\n' "$name" "$max"
done
