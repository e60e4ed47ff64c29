#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: the backplane, for real, in network namespaces.
#
#   scripts/demo.sh SIXPLANED SIXPLANE
#
# Three hosts on an underlay bridge (192.0.2.0/24), sixplaned on each making
# sp0 a VXLAN, two containers per host behind a Docker-style bridge with
# addresses from the host's /80. Then every endpoint pings every other, and
# the summary shows the reachability matrix, the NDP frames that crossed the
# underlay (none for an emulated target) and the neighbors each host
# answered itself. Cleans up after itself, also on Ctrl-C; exits 1 if any
# check fails (the netns test netns_demo runs it).
set -u

if [ $# -ne 2 ]; then
	echo "Usage: scripts/demo.sh SIXPLANED SIXPLANE" >&2
	exit 2
fi
# shellcheck disable=SC2034 # used by fabric.sh
SIXPLANED=$1
SIXPLANE=$2
FAB=${FAB:-demo}
HOSTS=3
PER_HOST=2

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces, VXLAN): run it as root" >&2
	exit 77
fi
for tool in ip bridge tcpdump ping; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "demo: needs $tool (make deps installs it)" >&2
		exit 77
	}
done
ip netns add "sp-$FAB-probe" 2>/dev/null || {
	echo "demo: cannot create network namespaces here" >&2
	exit 77
}
ip netns del "sp-$FAB-probe"

# A demo killed with kill -9 leaves its namespaces and daemons: ours by name
for n in $(ip netns list | awk -v p="sp-$FAB-" 'index($1, p) == 1 { print $1 }'); do
	for pid in $(ip netns pids "$n" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	sleep 0.2
	ip netns del "$n" 2>/dev/null
done

FAB_DIR=$(mktemp -d)
# shellcheck source=scripts/fabric.sh
. "$(dirname "$0")/fabric.sh"
# shellcheck disable=SC2317 # called by the trap
finish() {
	fab_cleanup
	rm -rf "$FAB_DIR"
}
trap finish EXIT
trap 'echo; echo "demo: interrupted, cleaning up" >&2; exit 130' INT TERM

# shellcheck source=scripts/demo_say.sh
. "$(dirname "$0")/demo_say.sh"

say "One 6PLANE network, $FAB_NWID, on $HOSTS hosts over the kernel's VXLAN"
echo "Hosts are network namespaces on an underlay bridge; nothing is allocated:"
echo "every address and MAC below is a function of (network id, node id)."
fab_underlay
fab_capture "$FAB_DIR/underlay.pcap"
fab_hosts "$HOSTS" sixplane

printf '\n%-5s %-11s %-10s %-32s %s\n' host node underlay "/80 (its containers)" "sp0 MAC"
i=1
while [ "$i" -le "$HOSTS" ]; do
	printf '%-5s %-11s %-10s %-32s %s\n' "h$i" "$(fab_node "$i")" "$(fab_ul "$i")" \
		"$("$SIXPLANE" plane "$FAB_NWID" "$(fab_node "$i")" --json | fab_json sixplane_host_prefix)" \
		"$(fab_mac "$i")"
	i=$((i + 1))
done

say "Host 1's /etc/sixplane/sixplane.conf (the others differ in Node, Underlay, peers)"
sed 's/^/  /' "$FAB_DIR/h1.conf"

say "The container runtime gets the /80: sixplane docker -c sixplane.conf"
"$SIXPLANE" docker -c "$FAB_DIR/h1.conf" | sed 's/^/  /'

say "$PER_HOST containers per host, addressed the way Docker does it (the /80 + the MAC)"
i=1
while [ "$i" -le "$HOSTS" ]; do
	j=1
	while [ "$j" -le "$PER_HOST" ]; do
		fab_container "$i" "$j"
		j=$((j + 1))
	done
	i=$((i + 1))
done
sed 's/^sp-[^-]*-\(h[0-9]*c[0-9]*\)=/  \1  /' "$FAB_DIR/containers"

# Every endpoint: the hosts' own addresses, then the containers
: >"$FAB_DIR/endpoints"
i=1
while [ "$i" -le "$HOSTS" ]; do
	echo "h$i sp-$FAB-h$i $(fab_addr "$i")" >>"$FAB_DIR/endpoints"
	i=$((i + 1))
done
sed 's/^\(sp-[^-]*-\(h[0-9]*c[0-9]*\)\)=\(.*\)/\2 \1 \3/' "$FAB_DIR/containers" >>"$FAB_DIR/endpoints"
count=$(wc -l <"$FAB_DIR/endpoints")

say "Full mesh: each of the $count endpoints pings the $((count - 1)) others"
# One pinger per source, all at once; each pair's first packet is also its
# first neighbor resolution.
pingers=""
while read -r name ns _; do
	(
		while read -r to _ addr; do
			[ "$to" = "$name" ] && continue
			if ip netns exec "$ns" ping -6 -c1 -W2 -n "$addr" >/dev/null 2>&1; then r=ok; else r=FAIL; fi
			echo "$name $to $r"
		done <"$FAB_DIR/endpoints" >"$FAB_DIR/ping.$name"
	) &
	pingers="$pingers $!"
done <"$FAB_DIR/endpoints"
for p in $pingers; do wait "$p"; done
cat "$FAB_DIR"/ping.* >"$FAB_DIR/pings"
fab_capture_stop

reach_table
pairs=$(wc -l <"$FAB_DIR/pings")
reached=$(grep -c ' ok$' "$FAB_DIR/pings")
[ "$pairs" -eq $((count * (count - 1))) ] || fail "only $pairs pairs were tried"
[ "$reached" -eq "$pairs" ] || fail "$((pairs - reached)) of $pairs pairs cannot reach each other"

say "NDP on the underlay (every VXLAN frame between the hosts, captured on its bridge)"
read -r ns dad na <<EOF
$(fab_ndp_count "$FAB_DIR/underlay.pcap")
EOF
frames=$(tcpdump -r "$FAB_DIR/underlay.pcap" -n 2>/dev/null | wc -l)
printf '  VXLAN frames in all:                         %s\n' "$frames"
printf '  Neighbor Solicitations to resolve a target:  %s\n' "$ns"
printf '  Neighbor Advertisements:                     %s\n' "$na"
printf '  DAD probes of each host for its own address: %s (unanswered: no peer owns them)\n' "$dad"
[ "$ns" -eq 0 ] || fail "$ns Neighbor Solicitations crossed the underlay"
[ "$na" -eq 0 ] || fail "$na Neighbor Advertisements crossed the underlay"
[ "$frames" -gt 0 ] || fail "nothing at all crossed the underlay: the capture saw no traffic"

say "Answered locally, per host (sixplane stats)"
printf '  %-5s %-11s %-8s %-9s %s\n' host path "NS seen" answered "NA sent"
i=1
while [ "$i" -le "$HOSTS" ]; do
	"$SIXPLANE" stats -s "$FAB_DIR/h$i.sock" --json >"$FAB_DIR/stats.$i" ||
		fail "host $i: sixplane stats failed"
	# one JSON object per interface and data path
	tr '{' '\n' <"$FAB_DIR/stats.$i" | grep '"interface":"sp0"' |
		sed 's/.*"path":"\([^"]*\)".*"ns_seen":\([0-9]*\).*"answered":\([0-9]*\).*"na_sent":\([0-9]*\).*/\1 \2 \3 \4/' |
		while read -r path seen answered sent; do
			printf '  %-5s %-11s %-8s %-9s %s\n' "h$i" "$path" "$seen" "$answered" "$sent"
		done
	resolved=$(tr '{' '\n' <"$FAB_DIR/stats.$i" | grep '"interface":"sp0"' |
		sed -n 's/.*"answered":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	# every host resolved at least its two peers and their four containers
	[ "$resolved" -ge $(((HOSTS - 1) * (PER_HOST + 1))) ] ||
		fail "host $i answered only $resolved neighbors itself"
	i=$((i + 1))
done
echo "  (tc-egress: the host's own NS, answered in the kernel and never sent;"
echo "   tc-ingress: NS that reached sp0 from a peer, here only the peers' DAD"
echo "   probes, passed on unanswered. Without BPF the same work shows as netlink,"
echo "   the kernel asking sixplaned, and packet, its AF_PACKET responder.)"

say "sixplane status on host 1"
"$SIXPLANE" status -s "$FAB_DIR/h1.sock" | sed 's/^/  /'

echo
if [ "$failures" -eq 0 ]; then
	printf '%sPASS%s  %d hosts, %d containers, %d/%d pairs reachable, %s NDP frames for emulated targets on the underlay\n' \
		"$G" "$N" "$HOSTS" $((HOSTS * PER_HOST)) "$reached" "$pairs" $((ns + na))
	exit 0
fi
printf '%sFAILED%s  %d check(s) failed\n' "$R" "$N" "$failures"
for n in $(seq 1 "$HOSTS"); do
	echo "--- sixplaned on host $n:"
	tail -n 5 "$FAB_DIR/h$n.log"
done
exit 1
