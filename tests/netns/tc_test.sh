#!/bin/sh
# The tc data path on a plane interface (Dataplane = tc): 10,000 distinct
# neighbors resolved with no NS on the wire; a non-emulated neighbor on the
# same interface resolved by the kernel's own NS, not delayed through user
# space (app_solicit stays 0); a malformed NS leaves untouched, a valid one
# for an emulated target is answered in place. Exactly the two programs are
# attached, none stays after exit or kill -9, and a previous instance's
# leftover is removed at start.
set -u
SIXPLANED=$1
SIXPLANE=$2
NSGEN=$3
NEIGHGEN=$4
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
# skipped only where this build or kernel has no tc programs at all, as a
# probe of its own says; where it has, sixplaned must load and attach ours
need_tc

plane_pair tc
PEER=1122334455
PEER_PREFIX=$("$SIXPLANE" plane "$NWID" $PEER --json | json_field sixplane_host_prefix)
PEER_MAC=$("$SIXPLANE" mac "$NWID" $PEER --json | json_field mac)
ip -n "$A" addr add 2001:db8:5::1/64 dev sp0 nodad
ip -n "$B" addr add 2001:db8:5::2/64 dev sp0b nodad
tmp=$(mktemp -d)
printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nDataplane = tc\n' "$NWID" "$SELF" >"$tmp/conf"
ip netns exec "$A" "$SIXPLANED" -c "$tmp/conf" -s "$tmp/sock" 2>"$tmp/log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 10 grep -q serving "$tmp/log" ||
	die "sixplaned did not start, where the kernel runs tc programs (by $TC_ATTACH): $(cat "$tmp/log")"
stat() { # stat FIELD: a counter of sp0's tc-egress row
	"$SIXPLANE" stats --json -s "$tmp/sock" | tr '{' '\n' | grep '"path":"tc-egress"' |
		sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}
[ -n "$(stat answered)" ] || die "no tc-egress counters: $("$SIXPLANE" stats -s "$tmp/sock")"
[ "$(ip netns exec "$A" sysctl -n net.ipv6.neigh.sp0.app_solicit)" = 0 ] ||
	die "app_solicit set: the tc path must not route resolution through user space"
# NS and NA, and an NS behind an 8-byte hop-by-hop header ("icmp6" does
# not look past one)
capture_start "$B" sp0b "$tmp/wire.pcap" \
	'(icmp6 and (ip6[40] == 135 or ip6[40] == 136)) or (ip6[6] == 0 and ip6[40] == 58 and ip6[48] == 135)'

# 10,000 neighbors in the peer's /80, 500 at a time: the kernel's neighbor
# table (gc_thresh3, one for all namespaces) holds 1,024 by default, and
# other namespaces may hold some
before=$(stat answered)
i=0
while [ "$i" -lt 20 ]; do
	out=$(ip netns exec "$A" "$NEIGHGEN" -i sp0 -p "$PEER_PREFIX" -n 500 --seed $((i + 1)))
	case "$out" in
	"neighbors 500 resolved 500 "*) ;;
	*) die "chunk $i: $out" ;;
	esac
	# every entry carries the owner's MAC
	wrong=$(ip -n "$A" -6 neigh show dev sp0 | grep "^${PEER_PREFIX%::/80}" | grep -vc "lladdr $PEER_MAC")
	[ "$wrong" -eq 0 ] || die "chunk $i: $wrong neighbors not at $PEER_MAC"
	ip -n "$A" -6 neigh flush dev sp0
	i=$((i + 1))
done
answered=$(($(stat answered) - before))
[ "$answered" -ge 10000 ] || die "the egress program answered $answered, not 10000"
mark_ns "$A" sp0 "$tmp/wire.pcap"
ns=$(ns_count "$tmp/wire.pcap" "${PEER_PREFIX%%:*}")
[ "$ns" -eq 0 ] || die "$ns NS for the peer's /80 reached the wire"

# A neighbor outside the plane, on the same interface: the kernel's own NS
# leaves at once, untouched, and the peer's kernel answers it
ip netns exec "$A" ping -6 -c1 -W2 -n 2001:db8:5::2 >"$tmp/ping" 2>&1 ||
	die "no way to the non-emulated neighbor: $(cat "$tmp/ping")"
mark_ns "$A" sp0 "$tmp/wire.pcap"
[ "$(ns_count "$tmp/wire.pcap" 2001:db8:5::2)" -ge 1 ] ||
	die "the kernel's NS for a non-emulated neighbor did not leave"
rtt=$(sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$tmp/ping")

# Hand-made NS out of sp0: a valid one for the peer's space is answered in
# place (nsgen hears the NA, nothing reaches the wire), a malformed one
# or one behind a hop-by-hop header leaves as it was, counted by reason
T="${PEER_PREFIX%::/80}::77"
out=$(ip netns exec "$A" "$NSGEN" -i sp0 -t "$T" -n 5 --wait 300)
case "$out" in
"sent 5 answered 5 "*) ;;
*) die "valid NS out of sp0: $out" ;;
esac
for kind in checksum hop-limit zero-option extension-header; do
	ip netns exec "$A" "$NSGEN" -i sp0 -t "$T" -n 1 --malform "$kind" --wait 100 >/dev/null
done
mark_ns "$A" sp0 "$tmp/wire.pcap"
[ "$(ns_count "$tmp/wire.pcap" "$T")" -eq 4 ] ||
	die "expected the 4 malformed NS (and no valid one) on the wire, saw $(ns_count "$tmp/wire.pcap" "$T")"
bad=$("$SIXPLANE" stats --json -s "$tmp/sock" | grep '"path":"tc-egress"')
for r in bad-checksum bad-hop-limit bad-option extension-header; do
	echo "$bad" | grep -q "\"$r\":1[,}]" || die "$r not counted once: $bad"
done

# both programs on sp0, once each (by tcx links where the kernel has tcx)
progs=$(tc_progs "$A" sp0 | sort)
[ "$progs" = "$(printf 'egress sp_egress\ningress sp_ingress')" ] ||
	die "expected sp_egress and sp_ingress on sp0, found: $progs"
kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero"
[ -z "$(tc_progs "$A" sp0)" ] || die "programs stayed after exit: $(tc_progs "$A" sp0)"

# kill -9: nothing may keep answering with a dead daemon's maps. A tcx link
# goes with the process that held it; a clsact filter (a kernel without
# tcx, or an older sixplaned) stays, and the next start removes it.
start() {
	# emptied here, not by the background shell's redirection: wait_for
	# could otherwise find the last instance's "serving" before it runs
	: >"$tmp/log"
	ip netns exec "$A" "$SIXPLANED" -c "$tmp/conf" -s "$tmp/sock" 2>"$tmp/log" &
	DAEMON=$!
	PIDS="$PIDS $DAEMON"
	wait_for 10 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"
}
start
tcx=$([ -n "${TCXSHOW:-}" ] && ip netns exec "$A" "$TCXSHOW" sp0)
kill -9 "$DAEMON"
wait "$DAEMON" 2>/dev/null
if [ -n "$tcx" ]; then
	[ -z "$(tc_progs "$A" sp0)" ] || die "tcx programs stayed after kill -9: $(tc_progs "$A" sp0)"
fi
# what an older sixplaned killed with -9 left: our program as a clsact
# filter at our place
if [ -n "${BPF_OBJ:-}" ]; then
	tc -n "$A" qdisc add dev sp0 clsact 2>/dev/null
	tc -n "$A" filter replace dev sp0 egress prio 21328 handle 0x5350 bpf da obj "$BPF_OBJ" sec tc ||
		die "cannot attach the stand-in for an old instance's program"
	[ "$(tc_progs "$A" sp0 | grep -c sp_egress)" -ge 1 ] || die "the stand-in is not attached"
fi
start
if [ -n "${BPF_OBJ:-}" ] || [ -z "$tcx" ]; then
	grep -q "sp0: removed 1 tc program(s) a previous sixplaned left" "$tmp/log" ||
		die "the leftover program was not removed: $(cat "$tmp/log")"
fi
progs=$(tc_progs "$A" sp0 | sort)
[ "$progs" = "$(printf 'egress sp_egress\ningress sp_ingress')" ] ||
	die "after the restart, expected sp_egress and sp_ingress once each on sp0, found: $progs"
out=$(ip netns exec "$A" "$NSGEN" -i sp0 -t "$T" -n 5 --wait 300)
case "$out" in
"sent 5 answered 5 "*) ;;
*) die "valid NS after the restart: $out" ;;
esac
kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero"
[ -z "$(tc_progs "$A" sp0)" ] || die "programs stayed after exit: $(tc_progs "$A" sp0)"
tc -n "$A" qdisc show dev sp0 | grep -q clsact && [ -z "${BPF_OBJ:-}" ] &&
	die "a clsact qdisc stayed on sp0"
rm -rf "$tmp"
echo "ok: 10000 neighbors resolved in the kernel, 0 NS on the wire; non-emulated neighbor by its own NS (first ping ${rtt} ms, app_solicit 0); malformed NS left untouched; ${tcx:+tcx links gone with kill -9, }an old instance's clsact filter removed at start"
