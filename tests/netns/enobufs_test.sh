#!/bin/sh
# The netlink resolver survives lost notifications: with its notification
# socket made tiny on purpose, a burst of 1000 new neighbors overflows it
# (ENOBUFS), and the re-dump of INCOMPLETE entries still resolves every one.
set -u
SIXPLANED=$1
SIXPLANE=$2
NEIGHGEN=$3
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns

plane_pair nob
tmp=$(mktemp -d)
printf '[Network]\nId = %s\nNode = %s\nInterface = sp0\nSolicit = emulated-only\n' $NWID $SELF >"$tmp/conf"
ip netns exec "$A" env SIXPLANED_TEST_NOTIFY_RCVBUF=2048 "$SIXPLANED" -c "$tmp/conf" -s "$tmp/sock" 2>"$tmp/log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
wait_for 5 grep -q serving "$tmp/log" || { cat "$tmp/log"; die "sixplaned did not start"; }
out=$(ip netns exec "$A" "$NEIGHGEN" -i sp0 -p fc9c:56c2:e311:2233:4455::/80 -n 1000 -t 10000)
grep -q "ENOBUFS" "$tmp/log" || die "no notification was lost: the test proves nothing ($out)"
case "$out" in
"neighbors 1000 resolved 1000 "*) ;;
*) cat "$tmp/log"; die "after lost notifications: $out" ;;
esac
kill -TERM "$DAEMON"
wait "$DAEMON" || die "sixplaned exited non-zero"
rm -rf "$tmp"
echo "ok: $out, with notifications lost"
