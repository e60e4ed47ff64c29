#!/bin/sh
# Runs shellcheck -s sh on the SmartOS scripts (illumos /bin/sh is ksh93: no
# bashisms) and on these tests and stand-ins.
#   sh test_shellcheck.sh SIXPLANE CONTRIB_SMARTOS
[ $# -ge 2 ] || {
	echo "usage: $0 SIXPLANE CONTRIB_SMARTOS" >&2
	exit 2
}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=skip.sh
. "$HERE/skip.sh"
command -v shellcheck >/dev/null 2>&1 || skip_dep shellcheck "shellcheck not found"
status=0
for f in "$2/sixplane-ipv6" "$2/sixplane-vm-create"; do
	if shellcheck -s sh "$f"; then echo "ok - $f"; else echo "not ok - $f"; status=1; fi
done
cd "$HERE" || exit 1
for f in lib.sh skip.sh test_*.sh stubs/*; do
	if shellcheck -x -s sh "$f"; then echo "ok - tests/smartos/$f"; else echo "not ok - tests/smartos/$f"; status=1; fi
done
exit $status
