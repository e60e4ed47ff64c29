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

# tc_progs NETNS IFACE: the eBPF programs on the interface's tc hooks,
# "DIRECTION NAME" a line: tcx links (tcxshow, named by TCXSHOW where the
# build has BPF) and clsact filters (tc(8) shows no tcx)
tc_progs() {
	if [ -n "${TCXSHOW:-}" ]; then
		ip netns exec "$1" "$TCXSHOW" "$2" || die "tcxshow $2 failed"
	fi
	for d in ingress egress; do
		tc -n "$1" filter show dev "$2" "$d" 2>/dev/null |
			grep -o 'bpf .*' | sed -n "s/.* \(sp_[a-z]*\)[: ].*/$d \1/p"
	done
}

# capture_start NETNS IFACE FILE [FILTER]: record every ICMPv6 Neighbor
# Solicitation (or what FILTER says) seen on the interface: multicast ones
# included, which the kernel's own counters miss for groups the receiver has
# not joined.
capture_start() {
	command -v tcpdump >/dev/null 2>&1 || skip "needs tcpdump"
	# immediate mode: without it libpcap hands over packets a block at a
	# time, and the last block of a quiet capture never reaches the file
	# and a short snapshot, else a burst overruns the buffer; no file
	# left from before, whose header would pass for this capture's
	rm -f "$3"
	ip netns exec "$1" tcpdump -i "$2" -n -U --immediate-mode -B 32768 -s 256 -w "$3" \
		"${4:-icmp6 and ip6[40] == 135}" 2>/dev/null &
	PIDS="$PIDS $!"
	# tcpdump writes the file header once it is capturing
	wait_for 5 test -s "$3" || die "tcpdump did not start"
}
# ns_count FILE TARGET_REGEX: NS captured so far for matching targets
ns_count() {
	tcpdump -r "$1" -n 2>/dev/null | grep -c "neighbor solicitation,.*who has $2"
}

# wait_for SECONDS COMMAND...: retry until the command succeeds.
wait_for() {
	# sh has no locals: names no caller uses
	_wf_n=$(($1 * 10))
	shift
	_wf_i=0
	while [ "$_wf_i" -lt "$_wf_n" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_wf_i=$((_wf_i + 1))
	done
	return 1
}

# json_field KEY: the string value of KEY in the one JSON object on stdin
json_field() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

# plane_pair NAME: two fresh namespaces, A (this host, node SELF of network
# NWID) and B (its peer), joined by veth sp0 (in A, with MAC(NWID, SELF)
# and the host address with /40) <-> sp0b (in B). Sets A, B, SELF_MAC and
# HOST_PREFIX (this node's /80 without "::/80"). Needs SIXPLANE.
NWID=8056c2e21c000001
SELF=89e92ceee5
plane_pair() {
	A="sp-${1}A-$$"
	B="sp-${1}B-$$"
	netns_add "$A"
	netns_add "$B"
	SELF_MAC=$("$SIXPLANE" mac $NWID $SELF --json | json_field mac)
	HOST_PREFIX=$("$SIXPLANE" plane $NWID $SELF --json | json_field sixplane_host_prefix)
	HOST_PREFIX=${HOST_PREFIX%::/80}
	ip link add sp0 netns "$A" type veth peer name sp0b netns "$B" || die "veth"
	ip -n "$A" link set sp0 address "$SELF_MAC" up
	ip -n "$B" link set sp0b up
	ip -n "$A" addr add "$HOST_PREFIX::1/40" dev sp0 nodad
}

# veth_pair IF: another link between A and B, IF in A and IFb in B, both up
veth_pair() {
	ip link add "$1" netns "$A" type veth peer name "${1}b" netns "$B" || die "veth $1"
	ip -n "$A" link set "$1" up
	ip -n "$B" link set "${1}b" up
}
