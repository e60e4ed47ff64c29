#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/membership: one sixplaned with Membership = etcd against a 3-member
# etcd 3.4 cluster (tests/etcd/lab.sh: one member per namespace on a bridge),
# and the same peers as static [Peer] sections applied by SIGHUP, measured
# back to back in one run.
#
#   bench/membership/run.sh BUILD_DIR
#
# For each N (100, 1,000, 10,000 registered nodes):
# 1. a loader (bench/membership/loader.py) registers the nodes not yet there
#    as real hosts would (a key with its endpoint under a lease, the leases
#    kept alive every Lease/3 by one POST each, as sixplaned renews its own),
#    but one lease per 100 nodes: see the keepalive rows for what one lease
#    per host costs;
# 2. etcd by SIGHUP: sixplaned started with Membership = static and no
#    peer, its file replaced by the etcd one, SIGHUP, timed to the last of
#    the N entries in its FDB (heard as RTM_NEWNEIGH by
#    bench/membership/fdbwait, a C observer on a netlink socket in its
#    namespace); before the starts, as the latency run moves nodes;
# 3. sixplaned starts (Membership = etcd, Multicast = off: one entry per
#    peer), timed from its start to the last entry; its VmRSS a second
#    later, its stats' fdb_writes; one node more (a new key put), timed to
#    its entry; at the largest N, 1,000 single puts (a new node or one
#    moved), each timed from the put to its FDB entry;
# 4. the static path, while the keepalives are counted: sixplaned started
#    with the N nodes as [Peer] sections, timed to the last entry; then
#    started with no peer, its configuration replaced by one with the N
#    nodes, SIGHUP, timed to the last entry; VmRSS, fdb_writes; one
#    [Peer] more by SIGHUP, timed to its entry;
# 5. etcd's LeaseKeepAlive RPCs (grpc_server_handled_total on the three
#    members' /metrics) over at least 15 s with no sixplaned registered:
#    the loader's leases alone, per lease, and so for N hosts.
# Prints a markdown table; progress goes to stderr. A missed target is
# reported, never an error; a setup that does not work is (FAIL: ...). The
# target "never slower than the static path" is judged on both pairs that
# are the same event: etcd start against static start, etcd SIGHUP against
# static SIGHUP.
#
# BENCH_SIZES ("100 1000 10000"), BENCH_CHANGES (1000), BENCH_REPEAT (3:
# each time is the median of so many starts or SIGHUPs) and BENCH_ADDS (11:
# one node more, by a put or by SIGHUP, so many times) change the sizes.
set -u
BUILD=${1:-build}
SIXPLANED=$BUILD/sixplaned
FDBWAIT=$BUILD/bench/fdbwait
HERE=$(cd "$(dirname "$0")" && pwd)
LOADER=$HERE/loader.py
SIZES=${BENCH_SIZES:-100 1000 10000}
CHANGES=${BENCH_CHANGES:-1000}
REPEAT=${BENCH_REPEAT:-3}
ADDS=${BENCH_ADDS:-11}
LEASE=15
PER_LEASE=100
WINDOW=15

skip() {
	echo "SKIP: $*"
	exit 77
}
die() {
	echo "FAIL: bench/membership: $*" >&2
	exit 1
}
say() { echo "bench/membership: $*" >&2; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
for cmd in ip bridge etcd etcdctl curl python3; do
	command -v "$cmd" >/dev/null 2>&1 || skip "needs $cmd"
done
ip netns add "mbench-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "mbench-probe-$$"
for f in "$SIXPLANED" "$FDBWAIT"; do
	[ -x "$f" ] || die "build first (cmake --build $BUILD): no $f"
done

# shellcheck disable=SC2034 # read by lab.sh
LAB_NS="mbench-$$"
# shellcheck disable=SC2034 # read by lab.sh: cleanup() calls lab_cleanup
LAB_TRAP=no
# shellcheck source=tests/etcd/lab.sh
. "$HERE/../../tests/etcd/lab.sh"

tmp=$(mktemp -d)
chmod 755 "$tmp"
HOLD=""
# stop PIDFILE: SIGTERM the daemon whose pid is in PIDFILE (started by the
# loader, so not our child: wait for /proc to lose it)
stop() {
	[ -s "$1" ] || return 0
	st_p=$(cat "$1")
	kill "$st_p" 2>/dev/null
	st_i=0
	# gone, or a zombie of ours (the static daemon)
	while [ -d "/proc/$st_p" ] && ! grep -q '^State:.*Z' "/proc/$st_p/status" 2>/dev/null &&
		[ "$st_i" -lt 100 ]; do
		sleep 0.1
		st_i=$((st_i + 1))
	done
	kill -9 "$st_p" 2>/dev/null
	: >"$1"
}
cleanup() {
	[ -n "$HOLD" ] && kill "$HOLD" 2>/dev/null && wait "$HOLD" 2>/dev/null
	stop "$tmp/e.pid"
	stop "$tmp/s.pid"
	lab_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

T0=$(date +%s)
say "a 3-member etcd in namespaces..."
# plain HTTP, no auth: what is measured is the daemon's work
# shellcheck disable=SC2119 # lab_start takes options, none here
lab_start
HE=$(lab_host e 192.0.2.1)
HS=$(lab_host s 192.0.2.2)
# the loader registers through member 1 and renews through member 2; the
# daemon is given all three
URL1=$(lab_member_url 1)
URL2=$(lab_member_url 2)
: >"$tmp/leases"
ip netns exec "$HE" python3 "$LOADER" hold "$URL2" "$LEASE" "$tmp/leases" 2>"$tmp/hold.log" &
HOLD=$!

# conf NODE MEMBERSHIP [PEERS]: a host's configuration, PEERS nodes as [Peer]
conf() {
	printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nUnderlay = %s\n' \
		"$LAB_NWID" "$1" "192.0.2.${1#000000000}"
	printf 'Membership = %s\nMulticast = off\nDataplane = packet\n' "$2"
	[ "$2" = etcd ] && printf '\n[Etcd]\nEndpoints = %s\nLease = %s\n' "$LAB_ENDPOINTS" "$LEASE"
	[ "${3:-0}" -eq 0 ] || python3 "$LOADER" peers "$3"
}
# mem_of PIDFILE FIELD: VmRSS or VmHWM of the process, kB
mem_of() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$(cat "$1")/status"; }
# trimmed PIDFILE: VmRSS after glibc's malloc_trim(0) called in the process
# by gdb (the heap freed but still held by malloc, given back), "-" without
# gdb. The process stops for the call; it is made after its measurements.
trimmed() {
	command -v gdb >/dev/null 2>&1 || {
		echo -
		return 0
	}
	gdb -p "$(cat "$1")" -batch -ex 'call (int) malloc_trim(0)' >/dev/null 2>&1 || {
		echo -
		return 0
	}
	mem_of "$1" VmRSS
}
# median: of the first field of the lines on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# range_read: "seconds bytes" of the range read of the nodes that sixplaned
# makes at its start (/v3/kv/range over <prefix>/v1/<nwid>/nodes/), by curl
# from the host's namespace to member 1
range_read() {
	ip netns exec "$HE" curl -s -o /dev/null -w '%{time_total} %{size_download}\n' --max-time 30 \
		-X POST "$URL1/v3/kv/range" -d "{\"key\":\"$(lab_b64 "$LAB_PREFIX/v1/$LAB_NWID/nodes/")\",\"range_end\":\"$(lab_b64 "$LAB_PREFIX/v1/$LAB_NWID/nodes0")\"}" ||
		die "curl: the range read"
}
# fdb_writes SOCKET: the daemon's count of FDB writes, from its stats reply
# (the whole reply, as it sends it; 0 if there is none)
fdb_writes() {
	python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
b = b""
while True:
    d = s.recv(1 << 16)
    if not d:
        break
    b += d
print(json.loads(b)["daemon"]["fdb_writes"])' "$1" 2>/dev/null || echo 0
}
# keepalives: LeaseKeepAlive RPCs handled by the three members so far
keepalives() {
	for ka_m in 1 2 3; do
		ip netns exec "$LAB_UNDERLAY" curl -s --max-time 3 "$(lab_member_url "$ka_m")/metrics" ||
			die "no metrics from member $ka_m"
	done | awk '/^grpc_server_handled_total\{/ && /grpc_method="LeaseKeepAlive"/ { s += $NF }
		END { printf "%d\n", s }'
}
wait_serving() { # LOG
	ws_i=0
	until grep -q serving "$1" 2>/dev/null; do
		ws_i=$((ws_i + 1))
		[ "$ws_i" -lt 100 ] || die "sixplaned did not start: $(tail -n 3 "$1")"
		sleep 0.1
	done
}
# start_etcd N [MEMBERSHIP]: the etcd host's sixplaned, started with
# Membership = etcd (or MEMBERSHIP, with no peer); prints the seconds from
# its spawn to N entries
start_etcd() {
	conf 0000000001 "${2:-etcd}" >"$tmp/e.conf"
	: >"$tmp/e.log"
	ip netns exec "$HE" env SIXPLANED_STATE_DIR="$tmp/se" "$FDBWAIT" "$1" \
		start "$tmp/e.pid" "$tmp/e.log" "$SIXPLANED" -c "$tmp/e.conf" -s "$tmp/e.sock" ||
		die "sixplaned (${2:-etcd}) did not converge to $1 entries: $(tail -n 3 "$tmp/e.log")"
}
# hup_etcd N: the etcd host's sixplaned started with Membership = static
# and no peer; once it serves (and a second later, as the static path's),
# its file replaced by the etcd one and SIGHUP; prints the seconds from the
# signal to N entries
hup_etcd() {
	start_etcd 0 static >/dev/null
	wait_serving "$tmp/e.log"
	sleep 1
	conf 0000000001 etcd >"$tmp/e.conf.new" && mv "$tmp/e.conf.new" "$tmp/e.conf"
	ip netns exec "$HE" "$FDBWAIT" "$1" hup "$(cat "$tmp/e.pid")" ||
		die "sixplaned (static, then etcd by SIGHUP) did not converge to $1 entries: $(tail -n 3 "$tmp/e.log")"
}

# the etcd path's baseline: sixplaned on an empty store
say "baseline: sixplaned, Membership = etcd, empty store..."
start_etcd 0 >/dev/null
wait_serving "$tmp/e.log"
sleep 1
RSS0_E=$(mem_of "$tmp/e.pid" VmRSS)
TRIM0_E=$(trimmed "$tmp/e.pid")
stop "$tmp/e.pid"

have=0
: >"$tmp/rows"
LAT=""
LAST_N=$(echo "$SIZES" | awk '{ print $NF }')
for n in $SIZES; do
	if [ "$n" -gt "$have" ]; then
		say "N = $n: registering $((n - have)) nodes..."
		reg=$(ip netns exec "$HE" python3 "$LOADER" register "$URL1" "$LAB_PREFIX" "$LAB_NWID" \
			"$have" "$((n - have))" "$PER_LEASE" "$LEASE" "$tmp/leases") || die "the loader could not register"
		have=$n
	fi
	leases=$(grep -c . "$tmp/leases")

	# before the starts: the latency run below moves some of the N nodes
	say "N = $n: sixplaned with Membership = static, then etcd by SIGHUP, $REPEAT times..."
	: >"$tmp/t_eh"
	r=1
	while [ "$r" -le "$REPEAT" ]; do
		hup_etcd "$n" >>"$tmp/t_eh"
		stop "$tmp/e.pid"
		r=$((r + 1))
	done
	t_eh=$(median <"$tmp/t_eh")
	say "N = $n: sixplaned with Membership = etcd, $REPEAT starts..."
	: >"$tmp/t_e"
	r=1
	while [ "$r" -le "$REPEAT" ]; do
		[ "$r" -gt 1 ] && stop "$tmp/e.pid"
		start_etcd "$n" >>"$tmp/t_e"
		r=$((r + 1))
	done
	t_e=$(median <"$tmp/t_e")
	sleep 1
	rss_e=$(mem_of "$tmp/e.pid" VmRSS)
	hwm_e=$(mem_of "$tmp/e.pid" VmHWM)
	w_e=$(fdb_writes "$tmp/e.sock")
	trim_e=$(trimmed "$tmp/e.pid")
	# one host more, the store's way: a put, timed to its entry, median of
	# ADDS (new nodes from node 20000 on, deleted again after)
	say "N = $n: one node more, $ADDS times, by a put..."
	one_e=$(ip netns exec "$HE" python3 "$LOADER" latency "$URL1" "$LAB_PREFIX" "$LAB_NWID" \
		20000 "$ADDS" "$(head -n 1 "$tmp/leases")" new) || die "the one-more run failed"
	if [ "$n" = "$LAST_N" ]; then
		say "N = $n: $CHANGES single puts..."
		# the moved and new nodes live under the loader's first lease
		LAT=$(ip netns exec "$HE" python3 "$LOADER" latency "$URL1" "$LAB_PREFIX" "$LAB_NWID" \
			"$n" "$CHANGES" "$(head -n 1 "$tmp/leases")") || die "the latency run failed"
	fi
	stop "$tmp/e.pid"
	# etcd's share: the range read the daemon makes at its start, alone
	: >"$tmp/t_r"
	r=1
	while [ "$r" -le "$REPEAT" ]; do
		range_read >>"$tmp/t_r"
		r=$((r + 1))
	done
	t_r=$(median <"$tmp/t_r")
	range_bytes=$(cut -d' ' -f2 "$tmp/t_r" | head -n 1)

	# the static path, while the keepalives of the loader's leases alone
	# are counted
	k0=$(keepalives)
	kt0=$(lab_time)
	say "N = $n: static, sixplaned started with $n [Peer] sections, $REPEAT times..."
	conf 0000000002 static "$n" >"$tmp/s.conf"
	: >"$tmp/t_s0"
	r=1
	while [ "$r" -le "$REPEAT" ]; do
		: >"$tmp/s.log"
		ip netns exec "$HS" env SIXPLANED_STATE_DIR="$tmp/ss" "$FDBWAIT" "$n" \
			start "$tmp/s.pid" "$tmp/s.log" "$SIXPLANED" -c "$tmp/s.conf" -s "$tmp/s.sock" >>"$tmp/t_s0" ||
			die "static: not $n entries after the start: $(tail -n 3 "$tmp/s.log")"
		stop "$tmp/s.pid"
		r=$((r + 1))
	done
	t_s0=$(median <"$tmp/t_s0")
	say "N = $n: static, $n [Peer] sections by SIGHUP, $REPEAT times..."
	: >"$tmp/t_s"
	r=1
	while [ "$r" -le "$REPEAT" ]; do
		conf 0000000002 static >"$tmp/s.conf"
		: >"$tmp/s.log"
		ip netns exec "$HS" env SIXPLANED_STATE_DIR="$tmp/ss" \
			"$SIXPLANED" -c "$tmp/s.conf" -s "$tmp/s.sock" 2>>"$tmp/s.log" &
		echo $! >"$tmp/s.pid"
		wait_serving "$tmp/s.log"
		sleep 1
		rss0_s=$(mem_of "$tmp/s.pid" VmRSS)
		conf 0000000002 static "$n" >"$tmp/s.conf.new" && mv "$tmp/s.conf.new" "$tmp/s.conf"
		ip netns exec "$HS" "$FDBWAIT" "$n" hup "$(cat "$tmp/s.pid")" >>"$tmp/t_s" ||
			die "static: not $n entries after the SIGHUP: $(tail -n 3 "$tmp/s.log")"
		r=$((r + 1))
		[ "$r" -le "$REPEAT" ] || break
		spid=$(cat "$tmp/s.pid")
		stop "$tmp/s.pid"
		wait "$spid" 2>/dev/null
	done
	t_s=$(median <"$tmp/t_s")
	sleep 1
	rss_s=$(mem_of "$tmp/s.pid" VmRSS)
	w_s=$(fdb_writes "$tmp/s.sock")
	trim_s=$(trimmed "$tmp/s.pid")
	# one host more, the file's way: its [Peer] section added, SIGHUP,
	# timed to its entry (the file grows by one each time)
	say "N = $n: static, one [Peer] more by SIGHUP, $ADDS times..."
	: >"$tmp/t_s1"
	r=1
	while [ "$r" -le "$ADDS" ]; do
		conf 0000000002 static "$((n + r))" >"$tmp/s.conf.new" && mv "$tmp/s.conf.new" "$tmp/s.conf"
		ip netns exec "$HS" "$FDBWAIT" "$((n + r - 1)):$((n + r))" hup "$(cat "$tmp/s.pid")" >>"$tmp/t_s1" ||
			die "static: no entry for the peer added by SIGHUP: $(tail -n 3 "$tmp/s.log")"
		r=$((r + 1))
	done
	one_s=$(median <"$tmp/t_s1")
	spid=$(cat "$tmp/s.pid")
	stop "$tmp/s.pid"
	wait "$spid" 2>/dev/null

	left=$(awk -v a="$kt0" -v b="$(lab_time)" -v w="$WINDOW" 'BEGIN { d = w - (b - a); print (d > 0 ? d : 0) }')
	sleep "$left"
	k1=$(keepalives)
	kt1=$(lab_time)
	echo "$n $t_e $rss_e $w_e $t_eh $t_s $rss0_s $rss_s $w_s $leases $((k1 - k0)) $(lab_elapsed "$kt0" "$kt1") $reg $t_s0 $hwm_e $t_r $range_bytes $trim_e $trim_s $(echo "$one_e" | cut -d' ' -f1) $one_s" >>"$tmp/rows"
done
T1=$(date +%s)

# --- the table ---
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "## bench/membership ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs: ${cpu:-unknown CPU})"
echo
echo "One sixplaned (Membership = etcd, Lease = $LEASE, Multicast = off: one FDB entry per peer, Dataplane = packet)"
echo "on a 3-member $(etcd --version | head -n 1 | sed 's/ Version://') cluster, every member and the host in its own namespace on one"
echo "bridge (tests/etcd/lab.sh), against the same peers as static [Peer] sections, both at a start and by SIGHUP; one run of"
echo "$((T1 - T0)) s. Registered nodes are put by a loader (bench/membership/loader.py) under leases it keeps alive,"
echo "one lease per $PER_LEASE nodes (a real host holds its own)."
echo
echo "Times: each the median of $REPEAT, a fresh sixplaned each; static/etcd > 1: the store was faster."
echo
echo "| N | etcd: start to N entries | static: start to N entries | static/etcd | etcd: SIGHUP to N entries | static: SIGHUP to N entries | static/etcd | the range read alone | entries/s: etcd start, etcd SIGHUP, static SIGHUP |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk '{
	printf "| %d | %.3f s | %.3f s | %.2f | %.3f s | %.3f s | %.2f | %.3f s, %.1f MB | %.0f, %.0f, %.0f |\n",
		$1, $2, $14, $14 / $2, $5, $6, $6 / $5, $16, $17 / 1e6, $1 / $2, $1 / $5, $1 / $6 }' "$tmp/rows"
echo
echo "One host more on a running backplane of N, the change itself (median of $ADDS): etcd, the new node's key"
echo "put (by the loader, through member 1), timed to its entry in the running etcd daemon's FDB; static, its"
echo "[Peer] section added to the running static daemon's file and SIGHUP, timed to its entry (the file re-read"
echo "and the whole plan diffed: what the file's way costs every host of the backplane, each time one joins)."
echo
echo "| N | etcd: put to the entry | static: SIGHUP to the entry | static/etcd |"
echo "|---:|---:|---:|---:|"
awk '{ printf "| %d | %.1f ms | %.1f ms | %.2f |\n", $1, $20, $21 * 1000, $21 * 1000 / $20 }' "$tmp/rows"
echo
echo "Memory and writes: the etcd start's last daemon and the static SIGHUP's last daemon, a second after the"
echo "last entry."
echo
echo "| N | etcd: fdb_writes | RSS (peak) | RSS/peer | trimmed: RSS, /peer | static: fdb_writes | RSS | RSS/peer | trimmed: RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v r0="$RSS0_E" -v t0="$TRIM0_E" '
	function kb(v) { return v == "-" ? "-" : v " kB" }
	# per peer: the growth since the previous row, per peer added (the
	# first row: since the daemon with no peer)
	NR == 1 { pn = 0; pe = r0; pt = t0; ps = $7 }
	{
	tp = ($18 == "-" || pt == "-") ? "-" : sprintf("%.0f B", ($18 - pt) * 1024 / ($1 - pn))
	printf "| %d | %d | %d kB (%d kB) | %.0f B | %s, %s | %d | %d kB | %.0f B | %s |\n",
		$1, $4, $3, $15, ($3 - pe) * 1024 / ($1 - pn), kb($18), tp, $9, $8, ($8 - ps) * 1024 / ($1 - pn), kb($19)
	pn = $1; pe = $3; pt = $18; ps = $8 }' "$tmp/rows"
echo
echo "Start to N entries: from spawning sixplaned to the last entry's RTM_NEWNEIGH; etcd: its join, one range read"
echo "of the nodes, the writes; static: the N [Peer] sections in its file. SIGHUP to N entries: sixplaned started"
echo "with no peer (Membership = static, its file otherwise the same), a second after it serves its file"
echo "replaced and SIGHUP, from the signal to the last entry; etcd: the file with Membership = etcd and the [Etcd]"
echo "section (the store opened, joined, read, the writes); static: the file with the N [Peer] sections (re-read,"
echo "the plan diffed, the writes). The entries are heard by bench/membership/fdbwait (C, libmnl), on a netlink"
echo "socket in the daemon's namespace opened before the spawn or the signal, many events per recvmmsg() so that it"
echo "takes little of the CPUs it shares with the daemon and etcd. The range read alone: the same /v3/kv/range by"
echo "curl from the host's namespace in one request (the daemon reads in pages: 1,000 nodes, then twice as many each"
echo "page up to 8,000), its time and its size: etcd's share of the start. RSS: VmRSS (peak:"
echo "VmHWM); RSS/peer: its growth per peer added since the row above (the first row: since the same path's"
echo "daemon with no peer; etcd: on an empty store, $RSS0_E kB; static: with no [Peer], $(head -n 1 "$tmp/rows" | cut -d' ' -f7) kB)."
echo "Trimmed: VmRSS once glibc's malloc_trim(0) was called in the daemon (by gdb, after the other readings): what"
echo "it holds, without the heap freed after the start but kept by malloc (etcd: on an empty store, $TRIM0_E kB)."
echo "fdb_writes: the daemon's count of FDB writes (its stats)."
echo
echo "Put to FDB, at N = $LAST_N, $CHANGES single puts through member 1 (every other one a new node, the rest an"
echo "existing node moved to a new endpoint), each from just before the put to the entry's RTM_NEWNEIGH:"
echo
# shellcheck disable=SC2086 # the fields
set -- $LAT
echo "| p50 | p99 | max | missed (none within 2 s) |"
echo "|---:|---:|---:|---:|"
echo "| $1 ms | $2 ms | $3 ms | $4 of $CHANGES |"
P99=$2
echo
echo "etcd's LeaseKeepAlive RPCs (grpc_server_handled_total, the three members' /metrics summed) over at least"
echo "$WINDOW s, the loader's leases alone (no sixplaned registered), each renewed every $((LEASE / 3)) s by one POST to"
echo "/v3/lease/keepalive as sixplaned does. N hosts hold a lease each: N x the measured rate per lease."
echo
echo "| N | leases held | measured | per lease | N hosts (N x per lease) | model N / ($LEASE/3) |"
echo "|---:|---:|---:|---:|---:|---:|"
awk -v l="$LEASE" '{
	r = $11 / $12; pl = r / $10
	printf "| %d | %d | %.2f /s | %.3f /s | %.0f /s | %.0f /s |\n", $1, $10, r, pl, $1 * pl, $1 / (l / 3) }' "$tmp/rows"
echo
echo "Registering the nodes (the loader, 128 puts per transaction): $(awk '{ printf "%s%d in %s s", (NR > 1 ? ", " : ""), $1, $13 }' "$tmp/rows") (each the nodes added to reach N)."
echo
echo "Targets:"
awk -v p99="$P99" -v r0="$RSS0_E" -v t0="$TRIM0_E" '
	{ t[$1] = $2; teh[$1] = $5; ts[$1] = $6; ts0[$1] = $14; rss[$1] = $3; trim[$1] = $18; n[++k] = $1 }
	END {
		big = n[k]
		printf "- %d nodes converged in under 5 s: %.3f s, %s.\n", big, t[big], (t[big] < 5 ? "met" : "missed")
		printf "- p99 put to FDB under 100 ms: %s ms, %s.\n", p99, (p99 + 0 < 100 ? "met" : "missed")
		pn = k > 1 ? n[k - 1] : 0
		g = (rss[big] - (k > 1 ? rss[pn] : r0)) * 1024 / (big - pn)
		printf "- RSS growing by under 1 KB per peer: %.0f B per peer from N = %d to %d, %s", g, pn, big, (g < 1024 ? "met" : "missed")
		if (trim[big] != "-" && (k > 1 ? trim[pn] : t0) != "-")
			printf " (trimmed: %.0f B per peer)", (trim[big] - (k > 1 ? trim[pn] : t0)) * 1024 / (big - pn)
		printf ".\n"
		# the same event on both sides: start against start, SIGHUP against SIGHUP
		slow = ""
		for (i = 1; i <= k; i++) {
			m = n[i]
			if (t[m] > ts0[m])
				slow = slow (slow == "" ? " " : "; ") sprintf("N = %d, start (etcd %.3f s, static %.3f s)", m, t[m], ts0[m])
			if (teh[m] > ts[m])
				slow = slow (slow == "" ? " " : "; ") sprintf("N = %d, SIGHUP (etcd %.3f s, static %.3f s)", m, teh[m], ts[m])
		}
		printf "- never slower than the static path, etcd start against static start and etcd SIGHUP against static SIGHUP at every N: %s.\n", (slow == "" ? "met" : "missed at" slow)
	}' "$tmp/rows"
say "done in $((T1 - T0)) s"
