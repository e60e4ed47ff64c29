#!/bin/sh
# bench/addr, the bulk half: 1,000,000 addresses canonicalised through
# `sixplane addr -`, against ipv6calc's pipe mode and Python's ipaddress on
# the same lines; and 1,000,000 node ids through `sixplane plane NWID -`.
# Prints markdown rows (lines per second, best of 3 runs each).
set -eu
SIXPLANE=$1
N=${BENCH_LINES:-1000000}
PEER_N=${BENCH_PEER_LINES:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Non-canonical spellings of realistic addresses: all 32 digits, upper case
# now and then, zero runs of every length (fixed seed).
python3 - "$N" "$tmp/addrs" "$tmp/nodes" <<'PY'
import random, sys
n = int(sys.argv[1])
r = random.Random(20261123)
with open(sys.argv[2], "w") as f:
    for _ in range(n):
        start, run = r.randrange(8), r.randrange(7)
        g = [0 if start <= i < start + run else r.getrandbits(16 if r.random() < .6 else 8)
             for i in range(8)]
        s = ":".join("%04x" % x for x in g)
        f.write((s.upper() if r.random() < .2 else s) + "\n")
with open(sys.argv[3], "w") as f:
    for _ in range(n):
        f.write("%010x\n" % r.getrandbits(40))
PY
head -n "$PEER_N" "$tmp/addrs" >"$tmp/addrs_peer"

best() { # best wall time of 3 runs of: cmd < input > output
	input=$1
	shift
	b=""
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" <"$input" >"$tmp/out"
		t1=$(date +%s.%N)
		b=$(echo "$t0 $t1 ${b:-999999}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
	done
	echo "$b"
}
rate() { echo "$1 $2" | awk '{ printf "%.0f", $1 / $2 }'; }

ours=$(best "$tmp/addrs" "$SIXPLANE" addr -)
cp "$tmp/out" "$tmp/ours"
ours_rate=$(rate "$N" "$ours")
calc=$(best "$tmp/addrs" ipv6calc -q -I ipv6addr -O ipv6addr)
cp "$tmp/out" "$tmp/calc"
calc_rate=$(rate "$N" "$calc")
py=$(best "$tmp/addrs_peer" python3 -c 'import sys, ipaddress
w = sys.stdout.write
for l in sys.stdin: w(str(ipaddress.IPv6Address(l.strip())) + "\n")')
cp "$tmp/out" "$tmp/py"
py_rate=$(rate "$PEER_N" "$py")
# the same answers? (ipv6calc compresses a single zero group, which RFC 5952
# section 4.2.2 forbids; Python 3.11 prints IPv4-mapped in hex)
head -n "$PEER_N" "$tmp/ours" >"$tmp/ours_peer"
agree_calc=$(paste "$tmp/ours" "$tmp/calc" | awk -F'\t' '$1 == $2' | wc -l)
# Where the texts differ: the same address spelled otherwise (ipv6calc
# writes a single zero group as "::" and the deprecated IPv4-compatible
# ::/96 in dotted form) or really another one (must be none).
# shellcheck disable=SC2046 # three numbers
set -- $(paste "$tmp/ours" "$tmp/calc" | awk -F'\t' '$1 != $2' | python3 -c '
import sys, ipaddress
single = dotted = other = 0
for line in sys.stdin:
    o, c = line.rstrip("\n").split("\t")
    if ipaddress.IPv6Address(o) != ipaddress.IPv6Address(c):
        other += 1
    elif "." in c:
        dotted += 1
    else:
        single += 1
print(single, dotted, other)')
single_calc=$1 dotted_calc=$2 other_calc=$3
agree_py=$(paste "$tmp/ours_peer" "$tmp/py" | awk -F'\t' '$1 == $2' | wc -l)
# (about 1 in 256 random ids is reserved by ZeroTier; their warning is not news here)
plane=$(best "$tmp/nodes" sh -c "\"\$0\" plane 8056c2e21c000001 - 2>/dev/null" "$SIXPLANE")
plane_rate=$(rate "$N" "$plane")

r_calc=$(echo "$ours_rate $calc_rate" | awk '{ printf "%.1f", $1 / $2 }')
r_py=$(echo "$ours_rate $py_rate" | awk '{ printf "%.1f", $1 / $2 }')
met=$(echo "$r_calc" | awk '{ print ($1 >= 20 ? "met" : "NOT met") }')
echo "| bulk canonicalisation, \`sixplane addr -\` vs \`ipv6calc -I ipv6addr -O ipv6addr\` (pipe) | $ours_rate lines/s | $calc_rate lines/s | ${r_calc}x | 20x | $met |"
echo "| bulk canonicalisation, \`sixplane addr -\` vs Python \`ipaddress\` ($PEER_N lines) | $ours_rate lines/s | $py_rate lines/s | ${r_py}x | - | - |"
echo "| \`sixplane plane NWID -\`, $N node ids | $plane_rate lines/s | (no peer) | - | - | - |"
echo
echo "Same text: ipv6calc $agree_calc of $N lines; of the rest, $single_calc are the same address with ipv6calc writing a single zero group as \`::\` (RFC 5952 section 4.2.2 forbids it), $dotted_calc the same address with ipv6calc writing the deprecated IPv4-compatible form in dotted decimal (RFC 5952 section 5 keeps that for IPv4-mapped), and $other_calc are different addresses. Python $agree_py of $PEER_N (none of these inputs is IPv4-mapped, which Python 3.11 would print in hex)."
