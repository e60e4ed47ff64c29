# shellcheck shell=sh
# Skips, for the SmartOS tests (sourced). A test skips (exit 77, which
# ctest counts as skipped) only for the reason it names. Where the reason is
# a tool scripts/deps.sh installs, CI=true makes it a failure: CI runs
# after deps.sh, so a missing tool there is a broken setup, not a skip.

# skip REASON
skip() {
	echo "SKIP: $*"
	exit 77
}

# skip_dep TOOL REASON: TOOL, which scripts/deps.sh installs, is missing
skip_dep() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $2 (with CI=true this is a failure: scripts/deps.sh installs $1)"
		exit 1
	fi
	skip "$2"
}
