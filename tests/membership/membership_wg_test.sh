#!/bin/sh
# Membership = etcd on a WireGuard backplane (doc/wireguard.md, With etcd),
# on a real 3-member etcd cluster (tests/etcd/lab.sh), hosts in namespaces,
# none with a [Peer] section:
#   1. three hosts join; host 3 has no Underlay (its value has no endpoint)
#      and Keepalive = 2, so the others reach it once it has spoken; each
#      host's device holds exactly the two others' keys from the store, with
#      their /80s as allowed IPs; all reach each other; the values carry
#      "public_key" (and host 3's no "endpoint")
#   2. host 2 takes a new key and starts again (its value changes): hosts 1
#      and 3 replace its peer (the old key gone), and host 1 <-> host 3
#      traffic (a flow through the step) loses nothing, their session
#      untouched (the latest handshake between them unchanged)
#   2b. host 1 takes a new key by reload (SIGHUP): its value follows, and
#      the others replace its peer
#   3. host 2 leaves (SIGTERM): the others remove its peer
# The engine is the daemon's choice: wireguard-go on a kernel without the
# module. Interface names are distinct per host: wireguard-go's socket path
# is the same in every namespace.
set -u
SIXPLANED=$1
SIXPLANE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/netns/lib.sh
. "$HERE/../netns/lib.sh"
need_netns
need_tool etcd
need_tool etcdctl
need_tool wg
if ! ip link add "spwgp$$" type wireguard 2>/dev/null; then
	need_tool wireguard-go
else
	ip link del "spwgp$$"
fi
LAB_NS="spw-$$"
LAB_TRAP=no
# shellcheck source=tests/etcd/lab.sh
. "$HERE/../etcd/lab.sh"

tmp=$(mktemp -d)
chmod 755 "$tmp"
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=""
	lab_cleanup
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap stop_all EXIT
trap 'exit 1' INT TERM HUP
lab_start

node_of() { printf '00000000%02d' "$1"; }
addr_of() { echo "192.0.2.$1"; }
ns_of() { echo "$LAB_NS-h$1"; }
if_of() { echo "wgm$$" | cut -c1-13 | sed "s/\$/-$1/"; }
ip6_of() { "$SIXPLANE" plane "$LAB_NWID" "$(node_of "$1")" --json | json_field sixplane_addr; }
p80_of() { "$SIXPLANE" plane "$LAB_NWID" "$(node_of "$1")" --json | json_field sixplane_host_prefix; }
key_of() { wg pubkey <"$tmp/h$1.key"; }
say() { echo "ok   $*"; }

# start_host N [noendpoint]: sixplaned on host N, its key in tmp/hN.key
# (made by the daemon at its first start)
start_host() {
	[ -e "$tmp/h$1.made" ] || {
		lab_host "h$1" "$(addr_of "$1")" >/dev/null
		touch "$tmp/h$1.made"
	}
	{
		printf '[Network]\nId = %s\nNode = %s\nInterface = %s\n' \
			"$LAB_NWID" "$(node_of "$1")" "$(if_of "$1")"
		printf 'Transport = wireguard\nPrivateKeyFile = %s/h%s.key\n' "$tmp" "$1"
		if [ "${2:-}" = noendpoint ]; then
			printf 'Keepalive = 2\n'
		else
			printf 'Underlay = %s\n' "$(addr_of "$1")"
		fi
		printf 'Membership = etcd\n\n[Etcd]\nEndpoints = %s\nLease = 5\n' "$LAB_ENDPOINTS"
	} >"$tmp/h$1.conf"
	ip netns exec "$(ns_of "$1")" env SIXPLANED_STATE_DIR="$tmp/s$1" \
		"$SIXPLANED" -c "$tmp/h$1.conf" -s "$tmp/h$1.sock" 2>>"$tmp/h$1.log" &
	echo $! >"$tmp/h$1.pid"
	PIDS="$PIDS $!"
	wait_for 10 grep -q serving "$tmp/h$1.log" || die "host $1 did not start: $(cat "$tmp/h$1.log")"
}

# peers N: host N's device as "KEY ALLOWED-IPS" lines, sorted
peers() { wg show "$(if_of "$1")" allowed-ips 2>/dev/null | sort; }
# want N HOSTS: what peers N must print with HOSTS running
want() {
	for _o in $2; do
		[ "$_o" = "$1" ] || printf '%s\t%s\n' "$(key_of "$_o")" "$(p80_of "$_o")"
	done | sort
}
converged() { # converged SECONDS HOSTS
	for _h in $2; do
		want "$_h" "$2" >"$tmp/want"
		wait_for "$1" sh -c "wg show $(if_of "$_h") allowed-ips 2>/dev/null | sort | cmp -s - '$tmp/want'" || {
			echo "host $_h has:" >&2
			peers "$_h" >&2
			echo "want:" >&2
			cat "$tmp/want" >&2
			tail -n 5 "$tmp/h$_h.log" >&2
			return 1
		}
	done
}
reaches() {
	wait_for 10 ip netns exec "$(ns_of "$1")" ping -6 -c 1 -W 1 "$(ip6_of "$2")" ||
		die "host $1 does not reach host $2 ($(ip6_of "$2"))"
}

# 1. three hosts join, host 3 with no endpoint
start_host 1
start_host 2
start_host 3 noendpoint
HOSTS="1 2 3"
converged 15 "$HOSTS" || die "the three hosts did not converge"
# host 3 has spoken first (its keepalive), so 1 and 2 know where it is
for a in $HOSTS; do for b in $HOSTS; do [ "$a" = "$b" ] || reaches "$a" "$b"; done; done
v1=$(lab_etcdctl get --print-value-only "$(lab_key "$(node_of 1)")")
v3=$(lab_etcdctl get --print-value-only "$(lab_key "$(node_of 3)")")
echo "$v1" | grep -q "\"public_key\": \"$(key_of 1)\"" || die "host 1's value has not its key: $v1"
echo "$v1" | grep -q '"endpoint": "192.0.2.1"' || die "host 1's value has not its endpoint: $v1"
echo "$v3" | grep -q "\"public_key\": \"$(key_of 3)\"" || die "host 3's value has not its key: $v3"
echo "$v3" | grep -q endpoint && die "host 3 has no Underlay, but its value has an endpoint: $v3"
ep=$(wg show "$(if_of 1)" endpoints | awk -v k="$(key_of 3)" '$1 == k {print $2}')
[ "$ep" = "192.0.2.3:51820" ] || die "host 1 did not learn host 3's endpoint: '$ep'"
say "three hosts on WireGuard from etcd, keys from the store, host 3 learned at $ep"

# 2. host 2 takes a new key
ip netns exec "$(ns_of 1)" ping -6 -D -O -i 0.05 "$(ip6_of 3)" >"$tmp/flow" 2>&1 &
FLOW=$!
PIDS="$PIDS $FLOW"
sleep 1
hs13=$(wg show "$(if_of 1)" latest-handshakes | awk -v k="$(key_of 3)" '$1 == k {print $2}')
old2=$(key_of 2)
kill "$(cat "$tmp/h2.pid")"
wait "$(cat "$tmp/h2.pid")" 2>/dev/null
(umask 077 && wg genkey >"$tmp/h2.key")
[ "$(key_of 2)" != "$old2" ] || die "the new key is the old one"
start_host 2
converged 15 "$HOSTS" || die "hosts 1 and 3 did not take host 2's new key"
wg show "$(if_of 1)" peers | grep -qx "$old2" && die "host 1 kept host 2's old key"
reaches 1 2
reaches 3 2
sleep 1
kill "$FLOW"
wait "$FLOW" 2>/dev/null
sent=$(grep -c "icmp_seq" "$tmp/flow")
lost=$(grep -c "no answer yet" "$tmp/flow")
[ "$sent" -gt 20 ] || die "the flow 1 -> 3 ran $sent pings"
[ "$lost" -eq 0 ] || die "the flow 1 -> 3 lost $lost of $sent while host 2 changed its key"
hs13b=$(wg show "$(if_of 1)" latest-handshakes | awk -v k="$(key_of 3)" '$1 == k {print $2}')
[ "$hs13" = "$hs13b" ] || die "the session 1 <-> 3 was touched: handshake $hs13 then $hs13b"
say "host 2's key rotated through the store; 1 <-> 3 lost none of $sent, session untouched"

# 2b. host 1 takes a new key by reload: its value in the store follows
# (it held the old one under its own live lease)
old1=$(key_of 1)
(umask 077 && wg genkey >"$tmp/h1.key")
kill -HUP "$(cat "$tmp/h1.pid")"
wait_for 10 grep -q reloaded "$tmp/h1.log" || die "host 1's reload: $(tail -n 3 "$tmp/h1.log")"
[ "$(wg show "$(if_of 1)" public-key)" = "$(key_of 1)" ] || die "host 1's device kept its old key"
converged 15 "$HOSTS" || die "hosts 2 and 3 did not take host 1's key rotated by reload"
wg show "$(if_of 2)" peers | grep -qx "$old1" && die "host 2 kept host 1's old key"
reaches 2 1
reaches 3 1
say "host 1's key rotated by reload reached the store and its peers"

# 3. host 2 leaves
kill "$(cat "$tmp/h2.pid")"
wait "$(cat "$tmp/h2.pid")" 2>/dev/null
HOSTS="1 3"
converged 10 "$HOSTS" || die "host 2's peer stayed after it left"
say "host 2 left: its peer removed"
