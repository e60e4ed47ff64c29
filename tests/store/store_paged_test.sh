#!/bin/sh
# The range read in pages against fakegw.py's paged mode: 4,500 nodes read
# 1,000, then 2,000, then 4,000 at a time, every page after the first at the first one's revision
# and starting just after the previous page's last key; the peers of the
# first pages usable before the last arrives; and when etcd compacts the
# snapshot's revision between two pages, the read starts over at the
# newest revision and its result replaces the set exactly (the nodes gone
# since are gone, a moved one moved).
# usage: store_paged_test.sh STOREPROBE
set -u

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" | cut -c1-300 >&2; }; done
	exit 1
}

PROBE=${1:?usage: store_paged_test.sh STOREPROBE}
if [ -z "${STORE_TEST_NS:-}" ]; then
	for t in python3 unshare ip; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t (scripts/deps.sh installs it)"
	done
	unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n needs root)"
	STORE_TEST_NS=1 exec unshare -n "$0" "$@"
fi
ip link set lo up
T=$(mktemp -d /tmp/store_paged_test.XXXXXX)
GW_PID=
PROBE_PID=
trap 'kill $PROBE_PID $GW_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
NW=8056c2e21c000001
PORT=23791
NODES=/sixplane/v1/$NW/nodes/

printf 's3cret\n' >"$T/pw"
chmod 600 "$T/pw"
python3 "$(dirname "$0")/fakegw.py" $PORT "$T/gw.log" paged &
GW_PID=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT))" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "fakegw did not start"
	sleep 0.1
done
"$PROBE" --endpoint http://127.0.0.1:$PORT --net "$NW,aaaaaaaaaa,192.0.2.1" --user host-a \
	--password-file "$T/pw" --lease 5 >"$T/probe.out" 2>"$T/probe.err" &
PROBE_PID=$!

i=0
until grep -q "^peers $NW 4400:" "$T/probe.out"; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "the 4,400 peers of the second snapshot never came"
	sleep 0.1
done
grep -q "etcd compacted $NODES while it was read: reading it again" "$T/probe.err" ||
	fail "the compaction between pages was not logged"
# the set, exactly: nodes 1000000064.. (the first 100 gone), 777 moved
python3 - "$T/probe.out" "$NW" <<'PY' || fail "the final set is not the second snapshot"
import sys
want = []
for i in range(100, 4500):
    ip = "198.51.100.77" if i == 777 else "192.0.2.%d" % (1 + i % 250)
    want.append("%010x=%s:4789" % (0x1000000000 + i, ip))
lines = [l.split() for l in open(sys.argv[1]) if l.startswith("peers " + sys.argv[2])]
got = lines[-1][3:]
if got != want:
    print("got %d peers, first %s, want %d, first %s" % (len(got), got[:2], len(want), want[:2]))
    sys.exit(1)
PY
# the first page's peers were out before the read ended
grep -q "^peers $NW 1000:" "$T/probe.out" || fail "no set of the first page alone"
# the requests: 1,000 nodes, then twice as many each page; each later page
# at the first one's revision, from the key after the previous page's last
python3 - "$T/gw.log" "$NODES" <<'PY' || fail "the range requests are not etcd's paging"
import base64, json, sys
reqs = [json.loads(l.split(" ", 3)[3]) for l in open(sys.argv[1]) if l.startswith("/v3/kv/range ")]
nodes = sys.argv[2].encode()
def key(r):
    return base64.b64decode(r["key"])
# first read: page 1 (no revision), page 2 at 40 (compacted); then the
# second read: page 1 (no revision), pages 2 and 3 at 41
assert len(reqs) == 5, "%d range requests" % len(reqs)
assert [int(r["limit"]) for r in reqs] == [1000, 2000, 1000, 2000, 4000], reqs
for i, rev in ((0, None), (1, "40"), (2, None), (3, "41"), (4, "41")):
    assert reqs[i].get("revision") == rev, (i, reqs[i])
assert key(reqs[0]) == nodes and key(reqs[2]) == nodes
assert key(reqs[3]) == nodes + b"%010x\0" % (0x1000000000 + 100 + 999), key(reqs[3])
assert key(reqs[4]) == nodes + b"%010x\0" % (0x1000000000 + 100 + 2999), key(reqs[4])
PY
# the first watch ended after a "created" at revision 99: the next one
# starts after the read's revision all the same
i=0
until grep -q '^/v3/watch 2 ' "$T/gw.log"; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "no second watch"
	sleep 0.1
done
grep -q '^/v3/watch 1 .*"start_revision": *"42"' "$T/gw.log" || fail "the first watch's start revision"
grep -q '^/v3/watch 2 .*"start_revision": *"42"' "$T/gw.log" ||
	fail "the watch made again: $(grep '^/v3/watch 2' "$T/gw.log")"
kill -TERM $PROBE_PID
wait $PROBE_PID || fail "the probe did not exit cleanly"
PROBE_PID=
echo PASS
