# shellcheck shell=sh
# Shared helpers for the network namespace tests (POSIX sh, sourced).
# Namespaces are named after the test and its pid, and removed on exit.

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }

need_netns() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v ip >/dev/null 2>&1 || skip "needs iproute2"
	ip netns add "sp-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "sp-probe-$$"
}

NETNS_LIST=""
PIDS=""
netns_add() {
	ip netns add "$1" || die "ip netns add $1"
	NETNS_LIST="$NETNS_LIST $1"
	ip -n "$1" link set lo up
}
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	# a process that ignores SIGTERM for 5 s is killed
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in $NETNS_LIST; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

# capture_start NETNS IFACE FILE [FILTER]: record every ICMPv6 Neighbor
# Solicitation (or what FILTER says) seen on the interface: multicast ones
# included, which the kernel's own counters miss for groups the receiver has
# not joined.
capture_start() {
	command -v tcpdump >/dev/null 2>&1 || skip "needs tcpdump"
	ip netns exec "$1" tcpdump -i "$2" -n -U -w "$3" "${4:-icmp6 and ip6[40] == 135}" 2>/dev/null &
	PIDS="$PIDS $!"
	# tcpdump writes the file header once it is capturing
	wait_for 5 test -s "$3" || die "tcpdump did not start"
}
# ns_count FILE TARGET_REGEX: NS captured so far for matching targets
ns_count() {
	tcpdump -r "$1" -n 2>/dev/null | grep -c "neighbor solicitation, who has $2"
}

# wait_for SECONDS COMMAND...: retry until the command succeeds.
wait_for() {
	t=$1
	shift
	i=0
	while [ "$i" -lt "$((t * 10))" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
