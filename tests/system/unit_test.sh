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
#     leaves /run/sixplane to systemd to remove.
#
#   unit_test.sh SOURCE_DIR BUILD_DIR [TCXSHOW]
#
# Exit 77 only where systemd-nspawn cannot boot here or the test is not run
# as root; with CI=true a missing tool fails it.
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

echo "ok: unit active at boot, Underlay after boot served, reload applied and refused, stop restores ($((t1 - t0)) s root and install, $((t2 - t1)) s boot, $((t3 - t2)) s checks)"
exit 0
