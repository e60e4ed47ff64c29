#!/bin/sh
# Boot a copy of a root from rootfs.sh with systemd-nspawn and run commands
# in it. Sourced by the system tests:
#
#   . tests/system/nspawn.sh
#   sysd_prepare "$(tests/system/rootfs.sh)" NAME  # SYSD_DIR: a writable copy
#   ... install into "$SYSD_DIR" ...
#   sysd_boot [nspawn options]   # boot it, wait until systemd is up
#   sysd_run systemctl is-active foo.service      # run inside, exit status kept
#   sysd_cleanup                  # (also on exit) stop it, remove the copy
#
# The copy is an overlay on the cached root (cp -a where overlayfs is not
# available), so the cache stays as built. The container gets its own
# network (--network-veth: host0 inside, ve-... outside, nothing routed) and
# every capability (--capability=all) and bpf() (which nspawn's own system
# call filter refuses otherwise), so that what the unit grants is what
# limits the daemon, not the container. Commands run inside with nsenter
# into the container's namespaces: the host need not run systemd or
# machined (--register=no). sysd_why says why a boot failed.
#
# Run as a program it boots ROOT and runs one command in it:
#   tests/system/nspawn.sh ROOT CMD [ARG...]

SYSD_NAME=
SYSD_SCRATCH=
SYSD_DIR=
SYSD_PID=
SYSD_LEADER=
SYSD_LOG=
SYSD_OVERLAY=no

sysd_prepare() { # sysd_prepare ROOT NAME
	SYSD_NAME=$2
	SYSD_SCRATCH=$(mktemp -d "${TMPDIR:-/var/tmp}/$SYSD_NAME.XXXXXX") || return 1
	SYSD_LOG=$SYSD_SCRATCH/nspawn.log
	SYSD_DIR=$SYSD_SCRATCH/root
	mkdir -p "$SYSD_SCRATCH/upper" "$SYSD_SCRATCH/work" "$SYSD_DIR"
	if mount -t overlay "$SYSD_NAME" \
		-o "lowerdir=$1,upperdir=$SYSD_SCRATCH/upper,workdir=$SYSD_SCRATCH/work" \
		"$SYSD_DIR" 2>/dev/null; then
		SYSD_OVERLAY=yes
	else
		cp -a --reflink=auto "$1/." "$SYSD_DIR/" || return 1
	fi
}

# the container's PID 1: the process nspawn started, once it runs systemd
sysd_leader() {
	# shellcheck disable=SC2013 # pids, one word each
	for child in $(cat "/proc/$SYSD_PID/task/$SYSD_PID/children" 2>/dev/null); do
		if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then
			echo "$child"
			return 0
		fi
	done
	return 1
}

# shellcheck disable=SC2120 # the options are for the tests that want more
sysd_boot() { # sysd_boot [nspawn options]: 0 when systemd is up inside
	systemd-nspawn --quiet --boot --register=no --keep-unit \
		--directory="$SYSD_DIR" --machine="$SYSD_NAME" \
		--network-veth --capability=all --system-call-filter=bpf "$@" \
		</dev/null >"$SYSD_LOG" 2>&1 &
	SYSD_PID=$!
	i=0
	while [ $i -lt 300 ]; do
		if ! kill -0 "$SYSD_PID" 2>/dev/null; then
			SYSD_PID=
			return 1
		fi
		if [ -z "$SYSD_LEADER" ]; then
			SYSD_LEADER=$(sysd_leader) || SYSD_LEADER=
		fi
		if [ -n "$SYSD_LEADER" ]; then
			state=$(sysd_run systemctl is-system-running 2>/dev/null)
			case "$state" in
			running | degraded) return 0 ;;
			esac
		fi
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# why a boot failed: the end of nspawn's output
sysd_why() {
	tail -n 15 "$SYSD_LOG" 2>/dev/null
}

sysd_run() { # sysd_run CMD [ARG...]: run in the container, as root
	[ -n "$SYSD_LEADER" ] || return 125
	nsenter --target "$SYSD_LEADER" --mount --uts --ipc --net --pid --cgroup \
		-- /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 SYSTEMD_COLORS=0 SYSTEMD_PAGER= "$@"
}

sysd_cleanup() {
	if [ -n "$SYSD_PID" ] && kill -0 "$SYSD_PID" 2>/dev/null; then
		# nspawn passes SIGTERM on as a clean poweroff of the container
		kill -TERM "$SYSD_PID" 2>/dev/null
		i=0
		while kill -0 "$SYSD_PID" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$SYSD_PID" 2>/dev/null
		wait "$SYSD_PID" 2>/dev/null
	fi
	SYSD_PID=
	SYSD_LEADER=
	if [ -n "$SYSD_SCRATCH" ]; then
		[ "$SYSD_OVERLAY" = yes ] && umount "$SYSD_DIR" 2>/dev/null
		rm -rf --one-file-system "$SYSD_SCRATCH"
	fi
	SYSD_SCRATCH=
}

if [ "${0##*/}" = nspawn.sh ]; then
	[ $# -ge 2 ] || {
		echo "usage: nspawn.sh ROOT CMD [ARG...]" >&2
		exit 1
	}
	root=$1
	shift
	trap sysd_cleanup EXIT
	trap 'exit 130' INT TERM
	sysd_prepare "$root" "sysd-run-$$" || exit 1
	sysd_boot || {
		echo "nspawn.sh: the container did not boot: $(sysd_why)" >&2
		exit 1
	}
	sysd_run "$@"
fi
