#!/bin/sh
# The daemon's spine, proven by the kernel's state (snapshot.py), not by
# its logs:
#  1. refused reloads: every bad key, and good changes combined with one
#     bad one (or with a failure injected into one apply step), leave every
#     kernel object, sysctl, program and map exactly as it was;
#  2. an accepted reload reaches the state a fresh start with that file
#     reaches, and an exit puts back the state from before the start;
#  3. kill -9, then a start with the same or another file, reaches the
#     state of a fresh start with that file, and a later exit puts back the
#     state from before the first start (forwarding and neighbor sysctls
#     included).
# DATAPLANE=tc runs the same on the tc programs (skipped only where the
# kernel cannot run tc programs, as a probe of its own says).
set -u
SIXPLANED=$1
SNAPSHOT="$(dirname "$0")/snapshot.py"
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
need_netns
need_tool python3
# Debian's interpreter, not a version manager's shim (a second a call)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
need_tool bridge
DP=${DATAPLANE:-netlink}
if [ "$DP" = tc ]; then
	need_tc
	need_tool bpftool
	PDP=tc
else
	PDP=packet
fi

A="sp-mxA-$$"
P="sp-mxP-$$"
netns_add "$A"
netns_add "$P"
ip link add u0 netns "$A" type veth peer name u0b netns "$P" || die "veth u0"
ip -n "$A" addr add 192.0.2.1/24 dev u0
ip -n "$P" addr add 192.0.2.2/24 dev u0b
ip -n "$A" link set u0 up
ip -n "$P" link set u0b up
for x in px0 px1 lan0 x0 st0 st1; do
	ip link add "$x" netns "$A" type veth peer name "${x}b" netns "$P" || die "veth $x"
	ip -n "$A" link set "$x" up
	ip -n "$P" link set "${x}b" up
done

tmp=$(mktemp -d)
# every instance keeps its sysctl journal here, as it would in /run
export SIXPLANED_STATE_DIR="$tmp/state"
export SIXPLANED_TEST_FAIL="$tmp/fail"

network() { # VNI PORT MTU SOLICIT PEERS...
	printf '[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = sp0\n'
	printf 'Underlay = 192.0.2.1\nVni = %s\nPort = %s\n' "$1" "$2"
	[ "$3" = - ] || printf 'Mtu = %s\n' "$3"
	printf 'Dataplane = %s\nSolicit = %s\n' "$DP" "$4"
	shift 4
	for p in "$@"; do
		printf '\n[Peer]\nNode = %s\nEndpoint = %s\n' "${p%@*}" "${p#*@}"
	done
}
proxy() { # IFACE PREFIX [DATAPLANE]
	printf '\n[Proxy]\nInterface = %s\nPrefix = %s\nDataplane = %s\n' "$1" "$2" "${3:-$PDP}"
}
site() { # IFACE [POOL]: a [Site] of the network before it
	printf '\n[Site]\nInterface = %s\n' "$1"
	[ -z "${2:-}" ] || printf 'Pool = %s\n' "$2"
}
H80=fc9c:56c2:e389:e92c:eee5
lan() { # a [Network] on an interface that exists (no backplane)
	printf '\n[Network]\nId = 8056c2e21c000002\nNode = 89e92ceee5\nInterface = lan0\n'
	printf 'Dataplane = %s\nSolicit = %s\n' "$DP" "$1"
}
# emulated-only needs the netlink resolver; tc keeps Solicit = all
EMU=emulated-only
[ "$DP" = tc ] && EMU=all

{
	network 100 4789 - all 1122334455@192.0.2.2 2233445566@192.0.2.3
	site st0
	proxy px0 2001:db8:5::/64
	lan all
} >"$tmp/base.conf"
# every kind of good change at once: settings that need the VXLAN made
# again, a solicit mode, a peer gone, one moved, one new, a proxy added and
# one changed
{
	network 300 4790 1300 "$EMU" 1122334455@192.0.2.7 3344556677@192.0.2.4
	site st0 "$H80::100-$H80::2ff"
	site st1 "$H80:8000::/81"
	proxy px0 2001:db8:7::/64
	proxy px1 2001:db8:6::/64
	lan "$EMU"
} >"$tmp/good.conf"
# only a proxy: the backplane network is gone from the file
proxy px1 2001:db8:6::/64 >"$tmp/proxyonly.conf"

# no address in duplicate address detection: the kernel adds its routes
# when that ends, which would differ from one moment to the next
settled() { [ -z "$(ip -n "$A" -6 addr show tentative)" ]; }
snap() { # FILE [--ids]: the kernel's state now
	wait_for 5 settled || die "addresses still tentative: $(ip -n "$A" -6 addr show tentative)"
	_f=$1
	shift
	ip netns exec "$A" "$PY" -S "$SNAPSHOT" - --pid "$DAEMON_PID" "$@" >"$_f.tmp" ||
		die "snapshot failed"
	mv "$_f.tmp" "$_f"
}
snap_idle() {
	wait_for 5 settled || die "addresses still tentative"
	ip netns exec "$A" "$PY" -S "$SNAPSHOT" - >"$1" || die "snapshot failed"
}
same() { # WHAT A B
	diff -u "$2" "$3" >"$tmp/diff" || die "$1: the kernel's state differs:
$(head -40 "$tmp/diff")"
}

DAEMON_PID=0
start() { # CONF
	cp "$1" "$tmp/sixplane.conf"
	: >"$tmp/log"
	ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>>"$tmp/log" &
	DAEMON_PID=$!
	PIDS="$PIDS $DAEMON_PID"
	wait_for 10 grep -q serving "$tmp/log" || die "sixplaned did not start on $1: $(cat "$tmp/log")"
}
stop() { # clean exit
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || die "sixplaned exited non-zero: $(tail -3 "$tmp/log")"
	DAEMON_PID=0
}
crash() {
	kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=0
}
# reload CONF WANT: SIGHUP with CONF in place; WANT is "reloaded" or
# "refused", and the log must say so
reload() {
	_n=$(grep -c -e "reloaded" -e "reload refused" "$tmp/log")
	rm -rf "$tmp/sixplane.conf"
	cp -R "$1" "$tmp/sixplane.conf"
	kill -HUP "$DAEMON_PID"
	wait_for 10 sh -c "[ \$(grep -c -e reloaded -e 'reload refused' '$tmp/log') -gt $_n ]" ||
		die "no answer to SIGHUP with $1"
	_last=$(grep -e "reloaded" -e "reload refused" "$tmp/log" | tail -1)
	case "$2:$_last" in
	reloaded:*reloaded*) ;;
	refused:*"reload refused"*) ;;
	*) die "$1: expected $2, got: $_last" ;;
	esac
}

snap_idle "$tmp/s0"

# 0. a start that fails in any apply step leaves what was there
for step in fabric site sysctl resolver packet tc guard; do
	echo "$step" >"$tmp/fail"
	cp "$tmp/base.conf" "$tmp/sixplane.conf"
	ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log"
	rc=$?
	[ "$rc" -eq 2 ] || die "a start failing in step $step: exit $rc, not 2: $(tail -2 "$tmp/log")"
	grep -q "$step: injected failure" "$tmp/log" || die "start: $(tail -2 "$tmp/log")"
	snap_idle "$tmp/after"
	same "a start failing in step $step" "$tmp/s0" "$tmp/after"
done
rm -f "$tmp/fail"

# 1. refused reloads
start "$tmp/base.conf"
snap "$tmp/before" --ids
snap "$tmp/before-names"
# a second sixplaned in this namespace is refused before it touches
# anything: the first one's interfaces, sysctl record and stats socket; on
# its own socket path by the namespace's lock, on the first one's by the
# socket's
cp "$tmp/good.conf" "$tmp/second.conf"
for sock in sock2 sock; do
	ip netns exec "$A" "$SIXPLANED" -c "$tmp/second.conf" -s "$tmp/$sock" 2>"$tmp/second.log"
	rc=$?
	[ "$rc" -eq 2 ] || die "a second sixplaned ($sock): exit $rc, not 2: $(cat "$tmp/second.log")"
	case $sock in
	sock2) want="another sixplaned runs in this network namespace" ;;
	*) want="stats socket $tmp/sock: another sixplaned serves it (pid $DAEMON_PID)" ;;
	esac
	grep -qF "$want" "$tmp/second.log" || die "a second sixplaned ($sock): $(cat "$tmp/second.log")"
	[ -S "$tmp/sock" ] || die "the second sixplaned took the first one's stats socket"
	[ ! -e "$tmp/sock2" ] || die "the second sixplaned left its own socket behind"
	snap "$tmp/after" --ids
	same "a second sixplaned refused ($sock)" "$tmp/before" "$tmp/after"
done
# each a whole file: the good changes and one bad thing
bad() { # NAME: the file on stdout is "good" plus a bad line (a bad
	# [Site] into the first network, after its sites)
	case "$1" in
	site-*)
		bad_site "$1"
		awk -v f="$tmp/site.add" '{print} $0 == "Pool = '"$H80"':8000::/81" {while ((getline l < f) > 0) print l}' "$tmp/good.conf"
		;;
	*) cat "$tmp/good.conf" ;;
	esac
	case "$1" in
	not-ours) printf '\n[Network]\nId = 8056c2e21c000003\nNode = 89e92ceee5\nInterface = lo\nUnderlay = 192.0.2.1\n' ;;
	unknown-key) printf '\n[Proxy]\nInterface = x0\nPrefix = 2001:db8:9::/64\nBogus = 1\n' ;;
	tc-emulated) printf '\n[Network]\nId = 8056c2e21c000005\nNode = 89e92ceee5\nInterface = x0\nDataplane = tc\nSolicit = emulated-only\n' ;;
	packet-emulated) printf '\n[Network]\nId = 8056c2e21c000005\nNode = 89e92ceee5\nInterface = x0\nDataplane = packet\nSolicit = emulated-only\n' ;;
	interface-used) proxy px0 2001:db8:8::/64 ;;
	template-name) printf '\n[Network]\nId = 8056c2e21c000006\nNode = 89e92ceee5\nInterface = spx%%d\nUnderlay = 192.0.2.1\n' ;;
	too-many-rules)
		printf '\n[Proxy]\nInterface = x0\nDataplane = tc\n'
		i=0
		while [ $i -lt 65 ]; do
			printf 'Prefix = 2001:db8:%x::/64\n' $((i + 256))
			i=$((i + 1))
		done
		;;
	zero-endpoint) printf '\n[Network]\nId = 8056c2e21c000007\nNode = 89e92ceee5\nInterface = sp8\nUnderlay = 192.0.2.1\n\n[Peer]\nNode = 4455667788\nEndpoint = 0.0.0.0\n' ;;
	esac
}
bad_site() { # NAME: the bad [Site] into $tmp/site.add
	case "$1" in
	site-overlap) site px1 "$H80::200/120" ;;
	site-used) site st1 ;;
	site-on-network) site lan0 ;;
	site-on-own) site sp0 ;;
	site-outside) site x0 "fc9c:56c2:e389:e92c:eee6::100/120" ;;
	site-own) site x0 "$H80::1-$H80::10" ;;
	esac >"$tmp/site.add"
}
for name in not-ours unknown-key tc-emulated packet-emulated \
	interface-used template-name too-many-rules zero-endpoint site-overlap site-used \
	site-on-network site-on-own site-outside site-own; do
	bad "$name" >"$tmp/bad.conf"
	case $name in site-*)
		[ "$(grep -c '^\[Site\]' "$tmp/bad.conf")" -eq 3 ] || die "bad_site did not add $name" ;;
	esac
	reload "$tmp/bad.conf" refused
	snap "$tmp/after" --ids
	same "refused reload ($name)" "$tmp/before" "$tmp/after"
done
# Refusals by the parser, key by key, do not depend on the data path: the
# netlink run goes through them all, the tc run (the same kernel state
# compared, its programs' maps included) through the whole-file ones above;
# MATRIX_PARSE=0 leaves them out too (make test-san: fuzz_config runs the
# parser under the sanitizers)
if [ "$DP" = tc ] || [ "${MATRIX_PARSE:-1}" = 0 ]; then
	PARSE_KEYS=""
	PEER_KEYS=""
	PROXY_KEYS=""
else
	PARSE_KEYS="Id = 8056c2e21c00000g|Node = 89e92ceee|Interface = a/b|Addressing = 7plane|Solicit = some|Dataplane = xdp|Underlay = 192.0.2.300|Port = 0|Vni = 16777216|Mtu = 1279|Multicast = maybe|Persist = 2"
	PEER_KEYS="Endpoint = 192.0.2.1|Endpoint = ::|Endpoint = 0.0.0.0|Node = 0000000000|Node = 89e92ceee5|Node = 3344556677"
	PROXY_KEYS="Prefix = 2001:db8::/129|Answer = never|Dataplane = netlink"
fi
# each key of the file made bad on its own (the good changes with it): the
# first [Network]'s line of that key replaced, or one added
setkey() { # "KEY = VALUE" FILE
	_k=${1%% =*}
	if grep -q "^$_k = " "$2"; then
		sed "0,/^$_k = .*/s||$1|" "$2"
	else
		sed "0,/^Solicit = .*/s||&\\n$1|" "$2"
	fi
}
IFS_WAS=$IFS
IFS='|'
for kv in $PARSE_KEYS; do
	IFS=$IFS_WAS
	setkey "$kv" "$tmp/good.conf" >"$tmp/bad.conf"
	grep -qx "$kv" "$tmp/bad.conf" || die "setkey did not write $kv"
	reload "$tmp/bad.conf" refused
	snap "$tmp/after" --ids
	same "refused reload ($kv)" "$tmp/before" "$tmp/after"
done
IFS=$IFS_WAS
# a key given twice
sed "0,/^Vni = .*/s||&\\nVni = 300|" "$tmp/good.conf" >"$tmp/bad.conf"
reload "$tmp/bad.conf" refused
snap "$tmp/after" --ids
same "refused reload (Vni twice)" "$tmp/before" "$tmp/after"
IFS='|'
for kv in $PEER_KEYS; do
	IFS=$IFS_WAS
	case $kv in
	Endpoint*) sed "s|^Endpoint = 192.0.2.7|$kv|" "$tmp/good.conf" >"$tmp/bad.conf" ;;
	*) sed "s|^Node = 1122334455|$kv|" "$tmp/good.conf" >"$tmp/bad.conf" ;;
	esac
	grep -qx "$kv" "$tmp/bad.conf" || die "did not write $kv"
	reload "$tmp/bad.conf" refused
	snap "$tmp/after" --ids
	same "refused reload ([Peer] $kv)" "$tmp/before" "$tmp/after"
done
IFS=$IFS_WAS
IFS='|'
for kv in $PROXY_KEYS; do
	IFS=$IFS_WAS
	awk -v kv="$kv" '{print} /^Interface = px1/ && !done {print kv; done=1}' "$tmp/good.conf" >"$tmp/bad.conf"
	reload "$tmp/bad.conf" refused
	snap "$tmp/after" --ids
	same "refused reload ([Proxy] $kv)" "$tmp/before" "$tmp/after"
done
IFS=$IFS_WAS
# files that are not configuration text
mkdir "$tmp/dir.conf"
reload "$tmp/dir.conf" refused
snap "$tmp/after" --ids
same "refused reload (a directory)" "$tmp/before" "$tmp/after"
printf '\357\273\277' | cat - "$tmp/good.conf" >"$tmp/bom.conf"
reload "$tmp/bom.conf" refused
snap "$tmp/after" --ids
same "refused reload (a byte order mark)" "$tmp/before" "$tmp/after"
# a NUL at the start of the Vni line: not a line to drop quietly
awk '/^Vni/ {printf "%c", 0} {print}' "$tmp/good.conf" >"$tmp/nul.conf"
reload "$tmp/nul.conf" refused
snap "$tmp/after" --ids
same "refused reload (a NUL)" "$tmp/before" "$tmp/after"
# a failure in each apply step, after the steps before it were done: with
# changes the kernel makes in place, exactly as before; with a Vni that
# needs the VXLAN interface made again, as before but for its index (the
# kernel cannot give an interface back the index it had)
grep -v -e '^Vni' -e '^Port' "$tmp/good.conf" |
	sed 's/^Underlay = .*/&\nVni = 100/' >"$tmp/inplace.conf"
for conf in inplace good; do
	for step in fabric site sysctl resolver packet tc guard; do
		echo "$step" >"$tmp/fail"
		reload "$tmp/$conf.conf" refused
		grep -q "reload refused.*$step: injected failure" "$tmp/log" ||
			die "the $step failure was not the reason: $(tail -1 "$tmp/log")"
		if [ $conf = inplace ]; then
			snap "$tmp/after" --ids
			same "rolled back from a failure in step $step" "$tmp/before" "$tmp/after"
		else
			snap "$tmp/after"
			same "rolled back from a failure in step $step (Vni)" "$tmp/before-names" "$tmp/after"
		fi
	done
done
rm -f "$tmp/fail"
# waited for, not refused: sections whose interface or Underlay address the
# host lacks are accepted and change nothing until it appears
{
	cat "$tmp/base.conf"
	printf '\n[Network]\nId = 8056c2e21c000003\nNode = 89e92ceee5\nInterface = nosuch0\n'
	printf '\n[Network]\nId = 8056c2e21c000004\nNode = 89e92ceee5\nInterface = sp9\nUnderlay = 198.51.100.9\n'
	printf '\n[Proxy]\nInterface = nosuch1\nPrefix = 2001:db8:9::/64\n'
} >"$tmp/wait.conf"
snap "$tmp/pre-wait" --ids
reload "$tmp/wait.conf" reloaded
for why in "interface 'nosuch0' does not exist" "sp9: Underlay 198.51.100.9 is not an address" \
	"interface 'nosuch1' does not exist"; do
	[ "$(grep -c "waiting: .*$why" "$tmp/log")" -eq 1 ] ||
		die "not one line 'waiting: ... $why': $(grep waiting "$tmp/log")"
done
snap "$tmp/after" --ids
same "a reload with sections waited for" "$tmp/pre-wait" "$tmp/after"
reload "$tmp/base.conf" reloaded
snap "$tmp/after" --ids
same "back to base.conf from the one with sections waited for" "$tmp/pre-wait" "$tmp/after"

# 2. an accepted reload reaches what a fresh start reaches; exits put back
reload "$tmp/good.conf" reloaded
snap "$tmp/reloaded"
stop
snap_idle "$tmp/after"
same "exit after reloads" "$tmp/s0" "$tmp/after"
start "$tmp/good.conf"
snap "$tmp/fresh"
same "a reload to good.conf against a fresh start with it" "$tmp/fresh" "$tmp/reloaded"
reload "$tmp/base.conf" reloaded
snap "$tmp/reloaded"
stop
start "$tmp/base.conf"
snap "$tmp/fresh"
same "a reload back to base.conf against a fresh start with it" "$tmp/fresh" "$tmp/reloaded"
stop
snap_idle "$tmp/after"
same "exit" "$tmp/s0" "$tmp/after"

# 3. kill -9, then a start with the same or another file
for pair in base:good good:base base:base good:proxyonly proxyonly:base; do
	first=${pair%:*}
	then=${pair#*:}
	start "$tmp/$first.conf"
	crash
	start "$tmp/$then.conf"
	snap "$tmp/restarted"
	stop
	snap_idle "$tmp/after"
	same "exit after kill -9 ($first) and a restart ($then)" "$tmp/s0" "$tmp/after"
	start "$tmp/$then.conf"
	snap "$tmp/fresh"
	stop
	same "kill -9 ($first), then a start with $then, against a fresh start" "$tmp/fresh" "$tmp/restarted"
done
snap_idle "$tmp/after"
same "the end" "$tmp/s0" "$tmp/after"
# the record goes with the last exit (the lock file, empty, stays)
[ -z "$(ls -A "$tmp/state" 2>/dev/null | grep -v '\.lock$')" ] ||
	die "a sysctl journal stayed: $(ls "$tmp/state")"
rm -rf "$tmp"
done_ok "refused reloads change nothing, accepted ones and restarts after kill -9 reach a fresh start's state, exits put everything back ($DP)"
