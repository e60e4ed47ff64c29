#!/bin/sh
# bench/ndp: NDP answering, ours against the peers, one run, one setup.
#
#   bench/ndp/run.sh BUILD_DIR
#
# Two namespaces joined by veth pairs. The same NS generator (nsgen) offers
# NS at fixed rates, then as fast as it can, for a target behind the
# responder's interface; we count the NA that come back (loss) and the
# responder's CPU time per answer. Responders: sixplaned's AF_PACKET path
# ([Proxy] static), ndppd (static rule) and the kernel's proxy_ndp
# (proxy_delay=0, one /128). Then the netlink resolver: 1000 new neighbors
# resolved at once (neighgen) and the first ping's latency, against plain
# multicast NDP answered by a real kernel. Prints a markdown table.
set -u
BUILD=${1:-build}
SIXPLANED=$BUILD/sixplaned
SIXPLANE=$BUILD/sixplane
NSGEN=$BUILD/tests/netns/nsgen
NEIGHGEN=$BUILD/tests/netns/neighgen
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../../tests/netns/lib.sh"
need_netns
for t in "$SIXPLANED" "$NSGEN" "$NEIGHGEN"; do [ -x "$t" ] || die "build first: $t"; done
command -v ndppd >/dev/null 2>&1 || skip "needs ndppd (apt-get install ndppd)"

A="sp-bnA-$$"
B="sp-bnB-$$"
netns_add "$A"
netns_add "$B"
tmp=$(mktemp -d)
ip link add px0 netns "$A" type veth peer name px0b netns "$B" || die veth
ip -n "$A" link set px0 up
ip -n "$B" link set px0b up
TARGET=2001:db8:7::42
# nsgen solicits from fe80::99 with this MAC and answers no NS itself: tell
# A's kernel, or a responder that sends through the kernel's stack (ndppd)
# would wait on resolving the asker first
ip -n "$A" neigh add fe80::99 lladdr 02:00:5e:10:00:99 dev px0 nud permanent
DURATION=${BENCH_SECONDS:-2}

cpu_ticks() { # utime + stime of a pid, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
HZ=$(getconf CLK_TCK)

# offer RATE (0 = as fast as the generator goes) -> "offered answered loss% cpu_us_per_answer"
offer() {
	rate=$1
	pid=$2
	if [ "$rate" -eq 0 ]; then n=400000; else n=$((rate * DURATION)); fi
	c0=$(cpu_ticks "$pid")
	out=$(ip netns exec "$B" "$NSGEN" -i px0b -t "$TARGET" -r "$rate" -n "$n" --wait 1500)
	c1=$(cpu_ticks "$pid")
	# shellcheck disable=SC2086 # split the fields
	set -- $out
	sent=$2 answered=$4 el=$6 grate=$8
	awk -v s="$sent" -v a="$answered" -v el="$el" -v gr="$grate" -v c=$((c1 - c0)) -v hz="$HZ" 'BEGIN {
		loss = s ? 100 * (s - a) / s : 0
		cpu = a ? 1e6 * c / hz / a : 0
		printf "%.0f %.0f %.1f %.2f\n", gr, a / el, loss, cpu }'
}

RATES="10000 50000 100000 200000 0"
run_rates() { # name pid
	for r in $RATES; do
		res=$(offer "$r" "$2")
		# shellcheck disable=SC2086 # split the fields
		set -- "$1" "$2" $res
		label=$r
		[ "$r" -eq 0 ] && label=max
		printf '| %s | %s | %s | %s | %s%% | %s |\n' "$1" "$label" "$3" "$4" "$5" "$6" >>"$tmp/table"
	done
}

: >"$tmp/table"
# --- sixplaned, AF_PACKET path ---
cat >"$tmp/sp.conf" <<EOC
[Proxy]
Interface = px0
Prefix = 2001:db8:7::/64
EOC
ip netns exec "$A" "$SIXPLANED" -c "$tmp/sp.conf" -s "$tmp/sock" 2>"$tmp/sp.log" &
P=$!
PIDS="$PIDS $P"
wait_for 5 grep -q serving "$tmp/sp.log" || die "sixplaned did not start: $(cat "$tmp/sp.log")"
run_rates "sixplaned (AF_PACKET)" "$P"
kill "$P"
wait "$P" 2>/dev/null

# --- ndppd, static rule ---
cat >"$tmp/ndppd.conf" <<EOC
proxy px0 {
    rule 2001:db8:7::/64 {
        static
    }
}
EOC
ip netns exec "$A" ndppd -c "$tmp/ndppd.conf" >"$tmp/ndppd.log" 2>&1 &
P=$!
PIDS="$PIDS $P"
sleep 1
kill -0 "$P" 2>/dev/null || die "ndppd did not start: $(cat "$tmp/ndppd.log")"
run_rates "ndppd 0.2 (static)" "$P"
kill "$P"
wait "$P" 2>/dev/null

# --- the kernel's proxy_ndp, one /128, proxy_delay=0 ---
ip netns exec "$A" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.px0.proxy_ndp=1 \
	net.ipv6.neigh.px0.proxy_delay=0
ip -n "$A" -6 neigh add proxy "$TARGET" dev px0
# the kernel answers in softirq context: its CPU shows as system time of no
# process, so the CPU column is empty for it
for r in $RATES; do
	res=$(offer "$r" $$)
	# shellcheck disable=SC2086 # split the fields
	set -- $res
	label=$r
	[ "$r" -eq 0 ] && label=max
	printf '| kernel proxy_ndp | %s | %s | %s | %s%% | n/a |\n' "$label" "$1" "$2" "$3" >>"$tmp/table"
done
ip -n "$A" -6 neigh del proxy "$TARGET" dev px0
ip netns exec "$A" sysctl -qw net.ipv6.conf.px0.proxy_ndp=0

# --- the netlink resolver vs multicast NDP ---
NWID=8056c2e21c000001
SELF=89e92ceee5
PEER=1122334455
N=${BENCH_NEIGHBORS:-1000}
ip link add sp0 netns "$A" type veth peer name sp0b netns "$B" || die veth
ip -n "$A" link set sp0 address "$("$SIXPLANE" mac $NWID $SELF --json | sed 's/.*"mac":"\([^"]*\)".*/\1/')" up
ip -n "$B" link set sp0b address "$("$SIXPLANE" mac $NWID $PEER --json | sed 's/.*"mac":"\([^"]*\)".*/\1/')" up
ip -n "$A" addr add fc9c:56c2:e389:e92c:eee5::1/40 dev sp0 nodad
ip -n "$B" addr add fc9c:56c2:e311:2233:4455::1/40 dev sp0b nodad
# (the neighbor table limits, gc_thresh*, are global: 1024 fits N=1000)
PFX=fc9c:56c2:e311:2233:4455::/80
# the peer holds the targets, so its kernel can answer the multicast NS
"$NEIGHGEN" --list -p "$PFX" -n "$N" --seed 7 | sed 's|^\(.*\)$|addr add \1/128 dev sp0b nodad|' >"$tmp/addrs"
ip -n "$B" -b "$tmp/addrs" || die "cannot add $N addresses to the peer"
first_ping() { # median first-ping RTT (ms) to 5 fresh targets on the peer
	for i in 1 2 3 4 5; do
		t="fc9c:56c2:e311:2233:4455:$1:0:$i"
		ip -n "$B" addr add "$t/128" dev sp0b nodad
		ip netns exec "$A" ping -6 -c1 -W2 -n "$t" | sed -n 's/.*time=\([0-9.]*\).*/\1/p'
	done | sort -n | sed -n 3p
}
mc=$(ip netns exec "$A" "$NEIGHGEN" -i sp0 -p "$PFX" -n "$N" --seed 7)
mc_ping=$(first_ping 1)
ip -n "$A" -6 neigh flush dev sp0
cat >"$tmp/res.conf" <<EOC
[Network]
Id = $NWID
Node = $SELF
Interface = sp0
Solicit = emulated-only
EOC
ip netns exec "$A" "$SIXPLANED" -c "$tmp/res.conf" -s "$tmp/sock2" 2>"$tmp/res.log" &
P=$!
PIDS="$PIDS $P"
wait_for 5 grep -q serving "$tmp/res.log" || die "sixplaned did not start"
em=$(ip netns exec "$A" "$NEIGHGEN" -i sp0 -p "$PFX" -n "$N" --seed 9)
em_ping=$(first_ping 2)
kill "$P"
wait "$P" 2>/dev/null

# shellcheck disable=SC2086 # split the fields
set -- $mc
mc_rate=$8 mc_el=$6 mc_done=$4
# shellcheck disable=SC2086 # split the fields
set -- $em
em_rate=$8 em_el=$6 em_done=$4

echo "## bench/ndp ($(date -u +%Y-%m-%d), $(uname -srm), $(nproc) CPUs: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
echo
echo "NS answered, offered by nsgen over veth between two namespaces, ${DURATION} s per rate (max = the generator's own top speed):"
echo
echo "| responder | offered/s | offered (measured)/s | answered/s | loss | CPU µs/answer |"
echo "|---|---|---|---|---|---|"
cat "$tmp/table"
echo
# the best answered rate each responder reached, and the targets of the issue
awk -F' [|] ' '{ gsub(/^[|] /, "", $1); r = $4 + 0; if (r > best[$1]) best[$1] = r }
END {
	s = best["sixplaned (AF_PACKET)"]; n = best["ndppd 0.2 (static)"]; k = best["kernel proxy_ndp"]
	ratio = n ? s / n : 0
	verdict = ratio >= 4 ? "met" : "NOT met"
	printf("Most answered per second: sixplaned %d, ndppd %d (sixplaned/ndppd %.1fx, target 4x: %s), kernel proxy_ndp %d (for one /128 only).\n", s, n, ratio, verdict, k)
}' "$tmp/table"
awk -F' [|] ' '$1 ~ /sixplaned/ && ($2 == "10000" || $2 == "50000" || $2 == "100000") && $5 != "0.0%" { bad = 1 }
END { printf "sixplaned answered every NS offered up to 100k/s: %s.\n", bad ? "NO" : "yes" }' "$tmp/table"
echo
echo "Resolving $N new neighbors at once, and the first ping to a new neighbor (median of 5):"
echo
echo "| resolver | resolved | time | neighbors/s | first ping |"
echo "|---|---|---|---|---|"
echo "| sixplaned netlink resolver | $em_done/$N | ${em_el} s | $em_rate | ${em_ping:-?} ms |"
echo "| multicast NDP, peer kernel answers | $mc_done/$N | ${mc_el} s | $mc_rate | ${mc_ping:-?} ms |"
rm -rf "$tmp"
