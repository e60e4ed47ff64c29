#!/bin/sh
# The membership store's client against fakegw.py, a stand-in for etcd's
# gateway playing what a real etcd cannot be made to do on cue: the auth
# token declared invalid (the client authenticates again and every request
# carries the new token), a watch cancelled by compaction as it is made (a
# full range read again, the set replaced), and a watch stream cut inside
# its objects. Also: a PasswordFile others can read is refused.
# usage: store_fake_test.sh STOREPROBE
set -u

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }; done
	exit 1
}

PROBE=${1:?usage: store_fake_test.sh STOREPROBE}
if [ -z "${STORE_TEST_NS:-}" ]; then
	for t in python3 unshare ip; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t (scripts/deps.sh installs it)"
	done
	unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n needs root)"
	STORE_TEST_NS=1 exec unshare -n "$0" "$@"
fi
ip link set lo up
T=$(mktemp -d /tmp/store_fake_test.XXXXXX)
GW_PID=
PROBE_PID=
trap 'kill $PROBE_PID $GW_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
NW=8056c2e21c000001

printf 's3cret\n' >"$T/pw"
chmod 644 "$T/pw"
"$PROBE" --endpoint http://127.0.0.1:23790 --net "$NW,aaaaaaaaaa,192.0.2.1" --user host-a \
	--password-file "$T/pw" >"$T/open.out" 2>&1 && fail "a world-readable PasswordFile was taken"
grep -q "PasswordFile $T/pw is accessible to others" "$T/open.out" || fail "no reason given"
chmod 600 "$T/pw"

python3 "$(dirname "$0")/fakegw.py" 23790 "$T/gw.log" &
GW_PID=$!
i=0
until [ -f "$T/gw.log" ] || python3 -c 'import socket; socket.create_connection(("127.0.0.1", 23790))' 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "fakegw did not start"
	sleep 0.1
done
"$PROBE" --endpoint http://127.0.0.1:23790 --net "$NW,aaaaaaaaaa,192.0.2.1" --user host-a \
	--password-file "$T/pw" --lease 5 >"$T/probe.out" 2>"$T/probe.err" &
PROBE_PID=$!

i=0
until grep -q '^peers .* 2: 2222222222=192.0.2.22:4789 3333333333=192.0.2.33:4789$' "$T/probe.out"; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "the peers after the resync and the cut stream never came"
	sleep 0.1
done
grep -q 'authenticating again' "$T/probe.err" || fail "the invalid token was not logged"
grep -q 'compacted .* up to revision 15: reading it again' "$T/probe.err" || fail "no compaction logged"
# the set before the cancel, then the one read again (a move and a new node)
grep -q '^peers .* 1: 1111111111=192.0.2.11:4789$' "$T/probe.out" || fail "the first range read is missing"
grep -q '^peers .* 2: 1111111111=192.0.2.111:4789 2222222222=192.0.2.22:4789$' "$T/probe.out" ||
	fail "the resync's set is missing"
# the join: created only if absent, under the lease granted
grep '^/v3/kv/txn [0-9]* tok[0-9]* ' "$T/gw.log" | grep -q '"target": *"CREATE".*"create_revision": *"0".*"lease": *"7"' ||
	fail "the join's transaction: $(grep txn "$T/gw.log")"
# the second watch starts after the second range read's revision
grep -q '^/v3/watch 2 tok2 .*"start_revision": *"21"' "$T/gw.log" || fail "the watch's start revision"
# after the token died, no request went out with it
awk '$1 == "/v3/auth/authenticate" && $2 == 2 { late = 1 } late && $3 == "tok1" { bad = 1 } END { exit bad }' "$T/gw.log" ||
	fail "a request used the dead token"
kill -TERM $PROBE_PID
wait $PROBE_PID || fail "the probe did not exit cleanly"
PROBE_PID=
grep -q '^/v3/lease/revoke 1 tok2 .*"ID": *"7"' "$T/gw.log" || fail "no revocation of lease 7"
# the compaction is a resync, not a connection lost (only the token's was)
grep -q '^counters .*resyncs=1 reconnects=1 ' "$T/probe.out" ||
	fail "resyncs, reconnects: $(grep counters "$T/probe.out")"
grep -q '^counters watch_events=2 ' "$T/probe.out" || fail "watch events: $(grep counters "$T/probe.out")"
echo PASS
