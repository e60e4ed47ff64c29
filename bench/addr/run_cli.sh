#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/addr, the bulk half: the sixplane command on a million lines.
#
#   bench/addr/run_cli.sh SIXPLANE_BINARY
#
# (c) BENCH_LINES (1,000,000) IPv6 addresses in non-canonical spellings (all
#     32 digits, upper case, no "::", stray leading zeros, IPv4-mapped dotted;
#     lines.py, fixed seed) canonicalised by `sixplane addr -`, by ipv6calc in
#     its pipe mode (`ipv6calc -I ipv6addr -O ipv6addr` reading stdin) and by
#     Python's ipaddress (str(IPv6Address(line))). Python takes ~20 us a line,
#     so it gets the first BENCH_PY_LINES (200,000) and its time is scaled
#     per line; BENCH_CALC_LINES does the same for ipv6calc (default: all).
# (d) BENCH_LINES node ids through `sixplane plane 8056c2e21c000001 -`.
#
# Wall time of each whole process, output to /dev/null, input from a file in
# the page cache. BENCH_ROUNDS (5) rounds, the tools interleaved within each
# round; the median per tool. Then the first BENCH_CHECK_LINES (100,000)
# lines again, output kept, to see that the peers gave the same answers.
#
# Prints tab-separated lines for bench/run (see the end of this file).
set -eu

SIXPLANE=${1:?usage: run_cli.sh SIXPLANE_BINARY}
N=${BENCH_LINES:-1000000}
CALC_N=${BENCH_CALC_LINES:-$N}
PY_N=${BENCH_PY_LINES:-200000}
ROUNDS=${BENCH_ROUNDS:-5}
CHECK_N=${BENCH_CHECK_LINES:-100000}
NWID=8056c2e21c000001
here=$(dirname "$0")

[ "$CALC_N" -le "$N" ] || CALC_N=$N
[ "$PY_N" -le "$N" ] || PY_N=$N
[ "$CHECK_N" -le "$PY_N" ] || CHECK_N=$PY_N
[ "$CHECK_N" -le "$CALC_N" ] || CHECK_N=$CALC_N

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_calc=0
command -v ipv6calc >/dev/null 2>&1 && have_calc=1

python3 "$here/lines.py" addrs "$N" 5952 >"$tmp/addrs"
python3 "$here/lines.py" nodes "$N" 6 >"$tmp/nodes"
head -n "$CALC_N" "$tmp/addrs" >"$tmp/addrs_calc"
head -n "$PY_N" "$tmp/addrs" >"$tmp/addrs_py"
head -n "$CHECK_N" "$tmp/addrs" >"$tmp/addrs_check"

PY_CANON='import sys
from ipaddress import IPv6Address
sys.stdout.writelines(str(IPv6Address(line.rstrip("\n"))) + "\n" for line in sys.stdin)'

# The tools, each reading stdin and writing stdout.
ours() { "$SIXPLANE" addr -; }
calc() { ipv6calc -q -I ipv6addr -O ipv6addr; }
py() { python3 -c "$PY_CANON"; }
plane() { "$SIXPLANE" plane "$NWID" - 2>/dev/null; } # ~1/256 ids are reserved: one warning

# wall TOOL INPUT: append the wall time in ns to $tmp/t.TOOL
wall() {
	t0=$(date +%s%N)
	if ! "$1" <"$2" >/dev/null; then
		echo "run_cli.sh: $1 failed on $2" >&2
		exit 1
	fi
	t1=$(date +%s%N)
	echo $((t1 - t0)) >>"$tmp/t.$1"
}

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# lines/s from a median wall time in ns
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }

r=0
while [ "$r" -lt "$ROUNDS" ]; do
	# rotate who goes first, so no tool always runs on a cold or warm machine
	case $((r % 3)) in
	0) order="ours calc py" ;;
	1) order="calc py ours" ;;
	*) order="py ours calc" ;;
	esac
	for tool in $order; do
		case $tool in
		ours) wall ours "$tmp/addrs" ;;
		calc) [ "$have_calc" -eq 0 ] || wall calc "$tmp/addrs_calc" ;;
		py) wall py "$tmp/addrs_py" ;;
		esac
	done
	wall plane "$tmp/nodes"
	r=$((r + 1))
done

# the same answers, line for line, on the first CHECK_N lines
ours <"$tmp/addrs_check" >"$tmp/out.ours"
py <"$tmp/addrs_check" >"$tmp/out.py"
[ "$have_calc" -eq 0 ] || calc <"$tmp/addrs_check" >"$tmp/out.calc"
plane_lines=$(plane <"$tmp/nodes" | wc -l)

ours_rate=$(rate "$N" "$(median "$tmp/t.ours")")
py_rate=$(rate "$PY_N" "$(median "$tmp/t.py")")

# Output, tab-separated:
#   bulk	N	ipv6calc lines	python lines	rounds	checked lines
#   bulk_ipv6calc	ours lines/s	ipv6calc lines/s	(absent without ipv6calc)
#   bulk_python	ours lines/s	python lines/s
#   plane	lines/s	N	lines written
#   agree_ipv6calc|agree_python	lines.py compare's counts
printf 'bulk\t%s\t%s\t%s\t%s\t%s\n' "$N" "$CALC_N" "$PY_N" "$ROUNDS" "$CHECK_N"
if [ "$have_calc" -eq 1 ]; then
	printf 'bulk_ipv6calc\t%s\t%s\n' "$ours_rate" "$(rate "$CALC_N" "$(median "$tmp/t.calc")")"
fi
printf 'bulk_python\t%s\t%s\n' "$ours_rate" "$py_rate"
printf 'plane\t%s\t%s\t%s\n' "$(rate "$N" "$(median "$tmp/t.plane")")" "$N" "$plane_lines"
if [ "$have_calc" -eq 1 ]; then
	printf 'agree_ipv6calc\t%s\n' "$(python3 "$here/lines.py" compare "$tmp/out.ours" "$tmp/out.calc")"
fi
printf 'agree_python\t%s\n' "$(python3 "$here/lines.py" compare "$tmp/out.ours" "$tmp/out.py")"
