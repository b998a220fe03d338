#!/bin/bash
# make test: every unit test (the binaries given as arguments) and every
# bats test, then a check that the host is as it was. Ends with one line
# "N passed, N failed, N skipped" and fails if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
counts=$(mktemp)
export BERTH_TAP_COUNTS=$counts
trap 'rm -f "$counts"' EXIT

host_devices() { stat -c '%n %a %u:%g %t:%T' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/ptmx; }
leaked_mounts() { grep -cE 'berth|bats-run' /proc/self/mountinfo; }
devices_before=$(host_devices)
mounts_before=$(leaked_mounts)

./tests/run-unit.sh "$@" || true
if command -v bats >/dev/null; then
    BERTH="$top/berth" bats --tap tests/integration | ./tests/tap-summary.sh "$counts"
else
    echo "not ok - bats is not installed (make deps)" | ./tests/tap-summary.sh "$counts"
fi

# The same cgroup tests on a pure cgroup v2 kernel, in a VM (tests/vm/).
if [ "${BERTH_NO_VM:-0}" = 1 ]; then
    echo "ok - cgroup v2 VM tests # skip BERTH_NO_VM=1"
else
    ./tests/vm/run.sh "$top/tests/vm/tests.sh"
    rc=$?
    [ $rc -eq 125 ] && echo "not ok - the cgroup v2 VM did not run"
fi | sed -E 's/^((not )?ok [0-9]+)( -)? /\1 - [cgroup v2] /' | ./tests/tap-summary.sh "$counts"

# Podman (through conmon) and containerd (through its runc.v2 shim) driving
# berth, each case also with runc.
BERTH="$top/berth" bats --tap tests/clients | sed -E 's/^((not )?ok [0-9]+) /\1 - [clients] /' |
    ./tests/tap-summary.sh "$counts"

# The suite must leave the host as it found it.
{
    if [ "$(host_devices)" = "$devices_before" ]; then
        echo "ok - host devices unchanged"
    else
        echo "not ok - host devices changed:"
        diff <(echo "$devices_before") <(host_devices) | sed 's/^/# /'
    fi
    if [ "$(leaked_mounts)" -le "$mounts_before" ]; then
        echo "ok - no mounts left behind"
    else
        echo "not ok - mounts left behind:"
        grep -E 'berth|bats-run' /proc/self/mountinfo | sed 's/^/# /'
    fi
} | ./tests/tap-summary.sh "$counts"

summary=$(awk '{p+=$1; f+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}' "$counts")
echo "$summary"
case "$summary" in *" 0 failed"*) exit 0 ;; *) exit 1 ;; esac
