#!/bin/sh
# `sixplane cni` with the real plugins: Debian's containernetworking-plugins
# (bridge and host-local, in /usr/lib/cni) run ADD, CHECK and DEL on the
# conflist it prints, for a pod namespace, as libcni would (cnirun.py).
# The bridge lives in a "host" namespace of its own, host-local's state in
# a temp dir: nothing of the machine's is touched.
#   the pod gets an address in the host's /80, a route to the /40 and a
#   default route, both through the bridge's address (the /80's ::1), which
#   answers a ping; CHECK passes, and fails once the default route is gone
#   (so it looks); DEL removes the pod's interface, its veth and the
#   address host-local had given out; --no-default-route leaves ::/0 out
#   and CHECK passes on that one too.
# Usage: cni_test.sh SIXPLANE
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"

SIXPLANE=$1
RUNNER="$(dirname "$0")/cnirun.py"
CNI_PATH=${CNI_PLUGINS:-/usr/lib/cni}
NWID=8056c2e21c000001
NODE=89e92ceee5
NET=fc9c:56c2:e300::/40
SUBNET=fc9c:56c2:e389:e92c:eee5::/80
GW=fc9c:56c2:e389:e92c:eee5::1

need_netns
need_tool /usr/bin/python3
for p in bridge host-local; do
	[ -x "$CNI_PATH/$p" ] || ci_skip "needs the CNI plugin $CNI_PATH/$p (containernetworking-plugins)"
done
echo "plugins: $(dpkg-query -W -f '${Package} ${Version}' containernetworking-plugins 2>/dev/null || echo "$CNI_PATH")"

TMP=$(mktemp -d /tmp/sp-clients-cni.XXXXXX) || die "mktemp"
HOST=sp-clients-h$$
POD=sp-clients-p$$
POD2=sp-clients-q$$
BR=spcl$$
# shellcheck disable=SC2317 # called by the trap
clients_cleanup() {
	cleanup
	rm -rf "$TMP"
}
trap clients_cleanup EXIT
trap "exit 1" INT TERM
netns_add "$HOST"
netns_add "$POD"
netns_add "$POD2"

# conflist FILE OPTIONS...: what sixplane cni prints, host-local's state
# moved to the temp dir
conflist() {
	_f=$1
	shift
	"$SIXPLANE" cni -n $NWID -N $NODE --bridge "$BR" "$@" >"$_f.orig" || die "sixplane cni $* failed"
	/usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
for p in c["plugins"]:
    if p.get("ipam", {}).get("type") == "host-local":
        p["ipam"]["dataDir"] = sys.argv[2]
json.dump(c, open(sys.argv[3], "w"), indent=2)' "$_f.orig" "$TMP/ipam" "$_f" || die "cannot edit $_f"
}
# cni COMMAND POD CONFLIST: run the list for the pod, the plugins (and so
# the bridge) in the host namespace
cni() {
	ip netns exec "$HOST" env CNI_CONTAINERID="sp-clients-$2" CNI_NETNS="/var/run/netns/$2" \
		CNI_IFNAME=eth0 CNI_PATH="$CNI_PATH" /usr/bin/python3 "$RUNNER" "$1" "$3" "$TMP/result-$2"
}

conflist "$TMP/default.conflist"
conflist "$TMP/nodefault.conflist" --no-default-route

# ---- ADD --------------------------------------------------------------
cni ADD "$POD" "$TMP/default.conflist" >"$TMP/add.json" || die "ADD failed"
ADDR=$(/usr/bin/python3 -c '
import ipaddress, json, sys
r = json.load(open(sys.argv[1]))
ips = [i for i in r["ips"] if ":" in i["address"]]
a = ipaddress.ip_interface(ips[0]["address"])
if a.network != ipaddress.ip_network(sys.argv[2]):
    sys.exit("the pod got %s, not an address of %s" % (a, sys.argv[2]))
if ipaddress.ip_address(ips[0]["gateway"]) != ipaddress.ip_address(sys.argv[3]):
    sys.exit("gateway %s, want %s" % (ips[0]["gateway"], sys.argv[3]))
print(a.ip)' "$TMP/add.json" "$SUBNET" "$GW") || die "ADD result: $ADDR ($(cat "$TMP/add.json"))"
echo "pod address: $ADDR"

ip -n "$POD" -6 -o addr show dev eth0 scope global | grep -q "inet6 $ADDR/80 " ||
	die "the pod's eth0 has no $ADDR/80: $(ip -n "$POD" -6 -o addr show dev eth0)"
ROUTES=$(ip -n "$POD" -6 route show)
echo "$ROUTES" | grep -q "^$NET via $GW dev eth0" || die "no route to $NET via $GW in the pod: $ROUTES"
echo "$ROUTES" | grep -q "^default via $GW dev eth0" || die "no default route via $GW in the pod: $ROUTES"
ip -n "$HOST" -6 -o addr show dev "$BR" | grep -q "inet6 $GW/80 " ||
	die "the bridge $BR has no $GW/80: $(ip -n "$HOST" -6 -o addr show dev "$BR" 2>&1)"
# the gateway answers (its address may still be in DAD for a moment)
wait_for 5 ip netns exec "$POD" ping -6 -c1 -W1 -n "$GW" >/dev/null ||
	die "the pod cannot reach its gateway $GW"

# ---- CHECK ------------------------------------------------------------
cni CHECK "$POD" "$TMP/default.conflist" || die "CHECK failed on the conflist of sixplane cni"
# CHECK looks at the routes: without the default route it must fail
ip -n "$POD" -6 route del default via "$GW" dev eth0 || die "cannot remove the pod's default route"
if cni CHECK "$POD" "$TMP/default.conflist" 2>"$TMP/check.err"; then
	die "CHECK passed with the pod's default route removed: it checks nothing"
fi
echo "CHECK without the default route fails, as it should: $(head -c 200 "$TMP/check.err")"
ip -n "$POD" -6 route add default via "$GW" dev eth0 || die "cannot put the default route back"
cni CHECK "$POD" "$TMP/default.conflist" || die "CHECK failed with the default route back"

# ---- --no-default-route: a second pod on the same bridge ---------------
cni ADD "$POD2" "$TMP/nodefault.conflist" >"$TMP/add2.json" || die "ADD (--no-default-route) failed"
ROUTES=$(ip -n "$POD2" -6 route show)
echo "$ROUTES" | grep -q "^$NET via $GW dev eth0" || die "--no-default-route: no route to $NET: $ROUTES"
echo "$ROUTES" | grep -q "^default" && die "--no-default-route: the pod has a default route: $ROUTES"
cni CHECK "$POD2" "$TMP/nodefault.conflist" || die "CHECK failed on the --no-default-route conflist"

# ---- DEL --------------------------------------------------------------
[ -e "$TMP/ipam/sixplane/$ADDR" ] || die "host-local has no record of $ADDR: $(ls -R "$TMP/ipam")"
for pod in "$POD" "$POD2"; do
	conf="$TMP/default.conflist"
	[ "$pod" = "$POD2" ] && conf="$TMP/nodefault.conflist"
	cni DEL "$pod" "$conf" || die "DEL failed for $pod"
	ip -n "$pod" link show eth0 >/dev/null 2>&1 && die "DEL left eth0 in $pod"
done
[ -e "$TMP/ipam/sixplane/$ADDR" ] && die "DEL left host-local's record of $ADDR"
VETHS=$(ip -n "$HOST" -o link show master "$BR" 2>/dev/null)
[ -z "$VETHS" ] || die "DEL left ports on $BR: $VETHS"
done_ok "bridge and host-local: ADD gave $ADDR in $SUBNET with routes via $GW, CHECK passed (and failed without the default route), DEL removed it"
