#!/bin/sh
# make tour: a worked example with the
# calculator. One network, three hosts, their /80s, Docker and CNI config for
# one of them, and decodes. Every value is computed by the sixplane binary
# given as $1; the checks at the end make the tour fail loudly if anything
# disagrees with the worked example of doc/addressing.md.
set -eu

SP=${1:-build/sixplane}
NWID=8056c2e21c000001
HOSTS="89e92ceee5 1122334455 a0b1c2d3e4"
status=0

if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B='' N=''; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
run() { printf '$ sixplane %s\n' "$*"; "$SP" "$@"; }

say "One network: $NWID. Three hosts, each a ZeroTier-style node id."
printf 'Nothing is allocated: every address below is a function of (network id, node id).\n'

say "Host 1 in full"
run plane "$NWID" 89e92ceee5

say "All three hosts at once (bulk mode: node ids on stdin, one TSV line each)"
printf '$ printf "%%s\\n" %s | sixplane plane %s -\n' "$HOSTS" "$NWID"
# shellcheck disable=SC2086 # one node id per word
printf '%s\n' $HOSTS | "$SP" plane "$NWID" - | cut -f2,4,5,8 |
	awk -F'\t' 'BEGIN { printf "%-12s %-34s %-32s %s\n", "node", "host /80 (for its containers)", "host address", "MAC" }
	            { printf "%-12s %-34s %-32s %s\n", $1, $2, $3, $4 }'

say "Docker on host 1: daemon.json keys for its /80"
run docker --network "$NWID" --node 89e92ceee5

say "Kubernetes/CNI on host 2: a bridge + host-local conflist for its /80"
run cni --network "$NWID" --node 1122334455

say "A container on host 1 got an address from the /80. Whose is it?"
run decode fc9c:56c2:e389:e92c:eee5:242:ac11:2 --network "$NWID"

say "The MAC every host answers Neighbor Solicitations with, and back"
run mac "$NWID" a0b1c2d3e4
mac=$("$SP" mac "$NWID" a0b1c2d3e4 --json | sed 's/.*"mac":"\([^"]*\)".*/\1/')
run node "$NWID" "$mac"

say "A SmartOS/KVM guest NIC: its EUI-64 SLAAC address in a /64 (for allowed_ips)"
run slaac 72:9c:d5:34:47:59 2001:db8:1::/64

say "Canonical text (RFC 5952) of untidy input"
run addr 2001:0DB8:0000:0000:0000:0000:0000:0001 0:0:0:0:0:ffff:c000:0201 fe80:0:0:0:1:0:0:1

say "Checks against the worked example of doc/addressing.md"
check() {
	if [ "$2" = "$3" ]; then
		printf '  ok    %s = %s\n' "$1" "$2"
	else
		printf '  FAIL  %s: got %s, expected %s\n' "$1" "$2" "$3"
		status=1
	fi
}
row=$(printf '89e92ceee5\n' | "$SP" plane "$NWID" -)
check "/40" "$(echo "$row" | cut -f3)" "fc9c:56c2:e300::/40"
check "/80" "$(echo "$row" | cut -f4)" "fc9c:56c2:e389:e92c:eee5::/80"
check "host address" "$(echo "$row" | cut -f5)" "fc9c:56c2:e389:e92c:eee5::1"
check "RFC4193 address" "$(echo "$row" | cut -f6)" "fd80:56c2:e21c:0:199:9389:e92c:eee5"
check "MAC" "$(echo "$row" | cut -f8)" "02:89:e9:30:0c:27"
check "SLAAC" "$(printf '72:9c:d5:34:47:59\n' | "$SP" slaac - 2001:db8:1::/64 | cut -f3)" \
	"2001:db8:1:0:709c:d5ff:fe34:4759"
if [ $status -eq 0 ]; then say "Tour complete: every check passed."; else say "Tour FAILED"; fi
exit $status
