#!/bin/sh
# Interfaces and addresses that come later: sixplaned starts with its
# [Proxy] interface missing and its backplane's Underlay address on no
# interface, says once that it waits for each, and serves them when they
# appear; a proxy interface deleted and made again (a new index), or
# renamed away and back, is served again; the Underlay address going takes its VXLAN interface with it, and
# coming back brings it back; a plan the kernel refuses is said once and
# tried again later, with a growing wait. The kernel's state and NDP answers from a
# second namespace are the proof, not the log. DATAPLANE=tc: the same with
# the tc programs, which must be attached to each new interface.
set -u
SIXPLANED=$1
SIXPLANE=$2
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool ndisc6
DATAPLANE=${DATAPLANE:-packet}
[ "$DATAPLANE" = tc ] && need_tc

A="sp-lateA-$$"
B="sp-lateB-$$"
netns_add "$A"
netns_add "$B"
# B's ends ask at once, from a link-local address that is not tentative (an
# NS from :: is duplicate address detection, which a proxy never answers)
ip netns exec "$B" sysctl -qw net.ipv6.conf.default.accept_dad=0
# the underlay, without its address yet
ip link add ul0 netns "$A" type veth peer name ul0b netns "$B" || die "veth ul0"
ip -n "$A" link set ul0 up
ip -n "$B" link set ul0b up
ip -n "$B" addr add 192.0.2.2/24 dev ul0b

tmp=$(mktemp -d)
cat >"$tmp/sixplane.conf" <<C
[Network]
Id = $NWID
Node = $SELF
Interface = sp0
Underlay = 192.0.2.1
Dataplane = $DATAPLANE

[Peer]
Node = 1122334455
Endpoint = 192.0.2.2

[Proxy]
Interface = px0
Prefix = 2001:db8:7::/64
Dataplane = $DATAPLANE
C

# -t accepts it and says what it would wait for
ip netns exec "$A" "$SIXPLANED" -t -c "$tmp/sixplane.conf" >"$tmp/t.out" 2>&1 ||
	die "-t refused a file whose interfaces come later: $(cat "$tmp/t.out")"
grep -q "^waiting: .*interface 'px0' does not exist" "$tmp/t.out" ||
	die "-t does not say it waits for px0: $(cat "$tmp/t.out")"
grep -q "^waiting: .*sp0: Underlay 192.0.2.1 is not an address of this host" "$tmp/t.out" ||
	die "-t does not say it waits for the Underlay: $(cat "$tmp/t.out")"

ip netns exec "$A" env SIXPLANED_STATE_DIR="$tmp/state" SIXPLANED_TEST_FAIL="$tmp/fail" \
	"$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 5 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"
alive() { kill -0 "$DAEMON" 2>/dev/null || die "sixplaned exited: $(cat "$tmp/log")"; }
waits() { # NAME REASON: exactly N (3rd arg) lines say it waits for NAME
	_n=$(grep -c "waiting: .*$2" "$tmp/log")
	[ "$_n" -eq "$3" ] || die "$_n lines, not $3, say it waits for $1: $(cat "$tmp/log")"
}
alive
waits px0 "interface 'px0' does not exist" 1
waits sp0 "sp0: Underlay 192.0.2.1 is not an address" 1
ip -n "$A" link show sp0 >/dev/null 2>&1 && die "sp0 made before its Underlay address exists"

# NS for the proxy's prefix, asked from B on px0b: the answer's
# link-layer address, or nothing
ask() {
	ip netns exec "$B" ndisc6 -1 -r 3 -w 500 -n "$1" px0b 2>/dev/null |
		sed -n 's/.*Target link-layer address: *//p' | tr 'A-F' 'a-f'
}
mac_of() { ip -n "$A" -o link show "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
make_px0() {
	ip link add px0 netns "$A" type veth peer name px0b netns "$B" || die "veth px0"
	ip -n "$A" link set px0 up
	ip -n "$B" link set px0b up
}
served() { # WHAT: px0's MAC answers an NS for the prefix within 5 s
	_i=0
	while [ $_i -lt 10 ]; do
		[ "$(ask 2001:db8:7::5)" = "$(mac_of px0)" ] && return 0
		_i=$((_i + 1))
	done
	die "$1: no answer for 2001:db8:7::5 on px0: $("$SIXPLANE" stats -s "$tmp/sock"; cat "$tmp/log")"
}

# 1. the Underlay address comes: the VXLAN interface, its addresses, its
# peer's forwarding entry
ip -n "$A" addr add 192.0.2.1/24 dev ul0
wait_for 5 ip -n "$A" link show sp0 || die "sp0 not made after its Underlay address came: $(cat "$tmp/log")"
HOST_ADDR=$("$SIXPLANE" plane "$NWID" "$SELF" --json | json_field sixplane_addr)
wait_for 5 sh -c "ip -n '$A' -6 addr show dev sp0 | grep -q '$HOST_ADDR/40'" ||
	die "sp0 has not its address $HOST_ADDR/40: $(ip -n "$A" addr show dev sp0)"
PEER_MAC=$("$SIXPLANE" mac "$NWID" 1122334455 --json | json_field mac)
wait_for 5 sh -c "bridge -n '$A' fdb show dev sp0 | grep -q '^$PEER_MAC dst 192.0.2.2'" ||
	die "no forwarding entry for the peer: $(bridge -n "$A" fdb show dev sp0)"
grep -q "sp0: here now, served" "$tmp/log" || die "no line says sp0 is served: $(cat "$tmp/log")"

# 2. px0 comes
make_px0
served "px0 made after the start"
grep -q "px0: here now, served" "$tmp/log" || die "no line says px0 is served: $(cat "$tmp/log")"
if [ "$DATAPLANE" = tc ]; then
	tc_progs "$A" px0 | grep -q ingress || die "no ingress program on px0: $(tc_progs "$A" px0)"
fi

# 3. px0 goes and comes back, a new interface with a new index
old=$(ip -n "$A" -o link show px0 | cut -d: -f1)
ip -n "$A" link del px0
wait_for 5 sh -c "[ \$(grep -c \"waiting: .*interface 'px0' does not exist\" '$tmp/log') -eq 2 ]" ||
	die "px0's going was not noticed: $(cat "$tmp/log")"
make_px0
new=$(ip -n "$A" -o link show px0 | cut -d: -f1)
[ "$old" != "$new" ] || die "px0 came back with its old index $old: the test proves nothing"
served "px0 made again (index $old, now $new)"
alive
# renamed away (down first, as the kernel wants), then back
ip -n "$A" link set px0 down
ip -n "$A" link set px0 name pxold
wait_for 5 sh -c "[ \$(grep -c \"waiting: .*interface 'px0' does not exist\" '$tmp/log') -eq 3 ]" ||
	die "px0's renaming away was not noticed: $(cat "$tmp/log")"
ip -n "$A" link set pxold name px0
ip -n "$A" link set px0 up
served "px0 renamed back"

# 4. the Underlay address goes: the VXLAN interface goes; it comes back
ip -n "$A" addr del 192.0.2.1/24 dev ul0
wait_for 5 sh -c "! ip -n '$A' link show sp0" || die "sp0 stayed after its Underlay address went"
waits sp0 "sp0: Underlay 192.0.2.1 is not an address" 2
served "px0 while the backplane waits"
ip -n "$A" addr add 192.0.2.1/24 dev ul0
wait_for 5 ip -n "$A" link show sp0 || die "sp0 not made again after its Underlay came back"
wait_for 5 sh -c "bridge -n '$A' fdb show dev sp0 | grep -q '^$PEER_MAC dst 192.0.2.2'" ||
	die "no forwarding entry for the peer after the Underlay came back"

# 5. a plan the kernel refuses (the fault injection fails the fabric step)
# is said once and tried again later by itself, with a growing wait, not
# in a loop woken by its own rollback; once the kernel takes it, it runs
echo fabric >"$tmp/fail"
plans() { # the daemon's count of plans made for host changes (its socket's reply)
	/usr/bin/python3 -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); b = b""
while (c := s.recv(65536)): b += c
print(json.loads(b)["daemon"]["host_plans"])' "$tmp/sock"
}
p0=$(plans)
[ -n "$p0" ] || die "no host_plans in the stats socket's reply"
ip -n "$A" addr del 192.0.2.1/24 dev ul0
wait_for 5 grep -q "the host changed, but fabric: injected failure" "$tmp/log" ||
	die "the refused plan was not said: $(tail -3 "$tmp/log")"
sleep 3
n=$(grep -c "the host changed, but" "$tmp/log")
[ "$n" -eq 1 ] || die "$n lines, not 1, for one refused plan in 3 s: $(tail -5 "$tmp/log")"
# the first and the retries after 1 s and 2 s, not one per event its own
# rollback made
p1=$(plans)
[ $((p1 - p0)) -le 3 ] || die "$((p1 - p0)) plans in 3 s for one refused change"
ip -n "$A" link show sp0 >/dev/null 2>&1 || die "the refused plan did not leave sp0 as it ran"
alive
rm -f "$tmp/fail"
# retried after 1, 2, 4 s: gone within 8 s without any event
wait_for 8 sh -c "! ip -n '$A' link show sp0" || die "the refused plan was never tried again"
ip -n "$A" addr add 192.0.2.1/24 dev ul0
wait_for 5 ip -n "$A" link show sp0 || die "sp0 not made again after the retries"

# 6. a burst of unrelated links changes nothing and costs no plan
plans=$(grep -c -e "here now" -e "waiting:" "$tmp/log")
i=0
while [ $i -lt 20 ]; do
	ip -n "$A" link add "other$i" type veth peer name "otherb$i" || die "veth other$i"
	i=$((i + 1))
done
sleep 0.5
[ "$(grep -c -e "here now" -e "waiting:" "$tmp/log")" -eq "$plans" ] ||
	die "unrelated links changed what is served: $(tail -3 "$tmp/log")"
served "px0 after unrelated links"

# 7. the exit puts everything back, the VXLAN interface included
kill "$DAEMON"
wait "$DAEMON" || die "sixplaned exit status $?: $(cat "$tmp/log")"
ip -n "$A" link show sp0 >/dev/null 2>&1 && die "sp0 left after the exit"
rm -rf "$tmp"
done_ok "interfaces and addresses that come later are waited for and served ($DATAPLANE)"
