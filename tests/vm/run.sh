#!/bin/bash
# run.sh 'COMMAND': runs COMMAND (bash) in a VM with Debian's 6.1 kernel on a
# pure cgroup v2 hierarchy, and exits with its exit code (125: the VM failed).
# The guest sees the host's / read-only with a tmpfs on top (so /work and
# build outputs are there; writes vanish with the VM).
# Env: BERTH_VM_CACHE, VM_MEM (MiB, 1024), VM_SMP (2), VM_TIMEOUT (s, 300),
#      VM_VERBOSE=1 for the whole console.
set -u
[ $# -ge 1 ] || { echo "usage: $0 'command'" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
cache=${BERTH_VM_CACHE:-/var/cache/berth-vm}
"$here/setup.sh" || exit 125
run=$(mktemp -d /tmp/berth-vm.XXXXXX)
trap 'rm -rf "$run"' EXIT
printf '%s\n' "$*" >"$run/cmd.sh"
: >"$run/console" # tail below must find it before qemu writes
# /dev/kvm on these hosts cannot run a normal kernel: TCG it is.
timeout --foreground -k 5 "${VM_TIMEOUT:-300}" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -smp "${VM_SMP:-2}" -m "${VM_MEM:-1024}" \
    -nographic -no-reboot -nodefaults -serial stdio -monitor none \
    -kernel "$cache/vmlinux" -initrd "$cache/initramfs.cpio.gz" \
    -append "console=ttyS0 loglevel=1 panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1" \
    -fsdev local,id=host,path=/,security_model=passthrough,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=host,mount_tag=hostroot \
    -fsdev local,id=xfer,path="$run",security_model=none \
    -device virtio-9p-pci,fsdev=xfer,mount_tag=xfer \
    </dev/null >"$run/console" 2>&1 &
qemu=$!
if [ "${VM_VERBOSE:-0}" = 1 ]; then
    tail -n +1 -f --pid=$qemu "$run/console" | tr -d '\r'
else
    tail -n +1 -f --pid=$qemu "$run/console" | tr -d '\r' |
        awk '!on && (i = index($0, "# berth-vm:")) {print substr($0, i); fflush(); next}
             /^===BERTH-VM-BEGIN===/{on=1; next} /^===BERTH-VM-END===/{on=0} on{print; fflush()}'
fi
wait $qemu
if [ ! -f "$run/rc" ]; then
    echo "test-vm: the VM gave no exit code; console tail:" >&2
    tr -d '\r' <"$run/console" | tail -20 >&2
    exit 125
fi
exit "$(cat "$run/rc")"
