#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/fabric: the backplane, sixplane against the same kernel VXLAN made
# by hand with flooding and multicast NDP (scripts/fabric.sh, mode vxlan:
# the peer), built in namespaces and measured back to back in one run.
#
#   bench/fabric/run.sh BUILD_DIR
#
# 1. The first reply between a new pair of containers (host 1 -> host 2 of
#    3): ping -c1, the first RTT, over fresh pairs. In the peer the remote
#    host answers by the kernel's proxy_ndp (Docker's documented way), with
#    proxy_delay=0 so that it is measured at its best.
# 2. NDP frames on the underlay per 1,000 new neighbors, 3..8 hosts: host 1
#    resolves new addresses in the other hosts' /80s (neighgen), the
#    underlay bridge is captured and the NS and NA inside the VXLAN counted,
#    each replicated copy once. The peer's points are fitted to
#    doc/fabric.md's model (one NS to every peer, one NA) and extrapolated
#    to 1,000 hosts; ours are printed as measured.
# 3. TCP throughput container to container (iperf3), alternating, median:
#    the data path is the kernel's VXLAN either way. In the same rounds, on
#    the same hosts and containers, sixplane with the fabric guard on (the
#    default, doc/guard.md) and with Guard = off in every host's [Network]
#    (the file rewritten and sixplaned reloaded between runs, the order of
#    on and off swapped every round), and the guard programs' run time from
#    the kernel's BPF stats (kernel.bpf_stats_enabled set to 1 for these
#    rounds, restored after): sp_guard_underlay on the receiving host's
#    underlay interface, sp_guard_egress on the sending host's sp0.
#    And in the same rounds, on one more fabric of 3 hosts with a container
#    on hosts 1 and 2, its WireGuard engine configured in turn by sixplaned
#    with Transport = wireguard on every host (doc/wireguard.md) and by
#    hand with wg set, ip addr and ip route (scripts/fabric.sh, mode wg:
#    the same keys, interface names, port, MTU, addresses, routes and
#    allowed IPs, checked equal host by host), the engine stopped and
#    started afresh at each switch, one switch per round, so that each
#    round holds one run of each in an order swapped every round; both
#    also against sixplane's VXLAN runs; and the CPU time the hosts'
#    sixplaned took while they ran. Left out, and said so in the table,
#    without wg or a WireGuard engine.
# Prints a markdown table; progress goes to stderr. A missed expectation is
# reported, never an error; a setup that does not work is (FAIL: ...).
#
# BENCH_PAIRS (20), BENCH_NEIGHBORS (1000), BENCH_SECONDS (5, per iperf3
# run) and BENCH_RUNS (3) change the sizes. BENCH_NDP=0 leaves out 2 (most
# of the time; for a quick check, not a result: its table says so).
set -u
BUILD=${1:-build}
SIXPLANED=$BUILD/sixplaned
SIXPLANE=$BUILD/sixplane
NEIGHGEN=$BUILD/tests/netns/neighgen
PAIRS=${BENCH_PAIRS:-20}
NEIGHBORS=${BENCH_NEIGHBORS:-1000}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
NDP=${BENCH_NDP:-1}
HOSTS_MIN=3
HOSTS_MAX=8
# the kernel's neighbor table is one for all namespaces (gc_thresh3, 1024
# entries by default): resolve in chunks and flush in between, so that the
# bench (and whatever else runs on the machine) never fills it
CHUNK=200

# shellcheck source=scripts/fabric.sh
. "$(dirname "$0")/../../scripts/fabric.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
say() { echo "bench/fabric: $*" >&2; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
for cmd in ip bridge tcpdump iperf3 ping ss bpftool; do
	command -v "$cmd" >/dev/null 2>&1 || skip "needs $cmd"
done
ip netns add "sp-bfprobe-$$" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "sp-bfprobe-$$"
for t in "$SIXPLANED" "$SIXPLANE" "$NEIGHGEN"; do
	[ -x "$t" ] || fab_die "build first (cmake --build $BUILD): no $t"
done

# Several fabrics, one at a time in fabric.sh's variables: each has its own
# directory under ROOT, so that cleanup finds all of them.
ROOT=$(mktemp -d)
IPERF_PID=""
BG_PIDS=""
# the kernel's BPF stats switch as it was, put back on any exit
STATS_WAS=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo "")
[ -n "$STATS_WAS" ] || skip "needs kernel.bpf_stats_enabled"
cleanup_all() {
	sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
	for cl_p in $IPERF_PID $BG_PIDS; do
		kill "$cl_p" 2>/dev/null
		wait "$cl_p" 2>/dev/null
	done
	for cl_d in "$ROOT"/*/; do
		[ -d "$cl_d" ] || continue
		FAB_DIR=${cl_d%/}
		fab_cleanup
	done
	rm -rf "$ROOT"
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

# use_fab NAME MODE: make fabric NAME (namespaces sp-bfPIDNAME-...) current
use_fab() {
	FAB=bf$$$1
	FAB_DIR=$ROOT/$1
	FAB_MODE=$2
	mkdir -p "$FAB_DIR"
}
# end_fab: remove the current fabric's namespaces (fab_cleanup stops every
# process in FAB_PIDS, those of any fabric still up included)
end_fab() {
	fab_cleanup
	rm -rf "$FAB_DIR"
}
# proxy_delay0 COUNT: the peer's hosts answer proxied NS at once (the
# kernel's default is a random delay of up to 0.8 s)
proxy_delay0() {
	pd_i=1
	while [ "$pd_i" -le "$1" ]; do
		ip netns exec "sp-$FAB-h$pd_i" sysctl -qw net.ipv6.neigh.sp0.proxy_delay=0 ||
			fab_die "host $pd_i: proxy_delay"
		pd_i=$((pd_i + 1))
	done
}
# spawn HOST J: fab_container HOST J in the background (each waits for its
# link-local address's DAD, so they are made side by side); reap: wait for
# all of them
spawn() {
	(fab_container "$1" "$2") &
	BG_PIDS="$BG_PIDS $!"
}
reap() {
	for rp_p in $BG_PIDS; do wait "$rp_p" || fab_die "a container could not be made"; done
	BG_PIDS=""
}
# containers HOST FIRST LAST: containers FIRST..LAST behind HOST
containers() {
	ct_j=$2
	while [ "$ct_j" -le "$3" ]; do
		spawn "$1" "$ct_j"
		ct_j=$((ct_j + 1))
	done
	reap
}
# addr_of NAMESPACE: a container's address
addr_of() { sed -n "s/^$1=//p" "$FAB_DIR/containers"; }
# stats: "median p90" of the numbers on stdin (p90: nearest rank)
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (!NR) { print "? ?"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		r = int(0.9 * NR); if (r < 0.9 * NR) r++
		print m, v[r] }'
}
median() { stats | cut -d' ' -f1; }
# room N: wait (up to 5 s) until the neighbor table has room for N more
# entries on host 1 and N on their owner, beside what others hold in it
room() {
	rm_max=$(cat /proc/sys/net/ipv6/neigh/default/gc_thresh3 2>/dev/null || echo 1024)
	rm_i=0
	while [ "$rm_i" -lt 50 ]; do
		rm_n=$(printf '%d' "0x$(awk 'NR == 2 { print $1 }' /proc/net/stat/ndisc_cache 2>/dev/null || echo 0)")
		[ "$((rm_n + 2 * $1 + 64))" -le "$rm_max" ] && return 0
		sleep 0.1
		rm_i=$((rm_i + 1))
	done
	say "the neighbor table holds $rm_n of $rm_max entries; going on anyway"
}

T0=$(date +%s)

# --- 1 and 3: two fabrics of 3 hosts side by side, PAIRS containers on
# hosts 1 and 2 each ---
pair_fabric() { # pair_fabric NAME MODE
	use_fab "$1" "$2"
	say "$2: 3 hosts, $PAIRS containers on host 1 and on host 2..."
	fab_underlay
	fab_hosts 3 "$2"
	[ "$2" = vxlan ] && proxy_delay0 3
	# the first container of a host makes its docker0, the rest side by side
	fab_container 1 1
	fab_container 2 1
	containers 1 2 "$PAIRS"
	containers 2 2 "$PAIRS"
}
pair_fabric s sixplane
pair_fabric v vxlan

# table_fulls: how often the neighbor table (of all namespaces) was full
table_fulls() {
	awk 'NR > 1 { print $NF }' /proc/net/stat/ndisc_cache 2>/dev/null |
		while read -r tf_h; do printf '%d\n' "0x$tf_h"; done | awk '{ s += $1 } END { print s + 0 }'
}
# first_reply NAME MODE I: the RTT (ms) of the first ping from container I
# on host 1 to container I on host 2, never used before. A ping lost
# because the neighbor table overflowed (others on the machine can fill
# it) is tried once more and counted in RETRIED.
RETRIED=0
first_reply() {
	use_fab "$1" "$2"
	fr_to=$(addr_of "sp-$FAB-h2c$3")
	for fr_try in 1 2; do
		room 16
		fr_full=$(table_fulls)
		fr_out=$(ip netns exec "sp-$FAB-h1c$3" ping -6 -c1 -W2 -n "$fr_to" 2>&1)
		fr_ms=$(echo "$fr_out" | sed -n 's/.*time=\([0-9.]*\).*/\1/p')
		[ -n "$fr_ms" ] && break
		if [ "$fr_try" -eq 2 ] || [ "$(table_fulls)" -le "$fr_full" ]; then break; fi
		say "$2: pair $3 lost its first ping to a full neighbor table; once more"
		RETRIED=$((RETRIED + 1))
	done
	[ -n "$fr_ms" ] || fab_die "$2: container $3 on host 1 got no reply from $fr_to: $fr_out"
	echo "$fr_ms" >>"$ROOT/first.$1"
}
say "first reply for $PAIRS new container pairs, the two modes in turn..."
: >"$ROOT/first.s"
: >"$ROOT/first.v"
i=1
while [ "$i" -le "$PAIRS" ]; do
	first_reply s sixplane "$i"
	first_reply v vxlan "$i"
	i=$((i + 1))
done
# shellcheck disable=SC2046 # two fields
set -- $(stats <"$ROOT/first.s") $(stats <"$ROOT/first.v")
FR_S_MED=$1 FR_S_P90=$2 FR_V_MED=$3 FR_V_P90=$4
# the underlay's own round trip, host 1 to host 2, for scale
use_fab s sixplane
UL_RTT=$(ip netns exec "sp-$FAB-h1" ping -c 5 -i 0.2 -n "$(fab_ul 2)" 2>&1 |
	sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
[ -n "$UL_RTT" ] || fab_die "host 1 cannot ping host 2 on the underlay"

# iperf NAME MODE: Gbit/s received, container 1 on host 1 -> on host 2
iperf() {
	use_fab "$1" "$2"
	ip_srv="sp-$FAB-h2c1"
	ip_to=$(addr_of "$ip_srv")
	ip netns exec "$ip_srv" iperf3 -s -1 >"$ROOT/iperf-server.log" 2>&1 &
	IPERF_PID=$!
	fab_wait 5 sh -c "ip netns exec $ip_srv ss -Hltn | grep -q ':5201 '" ||
		fab_die "$2: iperf3 server did not start: $(cat "$ROOT/iperf-server.log")"
	# in Mbit/s, which iperf3 prints with 3 or 4 digits at these rates
	# (its Gbit/s has 2 below 10: too coarse for a 2% target at 1 Gbit/s)
	ip_out=$(ip netns exec "sp-$FAB-h1c1" iperf3 -c "$ip_to" -t "$SECONDS_PER_RUN" -f m -V 2>&1)
	kill "$IPERF_PID" 2>/dev/null
	wait "$IPERF_PID" 2>/dev/null
	IPERF_PID=""
	ip_g=$(echo "$ip_out" | awk '/receiver$/ { for (k = 2; k <= NF; k++) if ($k == "Mbits/sec") v = $(k - 1) } END { if (v != "") printf "%.3f\n", v / 1000 }')
	[ -n "$ip_g" ] || fab_die "$2: iperf3 to $ip_to failed: $(echo "$ip_out" | tail -n 3)"
	# the sender's MSS (iperf3 -V), for the table's notes
	echo "$ip_out" | sed -n 's/.*TCP MSS: \([0-9]*\).*/\1/p' | head -n 1 >"$ROOT/mss.$1"
	echo "$ip_g"
}

# The guard's programs of host I of fabric s, by their ids: every sixplaned
# loads its own (a program is one object for all namespaces), so they are
# found among the program fds its process holds. guard_prog I NAME -> id
# (the kernel keeps 15 characters of a name: sp_guard_underl, sp_guard_egress)
guard_prog() {
	gp_pid=$S_D1
	[ "$1" = 2 ] && gp_pid=$S_D2
	for gp_f in /proc/"$gp_pid"/fdinfo/*; do
		gp_id=$(sed -n 's/^prog_id:[[:space:]]*//p' "$gp_f" 2>/dev/null)
		[ -n "$gp_id" ] || continue
		bpftool prog show id "$gp_id" -j 2>/dev/null | grep -q "\"name\":\"$(echo "$2" | cut -c1-15)" &&
			echo "$gp_id" && return 0
	done
	return 1
}
# prog_stats ID -> "run_time_ns run_cnt" (0 0 while the stats were never on)
prog_stats() {
	bpftool prog show id "$1" -j | awk '{
		t = c = 0
		if (match($0, /"run_time_ns":[0-9]+/)) t = substr($0, RSTART + 14, RLENGTH - 14)
		if (match($0, /"run_cnt":[0-9]+/)) c = substr($0, RSTART + 10, RLENGTH - 10)
		print t, c }'
}
# dev_bytes HOST DEV rx|tx: the byte counter of a host's interface
dev_bytes() { ip netns exec "sp-bf$$s-h$1" cat "/sys/class/net/$2/statistics/$3_bytes"; }
# guard_snap: "ingress_ns ingress_runs egress_ns egress_runs rx_bytes tx_bytes":
# the receiver's (host 2) underlay program and eth0 received bytes, the
# sender's (host 1) egress program and sp0 sent bytes
guard_snap() {
	echo "$(prog_stats "$G_UL") $(prog_stats "$G_EG") $(dev_bytes 2 eth0 rx) $(dev_bytes 1 sp0 tx)"
}
# guard_set on|off: Guard in every host's [Network] of fabric s, reloaded
# (sixplaned --reload waits for the result)
guard_set() {
	use_fab s sixplane
	gs_i=1
	while [ "$gs_i" -le 3 ]; do
		sed -i '/^Guard = /d' "$FAB_DIR/h$gs_i.conf"
		[ "$1" = off ] && sed -i '/^Underlay = /a Guard = off' "$FAB_DIR/h$gs_i.conf"
		"$SIXPLANED" --reload -s "$FAB_DIR/h$gs_i.sock" >"$ROOT/reload.out" 2>&1 ||
			fab_die "host $gs_i: reload with Guard = $1: $(cat "$ROOT/reload.out")"
		gs_i=$((gs_i + 1))
	done
	GUARD=$1
}
# guarded_iperf: iperf s sixplane in the current state of the guard, its
# Gbit/s to tp.on or tp.off (and tp.s when on, the default), the programs'
# counters over the run to gstat.on or gstat.off
guarded_iperf() {
	gi_a=$(guard_snap)
	iperf s sixplane >"$ROOT/tp.one" || exit 1
	echo "$gi_a $(guard_snap)" | awk '{ printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", $7 - $1, $8 - $2, $9 - $3, $10 - $4, $11 - $5, $12 - $6 }' \
		>>"$ROOT/gstat.$GUARD"
	cat "$ROOT/tp.one" >>"$ROOT/tp.$GUARD"
	[ "$GUARD" = on ] && cat "$ROOT/tp.one" >>"$ROOT/tp.s"
	return 0
}

eval "S_D1=\$FAB_D1 S_D2=\$FAB_D2"
G_UL=$(guard_prog 2 sp_guard_underlay) || fab_die "host 2: no sp_guard_underlay among sixplaned's programs"
G_EG=$(guard_prog 1 sp_guard_egress) || fab_die "host 1: no sp_guard_egress among sixplaned's programs"

# --- 3, WireGuard: fabric w, 3 hosts, container 1 on hosts 1 and 2, with
# its engine configured in turn by sixplaned (Transport = wireguard, mode
# wireguard) and by hand (mode wg): the same hosts, containers, keys and
# interface names, the engine started afresh at each switch ---
# wg_engine: what this kernel gives, as sixplaned chooses: kernel or wireguard-go
wg_engine() {
	ip netns add "sp-bfwgprobe-$$" 2>/dev/null || return 1
	if ip -n "sp-bfwgprobe-$$" link add wgprobe type wireguard 2>/dev/null; then
		echo kernel
	elif command -v wireguard-go >/dev/null 2>&1; then
		echo wireguard-go
	fi
	ip netns del "sp-bfwgprobe-$$"
}
WG_ENGINE=""
command -v wg >/dev/null 2>&1 && WG_ENGINE=$(wg_engine)
# wg_ours: sixplaned on the 3 hosts, serving; wg_hand: the same by hand.
# Each then pings container 1 of host 2 from host 1's: the path works, and
# the handshake is made before the timed runs.
wg_ours() {
	use_fab w wireguard
	wo_i=1
	while [ "$wo_i" -le 3 ]; do
		fab_start "$wo_i"
		wo_i=$((wo_i + 1))
	done
	eval "W_D1=\$FAB_D1 W_D2=\$FAB_D2 W_D3=\$FAB_D3"
	wg_ping
	W_UP=ours
	W_TICKS0=$(daemon_ticks)
	W_T0=$(date +%s)
}
wg_hand() {
	use_fab w wg
	wh_i=1
	while [ "$wh_i" -le 3 ]; do
		fab_plain_wg "$wh_i" 3
		wh_i=$((wh_i + 1))
	done
	wg_ping
	W_UP=hand
}
wg_ping() {
	ip netns exec "sp-$FAB-h1c1" ping -6 -c1 -W3 -n "$(addr_of "sp-$FAB-h2c1")" >/dev/null ||
		fab_die "$FAB_MODE: container 1 of host 1 cannot reach host 2's"
}
# forget PID: out of FAB_PIDS (stopped: the number may be another's later)
forget() { FAB_PIDS=$(echo "$FAB_PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' '); }
# stop PID: SIGTERM, and wait (5 s) until it is gone
stop() {
	kill "$1" 2>/dev/null
	st_i=0
	while kill -0 "$1" 2>/dev/null && [ "$st_i" -lt 50 ]; do
		sleep 0.1
		st_i=$((st_i + 1))
	done
	kill -0 "$1" 2>/dev/null && fab_die "pid $1 did not stop"
	wait "$1" 2>/dev/null
	forget "$1"
}
# the CPU time (clock ticks) of the hosts' sixplaned, summed
daemon_ticks() {
	for dt_p in $W_D1 $W_D2 $W_D3; do awk '{ print $14 + $15 }' "/proc/$dt_p/stat"; done |
		awk '{ s += $1 } END { print s + 0 }'
}
# wg_ours_time: the hosts' sixplaned's CPU time since wg_ours, and the
# time they ran, into W_TICKS and W_SECS
wg_ours_time() {
	W_TICKS=$((W_TICKS + $(daemon_ticks) - W_TICKS0))
	W_SECS=$((W_SECS + $(date +%s) - W_T0))
}
# wg_ours_end: sixplaned stopped (its device, wireguard-go and route go
# with it), its time counted
wg_ours_end() {
	wg_ours_time
	for we_p in $W_D1 $W_D2 $W_D3; do stop "$we_p"; done
	we_i=1
	while [ "$we_i" -le 3 ]; do
		fab_wait 5 sh -c "! ip -n sp-$FAB-h$we_i link show $(fab_if "$we_i")" ||
			fab_die "host $we_i: sixplaned left its WireGuard interface"
		we_i=$((we_i + 1))
	done
}
# wg_hand_end: the hand-made device gone, and its unreachable /80
wg_hand_end() {
	we_i=1
	while [ "$we_i" -le 3 ]; do
		we_h="sp-$FAB-h$we_i"
		we_if=$(fab_if "$we_i")
		if we_p=$(pgrep -x -f "wireguard-go -f $we_if"); then
			stop "$we_p"
		else
			ip -n "$we_h" link del "$we_if" # the kernel's module
		fi
		fab_wait 5 sh -c "! ip -n $we_h link show $we_if" || fab_die "host $we_i: $we_if is still there"
		ip -n "$we_h" -6 route del unreachable "$(fab_prefix "$we_i")::/80" metric 2147483647 ||
			fab_die "host $we_i: removing the unreachable /80"
		we_i=$((we_i + 1))
	done
}
# wg_shape I: host I's WireGuard device as the kernel and the engine hold
# it, in words that do not name the fabric: the kind of device, MTU, qdisc
# and queue length, global addresses, the IPv6 routes, the BPF programs on
# the host's interfaces (none is expected: no NDP and no guard program on a
# WireGuard backplane), the engine's public key, port and fwmark, each
# peer's key, endpoint, allowed IPs and keepalive (never the private key:
# the dump's first field)
wg_shape() {
	ws_h="sp-$FAB-h$1"
	ws_if=$(fab_if "$1")
	ip -n "$ws_h" -d -o link show "$ws_if" | awk '{
		gsub(/\\/, " ")
		for (k = 1; k < NF; k++) if ($k == "mtu" || $k == "qdisc" || $k == "qlen") printf "%s %s ", $k, $(k + 1)
		if (/ tun type tun /) print "tun"; else if (/ wireguard /) print "wireguard"; else print "?" }'
	ip -n "$ws_h" -6 -o addr show dev "$ws_if" scope global | awk '{ print "addr", $4 }'
	ip -n "$ws_h" -6 route show | grep -v '^fe80::' | sed "s/ dev $ws_if / dev PLANE /" | sort
	ip netns exec "$ws_h" bpftool net show 2>/dev/null | grep ' prog_id ' |
		sed "s/([0-9]*)//; s/ prog_id [0-9]*//; s/ link_id [0-9]*//; s/^$ws_if /PLANE /; s/^/bpf /" | sort
	# the keys named by their hosts: the table shows the shape, not this run's keys
	ws_j=1
	ws_keys=""
	while [ "$ws_j" -le 3 ]; do
		ws_keys="$ws_keys s|$(fab_pub "$ws_j")|h$ws_j's-key|;"
		ws_j=$((ws_j + 1))
	done
	ip netns exec "$ws_h" wg show "$ws_if" dump |
		awk -F '\t' 'NR == 1 { print "device", $2, $3, $4; next } { print "peer", $1, $3, $4, $8 }' |
		sed "$ws_keys" | sort
}
if [ -n "$WG_ENGINE" ]; then
	use_fab w wireguard
	say "wireguard: 3 hosts, a container on host 1 and on host 2..."
	fab_underlay
	fab_hosts 3 wireguard
	eval "W_D1=\$FAB_D1 W_D2=\$FAB_D2 W_D3=\$FAB_D3"
	fab_container 1 1
	fab_container 2 1
	wg_ping
	"$SIXPLANE" status -s "$FAB_DIR/h1.sock" --json >"$ROOT/status.w" || fab_die "wireguard: sixplane status"
	grep -q "\"engine\": *\"$WG_ENGINE\"" "$ROOT/status.w" ||
		fab_die "wireguard: sixplaned runs another engine than $WG_ENGINE: $(cat "$ROOT/status.w")"
	# the hand-made device takes the MTU sixplaned chose
	FAB_WG_MTU=$(ip -n "sp-$FAB-h1" -o link show "$(fab_if 1)" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
	for i in 1 2 3; do wg_shape "$i" >"$ROOT/shape.w$i"; done
	W_TICKS=0
	W_SECS=0
	W_TICKS0=$(daemon_ticks)
	W_T0=$(date +%s)
	wg_ours_end
	say "wg: the same by hand..."
	wg_hand
	for i in 1 2 3; do
		wg_shape "$i" >"$ROOT/shape.g"
		if [ ! -s "$ROOT/shape.w$i" ] || ! cmp -s "$ROOT/shape.w$i" "$ROOT/shape.g"; then
			fab_die "host $i: the WireGuard made by hand differs from sixplaned's (< sixplaned, > by hand):
$(diff "$ROOT/shape.w$i" "$ROOT/shape.g")"
		fi
	done
	WG_SHAPE=$(cat "$ROOT/shape.w1")
	# from here on: the rounds' share only (not the first start's)
	W_TICKS=0
	W_SECS=0
else
	say "no wg, or no WireGuard engine: the WireGuard rows are left out"
fi
sysctl -qw kernel.bpf_stats_enabled=1 || fab_die "cannot set kernel.bpf_stats_enabled"
say "iperf3, ${SECONDS_PER_RUN} s per run, $RUNS rounds of sixplane with the guard on and off, the peer, and WireGuard in turn..."
for f in tp.s tp.v tp.on tp.off gstat.on gstat.off tp.w tp.g; do : >"$ROOT/$f"; done
# what else runs on the machine: the load average with the fabrics idle
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
GUARD=on
i=1
while [ "$i" -le "$RUNS" ]; do
	# on, peer, off in odd rounds; off, peer, on in even ones
	guarded_iperf
	iperf v vxlan >>"$ROOT/tp.v" || exit 1
	if [ "$GUARD" = on ]; then guard_set off; else guard_set on; fi
	guarded_iperf
	# WireGuard on the same hosts: by hand then sixplaned in odd rounds,
	# sixplaned first in even ones (one switch of engine per round; the
	# hand-made one is up after the comparison above)
	if [ -n "$WG_ENGINE" ]; then
		if [ $((i % 2)) -eq 1 ]; then
			iperf w wg >>"$ROOT/tp.g" || exit 1
			wg_hand_end
			wg_ours
			iperf w wireguard >>"$ROOT/tp.w" || exit 1
		else
			iperf w wireguard >>"$ROOT/tp.w" || exit 1
			wg_ours_end
			wg_hand
			iperf w wg >>"$ROOT/tp.g" || exit 1
		fi
	fi
	i=$((i + 1))
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# sixplaned's time in the rounds, if it configures the engine at the end
# (before any end_fab: that stops every fabric's processes)
[ -n "$WG_ENGINE" ] && [ "$W_UP" = ours ] && wg_ours_time
[ "$GUARD" = on ] || guard_set on
sysctl -qw kernel.bpf_stats_enabled="$STATS_WAS"
# with Guard = off the programs must not have run: else the reload did not
# take them off and the comparison would be void
awk '$2 || $4 { bad = 1 } END { exit !bad }' "$ROOT/gstat.off" &&
	fab_die "the guard's programs ran with Guard = off: $(cat "$ROOT/gstat.off")"
awk '!$2 || !$4 { bad = 1 } END { exit !bad }' "$ROOT/gstat.on" &&
	fab_die "a guarded run left a program's run count still: $(cat "$ROOT/gstat.on")"
TP_S=$(median <"$ROOT/tp.s")
TP_V=$(median <"$ROOT/tp.v")
TP_S_ALL=$(paste -sd' ' "$ROOT/tp.s")
TP_V_ALL=$(paste -sd' ' "$ROOT/tp.v")
TP_ON=$(median <"$ROOT/tp.on")
TP_OFF=$(median <"$ROOT/tp.off")
TP_ON_ALL=$(paste -sd' ' "$ROOT/tp.on")
TP_OFF_ALL=$(paste -sd' ' "$ROOT/tp.off")
# on/off per round (each round holds one of each), and its median
TP_PAIRED=$(paste "$ROOT/tp.on" "$ROOT/tp.off" | awk '{ printf "%.3f\n", ($2 > 0 ? $1 / $2 : 0) }')
TP_PAIRED_MED=$(echo "$TP_PAIRED" | median)
TP_PAIRED_ALL=$(echo "$TP_PAIRED" | paste -sd' ')
# the guarded runs' sums: "ingress_ns ingress_runs egress_ns egress_runs rx_bytes tx_bytes"
# (printf: mawk prints a number above 2^31 with 6 digits)
G_SUM=$(awk '{ for (k = 1; k <= 6; k++) s[k] += $k } END { printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", s[1], s[2], s[3], s[4], s[5], s[6] }' "$ROOT/gstat.on")
MSS=$(cat "$ROOT/mss.s")
use_fab s sixplane
MTU_S=$(ip -n "sp-$FAB-h1" -o link show sp0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
use_fab v vxlan
MTU_V=$(ip -n "sp-$FAB-h1" -o link show sp0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
use_fab s sixplane
end_fab
use_fab v vxlan
end_fab
if [ -n "$WG_ENGINE" ]; then
	TP_W=$(median <"$ROOT/tp.w")
	TP_G=$(median <"$ROOT/tp.g")
	TP_W_ALL=$(paste -sd' ' "$ROOT/tp.w")
	TP_G_ALL=$(paste -sd' ' "$ROOT/tp.g")
	# ours/by hand per round (each round holds one of each), and its median
	TP_WG_PAIRED=$(paste "$ROOT/tp.w" "$ROOT/tp.g" | awk '{ printf "%.3f\n", ($2 > 0 ? $1 / $2 : 0) }')
	TP_WG_PAIRED_MED=$(echo "$TP_WG_PAIRED" | median)
	TP_WG_PAIRED_ALL=$(echo "$TP_WG_PAIRED" | paste -sd' ')
	MSS_W=$(cat "$ROOT/mss.w")
	if [ "$W_UP" = ours ]; then use_fab w wireguard; else use_fab w wg; fi
	end_fab
fi

# --- 2: NDP on the underlay per new neighbor, 3..8 hosts ---
# ndp_frames M MODE -> "M MODE NS DAD NA resolved elapsed_s": host 1 resolves
# NEIGHBORS new addresses, shared out over the /80s of hosts 2..M. Every host
# but 1 runs a container, so it holds its /80 on docker0 as Docker does and
# the datagrams that follow the resolution end there. In the peer the owner
# of each address proxies it on sp0 (ip neigh add proxy, as Docker's
# documentation says for each container).
ndp_frames() {
	nf_m=$1
	nf_mode=$2
	use_fab "m$nf_m${nf_mode%"${nf_mode#?}"}" "$nf_mode"
	fab_underlay
	fab_hosts "$nf_m" "$nf_mode"
	nf_j=2
	while [ "$nf_j" -le "$nf_m" ]; do
		spawn "$nf_j" 1
		nf_j=$((nf_j + 1))
	done
	reap
	[ "$nf_mode" = vxlan ] && proxy_delay0 "$nf_m"
	# the plan: one line "host seed count" per chunk
	: >"$FAB_DIR/plan"
	nf_j=2
	while [ "$nf_j" -le "$nf_m" ]; do
		nf_share=$((NEIGHBORS / (nf_m - 1)))
		[ "$((nf_j - 2))" -lt "$((NEIGHBORS % (nf_m - 1)))" ] && nf_share=$((nf_share + 1))
		nf_c=0
		while [ "$nf_share" -gt 0 ]; do
			nf_n=$CHUNK
			[ "$nf_share" -lt "$nf_n" ] && nf_n=$nf_share
			echo "$nf_j $((nf_j * 100 + nf_c)) $nf_n" >>"$FAB_DIR/plan"
			if [ "$nf_mode" = vxlan ]; then
				"$NEIGHGEN" --list -p "$(fab_prefix "$nf_j")::/80" -n "$nf_n" --seed "$((nf_j * 100 + nf_c))" |
					sed 's/.*/neigh add proxy & dev sp0/' >"$FAB_DIR/proxy"
				ip -n "sp-$FAB-h$nf_j" -b "$FAB_DIR/proxy" || fab_die "host $nf_j: proxy entries"
			fi
			nf_share=$((nf_share - nf_n))
			nf_c=$((nf_c + 1))
		done
		nf_j=$((nf_j + 1))
	done
	fab_capture "$FAB_DIR/underlay.pcap"
	nf_res=0
	nf_el=0
	while read -r nf_h nf_seed nf_n; do
		room "$nf_n"
		nf_out=$(ip netns exec "sp-$FAB-h1" "$NEIGHGEN" -i sp0 -p "$(fab_prefix "$nf_h")::/80" \
			-n "$nf_n" --seed "$nf_seed" --timeout 5000 </dev/null 2>"$FAB_DIR/neighgen.err")
		# "neighbors N resolved M elapsed_s S rate R"
		# shellcheck disable=SC2086 # split the fields
		set -- $nf_out
		[ $# -eq 8 ] || fab_die "neighgen: $nf_out $(head -n 1 "$FAB_DIR/neighgen.err")"
		nf_res=$((nf_res + $4))
		nf_el=$(awk -v a="$nf_el" -v b="$6" 'BEGIN { print a + b }')
		ip -n "sp-$FAB-h1" -6 neigh flush dev sp0
		ip -n "sp-$FAB-h$nf_h" -6 neigh flush dev docker0
	done <"$FAB_DIR/plan"
	fab_capture_stop
	echo "$nf_m $nf_mode $(fab_ndp_count "$FAB_DIR/underlay.pcap") $nf_res $nf_el"
	end_fab
}
: >"$ROOT/ndp"
m=$HOSTS_MIN
[ "$NDP" = 0 ] && m=$((HOSTS_MAX + 1))
while [ "$m" -le "$HOSTS_MAX" ]; do
	for mode in vxlan sixplane; do
		say "$mode: $m hosts, $NEIGHBORS new neighbors from host 1..."
		# not in a subshell: the daemons it starts are in FAB_PIDS for cleanup
		ndp_frames "$m" "$mode" >"$ROOT/point"
		# shellcheck disable=SC2046 # the fields
		set -- $(cat "$ROOT/point")
		if [ "$6" -lt "$NEIGHBORS" ]; then
			# others on the machine may fill the neighbor table, which all
			# namespaces share: the whole point once more
			say "$mode, $m hosts: $6 of $NEIGHBORS resolved; once more"
			ndp_frames "$m" "$mode" >"$ROOT/point"
		fi
		cat "$ROOT/point" >>"$ROOT/ndp"
	done
	m=$((m + 1))
done
T1=$(date +%s)

# --- the table ---
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "## bench/fabric ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs: ${cpu:-unknown CPU})"
echo
echo "sixplane (sixplaned on every host) against the peer: the same kernel VXLAN made by hand, flooding to every"
echo "peer (head-end replication) and multicast NDP, remote containers answered by the kernel's proxy_ndp."
echo "Hosts and containers are namespaces on one machine (scripts/fabric.sh), measured back to back in one run"
echo "of $((T1 - T0)) s."
echo
echo "First reply between a new pair of containers (container on host 1 of 3 -> container on host 2, ping -c1, $PAIRS fresh pairs, modes in turn):"
echo
echo "| first RTT | sixplane | plain VXLAN + proxy_ndp | VXLAN/sixplane |"
echo "|---|---|---|---|"
awk -v sm="$FR_S_MED" -v sp="$FR_S_P90" -v vm="$FR_V_MED" -v vp="$FR_V_P90" 'BEGIN {
	printf "| median | %.3f ms | %.3f ms | %.2f |\n", sm, vm, (sm > 0 ? vm / sm : 0)
	printf "| p90 | %.3f ms | %.3f ms | %.2f |\n", sp, vp, (sp > 0 ? vp / sp : 0) }'
echo
echo "The peer with net.ipv6.neigh.sp0.proxy_delay=0 on its hosts (the kernel's default delays a proxied answer"
echo "by up to 0.8 s at random). Its first reply holds two resolutions across the underlay (host 1 for the"
echo "container on host 2, then host 2 for the one on host 1, each a multicast NS to both peers); sixplane"
echo "answers both on the host itself. Each container's resolution of its gateway, and each host's of its own"
echo "container on docker0, happen in both modes alike. The underlay here is a bridge in one kernel (host to"
echo "host RTT $UL_RTT ms): on a real network each resolution across it adds an underlay round trip to the"
echo "peer's first reply, and none to sixplane's."
[ "$RETRIED" -eq 0 ] || echo "$RETRIED first pings were lost to a full neighbor table (others on the machine) and sent again."
echo
if [ "$NDP" = 0 ]; then
	echo "NDP frames on the underlay per 1,000 new neighbors: not measured in this run (BENCH_NDP=0)."
else
echo "NDP frames on the underlay per 1,000 new neighbors: host 1 resolves $NEIGHBORS new addresses spread over the /80s of"
echo "the other hosts (neighgen, chunks of up to $CHUNK), the underlay bridge captured, NS and NA inside the VXLAN"
echo "counted, every replicated copy once:"
echo
echo "| hosts M | plain VXLAN: NS | NA | frames | model M x 1000 | resolved in | sixplane: frames | resolved in |"
echo "|---|---|---|---|---|---|---|---|"
awk -v n="$NEIGHBORS" '
	{ k = 1000 / n }
	$2 == "vxlan" { vns[$1] = $3 + $4; vna[$1] = $5; vf[$1] = ($3 + $4 + $5) * k; vres[$1] = $6; vel[$1] = $7 }
	$2 == "sixplane" { sf[$1] = ($3 + $4 + $5) * k; sres[$1] = $6; sel[$1] = $7; if ($3 + $4 + $5 > smax) smax = $3 + $4 + $5 }
	!seen[$1]++ { ms[++nm] = $1 }
	# least squares of y = a x + b over the complete points
	function fit(x, y) { fn++; fx += x; fxx += x * x; fy += y; fxy += x * y }
	function fitted(  d, ok) {
		d = fn * fxx - fx * fx
		ok = fn >= 2 && d != 0
		fa = fb = fe = "n/a"
		if (ok) {
			fa = (fn * fxy - fx * fy) / d; fb = (fy - fa * fx) / fn; fe = sprintf("%.0f", 999 * fa + fb)
			fa = sprintf("%.0f", fa); fb = sprintf("%.0f", fb)
		}
		fn = fx = fxx = fy = fxy = 0
		return ok
	}
	END {
		for (i = 1; i <= nm; i++) {
			m = ms[i]
			vmark = vres[m] < n ? " (incomplete: not fitted)" : ""
			smark = sres[m] < n ? " (incomplete)" : ""
			if (vmark != "" || smark != "") incomplete = 1
			printf "| %d | %d | %d | %.0f | %d | %s/%d, %.2f s%s | %.0f | %s/%d, %.2f s%s |\n",
				m, vns[m], vna[m], vf[m], m * 1000, vres[m], n, vel[m], vmark, sf[m], sres[m], n, sel[m], smark
		}
		for (i = 1; i <= nm; i++) if (vres[ms[i]] == n) fit(ms[i] - 1, vf[ms[i]])
		vok = fitted(); va = fa; vb = fb; ve = fe
		for (i = 1; i <= nm; i++) if (sres[ms[i]] == n) fit(ms[i] - 1, sf[ms[i]])
		fitted()
		printf "| fit a(M-1) + b | a = %s, b = %s | | | a = 1000, b = 1000 | | a = %s, b = %s | |\n", va, vb, fa, fb
		printf "| extrapolated, M = 1,000 | | | %s | 1000000 | | %s | |\n", ve, fe
		printf "\nThe model (doc/fabric.md, \"Scale\"): per new neighbor one NS replicated to each of the M-1 peers and one NA,\n"
		printf "so a = b = 1000 per 1,000 (an NS left unanswered for a second is sent again, which would show as more).\n"
		if (vok)
			printf "Fitted, the peer costs %.2f frames per peer per new neighbor: %.0f frames per new neighbor at 1,000\nhosts. ", va / 1000, ve / 1000
		printf "sixplane: at most %d NDP frames on the underlay at any M (expected 0: %s). \"resolved in\" is\n", smax, (smax == 0 ? "met" : "NOT met")
		printf "neighgen'"'"'s time until every neighbor had a link-layer address, summed over the chunks.\n"
		if (incomplete)
			printf "Incomplete: not every neighbor was resolved, twice; the kernel'"'"'s neighbor table is one for all namespaces and others on the machine may have filled it.\n"
	}' "$ROOT/ndp"
fi
echo
echo "TCP throughput, container on host 1 -> container on host 2 of 3 (iperf3 -t $SECONDS_PER_RUN, median of $RUNS runs, modes in turn):"
echo
echo "| iperf3 | sixplane | plain VXLAN | sixplane/VXLAN |"
echo "|---|---|---|---|"
awk -v s="$TP_S" -v v="$TP_V" -v sa="$TP_S_ALL" -v va="$TP_V_ALL" 'BEGIN {
	r = v > 0 ? s / v : 0
	printf "| TCP | %.2f Gbit/s | %.2f Gbit/s | %.2f |\n\n", s, v, r
	printf "Runs: sixplane %s; VXLAN %s Gbit/s. ", sa, va
	printf "Within 10%% of the peer (the data path is the kernel'"'"'s VXLAN in both): %s.\n", (r >= 0.9 && r <= 1.1) ? "yes" : "NO" }'
echo "sp0 MTU: sixplane $MTU_S, plain VXLAN $MTU_V."
echo
echo "The fabric guard's cost (doc/guard.md): the same iperf3, the same hosts and containers, sixplane with the guard on (the"
echo "default, the runs above) and with Guard = off in every host's [Network], the file rewritten and sixplaned reloaded"
echo "between runs; each round one run of each, the order swapped every round (median of $RUNS runs each):"
echo
echo "| iperf3 | Guard = on | Guard = off | on/off | target | |"
echo "|---|---|---|---|---|---|"
awk -v on="$TP_ON" -v off="$TP_OFF" -v pm="$TP_PAIRED_MED" 'BEGIN {
	r = off > 0 ? on / off : 0
	printf "| TCP | %.2f Gbit/s | %.2f Gbit/s | %.3f | within 2%% (on/off >= 0.98) | %s |\n", on, off, r, (r >= 0.98 ? "met" : "missed")
	printf "| TCP, on/off per round (median) | | | %.3f | within 2%% (on/off >= 0.98) | %s |\n", pm, (pm >= 0.98 ? "met" : "missed") }'
echo
echo "Runs: on $TP_ON_ALL; off $TP_OFF_ALL Gbit/s; on/off per round $TP_PAIRED_ALL."
# the noise of this machine in the same rounds: the spread of the
# unguarded runs alone, and what the programs took of one CPU
# shellcheck disable=SC2086 # the fields
set -- $G_SUM
awk -v all="$TP_OFF_ALL" -v ns="$(($1 + $3))" -v secs="$((RUNS * SECONDS_PER_RUN))" 'BEGIN {
	n = split(all, v, " "); lo = hi = v[1]
	for (k = 2; k <= n; k++) { if (v[k] < lo) lo = v[k]; if (v[k] > hi) hi = v[k] }
	if (n > 1 && lo > 0) {
		printf "The unguarded runs alone spread by %.1f%% (slowest to fastest): the machine'"'"'s noise in these rounds", (hi / lo - 1) * 100
		printf "%s. ", (hi / lo - 1 > 0.02 ? ", more than the 2% to be judged" : "")
	}
	printf "Both programs together ran %.1f ms in the %d s of guarded iperf3: %.2f%% of one CPU.\n", ns / 1e6, secs, ns / (secs * 1e7) }'
echo
echo "| program (where) | runs (skbs) | ns per run | bytes seen | 1,500-byte packets | ns per 1,500 bytes | bytes per run |"
echo "|---|---|---|---|---|---|---|"
# shellcheck disable=SC2086 # the fields
set -- $G_SUM
awk -v ins="$1" -v inc="$2" -v egs="$3" -v egc="$4" -v rx="$5" -v tx="$6" 'BEGIN {
	printf "| sp_guard_underlay (host 2, the receiver: underlay ingress, eth0) | %.0f | %.1f | %.0f | %.0f | %.1f | %.0f |\n",
		inc, inc ? ins / inc : 0, rx, rx / 1500, rx ? ins * 1500 / rx : 0, inc ? rx / inc : 0
	printf "| sp_guard_egress (host 1, the sender: plane egress, sp0) | %.0f | %.1f | %.0f | %.0f | %.1f | %.0f |\n",
		egc, egc ? egs / egc : 0, tx, tx / 1500, tx ? egs * 1500 / tx : 0, egc ? tx / egc : 0 }'
echo
echo "How measured: iperf3 -c in container 1 of host 1 sending to iperf3 -s in container 1 of host 2 (TCP, the"
echo "client sends; MSS ${MSS:-unknown} bytes as iperf3 -V reports it, over sp0's MTU $MTU_S). The kernel's BPF stats"
echo "(kernel.bpf_stats_enabled=1 through all these rounds, on and off, then set back) give run_time_ns and run_cnt of"
echo "the programs this run's sixplaned loaded (found among its process's program fds), read before and after each"
echo "guarded run and summed; the programs' counts did not move in the unguarded runs (checked). The stats' own cost,"
echo "two clock reads per program run, is in the guarded throughput. run_cnt counts program runs, one per skb: the"
echo "veths and sp0 keep the kernel's default offloads (TSO/GSO on sp0 and the containers' veths, the VXLAN"
echo "encapsulating a GSO skb whole), so one skb holds several TCP segments ("bytes per run"). Per 1,500-byte"
echo "packet: the run time over the bytes the program's interface moved in those runs (received on host 2's eth0:"
echo "outer frames; sent on host 1's sp0: inner frames), counted in 1,500-byte packets, what a path without those"
echo "offloads would run the program for. Only the data direction is counted: the ACKs pass host 1's underlay"
echo "program and host 2's egress program, not in the table."
echo
if [ -z "$WG_ENGINE" ]; then
	echo "WireGuard (Transport = wireguard): not measured in this run (it needs wg, and the kernel's WireGuard or wireguard-go)."
else
echo "WireGuard (doc/wireguard.md): the same iperf3 in the same rounds, on one more fabric of 3 hosts with a container on"
echo "hosts 1 and 2, its engine ($WG_ENGINE) configured in turn by sixplaned with Transport = wireguard on every host and by"
echo "hand with wg set, ip addr and ip route: the same hosts, containers, host keys, interface names, port, MTU,"
echo "addresses, routes and allowed IPs (each peer's /80), checked equal host by host; the engine stopped and started"
echo "afresh at each switch (sixplaned stopped, or the hand-made device removed), one switch per round, so each round"
echo "holds one run of each, the order swapped every round (median of $RUNS runs each):"
echo
echo "| iperf3 | Transport = wireguard | $WG_ENGINE by hand | ours/by hand | target | |"
echo "|---|---|---|---|---|---|"
awk -v w="$TP_W" -v g="$TP_G" -v pm="$TP_WG_PAIRED_MED" 'BEGIN {
	r = g > 0 ? w / g : 0
	printf "| TCP | %.3f Gbit/s | %.3f Gbit/s | %.3f | within 2%% (ours/by hand >= 0.98) | %s |\n", w, g, r, (r >= 0.98 ? "met" : "missed")
	printf "| TCP, ours/by hand per round (median) | | | %.3f | within 2%% (ours/by hand >= 0.98) | %s |\n", pm, (pm >= 0.98 ? "met" : "missed") }'
echo
echo "| iperf3 | Transport = wireguard | Transport = vxlan (guard on) | wireguard/vxlan |"
echo "|---|---|---|---|"
awk -v w="$TP_W" -v s="$TP_S" 'BEGIN {
	printf "| TCP | %.3f Gbit/s | %.2f Gbit/s | %.3f |\n", w, s, (s > 0 ? w / s : 0) }'
echo
echo "Runs: Transport = wireguard $TP_W_ALL; by hand $TP_G_ALL Gbit/s; ours/by hand per round $TP_WG_PAIRED_ALL."
awk -v all="$TP_G_ALL" 'BEGIN {
	n = split(all, v, " "); lo = hi = v[1]
	for (k = 2; k <= n; k++) { if (v[k] < lo) lo = v[k]; if (v[k] > hi) hi = v[k] }
	if (n > 1 && lo > 0)
		printf "The runs by hand alone spread by %.1f%% (slowest to fastest): the machine'"'"'s noise in these rounds%s.\n", (hi / lo - 1) * 100, (hi / lo - 1 > 0.02 ? ", more than the 2% to be judged" : "") }'
echo "1-minute load average (5, 15) just before the rounds, the fabrics idle: $LOAD_BEFORE; after them: $LOAD_AFTER."
awk -v t="$W_TICKS" -v hz="$(getconf CLK_TCK)" -v secs="$W_SECS" 'BEGIN {
	printf "The 3 hosts'"'"' sixplaned (Transport = wireguard) took %.2f s of CPU in the %d s they ran through the rounds (the other runs", t / hz, secs
	printf " in between included): %.2f%% of one CPU (no peer changed: an idle daemon'"'"'s share should be near 0; by hand there is none).\n", secs ? t / hz / secs * 100 : 0 }'
echo "The VXLAN column is sixplane's runs above, no target: WireGuard encrypts and authenticates every packet"
if [ "$WG_ENGINE" = wireguard-go ]; then
	echo "(ChaCha20-Poly1305), here in user space at both ends: wireguard-go's goroutines on the machine's $(nproc) CPUs,"
	echo "beside iperf3 and the kernel's side of the path, where the kernel's VXLAN encapsulates in place."
else
	echo "(ChaCha20-Poly1305) in the kernel's module, where VXLAN only encapsulates."
fi
echo "MSS ${MSS_W:-unknown} bytes (iperf3 -V). Host 1's device as both had it (the keys named by their hosts):"
echo
echo "$WG_SHAPE" | sed 's/^/    /'
fi
say "done in $((T1 - T0)) s"
