#!/bin/sh
# `sixplane docker --merge` read by the real dockerd (docker.io): a
# daemon.json with other keys is merged, dockerd is started on it in a
# network namespace, and `docker network inspect bridge` must show IPv6 on
# with this host's /80 as the bridge's IPv6 subnet, and docker0 must hold
# the /80's ::1. No image, no container.
#
# dockerd touches nothing of the machine's: its own --data-root,
# --exec-root, --pidfile and -H unix socket in a temp dir, iptables off,
# the vfs storage driver (no overlay mounts), and a private mount namespace
# in which /etc/docker (where 20.10 writes key.json) is a temp dir and /sys
# is the namespace's own, with the cgroup hierarchies bound back in (which
# `ip netns exec` would hide: "Devices cgroup isn't mounted"). It starts
# its own containerd (state in the exec root); both are stopped by pid.
# Usage: docker_test.sh SIXPLANE
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"

SIXPLANE=$1
NWID=8056c2e21c000001
NODE=89e92ceee5
SUBNET=fc9c:56c2:e389:e92c:eee5::/80
GW=fc9c:56c2:e389:e92c:eee5::1

need_netns
need_tool dockerd
need_tool containerd
need_tool unshare
need_tool nsenter
DOCKER=/usr/bin/docker # docker.io's client, whatever else is in PATH
[ -x "$DOCKER" ] || DOCKER=$(command -v docker) || ci_skip "needs the docker client"
echo "dockerd: $(dockerd --version)"

T=$(mktemp -d /tmp/sp-clients-docker.XXXXXX) || die "mktemp"
NS=sp-clients-d$$
DOCKERD_PID=""
CONTAINERD_PID=""
# stop pid: TERM, 20 s to go (dockerd stops its containerd first), then KILL
stop() {
	kill -TERM "$1" 2>/dev/null || return 0
	_i=0
	while kill -0 "$1" 2>/dev/null && [ "$_i" -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
# shellcheck disable=SC2317 # called by the trap
clients_cleanup() {
	[ -n "$DOCKERD_PID" ] && stop "$DOCKERD_PID"
	[ -n "$CONTAINERD_PID" ] && stop "$CONTAINERD_PID"
	cleanup
	rm -rf "$T"
}
trap clients_cleanup EXIT
trap "exit 1" INT TERM
netns_add "$NS"

# ---- the merge: other keys kept byte for byte, dockerd reads them -------
cat >"$T/daemon.json" <<'EOF'
{
  "storage-driver": "vfs",
  "iptables": false,
  "labels": ["sixplane-test=kept"],
  "max-concurrent-downloads": 3,
  "shutdown-timeout": 15,
  "ipv6": false
}
EOF
"$SIXPLANE" docker -n $NWID -N $NODE --merge "$T/daemon.json" || die "sixplane docker --merge failed"
cat >"$T/want.json" <<EOF
{
  "storage-driver": "vfs",
  "iptables": false,
  "labels": ["sixplane-test=kept"],
  "max-concurrent-downloads": 3,
  "shutdown-timeout": 15,
  "ipv6": true,
  "fixed-cidr-v6": "$SUBNET"
}
EOF
cmp -s "$T/daemon.json" "$T/want.json" ||
	die "the merged daemon.json is not the expected bytes: $(diff "$T/want.json" "$T/daemon.json")"

# ---- dockerd in the namespace -------------------------------------------
mkdir -p "$T/etc-docker" "$T/cgroup" || die "mkdir"
START=$(date +%s%N)
# shellcheck disable=SC2016 # expanded by the inner sh, from its $1
nsenter --net="/var/run/netns/$NS" unshare --mount --propagation private sh -c '
	T=$1
	mount --rbind /sys/fs/cgroup "$T/cgroup" || { echo "SETUP: cannot bind /sys/fs/cgroup"; exit 1; }
	mount -t sysfs sysfs /sys || { echo "SETUP: cannot mount a sysfs for the namespace"; exit 1; }
	mount --rbind "$T/cgroup" /sys/fs/cgroup || { echo "SETUP: cannot bind the cgroups back"; exit 1; }
	[ -d /etc/docker ] || { echo "SETUP: no /etc/docker to hide (docker.io makes it)"; exit 1; }
	mount --bind "$T/etc-docker" /etc/docker || { echo "SETUP: cannot put a temp dir on /etc/docker"; exit 1; }
	exec dockerd --config-file "$T/daemon.json" --data-root "$T/data" --exec-root "$T/exec" \
		--pidfile "$T/dockerd.pid" -H "unix://$T/docker.sock"' sh "$T" >"$T/dockerd.log" 2>&1 &
DOCKERD_PID=$! # nsenter, unshare and sh exec: this is dockerd
export DOCKER_CONFIG="$T/cli" # the client's config, not ~/.docker

up() { [ -S "$T/docker.sock" ] && "$DOCKER" -H "unix://$T/docker.sock" version >/dev/null 2>&1; }
i=0
while ! up; do
	if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
		DOCKERD_PID=""
		why=$(grep -m1 -o 'SETUP: .*' "$T/dockerd.log")
		[ -n "$why" ] && ci_skip "dockerd cannot be started here: ${why#SETUP: }"
		# our file refused is our failure; the machine's limits are not
		grep -q 'unable to configure the Docker daemon' "$T/dockerd.log" &&
			die "dockerd refused the merged daemon.json: $(tail -n 3 "$T/dockerd.log")"
		why=$(grep -m1 -o 'failed to start daemon: .*' "$T/dockerd.log")
		case $why in
		*cgroup* | *"operation not permitted"* | *"permission denied"*)
			ci_skip "dockerd cannot start here: $why" ;;
		esac
		die "dockerd exited: $(tail -n 5 "$T/dockerd.log")"
	fi
	i=$((i + 1))
	[ "$i" -lt 600 ] || die "dockerd did not answer within 60 s: $(tail -n 5 "$T/dockerd.log")"
	sleep 0.1
done
echo "dockerd answered after $((($(date +%s%N) - START) / 1000000)) ms"
CONTAINERD_PID=$(cat "$T/exec/containerd/containerd.pid" 2>/dev/null)
[ "$(cat "$T/dockerd.pid" 2>/dev/null)" = "$DOCKERD_PID" ] ||
	die "dockerd's pidfile says $(cat "$T/dockerd.pid" 2>&1), not $DOCKERD_PID"

# ---- what dockerd made of it ----------------------------------------------
"$DOCKER" -H "unix://$T/docker.sock" network inspect bridge >"$T/bridge.json" ||
	die "docker network inspect bridge failed"
/usr/bin/python3 - "$T/bridge.json" "$SUBNET" <<'EOF' || die "docker network inspect bridge: $(cat "$T/bridge.json")"
import ipaddress, json, sys
net = json.load(open(sys.argv[1]))[0]
want = ipaddress.ip_network(sys.argv[2])
v6 = [c["Subnet"] for c in net["IPAM"]["Config"] if ":" in c.get("Subnet", "")]
if not net["EnableIPv6"]:
    sys.exit("EnableIPv6 is false")
if [ipaddress.ip_network(s) for s in v6] != [want]:
    sys.exit("IPv6 subnets %r, want [%s]" % (v6, want))
print("bridge: EnableIPv6 true, IPv6 subnet %s" % v6[0])
EOF
ip -n "$NS" -6 -o addr show dev docker0 | grep -q "inet6 $GW/80 " ||
	die "docker0 has not $GW/80: $(ip -n "$NS" -6 -o addr show dev docker0 2>&1)"
LABELS=$("$DOCKER" -H "unix://$T/docker.sock" info --format '{{json .Labels}}')
[ "$LABELS" = '["sixplane-test=kept"]' ] || die "dockerd's labels are $LABELS: the other keys were not read"

S=$(date +%s%N)
stop "$DOCKERD_PID"
echo "dockerd stopped in $((($(date +%s%N) - S) / 1000000)) ms"
DOCKERD_PID=""
if [ -n "$CONTAINERD_PID" ] && kill -0 "$CONTAINERD_PID" 2>/dev/null; then
	echo "note: containerd $CONTAINERD_PID outlived dockerd: stopping it"
	stop "$CONTAINERD_PID"
fi
CONTAINERD_PID=""
done_ok "dockerd $(dockerd --version | sed 's/,.*//;s/.* //') on the merged daemon.json: the default bridge has IPv6 on $SUBNET, docker0 has $GW"
