#!/bin/bash
# make-rootfs.sh DIR [EXTRA_BINARY...]: a busybox rootfs in DIR, from the
# host's busybox-static, with every applet linked in /bin, plus the given
# static binaries in /bin.
set -eu
dir=$1
shift
mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/root"
cp /bin/busybox "$dir/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
for extra in "$@"; do
    cp "$extra" "$dir/bin/"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
