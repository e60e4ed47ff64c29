#!/bin/sh
# The stats socket cannot be used against NDP answering. sixplaned answers
# NS with the AF_PACKET responder on its main loop while it also serves a
# status reply larger than a socket buffer holds (a backplane of PEERS
# peers). Checked:
# - the socket is mode 0660 (group sixplane where that group exists), its
#   directory made 0755;
# - a client that connects and never reads, plus a swarm of SWARM clients
#   connecting again and again, while RATE NS/s come for SECONDS: every NS
#   is answered (nsgen counts the NA), the swarm is served, and the client
#   that never reads is cut off after the daemon's 2 s without progress;
# - SIGTERM with all of them connected ends the daemon within 1 s;
# - a second sixplaned on the same socket path (in another namespace, so
#   the lock per namespace does not refuse it first) exits 2 naming the
#   first one's pid, and the first keeps its socket and answers on it.
# The old writer (a blocking send on the main loop) fails the first check
# under load: the client that never reads stops all answering.
set -u
SIXPLANED=$1
SIXPLANE=$2
NSGEN=$3
CLIENTS=$(dirname "$0")/clients.py
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
need_netns
# the system's python, whatever else is first on PATH
PY=/usr/bin/python3
[ -x "$PY" ] || ci_skip "needs /usr/bin/python3"

RATE=${RATE:-20000}
SECONDS_=${SECONDS_:-3}
SWARM=${SWARM:-1000}
PEERS=${PEERS:-5000}
COUNT=$((RATE * SECONDS_))

plane_pair sta
tmp=$(mktemp -d)
SOCK="$tmp/run/stats.sock"
# the backplane's underlay, on an interface of its own (a veth: this
# kernel may lack the dummy module)
ip -n "$A" link add ul0 type veth peer name ul1 || die "veth ul0"
ip -n "$A" link set ul0 up
ip -n "$A" link set ul1 up
ip -n "$A" addr add 2001:db8:ffff::1/64 dev ul0 nodad
{
	printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nDataplane = packet\n\n' "$NWID" "$SELF"
	printf '[Network]\nId = 8056c2e21c000002\nNode = %s\nInterface = spf0\nUnderlay = 2001:db8:ffff::1\nDataplane = packet\n' "$SELF"
	awk -v n="$PEERS" 'BEGIN { for (i = 1; i <= n; i++)
		printf "[Peer]\nNode = %010x\nEndpoint = 2001:db8:ffff:1::%x\n", 0x1000000000 + i, i }'
} >"$tmp/sixplane.conf"

ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$SOCK" 2>"$tmp/log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 30 grep -q serving "$tmp/log" || die "sixplaned did not start: $(cat "$tmp/log")"

# --- who may connect ---
mode=$(stat -c %a "$SOCK")
[ "$mode" = 660 ] || die "the socket is mode $mode, want 660"
dmode=$(stat -c %a "$tmp/run")
[ "$dmode" = 755 ] || die "the socket's directory was made mode $dmode, want 755"
want_group=root
getent group sixplane >/dev/null 2>&1 && want_group=sixplane
group=$(stat -c %G "$SOCK")
[ "$group" = "$want_group" ] || die "the socket's group is $group, want $want_group"
[ "$(stat -c %U "$SOCK")" = root ] || die "the socket's owner is $(stat -c %U "$SOCK"), want root"

# the reply must be larger than what a socket holds unread, or a client
# that never reads would hold nothing
size=$("$PY" "$CLIENTS" once "$SOCK" | sed -n 's/^once //p')
wmem=$(cat /proc/sys/net/core/wmem_default)
[ "${size:-0}" -gt $((2 * wmem)) ] ||
	die "the status reply of ${size:-0} bytes is not larger than 2 x $wmem: the test proves nothing"

# offer: RATE NS/s for the /80, COUNT of them; prints nsgen's line
offer() {
	ip netns exec "$B" "$NSGEN" -i sp0b -t "$HOST_PREFIX:1::" --random-tail 32 \
		-r "$RATE" -n "$COUNT" --batch 8 --wait 1000
}
# counters: "NS_SEEN NA_SENT" of sp0's packet row
counters() {
	"$SIXPLANE" stats --json -s "$SOCK" | grep '"interface":"sp0","path":"packet"' |
		sed -n 's/.*"ns_seen":\([0-9]*\).*"na_sent":\([0-9]*\).*/\1 \2/p'
}
# answered LINE BEFORE WHAT: every NS of nsgen's LINE was sent and
# answered (the daemon's counters since BEFORE say where any went missing)
answered() {
	_sent=$(echo "$1" | awk '$1 == "sent" { print $2 }')
	_ans=$(echo "$1" | awk '$3 == "answered" { print $4 }')
	_c=$(counters)
	# shellcheck disable=SC2086 # "NS_SEEN NA_SENT" twice
	_d=$(echo $2 $_c | awk 'NF != 4 { print "the daemon did not give its counters"; exit }
		{ printf "the daemon saw %d NS and sent %d NA", $3 - $1, $4 - $2 }')
	echo "  $_d"
	[ "${_sent:-0}" -eq "$COUNT" ] || die "$3: nsgen sent only ${_sent:-0} of $COUNT: $1"
	[ "${_ans:-0}" -eq "$_sent" ] ||
		die "$3: $((_sent - ${_ans:-0})) of $_sent NS unanswered at $RATE NS/s ($_d)"
}

# without clients: what the machine can do at all
c0=$(counters)
out=$(offer) || die "nsgen: $out"
echo "no clients: $out"
answered "$out" "$c0" "without stats clients"

# --- abuse: one client that never reads, and a swarm ---
c0=$(counters)
mkfifo "$tmp/hold.in"
"$PY" "$CLIENTS" hold "$SOCK" <"$tmp/hold.in" >"$tmp/hold.out" &
HOLD=$!
PIDS="$PIDS $HOLD"
exec 3>"$tmp/hold.in"
wait_for 5 grep -q connected "$tmp/hold.out" || die "the holding client did not connect"
"$PY" "$CLIENTS" swarm "$SOCK" "$SWARM" >"$tmp/swarm.out" 2>&1 &
SW=$!
PIDS="$PIDS $SW"
sleep 0.5
out=$(offer) || die "nsgen: $out"
echo "with a client that never reads and $SWARM more: $out"
kill "$SW"
wait "$SW"
answered "$out" "$c0" "with stats clients"
cat "$tmp/swarm.out"
read -r _ _ _ _ conns _ full _ cut <"$tmp/swarm.out" || die "swarm: $(cat "$tmp/swarm.out")"
[ "$full" -gt 0 ] || die "no client of the swarm got a whole reply: $(cat "$tmp/swarm.out")"
# the client that never read was cut off once it took nothing for 2 s
exec 3>&-
wait "$HOLD"
cat "$tmp/hold.out"
grep -q "eof yes" "$tmp/hold.out" || die "the client that never reads was not closed: $(cat "$tmp/hold.out")"
held=$(sed -n 's/^held got \([0-9]*\).*/\1/p' "$tmp/hold.out")
[ "$held" -lt "$size" ] || die "the client that never read got the whole reply ($held bytes)?"

# --- a second daemon on the same socket path ---
C="sp-stc-$$"
netns_add "$C"
ip -n "$C" link add sp0 type veth peer name sp1 || die "veth in $C"
ip -n "$C" link set sp0 up
printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nDataplane = packet\n' "$NWID" "$SELF" >"$tmp/second.conf"
ino=$(stat -c %i "$SOCK")
# (one that is not refused would serve on: timeout ends it, status 124)
timeout 10 ip netns exec "$C" "$SIXPLANED" -c "$tmp/second.conf" -s "$SOCK" 2>"$tmp/second.log"
rc=$?
[ "$rc" -eq 2 ] || die "a second sixplaned on $SOCK exited $rc, want 2: $(cat "$tmp/second.log")"
grep -q "stats socket $SOCK: another sixplaned serves it (pid $DAEMON)" "$tmp/second.log" ||
	die "the second sixplaned's refusal: $(cat "$tmp/second.log")"
[ "$(stat -c %i "$SOCK" 2>/dev/null)" = "$ino" ] || die "the first daemon's socket was replaced or removed"
"$SIXPLANE" stats -s "$SOCK" | grep -q "^sp0 *packet" || die "the first daemon no longer answers on $SOCK"

# --- SIGTERM with clients connected, one never reading ---
"$PY" "$CLIENTS" hold "$SOCK" <"$tmp/hold.in" >"$tmp/hold2.out" &
HOLD=$!
PIDS="$PIDS $HOLD"
exec 3>"$tmp/hold.in"
wait_for 5 grep -q connected "$tmp/hold2.out" || die "the holding client did not connect"
"$PY" "$CLIENTS" swarm "$SOCK" "$SWARM" >"$tmp/swarm.out" 2>&1 &
SW=$!
PIDS="$PIDS $SW"
sleep 1
# a daemon stuck in a write is killed after 5 s, and the time tells
(sleep 5 && kill -9 "$DAEMON") 2>/dev/null &
WD=$!
t0=$(date +%s%N)
kill -TERM "$DAEMON"
wait "$DAEMON"
rc=$?
t1=$(date +%s%N)
kill "$WD" 2>/dev/null
ms=$(((t1 - t0) / 1000000))
echo "SIGTERM to exit: $ms ms"
[ "$rc" -eq 0 ] || die "sixplaned exited $rc on SIGTERM: $(tail -3 "$tmp/log")"
[ "$ms" -lt 1000 ] || die "sixplaned took $ms ms to exit on SIGTERM with clients connected"
[ ! -e "$SOCK" ] || die "the socket is still there after the exit"
[ ! -e "$SOCK.lock" ] || die "the socket's lock is still there after the exit"
exec 3>&-
done_ok "$RATE NS/s for $SECONDS_ s all answered with a client that never reads and $SWARM more ($conns connections, $full whole replies of $size bytes, $cut cut); SIGTERM took $ms ms"
