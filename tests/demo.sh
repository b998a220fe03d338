#!/bin/bash
# make demo: builds a busybox bundle in a temp dir from config.json.example
# and the host's busybox-static, and runs it with `berth run`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/berth-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$top/tests/make-rootfs.sh" "$work/rootfs"
cp "$top/config.json.example" "$work/config.json"
echo "+ berth run --bundle $work berth-demo-$$"
"$top/berth" --root "$work/state" run --bundle "$work" "berth-demo-$$"
