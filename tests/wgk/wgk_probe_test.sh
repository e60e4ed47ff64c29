#!/bin/sh
# The kernel engine's answer to "is there a WireGuard module?" against
# ip(8)'s, in a namespace of its own: sp_wg_genl_probe, sp_wg_genl_create
# and a get agree with `ip link add type wireguard` whichever way it goes,
# and the probe leaves no interface behind. Runs with or without the
# module (without it: the generic netlink lookup fails, the link of kind
# wireguard is refused, and each says "the kernel has no WireGuard module").
# Usage: wgk_probe_test.sh WGK_TOOL
set -u
TOOL=$1
. "$(dirname "$0")/../netns/lib.sh"
need_netns

NS="wgkp-$$"
OUT=$(mktemp)
cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -f "$OUT"
}
trap cleanup EXIT INT TERM
ip netns add "$NS" || die "ip netns add $NS"
in_ns() { ip netns exec "$NS" "$@"; }

# the engine first: where the module is not loaded yet, its own lookup
# (or link) loads it
in_ns "$TOOL" probe >"$OUT" 2>&1
rc=$?
cat "$OUT"
if in_ns ip link add wgkx type wireguard 2>/dev/null; then
	module=yes
	in_ns ip link del wgkx
else
	module=no
fi
echo "ip link add type wireguard: module=$module"
if [ $module = yes ]; then
	[ $rc -eq 0 ] || die "probe: exit $rc where ip(8) made a WireGuard link"
else
	[ $rc -eq 77 ] || die "probe: exit $rc where ip(8) could not make a WireGuard link"
	grep -qx "the kernel has no WireGuard module" "$OUT" || die "probe: not the expected reason"
fi
# the throwaway link is gone
[ "$(in_ns ip -o link show | grep -c spwgp)" -eq 0 ] || die "probe left its interface"

in_ns "$TOOL" create wgk0 >"$OUT" 2>&1
rc=$?
cat "$OUT"
if [ $module = yes ]; then
	[ $rc -eq 0 ] || die "create failed with the module"
	in_ns ip -d link show wgk0 | grep -q wireguard || die "wgk0 is not of kind wireguard"
	# the name is taken now: refused, not adopted
	in_ns "$TOOL" create wgk0 >"$OUT" 2>&1 && die "create over an existing interface succeeded"
	grep -q "exists" "$OUT" || die "create over wgk0: $(cat "$OUT")"
	# a get of an interface of another kind
	in_ns "$TOOL" show lo >"$OUT" 2>&1 && die "show lo succeeded"
	grep -q "not a WireGuard interface" "$OUT" || die "show lo: $(cat "$OUT")"
	in_ns "$TOOL" show nosuch0 >"$OUT" 2>&1 && die "show nosuch0 succeeded"
	grep -q "no such interface" "$OUT" || die "show nosuch0: $(cat "$OUT")"
else
	[ $rc -ne 0 ] || die "create succeeded without the module"
	grep -q "the kernel has no WireGuard module" "$OUT" || die "create: not the expected reason"
	in_ns ip link show wgk0 >/dev/null 2>&1 && die "a failed create left wgk0"
	# a get and a set say the same, through generic netlink
	in_ns "$TOOL" show lo >"$OUT" 2>&1 && die "show lo succeeded without the module"
	grep -qx "the kernel has no WireGuard module" "$OUT" || die "show lo: $(cat "$OUT")"
	in_ns "$TOOL" set lo listen-port 1 >"$OUT" 2>&1 && die "set lo succeeded without the module"
	grep -qx "the kernel has no WireGuard module" "$OUT" || die "set lo: $(cat "$OUT")"
fi
echo "ok: the engine agrees with ip(8): module=$module"
