#!/usr/bin/env bats
# Errors in config.json: each is one line `berth: config.json: <json path>:
# <problem>`, exit status 1, and nothing is left behind (no state dir, no
# cgroup, no process, no mount).

load helpers

# config_error JQ_FILTER MESSAGE: applies the filter to the test's config
# (as setup made it), runs the container, and checks the error and that
# nothing was made.
config_error() {
    [ -f "$BUNDLE/config.orig" ] || cp "$BUNDLE/config.json" "$BUNDLE/config.orig"
    cp "$BUNDLE/config.orig" "$BUNDLE/config.json"
    update_config "$1"
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_berth_error "$2"
    assert_nothing_left
}

# raw_config_error TEXT MESSAGE: config.json is TEXT (printf format).
raw_config_error() {
    printf "$1" >"$BUNDLE/config.json"
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_berth_error "$2"
    assert_nothing_left
}

@test "invalid JSON: the line and column of the unexpected token" {
    raw_config_error '{\n  "ociVersion": "1.3.0",\n  "root": \n}\n' \
        'config.json: invalid JSON at line 4, column 1: parse error: unallowed token at this point in JSON text'
}

@test "invalid JSON: a trailing comma" {
    raw_config_error '{\n  "ociVersion": "1.3.0",\n  "root": {"path": "rootfs"},\n}' \
        'config.json: invalid JSON at line 4, column 1: parse error: invalid object key (must be a string)'
}

@test "invalid JSON: an invalid character, and a double comma" {
    raw_config_error '{"ociVersion": @}' \
        'config.json: invalid JSON at line 1, column 16: lexical error: invalid char in json text'
    raw_config_error '{\n  "a": [1, 2,, 3]\n}' \
        'config.json: invalid JSON at line 2, column 14: parse error: unallowed token at this point in JSON text'
}

@test "invalid JSON: a broken literal is reported at the character that breaks it" {
    # "tru}": the "}" at column 10 is where "true" cannot go on
    raw_config_error '{"x": tru}' \
        'config.json: invalid JSON at line 1, column 10: lexical error: invalid string in json text'
}

@test "invalid JSON: the text ends too early" {
    raw_config_error '{"ociVersion": "1.3.0",\n "root": {"path"' \
        'config.json: invalid JSON at line 2, column 17: parse error: premature EOF'
    raw_config_error '' 'config.json: invalid JSON at line 1, column 1: parse error: premature EOF'
}

@test "invalid JSON: comments are not JSON" {
    raw_config_error '{"ociVersion": "1.3.0" /* c */}' \
        'config.json: invalid JSON at line 1, column 24: lexical error: probable comment found in input text, comments are not enabled'
}

@test "the top level must be an object" {
    raw_config_error '[1, 2]' 'config.json: expected a JSON object at the top level'
}

@test "a duplicate key" {
    raw_config_error '{"ociVersion": "1.3.0", "ociVersion": "1.2.0"}' 'config.json: ociVersion: duplicate key'
}

@test "no config.json" {
    rm "$BUNDLE/config.json"
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    assert_berth_error "open $BUNDLE/config.json: no such file or directory"
    assert_nothing_left
}

@test "a missing bundle directory" {
    run --separate-stderr "$BERTH" --root "$ROOT" run --bundle "$BATS_TEST_TMPDIR/nobundle" "$ID"
    assert_berth_error "open $BATS_TEST_TMPDIR/nobundle/config.json: no such file or directory"
    assert_nothing_left
}

@test "missing ociVersion" {
    config_error 'del(.ociVersion)' 'config.json: ociVersion: is required'
}

@test "an unsupported or invalid ociVersion" {
    config_error '.ociVersion = "2.0.0"' \
        'config.json: ociVersion: version "2.0.0" is not supported (berth supports 1.0.0 to 1.3.x)'
    config_error '.ociVersion = "1.3"' 'config.json: ociVersion: "1.3" is not a valid SemVer 2.0.0 version'
}

@test "an older ociVersion is accepted" {
    update_config '.ociVersion = "1.0.2-dev" | .process.args = ["checker", "exit", "0"]'
    run_container
    assert_success
}

@test "missing root" {
    config_error 'del(.root)' 'config.json: root: is required'
}

@test "a missing rootfs directory" {
    config_error '.root.path = "nosuchdir"' "config.json: root.path: rootfs $BUNDLE/nosuchdir: no such file or directory"
}

@test "a rootfs that is a file" {
    touch "$BUNDLE/afile"
    config_error '.root.path = "afile"' "config.json: root.path: rootfs $BUNDLE/afile: not a directory"
}

@test "no process: run has nothing to run, and leaves nothing" {
    config_error 'del(.process)' 'config.json: process: is not set, so there is nothing to run'
}

@test "empty process.args" {
    config_error '.process.args = []' 'config.json: process.args: must have at least one entry'
}

@test "a relative process.cwd" {
    config_error '.process.cwd = "tmp"' 'config.json: process.cwd: "tmp" is not an absolute path'
}

@test "an env entry without =" {
    config_error '.process.env += ["FOO"]' 'config.json: process.env[3]: "FOO" is not in KEY=value form'
}

@test "a value of the wrong type" {
    config_error '.hostname = 5' 'config.json: hostname: expected a string'
    config_error '.process.user.uid = "0"' 'config.json: process.user.uid: expected an integer'
    config_error '.process.capabilities.bounding = "CAP_KILL"' 'config.json: process.capabilities.bounding: expected an array'
}

@test "a number out of range" {
    config_error '.process.user.uid = -1' 'config.json: process.user.uid: -1 is out of range for uint32'
}

@test "a relative mount destination" {
    config_error '.mounts[1].destination = "dev"' 'config.json: mounts[1].destination: "dev" is not an absolute path'
}

@test "an unknown namespace" {
    config_error '.linux.namespaces[2].type = "pdi"' 'config.json: linux.namespaces[2].type: unknown namespace "pdi"'
}

@test "a duplicate namespace" {
    config_error '.linux.namespaces += [{"type": "pid"}]' 'config.json: linux.namespaces[5].type: duplicate namespace "pid"'
}

@test "a relative namespace path" {
    config_error '.linux.namespaces[1].path = "run/netns/x"' \
        'config.json: linux.namespaces[1].path: "run/netns/x" is not an absolute path'
}

@test "no mount namespace" {
    config_error '.linux.namespaces |= map(select(.type != "mount"))' \
        "config.json: linux.namespaces: a mount namespace is required: without one, the container's mounts and pivot_root would be the host's"
}

@test "berth's own or the host's mount namespace as the container's" {
    config_error '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/self/ns/mnt" else . end)' \
        "config.json: linux.namespaces[4].path: /proc/self/ns/mnt is the runtime's own or the host's mount namespace, not one a container may take"
    # the caller's, which berth shares
    config_error ".linux.namespaces |= map(if .type == \"mount\" then .path = \"/proc/$$/ns/mnt\" else . end)" \
        "config.json: linux.namespaces[4].path: /proc/$$/ns/mnt is the runtime's own or the host's mount namespace, not one a container may take"
}

@test "hostname without a uts namespace" {
    config_error '.linux.namespaces |= map(select(.type != "uts"))' \
        'config.json: hostname: requires a new or joined uts namespace'
}

@test "an unknown rlimit, a duplicate one, and soft above hard" {
    config_error '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]' \
        'config.json: process.rlimits[0].type: unknown rlimit "RLIMIT_FOO"'
    config_error '.process.rlimits += [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}]' \
        'config.json: process.rlimits[1].type: duplicate rlimit "RLIMIT_NOFILE"'
    config_error '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 10, "hard": 5}]' \
        'config.json: process.rlimits[0].soft: 10 is greater than the hard limit 5'
}

@test "a capability name that is not one" {
    config_error '.process.capabilities.bounding += ["KILL"]' \
        'config.json: process.capabilities.bounding[3]: "KILL" is not a valid capability name'
}

@test "oomScoreAdj out of range" {
    config_error '.process.oomScoreAdj = 2000' 'config.json: process.oomScoreAdj: must be between -1000 and 1000, got 2000'
}

@test "umask out of range" {
    config_error '.process.user.umask = 512' 'config.json: process.user.umask: must be at most 0777, got 01000'
}

@test "linux.devices: a relative path, an unknown type, a bad fileMode, a duplicate" {
    config_error '.linux.devices = [{"path": "dev/x", "type": "c", "major": 1, "minor": 3}]' \
        'config.json: linux.devices[0].path: "dev/x" is not an absolute path'
    config_error '.linux.devices = [{"path": "/dev/x", "type": "x", "major": 1, "minor": 3}]' \
        'config.json: linux.devices[0].type: unknown device type "x" (expected c, b, u or p)'
    config_error '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 1, "minor": 3, "fileMode": 65536}]' \
        'config.json: linux.devices[0].fileMode: must be at most 07777, got 0200000'
    config_error '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 1, "minor": 3},
            {"path": "/dev/x", "type": "c", "major": 1, "minor": 5}]' \
        'config.json: linux.devices[1].path: duplicate device "/dev/x"'
}

@test "relative maskedPaths and readonlyPaths" {
    config_error '.linux.maskedPaths += ["proc/x"]' 'config.json: linux.maskedPaths[10]: "proc/x" is not an absolute path'
    config_error '.linux.maskedPaths = [] | .linux.readonlyPaths = ["x"]' \
        'config.json: linux.readonlyPaths[0]: "x" is not an absolute path'
}

@test "an unknown rootfsPropagation" {
    config_error '.linux.rootfsPropagation = "x"' 'config.json: linux.rootfsPropagation: unknown propagation "x"'
}

@test "timeOffsets without a time namespace" {
    config_error '.linux.timeOffsets = {"monotonic": {"secs": 1}}' 'config.json: linux.timeOffsets: requires a new time namespace'
}

@test "a cgroupsPath that leaves berth's cgroup, or names a systemd unit" {
    config_error '.linux.cgroupsPath = "../x"' 'config.json: linux.cgroupsPath: "../x" must not contain ".." or control characters'
    config_error '.linux.cgroupsPath = "system.slice:berth:x"' \
        'config.json: linux.cgroupsPath: "system.slice:berth:x" is a systemd "slice:prefix:name" path, but systemd is not running on this host (no /run/systemd/system); use a cgroupfs path'
}

@test "ID mappings without a user namespace, or a user namespace without them" {
    config_error '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]' \
        'config.json: linux.uidMappings: requires a user namespace'
    config_error '.linux.uidMappings = [] | .linux.namespaces += [{"type": "user"}]' \
        'config.json: linux.uidMappings: is required with a new user namespace'
}

@test "a terminal needs a console socket to hand it to (create)" {
    update_config '.process.terminal = true'
    run --separate-stderr "$BERTH" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
    assert_berth_error 'config.json: process.terminal: needs --console-socket to hand the terminal to'
    assert_nothing_left
}

@test "a hook path must be absolute" {
    config_error '.hooks = {"poststop": [{"path": "bin/true"}]}' \
        'config.json: hooks.poststop[0].path: "bin/true" is not an absolute path'
}

@test "an unknown seccomp action" {
    config_error '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOPE"}' \
        'config.json: linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE"'
}

@test "not supported: AppArmor and SELinux labels on this host" {
    [ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
    config_error '.process.apparmorProfile = "x"' 'config.json: process.apparmorProfile: AppArmor is not enabled on this host'
    config_error '.process.selinuxLabel = "x"' 'config.json: process.selinuxLabel: SELinux is not enabled on this host'
    config_error '.linux.mountLabel = "x"' 'config.json: linux.mountLabel: SELinux is not enabled on this host'
}

@test "not on this host: intelRdt" {
    [ -e /sys/fs/resctrl/tasks ] && skip "resctrl is mounted here"
    config_error '.linux.intelRdt = {"closID": "x"}' 'config.json: linux.intelRdt: no resctrl filesystem is mounted on this host'
}

@test "an idmapped mount needs mappings, and a bind mount" {
    config_error '.mounts[0].options = ["idmap"]' \
        'config.json: mounts: mounts[0]: idmap needs uidMappings and gidMappings, on the mount or in a user namespace of the container'
}

@test "unknown properties are ignored" {
    update_config '.myExtension = {"anything": [1, 2]} | .process.myField = true | .linux.other = "x"
        | .process.args = ["checker", "exit", "0"]'
    run_container
    assert_success
    assert_equal "$stderr" ""
}
