#!/bin/sh
# shellcheck disable=SC2016 # dpkg-query formats: ${Status} is for dpkg-query
# The Debian packages (make deb) in a Debian 12 root booted with systemd in
# systemd-nspawn (rootfs.sh, nspawn.sh), installed with apt as a user would,
# then reinstalled, upgraded, removed and purged. Checked at each step:
#   1. install, no configuration yet: every file of the packages is there,
#      ld.so finds libsixplane.so.0, the system user sixplane exists, the
#      unit is enabled and not started (it waits for
#      /etc/sixplane/sixplane.conf) and not failed;
#   2. a configuration with Dataplane = tc (so the daemon only runs with the
#      tc fast path): systemctl start makes it active, as sixplane, with the
#      tc program on host0's ingress and its socket in /run/sixplane;
#   3. the same version again (apt install --reinstall): restarted, still
#      active and enabled, the configuration untouched;
#   4. an upgrade to a later version (the packages repacked with only the
#      version raised: the maintainer scripts see a real upgrade, without a
#      second build): restarted, active, enabled, the same user;
#   5. remove: stopped, every file under /usr gone, /run/sixplane gone, the
#      configuration and the user kept, the package in state config-files;
#   6. purge: /etc/sixplane and the enablement symlink gone, nothing of the
#      package known to dpkg; the user kept (system users stay: debian/
#      sixplane.postrm says why);
#   7. the configuration written first, then apt install: enabled and
#      running with the tc fast path at once, as the same user.
#
#   deb_test.sh SOURCE_DIR
#
# The packages are built once per committed tree (make deb builds git
# archive HEAD) into /var/cache/sixplane-test/deb-<tree hash>, so that
# make test builds them once, not every run; SIXPLANE_DEB_DIR names a folder
# of built .debs to test instead. The root is a copy: the cache is never
# changed. Exit 77 only where systemd-nspawn cannot boot here, a tool is
# missing or the test is not run as root; with CI=true those fail it.
set -u
SRC=$1
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/system/lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, systemd-nspawn)"
for t in systemd-nspawn debootstrap nsenter dpkg-buildpackage dpkg-deb lintian flock git; do
	need_tool "$t"
done

# ---- the packages: built once per tree ----
t0=$(date +%s)
CACHE=${SIXPLANE_ROOTFS_CACHE:-/var/cache/sixplane-test}
if [ -n "${SIXPLANE_DEB_DIR:-}" ]; then
	DEBS=$SIXPLANE_DEB_DIR
else
	tree=$(git -C "$SRC" rev-parse "HEAD^{tree}") || die "$SRC is not a git checkout with a commit"
	DEBS=$CACHE/deb-$(echo "$tree" | cut -c1-12)
	mkdir -p "$CACHE"
	exec 8>"$CACHE/.deb.lock"
	flock 8
	if ! ls "$DEBS"/sixplane_*.deb >/dev/null 2>&1; then
		echo "deb_test.sh: building the packages of tree $tree into $DEBS (once per tree)"
		tmp=$CACHE/.deb-build.$$
		rm -rf "$tmp"
		if ! make -s -C "$SRC" deb DEB_BUILD="$tmp" JOBS=2 >"$CACHE/.deb-build.log" 2>&1; then
			tail -n 30 "$CACHE/.deb-build.log" >&2
			rm -rf "$tmp"
			die "make deb failed (lintian errors fail it too)"
		fi
		rm -rf "$tmp/src"
		mv -T "$tmp" "$DEBS" || die "cannot move the packages to $DEBS"
		# each commit is a new tree: keep the packages of the last five
		# shellcheck disable=SC2012 # our own names, no spaces
		ls -dt "$CACHE"/deb-* | tail -n +6 | xargs -r rm -rf
	fi
	flock -u 8
fi
for p in sixplane libsixplane0 libsixplane-dev; do
	ls "$DEBS/${p}_"*.deb >/dev/null 2>&1 || die "no ${p}_*.deb in $DEBS"
done
VERSION=$(dpkg-deb -f "$(ls "$DEBS"/sixplane_*.deb | head -n 1)" Version)
t1=$(date +%s)

# ---- the root, booted ----
ROOT=$(sh "$HERE/rootfs.sh") || die "no Debian 12 root to boot (rootfs.sh said why above)"
trap sysd_cleanup EXIT
trap 'exit 130' INT TERM
sysd_prepare "$ROOT" "sysd-deb-$$" || die "cannot copy $ROOT"
R=$SYSD_DIR
mkdir -p "$R/root/debs/new" "$R/root/debs/next"
for p in sixplane libsixplane0 libsixplane-dev; do
	cp "$DEBS/${p}_$VERSION"_*.deb "$R/root/debs/new/" || die "cannot copy ${p}_$VERSION"
done

# The next version: the same packages with only the version raised (and
# libsixplane-dev's exact dependency on libsixplane0 with it).
NEXT=$VERSION+1
for deb in "$R"/root/debs/new/*.deb; do
	x=$SYSD_SCRATCH/repack
	rm -rf "$x"
	dpkg-deb -R "$deb" "$x" || die "dpkg-deb -R $deb"
	sed -i -e "s/^Version: .*/Version: $NEXT/" -e "s/(= $VERSION)/(= $NEXT)/" "$x/DEBIAN/control"
	p=$(dpkg-deb -f "$deb" Package)
	a=$(dpkg-deb -f "$deb" Architecture)
	dpkg-deb -b "$x" "$R/root/debs/next/${p}_${NEXT}_$a.deb" >/dev/null || die "cannot repack $p as $NEXT"
done
# the paths inside the root, for apt (no shell there to expand a pattern)
NEW_DEBS=$(cd "$R" && ls root/debs/new/*.deb | sed 's|^|/|')
NEXT_DEBS=$(cd "$R" && ls root/debs/next/*.deb | sed 's|^|/|')

if ! sysd_boot; then
	why=$(sysd_why)
	[ "${CI:-}" = true ] && die "systemd-nspawn cannot boot the root here: $why"
	skip "systemd-nspawn cannot boot a container here: $why"
fi
t2=$(date +%s)

apt_get() {
	sysd_run env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0 "$@" \
		>"$SYSD_SCRATCH/apt.log" 2>&1 || die "apt-get $*: $(tail -n 15 "$SYSD_SCRATCH/apt.log")"
}
U=sixplaned.service
WANTS=/etc/systemd/system/multi-user.target.wants/$U
prop() { sysd_run systemctl show -p "$1" --value "$U"; }
unit_active() { [ "$(sysd_run systemctl is-active "$U")" = active ]; }
check_enabled() {
	[ "$(sysd_run systemctl is-enabled "$U")" = enabled ] || die "$1: $U is $(sysd_run systemctl is-enabled "$U"), not enabled"
	sysd_run test -L "$WANTS" || die "$1: no $WANTS"
}
check_running() { # check_running STEP: active, as sixplane, tc on host0
	wait_for 15 unit_active || die "$1: $U is $(sysd_run systemctl is-active "$U"), not active"
	pid=$(prop MainPID)
	user=$(sysd_run stat -c %U "/proc/$pid")
	[ "$user" = sixplane ] || die "$1: sixplaned (pid $pid) runs as '$user', not sixplane"
	wait_for 5 sysd_run sh -c 'sixplane stats | grep -q "^host0 *tc-ingress"' ||
		die "$1: no tc-ingress on host0 in sixplane stats: $(sysd_run sixplane stats 2>&1)"
	sysd_run test -S /run/sixplane/sixplaned.sock || die "$1: no socket /run/sixplane/sixplaned.sock"
	[ "$(prop NRestarts)" = 0 ] || die "$1: $U restarted $(prop NRestarts) time(s)"
}

# ---- 1. install, no configuration ----
# shellcheck disable=SC2086 # a list of paths without spaces
apt_get install $NEW_DEBS
for p in sixplane libsixplane0 libsixplane-dev; do
	[ "$(sysd_run dpkg-query -W -f '${Status} ${Version}' "$p")" = "install ok installed $VERSION" ] ||
		die "1: $p is not installed at $VERSION: $(sysd_run dpkg-query -W -f '${Status} ${Version}' "$p")"
	sysd_run dpkg -L "$p" >"$SYSD_SCRATCH/files.$p" || die "1: dpkg -L $p"
done
for p in sixplane libsixplane0 libsixplane-dev; do
	while read -r f; do
		sysd_run test -e "$f" || die "1: $p's $f is not there"
	done <"$SYSD_SCRATCH/files.$p"
done
for f in /usr/sbin/sixplaned /usr/bin/sixplane /lib/systemd/system/$U \
	/usr/lib/sysusers.d/sixplane.conf /usr/share/man/man8/sixplaned.8.gz \
	/usr/share/bash-completion/completions/sixplane /usr/share/bash-completion/completions/sixplaned \
	/usr/share/doc/sixplane/examples/sixplane.conf /usr/share/man/man5/sixplane.conf.5.gz \
	/usr/include/sixplane.h /usr/lib/x86_64-linux-gnu/pkgconfig/sixplane.pc; do
	cat "$SYSD_SCRATCH"/files.* | grep -qx "$f" || die "1: no package holds $f"
done
# (/lib is /usr/lib on a merged-/usr root: ldconfig may name either)
sysd_run sh -c 'ldconfig -p | grep -Eq "libsixplane.so.0 .*=> (/usr)?/lib/x86_64-linux-gnu/libsixplane.so.0$"' ||
	die "1: ld.so does not find libsixplane.so.0 in the multiarch folder"
[ "$(sysd_run sixplane --version)" = "sixplane ${VERSION%%[-+]*}" ] ||
	die "1: the installed sixplane says '$(sysd_run sixplane --version 2>&1)'"
uid=$(sysd_run getent passwd sixplane | cut -d: -f3)
[ -n "$uid" ] || die "1: no user sixplane after install"
sysd_run getent group sixplane >/dev/null || die "1: no group sixplane after install"
check_enabled 1
[ "$(sysd_run systemctl is-active "$U")" = inactive ] ||
	die "1: $U is $(sysd_run systemctl is-active "$U") with no configuration, not inactive"
[ "$(prop ConditionResult)" = no ] || die "1: $U was not held back by its condition (ConditionResult=$(prop ConditionResult))"
[ "$(prop Result)" = success ] || die "1: $U has result $(prop Result)"

# ---- 2. configured: started, with the tc fast path ----
cat >"$R/etc/sixplane/sixplane.conf" <<'EOF'
[Proxy]
Interface = host0
Prefix = 2001:db8:1:2::/64
Dataplane = tc
EOF
cp "$R/etc/sixplane/sixplane.conf" "$SYSD_SCRATCH/conf"
sysd_run ip link set host0 up
sysd_run systemctl start "$U" || die "2: systemctl start $U failed"
check_running 2
conf_sum=$(sha256sum <"$R/etc/sixplane/sixplane.conf")
pid_before=$(prop MainPID)

# ---- 3. the same version again ----
# shellcheck disable=SC2086
apt_get install --reinstall $NEW_DEBS
check_running 3
check_enabled 3
[ "$(prop MainPID)" != "$pid_before" ] || die "3: sixplaned was not restarted by the reinstall"
[ "$(sha256sum <"$R/etc/sixplane/sixplane.conf")" = "$conf_sum" ] || die "3: the reinstall changed sixplane.conf"
pid_before=$(prop MainPID)

# ---- 4. an upgrade ----
# shellcheck disable=SC2086
apt_get install $NEXT_DEBS
for p in sixplane libsixplane0 libsixplane-dev; do
	[ "$(sysd_run dpkg-query -W -f '${Version}' "$p")" = "$NEXT" ] || die "4: $p was not upgraded to $NEXT"
done
check_running 4
check_enabled 4
[ "$(prop MainPID)" != "$pid_before" ] || die "4: sixplaned was not restarted by the upgrade"
[ "$(sysd_run getent passwd sixplane | cut -d: -f3)" = "$uid" ] || die "4: the user sixplane changed its uid"
[ "$(sha256sum <"$R/etc/sixplane/sixplane.conf")" = "$conf_sum" ] || die "4: the upgrade changed sixplane.conf"

# ---- 5. remove ----
apt_get remove sixplane libsixplane-dev libsixplane0
[ "$(sysd_run systemctl is-active "$U")" != active ] || die "5: $U is still active after remove"
sysd_run sh -c 'pidof sixplaned' >/dev/null && die "5: sixplaned still runs after remove"
for p in sixplane libsixplane0 libsixplane-dev; do
	while read -r f; do
		case "$f" in /usr/* | /lib/*) ;; *) continue ;; esac
		sysd_run test -d "$f" && continue # folders shared with others stay
		sysd_run test -e "$f" && die "5: $p's $f is still there after remove"
	done <"$SYSD_SCRATCH/files.$p"
done
[ "$(sysd_run dpkg-query -W -f '${Status}' sixplane)" = "deinstall ok config-files" ] ||
	die "5: sixplane is '$(sysd_run dpkg-query -W -f '${Status}' sixplane)', not config-files"
sysd_run test -f /etc/sixplane/sixplane.conf || die "5: remove took /etc/sixplane/sixplane.conf"
sysd_run test -e /run/sixplane && die "5: /run/sixplane is still there after remove"
sysd_run getent passwd sixplane >/dev/null || die "5: remove took the user sixplane"

# ---- 6. purge ----
# (the libraries have no configuration: remove left nothing to purge, and
# apt, with no package lists here, no longer knows their names)
apt_get purge sixplane
sysd_run test -e /etc/sixplane && die "6: /etc/sixplane is still there after purge: $(sysd_run ls -la /etc/sixplane)"
sysd_run test -L "$WANTS" && die "6: $WANTS is still there after purge"
sysd_run sh -c 'ls /var/lib/systemd/deb-systemd-helper-enabled/ | grep -q sixplaned' &&
	die "6: deb-systemd-helper still remembers $U after purge"
for p in sixplane libsixplane0 libsixplane-dev; do
	st=$(sysd_run dpkg-query -W -f '${Status}' "$p" 2>/dev/null)
	case "$st" in "" | "unknown ok not-installed" | "purge ok not-installed") ;;
	*) die "6: dpkg still has $p: '$st'" ;;
	esac
done
sysd_run getent passwd sixplane >/dev/null || die "6: purge took the system user sixplane (policy: it stays)"

# ---- 7. configuration first, then apt install: running at once ----
sysd_run systemctl reset-failed "$U" 2>/dev/null
mkdir -p "$R/etc/sixplane"
cp "$SYSD_SCRATCH/conf" "$R/etc/sixplane/sixplane.conf"
# shellcheck disable=SC2086
apt_get install $NEW_DEBS
check_running 7
check_enabled 7
[ "$(sysd_run getent passwd sixplane | cut -d: -f3)" = "$uid" ] || die "7: the user sixplane came back with another uid"
t3=$(date +%s)

echo "ok: $VERSION installed (enabled, waiting for its file), started with tc, reinstalled, upgraded to $NEXT, removed, purged, installed onto a configuration ($((t1 - t0)) s packages, $((t2 - t1)) s root and boot, $((t3 - t2)) s checks)"
exit 0
