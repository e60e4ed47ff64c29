#!/bin/sh
# A site on the plane through one router (doc/site.md), with the real
# daemons: three hosts on a VXLAN backplane (the guard on, the default with
# an Underlay), a container behind host 3, and on host 1 a LAN bridge lan0
# with site hosts on veths. Host 1's sixplaned has a [Site] for lan0; radvd
# and Kea DHCPv6 run there with the files `sixplane site --write` made and
# nothing else. The site hosts run Debian's DHCPv6 clients with the
# settings doc/site.md gives and nothing made by hand: ISC dhclient (with
# /sbin/dhclient-script) on A, dhcpcd on B.
#  1. each site host has an address of the pool (inside the /80) as its
#     client added it (a /128 with the lease's lifetimes), and the /40 via
#     the router's link-local from the RA's Route Information Option
#     (proto ra), with router lifetime 0 (no default route);
#  2. each reaches the container behind host 3, and is reached from it;
#  3. no NS or NA for a plane target crosses the underlay meanwhile;
#  4. radvd and Kea stopped and started again with the same state folder:
#     Kea keeps its DUID, each client renews its lease with it (its lease
#     file and log show it) and keeps its address;
#  5. with a pool of one address (the [Site]'s Pool, by reload, and
#     sixplane site --pool), one client gets that address and the other
#     none (Kea says NoAddrsAvail);
#  6. the site hosts solicit only the router's link-local address, and
#     their own addresses in DAD: the router answers no NDP for the /40;
#  7. host 3's guard passes the site hosts' packets with no AllowedSources;
#  8. a Linux host left at accept_ra_rt_info_max_plen = 0 (the kernel's
#     default) ignores the RIO, and takes it once the setting is 40.
set -u
SIXPLANED=$1
SIXPLANE=$2
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
for t in tcpdump ndisc6 python3 radvd kea-dhcp6 dhclient dhcpcd; do need_tool "$t"; done
[ -x /sbin/dhclient-script ] || ci_skip "needs /sbin/dhclient-script (isc-dhcp-client)"
# dhcpcd keeps its DUID and leases in /var/lib/dhcpcd, which this test
# hides behind a folder of its own (below)
[ -d /var/lib/dhcpcd ] || ci_skip "needs /var/lib/dhcpcd (dhcpcd-base)"
PY=$(python3 -c 'import sys; print(sys.executable)') || die "python3 does not run"
# the host's resolver file, which the clients must leave alone
RESOLV_BEFORE=$(cksum </etc/resolv.conf 2>&1)
# the guard (on by default) is made of tc programs: where they cannot run
# sixplaned does not start
need_tc

tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
UL="sp-stU-$$"
netns_add "$UL"
ip -n "$UL" link add br0 type bridge || die "bridge"
ip -n "$UL" link set br0 up
NODES="89e92ceee5 1122334455 a0b1c2d3e4"
node() { echo "$NODES" | cut -d' ' -f"$1"; }
prefix() { # the /80 of host N without "::/80"
	_p=$("$SIXPLANE" plane "$NWID" "$(node "$1")" --json | json_field sixplane_host_prefix)
	echo "${_p%::/80}"
}
H1="sp-st1-$$"
H3="sp-st3-$$"
for i in 1 2 3; do
	h="sp-st$i-$$"
	netns_add "$h"
	ip link add eth0 netns "$h" type veth peer name "u$i" netns "$UL" || die "veth"
	ip -n "$UL" link set "u$i" master br0 up
	ip -n "$h" link set eth0 up
	ip -n "$h" addr add "192.0.2.$i/24" dev eth0
	{
		printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nUnderlay = 192.0.2.%s\n' \
			"$NWID" "$(node "$i")" "$i"
		for j in 1 2 3; do
			[ "$j" -eq "$i" ] || printf '[Peer]\nNode = %s\nEndpoint = 192.0.2.%s\n' "$(node "$j")" "$j"
		done
	} >"$tmp/h$i.conf"
done
# host 1 is the site's router: its /80 goes to lan0
cp "$tmp/h1.conf" "$tmp/h1.base"
printf '[Site]\nInterface = lan0\n' >>"$tmp/h1.conf"

# The LAN: the bridge lan0 on host 1, a port into each site host's eth0.
# A runs dhclient, B dhcpcd, Z nothing (the kernel alone, for 8).
ip -n "$H1" link add lan0 type bridge || die "bridge lan0"
ip -n "$H1" link set lan0 up
SITES="A B Z"
for s in $SITES; do
	n="sp-st$s-$$"
	netns_add "$n"
	ip link add "p$s" netns "$H1" type veth peer name eth0 netns "$n" || die "veth"
	ip -n "$H1" link set "p$s" master lan0 up
	# the documented client setting: RAs taken (forwarding is off) and
	# RIOs up to /40 and longer; Z keeps the kernel's default, 0
	ip netns exec "$n" sysctl -qw net.ipv6.conf.eth0.accept_ra=1 || die "sysctl accept_ra"
	[ "$s" = Z ] ||
		ip netns exec "$n" sysctl -qw net.ipv6.conf.eth0.accept_ra_rt_info_max_plen=40 ||
		die "sysctl accept_ra_rt_info_max_plen"
done
SA="sp-stA-$$"
SB="sp-stB-$$"
SZ="sp-stZ-$$"
# 6: every NS a site host sends (from its MAC), from the start
for s in A B; do
	mac=$(ip -n "sp-st$s-$$" -br link show eth0 | awk '{print $3}')
	capture_start "$H1" "p$s" "$tmp/ns$s.pcap" "ether src $mac and icmp6 and ip6[40] == 135"
done
for s in $SITES; do ip -n "sp-st$s-$$" link set eth0 up; done

capture_start "$UL" br0 "$tmp/ul.pcap" 'udp port 4789'
start() { # start N: sixplaned on host N
	ip netns exec "sp-st$1-$$" "$SIXPLANED" -c "$tmp/h$1.conf" -s "$tmp/h$1.sock" 2>>"$tmp/h$1.log" &
	eval "D$1=\$!"
	PIDS="$PIDS $!"
	wait_for 5 grep -q serving "$tmp/h$1.log" || die "sixplaned $1 did not start: $(cat "$tmp/h$1.log")"
}
for i in 1 2 3; do start "$i"; done
P1=$(prefix 1)
P3=$(prefix 3)
container_behind "$H3" "sp-stC-$$" "$P3"
C3="$P3::c"

# a link-local address must have passed DAD before a daemon binds to it
# shellcheck disable=SC2317 # called by wait_for
not_tentative() { ! ip -n "$1" -6 addr show dev "$2" tentative | grep -q inet6; }
for n in "$H1 lan0" "$SA eth0" "$SB eth0" "$SZ eth0" "sp-stC-$$ eth0"; do
	# shellcheck disable=SC2086 # namespace and interface
	wait_for 5 not_tentative $n || die "$n: link-local address still tentative"
done
RLL=$(ip -n "$H1" -6 addr show dev lan0 scope link | sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p')
[ -n "$RLL" ] || die "lan0 has no link-local address"
echo "router: host 1, lan0 $RLL; container behind host 3: $C3"

# radvd and Kea from sixplane site's files alone, in folders of the test's.
# The shortest lease and RA interval it allows: T1 comes in seconds.
KEA_STATE="$tmp/kea"
mkdir -p "$KEA_STATE" "$tmp/run"
"$SIXPLANE" site -c "$tmp/h1.conf" --lease-time 30 --ra-interval 4 --state-dir "$KEA_STATE" \
	--write "$tmp/site" >"$tmp/site.out" 2>&1 || die "sixplane site --write: $(cat "$tmp/site.out")"
"$SIXPLANE" site -c "$tmp/h1.conf" --json >"$tmp/site.json" || die "sixplane site --json"
jget() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
POOL=$(jget "$tmp/site.json" pool)
PLANE=$(jget "$tmp/site.json" plane)
# the design's, not only the command's word: the network's /40, and the
# /80's upper half (the lower is the containers')
[ "$PLANE" = "$("$SIXPLANE" plane "$NWID" "$(node 1)" --json | json_field sixplane_prefix)" ] ||
	die "sixplane site's /40 is $PLANE"
[ "$POOL" = "$P1:8000::/81" ] || die "sixplane site's default pool is $POOL, not $P1:8000::/81"
echo "sixplane site: pool $POOL in $P1::/80, RIO $PLANE, lease 30 s, RAs every 3-4 s"
radvd_start() {
	ip netns exec "$H1" radvd -n -C "$tmp/site/radvd.conf" -p "$tmp/run/radvd.pid" -m stderr \
		2>>"$tmp/radvd.log" &
	RADVD=$!
	PIDS="$PIDS $RADVD"
}
# Kea 2.2 puts its pid file and logger lock under these (else /run/kea)
kea_start() { # kea_start CONFIG LOG
	KEA_PIDFILE_DIR="$tmp/run" KEA_LOCKFILE_DIR="$tmp/run" \
		ip netns exec "$H1" kea-dhcp6 -c "$1" >>"$2" 2>&1 &
	KEA=$!
	PIDS="$PIDS $KEA"
	wait_for 5 grep -q DHCP6_STARTED "$2" || die "kea-dhcp6 did not start: $(cat "$2")"
}
stop() { # stop PID NAME: SIGTERM, and its end
	kill "$1" 2>/dev/null || die "$2 ended before its time"
	wait "$1" 2>/dev/null
}
radvd_start
kea_start "$tmp/site/kea/kea-dhcp6.conf" "$tmp/kea1.log"

# The clients. dhclient keeps its lease (and DUID) in the file given;
# dhcpcd in /var/lib/dhcpcd and its pid file and sockets in /run/dhcpcd,
# which it is given in a mount namespace of its own (ip netns exec's):
# folders of the test's there, the host's untouched. dhcpcd 9.4.1
# handles RAs itself without RFC 4191, turning the kernel's off: so
# doc/site.md's noipv6rs and ia_na (RAs left to the kernel, DHCPv6 at once).
# Both clients' scripts write what they learn into /etc/resolv.conf (dhcpcd
# even with no DNS server to write): each runs with a file of the test's
# bound over it, in the mount namespace ip netns exec makes, so that the
# host's stays as it was (checked at the end).
printf 'noipv6rs\nia_na\n' >"$tmp/dhcpcd.conf"
: >"$tmp/resolv-A"
: >"$tmp/resolv-B"
# sh -c "$OWN_RESOLV" RESOLV CMD...: CMD with RESOLV over /etc/resolv.conf.
# Called straight from ip netns exec, never through a shell function: run in
# the background a function is a subshell, whose pid ($!) is not the
# client's, and the client outlived the test.
# shellcheck disable=SC2016 # expanded by that sh
OWN_RESOLV='mount --bind "$0" /etc/resolv.conf && exec "$@"'
clients_start() { # clients_start TAG: fresh lease files for a new start
	ip netns exec "$SA" sh -c "$OWN_RESOLV" "$tmp/resolv-A" dhclient -6 -d -v \
		-lf "$tmp/dhclient-$1.leases" -pf "$tmp/run/dhclient.pid" \
		-sf /sbin/dhclient-script eth0 >>"$tmp/dhclient.log" 2>&1 &
	DHCLIENT=$!
	PIDS="$PIDS $DHCLIENT"
	mkdir -p "$tmp/dhcpcd-$1"
	# shellcheck disable=SC2016 # expanded by that sh
	ip netns exec "$SB" sh -c 'mount --bind "$1" /var/lib/dhcpcd && mount -t tmpfs tmpfs /run &&
		mount --bind "$3" /etc/resolv.conf && exec dhcpcd -6 -B -d -f "$2" eth0' \
		sh "$tmp/dhcpcd-$1" "$tmp/dhcpcd.conf" "$tmp/resolv-B" >>"$tmp/dhcpcd.log" 2>&1 &
	DHCPCD=$!
	PIDS="$PIDS $DHCPCD"
}
clients_start 1

# 1. the address (its client's, with lifetimes: not forever) and the route
global() { # the global addresses of site host NETNS, not tentative
	ip -n "$1" -6 addr show dev eth0 scope global -tentative | sed -n 's/.*inet6 \([0-9a-f:]*\)\/.*/\1/p'
}
has_global() { [ -n "$(global "$1")" ]; }
# inside ADDR POOL PREFIX: ADDR lies in POOL (PREFIX/LEN or FIRST-LAST)
# and in PREFIX
inside() {
	"$PY" -c 'import ipaddress as ip, sys
a = ip.IPv6Address(sys.argv[1])
if "-" in sys.argv[2]:
    f, l = (ip.IPv6Address(x.strip()) for x in sys.argv[2].split("-"))
    inpool = f <= a <= l
else:
    inpool = a in ip.IPv6Network(sys.argv[2])
sys.exit(0 if inpool and a in ip.IPv6Network(sys.argv[3]) else 1)' "$@"
}
plane_route() { ip -n "$1" -6 route show "$PLANE"; }
site_host() { # site_host NETNS NAME POOL: checks 1, prints the address
	wait_for 15 has_global "$1" || die "$2: no address after 15 s: $(ip -n "$1" -6 addr show dev eth0)"
	_a=$(global "$1")
	[ "$(echo "$_a" | wc -l)" -eq 1 ] || die "$2: more than one address: $_a"
	inside "$_a" "$3" "$P1::/80" || die "$2: $_a is not in the pool $3 of $P1::/80"
	# a /128 (no prefix is on-link) with the lease's lifetimes
	ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $_a/128 " ||
		die "$2: $_a is not a /128: $(ip -n "$1" -6 addr show dev eth0)"
	ip -n "$1" -6 addr show dev eth0 | grep -A1 "inet6 $_a/" | grep -q "valid_lft forever" &&
		die "$2: $_a has no lifetime: not its DHCPv6 lease"
	wait_for 5 sh -c "ip -n $1 -6 route show $PLANE | grep -q ." || die "$2: no route to $PLANE"
	_r=$(plane_route "$1")
	echo "$_r" | grep -q "^$PLANE via $RLL dev eth0 proto ra " ||
		die "$2: the route to $PLANE is not via the router's link-local $RLL from an RA: $_r"
	[ -z "$(ip -n "$1" -6 route show default)" ] ||
		die "$2: a default route from a router lifetime of 0: $(ip -n "$1" -6 route show default)"
	echo "$_a"
}
AA=$(site_host "$SA" "A (dhclient)" "$POOL") || exit 1
AB=$(site_host "$SB" "B (dhcpcd)" "$POOL") || exit 1
[ "$AA" != "$AB" ] || die "A and B have the same address $AA"
echo "1. A (dhclient) $AA/128, B (dhcpcd) $AB/128: in the pool $POOL; $PLANE via $RLL proto ra, no default route"
grep -q "^$AA," "$KEA_STATE/kea-leases6.csv" || die "Kea's lease file has no lease of $AA"
grep -q "^$AB," "$KEA_STATE/kea-leases6.csv" || die "Kea's lease file has no lease of $AB"

# 2 and 7. both ways with the container behind host 3, through host 3's
# guard
guard() { # guard HOST PATH REASON: a counter of the guard on HOST
	"$PY" -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); b = b""
while (c := s.recv(65536)): b += c
d = json.loads(b)
print([g for g in d["guard"] if g["path"] == sys.argv[2]][0]["reasons"][sys.argv[3]])' \
		"$tmp/h$1.sock" "$2" "$3" 2>/dev/null
}
pass0=$(guard 3 guard-underlay pass)
spoof0=$(guard 3 guard-underlay source-spoof)
{ [ -n "$pass0" ] && [ -n "$spoof0" ]; } || die "no guard counters on host 3"
N=5
for s in A B; do
	eval "a=\$A$s"
	# shellcheck disable=SC2154 # set by eval
	ip netns exec "sp-st$s-$$" ping -6 -c "$N" -i 0.1 -W2 -n "$C3" >"$tmp/ping" 2>&1 ||
		die "2. site host $s ($a) cannot reach the container $C3: $(tail -2 "$tmp/ping")"
	ip netns exec "sp-stC-$$" ping -6 -c "$N" -i 0.1 -W2 -n "$a" >"$tmp/ping" 2>&1 ||
		die "2. the container $C3 cannot reach site host $s ($a): $(tail -2 "$tmp/ping")"
done
echo "2. A and B reach $C3 behind host 3 and are reached from it ($N pings each way)"
pass1=$(guard 3 guard-underlay pass)
spoof1=$(guard 3 guard-underlay source-spoof)
[ "$spoof1" -eq "$spoof0" ] || die "7. host 3's guard dropped $((spoof1 - spoof0)) as source-spoof"
[ "$pass1" -ge $((pass0 + 4 * N)) ] ||
	die "7. host 3's guard passed $((pass1 - pass0)) frames, fewer than the $((4 * N)) from the site hosts"
echo "7. host 3's guard-underlay: pass +$((pass1 - pass0)), source-spoof +0 (no AllowedSources)"

# 3. A marker from A after the traffic proves the capture holds it all.
# NDP inside the VXLAN, but the hosts' own DAD (from ::) at start-up.
mark_echo "$tmp/ul.pcap" "$SA" "$C3"
tcpdump -r "$tmp/ul.pcap" -n 2>/dev/null | grep "neighbor solicitation\|neighbor advertisement" |
	grep -v "IP6 :: >" >"$tmp/ulndp.txt"
[ ! -s "$tmp/ulndp.txt" ] || die "3. NDP crossed the underlay: $(cat "$tmp/ulndp.txt")"
echo "3. the underlay carried $(tcpdump -r "$tmp/ul.pcap" -n 2>/dev/null | grep -c "ICMP6, echo") echo messages and no NS or NA"

# 8. Z has taken RAs from the start; the RIO in them was not taken
# shellcheck disable=SC2016 # awk's
ras=$(ip netns exec "$SZ" awk '$1 == "Icmp6InRouterAdvertisements" { print $2 }' /proc/net/snmp6)
[ "$ras" -ge 1 ] || die "8. Z received no RA"
[ -z "$(plane_route "$SZ")" ] ||
	die "8. with accept_ra_rt_info_max_plen 0, Z took the RIO: $(plane_route "$SZ")"
ip netns exec "$SZ" sysctl -qw net.ipv6.conf.eth0.accept_ra_rt_info_max_plen=40
echo "8. Z (accept_ra_rt_info_max_plen 0): $ras RA(s), no route to $PLANE; now 40"

# 4. radvd and Kea stopped and started again with the same state folder.
# The lease time (30 s: T1 11 s, T2 17 s) leaves the clients' Renew, or
# their Rebind, time to find the restarted Kea however slow the machine;
# RemoveRoute off: radvd's last RA leaves the hosts their /40.
# leases ADDR: Kea's lease lines of ADDR, "DUID EXPIRE" each
leases() { awk -F, -v a="$1" '$1 == a { print $2, $4 }' "$KEA_STATE/kea-leases6.csv"; }
stop "$RADVD" radvd
stop "$KEA" kea-dhcp6
ip -n "$SA" -6 route show "$PLANE" | grep -q . ||
	die "4. radvd's stop took A's route to $PLANE away (RemoveRoute off is in its file)"
for s in A B; do
	eval "a=\$A$s"
	leases "$a" | tail -n 1 >"$tmp/last$s"
	[ -s "$tmp/last$s" ] || die "4. Kea's lease file has no lease of $a"
done
radvd_start
kea_start "$tmp/site/kea/kea-dhcp6.conf" "$tmp/kea2.log"
# the same server: its DUID kept in the state folder (a Renew names the
# server, RFC 8415 section 18.3.4; another DUID would drop it)
server_id() { sed -n 's/.*DHCP6_USING_SERVERID server is using server-id \([0-9a-f:]*\) .*/\1/p' "$1"; }
SID=$(server_id "$tmp/kea1.log")
{ [ -n "$SID" ] && [ "$(server_id "$tmp/kea2.log")" = "$SID" ]; } ||
	die "4. the restarted Kea's DUID is $(server_id "$tmp/kea2.log"), not $SID"
# a lease line written after the restart: the same DUID, a later expiry
# shellcheck disable=SC2317 # called by wait_for
renewed() {
	read -r _duid _exp <"$tmp/last$1"
	leases "$2" | awk -v d="$_duid" -v e="$_exp" '$1 == d && $2 > e { f = 1 } END { exit !f }'
}
for s in A B; do
	eval "a=\$A$s"
	wait_for 25 renewed "$s" "$a" ||
		die "4. no lease of $a for $s's DUID written by the restarted Kea in 25 s: $(leases "$a" | tail -n 3)"
	# by a Renew (or a Rebind), not a new Request
	grep "address $a " "$tmp/kea2.log" | grep -q "DHCP6_LEASE_RENEW\|DHCP6_LEASE_REBIND" ||
		die "4. the restarted Kea did not renew $a: $(grep "$a" "$tmp/kea2.log")"
	[ "$(global "sp-st$s-$$")" = "$a" ] || die "4. $s's address is now $(global "sp-st$s-$$"), not $a"
done
wait_for 5 sh -c "ip -n $SA -6 route show $PLANE | grep -q ." || die "4. A has no route to $PLANE after radvd's restart"
ip netns exec "$SA" ping -6 -c1 -W2 -n "$C3" >/dev/null 2>&1 || die "4. A cannot reach $C3 after the restart"
echo "4. radvd and Kea restarted: A and B renewed $AA and $AB with the restarted Kea (its DUID $SID kept, its lease file and log), addresses kept; the /40 kept while radvd was down"

wait_for 5 sh -c "ip -n $SZ -6 route show $PLANE | grep -q ." ||
	die "8. Z with accept_ra_rt_info_max_plen 40 has no route to $PLANE"
echo "8. Z took $PLANE from the RIO once the setting was 40"

# 5. A pool of one address for Kea and the [Site] (by reload), fresh
# leases on both sides, both clients started again together. dhclient -r
# ends the running one and releases (its script removes the address);
# dhcpcd removes its address as it ends.
ip netns exec "$SA" sh -c "$OWN_RESOLV" "$tmp/resolv-A" dhclient -6 -r \
	-lf "$tmp/dhclient-1.leases" -pf "$tmp/run/dhclient.pid" \
	-sf /sbin/dhclient-script eth0 >>"$tmp/dhclient.log" 2>&1 || die "dhclient -r failed"
wait "$DHCLIENT" 2>/dev/null
stop "$DHCPCD" dhcpcd
stop "$KEA" kea-dhcp6
no_global() { [ -z "$(ip -n "$1" -6 addr show dev eth0 scope global)" ]; }
wait_for 5 no_global "$SA" || die "A kept $AA after dhclient -r"
wait_for 5 no_global "$SB" || die "B kept $AB after dhcpcd ended"
ONE="$P1:8000:0:5"
TINY="$ONE-$ONE"
cp "$tmp/h1.base" "$tmp/h1.conf"
printf '[Site]\nInterface = lan0\nPool = %s\n' "$TINY" >>"$tmp/h1.conf"
kill -HUP "$D1"
lan_routes() { ip -n "$H1" -6 route show dev lan0 | grep -v '^fe80' | cut -d' ' -f1; }
wait_for 5 sh -c "[ \"\$(ip -n $H1 -6 route show dev lan0 | grep -v ^fe80 | cut -d' ' -f1)\" = $ONE ]" ||
	die "5. after the reload host 1 routes to lan0: $(lan_routes)"
KEA_STATE="$tmp/kea-tiny"
mkdir -p "$KEA_STATE"
"$SIXPLANE" site -c "$tmp/h1.conf" --pool "$TINY" --lease-time 10 --ra-interval 4 --state-dir "$KEA_STATE" \
	--write "$tmp/site-tiny" >"$tmp/site.out" 2>&1 || die "sixplane site --write: $(cat "$tmp/site.out")"
grep -q "\"pool\": \"$ONE - $ONE\"\|\"pool\": \"$ONE/128\"" "$tmp/site-tiny/kea/kea-dhcp6.conf" ||
	die "5. Kea's file does not have the pool $TINY: $(grep pool "$tmp/site-tiny/kea/kea-dhcp6.conf")"
# what Kea sends the clients (Kea's status codes on the wire)
capture_start "$H1" lan0 "$tmp/dhcp.pcap" 'udp dst port 546'
kea_start "$tmp/site-tiny/kea/kea-dhcp6.conf" "$tmp/kea3.log"
clients_start 2
# shellcheck disable=SC2317 # called by wait_for
either() { has_global "$SA" || has_global "$SB"; }
wait_for 15 either || die "5. neither site host got $ONE"
if has_global "$SA"; then win=A lose=B; else win=B lose=A; fi
[ "$(global "sp-st$win-$$")" = "$ONE" ] || die "5. $win got $(global "sp-st$win-$$"), not $ONE"
# the loser is told NoAddrsAvail (RFC 8415 section 21.13), by Kea's log
# and on the wire, and has no address
WIN_DUID=$(leases "$ONE" | tail -n 1 | cut -d' ' -f1)
lose_ll=$(ip -n "sp-st$lose-$$" -6 addr show dev eth0 scope link | sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p')
# shellcheck disable=SC2317 # called by wait_for
refused() {
	grep "ALLOC_ENGINE_V6_ALLOC_FAIL " "$tmp/kea3.log" | grep -v "duid=\[$WIN_DUID\]" | grep -q . &&
		tcpdump -r "$tmp/dhcp.pcap" -n -v 2>/dev/null | grep -A3 "> $lose_ll\.546" | grep -q NoAddrsAvail
}
wait_for 10 refused || die "5. Kea did not refuse $lose: $(grep FAIL "$tmp/kea3.log")"
no_global "sp-st$lose-$$" || die "5. $lose got an address: $(global "sp-st$lose-$$")"
[ "$(leases "$ONE" | cut -d' ' -f1 | sort -u)" = "$WIN_DUID" ] || die "5. $ONE leased to two DUIDs"
[ "$(grep -vc '^address,' "$KEA_STATE/kea-leases6.csv")" -eq "$(leases "$ONE" | wc -l)" ] ||
	die "5. Kea leased more than $ONE: $(cat "$KEA_STATE/kea-leases6.csv")"
ip netns exec "sp-st$win-$$" ping -6 -c1 -W2 -n "$C3" >/dev/null 2>&1 || die "5. $win cannot reach $C3 from $ONE"
echo "5. pool $TINY ([Site] Pool, host 1 routes $ONE alone to lan0): $win got $ONE and reaches $C3; $lose was told NoAddrsAvail and has no address"

# 6. What the site hosts solicited over the whole run: the router's
# link-local (the /40's next hop) and, from :: (DAD), their own addresses,
# never a plane address. A last NS for a marker target, answered by
# nobody, proves the captures hold every NS sent before it.
for s in A B; do
	MARK=$((MARK + 1))
	ip netns exec "sp-st$s-$$" ndisc6 -1 -r 1 -w 100 "2001:db8:7e57::$MARK" eth0 >/dev/null 2>&1
	wait_for 5 capture_shows "$tmp/ns$s.pcap" 1 "who has 2001:db8:7e57::$MARK," ||
		die "6. the marker NS of $s never reached the capture"
	eval "a=\$A$s"
	ll=$(ip -n "sp-st$s-$$" -6 addr show dev eth0 scope link | sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p')
	# DAD of its own: its link-local, its lease, and the one-address pool's
	# if it won it
	printf '^:: %s$\n' "$ll" "$a" >"$tmp/own$s"
	[ "$s" = "$win" ] && printf '^:: %s$\n' "$ONE" >>"$tmp/own$s"
	tcpdump -r "$tmp/ns$s.pcap" -n 2>/dev/null | grep -v "who has 2001:db8:7e57::$MARK," |
		sed -n 's/.* IP6 \([0-9a-f:]*\) > .*who has \([0-9a-f:]*\),.*/\1 \2/p' >"$tmp/ns$s.txt"
	dad=$(grep -c -f "$tmp/own$s" "$tmp/ns$s.txt")
	rtr=$(grep -c " $RLL\$" "$tmp/ns$s.txt")
	other=$(grep -v -f "$tmp/own$s" -e " $RLL\$" "$tmp/ns$s.txt")
	[ -z "$other" ] || die "6. site host $s solicited more than the router and its own addresses: $other"
	[ "$dad" -ge 2 ] || die "6. site host $s: $dad DAD captured, fewer than its link-local and lease"
	echo "6. site host $s sent $rtr NS for the router's $RLL, $dad for DAD, none for a plane address"
done

[ "$(cksum </etc/resolv.conf 2>&1)" = "$RESOLV_BEFORE" ] ||
	die "the host's /etc/resolv.conf changed: $(head -3 /etc/resolv.conf)"
grep -q . "$tmp/resolv-B" || die "dhcpcd wrote no resolv.conf of its own: the isolation is not where it writes"
rm -rf "$tmp"
done_ok "a site on the plane through host 1: dhclient and dhcpcd hosts with addresses of the pool and the /40 from the RIO, both ways with a container behind host 3, no NDP on the underlay, renewed after radvd and Kea restarted, the pool never exceeded"
