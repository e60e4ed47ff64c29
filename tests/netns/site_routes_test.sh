#!/bin/sh
# A [Site]'s routes as the host around them changes (doc/site.md): the
# kernel's routing table is the proof, read with ip(8), never the log.
#  - the /80 (or the Pool's prefixes) routed to the LAN, proto 95, and
#    forwarding on, also while the LAN is down (its flipping would flush
#    the host's routes learned from router advertisements);
#  - a route removed by hand, by the kernel when IPv6 goes off on the LAN
#    or when it goes down, or with the LAN deleted and made again, is put
#    back once the LAN can take it, and waited for meanwhile;
#  - a route of the same prefix with a lower metric is reported, not hidden;
#  - a reload to another Pool moves the routes, the exit removes them and
#    puts forwarding back.
set -u
SIXPLANED=$1
SIXPLANE=$2
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns

A="sp-siteR-$$"
netns_add "$A"
for x in zt0 lan0 dk0; do
	ip -n "$A" link add "$x" type veth peer name "${x}b" || die "veth $x"
	ip -n "$A" link set "$x" up
	ip -n "$A" link set "${x}b" up
done
tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
H=fc9c:56c2:e389:e92c:eee5
conf() { # [POOL]
	printf '[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = zt0\n'
	printf '\n[Site]\nInterface = lan0\n'
	[ -z "${1:-}" ] || printf 'Pool = %s\n' "$1"
}
routes() { ip -n "$A" -6 route show proto 95 | sed 's/ *$//'; }
fwd() { ip netns exec "$A" cat /proc/sys/net/ipv6/conf/all/forwarding; }
is_routes() { [ "$(routes)" = "$1" ]; }
status() { ip netns exec "$A" "$SIXPLANE" status -s "$tmp/sock" --json; }

[ "$(fwd)" = 0 ] || die "forwarding on before the start"
conf >"$tmp/sixplane.conf"
ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 10 grep -q serving "$tmp/log" || die "no start: $(cat "$tmp/log")"
WHOLE="$H::/80 dev lan0 metric 1024 pref medium"
wait_for 5 is_routes "$WHOLE" || die "not the /80 to lan0: $(routes)"
[ "$(fwd)" = 1 ] || die "forwarding not on"
status | grep -q '"routes":\[{"prefix":"'"$H"'::/80","state":"ok"}\]' ||
	die "status: $(status)"

# a route of the same prefix with a lower metric (a container runtime's)
ip -n "$A" -6 route add "$H::/80" dev dk0 metric 256 || die "route on dk0"
status | grep -q '"state":"shadowed","via":"dk0"' || die "shadowed not said: $(status)"
ip netns exec "$A" "$SIXPLANE" status -s "$tmp/sock" | grep -q "1 shadowed (the kernel uses dk0)" ||
	die "status text: $(ip netns exec "$A" "$SIXPLANE" status -s "$tmp/sock")"
ip -n "$A" -6 route del "$H::/80" dev dk0 metric 256

# removed by hand: put back
ip -n "$A" -6 route del "$H::/80" dev lan0 proto 95 || die "route del"
wait_for 5 is_routes "$WHOLE" || die "a route removed by hand not put back: $(routes)"

# IPv6 off on the LAN: the kernel flushes the route; waited for, not an error
ip netns exec "$A" sysctl -qw net.ipv6.conf.lan0.disable_ipv6=1
wait_for 5 grep -q "waiting: .*\[Site\] interface 'lan0' has IPv6 off" "$tmp/log" ||
	die "IPv6 off on lan0 not waited for: $(tail -3 "$tmp/log")"
grep -q "Permission denied" "$tmp/log" && die "a route tried on a LAN without IPv6: $(cat "$tmp/log")"
ip netns exec "$A" sysctl -qw net.ipv6.conf.lan0.disable_ipv6=0
wait_for 5 is_routes "$WHOLE" || die "not routed again with IPv6 back on: $(routes)"

# down: waited for, forwarding stays on; up: routed again
ip -n "$A" link set lan0 down
wait_for 5 grep -q "waiting: .*\[Site\] interface 'lan0' is down" "$tmp/log" ||
	die "a down LAN not waited for: $(tail -3 "$tmp/log")"
[ "$(fwd)" = 1 ] || die "forwarding went off with the LAN"
ip -n "$A" link set lan0 up
wait_for 5 is_routes "$WHOLE" || die "not routed again when up: $(routes)"

# deleted, and made again already up under the same name
ip -n "$A" link del lan0
wait_for 5 grep -q "waiting: .*\[Site\] interface 'lan0' does not exist" "$tmp/log" ||
	die "a deleted LAN not waited for: $(tail -3 "$tmp/log")"
ip -n "$A" link add lan0 up type bridge || die "lan0 again (a bridge)"
wait_for 5 is_routes "$WHOLE" || die "not routed to the new lan0: $(routes)"

# a reload to a Pool range: the fewest prefixes, the /80 gone
conf "$H::ff-$H::300" >"$tmp/sixplane.conf"
kill -HUP "$DAEMON"
want="$H::ff dev lan0 metric 1024 pref medium
$H::100/120 dev lan0 metric 1024 pref medium
$H::200/120 dev lan0 metric 1024 pref medium
$H::300 dev lan0 metric 1024 pref medium"
wait_for 5 is_routes "$want" || die "the Pool's prefixes: $(routes)"
# a refused one leaves them
conf "$H::1-$H::300" >"$tmp/sixplane.conf"
kill -HUP "$DAEMON"
wait_for 5 grep -q "reload refused.*holds the host's own address" "$tmp/log" ||
	die "not refused: $(tail -2 "$tmp/log")"
is_routes "$want" || die "a refused reload changed the routes: $(routes)"

kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero: $(tail -3 "$tmp/log")"
[ -z "$(routes)" ] || die "routes left after the exit: $(routes)"
[ "$(fwd)" = 0 ] || die "forwarding not put back"
rm -rf "$tmp"
done_ok "site routes follow the LAN, are put back, and go at the exit"
