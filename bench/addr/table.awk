# SPDX-License-Identifier: MIT
# bench/run's table for bench/addr: reads the tab-separated lines of
# addr_bench, run_cli.sh and bench/run itself (awk -F '\t'), writes markdown.
# Plain POSIX awk (mawk is Debian's default).

function commas(n,    s, neg) {
	s = sprintf("%.0f", n)
	neg = substr(s, 1, 1) == "-"
	if (neg)
		s = substr(s, 2)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return (neg ? "-" : "") s
}

# one decimal below 100x, none above
function times(q) {
	return q < 100 ? sprintf("%.1fx", q) : sprintf("%.0fx", q)
}

function status(q, target) {
	return q >= target ? "met" : "**not met**"
}

function c_row(key, what, target,    o, g, q) {
	if (!(key in v1)) {
		printf "| %s | - | - | - | >= %sx | not measured |\n", what, target
		return
	}
	o = v1[key]; g = v2[key]; q = v3[key]
	printf "| %s | %.1f ns | %.1f ns | %s | >= %sx | %s |\n", what, o, g, times(q), target,
		status(q, target)
}

function agree(key, peer,    n, s, sep) {
	if (!(key in v1))
		return
	n = v1[key]
	s = sprintf("- %s, first %s lines: %s byte-identical to ours", peer, commas(n),
		commas(v2[key]))
	sep = "; "
	if (v3[key] > 0)
		s = s sep commas(v3[key]) " the same address with a lone zero group written `::` (RFC 5952 section 4.2.2: \"MUST NOT\"; ours writes `:0:`)"
	if (v4[key] > 0)
		s = s sep commas(v4[key]) " the same IPv4-mapped address in hex (`::ffff:102:304`; RFC 5952 section 5 recommends the dotted quad, as ours)"
	if (v5[key] > 0)
		s = s sep commas(v5[key]) " the same address with a dotted quad where ours writes hex"
	if (v6[key] > 0)
		s = s sep commas(v6[key]) " the same address spelt otherwise"
	s = s sep commas(v7[key]) " a different address."
	s = s (v7[key] == 0 ? " **Agree** (every line the same address)." : " **DISAGREE**: the comparison is not fair.")
	print s
}

{
	k = $1
	v1[k] = $2; v2[k] = $3; v3[k] = $4; v4[k] = $5; v5[k] = $6; v6[k] = $7; v7[k] = $8
}

END {
	n = v1["inputs"]
	# the run in one line, as bench/ndp and bench/fabric head theirs
	printf "## bench/addr (%s, %s)\n\n", v1["date"], v1["machine"]
	printf "glibc %s; %s; ipv6calc %s; Python %s.\n\n", v1["glibc"],
		v1["cc"], (v1["ipv6calc"] != "" ? v1["ipv6calc"] : "not installed"), v1["python"]
	print "| operation | ours | peer | speed-up | target | |"
	print "|---|---:|---:|---:|---|---|"
	c_row("format", "format " commas(n) " addresses: `sixplane_addr_format` vs glibc `inet_ntop`, ns per address", 3)
	c_row("parse_canonical", "parse the same, as `inet_ntop` wrote them (" v3["inputs"] " chars on average): `sixplane_addr_parse` vs glibc `inet_pton`", 1.5)
	c_row("parse_expanded", "parse the same, all 32 digits (`2001:0db8:0000:...`): `sixplane_addr_parse` vs glibc `inet_pton`", 1.5)

	N = v1["bulk"]; calc_n = v2["bulk"]; py_n = v3["bulk"]
	what = "canonicalise " commas(N) " lines: `sixplane addr -` vs `ipv6calc -I ipv6addr -O ipv6addr` (pipe mode)"
	if (calc_n + 0 < N + 0)
		what = what ", ipv6calc timed on the first " commas(calc_n) " and scaled per line"
	if ("bulk_ipv6calc" in v1) {
		q = v1["bulk_ipv6calc"] / v2["bulk_ipv6calc"]
		printf "| %s | %s lines/s | %s lines/s | %s | >= 20x | %s |\n", what,
			commas(v1["bulk_ipv6calc"]), commas(v2["bulk_ipv6calc"]), times(q), status(q, 20)
	} else {
		printf "| %s | - | ipv6calc not installed | - | >= 20x | not measured |\n", what
	}
	q = v1["bulk_python"] / v2["bulk_python"]
	printf "| canonicalise the same: `sixplane addr -` vs Python %s `str(ipaddress.IPv6Address(line))`, Python timed on the first %s lines and scaled per line | %s lines/s | %s lines/s | %s | - | - |\n",
		v1["python"], commas(py_n), commas(v1["bulk_python"]), commas(v2["bulk_python"]), times(q)
	printf "| `sixplane plane 8056c2e21c000001 -`: %s node ids to one TSV line each | %s lines/s | no peer | - | - | - |\n",
		commas(v2["plane"]), commas(v1["plane"])

	print ""
	printf "- Library rows: %s addresses with a fixed seed, shaped like real ones (global unicast with small, EUI-64 and random interface ids, link-local, 6PLANE, multicast, NAT64, 6to4, 12%% IPv4-mapped, 15%% fully random). Each of %s rounds is one pass over all of them per side, the side going first alternating; ns are the medians per side, the speed-up the median of the per-round ratios (glibc time / ours). Before timing, both sides gave identical text and bytes for every input.\n", commas(n), v2["inputs"]
	printf "- Command rows: wall time of the whole process (start-up included), input from a file in the page cache, output to /dev/null; median of %s rounds, the tools interleaved. Input: non-canonical spellings (all 32 digits, upper case, no `::`, stray leading zeros, IPv4-mapped dotted and hex; fixed seed). Speed-up = our lines/s / theirs.\n", v4["bulk"]
	if (v3["plane"] != v2["plane"])
		printf "- **`sixplane plane` wrote %s lines for %s node ids.**\n", commas(v3["plane"]), commas(v2["plane"])
	agree("agree_ipv6calc", "ipv6calc")
	agree("agree_python", "Python ipaddress")
}
