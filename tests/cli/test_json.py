#!/usr/bin/env python3
"""--json output is JSON, one object per result, with the contract's keys.

For every command with records (plane, slaac, decode, addr, mac, node), in
argument and in stdin mode:
- each line of stdout parses with Python's json module as an object, and
  there is one per input;
- its keys, in order, are the field names the text form prints, and its
  values are the text form's (yes/no are true/false there);
- in stdin mode the keys start with the columns of the TSV form and carry
  the same values: for plane the columns of vectors/6plane.tsv, for slaac
  those of vectors/eui64.tsv after nwid and node (sixplane(1), --json:
  "the keys are the field names of the text output").
docker and cni print one JSON document (with or without --json) whose
values are the host's /80 and the network's /40.
"""

import json
import sys

import clitest

NWID = "8056c2e21c000001"
NODES = ["89e92ceee5", "0000000001", "abcdef0123"]
MACS = ["72:9c:d5:34:47:59", "02:89:e9:30:0c:27", "ff:ff:ff:ff:ff:ff"]
PREFIX = "2001:db8:1::/64"
ADDRS = [
    "fc9c:56c2:e389:e92c:eee5::dead:beef",
    "fd80:56c2:e21c:0:199:9389:e92c:eee5",
    "fe80::709c:d5ff:fe34:4759%eth0",
    "ff02::1:ff34:4759",
    "::ffff:192.0.2.1",
    "2001:db8::1",
]
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
SLAAC_JSON = ["mac", "link_local", "slaac_prefix", "slaac_addr"]  # eui64.tsv minus nwid, node

# name, argument-mode argv and the number of results it gives, stdin-mode
# argv, its input lines, and the columns of its TSV form (None: no TSV form)
COMMANDS = [
    ("plane", ["plane", NWID, NODES[0]], 1, ["plane", NWID, "-"], NODES, PLANE_COLUMNS),
    (
        "slaac",
        ["slaac", MACS[0], PREFIX],
        1,
        ["slaac", "-", PREFIX],
        MACS,
        ["mac", "link_local", "slaac_addr"],
    ),
    ("slaac-no-prefix", ["slaac", MACS[0]], 1, ["slaac", "-"], MACS, ["mac", "link_local"]),
    (
        "decode",
        ["decode", "--network", NWID] + ADDRS,
        len(ADDRS),
        ["decode", "-", "--network", NWID],
        ADDRS,
        None,
    ),
    (
        "addr",
        ["addr", "2001:0DB8::1", "fe80::/10"],
        2,
        ["addr", "-"],
        ["2001:0DB8::1", "fe80::/10"],
        None,
    ),
    ("mac", ["mac", NWID, NODES[0]], 1, ["mac", NWID, "-"], NODES, ["node", "mac"]),
    ("node", ["node", NWID, MACS[1]], 1, ["node", NWID, "-"], MACS, ["mac", "node"]),
]


def text_records(out):
    """The text form: "key  value" lines, records separated by a blank line."""
    recs = []
    for block in out.decode().split("\n\n"):
        rec = []
        for line in block.splitlines():
            key, _, value = line.partition("  ")
            rec.append((key, value.strip()))
        if rec:
            recs.append(rec)
    return recs


def json_lines(out):
    objs = []
    for line in out.decode().splitlines():
        obj = json.loads(line, object_pairs_hook=list)  # keeps order, sees duplicates
        if not isinstance(obj, list):
            raise ValueError("not an object: %s" % line)
        objs.append(obj)
    return objs


def as_text(v):
    if v is True:
        return "yes"
    if v is False:
        return "no"
    return str(v)


def compare_text(text, objs):
    """Problems between text records and JSON objects of the same inputs."""
    if len(text) != len(objs):
        return "%d text records, %d JSON objects" % (len(text), len(objs))
    for t, o in zip(text, objs):
        keys = [k for k, _ in o]
        if len(set(keys)) != len(keys):
            return "duplicate keys in %r" % keys
        if [k for k, _ in t] != keys:
            return "keys differ: text %r, json %r" % ([k for k, _ in t], keys)
        for (k, tv), (_, jv) in zip(t, o):
            if isinstance(jv, (dict, list)) or as_text(jv) != tv:
                return "%s: text %r, json %r" % (k, tv, jv)
    return ""


def check_command(sixplane, report, name, argv, n_args, bulk_argv, inputs, columns):
    # Argument mode: text and --json agree.
    t = clitest.run(sixplane, argv)
    j = clitest.run(sixplane, argv + ["--json"])
    try:
        objs = json_lines(j.stdout)
        problem = ""
    except ValueError as e:
        objs, problem = [], "not JSON: %s: %s" % (e, clitest.show(j.stdout))
    if not problem and (t.returncode or j.returncode):
        problem = "exit %d/%d" % (t.returncode, j.returncode)
    if not problem and len(objs) != n_args:
        problem = "%d objects for %d inputs" % (len(objs), n_args)
    if not problem and name == "addr":  # addr's text form is the bare value
        if [dict(o).get("addr", dict(o).get("prefix")) for o in objs] != t.stdout.decode().split():
            problem = "text %r, json %r" % (t.stdout, objs)
    elif not problem:
        problem = compare_text(text_records(t.stdout), objs)
    report.check("%s-json-parses-and-matches-text" % name, not problem, problem)

    # stdin mode: one object per line of input, the TSV columns first.
    stdin = "".join(x + "\n" for x in inputs).encode()
    tsv = clitest.run(sixplane, bulk_argv, stdin=stdin)
    j = clitest.run(sixplane, bulk_argv + ["--json"], stdin=stdin)
    problem = ""
    try:
        objs = json_lines(j.stdout)
    except ValueError as e:
        objs, problem = [], "not JSON: %s: %s" % (e, clitest.show(j.stdout))
    if not problem and (tsv.returncode or j.returncode):
        problem = "exit %d/%d: %s" % (tsv.returncode, j.returncode, clitest.show(j.stderr))
    if not problem and len(objs) != len(inputs):
        problem = "%d objects for %d lines" % (len(objs), len(inputs))
    if not problem and columns:
        rows = [l.split("\t") for l in tsv.stdout.decode().splitlines()]
        for row, obj in zip(rows, objs):
            keys = [k for k, _ in obj]
            if [k for k in keys if k in columns] != columns:
                problem = "keys %r do not hold the columns %r in order" % (keys, columns)
                break
            d = dict(obj)
            if [d.get(c) for c in columns] != row:
                problem = "TSV %r, JSON %r" % (row, [d.get(c) for c in columns])
                break
    if not problem and name == "decode":
        # stdin mode prints what argument mode prints
        a = clitest.run(sixplane, ["decode", "--json", "--network", NWID] + inputs)
        if a.stdout != j.stdout:
            problem = "stdin mode and argument mode differ"
    report.check("%s-bulk-json-parses-with-columns" % name, not problem, problem)
    return objs


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("json")

    for command in COMMANDS:
        check_command(sixplane, report, *command)

    # The contract's key sets, exactly.
    j = clitest.run(sixplane, ["plane", NWID, "-", "--json"], stdin=b"89e92ceee5\n")
    keys = list(json.loads(j.stdout)) if j.returncode == 0 else []
    report.check(
        "plane-json-keys-start-with-6plane.tsv-columns",
        keys[: len(PLANE_COLUMNS)] == PLANE_COLUMNS
        and set(keys) - set(PLANE_COLUMNS) <= {"reverse_zone"},
        "keys %r" % keys,
    )
    j = clitest.run(sixplane, ["slaac", "-", PREFIX, "--json"], stdin=b"72:9c:d5:34:47:59\n")
    keys = list(json.loads(j.stdout)) if j.returncode == 0 else []
    report.check("slaac-json-keys-are-eui64.tsv-columns", keys == SLAAC_JSON, "keys %r" % keys)

    # A bad line in stdin mode: the others are still one JSON object each.
    stdin = b"89e92ceee5\nxyz\n0000000001\n"
    j = clitest.run(sixplane, ["plane", NWID, "-", "--json"], stdin=stdin)
    try:
        objs = [json.loads(l) for l in j.stdout.decode().splitlines()]
    except ValueError:
        objs = []
    report.check(
        "bulk-json-bad-line-others-still-json",
        j.returncode == 1
        and [o.get("node") for o in objs] == ["89e92ceee5", "0000000001"]
        and len(clitest.stderr_lines(j.stderr)) == 1,
        "exit %d, stdout %s, stderr %s"
        % (j.returncode, clitest.show(j.stdout), clitest.show(j.stderr)),
    )

    # docker and cni: one document, --json or not, naming the host's /80.
    plane = json.loads(clitest.run(sixplane, ["plane", NWID, NODES[0], "--json"]).stdout)
    for extra in ([], ["--json"]):
        d = clitest.run(sixplane, ["docker", "-n", NWID, "-N", NODES[0]] + extra)
        try:
            doc = json.loads(d.stdout)
        except ValueError:
            doc = None
        report.check(
            "docker-json-document%s" % ("-with-json-flag" if extra else ""),
            d.returncode == 0
            and doc == {"ipv6": True, "fixed-cidr-v6": plane["sixplane_host_prefix"]},
            clitest.show(d.stdout),
        )
        c = clitest.run(sixplane, ["cni", "-n", NWID, "-N", NODES[0]] + extra)
        try:
            doc = json.loads(c.stdout)
            plugin = doc["plugins"][0]
            ok = (
                c.returncode == 0
                and doc["cniVersion"] == "1.0.0"
                and doc["name"] == "sixplane"
                and plugin["type"] == "bridge"
                and plugin["bridge"] == "sixplane0"
                and plugin["ipam"]["type"] == "host-local"
                and plugin["ipam"]["ranges"]
                == [[{"subnet": plane["sixplane_host_prefix"], "gateway": plane["sixplane_addr"]}]]
                and plugin["ipam"]["routes"]
                == [
                    {"dst": plane["sixplane_prefix"], "gw": plane["sixplane_addr"]},
                    {"dst": "::/0", "gw": plane["sixplane_addr"]},
                ]
            )
        except (ValueError, KeyError, IndexError, TypeError):
            ok = False
        report.check(
            "cni-json-document%s" % ("-with-json-flag" if extra else ""), ok, clitest.show(c.stdout)
        )
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
