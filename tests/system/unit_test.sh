#!/bin/sh
# The shipped unit under a real systemd: a Debian 12 root (rootfs.sh,
# cached) booted in systemd-nspawn, the project put in with
# `make install PREFIX=/usr DESTDIR=root`, its system user made by
# systemd-sysusers and the unit enabled, as a package would. The
# configuration has a VXLAN network whose Underlay address is not there at
# boot and a [Proxy] on the container's interface host0. Checked:
#   - the unit is active after boot without a restart, with the tc
#     programs on host0 (the kernel's tcx hooks, and sixplane stats);
#   - the Underlay address added after boot is picked up: sp0 appears, ours,
#     with the tc programs on it;
#   - systemctl reload applies a new [Peer] (a forwarding entry appears),
#     and a refused file fails systemctl reload, shows in systemctl status,
#     and changes nothing;
#   - systemctl stop puts the kernel back as it was before the start
#     (sysctls, links, addresses, routes, forwarding entries, tc hooks) and
#     leaves /run/sixplane to systemd to remove;
#   - Membership = etcd (an etcd in the container) with the drop-in
#     sixplaned(8) gives for it (AF_INET, AF_INET6, IPAddressAllow= the
#     member): connected, and this host's key in the store;
#   - Transport = wireguard with a peer, on wireguard-go (this kernel's
#     engine, or forced where the kernel has the module) once its drop-in
#     is linked as sixplaned(8) says: active, wireguard-go in the unit's
#     cgroup as sixplane, the interface up with the 6PLANE address, the key
#     file made 0600 in /var/lib/sixplane (0700), sixplane status naming
#     the engine and wg(8) reaching its socket from outside the unit; killed,
#     it comes back with CAP_NET_ADMIN alone; systemctl restart serves it
#     again; stop removes the interface, the process and its socket.
#
#   unit_test.sh SOURCE_DIR BUILD_DIR [TCXSHOW]
#
# Exit 77 only where systemd-nspawn cannot boot here or the test is not run
# as root; with CI=true a missing tool fails it (etcd: without it, and
# without CI, only the etcd case is left out).
set -u
SRC=$1
BUILD=$2
TCXSHOW=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/system/lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, systemd-nspawn)"
for t in systemd-nspawn debootstrap nsenter make cmake; do need_tool "$t"; done

t0=$(date +%s)
ROOT=$(sh "$HERE/rootfs.sh") || die "no Debian 12 root to boot (rootfs.sh said why above)"
trap sysd_cleanup EXIT
trap 'exit 130' INT TERM
sysd_prepare "$ROOT" "sysd-unit-$$" || die "cannot copy $ROOT"
R=$SYSD_DIR

# as a user would install it
make -s -C "$SRC" install BUILD="$BUILD" JOBS=2 PREFIX=/usr DESTDIR="$R" >"$SYSD_SCRATCH/install.log" 2>&1 ||
	die "make install PREFIX=/usr DESTDIR=$R: $(tail -n 5 "$SYSD_SCRATCH/install.log")"
UNIT=$R/usr/lib/systemd/system/sixplaned.service
[ -f "$UNIT" ] || die "make install put no unit in /usr/lib/systemd/system"
grep -q '^ExecStart=/usr/sbin/sixplaned ' "$UNIT" || die "the unit does not start /usr/sbin/sixplaned: $(grep '^ExecStart=' "$UNIT")"
[ -f "$R/usr/lib/sysusers.d/sixplane.conf" ] || die "make install put no sysusers.d/sixplane.conf"
systemd-sysusers --root="$R" >/dev/null 2>&1 || die "systemd-sysusers --root=$R failed"
grep -q '^sixplane:' "$R/etc/passwd" || die "systemd-sysusers made no user sixplane"

NWID=8056c2e21c000001
mkdir -p "$R/etc/sixplane"
CONF=$R/etc/sixplane/sixplane.conf
# write_conf [NODE ENDPOINT]...: the network, its peers, then the proxy
write_conf() {
	{
		printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = sp0\nUnderlay = 192.0.2.1\n' "$NWID"
		printf '[Peer]\nNode = 1122334455\nEndpoint = 192.0.2.2\n'
		while [ $# -ge 2 ]; do
			printf '[Peer]\nNode = %s\nEndpoint = %s\n' "$1" "$2"
			shift 2
		done
		printf '[Proxy]\nInterface = host0\nPrefix = 2001:db8:1:2::/64\n'
	} >"$CONF"
}
write_conf

# The kernel's network state as the daemon may change it, taken by root
# just before the first start of the daemon at boot (a drop-in of the
# test's, not the shipped unit's), to compare with the state after its
# stop. Lifetimes and counters are left out: they change by themselves;
# and so is noop against noqueue, the root qdisc a link gets once it is
# first set up (the test does that to host0).
[ -n "$TCXSHOW" ] && cp "$TCXSHOW" "$R/usr/local/bin/tcxshow"
cat >"$R/usr/local/bin/sp-state" <<'EOF'
#!/bin/sh
cd /proc/sys/net || exit 1
grep -r . ipv6/conf ipv6/neigh ipv4/conf/all/forwarding 2>/dev/null | sort
ip -d -o link show | sed 's/ qdisc noop / qdisc noqueue /'
ip -o addr show | sed 's/[\\ ]*valid_lft.*//'
ip -4 route show table all
ip -6 route show table all | sed 's/ expires [0-9]*sec//'
bridge fdb show
for l in $(ip -o link show | sed 's/^[0-9]*: \([^:@]*\).*/\1/'); do
	tc qdisc show dev "$l" | grep -v '^qdisc no[a-z]* 0: root' | sed "s/^/$l /"
	for d in ingress egress; do
		tc filter show dev "$l" "$d" 2>/dev/null | sed "s/^/$l $d: /"
		[ -x /usr/local/bin/tcxshow ] && /usr/local/bin/tcxshow "$l" | sed "s/^/$l tcx: /"
	done
done
EOF
chmod 755 "$R/usr/local/bin/sp-state"
mkdir -p "$R/etc/systemd/system/sixplaned.service.d"
printf '[Service]\nExecStartPre=+/bin/sh -c "[ -e /run/sp-state.before ] || /usr/local/bin/sp-state >/run/sp-state.before"\n' \
	>"$R/etc/systemd/system/sixplaned.service.d/test-state.conf"

# the etcd for Membership = etcd: the host's (Debian's etcd-server), one
# member in the container
ETCD=yes
if ! command -v etcd >/dev/null 2>&1 || ! command -v etcdctl >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && die "etcd is missing (in CI every tool is required: scripts/deps.sh)"
	ETCD=no
fi
[ "$ETCD" = yes ] && cp "$(command -v etcd)" "$(command -v etcdctl)" "$R/usr/local/bin/"
for t in wireguard-go wg; do
	[ -x "$R/usr/bin/$t" ] || die "the root has no $t (rootfs.sh installs it)"
done
# the wireguard-go drop-in where make install puts it (a link to it is the
# documented step)
WGGO=/usr/share/sixplane/wireguard-go.conf
[ -f "$R$WGGO" ] || die "make install put no $WGGO"
systemctl --root="$R" enable sixplaned.service >/dev/null 2>&1 || die "systemctl --root enable sixplaned.service failed"
t1=$(date +%s)

if ! sysd_boot; then
	why=$(sysd_why)
	[ "${CI:-}" = true ] && die "systemd-nspawn cannot boot the root here: $why"
	skip "systemd-nspawn cannot boot a container here: $why"
fi
t2=$(date +%s)

# 1. active after boot, with no restart, while the Underlay is missing
unit_active() { [ "$(sysd_run systemctl is-active sixplaned.service)" = active ]; }
wait_for 15 unit_active ||
	die "sixplaned.service is not active after boot: $(sysd_run systemctl is-active sixplaned.service)"
restarts=$(sysd_run systemctl show -p NRestarts --value sixplaned.service)
[ "$restarts" = 0 ] || die "sixplaned.service restarted $restarts time(s) at boot"
user=$(sysd_run stat -c %U "/proc/$(sysd_run systemctl show -p MainPID --value sixplaned.service)")
[ "$user" = sixplane ] || die "sixplaned runs as '$user', not sixplane"

stats() { sysd_run sixplane stats 2>&1; }
has_row() { stats | grep -q "^$1 *$2"; }
wait_for 5 has_row host0 tc-ingress ||
	die "no tc-ingress on host0 ([Proxy], Dataplane auto, every capability the unit grants): $(stats)"
# the stats socket: the group sixplane reads it, other users cannot
sysd_run runuser -u nobody -g sixplane -- sixplane stats >/dev/null 2>&1 ||
	die "a member of the group sixplane cannot read the stats: $(sysd_run runuser -u nobody -g sixplane -- sixplane stats 2>&1 | head -n 2)"
sysd_run runuser -u nobody -- sixplane stats >/dev/null 2>&1 &&
	die "a user outside the group sixplane can read the stats ($(sysd_run ls -ld /run/sixplane /run/sixplane/sixplaned.sock))"
if [ -n "$TCXSHOW" ]; then
	sysd_run tcxshow host0 | grep -q '^ingress ' || {
		sysd_run tc filter show dev host0 ingress | grep -q bpf ||
			die "sixplane stats shows tc on host0 but the kernel has no program on its ingress hook"
	}
fi

# 2. the Underlay address comes after boot: sp0 appears and is served
sysd_run ip link set host0 up
sysd_run ip addr add 192.0.2.1/24 dev host0 || die "cannot add the Underlay address"
wait_for 10 sysd_run sh -c 'ip -d link show sp0 | grep -q vxlan' ||
	die "the Underlay address was added after boot but no VXLAN sp0 appeared: $(sysd_run ip -br link)"
sysd_run ip -d link show sp0 | grep -q 'alias sixplaned' || die "sp0 is not marked as sixplaned's"
wait_for 5 has_row sp0 tc-egress || die "sp0 has no tc-egress once the Underlay came: $(stats)"
sysd_run systemctl is-active sixplaned.service >/dev/null || die "sixplaned.service is no longer active"

# 3. reload: applied (a new peer's forwarding entry), then refused
fdb() { sysd_run bridge fdb show dev sp0; }
fdb | grep -q 'dst 192.0.2.3' && die "a forwarding entry to 192.0.2.3 before the reload asked for it"
write_conf a0b1c2d3e4 192.0.2.3
sysd_run systemctl reload sixplaned.service || die "systemctl reload of a good file failed: $(sysd_run systemctl status sixplaned.service --no-pager | sed -n 's/^ *Status: //p')"
fdb | grep -q 'dst 192.0.2.3' || die "systemctl reload did not add the new peer's forwarding entry: $(fdb)"
before_bad=$(fdb | sort)
printf 'Bogus = 1\n' >>"$CONF"
if sysd_run systemctl reload sixplaned.service >/dev/null 2>&1; then
	die "systemctl reload of a file with an unknown key succeeded"
fi
sysd_run systemctl status sixplaned.service --no-pager 2>&1 | grep -q '^ *Status: ".*refused' ||
	die "a refused reload does not show in systemctl status: $(sysd_run systemctl status sixplaned.service --no-pager | head -n 12)"
sysd_run systemctl is-active sixplaned.service >/dev/null || die "a refused reload stopped the unit"
[ "$(fdb | sort)" = "$before_bad" ] || die "a refused reload changed sp0's forwarding entries"
write_conf a0b1c2d3e4 192.0.2.3

# 4. stop puts the kernel back as it was at boot, once the test's own
# Underlay address is gone
[ "$(sysd_run cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ] ||
	die "net.ipv6.conf.all.forwarding is not 1 while a fabric is served"
sysd_run systemctl stop sixplaned.service || die "systemctl stop failed"
result=$(sysd_run systemctl show -p Result --value sixplaned.service)
[ "$result" = success ] || die "sixplaned.service stopped with result $result"
sysd_run ip addr del 192.0.2.1/24 dev host0
sysd_run ip link set host0 down
sysd_run /usr/local/bin/sp-state >"$SYSD_SCRATCH/after"
sysd_run cat /run/sp-state.before >"$SYSD_SCRATCH/before" || die "no state from before the start"
grep -q '^ipv6/conf/all/forwarding:0' "$SYSD_SCRATCH/before" || die "forwarding was already on before the start"
diff -u "$SYSD_SCRATCH/before" "$SYSD_SCRATCH/after" >"$SYSD_SCRATCH/diff" ||
	die "the kernel after systemctl stop differs from before the start: $(cat "$SYSD_SCRATCH/diff")"
# the sandbox refused nothing: a system call outside the filter returns
# EPERM, a missing capability EPERM or EACCES, a path it may not write
# EROFS, and auto says when tc fell back
denied=$(sysd_run journalctl -q --no-pager -b -u sixplaned.service -o cat |
	grep -E 'not permitted|Permission denied|Read-only file system|unavailable' | sort -u)
[ -z "$denied" ] || die "the unit's sandbox refused the daemon something: $denied"
sysd_run test -e /run/sixplane && die "/run/sixplane is still there after stop: $(sysd_run ls -la /run/sixplane)"
t3=$(date +%s)

DROPIN=/etc/systemd/system/sixplaned.service.d
status() { sysd_run sixplane status 2>&1; }

# 5. Membership = etcd: the unit has no IP socket and no IP address of its
# own; the drop-in of sixplaned(8), SYSTEMD, gives it both for the members
if [ "$ETCD" = yes ]; then
	sysd_run ip link set host0 up
	sysd_run ip addr add 192.0.2.1/24 dev host0 || die "cannot add 192.0.2.1 for etcd"
	E=http://192.0.2.1:2379
	sysd_run systemd-run -q --unit=test-etcd -p StateDirectory=test-etcd /usr/local/bin/etcd \
		--name t --data-dir /var/lib/test-etcd --listen-client-urls $E --advertise-client-urls $E \
		--listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
		--initial-cluster t=http://127.0.0.1:2380 || die "cannot start etcd in the container"
	wait_for 15 sysd_run etcdctl --endpoints=$E endpoint health ||
		die "etcd did not come up: $(sysd_run journalctl -q --no-pager -u test-etcd -n 5)"
	printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = sp0\nUnderlay = 192.0.2.1\nMembership = etcd\n[Etcd]\nEndpoints = %s\n' \
		"$NWID" "$E" >"$CONF"
	printf '[Service]\nRestrictAddressFamilies=AF_INET AF_INET6\nIPAddressAllow=192.0.2.1\n' \
		>"$R$DROPIN/etcd.conf"
	sysd_run systemctl daemon-reload
	sysd_run systemctl start sixplaned.service || die "Membership = etcd: systemctl start failed"
	# shellcheck disable=SC2317 # called through wait_for
	store_up() { status | grep -q "store $E  connected .* joined"; }
	wait_for 10 store_up || die "Membership = etcd with its drop-in: not connected: $(status | grep store)"
	sysd_run etcdctl --endpoints=$E get --print-value-only "/sixplane/v1/$NWID/nodes/89e92ceee5" |
		grep -q '"endpoint": *"192.0.2.1"' || die "this host's key is not in etcd"
	sysd_run systemctl stop sixplaned.service test-etcd.service
	rm -f "$R$DROPIN/etcd.conf"
	sysd_run ip addr del 192.0.2.1/24 dev host0
fi
t4=$(date +%s)

# 6. Transport = wireguard on wireguard-go, after the documented step
IF=sp0
KEYFILE=/var/lib/sixplane/$NWID.key
PEER_KEY=$(sysd_run sh -c 'wg genkey | wg pubkey') || die "wg genkey failed in the root"
printf '[Network]\nId = %s\nNode = 89e92ceee5\nInterface = %s\nTransport = wireguard\nPrivateKeyFile = %s\n[Peer]\nNode = 1122334455\nPublicKey = %s\nEndpoint = 198.51.100.7:51820\n' \
	"$NWID" "$IF" "$KEYFILE" "$PEER_KEY" >"$CONF"
ENGINE="this kernel has no WireGuard module"
if sysd_run ip link add sp-probe type wireguard 2>/dev/null; then
	sysd_run ip link del sp-probe
	printf '[Service]\nEnvironment=SIXPLANED_WG_ENGINE=wireguard-go\n' >"$R$DROPIN/test-engine.conf"
	ENGINE="forced: the kernel has the module"
fi
sysd_run sh -c "ln -s $WGGO $DROPIN/ && systemctl daemon-reload" || die "cannot link $WGGO into $DROPIN"
sysd_run systemctl start sixplaned.service ||
	die "Transport = wireguard with the wireguard-go drop-in: systemctl start failed"
unit_active || die "sixplaned.service is $(sysd_run systemctl is-active sixplaned.service) with WireGuard"
main=$(sysd_run systemctl show -p MainPID --value sixplaned.service)
cg=$(sysd_run systemctl show -p ControlGroup --value sixplaned.service)
go_pid() { sysd_run sh -c "pidof wireguard-go"; }
check_go() { # check_go WHEN: wireguard-go runs as sixplane in the unit's cgroup, serving IF
	gp=$(go_pid) || die "$1: no wireguard-go runs"
	sysd_run grep -qx "0::$cg" "/proc/$gp/cgroup" ||
		die "$1: wireguard-go (pid $gp) is not in the unit's cgroup $cg: $(sysd_run cat "/proc/$gp/cgroup")"
	[ "$(sysd_run stat -c %U "/proc/$gp")" = sixplane ] || die "$1: wireguard-go runs as $(sysd_run stat -c %U "/proc/$gp")"
	[ "$(sysd_run cat "/proc/$gp/comm")" = wireguard-go ] || die "$1: pid $gp is not wireguard-go"
	status | grep -q "engine wireguard-go (pid $gp)" || die "$1: sixplane status does not name wireguard-go $gp: $(status)"
	sysd_run ip -6 addr show dev "$IF" | grep -q 'inet6 fc9c:56c2:e389:e92c:eee5::1/40' ||
		die "$1: $IF has not the 6PLANE address: $(sysd_run ip -br addr)"
	sysd_run ip link show dev "$IF" | grep -q ',UP' || die "$1: $IF is not up"
	# wg(8), outside the unit's namespace, through /run/wireguard
	[ "$(sysd_run wg show "$IF" peers)" = "$PEER_KEY" ] || die "$1: wg show $IF: $(sysd_run wg show "$IF" 2>&1)"
	[ "$(sysd_run wg show "$IF" public-key)" = "$(sysd_run sixplane wg-key "$KEYFILE")" ] ||
		die "$1: the device's key is not the file's"
}
wait_for 5 go_pid || die "no wireguard-go after the start"
check_go start
[ "$(sysd_run stat -c '%a %U' "$KEYFILE")" = "600 sixplane" ] ||
	die "the key file is $(sysd_run stat -c '%a %U' "$KEYFILE"), not 600 sixplane"
[ "$(sysd_run stat -c '%a %U' /var/lib/sixplane)" = "700 sixplane" ] ||
	die "/var/lib/sixplane is $(sysd_run stat -c '%a %U' /var/lib/sixplane), not 700 sixplane"
# killed, it is started again by sixplaned, no longer as root nor with
# systemd's ambient set: the one capability sp_privs_drop keeps for it
first=$(go_pid)
sysd_run sh -c "kill -KILL $first" || die "cannot kill wireguard-go (pid $first)"
# shellcheck disable=SC2317 # called through wait_for
new_go() { p=$(go_pid) && [ "$p" != "$first" ] && sysd_run wg show "$IF" peers | grep -q .; }
wait_for 10 new_go || die "wireguard-go was not started again with its peer after kill -9"
check_go restart
caps=$(sysd_run grep -E '^Cap(Eff|Amb):' "/proc/$(go_pid)/status" | awk '{ print $2 }' | sort -u)
[ "$caps" = 0000000000001000 ] || die "the restarted wireguard-go has capabilities $caps, not CAP_NET_ADMIN alone"
[ "$(sysd_run systemctl show -p MainPID --value sixplaned.service)" = "$main" ] || die "sixplaned itself restarted"
# a second start finds /run/wireguard as the first left it
sysd_run systemctl restart sixplaned.service || die "systemctl restart failed with WireGuard"
wait_for 5 go_pid || die "no wireguard-go after systemctl restart"
check_go "systemctl restart"
# stop: the interface, the process and its socket go; the key stays
sysd_run systemctl stop sixplaned.service || die "systemctl stop failed with WireGuard"
[ "$(sysd_run systemctl show -p Result --value sixplaned.service)" = success ] ||
	die "sixplaned.service with WireGuard stopped with result $(sysd_run systemctl show -p Result --value sixplaned.service)"
go_pid >/dev/null && die "wireguard-go still runs after stop"
sysd_run ip link show dev "$IF" >/dev/null 2>&1 && die "$IF is still there after stop"
sysd_run test -e "/run/wireguard/$IF.sock" && die "/run/wireguard/$IF.sock is still there after stop"
sysd_run test -f "$KEYFILE" || die "stop removed the key file"
denied=$(sysd_run journalctl -q --no-pager -b -u sixplaned.service -o cat |
	grep -E 'not permitted|Permission denied|Read-only file system|ERROR' | sort -u)
[ -z "$denied" ] || die "the unit's sandbox refused the daemon or wireguard-go something: $denied"
t5=$(date +%s)

[ "$ETCD" = yes ] && etcd_ok="etcd reached with its drop-in, " || etcd_ok="(no etcd here), "
echo "ok: unit active at boot, Underlay after boot served, reload applied and refused, stop restores, ${etcd_ok}WireGuard on wireguard-go ($ENGINE) with its drop-in ($((t1 - t0)) s root and install, $((t2 - t1)) s boot, $((t3 - t2)) s checks, $((t4 - t3)) s etcd, $((t5 - t4)) s WireGuard)"
exit 0
