#!/bin/sh
# A storm of new neighbors on a three-host backplane (doc/fabric.md, "Scale"):
# host 1 sends to N fresh addresses, half in host 2's /80 and half in host
# 3's, the same targets twice. On plain VXLAN with multicast NDP every target
# costs an NS replicated to both peers; with sixplaned on every host no
# resolution NS crosses the underlay, and every target is still resolved, to
# the MAC of the host that owns it, by the daemon on host 1.
set -u
SIXPLANED=$1
SIXPLANE=$2
NEIGHGEN=$3
# lib.sh for need_netns, skip and die; fabric.sh builds the backplane and
# cleans it up, so lib.sh's trap is replaced below.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool tcpdump
# shellcheck source=scripts/fabric.sh
. "$(dirname "$0")/../../scripts/fabric.sh"
FAB="st$$"
FAB_DIR=$(mktemp -d) || die "mktemp"
st_cleanup() {
	fab_cleanup
	rm -rf "$FAB_DIR"
}
trap st_cleanup EXIT
trap 'exit 1' INT TERM
# one collation for sort and comm
LC_ALL=C
export LC_ALL

N=300
HALF=$((N / 2))
# neighgen draws the interface identifiers from SEED; one seed per host
seed() { echo $((0x570 + $1 * 2 + 1)); }

# the targets, "address owner-MAC" per line, as neighgen will draw them
for h in 2 3; do
	mac=$(fab_mac "$h")
	"$NEIGHGEN" --list -p "$(fab_prefix "$h")::/80" -n "$HALF" --seed "$(seed "$h")" |
		sed "s/\$/ $mac/"
done >"$FAB_DIR/targets"
cut -d' ' -f1 "$FAB_DIR/targets" | sort -u >"$FAB_DIR/addrs"
[ "$(wc -l <"$FAB_DIR/addrs")" -eq "$N" ] || die "test bug: not $N distinct targets"

# answered HOST: NS answered by HOST's daemon, summed over its data paths
answered() {
	"$SIXPLANE" stats -s "$FAB_DIR/h$1.sock" --json |
		sed -n 's/.*"answered":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}
# in the VXLAN frames of a capture: the distinct targets of resolution NS
# (not DAD), and the distinct destinations of the storm's datagrams (UDP
# port 9), each as the number of our targets among them
solicited() {
	tcpdump -r "$1" -n 2>/dev/null | grep "neighbor solicitation, who has" | grep -v "IP6 :: >" |
		sed 's/.*who has \([0-9a-f:]*\).*/\1/' | sort -u | comm -12 - "$FAB_DIR/addrs" | wc -l
}
delivered() {
	tcpdump -r "$1" -n 2>/dev/null | sed -n 's/.* > \([0-9a-f:]*\)\.9: UDP.*/\1/p' |
		sort -u | comm -12 - "$FAB_DIR/addrs" | wc -l
}

# storm_once MODE: a fresh backplane of 3 hosts in MODE, hosts 2 and 3 each
# with a container (their /80 routed to docker0, as a container runtime does:
# else a host would send what arrives for an unused address of its /80 back
# out sp0 and solicit it on the underlay itself). The underlay is recorded
# while host 1 sends to every target at once, until neighgen has seen every
# target resolved or given up (2 s: past the kernel's retransmission, 1 s,
# after which a target the daemon did not answer is solicited on the wire)
# and a marker from every host after that is in the capture. neighgen's
# reports in MODE.hH.out.
storm_once() {
	fab_underlay
	fab_hosts 3 "$1"
	fab_container 2 1
	fab_container 3 1
	[ "$1" = sixplane ] && st_before=$(answered 1)
	fab_capture "$FAB_DIR/$1.pcap"
	st_pids=""
	for h in 2 3; do
		ip netns exec "sp-$FAB-h1" "$NEIGHGEN" -i sp0 -p "$(fab_prefix "$h")::/80" -n "$HALF" \
			--seed "$(seed "$h")" -t 2000 >"$FAB_DIR/$1.h$h.out" 2>&1 &
		st_pids="$st_pids $!"
	done
	for st_p in $st_pids; do wait "$st_p"; done
	# what the storm made every host send is in the capture before
	# the markers: host 1's echo requests, hosts 2's and 3's replies
	mark_echo "$FAB_DIR/$1.pcap" "sp-$FAB-h1" "$(fab_addr 2)" "$(fab_addr 3)"
	fab_capture_stop
}
# The kernel has one IPv6 neighbor table for all namespaces, gc_thresh3
# entries at most, and a full table drops the datagrams (and so their NS).
# The storm holds 2N entries the table cannot collect while they resolve: N
# on host 1, and N on hosts 2 and 3, which route the datagrams to docker0
# and try to resolve them there (and N for the solicited-node groups, which
# it can). While other tests resolve neighbors there may be no room for it.
ntable() { # ntable FIELD: a number from the table's global part
	ip -s ntable show name ndisc_cache | sed -n "s/.* $1 \([0-9]*\).*/\1/p" | head -n 1
}
room() { [ $(($(ntable thresh3) - $(ntable entries))) -ge $((2 * N + 100)) ]; }
# storm MODE: storm_once on a fresh backplane, again (up to 4 times, after
# a pause that differs between concurrent runs) if the table was full
storm() {
	st_try=1
	while :; do
		fab_cleanup
		# fab_start waits for "serving" in a log it appends to, fab_capture
		# for its file to be written: none left from the last try
		rm -f "$FAB_DIR"/h*.log "$FAB_DIR/$1.pcap"
		wait_for 30 room ||
			skip "the kernel's IPv6 neighbor table (all namespaces) holds $(ntable entries) of $(ntable thresh3) entries: no room for $((2 * N)) more"
		st_fulls=$(ntable table_fulls)
		storm_once "$1"
		[ "$(ntable table_fulls)" -eq "$st_fulls" ] && return 0
		[ "$st_try" -lt 4 ] ||
			die "mode $1: the kernel's IPv6 neighbor table (all namespaces, $(ntable thresh3) entries) was full during 4 storms"
		echo "note: mode $1: the kernel's IPv6 neighbor table was full during the storm (other tests?): again" >&2
		st_try=$((st_try + 1))
		fab_cleanup
		sleep $((st_try + $$ % 5))
	done
}

# Off: the hand-made VXLAN floods each NS to both peers and nobody answers
# (no proxy entry for the targets): each target's first NS leaves at once,
# replicated to 2 peers, and the kernel asks twice more, a second apart
# (mcast_solicit 3): 6N in all, of which the first round alone is 2N. A
# capture may lose frames of a burst (tcpdump's ring), hence the bounds.
storm vxlan
plain_ns=$(fab_ndp_count "$FAB_DIR/vxlan.pcap" | cut -d' ' -f1)
[ "$plain_ns" -ge $((2 * N)) ] || die "plain VXLAN: $plain_ns NS on the underlay, expected >= $((2 * N))"
asked=$(solicited "$FAB_DIR/vxlan.pcap")
[ "$asked" -ge $((N / 2)) ] || die "plain VXLAN: only $asked of the $N targets were solicited on the underlay"

# On: the same storm with sixplaned on every host
storm sixplane
ns=$(fab_ndp_count "$FAB_DIR/sixplane.pcap" | cut -d' ' -f1)
[ "$ns" -eq 0 ] || die "sixplane: $ns NS crossed the underlay, for $(solicited "$FAB_DIR/sixplane.pcap") of the targets"
for h in 2 3; do
	grep -q "^neighbors $HALF resolved $HALF " "$FAB_DIR/sixplane.h$h.out" ||
		die "sixplane, targets behind host $h: $(cat "$FAB_DIR/sixplane.h$h.out")"
done
# the capture was recording while the storm crossed the underlay (else the
# 0 above proves nothing): it holds the datagrams to a good part of the
# targets (all of them, unless tcpdump's ring overflowed)
sent=$(delivered "$FAB_DIR/sixplane.pcap")
[ "$sent" -ge $((N / 10)) ] || die "sixplane: the capture holds datagrams to $sent of the $N targets"
# every target's neighbor entry on host 1 holds MAC(id, owner)
ip -n "sp-$FAB-h1" -6 neigh show dev sp0 >"$FAB_DIR/neigh"
right=$(awk 'NR == FNR { want[$1] = $2; next }
	($1 in want) && $2 == "lladdr" && $3 == want[$1] { ok[$1] = 1 }
	END { n = 0; for (a in ok) n++; print n }' "$FAB_DIR/targets" "$FAB_DIR/neigh")
[ "$right" -eq "$N" ] || {
	awk 'NR == FNR { want[$1] = $2; next } ($1 in want) && $3 != want[$1]' \
		"$FAB_DIR/targets" "$FAB_DIR/neigh" | head -n 5 >&2
	die "sixplane: $right of the $N neighbor entries hold the owner's MAC"
}
st_answered=$(($(answered 1) - st_before))
[ "$st_answered" -ge "$N" ] ||
	die "sixplane: the daemon on host 1 answered $st_answered NS, fewer than the $N targets"

# 10,000 distinct neighbors on the backplane, host 1 resolving them 500 at
# a time (the neighbor table of all namespaces holds 1,024), alternately in
# host 2's and host 3's /80, the table emptied between chunks: each is
# resolved, to its owner's MAC, and no NS crosses the underlay. No
# containers here: a datagram for an unused address of a host's /80 meets
# its unreachable route, not a solicitation on docker0 that would hold a
# neighbor entry there.
BIG=10000
CHUNK=500
fab_cleanup
rm -f "$FAB_DIR"/h*.log
fab_underlay
fab_hosts 3 sixplane
big_before=$(answered 1)
fab_capture "$FAB_DIR/big.pcap"
k=0
while [ $((k * CHUNK)) -lt "$BIG" ]; do
	h=$((2 + k % 2))
	out=$(ip netns exec "sp-$FAB-h1" "$NEIGHGEN" -i sp0 -p "$(fab_prefix "$h")::/80" -n "$CHUNK" \
		--seed $((0x1000 + k)) -t 2000)
	case "$out" in
	"neighbors $CHUNK resolved $CHUNK "*) ;;
	*) die "10,000 neighbors, chunk $k (host $h's /80): $out" ;;
	esac
	wrong=$(ip -n "sp-$FAB-h1" -6 neigh show dev sp0 | grep "^$(fab_prefix "$h"):" |
		grep -vc "lladdr $(fab_mac "$h")")
	[ "$wrong" -eq 0 ] || die "10,000 neighbors, chunk $k: $wrong entries not at host $h's MAC"
	ip -n "sp-$FAB-h1" -6 neigh flush dev sp0
	k=$((k + 1))
done
mark_echo "$FAB_DIR/big.pcap" "sp-$FAB-h1" "$(fab_addr 2)" "$(fab_addr 3)"
fab_capture_stop
big_ns=$(fab_ndp_count "$FAB_DIR/big.pcap" | cut -d' ' -f1)
[ "$big_ns" -eq 0 ] || die "10,000 neighbors: $big_ns NS crossed the underlay"
# and the capture was recording: it holds the datagrams that followed
big_udp=$(tcpdump -r "$FAB_DIR/big.pcap" -n 2>/dev/null | grep -c '\.9: UDP')
[ "$big_udp" -ge $((BIG / 10)) ] || die "10,000 neighbors: the capture holds $big_udp datagrams"
big_answered=$(($(answered 1) - big_before))
[ "$big_answered" -ge "$BIG" ] ||
	die "10,000 neighbors: the daemon on host 1 answered $big_answered NS, fewer than $BIG"

echo "ok: storm of $N neighbors: plain VXLAN $plain_ns NS on the underlay, sixplane $ns ($N resolved locally, $st_answered answered by sixplaned on host 1); $BIG distinct neighbors resolved on the backplane, 0 NS on the underlay ($big_answered answered on host 1, $big_udp datagrams captured)"
