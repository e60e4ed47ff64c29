#!/bin/sh
# The etcd lab itself (lab.sh), before any sixplaned uses it: three members
# with TLS and RBAC, reached from a host namespace over the bridge; etcd's
# v3 JSON gateway (what sixplaned speaks) answers with the client
# certificate; a host's role writes its own key and is refused any other,
# through etcdctl and through the gateway; the leader stopped, another is
# elected and writes go on; every member stopped, requests fail; all back,
# the data is there. Prints how long each step took.
# shellcheck disable=SC2015 # "A && B || fail": either failing fails
set -u
# shellcheck source=tests/etcd/lab.sh
. "$(dirname "$0")/lab.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# a tool scripts/deps.sh installs: missing, a skip, but a failure in CI
# (CI=true), where a skip would hide that the test never ran
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ "${CI:-}" = true ] && fail "needs $1 (CI=true, where scripts/deps.sh installs it)"
	skip "needs $1 (scripts/deps.sh installs it)"
}

[ "$(id -u)" -eq 0 ] || skip "needs root"
for t in ip etcd etcdctl openssl curl base64; do need "$t"; done
ip netns add "$LAB_NS-probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "$LAB_NS-probe"

step_t=$(lab_time)
# step NAME: how long since the last step
step() {
	now=$(lab_time)
	printf '  %-44s %6.2f s\n' "$1" "$(lab_elapsed "$step_t" "$now")"
	step_t=$now
}
t0=$step_t
A=89e92ceee5
B=1122334455

lab_start --tls --auth
step "3 members up, TLS, auth on"
HA=$(lab_host a 192.0.2.1)

# 1. every member healthy, each on its own address
out=$(lab_etcdctl endpoint health 2>&1) || fail "endpoint health: $out"
[ "$(echo "$out" | grep -c 'is healthy')" -eq 3 ] || fail "not 3 healthy members: $out"
lab_leader >/dev/null || fail "no member says it leads"
step "3 healthy, a leader"

# 2. RBAC through etcdctl: host A writes its own key, not B's, reads the range
lab_add_host "$A"
lab_add_host "$B"
pwa=$(cat "$LAB_DIR/host-$A.pw")
val='{"endpoint": "192.0.2.1", "port": 4789}'
out=$(lab_etcdctl_as "host-$A" "$pwa" put "$(lab_key "$A")" "$val" 2>&1) ||
	fail "host-$A refused its own key: $out"
if out=$(lab_etcdctl_as "host-$A" "$pwa" put "$(lab_key "$B")" x 2>&1); then
	fail "host-$A wrote $(lab_key "$B")"
fi
echo "$out" | grep -q "permission denied" || fail "foreign key: not 'permission denied': $out"
out=$(lab_etcdctl_as "host-$A" "$pwa" get --prefix --keys-only "$LAB_PREFIX/v1/$LAB_NWID/nodes/" \
	2>&1) || fail "host-$A cannot read the range: $out"
echo "$out" | grep -qx "$(lab_key "$A")" || fail "range without $(lab_key "$A"): $out"
if out=$(lab_etcdctl_as "host-$A" "$pwa" get --prefix / 2>&1); then
	fail "host-$A read outside the nodes/ range"
fi
# a wrong password is not a user
if lab_etcdctl_as "host-$A" "wrong" get "$(lab_key "$A")" >/dev/null 2>&1; then
	fail "a wrong password was accepted"
fi
# the lease and the transaction of a join, as host A
lease=$(lab_etcdctl_as "host-$A" "$pwa" lease grant 15 | awk '/granted/ {print $2}')
[ -n "$lease" ] || fail "host-$A cannot grant a lease"
lab_etcdctl_as "host-$A" "$pwa" put --lease="$lease" "$(lab_key "$A")" "$val" >/dev/null ||
	fail "host-$A cannot attach its key to its lease"
lab_etcdctl_as "host-$A" "$pwa" lease keep-alive --once "$lease" >/dev/null 2>&1 ||
	fail "host-$A cannot keep its lease alive"
lab_etcdctl_as "host-$A" "$pwa" lease revoke "$lease" >/dev/null || fail "revoke as host-$A"
[ -z "$(lab_etcdctl get --print-value-only "$(lab_key "$A")")" ] ||
	fail "the key outlived its revoked lease"
step "RBAC via etcdctl (own key, foreign refused)"

# 3. the JSON gateway over TLS from host A's namespace: with the client
# certificate it answers; without one the handshake is refused
ka=$(lab_b64 "$(lab_key "$A")")
kb=$(lab_b64 "$(lab_key "$B")")
vb=$(lab_b64 "$val")
tok=$(lab_gateway "$HA" 1 /v3/auth/authenticate "{\"name\":\"host-$A\",\"password\":\"$pwa\"}" |
	lab_json token) || fail "gateway: no token for host-$A"
out=$(lab_gateway "$HA" 2 /v3/kv/put "{\"key\":\"$ka\",\"value\":\"$vb\"}" "$tok") ||
	fail "gateway: put: transport error"
echo "$out" | lab_json revision >/dev/null || fail "gateway: own key refused: $out"
out=$(lab_gateway "$HA" 3 /v3/kv/range "{\"key\":\"$ka\"}" "$tok")
[ "$(echo "$out" | lab_json value | base64 -d)" = "$val" ] ||
	fail "gateway: range does not give the value back: $out"
out=$(lab_gateway "$HA" 1 /v3/kv/put "{\"key\":\"$kb\",\"value\":\"$vb\"}" "$tok")
echo "$out" | grep -q "permission denied" || fail "gateway: foreign key not refused: $out"
out=$(lab_gateway "$HA" 1 /v3/kv/put "{\"key\":\"$kb\",\"value\":\"$vb\"}")
echo "$out" | grep -q "user name is empty\|permission denied\|invalid auth token" ||
	fail "gateway: a put without a token was not refused: $out"
if ip netns exec "$HA" curl -s --max-time 3 --cacert "$LAB_DIR/ca.pem" -X POST \
	"$(lab_member_url 1)/v3/kv/range" -d "{\"key\":\"$ka\"}" >/dev/null 2>&1; then
	fail "gateway: answered without a client certificate"
fi
step "gateway over TLS from a host, RBAC"

# 4. the leader stopped: another one is elected and writes go on
old=$(lab_leader) || fail "no leader"
lab_stop_member "$old"
new=""
i=0
while [ $i -lt 50 ]; do
	new=$(lab_leader) && break
	sleep 0.2
	i=$((i + 1))
done
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new leader after member $old stopped"
lab_etcdctl put /lab/after-leader yes >/dev/null 2>&1 || fail "no write with member $old down"
step "leader $old stopped, member $new elected"
lab_start_member "$old"
lab_wait_healthy 20 || fail "member $old did not come back"
step "member $old back"

# 5. all stopped: requests fail; all back: the data is there
lab_stop_all
if lab_etcdctl get /lab/after-leader >/dev/null 2>&1; then
	fail "a read answered with every member stopped"
fi
if lab_gateway "$HA" 1 /v3/kv/range "{\"key\":\"$ka\"}" "$tok" >/dev/null; then
	fail "the gateway answered with every member stopped"
fi
step "all stopped, requests fail"
lab_start_all
lab_wait_healthy 30 || fail "the cluster did not come back"
[ "$(lab_etcdctl get --print-value-only /lab/after-leader)" = yes ] || fail "/lab/after-leader lost"
[ "$(lab_etcdctl get --print-value-only "$(lab_key "$A")")" = "$val" ] ||
	fail "$(lab_key "$A") lost"
step "all back, the data kept"

# 6. a compaction: a watch from before it is cancelled (what sixplaned must
# resync after)
rev=$(lab_revision) || fail "no revision"
lab_etcdctl put /lab/c 1 >/dev/null && lab_etcdctl put /lab/c 2 >/dev/null
lab_compact || fail "compact"
out=$(LAB_CURL_TIME=1 lab_gateway "$HA" 1 /v3/watch \
	"{\"create_request\":{\"key\":\"$(lab_b64 /lab/c)\",\"start_revision\":$rev}}" \
	"$(lab_gateway "$HA" 1 /v3/auth/authenticate \
		"{\"name\":\"root\",\"password\":\"$(cat "$LAB_DIR/root.pw")\"}" | lab_json token)")
echo "$out" | grep -q '"compact_revision"' || fail "watch from before a compaction: $out"
step "compaction cancels an old watch"

echo "ok: the etcd lab: TLS, RBAC, gateway, leader change, outage ($(lab_elapsed "$t0" "$(lab_time)") s)"
