#!/bin/sh
# The fabric guard end to end (doc/guard.md): three hosts on an underlay
# bridge (192.0.2.0/24) with Guard on (the default with an Underlay), a
# container behind each, and a rogue namespace on the bridge. Each attack is
# sent and must not be delivered (a capture on the target host's sp0 sees
# none of it, behind a marker that proves the capture holds everything sent
# before it), and the counter of its reason moves by the number sent:
#  1. the rogue (no peer) injects VXLAN with a real peer's MAC: unknown-endpoint
#  2. host 2 sends with host 3's MAC: mac-spoof
#  3. host 2 sends with a source in host 3's /80: source-spoof
#  4. host 2 sends from outside every /80: source-spoof, and delivered once
#     host 1 gives host 2's [Peer] that AllowedSources (the gateway exception)
#  5. the container behind host 2 sends with host 3's /80 as its source:
#     egress-spoof on host 2; with [Network] AllowedSources, a source in it
#     leaves host 2 and reaches host 1
#  6. host 2 sends an outer IPv4 fragment to port 4789: fragment
# while a ping flow between two containers loses nothing, and the full
# mesh of containers still pings afterwards. The drops are logged with
# their reason.
set -u
SIXPLANED=$1
SIXPLANE=$2
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool tcpdump
need_tool python3
# the interpreter itself, not a wrapper (a pyenv shim takes most of a second
# a call)
PY=$(python3 -c 'import sys; print(sys.executable)') || die "python3 does not run"
# the guard is made of tc programs: where they cannot run, Guard = on makes
# sixplaned refuse to start, so the test has nothing to test
need_tc

tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
UL="sp-geU-$$"
netns_add "$UL"
ip -n "$UL" link add br0 type bridge || die "bridge"
ip -n "$UL" link set br0 up
NODES="89e92ceee5 1122334455 a0b1c2d3e4"
node() { echo "$NODES" | cut -d' ' -f"$1"; }
mac() { "$SIXPLANE" mac "$NWID" "$(node "$1")" --json | json_field mac; }
# the host's /80 without "::/80", and its address (::1 in it)
prefix() {
	p=$("$SIXPLANE" plane "$NWID" "$(node "$1")" --json | json_field sixplane_host_prefix)
	echo "${p%::/80}"
}
# on_bridge NS I: NS joins the underlay as 192.0.2.I on its eth0
on_bridge() {
	ip link add eth0 netns "$1" type veth peer name "u$2" netns "$UL" || die "veth"
	ip -n "$UL" link set "u$2" master br0 up
	ip -n "$1" link set eth0 up
	ip -n "$1" addr add "192.0.2.$2/24" dev eth0
}
# conf I [NETWORK_EXTRA [PEER2_EXTRA]]: host I's file; the extras are lines
# added to [Network] and to the [Peer] of host 2. A second network, with
# Guard = off, shares the underlay and the VXLAN port: the guard checks its
# own networks' VNIs only, and this one's traffic must pass untouched.
NWID2=8056c2e21c000002
conf() {
	{
		printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nUnderlay = 192.0.2.%s\n%s' \
			"$NWID" "$(node "$1")" "$1" "${2:-}"
		for j in 1 2 3; do
			[ "$j" -eq "$1" ] && continue
			printf '[Peer]\nNode = %s\nEndpoint = 192.0.2.%s\n' "$(node "$j")" "$j"
			[ "$j" -eq 2 ] && printf '%s' "${3:-}"
		done
		printf '[Network]\nId = %s\nNode = %s\nInterface = sp1\nUnderlay = 192.0.2.%s\n' \
			"$NWID2" "$(node "$1")" "$1"
		printf 'Guard = off\n'
		for j in 1 2 3; do
			[ "$j" -eq "$1" ] && continue
			printf '[Peer]\nNode = %s\nEndpoint = 192.0.2.%s\n' "$(node "$j")" "$j"
		done
	} >"$tmp/h$1.conf"
}
for i in 1 2 3; do
	netns_add "sp-ge$i-$$"
	on_bridge "sp-ge$i-$$" "$i"
	conf "$i"
done
ROGUE="sp-geR-$$"
netns_add "$ROGUE"
on_bridge "$ROGUE" 99

# the VNI the hosts use, as sixplaned reads the file
VNI=$("$SIXPLANED" -t -c "$tmp/h1.conf" 2>/dev/null | sed -n 's/^Vni = \([0-9]*\).*/\1/p' | head -n 1)
[ -n "$VNI" ] || die "sixplaned -t printed no Vni: $("$SIXPLANED" -t -c "$tmp/h1.conf" 2>&1)"

start() { # start N: sixplaned on host N
	ip netns exec "sp-ge$1-$$" "$SIXPLANED" -c "$tmp/h$1.conf" -s "$tmp/h$1.sock" 2>>"$tmp/h$1.log" &
	eval "D$1=\$!"
	PIDS="$PIDS $!"
	wait_for 5 grep -q serving "$tmp/h$1.log" || die "sixplaned $1 did not start: $(cat "$tmp/h$1.log")"
}
for i in 1 2 3; do start "$i"; done

# a container behind each host (as fabric_test.sh: the host's /80 on a
# veth, the container at ::c, the gateway the host's ::1)
for i in 1 2 3; do
	h="sp-ge$i-$$"
	c="sp-geC$i-$$"
	p=$(prefix "$i")
	container_behind "$h" "$c" "$p"
	eval "C$i=\$p::c"
done
for i in 1 2 3; do
	wait_for 5 sh -c "! ip -n sp-ge$i-$$ -6 addr show dev sp0 tentative | grep -q inet6" ||
		die "host $i: its address is still tentative"
	wait_for 5 sh -c "! ip -n sp-geC$i-$$ -6 addr show dev eth0 tentative | grep -q inet6" ||
		die "container $i: link-local address still tentative"
done
A1="$(prefix 1)::1"
mesh() { # every container pings every other
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" -eq "$j" ] && continue
			eval "dst=\$C$j"
			# shellcheck disable=SC2154 # dst is set by eval
			ip netns exec "sp-geC$i-$$" ping -6 -c1 -W2 -n "$dst" >/dev/null 2>&1 ||
				die "$1: container $i cannot ping container $j ($dst)"
		done
	done
}
mesh "before the attacks"
# the unguarded network on the same port: host 2 reaches host 1 over it
# (the guard on host 1's underlay leaves a VNI it does not guard alone)
A2=$("$SIXPLANE" plane "$NWID2" "$(node 1)" --json | json_field sixplane_addr)
ip netns exec "sp-ge2-$$" ping -6 -c2 -W2 -n "$A2" >/dev/null 2>&1 ||
	die "the unguarded network on the same VXLAN port: host 2 cannot ping host 1 ($A2)"

# The attacker: VXLAN datagrams built byte by byte (RFC 7348 section 5),
# each an ICMPv6 echo request of a given id, so that the capture tells the
# attacks apart from the traffic around them.
cat >"$tmp/vx.py" <<'EOF'
import socket, struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def echo(ident, seq, size):
    data = bytes((seq + k) & 0xff for k in range(size))
    return struct.pack("!BBHHH", 128, 0, 0, ident, seq) + data

def frame(vni, smac, dmac, src6, dst6, ident, seq, size):
    s = socket.inet_pton(socket.AF_INET6, src6)
    d = socket.inet_pton(socket.AF_INET6, dst6)
    icmp = echo(ident, seq, size)
    # RFC 8200 section 8.1: the pseudo-header, Next Header 58
    c = csum(s + d + struct.pack("!IxxxB", len(icmp), 58) + icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(icmp), 58, 64) + s + d
    eth = bytes.fromhex(dmac.replace(":", "")) + bytes.fromhex(smac.replace(":", "")) + b"\x86\xdd"
    vx = struct.pack("!B3xI", 0x08, vni << 8)  # flags I, VNI
    return vx + eth + ip6 + icmp

mode = sys.argv[1]
if mode == "echo":
    # echo SRC6 DST6 ID COUNT SIZE: from a raw ICMPv6 socket bound to SRC6
    # (the kernel writes the checksum)
    src6, dst6, ident, count, size = sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.bind((src6, 0))
    for seq in range(1, count + 1):
        s.sendto(echo(ident, seq, size), (dst6, 0))
    sys.exit(0)

if mode == "flow":
    # flow DST6 ID STOP: an echo request to DST6 every 50 ms until the file
    # STOP exists, then 2 s more for the last replies; prints how many
    # were sent and how many distinct ones were answered
    import os, select, time
    dst6, ident, stop = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    sent, got, end, nxt = 0, set(), None, time.monotonic()
    while end is None or time.monotonic() < end:
        now = time.monotonic()
        if end is None and now >= nxt:
            if os.path.exists(stop):
                end = now + 2
                continue
            sent += 1
            s.sendto(echo(ident, sent & 0xffff, 56), (dst6, 0))
            nxt += 0.05
        wait = max(0, (end if end is not None else nxt) - time.monotonic())
        if select.select([s], [], [], wait)[0]:
            b = s.recv(2048)
            if len(b) >= 8 and b[0] == 129 and struct.unpack("!H", b[4:6])[0] == ident:
                got.add(struct.unpack("!H", b[6:8])[0])
    print("sent %d received %d" % (sent, len(got)))
    sys.exit(0)

# udp|frag SRC4 DST4 VNI SMAC DMAC SRC6 DST6 ID COUNT SIZE
src4, dst4 = sys.argv[2], sys.argv[3]
vni = int(sys.argv[4])
smac, dmac, src6, dst6 = sys.argv[5:9]
ident, count, size = map(int, sys.argv[9:12])
if mode == "udp":
    # the outer headers are the kernel's: a real datagram from SRC4
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src4, 0))
    for seq in range(1, count + 1):
        s.sendto(frame(vni, smac, dmac, src6, dst6, ident, seq, size), (dst4, 4789))
elif mode == "frag":
    # the UDP datagram in two IPv4 fragments (RFC 791 section 3.2), first
    # the one with the UDP header (offset 0, MF), then the rest; UDP
    # checksum 0 (none, as VXLAN senders do)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for seq in range(1, count + 1):
        payload = frame(vni, smac, dmac, src6, dst6, ident, seq, size)
        udp = struct.pack("!HHHH", 40000 + seq, 4789, 8 + len(payload), 0) + payload
        cut = 64
        for off, more, part in ((0, 0x2000, udp[:cut]), (cut // 8, 0, udp[cut:])):
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), 0x5e00 + seq,
                              more | off, 64, 17, 0, socket.inet_aton(src4),
                              socket.inet_aton(dst4))
            hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
            s.sendto(hdr + part, (dst4, 0))
else:
    sys.exit("vx.py: unknown mode " + mode)
EOF
# vx NS MODE ...: the attacker in NS
vx() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$PY" "$tmp/vx.py" "$@" || die "vx.py $* in $_ns failed"
}

# guard HOST PATH REASON: the guard's counter of REASON on PATH of HOST
# (read from the stats socket's reply, its top-level "guard" array)
guard() {
	"$PY" -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); b = b""
while (c := s.recv(65536)): b += c
d = json.loads(b)
print([g for g in d["guard"] if g["path"] == sys.argv[2]][0]["reasons"][sys.argv[3]])' \
		"$tmp/h$1.sock" "$2" "$3" 2>/dev/null
}
# moved HOST PATH REASON BEFORE N: the counter is BEFORE + N
moved() { [ "$(guard "$1" "$2" "$3")" = $(($4 + $5)) ]; }
# at_least HOST PATH REASON BEFORE N: the counter is BEFORE + N or more
at_least() { [ "$(guard "$1" "$2" "$3")" -ge $(($4 + $5)) ]; }
# counted WHAT HOST PATH REASON BEFORE N: the attack moved the counter by
# exactly the number sent (waiting for the last of them)
counted() {
	wait_for 5 at_least "$2" "$3" "$4" "$5" "$6" ||
		die "$1: host $2's $3 $4 went from $5 to $(guard "$2" "$3" "$4"), not by the $6 sent"
	moved "$2" "$3" "$4" "$5" "$6" ||
		die "$1: host $2's $3 $4 went from $5 to $(guard "$2" "$3" "$4"), more than the $6 sent"
}
N=5
# not_delivered WHAT ID MARKER_NS MARKER_DST: after a marker along the same
# way, the capture on host 1's sp0 shows no echo request of the attack's id
not_delivered() {
	mark_echo "$CAP" "$3" "$4"
	if capture_shows "$CAP" 1 "echo request, id $2,"; then
		die "$1: delivered to host 1's sp0: $(tcpdump -r "$CAP" -n 2>/dev/null | grep -c "echo request, id $2,") echo requests of id $2"
	fi
}
[ -n "$(guard 1 guard-underlay pass)" ] ||
	die "no guard counters in host 1's stats socket's reply: $("$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(65536).decode())' "$tmp/h1.sock")"

CAP="$tmp/h1sp0.pcap"
capture_start "sp-ge1-$$" sp0 "$CAP" icmp6
M1=$(mac 1)
M2=$(mac 2)
M3=$(mac 3)
P3=$(prefix 3)
T0=$(date +%s)
# the flow: 20 echo requests a second from container 2 to container 1,
# across host 2's egress guard and host 1's underlay guard, from now until
# the attacks are over
ip netns exec "sp-geC2-$$" "$PY" "$tmp/vx.py" flow "$C1" 24000 "$tmp/stop" >"$tmp/flow" 2>&1 &
FLOW=$!
PIDS="$PIDS $FLOW"

# 1. a rogue namespace, no peer, with host 2's MAC and container 2's source
b=$(guard 1 guard-underlay unknown-endpoint)
vx "$ROGUE" udp 192.0.2.99 192.0.2.1 "$VNI" "$M2" "$M1" "$C2" "$C1" 24001 "$N" 100
not_delivered "1. rogue endpoint" 24001 "sp-ge2-$$" "$A1"
counted "1. rogue endpoint" 1 guard-underlay unknown-endpoint "$b" "$N"

# 2. host 2, from its own address, with host 3's MAC
b=$(guard 1 guard-underlay mac-spoof)
vx "sp-ge2-$$" udp 192.0.2.2 192.0.2.1 "$VNI" "$M3" "$M1" "$C2" "$C1" 24002 "$N" 100
not_delivered "2. another node's MAC" 24002 "sp-ge2-$$" "$A1"
counted "2. another node's MAC" 1 guard-underlay mac-spoof "$b" "$N"

# 3. host 2, its MAC, a source in host 3's /80
b=$(guard 1 guard-underlay source-spoof)
vx "sp-ge2-$$" udp 192.0.2.2 192.0.2.1 "$VNI" "$M2" "$M1" "$C3" "$C1" 24003 "$N" 100
not_delivered "3. a source in another node's /80" 24003 "sp-ge2-$$" "$A1"
counted "3. a source in another node's /80" 1 guard-underlay source-spoof "$b" "$N"

# 4. host 2, its MAC, a source outside every /80, no AllowedSources
b=$(guard 1 guard-underlay source-spoof)
vx "sp-ge2-$$" udp 192.0.2.2 192.0.2.1 "$VNI" "$M2" "$M1" 2001:db8:77::1 "$C1" 24004 "$N" 100
not_delivered "4. a source outside every /80" 24004 "sp-ge2-$$" "$A1"
counted "4. a source outside every /80" 1 guard-underlay source-spoof "$b" "$N"
# and the gateway exception: host 2's [Peer] on host 1 declares the prefix
conf 1 "" "AllowedSources = 2001:db8:77::/48
"
kill -HUP "$D1"
wait_for 5 sh -c "[ \$(grep -c reloaded $tmp/h1.log) -eq 1 ]" ||
	die "host 1 did not reload with host 2's AllowedSources: $(tail -3 "$tmp/h1.log")"
b=$(guard 1 guard-underlay source-spoof)
bp=$(guard 1 guard-underlay pass)
vx "sp-ge2-$$" udp 192.0.2.2 192.0.2.1 "$VNI" "$M2" "$M1" 2001:db8:77::1 "$C1" 24014 "$N" 100
wait_for 5 capture_shows "$CAP" "$N" "IP6 2001:db8:77::1 > $C1: ICMP6, echo request, id 24014," ||
	die "4. with host 2's AllowedSources = 2001:db8:77::/48, only $(tcpdump -r "$CAP" -n 2>/dev/null | grep -c "echo request, id 24014,") of $N reached host 1's sp0"
at_least 1 guard-underlay pass "$bp" "$N" ||
	die "4. delivered, but host 1's guard-underlay pass went from $bp to $(guard 1 guard-underlay pass)"
moved 1 guard-underlay source-spoof "$b" 0 ||
	die "4. with AllowedSources, source-spoof still moved: $b to $(guard 1 guard-underlay source-spoof)"

# 5. container 2 sends with a source in host 3's /80, then from
# 2001:db8:77::c before and after host 2's [Network] declares the prefix
# (deprecated: the attacker binds them, the container's own traffic and the
# markers keep its address, RFC 6724 section 5 rule 3)
ip -n "sp-geC2-$$" addr add "$P3::77/128" dev eth0 nodad preferred_lft 0
ip -n "sp-geC2-$$" addr add 2001:db8:77::c/128 dev eth0 nodad preferred_lft 0
b=$(guard 2 guard-egress egress-spoof)
vx "sp-geC2-$$" echo "$P3::77" "$C1" 24005 "$N" 100
not_delivered "5. a container with another host's /80" 24005 "sp-geC2-$$" "$C1"
counted "5. a container with another host's /80" 2 guard-egress egress-spoof "$b" "$N"
b=$(guard 2 guard-egress egress-spoof)
vx "sp-geC2-$$" echo 2001:db8:77::c "$C1" 24015 "$N" 100
not_delivered "5. a container with a source outside every /80" 24015 "sp-geC2-$$" "$C1"
counted "5. a container with a source outside every /80" 2 guard-egress egress-spoof "$b" "$N"
conf 2 "AllowedSources = 2001:db8:77::/48
"
kill -HUP "$D2"
wait_for 5 sh -c "[ \$(grep -c reloaded $tmp/h2.log) -eq 1 ]" ||
	die "host 2 did not reload with [Network] AllowedSources: $(tail -3 "$tmp/h2.log")"
b=$(guard 2 guard-egress egress-spoof)
bp=$(guard 2 guard-egress pass)
vx "sp-geC2-$$" echo 2001:db8:77::c "$C1" 24025 "$N" 100
wait_for 5 capture_shows "$CAP" "$N" "IP6 2001:db8:77::c > $C1: ICMP6, echo request, id 24025," ||
	die "5. with AllowedSources on both hosts, only $(tcpdump -r "$CAP" -n 2>/dev/null | grep -c "echo request, id 24025,") of $N from 2001:db8:77::c reached host 1's sp0"
at_least 2 guard-egress pass "$bp" "$N" ||
	die "5. delivered, but host 2's guard-egress pass went from $bp to $(guard 2 guard-egress pass)"
moved 2 guard-egress egress-spoof "$b" 0 ||
	die "5. with [Network] AllowedSources, egress-spoof still moved: $b to $(guard 2 guard-egress egress-spoof)"

# 6. host 2 sends its datagrams (its MAC, container 2's source) in outer
# IPv4 fragments
b=$(guard 1 guard-underlay fragment)
vx "sp-ge2-$$" frag 192.0.2.2 192.0.2.1 "$VNI" "$M2" "$M1" "$C2" "$C1" 24006 "$N" 100
not_delivered "6. outer IPv4 fragments" 24006 "sp-ge2-$$" "$A1"
counted "6. outer IPv4 fragments" 1 guard-underlay fragment "$b" "$N"
T1=$(date +%s)

# the drops are said, with the sender and the reason (at most one line per
# reason a second: the first of each is said). The inner IPv6 source is
# read for rule 3 only: before it, the line has "-" in its place.
wait_for 5 grep -q "guard: dropped a datagram from 192.0.2.99 to port 4789 VNI $VNI, inner source $M2 .*: unknown-endpoint" "$tmp/h1.log" ||
	die "no log line for the rogue's datagrams: $(grep guard: "$tmp/h1.log")"
for r in mac-spoof source-spoof fragment; do
	wait_for 5 grep -q "guard: dropped a datagram from 192.0.2.2 .*: $r" "$tmp/h1.log" ||
		die "no log line for $r: $(grep guard: "$tmp/h1.log")"
done
wait_for 5 grep -q "guard: dropped a packet leaving interface .* $P3::77: egress-spoof" "$tmp/h2.log" ||
	die "no log line for the container's foreign source: $(grep guard: "$tmp/h2.log")"

# the flow went on through the attacks and both reloads, and lost nothing
: >"$tmp/stop"
wait "$FLOW" || die "the flow failed: $(cat "$tmp/flow")"
flow=$(cat "$tmp/flow")
sent=$(echo "$flow" | sed -n 's/^sent \([0-9]*\) received \([0-9]*\)$/\1/p')
received=$(echo "$flow" | sed -n 's/^sent \([0-9]*\) received \([0-9]*\)$/\2/p')
[ "${sent:-0}" -gt $((T1 - T0)) ] || die "the flow did not run: $flow"
[ "$received" = "$sent" ] ||
	die "the flow from container 2 to container 1 lost $((sent - received)) of $sent echo requests"
mesh "after the attacks"
# and the guarded daemons leave cleanly: their programs go with them (under
# the sanitizers, a leak or an overrun in the guard's paths ends the exit
# status, which is checked here)
for h in 1 2; do
	eval "pid=\$D$h"
	kill -TERM "$pid"
	wait "$pid" || die "sixplaned $h exited non-zero"
	# sp0 is gone with it; the underlay interface keeps nothing of ours
	[ -z "$(tc_progs "sp-ge$h-$$" eth0)" ] ||
		die "host $h left programs on its underlay: $(tc_progs "sp-ge$h-$$" eth0)"
done
rm -rf "$tmp"
echo "ok: 6 attacks of $N datagrams or packets, none delivered, each counted under its reason and logged; AllowedSources lets a gateway's source through on both hosts; the attacks took $((T1 - T0)) s beside a flow of $sent echo requests, all answered; the full mesh pings"
