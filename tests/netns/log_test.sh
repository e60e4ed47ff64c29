#!/bin/sh
# sixplaned's log lines: on a terminal a timestamp and the priority in
# words, for a person; to a file or pipe (journald's stream among them) the
# syslog prefix "<N>" journald reads as the priority.
set -u
SIXPLANED=$1
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
need_netns
need_tool script

A="sp-logA-$$"
netns_add "$A"
ip -n "$A" link add px0 type veth peer name px0b || die "veth"
ip -n "$A" link set px0 up
tmp=$(mktemp -d)
export SIXPLANED_STATE_DIR="$tmp/state"
printf '[Proxy]\nInterface = px0\nPrefix = 2001:db8::/64\nDataplane = packet\n' >"$tmp/sixplane.conf"

# a terminal: script(1) gives the daemon a pseudo-terminal for stderr
script -qfec "ip netns exec $A $SIXPLANED -c $tmp/sixplane.conf -s $tmp/sock" /dev/null \
	>"$tmp/tty" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 grep -q serving "$tmp/tty" || die "no start on a terminal: $(cat "$tmp/tty")"
pid=$(pgrep -f "^$SIXPLANED -c $tmp/sixplane.conf" | head -1)
[ -n "$pid" ] || die "no sixplaned process"
kill -TERM "$pid"
wait_for 10 grep -q "undoing what was changed" "$tmp/tty" || die "no exit line: $(cat "$tmp/tty")"
tr -d '\r' <"$tmp/tty" | grep -v '^$' >"$tmp/tty.txt"
grep -q -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} notice: serving 0 network\(s\) and 1 proxy' "$tmp/tty.txt" ||
	die "not a timestamp and a priority word on a terminal: $(cat "$tmp/tty.txt")"
grep -q '^<' "$tmp/tty.txt" && die "a <N> prefix on a terminal: $(cat "$tmp/tty.txt")"

# a file: the syslog prefix, no timestamp (journald adds its own)
ip netns exec "$A" "$SIXPLANED" -c "$tmp/sixplane.conf" -s "$tmp/sock" 2>"$tmp/log" &
pid=$!
PIDS="$PIDS $pid"
wait_for 10 grep -q serving "$tmp/log" || die "no start: $(cat "$tmp/log")"
kill -TERM "$pid"
wait "$pid" || die "sixplaned exited non-zero: $(cat "$tmp/log")"
grep -q '^<5>serving 0 network(s) and 1 proxy' "$tmp/log" ||
	die "no <5> prefix in a file: $(cat "$tmp/log")"
grep -q -E '^[0-9]{4}-' "$tmp/log" && die "a timestamp in a file: $(cat "$tmp/log")"
rm -rf "$tmp"
done_ok "log lines: timestamps and words on a terminal, <N> prefixes elsewhere"
