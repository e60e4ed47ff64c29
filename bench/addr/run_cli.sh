#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/addr, the bulk half: the sixplane command on a million lines.
#
#   bench/addr/run_cli.sh SIXPLANE_BINARY [NAME=FILE]...
#
# (c) Each input NAME=FILE (without any: "noncanonical", made by lines.py
#     addrs, fixed seed), its first BENCH_LINES (1,000,000) lines,
#     canonicalised by `sixplane addr -`, by ipv6calc in its pipe mode
#     (`ipv6calc -I ipv6addr -O ipv6addr` reading stdin) and by Python's
#     ipaddress (str(IPv6Address(line)), a refused line reported on stderr
#     and skipped, as ours does). Python takes ~20 us a line, so it gets the
#     first BENCH_PY_LINES (100,000) and its time is scaled per line;
#     ipv6calc gets the first BENCH_CALC_LINES (500,000) of the lines ours
#     accepts (its pipe mode stops at the first line it refuses), scaled
#     likewise. Ours runs twice: the implementation the library picks on
#     this CPU (or SIXPLANE_ADDR_IMPL=$BENCH_IMPL) and the portable one
#     (SIXPLANE_ADDR_IMPL=portable), when the binary honours the variable.
# (d) BENCH_LINES node ids through `sixplane plane 8056c2e21c000001 -`.
#
# Wall time of each whole process, output to /dev/null, input from a file in
# the page cache. BENCH_ROUNDS (5) rounds, the tools interleaved within each
# round, who goes first rotating; the median per tool and the median of the
# per-round ratios. Then the first BENCH_CHECK_LINES (100,000) lines again,
# output kept, to see that the peers gave the same answers and refused the
# same lines; ipv6calc is asked about the first BENCH_CALC_PROBE (100) lines
# ours refuses one process each (it would stop at the first).
#
# Prints tab-separated lines for bench/run (see the end of this file).
set -eu

SIXPLANE=${1:?usage: run_cli.sh SIXPLANE_BINARY [NAME=FILE]...}
shift
N=${BENCH_LINES:-1000000}
CALC_N=${BENCH_CALC_LINES:-500000}
PY_N=${BENCH_PY_LINES:-100000}
ROUNDS=${BENCH_ROUNDS:-5}
CHECK_N=${BENCH_CHECK_LINES:-100000}
PROBE_N=${BENCH_CALC_PROBE:-100}
IMPL=${BENCH_IMPL:-}
NWID=8056c2e21c000001
here=$(dirname "$0")

[ "$CALC_N" -le "$N" ] || CALC_N=$N
[ "$PY_N" -le "$N" ] || PY_N=$N
[ "$CHECK_N" -le "$PY_N" ] || CHECK_N=$PY_N

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the interpreter itself: a version manager's shim (pyenv) in front of it
# costs Python most of a second per start, not Python's own doing
PY=$(python3 -c 'import sys; print(sys.executable)')

have_calc=0
command -v ipv6calc >/dev/null 2>&1 && have_calc=1

# Does the binary take SIXPLANE_ADDR_IMPL? (A name no build has is then an
# error.) Without it the portable runs are left out.
cli_impl=0
if ! SIXPLANE_ADDR_IMPL=no-such-implementation "$SIXPLANE" addr ::1 >/dev/null 2>&1; then
	cli_impl=1
fi
[ "$cli_impl" -eq 1 ] || IMPL=

if [ $# -eq 0 ]; then
	"$PY" "$here/lines.py" addrs "$N" 5952 >"$tmp/noncanonical.in"
	set -- "noncanonical=$tmp/noncanonical.in"
fi
"$PY" "$here/lines.py" nodes "$N" 6 >"$tmp/nodes"

PY_CANON='import sys
from ipaddress import IPv6Address
out, err = sys.stdout.write, sys.stderr.write
for n, line in enumerate(sys.stdin, 1):
    try:
        out(str(IPv6Address(line.rstrip("\n"))) + "\n")
    except ValueError as e:
        err("line %d: %s\n" % (n, e))'

# The tools, each reading stdin and writing stdout; ours and Python exit 1
# when they refused a line (and said so on stderr).
ours() { SIXPLANE_ADDR_IMPL=$IMPL "$SIXPLANE" addr -; }
portable() { SIXPLANE_ADDR_IMPL=portable "$SIXPLANE" addr -; }
calc() { ipv6calc -q -I ipv6addr -O ipv6addr; }
py() { "$PY" -c "$PY_CANON"; }
plane() { "$SIXPLANE" plane "$NWID" - 2>/dev/null; } # ~1/256 ids are reserved: one warning

# wall TOOL INPUT TIMES: append the wall time in ns to TIMES
wall() {
	t0=$(date +%s%N)
	rc=0
	"$1" <"$2" >/dev/null 2>"$tmp/stderr" || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -gt 1 ] || { [ "$rc" -eq 1 ] && [ "$1" = calc ]; }; then
		echo "run_cli.sh: $1 failed on $2 (exit $rc):" >&2
		head -n 3 "$tmp/stderr" >&2
		exit 1
	fi
	echo $((t1 - t0)) >>"$3"
}

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# lines/s from a median wall time in ns
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }

# ratios PEER_TIMES PEER_LINES OURS_TIMES OURS_LINES: per-round
# (peer ns per line) / (ours ns per line), their median
ratio() {
	paste "$1" "$3" | awk -v pn="$2" -v on="$4" '{ print ($1 / pn) / ($2 / on) }' >"$tmp/q"
	median "$tmp/q"
}

# drop_lines|keep_lines LIST FILE: FILE without (with only) the lines whose
# numbers LIST holds
pick_lines() {
	awk -v list="$2" -v keep="$1" '
		BEGIN { while ((getline l < list) > 0) bad[l] = 1 }
		(NR in bad) == keep' "$3"
}
drop_lines() { pick_lines 0 "$1" "$2"; }
keep_lines() { pick_lines 1 "$1" "$2"; }

# the line numbers a tool refused, from its stderr ("...line N: ...")
refused() { sed -n 's/^\(sixplane: \)\{0,1\}line \([0-9]*\): .*/\2/p' "$1"; }

if [ "$cli_impl" -eq 1 ]; then
	printf 'cli_impl\t1\t%s\t%s\n' "${IMPL:-default}" portable
else
	printf 'cli_impl\t0\t\t\n'
fi

for spec in "$@"; do
	name=${spec%%=*}
	file=${spec#*=}
	in=$tmp/$name
	rm -f "$tmp"/t.*
	head -n "$N" "$file" >"$in"
	n=$(wc -l <"$in")
	head -n "$PY_N" "$in" >"$in.py"
	head -n "$CHECK_N" "$in" >"$in.check"
	# the lines ours accepts, for ipv6calc
	ours <"$in" >/dev/null 2>"$in.err" || true
	refused "$in.err" >"$in.bad"
	drop_lines "$in.bad" "$in" >"$in.valid"
	valid=$(wc -l <"$in.valid")
	head -n "$CALC_N" "$in.valid" >"$in.calc"
	calc_n=$(wc -l <"$in.calc")
	py_n=$(wc -l <"$in.py")

	tools="ours calc py"
	[ "$have_calc" -eq 1 ] || tools="ours py"
	[ "$cli_impl" -eq 0 ] || [ "$IMPL" = portable ] || tools="$tools portable"
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		# rotate who goes first, so no tool always runs on a cold or warm machine
		order=$(echo $tools | awk -v r="$r" '{ for (i = 0; i < NF; i++) printf "%s ", $((i + r) % NF + 1) }')
		for tool in $order; do
			case $tool in
			ours | portable) wall "$tool" "$in" "$tmp/t.$tool" ;;
			calc) wall calc "$in.calc" "$tmp/t.calc" ;;
			py) wall py "$in.py" "$tmp/t.py" ;;
			esac
		done
		r=$((r + 1))
	done

	printf 'bulk\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$n" "$calc_n" "$py_n" "$ROUNDS" \
		"$CHECK_N" "$valid"
	ours_rate=$(rate "$n" "$(median "$tmp/t.ours")")
	if [ "$have_calc" -eq 1 ]; then
		printf 'bulk_ipv6calc\t%s\t%s\t%s\t%s\n' "$name" "$ours_rate" \
			"$(rate "$calc_n" "$(median "$tmp/t.calc")")" \
			"$(ratio "$tmp/t.calc" "$calc_n" "$tmp/t.ours" "$n")"
	fi
	printf 'bulk_python\t%s\t%s\t%s\t%s\n' "$name" "$ours_rate" \
		"$(rate "$py_n" "$(median "$tmp/t.py")")" \
		"$(ratio "$tmp/t.py" "$py_n" "$tmp/t.ours" "$n")"
	if [ -s "$tmp/t.portable" ]; then
		p_calc=-
		[ "$have_calc" -eq 0 ] || p_calc=$(ratio "$tmp/t.calc" "$calc_n" "$tmp/t.portable" "$n")
		printf 'bulk_portable\t%s\t%s\t%s\t%s\n' "$name" \
			"$(rate "$n" "$(median "$tmp/t.portable")")" "$p_calc" \
			"$(ratio "$tmp/t.py" "$py_n" "$tmp/t.portable" "$n")"
	fi

	# the same answers, line for line, on the first CHECK_N lines
	ours <"$in.check" >"$in.out.ours" 2>"$in.err.ours" || true
	py <"$in.check" >"$in.out.py" 2>"$in.err.py" || true
	if [ -s "$tmp/t.portable" ]; then
		# the portable path must write the same bytes and messages
		portable <"$in.check" >"$in.out.portable" 2>"$in.err.portable" || true
		same=1
		cmp -s "$in.out.ours" "$in.out.portable" && cmp -s "$in.err.ours" "$in.err.portable" || same=0
		printf 'same_portable\t%s\t%s\n' "$name" "$same"
	fi
	printf 'agree_python\t%s\t%s\n' "$name" "$("$PY" "$here/lines.py" compare "$in.check" \
		"$in.out.ours" "$in.err.ours" "$in.out.py" "$in.err.py")"
	if [ "$have_calc" -eq 1 ]; then
		refused "$in.err.ours" >"$in.check.bad"
		drop_lines "$in.check.bad" "$in.check" >"$in.check.valid"
		calc <"$in.check.valid" >"$in.out.calc" 2>"$in.err.calc" || true
		printf 'agree_ipv6calc\t%s\t%s\n' "$name" "$("$PY" "$here/lines.py" compare \
			"$in.check.valid" "$in.out.ours" /dev/null "$in.out.calc" /dev/null)"
		# what ipv6calc makes of the lines ours refuses, one process each
		probed=0 calc_refused=0
		: >"$in.probe"
		keep_lines "$in.check.bad" "$in.check" | head -n "$PROBE_N" >"$in.probe.in"
		while IFS= read -r l; do
			probed=$((probed + 1))
			if out=$(printf '%s\n' "$l" | calc 2>/dev/null) && [ -n "$out" ]; then
				printf '%s\t%s\n' "$l" "$out" >>"$in.probe"
			else
				calc_refused=$((calc_refused + 1))
			fi
		done <"$in.probe.in"
		printf 'probe_ipv6calc\t%s\t%s\t%s\t%s\t%s\n' "$name" "$probed" "$calc_refused" \
			"$((probed - calc_refused))" \
			"$(head -n 3 "$in.probe" | awk -F '\t' '{ printf "%s`%s` as `%s`", (NR > 1 ? ", " : ""), $1, $2 }')"
	fi
done

r=0
while [ "$r" -lt "$ROUNDS" ]; do
	wall plane "$tmp/nodes" "$tmp/t.plane"
	r=$((r + 1))
done
plane_lines=$(plane <"$tmp/nodes" | wc -l)

# Output, tab-separated:
#   cli_impl	1 if SIXPLANE_ADDR_IMPL is honoured	ours' implementation	portable
#   per input NAME:
#   bulk	NAME	lines	ipv6calc lines	python lines	rounds	checked lines	lines ours accepts
#   bulk_ipv6calc	NAME	ours lines/s	ipv6calc lines/s	speed-up	(absent without ipv6calc)
#   bulk_python	NAME	ours lines/s	python lines/s	speed-up
#   bulk_portable	NAME	portable lines/s	speed-up vs ipv6calc	vs python
#   same_portable	NAME	1 if the portable path wrote the same output and messages
#   agree_python|agree_ipv6calc	NAME	lines.py compare's counts
#   probe_ipv6calc	NAME	probed	refused	accepted	examples
# and
#   plane	lines/s	N	lines written
printf 'plane\t%s\t%s\t%s\n' "$(rate "$N" "$(median "$tmp/t.plane")")" "$N" "$plane_lines"
