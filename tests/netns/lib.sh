# shellcheck shell=sh
# Shared helpers for the network namespace tests (POSIX sh, sourced).
# Namespaces are named after the test and its pid, and removed on exit.

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }

# ci_skip REASON: skip for something missing that scripts/deps.sh installs
# (a tool, or a build without the tc data path for want of clang, bpftool
# or libbpf-dev). With CI=true that is a failure: CI installs every one of
# them, so a skip there would hide that the test never ran.
ci_skip() {
	[ "${CI:-}" = true ] && die "$* (CI=true, where scripts/deps.sh installs it: not a skip)"
	skip "$*"
}
# need_tool NAME: skip (ci_skip) unless the command NAME is here
need_tool() {
	command -v "$1" >/dev/null 2>&1 || ci_skip "needs $1"
}

# Half skips: a part of a test that cannot run here says so, the rest
# runs, and done exits 77 (skipped) if any part was skipped, so that
# ctest counts the test as skipped, never as a pass.
SKIPPED=""
skip_part() {
	echo "SKIP: $*"
	SKIPPED="${SKIPPED:+$SKIPPED; }$*"
}
# have_tool NAME: true if the command is here; else the part that needs it
# is skipped (skip_part), or with CI=true the test fails (as need_tool)
have_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ "${CI:-}" = true ] && die "needs $1 (CI=true, where scripts/deps.sh installs it: not a skip)"
	skip_part "needs $1"
	return 1
}
# done MESSAGE: the test's last word: "ok: MESSAGE" and exit 0, or exit 77
# after it if a part was skipped
done_ok() {
	echo "ok: $*"
	[ -z "$SKIPPED" ] && exit 0
	echo "SKIP: parts not run: $SKIPPED"
	exit 77
}

need_netns() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	need_tool ip
	ip netns add "sp-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "sp-probe-$$"
}

# tc_kernel: can this kernel run a tc program? bpfprobe (BPFPROBE, set by
# the build where it has the tc data path) loads a trivial program of its
# own, never sixplaned's, and attaches it to a veth in a scratch namespace.
# Prints how it attached ("tcx" or "clsact"), or why it could not (status
# 1); status 2 where the probe itself could not run.
tc_kernel() {
	_tk_ns="sp-tcprobe-$$"
	ip netns add "$_tk_ns" || { echo "ip netns add $_tk_ns failed"; return 2; }
	if ! ip -n "$_tk_ns" link add p0 type veth peer name p1 || ! ip -n "$_tk_ns" link set p0 up; then
		ip netns del "$_tk_ns"
		echo "no veth in $_tk_ns"
		return 2
	fi
	_tk_out=$(ip netns exec "$_tk_ns" "$BPFPROBE" p0 2>&1)
	_tk_rc=$?
	ip netns del "$_tk_ns"
	echo "$_tk_out"
	[ "$_tk_rc" -le 1 ] || return 2
	return "$_tk_rc"
}
# tc_check: sets TC_WHY, empty where this build and this kernel can run the
# tc data path, else why not, and TC_ATTACH (tcx or clsact, as the probe
# attached). A build without it fails with CI=true (the packages it needs
# are scripts/deps.sh's).
tc_check() {
	TC_WHY=""
	TC_ATTACH=""
	if [ -z "${BPFPROBE:-}" ]; then
		[ "${CI:-}" = true ] &&
			die "this build has no tc data path (CI=true, where scripts/deps.sh installs clang, bpftool and libbpf-dev: not a skip)"
		TC_WHY="this build has no tc data path (configure found no clang, bpftool or libbpf-dev)"
		return 0
	fi
	_tc_out=$(tc_kernel)
	# shellcheck disable=SC2034 # TC_ATTACH: for the tests' messages
	case $? in
	0) TC_ATTACH=$_tc_out ;;
	1) TC_WHY="this kernel cannot run tc programs: $_tc_out" ;;
	*) die "bpfprobe: $_tc_out" ;;
	esac
}
# need_tc: skip unless the tc data path can run here (tc_check). Where it
# can, sixplaned failing to load or attach its programs is a failure.
need_tc() {
	tc_check
	[ -z "$TC_WHY" ] || skip "$TC_WHY"
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

# container_behind HOST CONTAINER P: the namespace CONTAINER (made here)
# behind HOST as Docker's bridge puts a container: a veth, ceth in HOST and
# eth0 in CONTAINER, the host's P::1/80 (the gateway) and the container's
# P::c/80, its default route via P::1. P: a /80 without "::/80".
container_behind() {
	netns_add "$2"
	ip link add ceth netns "$1" type veth peer name eth0 netns "$2" || die "veth"
	ip -n "$1" link set ceth up
	ip -n "$2" link set eth0 up
	ip -n "$1" addr add "$3::1/80" dev ceth nodad
	ip -n "$2" addr add "$3::c/80" dev eth0 nodad
	ip -n "$2" -6 route add default via "$3::1"
}

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
	need_tool tcpdump
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
# capture_shows FILE COUNT REGEX: at least COUNT lines of the capture (as
# tcpdump -n prints it) match REGEX
capture_shows() {
	[ "$(tcpdump -r "$1" -n 2>/dev/null | grep -c "$3")" -ge "$2" ]
}
# A count read from a capture right after the traffic, or after a fixed
# sleep, may miss frames still on their way to the file: a marker sent
# after the traffic under test, along its path, and seen in the capture
# proves that the capture holds everything sent before it.
MARK=0
# mark_ns NETNS IFACE FILE: one NS for a marker target (2001:db8:7e57::N,
# new on each call, answered by nobody) out of IFACE in NETNS (by NSGEN);
# returns once the capture FILE shows it
mark_ns() {
	MARK=$((MARK + 1))
	_mk_t="2001:db8:7e57::$MARK"
	ip netns exec "$1" "$NSGEN" -i "$2" -t "$_mk_t" -n 1 --wait 0 >/dev/null ||
		die "nsgen could not send the marker out of $2"
	wait_for 5 capture_shows "$3" 1 "who has $_mk_t," ||
		die "the marker NS out of $2 never reached the capture $3: it was not recording"
}
# mark_echo FILE NETNS ADDRESS...: one ping from NETNS to each ADDRESS, of
# a size new on each call; returns once the capture FILE shows every echo
# reply (the askers' requests and the answerers' replies both crossed)
mark_echo() {
	MARK=$((MARK + 1))
	_me_f=$1
	_me_n=$2
	shift 2
	for _me_a in "$@"; do
		ip netns exec "$_me_n" ping -6 -c1 -W2 -n -s $((1000 + MARK)) "$_me_a" >/dev/null 2>&1 ||
			die "marker ping from $_me_n to $_me_a failed"
	done
	wait_for 5 capture_shows "$_me_f" $# "echo reply.* length $((1008 + MARK))" ||
		die "the $# marker echo replies never reached the capture $_me_f: it was not recording"
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
