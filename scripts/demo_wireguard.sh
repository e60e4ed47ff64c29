#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo's WireGuard part: the backplane encrypted, in network namespaces.
#
#   scripts/demo_wireguard.sh SIXPLANED SIXPLANE
#
# Three hosts on an underlay bridge (192.0.2.0/24), sixplaned on each with
# Transport = wireguard (doc/wireguard.md; wireguard-go where the kernel has
# no WireGuard module), a container on each behind a Docker-style bridge.
# Every endpoint pings every other with a plaintext marker in the payload
# while the underlay bridge and host 1's WireGuard interface are captured
# whole. The summary shows the reachability matrix, that every UDP datagram
# on the underlay was a WireGuard message and that the marker never crossed
# it, though the capture on the WireGuard interface saw it, and host 1's
# sixplane status (handshakes, bytes). Cleans up after itself, also on
# Ctrl-C, and checks that nothing is left; exits 1 if any check fails.
set -u

if [ $# -ne 2 ]; then
	echo "Usage: scripts/demo_wireguard.sh SIXPLANED SIXPLANE" >&2
	exit 2
fi
# shellcheck disable=SC2034 # used by fabric.sh
SIXPLANED=$1
SIXPLANE=$2
FAB=${FAB:-demowg}
HOSTS=3
PY=/usr/bin/python3
# 16 bytes, what ping -p takes: repeated through each ping's payload
MARKER=6PLANE-PLAINTEXT

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces, WireGuard): run it as root" >&2
	exit 77
fi
for tool in ip tcpdump ping wg "$PY"; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "demo: needs $tool (make deps installs it)" >&2
		exit 77
	}
done
ip netns add "sp-$FAB-probe" 2>/dev/null || {
	echo "demo: cannot create network namespaces here" >&2
	exit 77
}
# the daemon takes the kernel's WireGuard where there is one, else wireguard-go
if ip -n "sp-$FAB-probe" link add wgprobe type wireguard 2>/dev/null; then
	ENGINE=kernel
else
	ENGINE=wireguard-go
	command -v wireguard-go >/dev/null 2>&1 || {
		ip netns del "sp-$FAB-probe"
		echo "demo: needs wireguard-go (this kernel has no WireGuard module)" >&2
		exit 77
	}
fi
ip netns del "sp-$FAB-probe"

# the wireguard-go processes of this demo's interfaces (fabric.sh's names,
# w$FAB1...), by their command line: they run in the root namespace
wg_go_pids() {
	for wp in $(pgrep -x wireguard-go); do
		tr '\0' ' ' <"/proc/$wp/cmdline" 2>/dev/null | grep -qE "^wireguard-go -f w${FAB}[0-9]+ \$" && echo "$wp"
	done
	return 0
}
# A demo killed with kill -9 leaves its namespaces, daemons and engines: ours by name
for n in $(ip netns list | awk -v p="sp-$FAB-" 'index($1, p) == 1 { print $1 }'); do
	for pid in $(ip netns pids "$n" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	sleep 0.2
	ip netns del "$n" 2>/dev/null
done
for pid in $(wg_go_pids); do kill "$pid"; done

FAB_DIR=$(mktemp -d)
# the daemons' state (the sysctl journal) with the rest, not in /var/lib
export SIXPLANED_STATE_DIR="$FAB_DIR/state"
# shellcheck source=scripts/fabric.sh
. "$(dirname "$0")/fabric.sh"
# shellcheck disable=SC2317 # called by the trap
finish() {
	fab_cleanup
	rm -rf "$FAB_DIR"
}
trap finish EXIT
trap 'echo; echo "demo: interrupted, cleaning up" >&2; exit 130' INT TERM

# shellcheck source=scripts/demo_say.sh
. "$(dirname "$0")/demo_say.sh"

# capture NETNS FILE IFACE: everything on an interface, whole frames
capture() {
	rm -f "$2"
	ip netns exec "$1" tcpdump -i "$3" -n -U --immediate-mode -B 32768 -s 0 -w "$2" 2>/dev/null &
	FAB_PIDS="$FAB_PIDS $!"
	echo "$!" >>"$FAB_DIR/captures"
	fab_wait 5 test -s "$2" || fab_die "tcpdump on $3 did not start"
}

say "One 6PLANE network, $FAB_NWID, on $HOSTS hosts over WireGuard ($ENGINE)"
echo "Hosts are network namespaces on an underlay bridge. Each sixplaned makes a WireGuard"
echo "interface (w${FAB}N here: wireguard-go's socket path is one for all namespaces); every"
echo "peer's allowed IPs are its /80, computed from (network id, node id), never configured."
FAB_MODE=wireguard
: >"$FAB_DIR/captures"
fab_underlay
capture "sp-$FAB-u" "$FAB_DIR/underlay.pcap" br0
fab_hosts "$HOSTS" wireguard

printf '\n%-5s %-11s %-10s %-10s %-32s %s\n' host node underlay interface "/80 (allowed IPs at peers)" "public key"
i=1
while [ "$i" -le "$HOSTS" ]; do
	printf '%-5s %-11s %-10s %-10s %-32s %s\n' "h$i" "$(fab_node "$i")" "$(fab_ul "$i")" "$(fab_if "$i")" \
		"$("$SIXPLANE" plane "$FAB_NWID" "$(fab_node "$i")" --json | fab_json sixplane_host_prefix)" \
		"$(fab_pub "$i")"
	i=$((i + 1))
done

say "Host 1's /etc/sixplane/sixplane.conf (keys from wg genkey; sixplane wg-key KEYFILE prints the public one)"
sed 's/^/  /' "$FAB_DIR/h1.conf"
[ "$("$SIXPLANE" wg-key "$(fab_key 1)")" = "$(fab_pub 1)" ] || fail "sixplane wg-key and wg pubkey differ"

say "A container per host, addressed the way Docker does it (the /80 + the MAC)"
i=1
while [ "$i" -le "$HOSTS" ]; do
	fab_container "$i" 1
	i=$((i + 1))
done
sed 's/^sp-[^-]*-\(h[0-9]*c[0-9]*\)=/  \1  /' "$FAB_DIR/containers"
capture "sp-$FAB-h1" "$FAB_DIR/wg1.pcap" "$(fab_if 1)"

: >"$FAB_DIR/endpoints"
i=1
while [ "$i" -le "$HOSTS" ]; do
	echo "h$i sp-$FAB-h$i $(fab_addr "$i")" >>"$FAB_DIR/endpoints"
	i=$((i + 1))
done
sed 's/^\(sp-[^-]*-\(h[0-9]*c[0-9]*\)\)=\(.*\)/\2 \1 \3/' "$FAB_DIR/containers" >>"$FAB_DIR/endpoints"
count=$(wc -l <"$FAB_DIR/endpoints")

pattern=$(printf '%s' "$MARKER" | od -An -tx1 | tr -d ' \n')
say "Full mesh: each of the $count endpoints pings the $((count - 1)) others, payload \"$MARKER\" repeated"
# one pinger per source, all at once; each pair's first packet also starts
# the hosts' WireGuard handshake
pingers=""
while read -r name ns _; do
	(
		while read -r to _ addr; do
			[ "$to" = "$name" ] && continue
			if ip netns exec "$ns" ping -6 -c1 -W3 -n -s 200 -p "$pattern" "$addr" >/dev/null 2>&1; then
				r=ok
			else
				r=FAIL
			fi
			echo "$name $to $r"
		done <"$FAB_DIR/endpoints" >"$FAB_DIR/ping.$name"
	) &
	pingers="$pingers $!"
done <"$FAB_DIR/endpoints"
for p in $pingers; do wait "$p"; done
cat "$FAB_DIR"/ping.* >"$FAB_DIR/pings"
# the captures, after what is in flight has landed
sleep 0.3
while read -r p; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done <"$FAB_DIR/captures"

reach_table
pairs=$(wc -l <"$FAB_DIR/pings")
reached=$(grep -c ' ok$' "$FAB_DIR/pings")
[ "$pairs" -eq $((count * (count - 1))) ] || fail "only $pairs pairs were tried"
[ "$reached" -eq "$pairs" ] || fail "$((pairs - reached)) of $pairs pairs cannot reach each other"

# The captures, read whole: on the underlay (Ethernet) every UDP datagram
# must be a WireGuard message (the whitepaper's section 5.4: a type 1..4,
# three reserved zero bytes, and the type's length: initiation 148,
# response 92, cookie reply 64, transport data 16 bytes of header, the
# ciphertext padded to 16 bytes, and a 16-byte tag), no IPv6 packet of the
# plane may travel in the clear, and the marker is counted in every frame.
# On the WireGuard interface the marker is counted the same way.
# Prints "frames udp wg init resp cookie data bad_udp clear marked other".
scan() {
	"$PY" - "$1" "$MARKER" <<'EOF'
import struct, sys
path, marker = sys.argv[1], sys.argv[2].encode()
c = dict(frames=0, udp=0, wg=0, t1=0, t2=0, t3=0, t4=0, bad=0, clear=0, marked=0, other=0)
with open(path, "rb") as f:
    head = f.read(24)
    magic = struct.unpack("<I", head[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(end + "I", head[20:24])[0]
    while True:
        rec = f.read(16)
        if len(rec) < 16:
            break
        incl = struct.unpack(end + "IIII", rec)[2]
        pkt = f.read(incl)
        c["frames"] += 1
        if marker in pkt:
            c["marked"] += 1
        if linktype != 1:  # not Ethernet: the WireGuard interface's capture
            continue
        etype, ip = struct.unpack("!H", pkt[12:14])[0], pkt[14:]
        if etype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
            payload = ip[(ip[0] & 15) * 4 + 8:]
        elif etype == 0x86DD and len(ip) >= 40:
            # the underlay's own link-local NDP and MLD are expected; an
            # address of the plane (ULA fc00::/7) would be a packet of the
            # plane in the clear
            if ip[8] & 0xFE == 0xFC or ip[24] & 0xFE == 0xFC:
                c["clear"] += 1
            if ip[6] != 17:
                c["other"] += 1
                continue
            payload = ip[48:]
        else:
            c["other"] += 1
            continue
        c["udp"] += 1
        t, n = (payload[0] if payload else 0), len(payload)
        ok = payload[1:4] == b"\0\0\0" and (
            (t == 1 and n == 148) or (t == 2 and n == 92) or (t == 3 and n == 64)
            or (t == 4 and n >= 32 and (n - 32) % 16 == 0))
        if ok:
            c["wg"] += 1
            c["t%d" % t] += 1
        else:
            c["bad"] += 1
print(*(c[k] for k in ("frames", "udp", "wg", "t1", "t2", "t3", "t4", "bad", "clear", "marked", "other")))
EOF
}

say "What crossed the underlay (every frame on its bridge, captured whole)"
read -r frames udp wg init resp cookie data bad clear marked other <<EOF
$(scan "$FAB_DIR/underlay.pcap")
EOF
read -r wframes _ _ _ _ _ _ _ _ wmarked _ <<EOF
$(scan "$FAB_DIR/wg1.pcap")
EOF
row() { printf '  %-40s %s\n' "$1" "$2"; }
row "UDP datagrams:" "$udp"
row "of them WireGuard messages:" "$wg (handshake initiation $init, response $resp, cookie reply $cookie, transport data $data)"
row "anything else on UDP:" "$bad"
row "other frames:" "$other (ARP, the underlay's own link-local NDP and MLD)"
row "packets of the plane (fc00::/7) in clear:" "$clear"
row "\"$MARKER\" seen in:" "$marked of $frames frames on the underlay"
row "" "$wmarked of $wframes packets on h1's $(fab_if 1) (so the capture sees plaintext where there is some)"
[ "$udp" -gt 0 ] || fail "no UDP datagram at all crossed the underlay: the capture saw no traffic"
[ "$wg" -eq "$udp" ] || fail "$((udp - wg)) UDP datagrams on the underlay were not WireGuard messages"
if [ "$init" -eq 0 ] || [ "$resp" -eq 0 ] || [ "$data" -eq 0 ]; then
	fail "not every kind of WireGuard message expected was seen (initiation, response, data)"
fi
[ "$clear" -eq 0 ] || fail "$clear packets of the plane crossed the underlay in the clear"
[ "$marked" -eq 0 ] || fail "the plaintext marker crossed the underlay in $marked frames"
# h1 and its container each ping the 4 endpoints of the other hosts and
# are pinged by them: 16 pairs, request and reply each
[ "$wmarked" -ge 32 ] || fail "h1's WireGuard interface saw the marker in $wmarked packets, expected 32 or more"

say "sixplane status on host 1"
"$SIXPLANE" status -s "$FAB_DIR/h1.sock" | sed 's/^/  /'
"$SIXPLANE" status -s "$FAB_DIR/h1.sock" --json >"$FAB_DIR/status.json" || fail "host 1: sixplane status failed"
# every peer has made a handshake and moved bytes both ways
shook=$("$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
s = s[0] if isinstance(s, list) else s
print(sum(1 for p in s.get("peers", []) if p.get("handshake_age") is not None and p.get("rx_bytes", 0) > 0 and p.get("tx_bytes", 0) > 0))
' "$FAB_DIR/status.json" 2>/dev/null || echo 0)
[ "$shook" -eq $((HOSTS - 1)) ] || fail "host 1 has a handshake and bytes both ways with $shook of its $((HOSTS - 1)) peers"

# Clean up now, to check it: the daemons stop their engines, and the
# namespaces go
pids=$FAB_PIDS
fab_cleanup
left=0
for p in $pids; do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
engines=$(wg_go_pids | wc -l)
spaces=$(ip netns list | awk -v p="sp-$FAB-" 'index($1, p) == 1' | wc -l)
socks=$(find /var/run/wireguard -maxdepth 1 -name "w${FAB}[0-9]*.sock" 2>/dev/null | wc -l)
say "Cleaned up"
printf '  processes left: %s, wireguard-go left: %s, namespaces left: %s, UAPI sockets left: %s\n' \
	"$left" "$engines" "$spaces" "$socks"
[ $((left + engines + spaces + socks)) -eq 0 ] || fail "the demo left something behind"

echo
if [ "$failures" -eq 0 ]; then
	printf '%sPASS%s  %d hosts, %d containers, %d/%d pairs reachable; %d UDP datagrams on the underlay, all WireGuard; marker 0 times there, %d on %s\n' \
		"$G" "$N" "$HOSTS" "$HOSTS" "$reached" "$pairs" "$udp" "$wmarked" "$(fab_if 1)"
	exit 0
fi
printf '%sFAILED%s  %d check(s) failed\n' "$R" "$N" "$failures"
for n in $(seq 1 "$HOSTS"); do
	echo "--- sixplaned on host $n:"
	tail -n 5 "$FAB_DIR/h$n.log" 2>/dev/null
done
exit 1
