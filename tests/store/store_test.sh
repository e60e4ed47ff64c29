#!/bin/sh
# The membership store's client (daemon/store*.c) against a real
# single-member etcd started here, in a network namespace of the test's own
# (unshare -n: 127.0.0.1 and its ports are the test's alone). storeprobe
# drives the client and prints each peer-set and state change; etcdctl
# checks the store's side:
#   join creates the key under a lease; a second host with the same node
#   and another endpoint is refused, the key unchanged; puts and deletes of
#   other nodes come and go (values refused and other families ignored);
#   etcd killed keeps the peers, and back it resyncs; a lease revoked behind its back is
#   joined again; SIGTERM revokes (the key gone at once); kill -9 leaves the
#   key to its lease; the same endpoint after kill -9 takes its key over; a
#   reload keeps, withdraws and adds networks under the same lease; TLS
#   with a CA made here (a server of another CA and a client without a
#   certificate never connect); RBAC refusing a foreign key, with the key.
# (A watch cancelled by compaction: store_fake_test.sh, as a real etcd
# cancels only a watch made from a compacted revision, which the client
# never asks for but in a race.)
# usage: store_test.sh STOREPROBE
set -u

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	[ -n "${T:-}" ] && for f in "$T"/*.out "$T"/*.err; do
		[ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" | cut -c1-300 >&2; }
	done
	exit 1
}

PROBE=${1:?usage: store_test.sh STOREPROBE}
if [ -z "${STORE_TEST_NS:-}" ]; then
	for t in etcd etcdctl unshare ip python3; do
		command -v "$t" >/dev/null 2>&1 || skip "needs $t (scripts/deps.sh installs it)"
	done
	unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n needs root)"
	STORE_TEST_NS=1 exec unshare -n "$0" "$@"
fi

ip link set lo up
T=$(mktemp -d /tmp/store_test.XXXXXX)
CURL=http://127.0.0.1:23790
NW=8056c2e21c000001
P=/sixplane/v1/$NW/nodes
ETCD_PID=
PIDS=
cleanup() {
	for p in $PIDS $ETCD_PID; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# start_etcd [TLS flags]: the member on $CURL
start_etcd() {
	etcd --name s1 --data-dir "$T/etcd" --listen-client-urls $CURL \
		--advertise-client-urls $CURL --listen-peer-urls http://127.0.0.1:23800 \
		--initial-advertise-peer-urls http://127.0.0.1:23800 \
		--initial-cluster s1=http://127.0.0.1:23800 "$@" >>"$T/etcd.err" 2>&1 &
	ETCD_PID=$!
	i=0
	until ctl endpoint health >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "etcd did not start"
		sleep 0.1
	done
}
CTL_TLS=
CTL_USER=
# shellcheck disable=SC2086
ctl() { ETCDCTL_API=3 etcdctl --endpoints $CURL --command-timeout=2s $CTL_TLS $CTL_USER "$@"; }
# value KEY: its value, "" when absent
value() { ctl get --print-value-only "$1"; }
lease_of() { ctl get -w json "$1" | sed -n 's/.*"lease":\([0-9]*\).*/\1/p'; }

# wait_for FILE PATTERN SECONDS: a line of FILE matches (grep -E)
wait_for() {
	i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $(($3 * 10)) ] || fail "no line '$2' in $1 within $3 s"
		sleep 0.1
	done
}
# last_peers FILE: the last "peers" line of FILE
last_peers() { grep '^peers ' "$1" | tail -n 1; }
wait_peers() {
	i=0
	until [ "$(last_peers "$1")" = "$2" ]; do
		i=$((i + 1))
		[ $i -lt $(($3 * 10)) ] || fail "peers of $1: '$(last_peers "$1")', not '$2' within $3 s"
		sleep 0.1
	done
}
# probe NAME NODE UNDERLAY: a host in the background, its output in $T/NAME.*
probe() {
	"$PROBE" --endpoint $CURL --lease 5 --net "$NW,$2,$3" >"$T/$1.out" 2>"$T/$1.err" &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
}
val() { printf '{"endpoint": "%s", "port": %s}' "$1" "${2:-4789}"; }

start_etcd
ctl put "$P/1111111111" "$(val 192.0.2.11)" >/dev/null || fail "etcdctl put"

echo "join: the key created under a lease, the existing peer read"
probe a aaaaaaaaaa 192.0.2.1
wait_for "$T/a.out" '"state":"joined"' 10
[ "$(value $P/aaaaaaaaaa)" = "$(val 192.0.2.1)" ] || fail "our key: '$(value $P/aaaaaaaaaa)'"
LEASE=$(lease_of $P/aaaaaaaaaa)
[ -n "$LEASE" ] && [ "$LEASE" != 0 ] || fail "our key has no lease"
wait_peers "$T/a.out" "peers $NW 1: 1111111111=192.0.2.11:4789" 5

echo "collision: the same node from another endpoint is refused"
probe b aaaaaaaaaa 192.0.2.9
wait_for "$T/b.out" '"state":"refused"' 10
grep -q "node aaaaaaaaaa of network $NW is registered from 192.0.2.1, not this host's 192.0.2.9: refusing to take it over" "$T/b.err" ||
	fail "no refusal naming both endpoints"
[ "$(value $P/aaaaaaaaaa)" = "$(val 192.0.2.1)" ] || fail "the key changed: '$(value $P/aaaaaaaaaa)'"
[ "$(lease_of $P/aaaaaaaaaa)" = "$LEASE" ] || fail "the key's lease changed"
kill -TERM "$PID_b"
wait "$PID_b" || fail "probe b did not exit cleanly"
sleep 0.5
[ "$(value $P/aaaaaaaaaa)" = "$(val 192.0.2.1)" ] || fail "b's leaving took a's key"

echo "follow: puts and deletes of other nodes, hostile values ignored"
ctl put "$P/2222222222" "$(val 192.0.2.22 4790)" >/dev/null
wait_peers "$T/a.out" "peers $NW 2: 1111111111=192.0.2.11:4789 2222222222=192.0.2.22:4790" 5
ctl put "$P/1111111111" "$(val 192.0.2.111)" >/dev/null
wait_peers "$T/a.out" "peers $NW 2: 1111111111=192.0.2.111:4789 2222222222=192.0.2.22:4790" 5
ctl put "$P/3333333333" "$(val 2001:db8::3)" >/dev/null
ctl put "$P/4444444444" 'garbage' >/dev/null
ctl put "$P/not-a-node" "$(val 192.0.2.5)" >/dev/null
ctl del "$P/2222222222" >/dev/null
wait_peers "$T/a.out" "peers $NW 1: 1111111111=192.0.2.111:4789" 5
ctl del "$P/3333333333" "$P/4444444444" >/dev/null
ctl del "$P/4444444444" >/dev/null

echo "a large network: 2,600 nodes read in pages by a new host, followed by the others"
# put by the gateway, 100 per transaction (etcdctl would take a process each)
python3 - "$CURL" "$P" <<'PY' || fail "could not put 2,600 nodes"
import base64, json, sys, urllib.request
url, p = sys.argv[1], sys.argv[2]
b = lambda s: base64.b64encode(s.encode()).decode()
for first in range(0, 2600, 100):
    ops = [{"request_put": {"key": b("%s/%010x" % (p, 0xb000000000 + i)),
                            "value": b('{"endpoint": "198.51.100.%d", "port": 4789}' % (1 + i % 200))}}
           for i in range(first, first + 100)]
    urllib.request.urlopen(url + "/v3/kv/txn", json.dumps({"success": ops}).encode(), timeout=10).read()
PY
probe c cccccccccc 192.0.2.3
# 1111111111, a's key and the 2,600 (c is not its own peer)
wait_for "$T/c.out" "^peers $NW 2602: 1111111111=192.0.2.111:4789 aaaaaaaaaa=192.0.2.1:4789 b000000000=198.51.100.1:4789 " 15
last_peers "$T/c.out" | grep -q " b000000a27=198.51.100.200:4789$" || fail "c's last peer: $(last_peers "$T/c.out" | tail -c 80)"
# the first page (1,000 keys) was usable before the rest was read
grep -q "^peers $NW 1000: " "$T/c.out" || fail "c had no set of the first page alone: $(grep -o '^peers [0-9a-f]* [0-9]*' "$T/c.out")"
# a, watching, has them too (and c); their removal reaches both
wait_for "$T/a.out" "^peers $NW 2602: " 10
ctl del --prefix "$P/b" >/dev/null
wait_peers "$T/c.out" "peers $NW 2: 1111111111=192.0.2.111:4789 aaaaaaaaaa=192.0.2.1:4789" 10
wait_peers "$T/a.out" "peers $NW 2: 1111111111=192.0.2.111:4789 cccccccccc=192.0.2.3:4789" 10
kill -TERM "$PID_c"
wait "$PID_c" || fail "probe c did not exit cleanly"
wait_peers "$T/a.out" "peers $NW 1: 1111111111=192.0.2.111:4789" 5

echo "etcd killed: the peers kept; back, a resync and the lease kept alive"
kill -9 "$ETCD_PID"
wait "$ETCD_PID" 2>/dev/null
wait_for "$T/a.out" '"connected":false' 10
sleep 2
grep '^peers ' "$T/a.out" | tail -n 1 | grep -q "1111111111=192.0.2.111" || fail "peers lost with the store"
start_etcd
i=0
until [ "$(grep -c 'connected, lease' "$T/a.err")" -ge 2 ]; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "no reconnection within 40 s (the backoff is at most 30 s)"
	sleep 0.1
done
ctl put "$P/5555555555" "$(val 192.0.2.55)" >/dev/null
wait_peers "$T/a.out" "peers $NW 2: 1111111111=192.0.2.111:4789 5555555555=192.0.2.55:4789" 15
[ "$(value $P/aaaaaaaaaa)" = "$(val 192.0.2.1)" ] || fail "our key is gone after the restart"

echo "lease lost while away: joined again (the key's deletion seen, the lease checked at once)"
old_lease=$(lease_of $P/aaaaaaaaaa)
ctl lease revoke "$(printf '%x' "$old_lease")" >/dev/null || fail "etcdctl lease revoke"
wait_for "$T/a.err" "$P/aaaaaaaaaa was deleted: registering again" 5
# well before the keepalive's period (5/3 s): the deletion made it ask
wait_for "$T/a.err" 'expired: joining again' 1
i=0
until [ "$(value $P/aaaaaaaaaa)" = "$(val 192.0.2.1)" ] && [ "$(lease_of $P/aaaaaaaaaa)" != "$old_lease" ]; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "not joined again under a new lease after the lease was revoked"
	sleep 0.1
done

echo "own key deleted by hand, the lease alive: registered again under the same lease"
cur_lease=$(lease_of $P/aaaaaaaaaa)
ctl del "$P/aaaaaaaaaa" >/dev/null || fail "etcdctl del"
i=0
until [ "$(value $P/aaaaaaaaaa)" = "$(val 192.0.2.1)" ]; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "not registered again after its key was deleted"
	sleep 0.1
done
[ "$(lease_of $P/aaaaaaaaaa)" = "$cur_lease" ] || fail "a new lease for a deleted key"
[ "$(grep -c 'expired: joining again' "$T/a.err")" = 1 ] || fail "the live lease was taken for expired"

echo "SIGTERM: the lease revoked, the key gone at once (a dead endpoint listed first)"
"$PROBE" --endpoint http://127.0.0.1:9 --endpoint $CURL --lease 5 --net "$NW,cccccccccc,192.0.2.3" \
	>"$T/c.out" 2>"$T/c.err" &
PID_c=$!
PIDS="$PIDS $!"
wait_for "$T/c.out" '"state":"joined"' 10
wait_peers "$T/a.out" "peers $NW 3: 1111111111=192.0.2.111:4789 5555555555=192.0.2.55:4789 cccccccccc=192.0.2.3:4789" 5
kill -TERM "$PID_c"
wait "$PID_c" || fail "probe c did not exit cleanly"
[ -z "$(value $P/cccccccccc)" ] || fail "c's key outlived its SIGTERM"
wait_peers "$T/a.out" "peers $NW 2: 1111111111=192.0.2.111:4789 5555555555=192.0.2.55:4789" 2

echo "kill -9: the key lives until its lease ends (5 s)"
probe d dddddddddd 192.0.2.4
wait_for "$T/d.out" '"state":"joined"' 10
kill -9 "$PID_d"
wait "$PID_d" 2>/dev/null
t0=$(date +%s%N)
sleep 1
[ -n "$(value $P/dddddddddd)" ] || fail "d's key went at once after kill -9"
until [ -z "$(value $P/dddddddddd)" ]; do
	[ $(($(date +%s%N) - t0)) -lt 10000000000 ] || fail "d's key outlived its lease by far"
	sleep 0.1
done
wait_peers "$T/a.out" "peers $NW 2: 1111111111=192.0.2.111:4789 5555555555=192.0.2.55:4789" 2
echo "  gone $((($(date +%s%N) - t0) / 1000000)) ms after the kill"

echo "the same endpoint again after kill -9: our earlier run, taken over"
probe e eeeeeeeeee 192.0.2.5
wait_for "$T/e.out" '"state":"joined"' 10
L1=$(lease_of $P/eeeeeeeeee)
kill -9 "$PID_e"
probe e eeeeeeeeee 192.0.2.5
wait_for "$T/e.out" '"state":"joined"' 10
L2=$(lease_of $P/eeeeeeeeee)
[ "$L1" != "$L2" ] || fail "the key is still under the dead run's lease"
kill -TERM "$PID_e"
wait "$PID_e"

echo "reload: a network kept (same lease), one withdrawn, one added, one moved"
NW2=8056c2e21c000002
NW3=8056c2e21c000003
NW4=8056c2e21c000004
# a peer in the network that moves: it must stay through the move
ctl put "/sixplane/v1/$NW4/nodes/4444444444" "$(val 192.0.2.44)" >/dev/null
"$PROBE" --endpoint $CURL --lease 5 --net "$NW,ffffffffff,192.0.2.6" --net "$NW3,ffffffffff,192.0.2.6" \
	--net "$NW4,ffffffffff,192.0.2.6" \
	--reload-net "$NW,ffffffffff,192.0.2.6" --reload-net "$NW2,ffffffffff,192.0.2.6" \
	--reload-net "$NW4,ffffffffff,192.0.2.7" >"$T/f.out" 2>"$T/f.err" &
PID_f=$!
PIDS="$PIDS $!"
wait_for "$T/f.out" "status $NW3 .*\"state\":\"joined\"" 10
wait_for "$T/f.out" "status $NW .*\"state\":\"joined\"" 10
LF=$(lease_of $P/ffffffffff)
[ -n "$(value /sixplane/v1/$NW3/nodes/ffffffffff)" ] || fail "f's second network is not registered"
kill -HUP "$PID_f"
wait_for "$T/f.out" "status $NW2 .*\"state\":\"joined\"" 10
[ "$(lease_of /sixplane/v1/$NW2/nodes/ffffffffff)" = "$LF" ] || fail "the added network is under another lease"
[ "$(lease_of $P/ffffffffff)" = "$LF" ] || fail "the kept network's key changed its lease"
i=0
until [ -z "$(value /sixplane/v1/$NW3/nodes/ffffffffff)" ]; do
	i=$((i + 1))
	[ $i -lt 30 ] || fail "the withdrawn network's key is still there"
	sleep 0.1
done
wait_for "$T/f.out" "status $NW4 .*\"state\":\"joined\"" 10
[ "$(value /sixplane/v1/$NW4/nodes/ffffffffff)" = "$(val 192.0.2.7)" ] || fail "the moved network's key"
grep -q refusing "$T/f.err" && fail "the move was refused as a collision"
grep -q "^peers $NW4 1: 4444444444=192.0.2.44:4789" "$T/f.out" || fail "the moved network never had its peer"
sed -n "/^peers $NW4 1: /,\$p" "$T/f.out" | grep -q "^peers $NW4 0:" &&
	fail "the moved network's peer went away during the move"
ctl del "/sixplane/v1/$NW4/nodes/4444444444" >/dev/null
kill -TERM "$PID_f"
wait "$PID_f" || fail "probe f did not exit cleanly"
[ -z "$(value $P/ffffffffff)$(value /sixplane/v1/$NW2/nodes/ffffffffff)" ] || fail "f's keys outlived it"

kill -TERM "$PID_a"
wait "$PID_a" || fail "probe a did not exit cleanly"
grep -q '^counters .*refused=[1-9]' "$T/a.out" || fail "no refused values counted: $(grep counters "$T/a.out")"
grep -q '^counters .*reconnects=[1-9]' "$T/a.out" || fail "no reconnect counted"
# the first, after the lease was revoked, after its key was deleted
grep -q '^counters .*joins=3' "$T/a.out" || fail "not three joins: $(grep counters "$T/a.out")"
[ "$(grep -c 'expired: joining again' "$T/a.err")" -eq 1 ] || fail "the lease was lost more than once"

command -v openssl >/dev/null 2>&1 || skip "needs openssl for the TLS cases (scripts/deps.sh installs it)"
echo "TLS: a CA made here, the member requiring client certificates"
cd "$T" || fail "cd $T"
cat >ext.cnf <<-EOT
	[srv]
	subjectAltName = IP:127.0.0.1
	# clientAuth too: etcd's gateway dials the member's gRPC with it
	extendedKeyUsage = serverAuth, clientAuth
	[cli]
	extendedKeyUsage = clientAuth
EOT
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=store-test-ca 2>/dev/null &&
	for who in srv cli; do
		openssl req -newkey rsa:2048 -nodes -keyout $who-key.pem -out $who.csr -subj /CN=$who 2>/dev/null &&
			openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
				-extfile ext.cnf -extensions $who -out $who.pem 2>/dev/null || exit 1
	done || fail "openssl could not make the certificates"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-key.pem -out other.pem -days 2 -subj /CN=other 2>/dev/null
cd - >/dev/null || exit 1
kill "$ETCD_PID"
wait "$ETCD_PID" 2>/dev/null
CURL=https://127.0.0.1:23790
CTL_TLS="--cacert $T/ca.pem --cert $T/cli.pem --key $T/cli-key.pem"
start_etcd --cert-file "$T/srv.pem" --key-file "$T/srv-key.pem" --client-cert-auth \
	--trusted-ca-file "$T/ca.pem"
"$PROBE" --endpoint $CURL --lease 5 --net "$NW,1212121212,192.0.2.12" --ca "$T/ca.pem" \
	--cert "$T/cli.pem" --key "$T/cli-key.pem" >"$T/g.out" 2>"$T/g.err" &
PID_g=$!
PIDS="$PIDS $!"
wait_for "$T/g.out" '"state":"joined"' 10
[ "$(value $P/1212121212)" = "$(val 192.0.2.12)" ] || fail "no key over TLS"
# a server the CA did not sign, and a client without a certificate: never connected
"$PROBE" --endpoint $CURL --lease 5 --net "$NW,1313131313,192.0.2.13" --ca "$T/other.pem" \
	--cert "$T/cli.pem" --key "$T/cli-key.pem" >"$T/h.out" 2>"$T/h.err" &
PID_h=$!
"$PROBE" --endpoint $CURL --lease 5 --net "$NW,1414141414,192.0.2.14" --ca "$T/ca.pem" \
	>"$T/i.out" 2>"$T/i.err" &
PID_i=$!
PIDS="$PIDS $PID_h $PID_i"
sleep 3
grep -q '"connected":true' "$T/h.out" && fail "connected to a server of another CA"
grep -q '"connected":true' "$T/i.out" && fail "connected without a client certificate"
kill -TERM "$PID_h" "$PID_i"
wait "$PID_h" "$PID_i"

echo "RBAC: a host's role writes its own key only; a foreign key is refused with the key"
# etcd 3.4's gateway answers 400 ("CommonName of client sending a request
# against gateway will be ignored") to any request with a client
# certificate once auth is on: per-host users there are password users,
# over TLS without client certificates.
kill "$ETCD_PID"
wait "$ETCD_PID" 2>/dev/null
CTL_TLS="--cacert $T/ca.pem"
start_etcd --cert-file "$T/srv.pem" --key-file "$T/srv-key.pem"
ctl user add root:rootpw >/dev/null &&
	ctl role add host-1515151515 >/dev/null &&
	ctl role grant-permission host-1515151515 readwrite $P/1515151515 >/dev/null &&
	ctl role grant-permission host-1515151515 read --prefix $P/ >/dev/null &&
	ctl user add host-1515151515:pw1515 >/dev/null &&
	ctl user grant-role host-1515151515 host-1515151515 >/dev/null &&
	ctl auth enable >/dev/null || fail "etcdctl could not set up RBAC"
CTL_USER="--user root:rootpw"
printf 'pw1515\n' >"$T/pw"
chmod 600 "$T/pw"
for node in 1515151515 1616161616; do
	"$PROBE" --endpoint $CURL --lease 5 --net "$NW,$node,192.0.2.15" --ca "$T/ca.pem" \
		--user host-1515151515 --password-file "$T/pw" >"$T/$node.out" 2>"$T/$node.err" &
	PIDS="$PIDS $!"
done
wait_for "$T/1515151515.out" '"state":"joined"' 10
wait_for "$T/1616161616.out" '"state":"permission denied"' 10
grep -q "etcd refused writing $P/1616161616: permission denied" "$T/1616161616.err" ||
	fail "the refusal does not name the key"
[ -z "$(value $P/1616161616)" ] || fail "a foreign key was written"
[ "$(value $P/1515151515)" = "$(val 192.0.2.15)" ] || fail "the host's own key is missing"
# it reads the network: the TLS host's key is its peer
wait_for "$T/1515151515.out" "1212121212=192.0.2.12:4789" 5
echo "PASS"
