#!/bin/sh
# The spine on a WireGuard backplane (doc/wireguard.md), proven by the
# kernel's and the engine's state (snapshot.py reads `wg show dump`), not
# by the logs. From a running file A (three peers: an endpoint with its
# port, one behind NAT, one with AllowedSources and Keepalive), a file B
# changes everything a peer has: one key rotated, one removed, one added,
# an endpoint moved, a keepalive and allowed IPs changed, and the host's
# own Mtu.
#  1. a start failing in an apply step leaves nothing (no interface, no
#     wireguard-go, no route, no sysctl);
#  2. a reload to B failing in a step leaves A's state exactly (ids kept:
#     not even the interface made again);
# The steps are the fabric's own (where WireGuard is) and the last (the
# most to undo); spine_matrix fails every step on VXLAN.
#  3. refused files (a bad PublicKey, a VXLAN key) leave A's state;
#  4. the reload to B reaches the state a fresh start with B reaches;
#  4b. the Transport changed to VXLAN and back by reload, and failing,
#     under the same interface name: the states of fresh starts, and of
#     what ran;
#  5. kill -9, then a start with A: wireguard-go adopted (the same pid,
#     the same interface), the state of a fresh start with A;
#  6. an exit puts back the state from before the first start.
# And a running WireGuard network makes no plans by itself.
set -u
SIXPLANED=$1
SIXPLANE=$2
SNAPSHOT="$(dirname "$0")/snapshot.py"
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
need_netns
need_tool wg
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! ip link add "spwgp$$" type wireguard 2>/dev/null; then
	need_tool wireguard-go
else
	ip link del "spwgp$$"
fi

A="sp-swA-$$"
netns_add "$A"
ip link add u0 netns "$A" type veth peer name u0b netns "$A" || die "veth"
ip -n "$A" addr add 192.0.2.1/24 dev u0
ip -n "$A" link set u0 up
ip -n "$A" link set u0b up
IF=$(echo "wgs$$" | cut -c1-15)
tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
export SIXPLANED_TEST_FAIL="$tmp/fail"
(umask 077 && wg genkey >"$tmp/host.key")
K1=$(wg genkey | wg pubkey)
K2=$(wg genkey | wg pubkey)
K3=$(wg genkey | wg pubkey)
K1B=$(wg genkey | wg pubkey)
K4=$(wg genkey | wg pubkey)

head() {
	printf '[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = %s\n' "$IF"
	printf 'Transport = wireguard\nUnderlay = 192.0.2.1\nPrivateKeyFile = %s\n' "$tmp/host.key"
	printf 'Addressing = 6plane rfc4193\n%s' "${1:-}"
}
peer() { # NODE KEY [LINES]
	printf '[Peer]\nNode = %s\nPublicKey = %s\n%s' "$1" "$2" "${3:-}"
}
{
	head
	peer 1122334455 "$K1" 'Endpoint = 198.51.100.7:51999\n'
	peer a0b1c2d3e4 "$K2"
	peer 0102030405 "$K3" 'Endpoint = [2001:db8::7]:4000\nAllowedSources = 2001:db8:100::/48\nKeepalive = 25\n'
} >"$tmp/a.conf"
{
	head 'Mtu = 1380\n'
	peer 1122334455 "$K1B" 'Endpoint = 198.51.100.8\n'
	peer 0102030405 "$K3" 'Endpoint = [2001:db8::9]:4000\nAllowedSources = 2001:db8:200::/48\nKeepalive = 10\n'
	peer 0a0b0c0d0e "$K4" 'Endpoint = 198.51.100.9:51820\n'
} >"$tmp/b.conf"
# the files printf wrote \n into as text: make them lines
for f in a b; do printf '%b' "$(cat "$tmp/$f.conf")" >"$tmp/$f.conf.x" && mv "$tmp/$f.conf.x" "$tmp/$f.conf"; done

settled() {
	[ -z "$(ip -n "$A" -6 addr show tentative)" ] &&
		[ "$(ip -n "$A" -6 addr show scope link | grep -c inet6)" -ge 2 ]
}
snap() { # FILE [--ids]
	wait_for 5 settled || die "addresses still tentative: $(ip -n "$A" -6 addr show)"
	_f=$1
	shift
	ip netns exec "$A" "$PY" -S "$SNAPSHOT" - "$@" >"$_f" || die "snapshot failed"
}
same() { # WHAT A B
	diff -u "$2" "$3" >"$tmp/diff" || die "$1: the state differs:
$(sed -n 1,40p "$tmp/diff")"
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
stop() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || die "sixplaned exited non-zero: $(tail -3 "$tmp/log")"
	DAEMON_PID=0
}
reload() { # CONF WANT
	_n=$(grep -c -e "reloaded" -e "reload refused" "$tmp/log")
	cp "$1" "$tmp/sixplane.conf"
	kill -HUP "$DAEMON_PID"
	wait_for 10 sh -c "[ \$(grep -c -e reloaded -e 'reload refused' '$tmp/log') -gt $_n ]" ||
		die "no answer to SIGHUP with $1"
	_last=$(grep -e "reloaded" -e "reload refused" "$tmp/log" | tail -n 1)
	case "$2:$_last" in
	reloaded:*reloaded*) ;;
	refused:*"reload refused"*) ;;
	*) die "$1: expected $2, got: $_last" ;;
	esac
}
engine_pid() {
	"$SIXPLANE" status -s "$tmp/sock" --json |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin).get("engine_pid", ""))'
}
no_engine() { ! pgrep -f "wireguard-go -f $IF\$" >/dev/null; }

snap "$tmp/s0"

# 1. a start failing in a step leaves nothing
for step in fabric guard; do
	echo "$step" >"$tmp/fail"
	cp "$tmp/a.conf" "$tmp/sixplane.conf"
	ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log"
	rc=$?
	[ "$rc" -eq 2 ] || die "a start failing in step $step: exit $rc, not 2: $(tail -n 2 "$tmp/log")"
	grep -q "$step: injected failure" "$tmp/log" || die "start: $(tail -n 2 "$tmp/log")"
	wait_for 5 no_engine || die "a start failing in step $step left wireguard-go running"
	snap "$tmp/after"
	same "a start failing in step $step" "$tmp/s0" "$tmp/after"
done
rm -f "$tmp/fail"

plans() { # the daemon's count of plans made for host changes
	"$PY" -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); b = b""
while (c := s.recv(65536)): b += c
print(json.loads(b)["daemon"]["host_plans"])' "$tmp/sock"
}

# 2. reloads to B failing in a step leave A
start "$tmp/a.conf"
# and a running WireGuard network is quiet: the apply's own messages about
# its interface are no host change (they planned it again 10 times a
# second)
p0=$(plans)
sleep 3
p1=$(plans)
[ $((p1 - p0)) -le 1 ] || die "$((p1 - p0)) plans in 3 s of a quiet host"
snap "$tmp/sa" --ids
grep -q "^wg $IF peer $K2 " "$tmp/sa" || die "the snapshot has no WireGuard peers: $(cat "$tmp/sa")"
GO=$(engine_pid)
for step in fabric guard; do
	echo "$step" >"$tmp/fail"
	reload "$tmp/b.conf" refused
	grep -q "$step: injected failure" "$tmp/log" || die "reload: $(tail -n 2 "$tmp/log")"
	snap "$tmp/after" --ids
	same "a reload to B failing in step $step" "$tmp/sa" "$tmp/after"
done
rm -f "$tmp/fail"
[ "$(engine_pid)" = "$GO" ] || die "the failed reloads started wireguard-go again"

# 3. refused files
sed "s|^PublicKey = $K4|PublicKey = not-a-key|" "$tmp/b.conf" >"$tmp/bad.conf"
grep -q "^PublicKey = not-a-key" "$tmp/bad.conf" || die "sed did not write the bad key"
reload "$tmp/bad.conf" refused
sed "s|^Mtu = 1380|Mtu = 1380\nVni = 7|" "$tmp/b.conf" >"$tmp/bad.conf"
grep -q "^Vni = 7" "$tmp/bad.conf" || die "sed did not write Vni"
reload "$tmp/bad.conf" refused
snap "$tmp/after" --ids
same "refused files" "$tmp/sa" "$tmp/after"

# 4. B by reload = B by a fresh start
reload "$tmp/b.conf" reloaded
snap "$tmp/sb_reload"
grep -q "^wg $IF peer $K1B psk False endpoint 198.51.100.8:51820 " "$tmp/sb_reload" ||
	die "the reload did not rotate the key: $(grep "^wg " "$tmp/sb_reload")"
grep -q "^wg $IF peer $K1 " "$tmp/sb_reload" && die "the old key stayed"
[ "$(engine_pid)" = "$GO" ] || die "the reload started wireguard-go again"
stop
wait_for 5 no_engine || die "the exit left wireguard-go running"
start "$tmp/b.conf"
snap "$tmp/sb_start"
same "B by reload and by a start" "$tmp/sb_start" "$tmp/sb_reload"

# 4b. the Transport changed under the same name, both ways, and failing
printf '[Network]\nId = 8056c2e21c000001\nNode = 89e92ceee5\nInterface = %s\nUnderlay = 192.0.2.1\nDataplane = netlink\nGuard = off\n[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.7\n' \
	"$IF" >"$tmp/v.conf"
echo fabric >"$tmp/fail"
reload "$tmp/v.conf" refused
rm -f "$tmp/fail"
snap "$tmp/after"
same "a reload to VXLAN failing" "$tmp/sb_start" "$tmp/after"
reload "$tmp/v.conf" reloaded
wait_for 5 no_engine || die "wireguard-go ran on after the switch to VXLAN"
snap "$tmp/sv_reload"
echo guard >"$tmp/fail"
reload "$tmp/b.conf" refused
rm -f "$tmp/fail"
wait_for 5 no_engine || die "a failed switch back to WireGuard left wireguard-go running"
snap "$tmp/after"
same "a reload back to WireGuard failing" "$tmp/sv_reload" "$tmp/after"
reload "$tmp/b.conf" reloaded
snap "$tmp/after"
same "VXLAN and back to WireGuard" "$tmp/sb_start" "$tmp/after"
stop
start "$tmp/v.conf"
snap "$tmp/sv_start"
same "VXLAN by reload from WireGuard and by a start" "$tmp/sv_start" "$tmp/sv_reload"
stop
start "$tmp/b.conf"

# 5. kill -9, then a start with A: adopted
GO=$(engine_pid)
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
pgrep -f "wireguard-go -f $IF\$" >/dev/null || die "wireguard-go ended with sixplaned"
start "$tmp/a.conf"
grep -q "wireguard-go adopted" "$tmp/log" || die "not adopted: $(cat "$tmp/log")"
[ "$(engine_pid)" = "$GO" ] || die "adopted wireguard-go has pid $(engine_pid), not $GO"
snap "$tmp/sa_again"
stop
start "$tmp/a.conf"
snap "$tmp/sa_fresh"
same "A after kill -9 and A fresh" "$tmp/sa_fresh" "$tmp/sa_again"

# 6. the exit puts everything back
stop
wait_for 5 no_engine || die "the exit left wireguard-go running"
snap "$tmp/end"
same "after the exit" "$tmp/s0" "$tmp/end"
rm -rf "$tmp"
echo "ok: WireGuard: failed starts and reloads leave the state, reload = start, kill -9 adopted, exit restores"
