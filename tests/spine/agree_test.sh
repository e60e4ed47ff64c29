#!/bin/sh
# sixplaned -t refuses exactly what a start refuses, with the same message,
# and accepts what a start accepts: a corpus of configurations (good ones,
# and bad ones of every kind: the file, a value, two keys, the host), each
# checked with -t and then started for real in a namespace.
set -u
SIXPLANED=$1
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
need_netns

A="sp-agA-$$"
P="sp-agP-$$"
netns_add "$A"
netns_add "$P"
ip link add u0 netns "$A" type veth peer name u0b netns "$P" || die "veth u0"
ip -n "$A" addr add 192.0.2.1/26 dev u0
ip -n "$A" addr add 2001:db8::1/64 dev u0 nodad
# an underlay whose MTU leaves too little for VXLAN's overhead
ip link add u1 netns "$A" mtu 1300 type veth peer name u1b netns "$P" || die "veth u1"
ip -n "$A" addr add 192.0.2.65/26 dev u1
for x in u0 u1 px0 px1 lan0 lan1; do
	[ "$x" = u0 ] || [ "$x" = u1 ] || ip link add "$x" netns "$A" type veth peer name "${x}b" netns "$P" ||
		die "veth $x"
	ip -n "$A" link set "$x" up
done

tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
C="$tmp/corpus"
mkdir "$C"
ID="8056c2e21c000001"
NET="[Network]
Id = $ID
Node = 89e92ceee5
Interface = lan0
"
FAB="[Network]
Id = $ID
Node = 89e92ceee5
Interface = sp0
Underlay = 192.0.2.1
"
PEER="[Peer]
Node = 1122334455
Endpoint = 192.0.2.2
"
PX="[Proxy]
Interface = px0
Prefix = 2001:db8:5::/64
"
conf() { # NAME: stdin becomes corpus file NAME.conf (run in a pipeline:
	# nothing it sets outlives it, and its die ends only the pipeline: the
	# mark it leaves fails the test after the corpus is made)
	[ ! -e "$C/$1.conf" ] || {
		echo "$1" >>"$C/.twice"
		die "two configurations named $1"
	}
	cat >"$C/$1.conf"
}
rules() { # IFACE COUNT DATAPLANE
	printf '[Proxy]\nInterface = %s\nDataplane = %s\n' "$1" "$3"
	i=0
	while [ $i -lt "$2" ]; do
		printf 'Prefix = 2001:db8:%x::/64\n' $((i + 4096))
		i=$((i + 1))
	done
}
printf '89e92ceee5:0:%0128d\n' 0 >"$tmp/identity.public"
mkfifo "$tmp/fifo"

# accepted (or, where this kernel or build has no tc programs, refused by
# both alike: the agreement is what is tested)
printf '%s' "$NET" | conf minimal
printf '%sDataplane = netlink\n' "$NET" | conf netlink
printf '%sDataplane = packet\n' "$NET" | conf packet
printf '%sDataplane = tc\n' "$NET" | conf tc
printf '%sSolicit = emulated-only\n' "$NET" | conf emulated-only
printf '%sSolicit = emulated-only\nDataplane = netlink\n' "$NET" | conf emulated-only-netlink
printf '%sAddressing = rfc4193\n' "$NET" | conf rfc4193
printf '%sAddressing = 6plane, rfc4193\n' "$NET" | conf both
printf '%s' "$PX" | conf proxy
printf '%sAnswer = auto\n' "$PX" | conf proxy-auto
printf '%sDataplane = tc\n' "$PX" | conf proxy-tc
printf '%sDataplane = packet\nAnswer = auto\n' "$PX" | conf proxy-packet
printf '%s%s' "$FAB" "$PEER" | conf fabric
printf '%sMtu = 1400\nVni = 77\nPort = 8472\nMulticast = off\n%s' "$FAB" "$PEER" | conf fabric-settings
printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = sp0\nUnderlay = 2001:db8::1\n[Peer]\nNode = 1122334455\nEndpoint = 2001:db8::2\n' "$ID" | conf fabric-ipv6
printf '%s%s\n[Network]\nId = 1111222233334444\nNode = 89e92ceee5\nInterface = lan1\n%s' "$FAB" "$PEER" "$PX" | conf three
printf '# comment\n\n  [ Network ]  \n Id=%s ; inline\nNode = 89e92ceee5   # trailing\nInterface=lan0\n' "$ID" | conf spacing
printf '[Network]\nId = %s\nNodeFrom = %s\nInterface = lan0\n' "$ID" "$tmp/identity.public" | conf node-from
rules px0 64 tc | conf tc-64-rules
rules px0 65 auto | conf auto-65-rules
{ rules px0 40 auto; rules px1 40 auto; } | conf auto-two-proxies
printf '%sDataplane = packet\n\n[Proxy]\nInterface = px1\nPrefix = 2001:db8:6::/64\nDataplane = tc\n' "$PX" | conf mixed

# refused by the parser
printf '%sBogus = 1\n' "$NET" | conf unknown-key
printf '[Netwrk]\nId = %s\n' "$ID" | conf unknown-section
printf '[Network]\nId = 8056c2e21c00001\nNode = 89e92ceee5\nInterface = lan0\n' | conf bad-id
printf '[Network]\nId = %s\nNode = 0000000000\nInterface = lan0\n' "$ID" | conf reserved-node
printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = a/b\n' "$ID" | conf bad-name
printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = spx%%d\nUnderlay = 192.0.2.1\n' "$ID" | conf name-template
printf '%sSolicit =\n' "$NET" | conf empty-value
printf '%sSolicit = all\nSolicit = all\n' "$NET" | conf duplicate
printf '# nothing\n' | conf nothing
printf '%s%s' "$PEER" "$NET" | conf peer-first
printf '\357\273\277%s' "$NET" | conf bom
printf '%s' "$NET" | awk 'NR == 3 {printf "%c", 0} {print}' | conf nul
printf '%sVni = 16777216\n' "$FAB" | conf vni-range
printf '%sPort = 0\n' "$FAB" | conf port-zero
printf '%sMtu = 1279\n' "$FAB" | conf mtu-small
printf '%sMulticast = maybe\n' "$FAB" | conf bad-bool
printf '%sDataplane = xdp\n' "$NET" | conf bad-dataplane
printf '%sDataplane = netlink\n' "$PX" | conf proxy-netlink
printf '[Proxy]\nInterface = px0\nPrefix = 2001:db8::/129\n' | conf bad-prefix
printf '[Network]\nId = %s\nNodeFrom = %s\nInterface = lan0\n' "$ID" "$tmp/fifo" | conf node-from-fifo
printf '%sUnderlay = 0.0.0.0\n' "$NET" | conf zero-underlay
printf '%s[Peer]\nNode = 1122334455\nEndpoint = ::\n' "$FAB" | conf unspecified-endpoint

# accepted, and waited for: an interface or an Underlay address the host
# does not have (yet)
printf '%s' "[Network]
Id = $ID
Node = 89e92ceee5
Interface = nosuch0
" | conf missing-interface
printf '[Proxy]\nInterface = nosuch1\nPrefix = 2001:db8::/64\n' | conf missing-proxy-interface
printf '%s' "$FAB" | sed 's/192.0.2.1/198.51.100.1/' | conf foreign-underlay
# refused by the plan: two keys, two sections, or the file and the host
printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = lo\nUnderlay = 192.0.2.1\n' "$ID" |
	conf not-ours-lo
printf '%sSolicit = emulated-only\nDataplane = tc\n' "$NET" | conf tc-emulated-only
printf '%sSolicit = emulated-only\nDataplane = packet\n' "$NET" | conf packet-emulated-only
rules px0 65 tc | conf tc-65-rules
{ rules px0 40 tc; rules px1 40 tc; } | conf tc-two-proxies-80-rules
printf '%s%s' "$NET" "$PX" | sed 's/px0/lan0/' | conf interface-twice
printf '%s%s' "$PX" "$PX" | conf proxy-twice
printf '%sPort = 4789\n' "$NET" | conf port-without-underlay
printf '%s%s' "$NET" "$PEER" | conf peer-without-underlay
printf '%s[Peer]\nNode = 89e92ceee5\nEndpoint = 192.0.2.2\n' "$FAB" | conf peer-own-node
printf '%s[Peer]\nNode = 1122334455\nEndpoint = 2001:db8::2\n' "$FAB" | conf peer-family
printf '%s[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.1\n' "$FAB" | conf peer-underlay
printf '%s%s%s' "$FAB" "$PEER" "$PEER" | conf peer-twice
printf '%s\n%s' "$NET" "$NET" | sed '9s/lan0/lan1/' | conf network-twice
printf '%s' "$FAB" | sed 's/sp0/lan1/' | conf not-ours
printf '%s' "$FAB" | sed 's/192.0.2.1/192.0.2.65/' | conf underlay-mtu
mkdir "$C/directory.conf"
[ ! -e "$C/.twice" ] || die "configurations named twice: $(cat "$C/.twice")"
n=$(ls "$C" | wc -l)

[ "$n" -ge 50 ] || die "only $n configurations in the corpus"
# what a start logged, as -t prints it: without the priority prefix
strip() { sed -e 's/^<[0-9]>//' -e 's/^sixplaned: //'; }
accepted=0
refused=0
for f in "$C"/*; do
	name=$(basename "$f")
	t_out=$(ip netns exec "$A" "$SIXPLANED" -t -c "$f" 2>"$tmp/t.err")
	t_rc=$?
	: >"$tmp/log"
	# --socket, as documented (it was missing from the option table)
	ip netns exec "$A" "$SIXPLANED" -c "$f" --socket "$tmp/sock" 2>"$tmp/log" &
	pid=$!
	wait_for 10 sh -c "grep -q serving '$tmp/log' || ! kill -0 $pid" ||
		die "$name: sixplaned neither served nor exited: $(cat "$tmp/log")"
	if grep -q serving "$tmp/log"; then
		[ -S "$tmp/sock" ] || die "$name: no stats socket at --socket $tmp/sock"
		kill -TERM "$pid"
		wait "$pid" || die "$name: exit after serving: $(tail -2 "$tmp/log")"
		[ "$t_rc" -eq 0 ] || die "$name: started, but -t refused it ($t_rc): $(cat "$tmp/t.err")"
		echo "$t_out" | tail -1 | grep -q ": ok$" || die "$name: -t said: $t_out"
		accepted=$((accepted + 1))
		continue
	fi
	wait "$pid"
	s_rc=$?
	[ "$t_rc" -eq "$s_rc" ] ||
		die "$name: -t exits $t_rc, a start $s_rc ($(strip <"$tmp/t.err") / $(strip <"$tmp/log"))"
	t_msg=$(strip <"$tmp/t.err")
	s_msg=$(grep -v -e 'previous sixplaned' -e 'tc data path unavailable' "$tmp/log" | strip)
	[ "$(printf '%s\n' "$t_msg" | wc -l)" -eq 1 ] || die "$name: -t: not one line: $t_msg"
	[ "$t_msg" = "$s_msg" ] || die "$name: -t and a start disagree:
  -t:    $t_msg
  start: $s_msg"
	case $t_msg in *"$f"*) ;; *) die "$name: the message does not name the file: $t_msg" ;; esac
	refused=$((refused + 1))
done
[ "$accepted" -ge 15 ] || die "only $accepted of $n accepted: the good part of the corpus did not run"
[ "$refused" -ge 35 ] || die "only $refused of $n refused"
[ -z "$(ip -n "$A" link show type vxlan)" ] || die "a VXLAN interface stayed: $(ip -n "$A" link show type vxlan)"
rm -rf "$tmp"
done_ok "-t and a start agree on $n configurations ($accepted accepted, $refused refused alike)"
