#!/bin/sh
# The netlink resolver in real namespaces: a host resolves other nodes'
# 6PLANE and RFC4193 addresses to MAC(owner) with no NS on the wire, leaves
# non-emulated neighbors alone, survives a bad reload, and puts its sysctls
# back on SIGTERM.
set -u
SIXPLANED=$1
SIXPLANE=$2
NSGEN=$3
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns

plane_pair res
ip -n "$A" addr add fd80:56c2:e21c:0:199:9389:e92c:eee5/88 dev sp0 nodad
ip -n "$A" addr add 2001:db8:5::1/64 dev sp0 nodad

tmp=$(mktemp -d)
conf="$tmp/sixplane.conf"
cat >"$conf" <<EOC
[Network]
Id = $NWID
Node = $SELF
Interface = sp0
Addressing = 6plane rfc4193
# the user-space path under test (auto would take tc where it can)
Dataplane = netlink
EOC
before_app=$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.app_solicit)
before_mcast=$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.mcast_solicit)
ip netns exec "$A" "$SIXPLANED" -c "$conf" -v 2>"$tmp/log" &
DAEMON=$!
PIDS="$DAEMON"
wait_for 5 sh -c "[ \"\$(ip netns exec $A sysctl -n net.ipv6.neigh.sp0.app_solicit)\" = 1 ]" ||
	die "app_solicit was not set"

capture_start "$B" sp0b "$tmp/ns.pcap"
EMULATED='f[cd]'
ns0=$(ns_count "$tmp/ns.pcap" "$EMULATED")
# 20 targets owned by other nodes, 6PLANE and RFC4193; nobody replies to the
# pings, so send them all at once and look at the neighbor table after.
: >"$tmp/targets"
for i in 1 2 3 4 5 6 7 8 9 10; do
	node=$(printf '11223344%02x' "$i")
	plane=$("$SIXPLANE" plane $NWID "$node" --json)
	mac=$(echo "$plane" | json_field mac)
	hp=$(echo "$plane" | json_field sixplane_host_prefix)
	hp=${hp%::/80}
	echo "$hp::$i $mac" >>"$tmp/targets"
	echo "$(echo "$plane" | json_field rfc4193_addr) $mac" >>"$tmp/targets"
done
while read -r addr mac; do
	ip netns exec "$A" ping -6 -c1 -W1 -n "$addr" >/dev/null 2>&1 &
done <"$tmp/targets"
wait_for 5 sh -c "[ \$(ip -n $A -6 neigh show dev sp0 | grep -c lladdr) -ge 20 ]"
fail=0
while read -r addr mac; do
	got=$(ip -n "$A" -6 neigh show "$addr" dev sp0)
	case "$got" in
	*"lladdr $mac REACHABLE"* | *"lladdr $mac STALE"* | *"lladdr $mac DELAY"*) ;;
	*) echo "target $addr: expected lladdr $mac, got '$got'"; fail=1 ;;
	esac
done <"$tmp/targets"
[ "$fail" -eq 0 ] || { cat "$tmp/log"; die "resolution"; }
# the capture holds every NS sent before a marker out of sp0
mark_ns "$A" sp0 "$tmp/ns.pcap"
ns1=$(ns_count "$tmp/ns.pcap" "$EMULATED")
[ "$ns1" -eq "$ns0" ] || { tcpdump -r "$tmp/ns.pcap" -n -v 2>/dev/null; die "$((ns1 - ns0)) NS reached the wire for emulated targets"; }

# A non-emulated neighbor is not answered: the kernel's own NS goes out.
ip netns exec "$A" ping -6 -c1 -W2 -n 2001:db8:5::99 >/dev/null 2>&1
mark_ns "$A" sp0 "$tmp/ns.pcap"
ns2=$(ns_count "$tmp/ns.pcap" 2001:db8:5::99)
[ "$ns2" -gt 0 ] || { tcpdump -r "$tmp/ns.pcap" -n 2>/dev/null | tail -5; ip -n "$A" -6 neigh; die "the kernel's NS for a non-emulated neighbor did not go out"; }
case "$(ip -n "$A" -6 neigh show 2001:db8:5::99 dev sp0)" in
*lladdr*) die "a non-emulated neighbor was answered" ;;
esac

# A bad reload changes nothing.
printf '[Network]\nId = nonsense\n' >"$conf"
kill -HUP "$DAEMON"
wait_for 5 grep -q "reload refused" "$tmp/log" || die "bad reload not refused"
grep -q "$conf:2: invalid Id 'nonsense'" "$tmp/log" || die "reload error lacks file:line: $(cat "$tmp/log")"
kill -0 "$DAEMON" || die "the daemon died on a bad reload"
ip netns exec "$A" ping -6 -c1 -W1 -n fc9c:56c2:e3aa:bbcc:ddee::1 >/dev/null 2>&1
ip -n "$A" -6 neigh show fc9c:56c2:e3aa:bbcc:ddee::1 dev sp0 | grep -q "lladdr" ||
	die "not answering after a refused reload"

# SIGTERM puts the sysctls back.
kill -TERM "$DAEMON"
wait "$DAEMON"
rc=$?
[ "$rc" -eq 0 ] || die "sixplaned exited $rc on SIGTERM"
[ "$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.app_solicit)" = "$before_app" ] || die "app_solicit not restored"
[ "$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.mcast_solicit)" = "$before_mcast" ] || die "mcast_solicit not restored"
rm -rf "$tmp"
echo "ok: 20 emulated targets resolved, $((ns1 - ns0)) NS on the wire"
