#!/bin/bash
# Runs inside the cgroup v2 VM: the cgroup unit tests, cgroups.bats and the
# overlay unit tests (Linux 6.1: no lowerdir+), as TAP (the host counts the
# lines).
cd "$(dirname "$0")/../.." || exit 1
# bats reads process substitutions through /dev/fd, which devtmpfs lacks.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
CMOCKA_MESSAGE_OUTPUT=TAP build/tests/test_cgroups
BERTH=$PWD/berth bats --tap tests/integration/cgroups.bats
# The VM's /tmp is on an overlay, which overlay cannot use as an upper.
TMPDIR=/run CMOCKA_MESSAGE_OUTPUT=TAP build/tests/test_overlay
