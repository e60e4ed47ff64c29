#!/bin/sh
# The AF_PACKET responder reads whole frames up to the interface's MTU: a
# valid 3,278-byte NS on a 9000-MTU link is answered, not counted
# truncated, also when the MTU is raised while the daemon runs; on a
# 1500-MTU link the largest frame the kernel takes (1,518 bytes: it allows
# an 802.1Q tag's 4 bytes) is whole.
set -u
SIXPLANED=$1
SIXPLANE=$2
NSGEN=$3
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns

A="sp-jumboA-$$"
B="sp-jumboB-$$"
netns_add "$A"
netns_add "$B"
for x in px0 px1; do
	ip link add "$x" netns "$A" type veth peer name "${x}b" netns "$B" || die "veth $x"
	ip -n "$B" link set "${x}b" mtu 9000 up
done
ip -n "$A" link set px0 mtu 9000 up
ip -n "$A" link set px1 mtu 1500 up
tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
printf '[Proxy]\nInterface = px0\nPrefix = 2001:db8:1::/64\nDataplane = packet\n\n' >"$tmp/sixplane.conf"
printf '[Proxy]\nInterface = px1\nPrefix = 2001:db8:2::/64\nDataplane = packet\n' >>"$tmp/sixplane.conf"
ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log" &
PIDS="$PIDS $!"
wait_for 10 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"

# counter IFACE NAME: the responder's counter on IFACE
counter() {
	"$SIXPLANE" stats --json -s "$tmp/sock" | grep "\"interface\":\"$1\"" |
		sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}
# ask IFACE TARGET PAD: 5 NS padded to 86 + PAD bytes, all answered
ask() {
	out=$(ip netns exec "$B" "$NSGEN" -i "${1}b" -t "$2" -n 5 --pad "$3" --wait 500)
	case "$out" in "sent 5 answered 5 "*) ;; *) die "$1, an NS of $((86 + $3)) bytes: $out" ;; esac
}

ask px0 2001:db8:1::9 3192
[ "$(counter px0 truncated)" -eq 0 ] || die "px0: $(counter px0 truncated) counted truncated"
# the largest frame a 1500-byte link takes (MTU, Ethernet header and the 4
# bytes of a tag), whole
ask px1 2001:db8:2::9 1432
[ "$(counter px1 truncated)" -eq 0 ] || die "px1: $(counter px1 truncated) counted truncated"
# px1 grows to 9000 while the daemon runs: its next jumbo NS is answered too
ip -n "$A" link set px1 mtu 9000
wait_for 5 sh -c "ip netns exec '$B' '$NSGEN' -i px1b -t 2001:db8:2::9 -n 1 --pad 3192 --wait 300 | grep -q '^sent 1 answered 1 '" ||
	die "px1 at MTU 9000: the jumbo NS is not answered: $(ip netns exec "$B" "$NSGEN" -i px1b -t 2001:db8:2::9 -n 1 --pad 3192 --wait 300)"
ask px1 2001:db8:2::a 3192
[ "$(counter px1 truncated)" -eq 0 ] || die "px1 after the MTU change: $(counter px1 truncated) counted truncated"
rm -rf "$tmp"
done_ok "NS up to 3,278 bytes answered whole on 9000-byte links, also after the MTU grew"
