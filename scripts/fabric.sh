# shellcheck shell=sh
# SPDX-License-Identifier: MIT
# Build a backplane in network namespaces (doc/fabric.md, "How it is
# tested"): an underlay namespace with a bridge, hosts on it, and on each host
# either sixplaned (mode "sixplane") or the same VXLAN made by hand with
# flooding and multicast NDP (mode "vxlan", the peer we compare against),
# or sixplaned with Transport = wireguard (mode "wireguard") or the same
# WireGuard made by hand with wireguard-go and wg (mode "wg", its peer), and
# containers behind a Docker-style bridge. Sourced (POSIX sh) by make demo,
# the netns tests and bench/fabric.
#
# The caller sets:
#   SIXPLANE, SIXPLANED  the binaries
#   FAB                  a short name; every namespace is sp-$FAB-...
#   FAB_DIR              a scratch directory (configs, logs, sockets, captures)
#   FAB_UNDERLAY         4 (192.0.2.0/24, the default) or 6 (2001:db8:ff::/64)
#   FAB_KEYDIR           WireGuard modes: where hI.key are (default FAB_DIR;
#                        made by wg genkey where missing, so that two fabrics
#                        can share their hosts' keys)
# and calls fab_cleanup when done (it is safe to call twice).
#
#   fab_underlay                 the underlay namespace sp-$FAB-u with bridge br0
#   fab_hosts COUNT MODE         COUNT hosts sp-$FAB-h1..., full mesh of peers;
#                                sixplaned started on each in mode sixplane
#   fab_container HOST J         container sp-$FAB-hHOSTcJ behind HOST's docker0
#   fab_capture FILE [FILTER]    record the underlay (default: all VXLAN)
#   fab_ndp_count FILE           "NS DAD NA": resolution NS, DAD probes and NA
#                                inside the VXLAN frames of a capture
# and the values: fab_node I, fab_addr I (host address), fab_prefix I (the
# /80's first five groups), fab_ul I (underlay address), fab_if I (the plane
# interface: sp0, or in the WireGuard modes a name of its own per host, as
# wireguard-go's socket /var/run/wireguard/IFNAME.sock is one for all
# namespaces), FAB_CONTAINERS (namespace=address per line in
# $FAB_DIR/containers).

FAB_NWID=${FAB_NWID:-8056c2e21c000001}
FAB_NODES_FIXED="89e92ceee5 1122334455 a0b1c2d3e4"
FAB_PIDS=""
FAB_COUNT=0 # hosts made by fab_hosts, for callers

fab_die() {
	echo "FAIL: $*" >&2
	exit 1
}

# fab_node I: node id of host I (the three of the examples, then generated ones)
fab_node() {
	if [ "$1" -le 3 ]; then
		echo "$FAB_NODES_FIXED" | cut -d' ' -f"$1"
	else
		printf '%010x\n' $((0x5a00000000 + $1 * 0x0101010101))
	fi
}
fab_ul() {
	if [ "${FAB_UNDERLAY:-4}" = 6 ]; then echo "2001:db8:ff::$1"; else echo "192.0.2.$1"; fi
}
fab_json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
fab_if() {
	case ${FAB_MODE:-sixplane} in
	wireguard | wg) echo "w$FAB$1" ;;
	*) echo sp0 ;;
	esac
}
# fab_key I: host I's WireGuard private key file; fab_pub I: its public key
fab_key() { echo "${FAB_KEYDIR:-$FAB_DIR}/h$1.key"; }
fab_pub() { wg pubkey <"$(fab_key "$1")"; }
fab_addr() { "$SIXPLANE" plane "$FAB_NWID" "$(fab_node "$1")" --json | fab_json sixplane_addr; }
fab_mac() { "$SIXPLANE" mac "$FAB_NWID" "$(fab_node "$1")" --json | fab_json mac; }
# the /80 as its first five groups, written out in full so that an interface
# identifier can be appended whatever zeros the node id holds
fab_prefix() {
	fp_p=$("$SIXPLANE" plane "$FAB_NWID" "$(fab_node "$1")" --json | fab_json sixplane_host_prefix)
	"$SIXPLANE" addr --expand "$fp_p" | cut -d: -f1-5
}

# fab_wait SECONDS COMMAND...: retry until the command succeeds
fab_wait() {
	fw_t=$1
	shift
	fw_i=0
	while [ "$fw_i" -lt "$((fw_t * 10))" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		fw_i=$((fw_i + 1))
	done
	return 1
}

fab_netns() {
	ip netns add "$1" || fab_die "ip netns add $1"
	echo "$1" >>"$FAB_DIR/namespaces"
	ip -n "$1" link set lo up
}

fab_underlay() {
	: >>"$FAB_DIR/namespaces"
	fab_netns "sp-$FAB-u"
	ip -n "sp-$FAB-u" link add br0 type bridge || fab_die "underlay bridge"
	ip -n "sp-$FAB-u" link set br0 up
}

# the config file of host I among COUNT hosts, every other host a peer
fab_config() {
	printf '[Network]\nId = %s\nNode = %s\nInterface = %s\n' \
		"$FAB_NWID" "$(fab_node "$1")" "$(fab_if "$1")"
	[ "$FAB_MODE" = wireguard ] && printf 'Transport = wireguard\n'
	printf 'Underlay = %s\n' "$(fab_ul "$1")"
	[ "$FAB_MODE" = wireguard ] && printf 'PrivateKeyFile = %s\n' "$(fab_key "$1")"
	fg_j=1
	while [ "$fg_j" -le "$2" ]; do
		if [ "$fg_j" -ne "$1" ]; then
			printf '\n[Peer]\nNode = %s\n' "$(fab_node "$fg_j")"
			[ "$FAB_MODE" = wireguard ] && printf 'PublicKey = %s\n' "$(fab_pub "$fg_j")"
			printf 'Endpoint = %s\n' "$(fab_ul "$fg_j")"
		fi
		fg_j=$((fg_j + 1))
	done
}

# fab_start I: sixplaned on host I, its log in $FAB_DIR/hI.log, its stats
# socket $FAB_DIR/hI.sock; waits until it serves
fab_start() {
	# "serving" must be this start's
	: >"$FAB_DIR/h$1.log"
	ip netns exec "sp-$FAB-h$1" "$SIXPLANED" -c "$FAB_DIR/h$1.conf" -s "$FAB_DIR/h$1.sock" \
		2>>"$FAB_DIR/h$1.log" &
	eval "FAB_D$1=\$!"
	FAB_PIDS="$FAB_PIDS $!"
	fab_wait 10 grep -q serving "$FAB_DIR/h$1.log" ||
		fab_die "sixplaned on host $1 did not start: $(tail -n 3 "$FAB_DIR/h$1.log")"
}

# The peer: the same VXLAN by hand (same MAC, addresses and MTU), with
# learning and the all-zero FDB entry to every peer, so that neighbor
# discovery is multicast, replicated to every host.
fab_plain_vxlan() {
	fv_h="sp-$FAB-h$1"
	ip -n "$fv_h" link add sp0 type vxlan id 42 local "$(fab_ul "$1")" dstport 4789 ||
		fab_die "host $1: ip link add vxlan"
	ip -n "$fv_h" link set sp0 address "$(fab_mac "$1")" || fab_die "host $1: MAC"
	if [ "${FAB_UNDERLAY:-4}" = 6 ]; then fv_mtu=1430; else fv_mtu=1450; fi
	ip -n "$fv_h" link set sp0 mtu "$fv_mtu" up
	ip -n "$fv_h" addr add "$(fab_addr "$1")/40" dev sp0 || fab_die "host $1: address"
	fv_j=1
	while [ "$fv_j" -le "$2" ]; do
		[ "$fv_j" -eq "$1" ] || bridge -n "$fv_h" fdb append 00:00:00:00:00:00 dev sp0 dst "$(fab_ul "$fv_j")" ||
			fab_die "host $1: fdb"
		fv_j=$((fv_j + 1))
	done
	ip netns exec "$fv_h" sysctl -qw net.ipv6.conf.all.forwarding=1
	# Docker's documented way to make containers reachable without a
	# routing protocol: the kernel proxies NDP for each container address
	ip netns exec "$fv_h" sysctl -qw net.ipv6.conf.sp0.proxy_ndp=1
}

# The peer of Transport = wireguard: the same engine made by hand on host I
# of COUNT as sixplaned makes it (doc/wireguard.md): the kernel's WireGuard
# where it has the module, else wireguard-go with the environment sixplaned
# gives it; the same keys, port and MTU (FAB_WG_MTU, default 1420: the
# underlay's 1500 less WireGuard's 80 over IPv6), the host address with
# /40, the host's /80 unreachable at the highest metric (the container
# bridge's route wins), and each peer's /80 as its allowed IPs.
fab_plain_wg() {
	fw_h="sp-$FAB-h$1"
	fw_if=$(fab_if "$1")
	if ! ip -n "$fw_h" link add "$fw_if" type wireguard 2>/dev/null; then
		# started as sixplaned starts it: in the foreground, with only
		# errors logged, in a session of its own (with the kernel's
		# autogroups a session is a scheduling group: in the shell's
		# session the same engine would compete for the CPUs otherwise)
		ip netns exec "$fw_h" setsid env LOG_LEVEL=error WG_PROCESS_FOREGROUND=1 \
			wireguard-go -f "$fw_if" >>"$FAB_DIR/h$1.log" 2>&1 </dev/null &
		fab_wait 10 test -S "/var/run/wireguard/$fw_if.sock" ||
			fab_die "host $1: wireguard-go did not start: $(tail -n 3 "$FAB_DIR/h$1.log")"
		# its pid by its command line (setsid forks when it must), for
		# fab_cleanup
		fw_pid=$(pgrep -x -f "wireguard-go -f $fw_if") || fab_die "host $1: no wireguard-go for $fw_if"
		FAB_PIDS="$FAB_PIDS $fw_pid"
	fi
	fab_wait 5 ip netns exec "$fw_h" wg show "$fw_if" ||
		fab_die "host $1: wg cannot reach the WireGuard device"
	fw_args="private-key $(fab_key "$1") listen-port 51820"
	fw_j=1
	while [ "$fw_j" -le "$2" ]; do
		if [ "$fw_j" -ne "$1" ]; then
			fw_ep=$(fab_ul "$fw_j")
			[ "${FAB_UNDERLAY:-4}" = 6 ] && fw_ep="[$fw_ep]"
			fw_args="$fw_args peer $(fab_pub "$fw_j") endpoint $fw_ep:51820 allowed-ips $(fab_prefix "$fw_j")::/80"
		fi
		fw_j=$((fw_j + 1))
	done
	# shellcheck disable=SC2086 # the words of the command
	ip netns exec "$fw_h" wg set "$fw_if" $fw_args || fab_die "host $1: wg set"
	ip -n "$fw_h" link set "$fw_if" mtu "${FAB_WG_MTU:-1420}" up || fab_die "host $1: MTU"
	ip -n "$fw_h" addr add "$(fab_addr "$1")/40" dev "$fw_if" nodad || fab_die "host $1: address"
	ip -n "$fw_h" -6 route add unreachable "$(fab_prefix "$1")::/80" proto static metric 2147483647 ||
		fab_die "host $1: the unreachable /80"
	ip netns exec "$fw_h" sysctl -qw net.ipv6.conf.all.forwarding=1
}

# fab_keys COUNT: the hosts' WireGuard keys, where they are not yet
fab_keys() {
	fk_i=1
	while [ "$fk_i" -le "$1" ]; do
		if [ ! -s "$(fab_key "$fk_i")" ]; then
			(umask 077 && wg genkey >"$(fab_key "$fk_i")") || fab_die "wg genkey"
		fi
		fk_i=$((fk_i + 1))
	done
}

# fab_hosts COUNT MODE: COUNT hosts in mode sixplane, vxlan, wireguard or wg
fab_hosts() {
	# shellcheck disable=SC2034 # read by the callers
	FAB_COUNT=$1
	FAB_MODE=$2
	: >"$FAB_DIR/containers"
	case $2 in wireguard | wg) fab_keys "$1" ;; esac
	fh_i=1
	while [ "$fh_i" -le "$1" ]; do
		fh_h="sp-$FAB-h$fh_i"
		fab_netns "$fh_h"
		ip link add eth0 netns "$fh_h" type veth peer name "h$fh_i" netns "sp-$FAB-u" || fab_die "veth"
		ip -n "sp-$FAB-u" link set "h$fh_i" master br0 up
		ip -n "$fh_h" link set eth0 up
		if [ "${FAB_UNDERLAY:-4}" = 6 ]; then
			ip -n "$fh_h" addr add "$(fab_ul "$fh_i")/64" dev eth0 nodad
		else
			ip -n "$fh_h" addr add "$(fab_ul "$fh_i")/24" dev eth0
		fi
		fab_config "$fh_i" "$1" >"$FAB_DIR/h$fh_i.conf"
		fh_i=$((fh_i + 1))
	done
	fh_i=1
	while [ "$fh_i" -le "$1" ]; do
		case $2 in
		sixplane | wireguard) fab_start "$fh_i" ;;
		vxlan) fab_plain_vxlan "$fh_i" "$1" ;;
		wg) fab_plain_wg "$fh_i" "$1" ;;
		*) fab_die "fab_hosts: mode $2" ;;
		esac
		fh_i=$((fh_i + 1))
	done
	# the hosts' own addresses must pass DAD (no peer may answer for them)
	fh_i=1
	while [ "$fh_i" -le "$1" ]; do
		fh_if=$(fab_if "$fh_i")
		ip -n "sp-$FAB-h$fh_i" link show "$fh_if" >/dev/null 2>&1 || fab_die "host $fh_i: no $fh_if"
		fab_wait 5 sh -c "! ip -n sp-$FAB-h$fh_i -6 addr show dev $fh_if tentative | grep -q inet6" ||
			fab_die "host $fh_i: its address is still tentative"
		ip -n "sp-$FAB-h$fh_i" -6 addr show dev "$fh_if" | grep -q dadfailed &&
			fab_die "host $fh_i: DAD failed for its own address"
		fh_i=$((fh_i + 1))
	done
}

# fab_container HOST J: a container the way Docker's bridge makes one with
# fixed-cidr-v6 = the host's /80: bridge docker0 holds the /80's ::1 (the
# gateway), the container's MAC is 02:42:ac:11:00:XX and, the /80 leaving
# 48 bits, its address is the /80 followed by that MAC. MTU as the plane
# interface's.
fab_container() {
	fc_h="sp-$FAB-h$1"
	fc_c="sp-$FAB-h$1c$2"
	fc_p=$(fab_prefix "$1")
	fc_mtu=$(ip -n "$fc_h" -o link show "$(fab_if "$1")" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
	if ! ip -n "$fc_h" link show docker0 >/dev/null 2>&1; then
		ip -n "$fc_h" link add docker0 type bridge || fab_die "host $1: docker0"
		ip -n "$fc_h" link set docker0 mtu "$fc_mtu" up
		ip -n "$fc_h" addr add "$fc_p::1/80" dev docker0 nodad
	fi
	fab_netns "$fc_c"
	ip link add "veth$2" netns "$fc_h" type veth peer name eth0 netns "$fc_c" || fab_die "veth"
	ip -n "$fc_h" link set "veth$2" master docker0 mtu "$fc_mtu" up
	fc_mac=$(printf '02:42:ac:11:00:%02x' $(($2 + 1)))
	ip -n "$fc_c" link set eth0 address "$fc_mac" mtu "$fc_mtu" up
	fc_a=$("$SIXPLANE" addr "$fc_p:0242:ac11:$(printf '%04x' $(($2 + 1)))")
	ip -n "$fc_c" addr add "$fc_a/80" dev eth0 nodad
	ip -n "$fc_c" -6 route add default via "$fc_p::1"
	[ "${FAB_MODE:-sixplane}" = vxlan ] && ip -n "$fc_h" -6 neigh add proxy "$fc_a" dev sp0
	echo "$fc_c=$fc_a" >>"$FAB_DIR/containers"
	# until its link-local address has passed DAD the container answers no NS
	fab_wait 5 sh -c "! ip -n $fc_c -6 addr show dev eth0 tentative | grep -q inet6" ||
		fab_die "container $fc_c: link-local address still tentative"
}

fab_capture() {
	# immediate mode: without it libpcap hands over packets a block at a
	# time, and the last block of a quiet capture never reaches the file
	# and a short snapshot (an NS inside VXLAN is about 146 bytes), else a
	# burst overruns the buffer; no file left from before, whose header
	# would pass for this capture's
	rm -f "$1"
	ip netns exec "sp-$FAB-u" tcpdump -i br0 -n -U --immediate-mode -B 32768 -s 256 -w "$1" \
		"${2:-udp port 4789}" 2>/dev/null &
	FAB_PIDS="$FAB_PIDS $!"
	FAB_TCPDUMP=$!
	# tcpdump writes the file header once it is capturing
	fab_wait 5 test -s "$1" || fab_die "tcpdump did not start"
}
# fab_capture_stop: stop the capture, after what is in flight has landed
fab_capture_stop() {
	sleep 0.3
	kill "$FAB_TCPDUMP" 2>/dev/null
	wait "$FAB_TCPDUMP" 2>/dev/null
	FAB_PIDS=$(echo "$FAB_PIDS" | tr ' ' '\n' | grep -vx "$FAB_TCPDUMP" | tr '\n' ' ')
	return 0
}

# "NS DAD NA" in a capture: tcpdump decodes UDP port 4789 as VXLAN and
# prints the ICMPv6 inside. DAD probes come from the unspecified address.
fab_ndp_count() {
	tcpdump -r "$1" -n 2>/dev/null | awk '
		/neighbor solicitation/ { if (/IP6 :: >/) dad++; else ns++ }
		/neighbor advertisement/ { na++ }
		END { printf "%d %d %d\n", ns, dad, na }'
}

fab_cleanup() {
	for fx_p in $FAB_PIDS; do kill "$fx_p" 2>/dev/null; done
	for fx_p in $FAB_PIDS; do
		fc_i=0
		while kill -0 "$fx_p" 2>/dev/null && [ "$fc_i" -lt 50 ]; do
			sleep 0.1
			fc_i=$((fc_i + 1))
		done
		kill -9 "$fx_p" 2>/dev/null
		wait "$fx_p" 2>/dev/null
	done
	FAB_PIDS=""
	if [ -f "$FAB_DIR/namespaces" ]; then
		while read -r fx_n; do ip netns del "$fx_n" 2>/dev/null; done <"$FAB_DIR/namespaces"
		: >"$FAB_DIR/namespaces"
	fi
}
