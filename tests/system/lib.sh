# shellcheck shell=sh
# What the system tests share (sourced): nspawn.sh's boot helpers, and
# skip, die (with the unit's journal when a container runs), need_tool and
# wait_for.
# shellcheck source=tests/system/nspawn.sh
. "$HERE/nspawn.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}
die() {
	echo "FAIL: $*" >&2
	if [ -n "$SYSD_LEADER" ]; then
		echo "--- the unit's journal:" >&2
		sysd_run journalctl -q --no-pager -b -u sixplaned.service -n 25 >&2
	fi
	exit 1
}
need_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ "${CI:-}" = true ] && die "$1 is missing (in CI every tool is required: scripts/deps.sh)"
	skip "$1 is not installed"
}
# wait_for SECONDS CMD...: until CMD succeeds, every 0.1 s
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
