#!/usr/bin/env python3
"""Bulk mode reproduces tests/vectors/ exactly (independent of the goldens).

- 6plane.tsv, grouped by nwid: "sixplane plane NWID -" fed the node column
  prints the rows byte for byte (no header); "sixplane mac NWID -" prints
  node and mac; "sixplane node NWID -" fed the mac column gives the node
  back; "sixplane decode - --network NWID --json" of the host address and
  the RFC4193 address names the node and its MAC. Warnings on stderr are
  exactly the ones doc/addressing.md lists (reserved node ids, an nwid whose
  halves are equal), nothing else.
- eui64.tsv, grouped by prefix: "sixplane slaac - PREFIX" fed the mac column
  prints mac, link_local, slaac_addr; without a prefix, mac and link_local.
"""

import collections
import concurrent.futures
import json
import os
import sys

import clitest

PLANE_COLUMNS = [
    "nwid",
    "node",
    "sixplane_prefix",
    "sixplane_host_prefix",
    "sixplane_addr",
    "rfc4193_addr",
    "rfc4193_prefix",
    "mac",
]
EUI64_COLUMNS = ["nwid", "node", "mac", "link_local", "slaac_prefix", "slaac_addr"]


def load(path, columns):
    with open(path, encoding="ascii") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header != columns:
            sys.exit("%s: unexpected header %r" % (path, header))
        return [dict(zip(columns, l.rstrip("\n").split("\t"))) for l in f if l.strip()]


def reserved(node):
    n = int(node, 16)
    return n == 0 or n >> 32 == 0xFF


def equal_halves(nwid):
    n = int(nwid, 16)
    return n >> 32 == n & 0xFFFFFFFF


def tsv(rows, cols):
    return "".join("\t".join(r[c] for c in cols) + "\n" for r in rows).encode()


def lines(rows, col):
    return "".join(r[col] + "\n" for r in rows).encode()


def first_diff(want, got):
    w, g = want.decode().splitlines(), got.decode("utf-8", "replace").splitlines()
    for i, (a, b) in enumerate(zip(w, g)):
        if a != b:
            return "line %d:\n  want %s\n  got  %s" % (i + 1, a, b)
    return "want %d lines, got %d" % (len(w), len(g))


def plane_group(sixplane, nwid, rs):
    """The checks of one network: a list of (check, problem)."""
    issues = []
    nodes = lines(rs, "node")

    p = clitest.run(sixplane, ["plane", nwid, "-"], stdin=nodes)
    want = tsv(rs, PLANE_COLUMNS)
    if p.returncode != 0 or p.stdout != want:
        diff = first_diff(want, p.stdout)
        issues.append(("plane", "%s: exit %d, %s" % (nwid, p.returncode, diff)))
    want_err = []
    if equal_halves(nwid):
        want_err.append(
            "sixplane: warning: network id %s folds to fc00::/40 (its halves are equal): "
            "every such network shares that prefix" % nwid
        )
    res = [i + 1 for i, r in enumerate(rs) if reserved(r["node"])]
    if res:
        want_err.append(
            "sixplane: warning: %d node id(s) reserved by ZeroTier, the first on line %d"
            % (len(res), res[0])
        )
    err = clitest.stderr_lines(p.stderr)
    if err != want_err:
        issues.append(("plane-warnings", "%s: want %r, got %r" % (nwid, want_err, err)))

    p = clitest.run(sixplane, ["mac", nwid, "-"], stdin=nodes)
    want = tsv(rs, ["node", "mac"])
    if p.returncode != 0 or p.stdout != want:
        issues.append(("mac", "%s: exit %d, %s" % (nwid, p.returncode, first_diff(want, p.stdout))))

    p = clitest.run(sixplane, ["node", nwid, "-"], stdin=lines(rs, "mac"))
    want = tsv(rs, ["mac", "node"])
    if p.returncode != 0 or p.stdout != want or p.stderr:
        issues.append(
            (
                "node",
                "%s: exit %d, %s, stderr %s"
                % (nwid, p.returncode, first_diff(want, p.stdout), clitest.show(p.stderr)),
            )
        )

    want = []
    for r in rs:
        for kind, addr in (("6plane", r["sixplane_addr"]), ("rfc4193-plane", r["rfc4193_addr"])):
            want.append(
                {
                    "address": addr,
                    "kind": kind,
                    "network": nwid,
                    "network_known": True,
                    "node": r["node"],
                    "owner_mac": r["mac"],
                }
            )
    stdin = "".join(w["address"] + "\n" for w in want).encode()
    p = clitest.run(sixplane, ["decode", "-", "--network", nwid, "--json"], stdin=stdin)
    try:
        got = [json.loads(l) for l in p.stdout.decode().splitlines()]
    except ValueError as e:
        return issues + [("decode", "%s: not JSON lines: %s" % (nwid, e))]
    if p.returncode != 0 or len(got) != len(want):
        return issues + [("decode", "%s: exit %d, %d objects" % (nwid, p.returncode, len(got)))]
    host_prefix = {r["node"]: r["sixplane_host_prefix"] for r in rs}
    for w, g in zip(want, got):
        sub = {k: g.get(k) for k in w}
        if sub != w:
            return issues + [("decode", "%s: want %r, got %r" % (nwid, w, sub))]
        if w["kind"] == "6plane" and (
            g.get("host_address") is not True or g.get("host_prefix") != host_prefix[w["node"]]
        ):
            return issues + [("decode", "%s: host_address/host_prefix wrong in %r" % (nwid, g))]
    return issues


def plane_checks(sixplane, rows, report):
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r["nwid"], []).append(r)
    bad = {"plane": [], "plane-warnings": [], "mac": [], "node": [], "decode": []}
    # Four processes per network, a few networks at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for issues in pool.map(lambda g: plane_group(sixplane, g[0], g[1]), groups.items()):
            for what, msg in issues:
                bad[what].append(msg)
    n = len(rows)
    for what, label in (
        ("plane", "plane-reproduces-6plane.tsv"),
        ("plane-warnings", "plane-warns-reserved-and-equal-halves"),
        ("mac", "mac-reproduces-6plane.tsv"),
        ("node", "node-inverts-6plane.tsv"),
        ("decode", "decode-finds-owner-of-6plane.tsv"),
    ):
        report.check(
            label,
            not bad[what],
            "%d of %d networks differ (%d rows); first: %s"
            % (len(bad[what]), len(groups), n, bad[what][0] if bad[what] else ""),
        )


def slaac_checks(sixplane, rows, report):
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r["slaac_prefix"], []).append(r)
    bad = []
    for prefix, rs in groups.items():
        p = clitest.run(sixplane, ["slaac", "-", prefix], stdin=lines(rs, "mac"))
        want = tsv(rs, ["mac", "link_local", "slaac_addr"])
        if p.returncode != 0 or p.stdout != want or p.stderr:
            bad.append("%s: exit %d, %s" % (prefix, p.returncode, first_diff(want, p.stdout)))
    report.check(
        "slaac-reproduces-eui64.tsv",
        not bad,
        "%d of %d prefixes differ; first: %s" % (len(bad), len(groups), bad[0] if bad else ""),
    )
    # Every MAC at once, no prefix: the link-local column.
    p = clitest.run(sixplane, ["slaac", "-"], stdin=lines(rows, "mac"))
    want = tsv(rows, ["mac", "link_local"])
    report.check(
        "slaac-link-local-eui64.tsv",
        p.returncode == 0 and p.stdout == want and not p.stderr,
        "exit %d, %s" % (p.returncode, first_diff(want, p.stdout)),
    )
    # The MAC column of eui64.tsv is the MAC of (nwid, node) on each row.
    bad = []
    for r in rows:
        p = clitest.run(sixplane, ["mac", r["nwid"], r["node"], "--json"])
        try:
            got = json.loads(p.stdout).get("mac")
        except ValueError:
            got = None
        if got != r["mac"]:
            bad.append("%s %s: want %s, got %s" % (r["nwid"], r["node"], r["mac"], got))
    report.check("eui64.tsv-macs-are-node-macs", not bad, "; ".join(bad[:3]))


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("vectors")
    plane_rows = load(os.path.join(args.vectors, "6plane.tsv"), PLANE_COLUMNS)
    eui_rows = load(os.path.join(args.vectors, "eui64.tsv"), EUI64_COLUMNS)
    report.check("6plane.tsv-has-rows", len(plane_rows) >= 50, "%d rows" % len(plane_rows))
    report.check("eui64.tsv-has-rows", len(eui_rows) >= 50, "%d rows" % len(eui_rows))
    plane_checks(sixplane, plane_rows, report)
    slaac_checks(sixplane, eui_rows, report)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
