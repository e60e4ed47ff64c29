#!/bin/sh
# The backplane: three hosts in namespaces on an underlay bridge
# (192.0.2.0/24), sixplaned on each making sp0 a VXLAN with MAC(id, node),
# the 6PLANE address and one FDB entry per peer. Every host reaches every
# other's 6PLANE address, no NS for an emulated address crosses the
# underlay, SIGTERM removes sp0, and a restart after kill -9 adopts it.
set -u
SIXPLANED=$1
SIXPLANE=$2
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool tcpdump
# Dataplane = tc is skipped only where this build or kernel has no tc
# programs at all, as a probe of its own says; elsewhere sixplaned must
# load and attach ours. With auto, the probe says which path auto must take.
WANT_TC=no
case "${DATAPLANE:-auto}" in
tc)
	need_tc
	WANT_TC=yes
	;;
auto)
	tc_check
	[ -n "$TC_WHY" ] || WANT_TC=yes
	;;
esac

# UNDERLAY=6 runs the same over an IPv6 underlay (2001:db8:ff::/64)
if [ "${UNDERLAY:-4}" = 6 ]; then
	ul_addr() { echo "2001:db8:ff::$1"; }
	ul_len="64 nodad"
else
	ul_addr() { echo "192.0.2.$1"; }
	ul_len=24
fi
UL="sp-fabU-$$"
netns_add "$UL"
ip -n "$UL" link add br0 type bridge || die "bridge"
ip -n "$UL" link set br0 up
tmp=$(mktemp -d)
NODES="89e92ceee5 1122334455 a0b1c2d3e4"
i=0
for node in $NODES; do
	i=$((i + 1))
	h="sp-fab$i-$$"
	netns_add "$h"
	ip link add eth0 netns "$h" type veth peer name "h$i" netns "$UL" || die "veth"
	ip -n "$UL" link set "h$i" master br0 up
	ip -n "$h" link set eth0 up
	# shellcheck disable=SC2086 # the length, and nodad for IPv6
	ip -n "$h" addr add "$(ul_addr "$i")"/$ul_len dev eth0
	{
		printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nUnderlay = %s\nDataplane = %s\n' \
			"$NWID" "$node" "$(ul_addr "$i")" "${DATAPLANE:-auto}"
		j=0
		for peer in $NODES; do
			j=$((j + 1))
			[ "$j" -eq "$i" ] || printf '[Peer]\nNode = %s\nEndpoint = %s\n' "$peer" "$(ul_addr "$j")"
		done
	} >"$tmp/h$i.conf"
done
capture_start "$UL" br0 "$tmp/ul.pcap" 'udp port 4789'

start() { # start N: sixplaned on host N
	ip netns exec "sp-fab$1-$$" "$SIXPLANED" -c "$tmp/h$1.conf" -s "$tmp/h$1.sock" 2>>"$tmp/h$1.log" &
	eval "D$1=\$!"
	PIDS="$PIDS $!"
	wait_for 5 grep -q serving "$tmp/h$1.log" ||
		die "sixplaned $1 did not start (Dataplane ${DATAPLANE:-auto}${TC_ATTACH:+, the kernel runs tc programs by $TC_ATTACH}): $(cat "$tmp/h$1.log")"
	# tc where pinned, and where auto can take it (the probe says so);
	# else not
	if "$SIXPLANE" stats -s "$tmp/h$1.sock" | grep -q "^sp0 *tc-egress"; then
		[ "$WANT_TC" = yes ] ||
			die "host $1: Dataplane ${DATAPLANE:-auto} took tc where it should not (${TC_WHY:-netlink pinned})"
	else
		[ "$WANT_TC" = no ] ||
			die "host $1: Dataplane ${DATAPLANE:-auto} where tc can run, but no tc-egress row: $("$SIXPLANE" stats -s "$tmp/h$1.sock")"
	fi
}
for n in 1 2 3; do start "$n"; done
addr() { "$SIXPLANE" plane "$NWID" "$1" --json | json_field sixplane_addr; }
A1=$(addr 89e92ceee5)
A2=$(addr 1122334455)
A3=$(addr a0b1c2d3e4)
# the kernel's DAD of each host's own address must pass (its peers stay out)
for n in 1 2 3; do
	wait_for 5 sh -c "! ip -n sp-fab$n-$$ -6 addr show dev sp0 tentative | grep -q inet6" ||
		die "host $n: its address is still tentative"
	ip -n "sp-fab$n-$$" -6 addr show dev sp0 | grep -q dadfailed && die "host $n: DAD failed on its own address"
done
[ "$(ip -n "sp-fab1-$$" -br link show sp0 | awk '{print $3}')" = "$("$SIXPLANE" mac "$NWID" 89e92ceee5 --json | json_field mac)" ] ||
	die "sp0's MAC is not MAC(id, node)"

ping_ok() { ip netns exec "sp-fab$1-$$" ping -6 -c1 -W2 -n "$2" >/dev/null 2>&1; }
for pair in "1 $A2" "1 $A3" "2 $A1" "2 $A3" "3 $A1" "3 $A2"; do
	# shellcheck disable=SC2086 # host and address
	ping_ok $pair || die "ping from host ${pair% *} to ${pair#* } failed"
done
# every host sends a marker after the pings, and the capture holds them
mark_echo "$tmp/ul.pcap" "sp-fab1-$$" "$A2" "$A3"
# NS inside the VXLAN (tcpdump decodes port 4789 as VXLAN). Resolution of an emulated address must never cross; the only NS
# allowed are each host's DAD (source ::) for its own addresses, which the
# kernel runs once at start-up and its peers do not answer.
tcpdump -r "$tmp/ul.pcap" -n 2>/dev/null | grep "neighbor solicitation" >"$tmp/ns.txt"
ns=$(grep -v "IP6 :: >" "$tmp/ns.txt" | grep -c "neighbor solicitation")
dad=$(grep -c "IP6 :: >" "$tmp/ns.txt")
[ "$ns" -eq 0 ] || { cat "$tmp/ns.txt"; die "$ns NS crossed the underlay"; }
# A container behind host 1 reaches one behind host 2. Each host hands its
# /80 to a veth into the container's namespace the way Docker's bridge does:
# the gateway is the /80's ::1, the host's own address (on sp0 with /40 too).
container() { # container N NODE: namespace behind host N, address P::c/80
	h="sp-fab$1-$$"
	c="sp-fabc$1-$$"
	p=$("$SIXPLANE" plane "$NWID" "$2" --json | json_field sixplane_host_prefix)
	p=${p%::/80}
	container_behind "$h" "$c" "$p"
	# until its link-local address has passed DAD, the container answers no NS
	wait_for 5 sh -c "! ip -n $c -6 addr show dev eth0 tentative | grep -q inet6" ||
		die "container $1: link-local address still tentative"
}
container 1 89e92ceee5
container 2 1122334455
C2="${A2%::1}::c"
ip netns exec "sp-fabc1-$$" ping -6 -c3 -W2 -n "$C2" >/dev/null 2>&1 ||
	die "the container on host 1 cannot reach $C2 behind host 2"
ip netns exec "sp-fabc2-$$" ping -6 -c3 -W2 -n "$A3" >/dev/null 2>&1 ||
	die "the container on host 2 cannot reach host 3"
# An unused address in host 3's /80 (no container runtime there): host 3's
# unreachable route of its /80 answers at once, instead of sending the
# packet back out sp0 to solicit it on the underlay
U3="${A3%::1}::99"
ip netns exec "sp-fab1-$$" ping -6 -c1 -W2 -n "$U3" >"$tmp/unreach" 2>&1 &&
	die "$U3 answered: nothing holds it"
grep -q "Destination unreachable" "$tmp/unreach" ||
	die "no ICMPv6 unreachable for $U3: $(cat "$tmp/unreach")"
# host 3's marker follows anything it sent for U3 onto the underlay
mark_echo "$tmp/ul.pcap" "sp-fab3-$$" "$A1"
u3_ns=$(tcpdump -r "$tmp/ul.pcap" -n 2>/dev/null | grep -c "who has $U3")
[ "$u3_ns" -eq 0 ] || die "$u3_ns NS for $U3 crossed the underlay"

# sixplane status: both peers of host 1 with their forwarding entries; one
# deleted behind the daemon's back shows as missing
st=$("$SIXPLANE" status -s "$tmp/h1.sock")
echo "$st" | grep -q "^network $NWID  node 89e92ceee5  interface sp0  6plane" || die "status: $st"
[ "$(echo "$st" | grep -c "^  peer .* fdb ok$")" -eq 2 ] || die "status, peers: $st"
M2=$("$SIXPLANE" mac "$NWID" 1122334455 --json | json_field mac)
bridge -n "sp-fab1-$$" fdb del "$M2" dev sp0 dst "$(ul_addr 2)" self
"$SIXPLANE" status -s "$tmp/h1.sock" | grep -q "^  peer 1122334455  endpoint $(ul_addr 2)  mac $M2  fdb missing$" ||
	die "status does not show the missing entry: $("$SIXPLANE" status -s "$tmp/h1.sock")"
bridge -n "sp-fab1-$$" fdb add "$M2" dev sp0 dst "$(ul_addr 2)" self permanent

# A host cannot claim an address in another host's /80: its DAD is answered
# (doc/ndp.md step 4); its own addresses skip DAD (derived from its node id).
ip -n "sp-fab1-$$" addr add "${A2%::1}::42/40" dev sp0
wait_for 5 sh -c "ip -n sp-fab1-$$ -6 addr show dev sp0 | grep -q dadfailed" ||
	die "host 1 claimed ${A2%::1}::42 in host 2's /80 and DAD did not fail"
ip -n "sp-fab1-$$" addr del "${A2%::1}::42/40" dev sp0

# SIGHUP: a peer removed, then added back, while a ping flow to an unchanged
# peer goes on: no loss, and the FDB follows.
H3_MAC=$("$SIXPLANE" mac "$NWID" a0b1c2d3e4 --json | json_field mac)
ip netns exec "sp-fab1-$$" ping -6 -i 0.05 -c 60 -n "$A2" >"$tmp/flow" 2>&1 &
FLOW=$!
cp "$tmp/h1.conf" "$tmp/h1.full"
awk 'BEGIN { RS = "\\[Peer\\]\n"; ORS = "" } NR == 1 { print } NR > 1 && !/a0b1c2d3e4/ { print "[Peer]\n" $0 }' \
	"$tmp/h1.full" >"$tmp/h1.conf"
grep -q a0b1c2d3e4 "$tmp/h1.conf" && die "test bug: the peer is still in the file"
kill -HUP "$D1"
wait_for 5 sh -c "! bridge -n sp-fab1-$$ fdb show dev sp0 | grep -q $H3_MAC" ||
	die "the removed peer's FDB entry is still there"
cp "$tmp/h1.full" "$tmp/h1.conf"
kill -HUP "$D1"
wait_for 5 sh -c "bridge -n sp-fab1-$$ fdb show dev sp0 | grep -q '$H3_MAC dst $(ul_addr 3)'" ||
	die "the added peer's FDB entry is missing"
wait "$FLOW"
grep -q " 0% packet loss" "$tmp/flow" || die "the flow to an unchanged peer lost packets: $(tail -2 "$tmp/flow")"
[ "$(grep -c reloaded "$tmp/h1.log")" -eq 2 ] || die "reloads: $(grep -c reloaded "$tmp/h1.log")"
ping_ok 1 "$A3" || die "no way to host 3 after it was added back"

# SIGTERM removes sp0 and puts IPv6 forwarding back (on while serving: the
# host routes its /80 to its containers)
fwd() { ip netns exec "sp-fab$1-$$" sysctl -n net.ipv6.conf.all.forwarding; }
[ "$(fwd 3)" = 1 ] || die "IPv6 forwarding is off on host 3"
kill -TERM "$D3"
wait "$D3" || die "sixplaned 3 exited non-zero"
ip -n "sp-fab3-$$" link show sp0 >/dev/null 2>&1 && die "sp0 left behind on host 3"
[ "$(fwd 3)" = 0 ] || die "IPv6 forwarding not put back on host 3"
[ -z "$(ip -n "sp-fab3-$$" -6 route show type unreachable)" ] ||
	die "the unreachable route of host 3's /80 stayed"

# kill -9 and restart: the interface is adopted, not duplicated or refused
kill -9 "$D1"
wait "$D1" 2>/dev/null
ip -n "sp-fab1-$$" link show sp0 >/dev/null 2>&1 || die "sp0 vanished with kill -9"
: >"$tmp/h1.log"
start 1
grep -q adopting "$tmp/h1.log" || die "sp0 was not adopted: $(tail -2 "$tmp/h1.log")"
# with the tc data path: by tcx links, the killed daemon's programs went
# with it; as clsact filters (a kernel without tcx) they stayed, and the new
# daemon removes them. Either way, its own, one per direction.
if [ "$WANT_TC" = yes ]; then
	if [ -z "${TCXSHOW:-}" ] || [ -z "$(ip netns exec "sp-fab1-$$" "$TCXSHOW" sp0)" ]; then
		grep -q "sp0: removed 2 tc program(s) a previous sixplaned left" "$tmp/h1.log" ||
			die "the killed daemon's tc programs were not removed: $(cat "$tmp/h1.log")"
	fi
	# and the fabric guard's on egress (Guard is on by default with an
	# Underlay)
	progs=$(tc_progs "sp-fab1-$$" sp0 | sort)
	[ "$progs" = "$(printf 'egress sp_egress\negress sp_guard_egress\ningress sp_ingress')" ] ||
		die "after the restart, expected the NDP programs and the guard's on sp0, found: $progs"
fi
ip -n "sp-fab1-$$" -6 neigh flush dev sp0
ping_ok 1 "$A2" || die "ping after the restart failed"
rm -rf "$tmp"
echo "ok: Dataplane ${DATAPLANE:-auto}${TC_WHY:+ (user-space paths: $TC_WHY)}, IPv${UNDERLAY:-4} underlay, 3 hosts, full mesh, $ns NS on the underlay (and $dad DAD probes of the hosts' own addresses); removed on SIGTERM, adopted after kill -9"
