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
	if (q == "-" || q == "")
		return "-"
	return q < 100 ? sprintf("%.1fx", q) : sprintf("%.0fx", q)
}

function status(q, target) {
	if (q == "-" || q == "")
		return "-"
	return q >= target ? "met" : "**not met**"
}

function ns(v) {
	return v == "-" || v == "" ? "-" : sprintf("%.1f ns", v)
}

function rate(v) {
	return v == "-" || v == "" ? "-" : commas(v) " lines/s"
}

# the first cell of an input's first row, blank after
function first(name) {
	if (shown[name]++)
		return ""
	return "**" name "**"
}

# a library row: op of input name
function lib_row(name, op, what, target,    k) {
	k = name SUBSEP op
	if (!(k in ours)) {
		printf "| %s | %s | - | - | - | - | - | >= %sx | not measured | |\n", first(name), what, target
		return
	}
	printf "| %s | %s | %s | %s | %s | %s | %s | >= %sx | %s | %s |\n", first(name), what,
		ns(ours[k]), ns(port[k]), ns(peer[k]), times(q[k]), times(qp[k]), target,
		status(q[k], target), status(qp[k], target)
}

function cli_row(name, peername, key, target,    k, r, what) {
	k = name SUBSEP key
	if (key == "ipv6calc")
		what = "`sixplane addr -` vs ipv6calc pipe mode"
	else
		what = "`sixplane addr -` vs Python `ipaddress`"
	if (!(k in b_ours)) {
		printf "| %s | %s | - | - | %s | - | - | >= %sx | not measured | |\n", first(name), what,
			(key == "ipv6calc" ? "not installed" : "-"), target
		return
	}
	printf "| %s | %s | %s | %s | %s | %s | %s | >= %sx | %s | %s |\n", first(name), what,
		rate(b_ours[k]), rate(b_port[k]), rate(b_peer[k]), times(b_q[k]), times(b_qp[k]),
		target, status(b_q[k], target), status(b_qp[k], target)
}

function describe(name) {
	if (name == "addresses")
		return "addresses shaped like real ones (global unicast with small, EUI-64 and random interface ids, link-local, 6PLANE, multicast, NAT64, 6to4, 12% IPv4-mapped, 15% fully random); the library parses them as inet_ntop writes them and with all 32 digits (\"as written\"), the command gets them as inet_ntop writes them"
	if (name == "logs")
		return "the client-address field of server logs from many programs: the addresses above and prefixes ending in `::`, IPv4-compatible, ISATAP, zero groups here and there, a third of the lines a recent client again; spelt in lower, upper and mixed case, every `::` form (start, middle, end, alone, none, a lone zero group or a shorter run compressed), leading zeros, all 32 digits, IPv4-mapped and -embedded dotted tails; one line in each 100 invalid (typos, five-digit groups, `:::`, two `::`, an IPv4 octet above 255, trailing spaces or junk, brackets, zone ids, a group missing, `-`)"
	if (name == "noncanonical")
		return "non-canonical spellings (bench/addr/lines.py addrs): all 32 digits, upper case, no `::`, stray leading zeros, IPv4-mapped dotted, some canonical"
	return "the lines of a file"
}

function reasons(s,    n, a, i, out, kv) {
	n = split(s, a, ";")
	out = ""
	for (i = 1; i <= n; i++) {
		split(a[i], kv, "=")
		out = out (i > 1 ? ", " : "") kv[1] " " commas(kv[2])
	}
	return out
}

function agree(name, key, peername,    k, s, sep) {
	k = name SUBSEP key
	if (!(k in ag))
		return
	split(ag[k], f, "\t")
	# f: lines identical single v4hex v4dotted other different both_refused ours_only peer_only examples
	s = sprintf("  - %s, first %s lines: %s byte-identical to ours", peername, commas(f[1]), commas(f[2]))
	sep = "; "
	if (f[3] > 0)
		s = s sep commas(f[3]) " the same address with a lone zero group written `::` (RFC 5952 section 4.2.2: \"MUST NOT\"; ours writes `:0:`)"
	if (f[4] > 0)
		s = s sep commas(f[4]) " the same IPv4-mapped address in hex (`::ffff:102:304`; RFC 5952 section 5 recommends the dotted quad, as ours)"
	if (f[5] > 0)
		s = s sep commas(f[5]) " the same address with a dotted quad where ours writes hex (ISATAP `fe80::5efe:192.0.2.1`, IPv4-compatible `::192.0.2.1`, deprecated by RFC 4291 section 2.5.5.1; RFC 5952 section 5 asks it only of the well-known forms)"
	if (f[6] > 0)
		s = s sep commas(f[6]) " the same address spelt otherwise"
	s = s sep commas(f[7]) " a different address"
	if (f[8] + f[9] + f[10] > 0)
		s = s sep "refused by both " commas(f[8]) ", by ours only " commas(f[9]) ", by " peername " only " commas(f[10])
	if (f[9] > 0 && f[11] != "")
		s = s " (" peername " took, e.g., " f[11] ")"
	s = s "."
	s = s (f[7] == 0 ? " **Agree** (every line both took, the same address)." : " **DISAGREE**: the comparison is not fair.")
	print s
}

{
	k = $1
	if (k == "op") {
		key = $2 SUBSEP $3
		ours[key] = $4; port[key] = $5; peer[key] = $6; q[key] = $7; qp[key] = $8
	} else if (k == "input") {
		if (!($2 in lines))
			order[n_order++] = $2
		lines[$2] = $3; naddr[$2] = $4; rounds = $5; linechars[$2] = $6; canonchars[$2] = $7
	} else if (k == "refused") {
		ref_lines[$2] = $3; ref_ours[$2] = $4; ref_glibc[$2] = $5; ref_meant[$2] = $6; ref_why[$2] = $7
	} else if (k == "known") {
		known[$2] = $3
	} else if (k == "bulk") {
		if (!(($2) in blines) && !(($2) in lines))
			order[n_order++] = $2
		if (first_bulk == "")
			first_bulk = $2
		blines[$2] = $3; bcalc[$2] = $4; bpy[$2] = $5; brounds = $6; bcheck = $7; bvalid[$2] = $8
	} else if (k == "bulk_ipv6calc") {
		key = $2 SUBSEP "ipv6calc"
		b_ours[key] = $3; b_peer[key] = $4; b_q[key] = $5
	} else if (k == "bulk_python") {
		key = $2 SUBSEP "python"
		b_ours[key] = $3; b_peer[key] = $4; b_q[key] = $5
	} else if (k == "bulk_portable") {
		b_port[$2 SUBSEP "ipv6calc"] = $3; b_qp[$2 SUBSEP "ipv6calc"] = $4
		b_port[$2 SUBSEP "python"] = $3; b_qp[$2 SUBSEP "python"] = $5
	} else if (k == "agree_python" || k == "agree_ipv6calc") {
		line = $0
		sub(/^[^\t]*\t[^\t]*\t/, "", line)
		ag[$2 SUBSEP substr(k, 7)] = line
	} else if (k == "same_portable") {
		same_portable[$2] = $3
	} else if (k == "probe_ipv6calc") {
		probe[$2] = $3; probe_ref[$2] = $4; probe_acc[$2] = $5; probe_ex[$2] = $6
	} else if (k == "impl") {
		impl_default = $2; impl_ours = $3; impl_port = $4; impl_all = $5
	} else if (k == "cli_impl") {
		cli_honoured = $2; cli_ours = $3
	} else {
		v1[k] = $2; v2[k] = $3; v3[k] = $4
	}
}

END {
	# the run in one line, as bench/ndp and bench/fabric head theirs
	printf "## bench/addr (%s, %s)\n\n", v1["date"], v1["machine"]
	printf "CPU: %s. glibc %s; %s; ipv6calc %s; Python %s.\n\n", v1["cpu"], v1["glibc"],
		v1["cc"], (v1["ipv6calc"] != "" ? v1["ipv6calc"] : "not installed"), v1["python"]
	ours_name = impl_ours != "" ? impl_ours : "?"
	printf "Address text implementation (`sixplane_addr_impl()`): **%s**%s; this CPU runs %s. ", ours_name,
		(impl_ours == impl_default ? ", the library's own pick on this CPU" : " (asked for; the library's pick: " impl_default ")"),
		impl_all
	if (impl_port != "")
		printf "The portable C path (what a CPU without SIMD runs) is measured beside it in the same rounds. "
	if (cli_honoured == 1 && impl_port != "")
		printf "The command rows run `sixplane` with `SIXPLANE_ADDR_IMPL=%s` and with `SIXPLANE_ADDR_IMPL=portable`.\n\n", ours_name
	else if (cli_honoured == 1)
		printf "The command rows run `sixplane` with `SIXPLANE_ADDR_IMPL=%s`.\n\n", ours_name
	else
		printf "The `sixplane` binary does not take `SIXPLANE_ADDR_IMPL`: its command rows ran the library's pick (%s) only.\n\n", impl_default

	printf "Library rows: medians of %s rounds; command rows: medians of %s rounds (how, below the table).\n\n", rounds, brounds
	printf "| input | operation | ours (%s) | ours (portable) | peer | speed-up (%s) | speed-up (portable) | target | %s | portable |\n", ours_name, ours_name, ours_name
	print "|---|---|---:|---:|---:|---:|---:|---|---|---|"
	for (i = 0; i < n_order; i++) {
		name = order[i]
		if (name in lines) {
			lib_row(name, "format", "format " commas(naddr[name]) " addresses: `sixplane_addr_format` vs glibc `inet_ntop`, per address", 10)
			lib_row(name, "parse_canonical", "parse them as `inet_ntop` writes them (" canonchars[name] " chars on average): `sixplane_addr_parse` vs glibc `inet_pton`", 5)
			lib_row(name, "parse_written", "parse " commas(lines[name]) " lines as written (" linechars[name] " chars on average" (ref_ours[name] > 0 ? ", " commas(ref_ours[name]) " invalid" : "") "): `sixplane_addr_parse` vs glibc `inet_pton`", 5)
		}
		if (name in blines) {
			cli_row(name, "ipv6calc", "ipv6calc", 30)
			cli_row(name, "Python", "python", 150)
		}
	}
	printf "| | `sixplane plane 8056c2e21c000001 -`: %s node ids to one TSV line each | %s lines/s | | no peer | - | - | - | | |\n",
		commas(v2["plane"]), commas(v1["plane"])

	print ""
	print "Inputs (fixed seeds; the library rows take the first " commas(lines[order[0]]) " lines of each, the command rows the first " commas(blines[first_bulk]) "):"
	print ""
	for (i = 0; i < n_order; i++) {
		name = order[i]
		printf "- **%s**: %s.\n", name, describe(name)
		if (name in ref_lines && ref_ours[name] + ref_glibc[name] > 0) {
			printf "  - Invalid lines, library: of %s, ours refused %s and glibc `inet_pton` %s, the same lines (checked line by line)", commas(ref_lines[name]), commas(ref_ours[name]), commas(ref_glibc[name])
			if (ref_meant[name] != "-" && ref_meant[name] != "")
				printf "; the generator meant %s", commas(ref_meant[name])
			printf ". Ours' reasons: %s.\n", reasons(ref_why[name])
		}
		if (known[name] > 0)
			printf "  - Format: %s IPv4-compatible addresses (`::/96`, deprecated by RFC 4291 section 2.5.5.1) glibc writes as `::1.2.3.4`, ours in hex (RFC 5952 section 5 asks the dotted quad only of the well-known forms); timed all the same, the only difference allowed.\n", commas(known[name])
		if (name in blines && bvalid[name] < blines[name])
			printf "  - Command: ours refused %s of the %s lines (each reported on stderr, timed with the rest); ipv6calc's pipe mode stops at the first line it refuses, so it was timed on the first %s lines ours accepts.\n", commas(blines[name] - bvalid[name]), commas(blines[name]), commas(bcalc[name])
		if (name in same_portable)
			printf "  - Command, `SIXPLANE_ADDR_IMPL=portable` against %s on the first %s lines: %s\n", ours_name, commas(bcheck), (same_portable[name] == 1 ? "the same output and messages, byte for byte." : "**DIFFERENT output or messages**.")
		agree(name, "ipv6calc", "ipv6calc")
		if (probe[name] > 0)
			printf "  - ipv6calc alone on each of the first %s lines ours refused: refused %s, took %s%s.\n", commas(probe[name]), commas(probe_ref[name]), commas(probe_acc[name]), (probe_ex[name] != "" ? " (e.g. " probe_ex[name] ")" : "")
		agree(name, "python", "Python ipaddress")
	}
	print ""
	printf "How measured. Library rows: each of %s rounds is one pass over an input per side (glibc, ours, ours portable), the side going first rotating; ns are the medians per side, a speed-up the median of the per-round ratios (glibc time / ours). The issue's parse target is for the texts as `inet_ntop` writes them; the lines as written are held to it too. Before timing, every implementation measured gave the same text and bytes as glibc for every input, refused the same lines, and the same reason as the other implementation. ", rounds
	printf "Command rows: wall time of the whole process (start-up included), input from a file in the page cache, output and messages to /dev/null; %s rounds, the tools interleaved and who goes first rotating; lines/s from the median time, a speed-up the median of the per-round ratios of time per line. Python (the interpreter itself, no version manager's shim) is timed on the first %s lines of each input and ipv6calc on the first %s lines ours accepts, scaled per line. The answers are compared on the first %s lines.\n", brounds, commas(bpy[first_bulk]), commas(bcalc[first_bulk]), commas(bcheck)
	if (v3["plane"] != v2["plane"])
		printf "\n**`sixplane plane` wrote %s lines for %s node ids.**\n", commas(v3["plane"]), commas(v2["plane"])
}
