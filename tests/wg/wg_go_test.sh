#!/bin/sh
# The wireguard-go engine on the real wireguard-go (test_wg_go.c says what
# it checks): two namespaces joined by a veth, 2001:db8::1 and ::2, and
# an interface name per namespace, since /var/run/wireguard, where
# wireguard-go keeps its sockets, is one folder for every namespace.
set -u
BIN=$1
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
need_netns
need_tool wireguard-go
need_tool wg
need_tool ping
[ -c /dev/net/tun ] || skip "no /dev/net/tun for wireguard-go"

A="spwgA-$$"
B="spwgB-$$"
IFA=$(printf 'wgta%s' "$$" | cut -c1-15)
IFB=$(printf 'wgtb%s' "$$" | cut -c1-15)
IFX=$(printf 'wgtx%s' "$$" | cut -c1-15)
WG_PROBE_DIR=$(mktemp -d) || die "mktemp"
export WG_PROBE_DIR
# what a failed run leaves: its wireguard-go processes (in the namespaces)
# and their socket files, by name
wg_cleanup() {
	for n in $A $B; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	rm -f "/var/run/wireguard/$IFA.sock" "/var/run/wireguard/$IFB.sock" \
		"/var/run/wireguard/$IFX.sock"
	rm -rf "$WG_PROBE_DIR"
	cleanup
}
trap wg_cleanup EXIT INT TERM

netns_add "$A"
netns_add "$B"
ip link add wgva netns "$A" type veth peer name wgvb netns "$B" || die "veth"
ip -n "$A" addr add 2001:db8::1/64 dev wgva nodad
ip -n "$B" addr add 2001:db8::2/64 dev wgvb nodad
ip -n "$A" link set wgva up
ip -n "$B" link set wgvb up
ip netns exec "$A" "$BIN" "$A" "$B" "$IFA" "$IFB" "$IFX" || die "test_wg_go failed"
# nothing of it is left in either namespace
for n in $A $B; do
	[ -z "$(ip netns pids "$n")" ] || die "processes left in $n: $(ip netns pids "$n")"
done
[ ! -e "/var/run/wireguard/$IFA.sock" ] || die "$IFA.sock left"
[ ! -e "/var/run/wireguard/$IFB.sock" ] || die "$IFB.sock left"
echo "ok: wireguard-go started, configured, adopted, restarted and stopped"
