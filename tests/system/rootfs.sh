#!/bin/sh
# Ensure a Debian 12 (bookworm) root that boots systemd in systemd-nspawn and
# runs sixplaned, cached outside the clone, and print its path on stdout.
#
#   tests/system/rootfs.sh            build it if missing, print the path
#
# Environment:
#   SIXPLANE_ROOTFS_CACHE   the cache folder (default /var/cache/sixplane-test)
#   SIXPLANE_ROOTFS_EXTRA   more packages, space separated (another root)
#   SIXPLANE_MIRROR         the Debian mirror (default: this machine's apt one)
#
# The root is named after a hash of its package list and of this script's
# format, so a change to either builds a new one beside the old. It is built
# in a temporary folder and renamed into place, under a lock, so that a
# failed or concurrent build never leaves a half root where a test finds it.
# Nothing here changes a built root: tests boot a copy (tests/system/nspawn.sh).
# Exit: 0 with the path printed, 1 with the reason on stderr.
set -eu

SUITE=bookworm
# systemd to boot, dbus for systemctl and machined, iproute2 for the checks,
# then what sixplaned and sixplane link (and the completion they ship), and
# WireGuard in user space (Transport = wireguard on a kernel without the
# module, as this one may be) with wg to look at it
PACKAGES="systemd systemd-sysv dbus iproute2 libjansson4 libinih1 libmnl0 \
libbpf1 libelf1 zlib1g libsystemd0 libcap-ng0 bash-completion libcurl4 libsodium23 \
ca-certificates wireguard-go wireguard-tools"
# bumped when what this script does to a root changes
FORMAT=1

die() {
	echo "rootfs.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"

cache=${SIXPLANE_ROOTFS_CACHE:-/var/cache/sixplane-test}
# shellcheck disable=SC2086 # package lists, split on purpose
list=$(printf '%s\n' $PACKAGES ${SIXPLANE_ROOTFS_EXTRA:-} | sort -u | tr '\n' ' ')
hash=$(printf '%s %s %s\n' "$SUITE" "$FORMAT" "$list" | sha256sum | cut -c1-12)
root=$cache/$SUITE-$hash
marker=.sixplane-rootfs

if [ -f "$root/$marker" ]; then
	echo "$root"
	exit 0
fi

# The mirror this machine's apt uses for the suite itself (not -security or
# -updates): deb822 .sources blocks first, then one-line .list entries.
mirror_of_apt() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" '
			function flush() {
				if (uris != "" && types ~ /(^| )deb( |$)/) {
					n = split(suites, s, " ")
					for (i = 1; i <= n; i++)
						if (s[i] == suite) { split(uris, u, " "); print u[1]; exit }
				}
				uris = ""; suites = ""; types = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^#/ { next }
			/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
			/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
			/^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
			/^Enabled:[ \t]*no/ { types = "" }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI suite components
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
			awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2 }'
	done
}

mirror=${SIXPLANE_MIRROR:-$(mirror_of_apt | head -n 1)}
[ -n "$mirror" ] || die "no apt source for $SUITE in /etc/apt/sources.list(.d); set SIXPLANE_MIRROR"

mkdir -p "$cache"
# one builder at a time; whoever waited finds the root made and is done
exec 9>"$cache/.lock"
flock 9
if [ -f "$root/$marker" ]; then
	echo "$root"
	exit 0
fi

tmp=$(mktemp -d "$cache/.build-$hash.XXXXXX")
# debootstrap mounts /proc and /sys in the root it makes and may leave them
# there when it fails: unmount what is under the temp dir, never delete
# through a mount
cleanup() {
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
echo "rootfs.sh: building $root from $mirror (a few minutes, once)" >&2
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] && keyopt="--keyring=$keyring" || keyopt=
# shellcheck disable=SC2086 # the list, and no --keyring where none is
includes=$(echo $list | tr ' ' ',')
# shellcheck disable=SC2086
if ! debootstrap --variant=minbase $keyopt --include="$includes" \
	"$SUITE" "$tmp/root" "$mirror" >"$tmp/log" 2>&1; then
	tail -n 20 "$tmp/log" >&2
	[ -f "$tmp/root/debootstrap/debootstrap.log" ] &&
		tail -n 20 "$tmp/root/debootstrap/debootstrap.log" >&2
	die "debootstrap $SUITE from $mirror failed"
fi

r=$tmp/root
# apt inside the root uses the same mirror
printf 'deb %s %s main\n' "$mirror" "$SUITE" >"$r/etc/apt/sources.list"
echo sixplane-test >"$r/etc/hostname"
# a machine id is made at each boot of a copy; an empty file asks for that
: >"$r/etc/machine-id"
# no getty on the container's console, nothing to log in to
chroot "$r" systemctl mask console-getty.service getty@.service \
	systemd-networkd-wait-online.service >/dev/null 2>&1 || true
chroot "$r" apt-get clean >/dev/null 2>&1 || true
rm -f "$r/var/log/"*.log
printf '%s\n' "$list" >"$r/$marker"

mv -T "$r" "$root" || die "cannot move the built root to $root"
echo "$root"
