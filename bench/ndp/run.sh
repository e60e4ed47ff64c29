#!/bin/sh
# bench/ndp: NDP answering, ours against the peers, one run, one setup.
#
#   bench/ndp/run.sh BUILD_DIR
#
# Two namespaces joined by veth pairs; every sixplaned runs with its
# Dataplane pinned (auto would pick tc and change what a row means).
#
# Answering NS that arrive (ingress): the same NS generator (nsgen) offers
# NS at fixed rates, then as fast as it goes (sendmmsg batches), for a
# target behind the answerer's interface; we count the NA that come back
# (loss) and the CPU per answer. Answerers: sixplaned's tc ingress program
# and its AF_PACKET responder (both on a [Proxy] static rule), ndppd (static
# rule) and the kernel's proxy_ndp (proxy_delay=0, one /128). The generator
# runs on one CPU and the answering side (RPS on the answerer's interface,
# the daemons pinned) on another, so the answering work shows as CPU time
# outside the generator.
#
# Resolution (the host's own questions): 1000 new neighbors resolved
# (neighgen, in chunks: the kernel's neighbor table, gc_thresh3, is shared
# by all namespaces) and the first ping's latency, by the tc egress
# program, the netlink resolver, and plain multicast NDP answered by the
# peer's kernel. Prints a markdown table.
set -u
BUILD=${1:-build}
SIXPLANED=$BUILD/sixplaned
SIXPLANE=$BUILD/sixplane
NSGEN=$BUILD/tests/netns/nsgen
NEIGHGEN=$BUILD/tests/netns/neighgen
TCXATTACH=$BUILD/tests/netns/tcxattach
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../../tests/netns/lib.sh"
need_netns
for t in "$SIXPLANED" "$SIXPLANE" "$NSGEN" "$NEIGHGEN" "$TCXATTACH"; do [ -x "$t" ] || die "build first: $t"; done
command -v ndppd >/dev/null 2>&1 || skip "needs ndppd (apt-get install ndppd)"
command -v taskset >/dev/null 2>&1 || skip "needs taskset (util-linux)"

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
# nsgen reads the answers with a packet socket: B's own IPv6 stack has no
# use for them, and would spend the answering side's CPU on each
ip netns exec "$B" sysctl -qw net.ipv6.conf.px0b.disable_ipv6=1
DURATION=${BENCH_SECONDS:-2}
# The answering CPU's input queue (netdev_max_backlog, one for the whole
# machine; put back on exit): the kernel's 1000 frames are 3 ms at 330k NS/s,
# and a VM's CPU stalls longer than that now and then, when the queue
# overflows whoever answers. Every row runs with BACKLOG; the tc ingress
# program's top-speed row is also run with the machine's own setting.
BACKLOG=${BENCH_BACKLOG:-10000}
backlog0=$(sysctl -n net.core.netdev_max_backlog) || die "cannot read net.core.netdev_max_backlog"
bn_cleanup() {
	sysctl -qw net.core.netdev_max_backlog="$backlog0"
	cleanup
}
trap bn_cleanup EXIT INT TERM
sysctl -qw net.core.netdev_max_backlog="$BACKLOG" || die "cannot set net.core.netdev_max_backlog"
MAX_FRAMES=${BENCH_MAX_FRAMES:-600000}
MAX_TRIES=${BENCH_MAX_TRIES:-3}

# The generator on one CPU, the answering side on another: RPS hands what
# arrives on px0 to ANS_CPU (the answer goes back through B's side of the
# veth on the same CPU), and the daemons are pinned there
GEN_CPU=0
ANS_CPU=1
if [ "$(nproc)" -lt 2 ]; then
	ANS_CPU=0
	echo "bench/ndp: one CPU: generator and answerer share it" >&2
fi
ip netns exec "$A" sh -c "printf '%x' $((1 << ANS_CPU)) >/sys/class/net/px0/queues/rx-0/rps_cpus" ||
	die "cannot set RPS on px0"

HZ=$(getconf CLK_TCK)
cpu_ns() { # the CPU time of a pid, ns (schedstat: what utime + stime add up to, unrounded)
	awk '{ print $1 }' "/proc/$1/schedstat"
}
# snap -> "WALL_NS IDLE_TICKS CPUS ANS_IDLE_TICKS": the clock, idle +
# iowait of all CPUs, and of the answering CPU. Idle time is measured, not
# sampled (NO_HZ: the time between going idle and waking), unlike the busy
# columns, which the tick samples and a CPU woken per packet fools (in a
# VM, badly): busy = CPUS x wall - idle
snap() {
	printf '%s ' "$(date +%s%N)"
	awk -v ans="cpu$ANS_CPU" '$1 == "cpu" { idle = $5 + $6 } $1 == ans { ai = $5 + $6 }
		/^cpu[0-9]/ { n++ } END { print idle, n, ai }' /proc/stat
}
# busy_s "SNAP0" "SNAP1" -> CPU seconds all CPUs spent not idle in between,
# and the answering CPU's
busy_s() {
	echo "$1 $2" | awk -v hz="$HZ" '{ w = ($5 - $1) / 1e9
		printf "%.4f %.4f\n", $3 * w - ($6 - $2) / hz, w - ($8 - $4) / hz }'
}
# stat SOCK PATH FIELD: a counter of a sixplaned's row for that data path
stat() {
	"$SIXPLANE" stats --json -s "$1" | tr '{' '\n' | grep "\"path\":\"$2\"" |
		sed -n "s/.*\"$3\":\([0-9]*\).*/\1/p" | head -n 1
}

# offer RATE [PID [BATCH [COUNT]]] (RATE 0 = as fast as the generator goes) ->
# "offered/s answered/s loss% proc_us sys_us answered sys_us_per_offered
#  ans_busy%":
#   offered = frames the generator sent or had refused (a full queue on the
#   answering CPU), loss counts both; proc_us = PID's CPU time per answer
#   (- without PID); sys_us = CPU time of all CPUs but idle, minus the
#   generator's own, per answer (and per NS offered); ans_busy = how busy
#   the answering CPU was while the NS came (its busy time over the time
#   spent sending: the answers trail the last NS by far less than the
#   1 s nsgen waits for them). The NA nsgen heard are added up in
#   $tmp/heard. NSGEN_RING=--rx-ring: nsgen reads the answers from a
#   receive ring, which leaves it more of its CPU for sending.
offer() {
	rate=$1
	pid=${2:-}
	batch=${3:-8}
	n=${4:-$((rate * DURATION))}
	c0=0
	[ -n "$pid" ] && c0=$(cpu_ns "$pid")
	s0=$(snap)
	# shellcheck disable=SC2086 # NSGEN_RING: empty or --rx-ring
	out=$(ip netns exec "$B" taskset -c "$GEN_CPU" "$NSGEN" -i px0b -t "$TARGET" -r "$rate" -n "$n" \
		--batch "$batch" --wait 1000 $NSGEN_RING)
	s1=$(snap)
	c1=0
	[ -n "$pid" ] && c1=$(cpu_ns "$pid")
	echo "bench/ndp: rate $rate pid ${pid:--}: $out" >&2
	# shellcheck disable=SC2086 # split the fields
	set -- $out
	if [ "$1" != sent ] || [ "$#" -lt 12 ]; then die "nsgen: $out"; fi
	echo "$4" >>"$tmp/heard"
	busy=$(busy_s "$s0" "$s1")
	awk -v s="$2" -v a="$4" -v el="$6" -v f="${10}" -v gcpu="${12}" -v c=$((c1 - c0)) \
		-v sys="${busy% *}" -v ans="${busy#* }" -v haspid="$pid" 'BEGIN {
		o = s + f
		loss = o ? 100 * (o - a) / o : 0
		proc = !haspid ? "-" : a ? sprintf("%.2f", c / 1e3 / a) : "-"
		sy = a ? sprintf("%.2f", 1e6 * (sys - gcpu) / a) : "-"
		ab = 100 * ans / el
		if (ab > 100) ab = 100
		printf "%.0f %.0f %.1f %s %s %d %.2f %.0f\n", o / el, a / el, loss, proc, sy, a,
			o ? 1e6 * (sys - gcpu) / o : 0, ab }'
}
# median_of FIELD OFFER_ARGS...: the offer, MAX_TRIES times, the one in
# the middle by FIELD (1 offered/s, 2 answered/s): the CPUs of a VM stall
# now and then, the generator's and the answerer's, and a stall of the
# answering one fills its queue; every try is in the log
median_of() {
	f=$1
	shift
	t=0
	while [ "$t" -lt "$MAX_TRIES" ]; do
		offer "$@"
		t=$((t + 1))
	done | sort -n -k "$f,$f" | sed -n "$(((MAX_TRIES + 1) / 2))p"
}

RATES="10000 50000 100000 200000 0"
NSGEN_RING=
: >"$tmp/table"
: >"$tmp/heard"
# table_row NAME LABEL "OFFER_RESULT": a row of the table
table_row() {
	# shellcheck disable=SC2086 # split the fields
	set -- "$1" "$2" $3
	printf '| %s | %s | %s | %s | %s%% | %s | %s | %s%% |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
		"${10}" >>"$tmp/table"
}
# run_rates NAME [PID]: a table row per rate
run_rates() {
	name=$1
	rpid=${2:-}
	for r in $RATES; do
		if [ "$r" -eq 0 ]; then
			# paced at the generator's top speed: frames refused by a
			# full queue cost nothing and would inflate "offered"
			res=$(median_of 2 "$gen_max" "$rpid" 64 "$MAX_FRAMES")
		elif [ "$r" -eq 100000 ]; then
			# the rate the CPU targets are read at: the median by
			# system CPU per answer
			res=$(median_of 5 "$r" "$rpid")
		else
			# every rate the median of MAX_TRIES tries, by answered/s:
			# a best-of-rows figure taken from single tries would
			# reward the noisiest answerer
			res=$(median_of 2 "$r" "$rpid")
		fi
		label=$r
		[ "$r" -eq 0 ] && label=max
		table_row "$name" "$label" "$res"
	done
}
heard() { # the NA nsgen heard since the last call
	awk '{ s += $1 } END { print s + 0 }' "$tmp/heard"
	: >"$tmp/heard"
}

# --- nobody answers: the generator's own top speed, and the floor: what
# the kernel spends on an NS nobody answers (veth, RPS, A's stack) ---
# shellcheck disable=SC2046 # split the fields
set -- $(median_of 7 100000 "" 8)
floor_100=$7
busy_100=$8
# shellcheck disable=SC2046 # split the fields
set -- $(median_of 1 0 "" 64 "$MAX_FRAMES")
gen_max=$1
floor_max=$7
busy_max=$8

# --- the arrival floor: the same NS dropped at px0's first hook (a tc
# program that only drops), what an NS costs before anyone looks at
# it: the generator's veth, RPS, the answering CPU waking for it. The CPU
# an answer costs is what a row spends beyond this, at the same rate ---
MULTIARCH=$(cc -print-multiarch 2>/dev/null || true)
clang -O2 -target bpf ${MULTIARCH:+-idirafter /usr/include/$MULTIARCH} \
	-c "$(dirname "$0")/drop.bpf.c" -o "$tmp/drop.o" || die "cannot build bench/ndp/drop.bpf.c"
# where sixplaned's program sits: a tcx link where the kernel has tcx (as
# tcxattach holds it), a clsact filter otherwise
drop_hook=tcx
ip netns exec "$A" "$TCXATTACH" px0 "$tmp/drop.o" >"$tmp/tcxattach" 2>&1 &
DROP=$!
PIDS="$PIDS $DROP"
if ! wait_for 5 grep -q attached "$tmp/tcxattach"; then
	wait "$DROP"
	[ $? -eq 3 ] || die "cannot attach the drop program to px0: $(cat "$tmp/tcxattach")"
	drop_hook=clsact
	if ! ip netns exec "$A" tc qdisc add dev px0 clsact ||
		! ip netns exec "$A" tc filter add dev px0 ingress bpf direct-action obj "$tmp/drop.o" sec tc; then
		die "cannot attach the drop program to px0"
	fi
fi
# shellcheck disable=SC2046 # split the fields
set -- $(median_of 7 100000 "" 8)
arrival_100=$7
arrival_busy=$8
if [ "$drop_hook" = tcx ]; then
	kill "$DROP"
	wait "$DROP"
else
	ip netns exec "$A" tc qdisc del dev px0 clsact
fi

# proxy_daemon DATAPLANE: sixplaned on the answering CPU with a [Proxy]
# static rule for the target on px0, pinned to DATAPLANE; its pid in P,
# its socket $tmp/sock-DATAPLANE, its log $tmp/DATAPLANE.log
proxy_daemon() {
	printf '[Proxy]\nInterface = px0\nPrefix = 2001:db8:7::/64\nDataplane = %s\n' "$1" >"$tmp/$1.conf"
	ip netns exec "$A" taskset -c "$ANS_CPU" "$SIXPLANED" -c "$tmp/$1.conf" -s "$tmp/sock-$1" \
		2>"$tmp/$1.log" &
	P=$!
	PIDS="$PIDS $P"
}

# --- sixplaned, tc ingress program ([Proxy] static, Dataplane = tc) ---
tc_ok=1
proxy_daemon tc
if wait_for 10 grep -q serving "$tmp/tc.log"; then
	tc0=$(stat "$tmp/sock-tc" tc-ingress answered)
	heard >/dev/null
	run_rates "sixplaned tc ingress" "$P"
	if [ "$backlog0" != "$BACKLOG" ]; then
		sysctl -qw net.core.netdev_max_backlog="$backlog0"
		table_row "sixplaned tc ingress, input queue $backlog0 (the machine's)" max \
			"$(median_of 2 "$gen_max" "$P" 64 "$MAX_FRAMES")"
		sysctl -qw net.core.netdev_max_backlog="$BACKLOG"
	fi
	# the fastest asker: it reads its answers from a receive ring, which
	# leaves it more of its CPU for sending
	NSGEN_RING=--rx-ring
	table_row "sixplaned tc ingress, nsgen reading a receive ring" max \
		"$(median_of 2 "$gen_max" "$P" 64 "$MAX_FRAMES")"
	NSGEN_RING=
	tc1=$(stat "$tmp/sock-tc" tc-ingress answered)
	tc_count=$((${tc1:-0} - ${tc0:-0}))
	heard_tc=$(heard)
	kill "$P"
	wait "$P" 2>/dev/null
else
	# a kernel or a build without BPF: say so, measure the rest
	tc_ok=0
	echo "bench/ndp: no tc data path: $(cat "$tmp/tc.log")" >&2
	kill "$P" 2>/dev/null
	wait "$P" 2>/dev/null
fi

# --- sixplaned, AF_PACKET path ([Proxy] static, Dataplane = packet) ---
proxy_daemon packet
wait_for 5 grep -q serving "$tmp/packet.log" || die "sixplaned did not start: $(cat "$tmp/packet.log")"
pk0=$(stat "$tmp/sock-packet" packet answered)
heard >/dev/null
run_rates "sixplaned AF_PACKET" "$P"
pk1=$(stat "$tmp/sock-packet" packet answered)
pk_count=$((${pk1:-0} - ${pk0:-0}))
heard_pk=$(heard)
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
ip netns exec "$A" taskset -c "$ANS_CPU" ndppd -c "$tmp/ndppd.conf" >"$tmp/ndppd.log" 2>&1 &
P=$!
PIDS="$PIDS $P"
sleep 1
kill -0 "$P" 2>/dev/null || die "ndppd did not start: $(cat "$tmp/ndppd.log")"
NDPPD="ndppd $(sed -n 's/.*version \([0-9.]*\).*/\1/p' "$tmp/ndppd.log" | head -n 1) (static)"
run_rates "$NDPPD" "$P"
kill "$P"
wait "$P" 2>/dev/null

# --- the kernel's proxy_ndp, one /128, proxy_delay=0 ---
ip netns exec "$A" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.px0.proxy_ndp=1 \
	net.ipv6.neigh.px0.proxy_delay=0
ip -n "$A" -6 neigh add proxy "$TARGET" dev px0
run_rates "kernel proxy_ndp"
ip -n "$A" -6 neigh del proxy "$TARGET" dev px0
ip netns exec "$A" sysctl -qw net.ipv6.conf.px0.proxy_ndp=0

# --- resolution: tc egress, the netlink resolver, multicast NDP ---
PEER=1122334455
N=${BENCH_NEIGHBORS:-1000}
CHUNK=${BENCH_CHUNK:-500}
ip link add sp0 netns "$A" type veth peer name sp0b netns "$B" || die veth
ip -n "$A" link set sp0 address "$("$SIXPLANE" mac "$NWID" "$SELF" --json | json_field mac)" up
ip -n "$B" link set sp0b address "$("$SIXPLANE" mac "$NWID" "$PEER" --json | json_field mac)" up
ip -n "$A" addr add fc9c:56c2:e389:e92c:eee5::1/40 dev sp0 nodad
ip -n "$B" addr add fc9c:56c2:e311:2233:4455::1/40 dev sp0b nodad
PFX=fc9c:56c2:e311:2233:4455::/80
ROUNDS=${BENCH_ROUNDS:-3}
# the peer holds the multicast row's targets (seeds 300 + 10 x round +
# chunk), so its kernel can answer; the plane rows are answered in A
chunks=$(((N + CHUNK - 1) / CHUNK))
r=1
while [ "$r" -le "$ROUNDS" ]; do
	k=1
	while [ "$k" -le "$chunks" ]; do
		"$NEIGHGEN" --list -p "$PFX" -n "$CHUNK" --seed $((300 + 10 * r + k))
		k=$((k + 1))
	done
	r=$((r + 1))
done | sort -u | sed 's|^\(.*\)$|addr add \1/128 dev sp0b nodad|' >"$tmp/addrs"
ip -n "$B" -b "$tmp/addrs" || die "cannot add the targets to the peer"
first_ping() { # median first-ping RTT (ms) to 5 fresh targets on the peer
	for i in 1 2 3 4 5; do
		t="fc9c:56c2:e311:2233:4455:$1:0:$i"
		ip -n "$B" addr add "$t/128" dev sp0b nodad
		ip netns exec "$A" ping -6 -c1 -W2 -n "$t" | sed -n 's/.*time=\([0-9.]*\).*/\1/p'
	done | sort -n | sed -n 3p
}
# resolve SEEDBASE -> "resolved elapsed_s": ROUNDS x N new neighbors,
# CHUNK at a time (the table emptied between chunks: gc_thresh3 is 1024
# for all namespaces), the time summed over the chunks
resolve() {
	done_=0
	el=0
	rd=1
	while [ "$rd" -le "$ROUNDS" ]; do
		left=$N
		k=1
		while [ "$left" -gt 0 ]; do
			c=$CHUNK
			[ "$c" -gt "$left" ] && c=$left
			# shellcheck disable=SC2086 # PIN: empty, or taskset and its CPU
			out=$(ip netns exec "$A" $PIN "$NEIGHGEN" -i sp0 -p "$PFX" -n "$c" --seed $(($1 + 10 * rd + k)))
			echo "bench/ndp: resolve $1 round $rd chunk $k: $out" >&2
			# shellcheck disable=SC2086 # split the fields
			set -- "$1" $out
			done_=$((done_ + $5))
			el=$(awk -v a="$el" -v b="$7" 'BEGIN { print a + b }')
			ip -n "$A" -6 neigh flush dev sp0
			left=$((left - c))
			k=$((k + 1))
		done
		rd=$((rd + 1))
	done
	echo "$done_ $el"
}
res_row() { # NAME "resolved elapsed" PING
	# shellcheck disable=SC2086 # split the fields
	set -- "$1" $2 "$3"
	awk -v name="$1" -v d="$2" -v el="$3" -v n=$((N * ROUNDS)) -v p="${4:-?}" 'BEGIN {
		printf "| %s | %d/%d | %.3f s | %.0f | %s ms |\n", name, d, n, el, (el > 0 ? d / el : 0), p }' \
		>>"$tmp/res"
}
: >"$tmp/res"
# sixplaned's daemon for the resolver rows: NAME DATAPLANE SOLICIT SEEDBASE
# PINGTAG (with PIN set: the daemon and neighgen on that CPU)
PIN=
resolver() {
	printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nSolicit = %s\nDataplane = %s\n' \
		"$NWID" "$SELF" "$3" "$2" >"$tmp/res-$2.conf"
	# shellcheck disable=SC2086 # PIN: empty, or taskset and its CPU
	ip netns exec "$A" $PIN "$SIXPLANED" -c "$tmp/res-$2.conf" -s "$tmp/sock-$2" 2>"$tmp/res-$2.log" &
	P=$!
	PIDS="$PIDS $P"
	if ! wait_for 10 grep -q serving "$tmp/res-$2.log"; then
		echo "bench/ndp: $1 did not start: $(cat "$tmp/res-$2.log")" >&2
		kill "$P" 2>/dev/null
		wait "$P" 2>/dev/null
		printf '| %s | did not start | | | |\n' "$1" >>"$tmp/res"
		return
	fi
	r=$(resolve "$4")
	p=$(first_ping "$5")
	ip -n "$A" -6 neigh flush dev sp0
	res_row "$1" "$r" "$p"
	kill "$P"
	wait "$P" 2>/dev/null
}
resolver "sixplaned tc egress (Dataplane = tc)" tc all 100 1
resolver "sixplaned netlink resolver (Dataplane = netlink)" netlink emulated-only 200 2
# the same two with the asking program and the daemon on one CPU: the
# resolver's answers come from the daemon, which otherwise works on the
# other CPU while the asker goes on; tc answers in the asker's own time
PIN="taskset -c $GEN_CPU"
resolver "sixplaned tc egress, asker and daemon on one CPU" tc all 400 4
resolver "sixplaned netlink resolver, asker and daemon on one CPU" netlink emulated-only 500 5
PIN=
r=$(resolve 300)
p=$(first_ping 3)
ip -n "$A" -6 neigh flush dev sp0
res_row "multicast NDP, peer kernel answers" "$r" "$p"

# --- the tables ---
echo "## bench/ndp ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
echo
echo "NS arriving on an interface, offered by nsgen over veth between two namespaces, ${DURATION} s per rate in sendmmsg batches of 8, the answering CPU's input queue (net.core.netdev_max_backlog) at $BACKLOG frames (the machine's: $backlog0); max = $MAX_FRAMES NS in batches of 64 paced at the generator's top speed (the \"nobody answers\" max row: as fast as it goes); every row is the median of $MAX_TRIES tries (by offered/s with nobody answering, by system CPU per answer at 100000/s, by answered/s otherwise). Answerers: sixplaned on a [Proxy] static rule with Dataplane = tc (the ingress program) and Dataplane = packet (AF_PACKET), ndppd with a static rule, the kernel's proxy_ndp (proxy_delay=0, one /128):"
echo
echo "| answerer | offered/s | offered (measured)/s | answered/s | loss | process CPU µs/answer | system CPU µs/answer | answering CPU busy |"
echo "|---|---|---|---|---|---|---|---|"
printf '| nobody answers (A'"'"'s stack drops the NS) | 100000 | 100000 | 0 | - | - | %s per NS offered | %s%% |\n' "$floor_100" "$busy_100"
printf '| nobody answers | max | %s | 0 | - | - | %s per NS offered | %s%% |\n' "$gen_max" "$floor_max" "$busy_max"
printf '| arrival floor (dropped at px0'"'"'s ingress by a tc program, %s) | 100000 | 100000 | 0 | - | - | %s per NS offered | %s%% |\n' "$drop_hook" "$arrival_100" "$arrival_busy"
cat "$tmp/table"
echo
echo "Measured so: nsgen runs on CPU $GEN_CPU; offered = sent + refused by a full queue (the answering CPU's backlog), per second of sending; it counts the solicited NA that come back within 1 s of the last NS, and loss counts the refused too. RPS hands what arrives on the answerer's interface to CPU $ANS_CPU, where the daemons are pinned, so the answering work runs beside the generator, not in its time slice (the NA's way back, through B's side of the veth to nsgen's packet socket, runs there too; B's IPv6 stack is off). Process CPU: the daemon's own CPU time (/proc/PID/schedstat, the unrounded utime + stime) over the run, per answer (the tc row: sixplaned's own; the kernel answers). System CPU, the same for all four, in-kernel or not: CPUs x wall time minus idle + iowait of all CPUs (/proc/stat; idle is measured under NO_HZ, while the busy columns are tick samples that a CPU woken per packet skews), minus the generator's own CPU time (getrusage), per answer. Each row includes what every NS costs before anyone looks at it, the arrival floor (the NS dropped at px0's ingress by a tc program that does nothing else, bench/ndp/drop.bpf.c, on the hook sixplaned's program takes, $drop_hook: the veth, RPS, the answering CPU waking), and the machine's background (a few ms/s); the \"nobody answers\" row adds A's IPv6 stack, which takes every NS the tc program does not. Answering CPU busy: CPU $ANS_CPU's busy time (the same idle reading) over the time spent sending, capped at 100%: where it is well under 100% at the top speed, the generator set the pace, not the answerer. The tc row with a receive ring: nsgen reads its answers from a TPACKET_V3 receive ring instead of recvmmsg, which leaves it more of its CPU for sending: the most this generator offers while answers come back. Loss there is what the answering CPU could not take (its input queue full); at 0.0% the program answered all it was offered, and its own ceiling is above the row. The other max rows are paced at the generator's top speed with nsgen reading as usual, which costs it its own CPU and so slows what it offers."
echo
# the best answered rate each answerer reached, and the targets
awk -F' [|] ' -v nd="$NDPPD" -v gmax="$gen_max" -v tcok="$tc_ok" -v arr="$arrival_100" -v bq="$backlog0" '
{ gsub(/^[|] /, "", $1); r = $4 + 0; if (r > best[$1]) best[$1] = r
  if ($1 ~ /^sixplaned tc ingress/ && r > tcbest) { tcbest = r; tcbestloss = $5 }
  if ($2 == "max") { maxloss[$1] = $5; maxoff[$1] = $3; maxans[$1] = $4; maxbusy[$1] = $8 + 0 }
  if ($2 == "100000") { sys[$1] = $7 }
  if ($1 ~ /^sixplaned tc ingress, input queue/) { dq = $1; dqloss = $5; dqoff = $3 }
}
END {
	T = "sixplaned tc ingress"; P = "sixplaned AF_PACKET"
	t = tcbest; s = best[P]; n = best[nd]; k = best["kernel proxy_ndp"]
	printf("The generator'\''s top speed: %d NS/s with nobody answering (target >= 300k/s: %s).\n", gmax, gmax >= 300000 ? "reached" : "NOT reached")
	printf("Most answered per second: tc ingress %d, AF_PACKET %d, %s %d, kernel proxy_ndp %d (one /128 only).\n", t, s, nd, n, k)
	if (!tcok) { print "The tc ingress program did not start here: no tc targets measured."; exit }
	printf("- tc ingress answers every NS at the generator'\''s top speed (%s/s offered, loss %s): %s.", maxoff[T], maxloss[T], maxloss[T] == "0.0%" ? "met" : "NOT met")
	if (dq != "" && dqloss == "0.0%")
		printf(" With the machine'\''s own input queue (%s frames) it lost nothing either (%s/s offered).", bq, dqoff)
	else if (dq != "")
		printf(" With the machine'\''s own input queue (%s frames) it lost %s of %s/s: frames the kernel dropped before the program saw them, while the answering CPU was held up.", bq, dqloss, dqoff)
	printf("\n")
	ratio = n ? t / n : 0
	printf("- tc ingress >= 10x ndppd'\''s most answered (tc'\''s best row, the receive ring'\''s included): %.1fx, %s.%s\n", ratio, ratio >= 10 ? "met" : "NOT met", tcbestloss == "0.0%" ? " tc lost nothing in that row: the generator, not tc, set its rate, so the ratio is a floor." : "")
	tt = sys[T] + 0; pp = sys[P] + 0
	if (sys[T] != "" && sys[P] != "") {
		printf("- tc ingress CPU per answer <= 1/5 of the AF_PACKET path'\''s, both at 100000/s offered, net of the arrival floor (%.2f µs per NS, the same rate): tc %.2f vs AF_PACKET %.2f µs, 1/%.1f, %s.\n", arr, tt - arr, pp - arr, tt - arr > 0 ? (pp - arr) / (tt - arr) : 0, tt - arr > 0 && (pp - arr) / (tt - arr) >= 5 ? "met" : (tt - arr <= 0 ? "met (tc within the floor'\''s noise)" : "NOT met"))
		printf("  The whole system CPU per answer, the floor included: tc %.2f vs AF_PACKET %.2f µs, 1/%.1f.\n", tt, pp, tt ? pp / tt : 0)
	}
}' "$tmp/table"
echo
echo "Counters: sixplaned's tc-ingress row counted ${tc_count:-0} answers, nsgen heard ${heard_tc:-0}; its packet row counted $pk_count, nsgen heard $heard_pk (an answer sent but lost on the way back, or after the 1 s wait, counts on the left only)."
echo
echo "Resolution: $N new neighbors at once (neighgen: a UDP datagram to each, then the neighbor table dumped until all are resolved), $ROUNDS times, $CHUNK at a time (the table emptied between chunks: its limit, gc_thresh3, is shared by all namespaces); time is the sum over the chunks. First ping: the RTT of the first ping to a new neighbor, median of 5. Each sixplaned with Dataplane pinned: tc = the egress program answers the host's own NS in place (Solicit = all); netlink = the resolver (Solicit = emulated-only, no NS on the wire); the multicast row has no daemon, the peer's kernel answers:"
echo
echo "| resolver | resolved | time | neighbors/s | first ping |"
echo "|---|---|---|---|---|"
cat "$tmp/res"
rm -rf "$tmp"
