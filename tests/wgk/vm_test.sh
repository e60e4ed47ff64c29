#!/bin/sh
# The kernel engine's tests (wgk_probe_test.sh, wgk_netns_test.sh and the
# unit test) on the WireGuard module, for a host whose running kernel has
# none but which has a kernel that does installed in /boot (with its
# modules in /lib/modules): that kernel is booted under qemu with an
# initramfs of this host's own binaries, and the tests run in it, as root,
# on the real module. Where the running kernel has WireGuard, netns_wgk
# runs on it directly and this skips; it skips too without qemu or such a
# kernel. KVM when /dev/kvm is there, else emulation (about a minute).
# Usage: vm_test.sh WGK_TOOL TEST_WG_GENL
set -u
TOOL=$1
UNIT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../netns/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root"
ip link add wgkvm$$ type wireguard 2>/dev/null && {
	ip link del wgkvm$$
	skip "the running kernel has WireGuard: netns_wgk runs on it"
}
for t in qemu-system-x86_64 busybox cpio gzip modprobe ldd; do
	command -v $t >/dev/null 2>&1 || skip "needs $t"
done
[ "$(uname -m)" = x86_64 ] || skip "boots x86_64 kernels only"
KV=""
for k in /boot/vmlinuz-*; do
	v=${k#/boot/vmlinuz-}
	[ -r "$k" ] && modprobe -S "$v" --show-depends wireguard >/dev/null 2>&1 &&
		modprobe -S "$v" --show-depends veth >/dev/null 2>&1 && { KV=$v; break; }
done
[ -n "$KV" ] || skip "no kernel with the WireGuard module in /boot"
echo "booting $KV"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
R=$W/root
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/run" "$R/t/wgk" \
	"$R/t/netns" "$R/lib/modules/$KV" || die "mkdir"
mkdir -p "$R/usr" && ln -s ../bin "$R/usr/bin" && ln -s ../sbin "$R/usr/sbin" || die "ln"
# the modules the tests load (and those the kernel asks modprobe for)
for m in wireguard veth bridge; do
	modprobe -S "$KV" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r f; do
	mkdir -p "$R$(dirname "$f")" && cp "$f" "$R$f"
done
cp /lib/modules/"$KV"/modules.* "$R/lib/modules/$KV/" || die "modules' indexes"
# this host's binaries, their libraries where ldd finds them
copy() {
	cp "$1" "$R/bin/" || die "cp $1"
	for l in $(ldd "$1" | grep -o '/[^ ]*'); do
		[ -e "$R$l" ] || { mkdir -p "$R$(dirname "$l")" && cp -L "$l" "$R$l"; } || die "cp $l"
	done
}
for b in "$(command -v busybox)" "$(command -v ip)" "$(command -v wg)" "$(command -v ping)" \
	"$(command -v kmod)" "$TOOL" "$UNIT"; do
	[ -n "$b" ] || die "a tool is missing"
	copy "$b"
done
for a in $(busybox --list); do
	[ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done
for k in modprobe insmod lsmod rmmod; do
	rm -f "$R/bin/$k"
	ln -s ../bin/kmod "$R/sbin/$k"
done
cp "$HERE"/wgk_*_test.sh "$R/t/wgk/" && cp "$HERE/../netns/lib.sh" "$R/t/netns/" || die "scripts"
cat >"$R/init" <<EOF
#!/bin/sh
export PATH=/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mount -t tmpfs run /run
mkdir -p /var && ln -s /run /var/run
ip link set lo up
echo "=== kernel \$(uname -r)"
/bin/$(basename "$UNIT"); echo "UNIT_RC=\$?"
sh /t/wgk/wgk_probe_test.sh /bin/$(basename "$TOOL"); echo "PROBE_RC=\$?"
sh /t/wgk/wgk_netns_test.sh /bin/$(basename "$TOOL"); echo "NETNS_RC=\$?"
poweroff -f
EOF
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$W/initrd.gz" || die "initramfs"

accel=tcg,thread=multi
[ -w /dev/kvm ] && accel=kvm
timeout 600 qemu-system-x86_64 -m 1536 -smp 2 -accel $accel -nographic -no-reboot \
	-kernel "/boot/vmlinuz-$KV" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 rdinit=/init panic=-1 quiet loglevel=3" >"$W/log" 2>&1
tr -d '\r' <"$W/log" | sed -n '/=== kernel/,$p'
for t in UNIT PROBE NETNS; do
	grep -q "^$t""_RC=0" "$W/log" || die "$t in the VM did not pass (kernel $KV)"
done
echo "ok: the kernel engine's tests pass on the WireGuard module of $KV"
