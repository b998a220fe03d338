#!/bin/bash
# Reads TAP on stdin, echoes it, and appends "passed failed skipped" counts
# to the file named by $1.
counts=$1
pass=0 fail=0 skip=0
while IFS= read -r line; do
    printf '%s\n' "$line"
    case "$line" in
    # cmocka writes a skipped test as "not ok N # SKIP", bats as "ok N # skip".
    *ok\ *"# skip"* | *ok\ *"# SKIP"*) skip=$((skip + 1)) ;;
    "not ok "*) fail=$((fail + 1)) ;;
    "ok "*) pass=$((pass + 1)) ;;
    esac
done
echo "$pass $fail $skip" >>"$counts"
