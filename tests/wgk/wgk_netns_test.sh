#!/bin/sh
# The kernel engine (daemon/wg_genl.c) against the WireGuard module: three
# hosts in namespaces on a bridge, each interface made by
# sp_wg_genl_create and configured by the engine's set; then
#   - the hosts ping each other over it (IPv6 inside, IPv4 underlay);
#   - the engine's get reads what `wg show dump` reads, field by field;
#   - a change naming only one peer leaves the other's session alone (its
#     latest handshake stays, its traffic flows without a new one), and a
#     peer set without an endpoint keeps the one it learned;
#   - 1000 peers of 4 allowed IPs, and one peer of 3000, go in several
#     messages and come back whole (the split both ways).
# Exits 77 where the kernel has no WireGuard module.
# Usage: wgk_netns_test.sh WGK_TOOL
set -u
TOOL=$1
. "$(dirname "$0")/../netns/lib.sh"
need_netns
need_tool wg
need_tool ping

umask 077 # the keys wg genkey writes
P="wgk$$"
SW="$P-sw"
TMP=$(mktemp -d)
cleanup() {
	for ns in "$P-a" "$P-b" "$P-c" "$P-probe" "$SW"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ip netns add "$P-probe" || die "ip netns add"
ip netns exec "$P-probe" "$TOOL" probe
case $? in
0) ;;
77) skip "the kernel has no WireGuard module" ;;
*) die "probe failed" ;;
esac

# the underlay: a bridge in $SW, 192.0.2.1-3 on it
ip netns add "$SW" || die "ip netns add $SW"
ip -n "$SW" link add br0 type bridge && ip -n "$SW" link set br0 up || die "bridge"
i=0
for h in a b c; do
	i=$((i + 1))
	ns="$P-$h"
	ip netns add "$ns" || die "ip netns add $ns"
	ip link add "wgk$$$h" type veth peer name u0 netns "$ns" || die "veth"
	ip link set "wgk$$$h" netns "$SW"
	ip -n "$SW" link set "wgk$$$h" master br0 up
	ip -n "$ns" addr add "192.0.2.$i/24" dev u0
	ip -n "$ns" link set u0 up
	ip -n "$ns" link set lo up
	wg genkey >"$TMP/$h.key"
	wg pubkey <"$TMP/$h.key" >"$TMP/$h.pub"
	ip netns exec "$ns" "$TOOL" create wgk0 || die "create wgk0 in $ns"
done
A=$(cat "$TMP/a.pub")
B=$(cat "$TMP/b.pub")
C=$(cat "$TMP/c.pub")
in_a() { ip netns exec "$P-a" "$@"; }

# A knows B and C; B and C know A. B's allowed IPs have an IPv4 one, which
# the engine sends as AF_INET and reads back as IPv4-mapped.
in_a "$TOOL" set wgk0 private-key "$TMP/a.key" listen-port 51820 \
	peer "$B" endpoint 192.0.2.2:51820 allowed-ips fd00:5a::2/128,fd00:5a:2::/48,198.51.100.2/32 \
	peer "$C" endpoint 192.0.2.3:51820 persistent-keepalive 25 allowed-ips fd00:5a::3/128 ||
	die "set on a"
for h in b c; do
	ip netns exec "$P-$h" "$TOOL" set wgk0 private-key "$TMP/$h.key" listen-port 51820 \
		peer "$A" endpoint 192.0.2.1:51820 allowed-ips fd00:5a::1/128 || die "set on $h"
done
i=0
for h in a b c; do
	i=$((i + 1))
	ip -n "$P-$h" addr add "fd00:5a::$i/64" dev wgk0 nodad
	ip -n "$P-$h" link set wgk0 up
done
in_a ping -6 -c 2 -W 3 fd00:5a::2 >/dev/null || die "a cannot reach b over WireGuard"
in_a ping -6 -c 2 -W 3 fd00:5a::3 >/dev/null || die "a cannot reach c over WireGuard"

# the engine's get against wg(8)'s, read back to back (a keepalive between
# the two moves the counters: tried again)
same=no
for try in 1 2 3; do
	in_a "$TOOL" show wgk0 >"$TMP/ours" || die "show"
	in_a wg show wgk0 dump | awk -F '\t' 'BEGIN { OFS = "\t" }
		NR == 1 { print $2, $3; next }
		{ print $1, $3, $4, $5, $6, $7, $8 }' >"$TMP/theirs"
	if cmp -s "$TMP/ours" "$TMP/theirs"; then
		same=yes
		break
	fi
	sleep 1
done
[ $same = yes ] || { diff "$TMP/ours" "$TMP/theirs"; die "get differs from wg show dump"; }
grep -q "$A" "$TMP/ours" || die "a's public key not in its get"
grep -q "198.51.100.2/32" "$TMP/ours" || die "the IPv4 allowed IP did not come back as IPv4"
echo "get = wg show dump:"
cat "$TMP/ours"

# a change naming only C: B's session goes on untouched
hs_b=$(in_a wg show wgk0 latest-handshakes | awk -v k="$B" '$1 == k { print $2 }')
[ "${hs_b:-0}" -gt 0 ] || die "no handshake with b"
sleep 2
in_a "$TOOL" set wgk0 peer "$C" endpoint 192.0.2.3:51820 persistent-keepalive 0 \
	allowed-ips fd00:5a::3/128,fd00:5a:3::/48 || die "set c alone"
in_a wg show wgk0 allowed-ips | grep "$C" | grep -q "fd00:5a:3::/48" || die "c's allowed IPs not replaced"
in_a wg show wgk0 persistent-keepalive | grep "$C" | grep -q off || die "c's keepalive not off"
in_a ping -6 -c 2 -W 3 fd00:5a::2 >/dev/null || die "a cannot reach b after c's change"
hs_b2=$(in_a wg show wgk0 latest-handshakes | awk -v k="$B" '$1 == k { print $2 }')
[ "$hs_b2" = "$hs_b" ] || die "b's handshake changed ($hs_b -> $hs_b2): its session was touched"
in_a wg show wgk0 allowed-ips | grep "$B" | grep -q "fd00:5a:2::/48" || die "b's allowed IPs changed"

# B set again without an endpoint: the one it has stays
in_a "$TOOL" set wgk0 peer "$B" allowed-ips fd00:5a::2/128,fd00:5a:2::/48 || die "set b"
in_a wg show wgk0 endpoints | grep "$B" | grep -q "192.0.2.2:51820" || die "b's endpoint lost"
in_a wg show wgk0 allowed-ips | grep "$B" | grep -q "198.51.100.2" && die "b's IPv4 allowed IP not replaced"

# C removed: B untouched
in_a "$TOOL" set wgk0 remove "$C" || die "remove c"
in_a wg show wgk0 peers | grep -q "$C" && die "c not removed"
in_a ping -6 -c 1 -W 3 fd00:5a::2 >/dev/null || die "a cannot reach b after c's removal"
hs_b3=$(in_a wg show wgk0 latest-handshakes | awk -v k="$B" '$1 == k { print $2 }')
[ "$hs_b3" = "$hs_b" ] || die "b's handshake changed after c's removal"

# the split, both ways, against the kernel
in_a "$TOOL" create wgk1 || die "create wgk1"
in_a "$TOOL" bulk wgk1 1000 4 || die "1000 peers of 4"
[ "$(in_a wg show wgk1 peers | wc -l)" -eq 1000 ] || die "wg sees other than 1000 peers"
[ "$(in_a wg show wgk1 allowed-ips | tr ' \t' '\n\n' | grep -c '/64$')" -eq 4000 ] ||
	die "wg sees other than 4000 allowed IPs"
in_a "$TOOL" create wgk2 || die "create wgk2"
in_a "$TOOL" bulk wgk2 1 3000 || die "1 peer of 3000"
[ "$(in_a wg show wgk2 allowed-ips | tr ' \t' '\n\n' | grep -c '/64$')" -eq 3000 ] ||
	die "wg sees other than 3000 allowed IPs"

echo "ok: the kernel engine configures, reads and changes WireGuard as wg(8) does"
