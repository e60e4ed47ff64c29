#!/bin/sh
# No fixed array drops an interface or a row: 300 [Proxy] interfaces (more
# than the tc programs hold, and than the old epoll and stats arrays did)
# are all answered on, all shown by `sixplane stats`, and auto says in one
# line which ones did not fit on tc.
set -u
SIXPLANED=$1
SIXPLANE=$2
NSGEN=$3
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
need_netns
COUNT=300

A="sp-manyA-$$"
B="sp-manyB-$$"
netns_add "$A"
netns_add "$B"
tmp=$(mktemp -d)
i=0
while [ $i -lt $COUNT ]; do
	echo "link add px$i netns $A type veth peer name pb$i netns $B"
	i=$((i + 1))
done >"$tmp/add"
ip -batch "$tmp/add" || die "cannot make $COUNT veth pairs"
i=0
while [ $i -lt $COUNT ]; do
	echo "link set px$i up"
	i=$((i + 1))
done >"$tmp/up"
ip -n "$A" -batch "$tmp/up" || die "link up in A"
sed 's/px/pb/' "$tmp/up" | ip -n "$B" -batch - || die "link up in B"

i=0
while [ $i -lt $COUNT ]; do
	printf '[Proxy]\nInterface = px%d\nPrefix = 2001:db8:%x::/64\n\n' $i $((i + 4096))
	i=$((i + 1))
done >"$tmp/sixplane.conf"
export SIXPLANED_STATE_DIR="$tmp/state"
ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log" &
PIDS="$PIDS $!"
wait_for 30 grep -q serving "$tmp/log" || die "sixplaned did not start: $(tail -3 "$tmp/log")"
grep -q "serving 0 network(s) and $COUNT proxy interface(s)" "$tmp/log" ||
	die "not $COUNT interfaces: $(grep serving "$tmp/log")"

# NS for the first, a middle one and the last interfaces, each answered
for i in 0 150 255 256 298 299; do
	target=$(printf '2001:db8:%x::9' $((i + 4096)))
	out=$(ip netns exec "$B" "$NSGEN" -i "pb$i" -t "$target" -n 10 --wait 500)
	case "$out" in "sent 10 answered 10 "*) ;; *) die "px$i: $out" ;; esac
done

# every interface has a row (tc-ingress where it fit, packet where not)
rows=$("$SIXPLANE" stats -s "$tmp/sock" | grep -c -E '^px[0-9]+ +(packet|tc-ingress)')
[ "$rows" -eq $COUNT ] || die "$rows stats rows, not $COUNT"
json=$("$SIXPLANE" stats --json -s "$tmp/sock" | grep -c '"interface":"px')
[ "$json" -eq $COUNT ] || die "$json JSON rows, not $COUNT"

# where the tc programs loaded, those that did not fit are said in one line
tc_rows=$("$SIXPLANE" stats -s "$tmp/sock" | grep -c -E '^px[0-9]+ +tc-ingress')
if [ "$tc_rows" -gt 0 ]; then
	[ "$(grep -c 'not tc: the tc programs hold at most' "$tmp/log")" -eq 1 ] ||
		die "not one line for the interfaces past the tc programs' capacity: $(grep -c 'not tc' "$tmp/log")"
	grep -q "$((COUNT - tc_rows)) interface(s) from px$tc_rows on netlink or packet" "$tmp/log" ||
		die "the line does not say how many and from where: $(grep 'not tc' "$tmp/log")"
else
	skip_part "the tc half: the tc programs did not load here ($(grep -m1 'tc data path' "$tmp/log"))"
fi
rm -rf "$tmp"
done_ok "$COUNT proxy interfaces answered on and shown ($tc_rows on tc)"
