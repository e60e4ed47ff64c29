#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo's second part: membership from etcd, for real, in namespaces.
#
#   scripts/demo_etcd.sh SIXPLANED SIXPLANE
#
# A 3-member etcd cluster and five hosts on one bridge (192.0.2.0/24). Every
# host's file has the same two-line [Etcd] section and no [Peer]: each
# registers itself and learns the others from the store. Then one host is
# killed (kill -9) and the others drop it when its lease runs out, and a
# sixth joins and everyone reaches it. The summary says how long each step
# took. Cleans up after itself; exits 1 if any check fails (the netns test
# netns_demo_etcd runs it).
set -u

if [ $# -ne 2 ]; then
	echo "Usage: scripts/demo_etcd.sh SIXPLANED SIXPLANE" >&2
	exit 2
fi
SIXPLANED=$1
SIXPLANE=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces, VXLAN): run it as root" >&2
	exit 77
fi
for tool in ip bridge ping etcd etcdctl; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "demo: needs $tool (make deps installs it)" >&2
		exit 77
	}
done

LAB_NS="sp-etcdemo-$$"
LAB_TRAP=no
# shellcheck source=tests/etcd/lab.sh
. "$(dirname "$0")/../tests/etcd/lab.sh"
DIR=$(mktemp -d)
chmod 755 "$DIR"
PIDS=""
# shellcheck disable=SC2317 # called by the trap
finish() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	lab_cleanup
	rm -rf "$DIR"
}
trap finish EXIT
trap 'echo; echo "demo: interrupted, cleaning up" >&2; exit 130' INT TERM

# shellcheck source=scripts/demo_say.sh
. "$(dirname "$0")/demo_say.sh"

node_of() { printf '00000000%02d' "$1"; }
addr_of() { echo "192.0.2.$1"; }
ip6_of() { "$SIXPLANE" plane "$LAB_NWID" "$(node_of "$1")" --json | sed -n 's/.*"sixplane_addr":"\([^"]*\)".*/\1/p'; }
mac_of() { "$SIXPLANE" mac "$LAB_NWID" "$(node_of "$1")" --json | sed -n 's/.*"mac":"\([^"]*\)".*/\1/p'; }

start_host() { # N
	lab_host "h$1" "$(addr_of "$1")" >/dev/null
	printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nUnderlay = %s\nMembership = etcd\n\n[Etcd]\nEndpoints = %s\n' \
		"$LAB_NWID" "$(node_of "$1")" "$(addr_of "$1")" "$LAB_ENDPOINTS" >"$DIR/h$1.conf"
	ip netns exec "$LAB_NS-h$1" env SIXPLANED_STATE_DIR="$DIR/s$1" \
		"$SIXPLANED" -c "$DIR/h$1.conf" -s "$DIR/h$1.sock" 2>"$DIR/h$1.log" &
	echo $! >"$DIR/h$1.pid"
	PIDS="$PIDS $!"
}
# peers N: how many peers host N has a forwarding entry for
peers() {
	bridge -n "$LAB_NS-h$1" fdb show dev sp0 2>/dev/null |
		awk '$1 != "00:00:00:00:00:00" && $2 == "dst"' | wc -l
}
has() { # N M: host N has host M's entry
	bridge -n "$LAB_NS-h$1" fdb show dev sp0 2>/dev/null | grep -q "^$(mac_of "$2") dst $(addr_of "$2") "
}
# until SECONDS CMD...: wait for CMD, print the seconds it took ("-" if never)
until_ok() {
	_t0=$(lab_time)
	_end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || {
			echo -
			return 1
		}
		sleep 0.1
	done
	lab_elapsed "$_t0" "$(lab_time)"
}
all_have() { # "HOSTS": every host of HOSTS has every other one's entry, and no more
	for _a in $1; do
		[ "$(peers "$_a")" -eq $(($(echo "$1" | wc -w) - 1)) ] || return 1
		for _b in $1; do [ "$_a" = "$_b" ] || has "$_a" "$_b" || return 1; done
	done
}

say "A 3-member etcd cluster (etcd $(etcd --version | sed -n 's/^etcd Version: //p')) on the underlay bridge"
t0=$(lab_time)
lab_start
echo "  members: $LAB_ENDPOINTS ($(lab_elapsed "$t0" "$(lab_time)") s to healthy)"

say "Five hosts, each with this file but its own Node and Underlay (no [Peer] anywhere)"
for h in 1 2 3 4 5; do start_host "$h"; done
sed 's/^/  /' "$DIR/h1.conf"
HOSTS="1 2 3 4 5"
t_join=$(until_ok 30 all_have "$HOSTS") || fail "the five hosts did not learn each other"
printf '\n  %-5s %-11s %-11s %s\n' host node underlay peers
for h in $HOSTS; do printf '  %-5s %-11s %-11s %s\n' "h$h" "$(node_of "$h")" "$(addr_of "$h")" "$(peers "$h")"; done
echo "  etcd holds:"
lab_etcdctl get --prefix "$LAB_PREFIX/" | paste - - | sed 's/^/    /'
reach() { ip netns exec "$LAB_NS-h$1" ping -6 -c 1 -W 2 "$(ip6_of "$2")" >/dev/null 2>&1; }
bad=0
for a in $HOSTS; do for b in $HOSTS; do [ "$a" = "$b" ] || reach "$a" "$b" || bad=$((bad + 1)); done; done
[ "$bad" -eq 0 ] || fail "$bad of 20 pairs cannot reach each other"
echo "  every host reaches the four others (20 of 20 pairs)"

say "Host 3 is killed (kill -9): its lease runs out and every other host drops it"
kill -9 "$(cat "$DIR/h3.pid")"
HOSTS="1 2 4 5"
t_drop=$(until_ok 30 all_have "$HOSTS") || fail "host 3 was not dropped everywhere"
echo "  dropped by all four in $t_drop s (its lease: Lease = 15 s, the default)"

say "Host 6 joins with the same two lines"
start_host 6
HOSTS="1 2 4 5 6"
t_new=$(until_ok 30 all_have "$HOSTS") || fail "host 6 did not join everywhere"
bad=0
for a in 1 2 4 5; do reach "$a" 6 && reach 6 "$a" || bad=$((bad + 1)); done
[ "$bad" -eq 0 ] || fail "$bad hosts cannot reach host 6 or be reached from it"
echo "  every host has it after $t_new s, and reaches it"

say "sixplane status on host 1"
"$SIXPLANE" status -s "$DIR/h1.sock" | sed 's/^/  /'

echo
printf '  %-44s %s\n' "five hosts learned each other" "$t_join s" \
	"a host killed, dropped by all" "$t_drop s" "a new host known to all" "$t_new s"
echo
if [ "$failures" -eq 0 ]; then
	printf '%sPASS%s  membership from etcd: 6 hosts, one file each, none edited when another came or went\n' "$G" "$N"
	exit 0
fi
printf '%sFAILED%s  %d check(s) failed\n' "$R" "$N" "$failures"
for h in 1 2 3 4 5 6; do
	[ -e "$DIR/h$h.log" ] && { echo "--- sixplaned on host $h:"; tail -n 5 "$DIR/h$h.log"; }
done
exit 1
