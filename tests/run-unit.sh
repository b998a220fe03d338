#!/bin/bash
# Runs the cmocka unit test binaries given as arguments, in TAP form, and
# prints their totals. Used by `make unit`; run-all.sh reuses it.
set -u
here=$(dirname "$(readlink -f "$0")")
counts=${BERTH_TAP_COUNTS:-$(mktemp)}
status=0
for t in "$@"; do
    echo "# unit: $t"
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
    rc=$?
    # A crash may leave no "not ok" line behind: count it as a failure.
    if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
        out+=$'\n'"not ok - $t exited with status $rc"
    fi
    [ $rc -eq 0 ] || status=1
    "$here/tap-summary.sh" "$counts" <<<"$out"
done
if [ -z "${BERTH_TAP_COUNTS:-}" ]; then
    awk '{p+=$1; f+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$counts"
    rm -f "$counts"
fi
exit $status
