#!/bin/sh
# Reloads under a steady stream of NS lose no answers: nsgen offers NS for
# this node's /80 at a fixed rate while sixplaned is sent SIGHUP again and
# again with configurations that add and remove a proxy interface; every NS
# must be answered. Then a bad configuration changes nothing. With
# DATAPLANE=tc, the same reloads with Dataplane = tc instead.
set -u
SIXPLANED=$1
SIXPLANE=$2
NSGEN=$3
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
# DATAPLANE=tc: skipped only where this build or kernel has no tc programs
# at all, as a probe of its own says
[ "${DATAPLANE:-netlink}" = tc ] && need_tc

plane_pair rld
veth_pair px0

tmp=$(mktemp -d)
base="[Network]
Id = $NWID
Node = $SELF
Interface = sp0
Dataplane = netlink
"
printf '%s' "$base" >"$tmp/one.conf"
printf '%s\n[Proxy]\nInterface = px0\nPrefix = 2001:db8:7::/64\nDataplane = packet\n' "$base" >"$tmp/two.conf"
RATE=20000
COUNT=60000
# start: sixplaned on $tmp/sixplane.conf (DAEMON)
start() {
	# emptied here, not by the background shell's redirection: wait_for
	# could otherwise find the last instance's "serving" before it runs
	: >"$tmp/log"
	ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log" &
	DAEMON=$!
	PIDS="$PIDS $DAEMON"
	wait_for 5 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"
}
# offer: a steady stream of NS for the /80 in the background (GEN);
# answered WHAT: after it, every one was sent and answered
offer() {
	ip netns exec "$B" "$NSGEN" -i sp0b -t "$HOST_PREFIX:1::" --random-tail 32 \
		-r "$RATE" -n "$COUNT" --wait 1000 >"$tmp/gen" &
	GEN=$!
	PIDS="$PIDS $GEN"
}
answered() {
	wait "$GEN"
	read -r _ sent _ answered _ <"$tmp/gen"
	[ "$sent" -eq "$COUNT" ] || die "$1: nsgen sent only $sent of $COUNT"
	[ "$answered" -eq "$sent" ] || die "$1: $((sent - answered)) of $sent NS unanswered across 10 reloads"
}
# DATAPLANE=tc (netns_reload_tc): the same with the tc programs. Each
# reload writes the maps' next generation and switches with one store, and
# attaches the ingress program to px0 or detaches it, while NS for the /80
# keep coming.
if [ "${DATAPLANE:-netlink}" = tc ]; then
	sed 's/Dataplane = .*/Dataplane = tc/' "$tmp/one.conf" >"$tmp/tc1.conf"
	sed 's/Dataplane = .*/Dataplane = tc/' "$tmp/two.conf" >"$tmp/tc2.conf"
	cp "$tmp/tc1.conf" "$tmp/sixplane.conf"
	start
	offer
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.25
		if [ $((i % 2)) -eq 1 ]; then conf=tc2 want="ingress sp_ingress"; else conf=tc1 want=""; fi
		cp "$tmp/$conf.conf" "$tmp/sixplane.conf"
		kill -HUP "$DAEMON"
		wait_for 5 sh -c "[ \$(grep -c reloaded $tmp/log) -eq $i ]" ||
			die "tc reload $i not applied: $(tail -1 "$tmp/log")"
		[ "$(tc_progs "$A" px0)" = "$want" ] ||
			die "after tc reload $i: px0 has [$(tc_progs "$A" px0)], want [$want]"
	done
	answered tc
	kill -TERM "$DAEMON"
	wait "$DAEMON" || die "sixplaned (tc) exited non-zero"
	rm -rf "$tmp"
	echo "ok: $sent NS at $RATE/s across 10 reloads with the tc programs, all answered, attached to and detached from px0 by each"
	exit 0
fi

cp "$tmp/one.conf" "$tmp/sixplane.conf"
start
offer
for i in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.25
	if [ $((i % 2)) -eq 1 ]; then cp "$tmp/two.conf" "$tmp/sixplane.conf"; else cp "$tmp/one.conf" "$tmp/sixplane.conf"; fi
	kill -HUP "$DAEMON"
done
wait_for 5 sh -c "[ \$(grep -c reloaded $tmp/log) -eq 10 ]"
reloads=$(grep -c "reloaded" "$tmp/log")
[ "$reloads" -eq 10 ] || { cat "$tmp/log"; die "$reloads of 10 reloads applied"; }
answered netlink/packet

# A bad file: refused, the counters and the answers go on.
printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nBogus = 1\n' $NWID $SELF >"$tmp/sixplane.conf"
kill -HUP "$DAEMON"
# waited for whole: a line read while it is being written may be cut
wait_for 5 grep -q "reload refused.*sixplane.conf:5: unknown key 'Bogus'" "$tmp/log" ||
	die "bad reload not refused with file:line: $(tail -1 "$tmp/log")"
out=$(ip netns exec "$B" "$NSGEN" -i sp0b -t "$HOST_PREFIX::5" -n 100 --wait 500)
case "$out" in "sent 100 answered 100 "*) ;; *) die "after a refused reload: $out" ;; esac
seen=$("$SIXPLANE" stats --json -s "$tmp/sock" | grep '"interface":"sp0","path":"packet"' |
	sed 's/.*"answered":\([0-9]*\).*/\1/')
[ "$seen" -eq $((COUNT + 100)) ] || die "counters lost across reloads: answered $seen, want $((COUNT + 100))"
# Dataplane = tc on reload, when this start loaded no tc programs (they
# load at start only): refused, the running paths stay
printf '%sDataplane = tc\n' "$(printf '%s' "$base" | grep -v Dataplane)
" >"$tmp/sixplane.conf"
kill -HUP "$DAEMON"
wait_for 5 grep -q "reload refused.*sp0: Dataplane = tc.* the tc programs are not loaded" "$tmp/log" ||
	die "a reload asking for tc without its programs was not refused with the reason: $(tail -1 "$tmp/log")"
out=$(ip netns exec "$B" "$NSGEN" -i sp0b -t "$HOST_PREFIX::5" -n 100 --wait 500)
case "$out" in "sent 100 answered 100 "*) ;; *) die "after the refused tc reload: $out" ;; esac
kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero"

rm -rf "$tmp"
echo "ok: $sent NS at $RATE/s across 10 reloads, all answered"
