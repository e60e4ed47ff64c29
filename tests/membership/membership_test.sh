#!/bin/sh
# Membership = etcd against a real 3-member etcd 3.4 cluster (tests/etcd/
# lab.sh: one member per namespace on a bridge), with sixplaned on hosts in
# namespaces on the same bridge, none with a [Peer] section. Each step
# checks the forwarding entries of every host against the hosts that should
# be there, and pings between hosts' 6PLANE addresses; a ping flow between
# two hosts that never change runs through all of it and must lose nothing.
#   1. four hosts join; each has the three others, all reach each other
#   2. the leader is killed: nothing changes on the fabric; a host joins
#   3. every member stopped: entries and traffic stay; a new host cannot
#      join; the members back: it joins and everyone reaches it
#   4. a host cut off from the store while a host leaves and the history
#      is compacted: it keeps its entries, then resyncs (a compacted watch)
#   5. kill -9 of a host: the others drop it within its lease and a little
#   6. SIGTERM of a host: the others drop it at once
#   7. a node id already registered from another endpoint: refused, named
# MODE=tls: over TLS with client certificates (a CA made by openssl here);
# MODE=auth: password auth with a role per host, and a host that tries
# another's key is refused by etcd, named with the key. These two run steps
# 1, 5, 6 and 7: the store's own failures are the plain run's.
set -u
SIXPLANED=$1
SIXPLANE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/netns/lib.sh
. "$HERE/../netns/lib.sh"
need_netns
need_tool etcd
need_tool etcdctl
need_tool openssl
need_tool iptables
MODE=${MODE:-plain}
LAB_NS="spm-$$"
LAB_TRAP=no
# shellcheck source=tests/etcd/lab.sh
. "$HERE/../etcd/lab.sh"
LEASE=5
# host 3 is cut off from the store for a while (step 4): a lease that
# outlasts the cut, so that what is tested is its own resync
# shellcheck disable=SC2034 # read by start_host, through eval
LEASE_3=30

tmp=$(mktemp -d)
chmod 755 "$tmp"
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
	lab_cleanup
	# KEEP=1: the logs and files stay, for a look after a failure
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap stop_all EXIT
trap 'exit 1' INT TERM HUP

case $MODE in
tls) lab_start --tls ;;
auth)
	lab_start --auth
	# a user per host, made while the store is up (step 3 stops it)
	for n in 1 2 3 4 5 6 7; do lab_add_host "$(printf '00000000%02d' "$n")"; done
	;;
*) lab_start ;;
esac

# host N: node 00000000NN, address 192.0.2.N, namespace LAB_NS-hN
node_of() { printf '00000000%02d' "$1"; }
addr_of() { echo "192.0.2.$1"; }
ns_of() { echo "$LAB_NS-h$1"; }
mac_of() { "$SIXPLANE" mac "$LAB_NWID" "$(node_of "$1")" --json | json_field mac; }
ip6_of() { "$SIXPLANE" plane "$LAB_NWID" "$(node_of "$1")" --json | json_field sixplane_addr; }

# start_host N [NODE]: sixplaned on host N (address 192.0.2.N), as node
# NODE (default its own), with the [Etcd] section of MODE
start_host() {
	_n=$1
	_node=${2:-$(node_of "$1")}
	eval "_lease=\${LEASE_$_n:-$LEASE}"
	: "${_lease:?}"
	[ -e "$tmp/h$_n.made" ] || {
		lab_host "h$_n" "$(addr_of "$_n")" >/dev/null
		touch "$tmp/h$_n.made"
	}
	{
		printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nUnderlay = %s\n' \
			"$LAB_NWID" "$_node" "$(addr_of "$_n")"
		printf 'Membership = etcd\nDataplane = packet\n\n[Etcd]\nEndpoints = %s\nLease = %s\n' \
			"$LAB_ENDPOINTS" "$_lease"
		case $MODE in
		tls) printf 'CA = %s/ca.pem\nCert = %s/client.pem\nKey = %s/client-key.pem\n' \
			"$LAB_DIR" "$LAB_DIR" "$LAB_DIR" ;;
		auth)
			# the user of the host's own node: a host claiming another
			# node id is refused by etcd
			_user=host-$(node_of "$_n")
			printf 'User = %s\nPasswordFile = %s/%s.pw\n' "$_user" "$LAB_DIR" "$_user"
			;;
		esac
	} >"$tmp/h$_n.conf"
	ip netns exec "$(ns_of "$_n")" env SIXPLANED_STATE_DIR="$tmp/s$_n" \
		"$SIXPLANED" ${VERBOSE:+-v} -c "$tmp/h$_n.conf" -s "$tmp/h$_n.sock" 2>>"$tmp/h$_n.log" &
	echo $! >"$tmp/h$_n.pid"
	PIDS="$PIDS $!"
	wait_for 5 grep -q serving "$tmp/h$_n.log" || die "host $_n did not start: $(cat "$tmp/h$_n.log")"
}
pid_of() { cat "$tmp/h$1.pid"; }

# entries N: host N's unicast forwarding entries as "MAC DST", sorted
entries() {
	bridge -n "$(ns_of "$1")" fdb show dev sp0 2>/dev/null |
		awk '$1 != "00:00:00:00:00:00" && $2 == "dst" {print $1, $3}' | sort
}
# want N HOSTS: what host N's entries must be with HOSTS running
want() {
	for _o in $2; do
		[ "$_o" = "$1" ] || echo "$(mac_of "$_o") $(addr_of "$_o")"
	done | sort
}
# converged SECONDS HOSTS [WHO]: every host of WHO (default HOSTS) has
# exactly the others of HOSTS within SECONDS; prints how long it took
converged() {
	_t0=$(lab_time)
	_deadline=$(($(date +%s) + $1))
	for _h in ${3:-$2}; do
		want "$_h" "$2" >"$tmp/want"
		while ! entries "$_h" | cmp -s - "$tmp/want"; do
			[ "$(date +%s)" -lt "$_deadline" ] || {
				echo "host $_h has:" >&2
				entries "$_h" >&2
				echo "want:" >&2
				cat "$tmp/want" >&2
				tail -n 5 "$tmp/h$_h.log" >&2
				return 1
			}
			sleep 0.1
		done
	done
	lab_elapsed "$_t0" "$(lab_time)"
}
# reaches A B: host A pings host B's 6PLANE address
reaches() {
	ip netns exec "$(ns_of "$1")" ping -6 -c 1 -W 2 "$(ip6_of "$2")" >/dev/null 2>&1 ||
		die "host $1 does not reach host $2 ($(ip6_of "$2"))"
}
all_reach() {
	for _a in $1; do
		for _b in $1; do [ "$_a" = "$_b" ] || reaches "$_a" "$_b"; done
	done
}

# 1. four hosts join
HOSTS="1 2 3 4"
for h in $HOSTS; do start_host "$h"; done
t=$(converged 15 "$HOSTS") || die "four hosts did not converge"
all_reach "$HOSTS"
say() { echo "ok   $*"; }
say "four hosts joined with no [Peer] section, all entries in ${t} s ($MODE)"
# the flow that must lose nothing: host 1 to host 2, 20 a second
ip netns exec "$(ns_of 1)" ping -6 -D -O -i 0.05 "$(ip6_of 2)" >"$tmp/flow" 2>&1 &
FLOW=$!
PIDS="$PIDS $FLOW"

# MODE=tls and auth are about how the hosts reach the store: they join,
# leave and refuse (steps 1, 6, 7); the store's failures are MODE=plain's
if [ "$MODE" = plain ]; then
# 2. the leader killed
leader=$(lab_leader) || die "no leader"
kill -9 "$(cat "$LAB_DIR/m$leader.pid")"
: >"$LAB_DIR/m$leader.pid"
sleep 2
converged 1 "$HOSTS" >/dev/null || die "the fabric changed when the leader (member $leader) was killed"
start_host 5
HOSTS="$HOSTS 5"
t=$(converged 20 "$HOSTS") || die "host 5 did not join with member $leader down"
say "member $leader (the leader) killed: the fabric unchanged; host 5 joined in ${t} s"
lab_start_member "$leader"
lab_wait_healthy 20 || die "member $leader did not come back"

# 3. every member stopped
lab_stop_all
start_host 6
sleep $((LEASE + 2))
converged 1 "$HOSTS" >/dev/null || die "the fabric changed with the store down"
[ -z "$(entries 6)" ] || die "host 6 has entries with the store down: $(entries 6)"
all_reach "1 2 5"
lab_start_all
lab_wait_healthy 30 || die "the cluster did not come back"
HOSTS="$HOSTS 6"
t=$(converged 40 "$HOSTS") || die "no convergence after the store came back"
reaches 1 6
reaches 6 1
say "store stopped: entries and traffic kept, host 6 could not join; store back: all six in ${t} s"

# 4. host 3 cut off from the store (both ways: a route would still let the
# watch's events in); host 5 leaves; the history compacted
cut() { # -A or -D
	ip netns exec "$(ns_of 3)" iptables "$1" INPUT -p tcp --sport "$LAB_PORT" -j DROP &&
		ip netns exec "$(ns_of 3)" iptables "$1" OUTPUT -p tcp --dport "$LAB_PORT" -j DROP ||
		die "iptables $1 in host 3"
}
cut -A
# and its connections to the store closed (ss -K), so that it is down, not
# waiting on a stalled stream that would deliver everything once the cut
# is gone: back, its watch starts again from where it stopped
ip netns exec "$(ns_of 3)" ss -K -t dport = ":$LAB_PORT" >/dev/null 2>&1 ||
	die "ss -K: cannot close host 3's connections to the store"
wait_for 10 grep -q "etcd at .* lost" "$tmp/h3.log" || die "host 3 did not notice the store gone"
kill "$(pid_of 5)"
wait "$(pid_of 5)"
HOSTS="1 2 3 4 6"
converged 5 "$HOSTS" "1 2 4 6" >/dev/null || die "host 5's leaving was not seen"
lab_etcdctl put "$LAB_PREFIX/v1/$LAB_NWID/other" x >/dev/null || die "put"
lab_compact || die "compact"
[ "$(entries 3 | grep -c "$(addr_of 5)")" -eq 1 ] || die "host 3, cut off, lost or never had host 5"
reaches 3 1
cut -D
t=$(converged 40 "$HOSTS" 3) || die "host 3 did not resync after the compaction"
# the watch from where it stopped, canceled by etcd for the compaction,
# and the network read again
wait_for 5 grep -q "etcd compacted .* up to revision .*: reading it again" "$tmp/h3.log" ||
	die "host 3's watch was not canceled for the compaction: $(tail -5 "$tmp/h3.log")"
say "host 3 cut off from the store kept its entries; back after a compaction, resynced in ${t} s"

# 5. kill -9 of host 4: dropped within its lease
kill -9 "$(pid_of 4)"
wait "$(pid_of 4)" 2>/dev/null
HOSTS="1 2 3 6"
t=$(converged $((LEASE + 5)) "$HOSTS") || die "host 4 (kill -9) not dropped within ${LEASE} s + 5"
say "host 4 killed with -9: dropped by every host in ${t} s (lease ${LEASE} s)"
else
	HOSTS="1 2 3 6"
	start_host 6
	kill -9 "$(pid_of 4)"
	wait "$(pid_of 4)" 2>/dev/null
	t=$(converged $((LEASE + 5)) "$HOSTS") || die "host 6 did not join or host 4 was not dropped"
	say "host 6 joined and host 4 (kill -9) was dropped in ${t} s"
fi

# 6. SIGTERM of host 6: dropped at once
kill "$(pid_of 6)"
wait "$(pid_of 6)"
HOSTS="1 2 3"
t=$(converged 2 "$HOSTS") || die "host 6 (SIGTERM) not dropped within 2 s"
say "host 6 stopped: dropped by every host in ${t} s"

# 7. a node id taken: host 7 claims host 1's node from 192.0.2.7
case $MODE in
auth)
	# as its own user, which may write only its own key: etcd refuses
	start_host 7 "$(node_of 1)"
	wait_for 10 grep -q "permission denied" "$tmp/h7.log" ||
		die "etcd's refusal of a foreign key was not said: $(cat "$tmp/h7.log")"
	grep "permission denied" "$tmp/h7.log" | grep -q "$(lab_key "$(node_of 1)")" ||
		die "the refusal does not name the key: $(grep "permission denied" "$tmp/h7.log")"
	say "RBAC: host 7 writing host 1's key refused by etcd, said with the key"
	;;
*)
	start_host 7 "$(node_of 1)"
	wait_for 10 grep -q "registered from $(addr_of 1), not this host's $(addr_of 7)" "$tmp/h7.log" ||
		die "the collision was not refused: $(cat "$tmp/h7.log")"
	say "a node id held from another endpoint: refused, both endpoints named"
	;;
esac
converged 3 "$HOSTS" >/dev/null || die "the fabric changed with host 7's claim"
[ "$(lab_etcdctl get "$(lab_key "$(node_of 1)")" --print-value-only | grep -c "$(addr_of 1)")" -eq 1 ] ||
	die "host 1's key was overwritten"

# the flow between the two hosts that never changed
kill -INT "$FLOW"
wait "$FLOW" 2>/dev/null
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$tmp/flow")
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$tmp/flow")
[ -n "$loss" ] && [ "$sent" -gt 20 ] || die "no ping flow: $(tail -3 "$tmp/flow")"
[ "$loss" = 0 ] || die "host 1 to host 2 lost $loss% of $sent pings while the membership changed: $(grep -m 3 "no answer" "$tmp/flow")"
done_ok "membership on a 3-member etcd ($MODE): joins, the leader killed, the store stopped and back, a compacted resync, kill -9, SIGTERM, a taken node id; $sent pings between two unchanged hosts, none lost"
