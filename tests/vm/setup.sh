#!/bin/sh
# Prepares the cgroup v2 test VM: Debian's 6.1 kernel (from `apt-get
# download`, unpacked to an uncompressed vmlinux that boots fast through PVH)
# and a busybox initramfs with the modules in modules.list. Idempotent.
# Cache: $BERTH_VM_CACHE (default /var/cache/berth-vm).
set -eu
cache=${BERTH_VM_CACHE:-/var/cache/berth-vm}
here=$(cd "$(dirname "$0")" && pwd)

up_to_date() {
    for f in init stage2 modules.list setup.sh; do
        [ "$cache/initramfs.cpio.gz" -nt "$here/$f" ] || return 1
    done
    [ -f "$cache/vmlinux" ]
}
up_to_date && exit 0

missing=""
for p in qemu-system-x86_64:qemu-system-x86 cpio:cpio xz:xz-utils; do
    command -v "${p%%:*}" >/dev/null 2>&1 || missing="$missing ${p#*:}"
done
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing="$missing busybox-static"
if [ -n "$missing" ]; then
    echo "test-vm: installing$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

mkdir -p "$cache"
cd "$cache"
if [ ! -f vmlinux ]; then
    if ! ls linux-image-*.deb >/dev/null 2>&1; then
        apt-get update -qq
        pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
        [ -n "$pkg" ] || { echo "test-vm: cannot find Debian's kernel package" >&2; exit 1; }
        echo "test-vm: downloading $pkg" >&2
        chmod 777 "$cache" # apt's sandbox user writes the download
        apt-get download "$pkg" >/dev/null
    fi
    rm -rf kernel && dpkg -x linux-image-*.deb kernel
    vmlinuz=$(ls kernel/boot/vmlinuz-*)
    # The bzImage holds an xz stream: unpack it to the ELF vmlinux.
    offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
    tail -c +$((offset + 1)) "$vmlinuz" | xz -dc 2>/dev/null >vmlinux.tmp || true
    if [ -s vmlinux.tmp ]; then mv vmlinux.tmp vmlinux; else rm -f vmlinux.tmp; cp "$vmlinuz" vmlinux; fi
fi

modules=$(ls -d "$cache"/kernel/lib/modules/*)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/mod" "$work/proc" "$work/sys" "$work/dev"
cp /bin/busybox "$work/bin/busybox"
cp "$here/init" "$here/stage2" "$here/modules.list" "$work/"
chmod +x "$work/init"
for m in $(cat "$here/modules.list"); do
    ko=$(find "$modules/kernel" -name "$m.ko" | head -1)
    [ -n "$ko" ] || { echo "test-vm: module $m not found" >&2; exit 1; }
    cp "$ko" "$work/mod/"
done
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/initramfs.cpio.gz"
echo "test-vm: VM ready in $cache" >&2
