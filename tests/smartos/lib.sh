# shellcheck shell=sh
# Shared by the SmartOS tests (POSIX sh, sourced). A test script is run as
#   sh test_X.sh SIXPLANE CONTRIB_SMARTOS [SHELL]
# SIXPLANE: the real CLI; CONTRIB_SMARTOS: the scripts under test; SHELL:
# the shell that runs them (default sh; ksh93 is illumos' /bin/sh).
#
# Each case is a function t_NAME run in a subshell with a fresh folder $D,
# which is also $SP_STUB_DIR for the stand-ins in stubs/ (see stubs/stub.sh):
# they come first in PATH, record every call in $D/log and read their canned
# outputs from $D. run_script clears the log, so each run's calls are checked
# alone.

HERE=$(cd "$(dirname "$0")" && pwd)
STUBS=$HERE/stubs
# shellcheck disable=SC2034 # FIX is for the tests that source this
FIX=$HERE/fixtures
# shellcheck source=skip.sh
. "$HERE/skip.sh"

[ $# -ge 2 ] || {
	echo "usage: $0 SIXPLANE CONTRIB_SMARTOS [SHELL]" >&2
	exit 2
}
SIXPLANE=$1
CONTRIB=$2
SP_SH=${3:-sh}
[ -x "$SIXPLANE" ] || {
	echo "FAIL: no sixplane at '$SIXPLANE'" >&2
	exit 1
}
case $SIXPLANE in
/*) ;;
*) SIXPLANE=$(pwd)/$SIXPLANE ;;
esac
case $CONTRIB in
/*) ;;
*) CONTRIB=$(pwd)/$CONTRIB ;;
esac
# every shell the tests are run with (sh, ksh93) is one scripts/deps.sh installs
command -v "$SP_SH" >/dev/null 2>&1 || skip_dep "$SP_SH" "no shell '$SP_SH' here"

# The system tools the scripts use (sed, awk, tr, grep, mv, rm, cat) and
# nothing from /usr/local: sixplane is in PATH only where a case puts it.
SYS_PATH=/usr/bin:/bin
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sp-smartos.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

D=
# new_case NAME: a fresh $D, with sixplane in $D/bin (in PATH)
new_case() {
	D=$TMP/$1
	mkdir -p "$D/mdata" "$D/bin" || exit 1
	ln -s "$SIXPLANE" "$D/bin/sixplane" || exit 1
	: >"$D/log"
	SP_STUB_DIR=$D
	export SP_STUB_DIR
}

# run_script SCRIPT ARG...: run contrib's SCRIPT with the stand-ins first in
# PATH; stdout in $D/out, stderr in $D/err, status in RC, calls in $D/log
RC=
run_script() {
	s=$1
	shift
	: >"$D/log"
	PATH="$STUBS:$D/bin:$SYS_PATH" "$SP_SH" "$CONTRIB/$s" "$@" >"$D/out" 2>"$D/err" </dev/null
	RC=$?
}

# ---- checks: each prints what is wrong and returns 1 ----
show() {
	for f in out err log; do
		echo "--- $f:"
		sed 's/^/    /' "$D/$f" 2>/dev/null
	done
}
expect_rc() {
	[ "$RC" -eq "$1" ] && return 0
	echo "exit status $RC, expected $1"
	show
	return 1
}
# expect_calls: the log equals stdin, line for line
expect_calls() {
	cat >"$D/expected"
	diff -u "$D/expected" "$D/log" >"$D/diff" && return 0
	echo "calls differ (- expected, + made):"
	sed 's/^/    /' "$D/diff"
	show
	return 1
}
# expect_in FILE TEXT: FILE ($D/FILE) holds TEXT (fixed string)
expect_in() {
	grep -qF -- "$2" "$D/$1" && return 0
	echo "$1 lacks: $2"
	show
	return 1
}
expect_not_in() {
	grep -qF -- "$2" "$D/$1" || return 0
	echo "$1 should not hold: $2"
	show
	return 1
}
# expect_file FILE: $D/FILE equals stdin (a missing file reads as empty)
expect_file() {
	cat >"$D/expected"
	f=$D/$1
	[ -f "$f" ] || f=/dev/null
	diff -u "$D/expected" "$f" >"$D/diff" && return 0
	echo "$1 differs (- expected, + actual):"
	sed 's/^/    /' "$D/diff"
	show
	return 1
}
expect_no_file() {
	[ ! -e "$D/$1" ] && return 0
	echo "$1 should not exist; it holds:"
	sed 's/^/    /' "$D/$1"
	return 1
}

# run_cases t_A t_B ...: each in a subshell; a case fails if it returns
# non-zero or if a stand-in saw a call it does not know
run_cases() {
	failed=0
	n=0
	for t in "$@"; do
		n=$((n + 1))
		if (
			new_case "$t"
			"$t" || exit 1
			if [ -s "$D/unsupported" ]; then
				echo "calls no stand-in expected:"
				sed 's/^/    /' "$D/unsupported"
				exit 1
			fi
		) >"$TMP/$t.report" 2>&1; then
			echo "ok $n - $t"
		else
			echo "not ok $n - $t"
			sed 's/^/    /' "$TMP/$t.report"
			failed=$((failed + 1))
		fi
	done
	echo "# $((n - failed))/$n passed (scripts run by $SP_SH)"
	[ "$failed" -eq 0 ]
}
