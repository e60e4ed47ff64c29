#!/usr/bin/env python3
"""Hostile input gives a clean one-line error naming the value, escaped.

In stdin mode a line of 1 MB, or one holding NUL, escape sequences,
DEL, bytes above 0x7e, quotes or backslashes, is reported on exactly one
line of stderr, "sixplane: line N: ...", printable ASCII only, short, that
shows the value (its printable parts, or a prefix of a long one); the lines
around it still print and the exit status is 1. The same holds for such
values given as arguments or as file names, and for the values sixplane
copies into its output (decode's zone, cni's bridge name): they either come
out escaped or are refused with such an error, never raw, never dropped.
"""

import json
import os
import re
import sys
import tempfile

import clitest

NWID = "8056c2e21c000001"
MB = 1 << 20

# name, argv, a good line, its expected output line
BULK = [
    ("plane", ["plane", NWID, "-"], b"89e92ceee5", b"\tfc9c:56c2:e389:e92c:eee5::1\t"),
    ("slaac", ["slaac", "-", "2001:db8:1::/64"], b"72:9c:d5:34:47:59",
     b"\t2001:db8:1:0:709c:d5ff:fe34:4759"),
    ("decode", ["decode", "-", "--json"], b"fe80::1", b'"address":"fe80::1"'),
    ("addr", ["addr", "-"], b"2001:DB8::1", b"2001:db8::1"),
    ("mac", ["mac", NWID, "-"], b"89e92ceee5", b"\t02:89:e9:30:0c:27"),
    ("node", ["node", NWID, "-"], b"02:89:e9:30:0c:27", b"\t89e92ceee5"),
]

# name, a bad line, the printable pieces its error must show (in order)
BAD_LINES = [
    ("nul", b"89e9\x002ceee5", [b"89e9", b"2ceee5"]),
    ("escape-sequence", b"\x1b[31mred\x1b[0m", [b"[31mred", b"[0m"]),
    ("control-bytes", b"ab\x01\x07\x08\x7fcd", [b"ab", b"cd"]),
    ("high-bytes", b"\xff\xfe\xc3\xa9z", [b"z"]),
    ("quote-backslash", b"a'b\\c", [b"a", b"b", b"c"]),
    ("tab", b"89e92ceee5\t", [b"89e92ceee5"]),
    ("carriage-return-inside", b"89e9\r2ceee5", [b"89e9", b"2ceee5"]),
]


def one_clean_line(stderr, prefix, max_len=400):
    """Problems with stderr as the one error line the contract asks for."""
    lines = stderr.split(b"\n")
    if lines[-1] != b"" or len(lines) != 2:
        return "want exactly one line on stderr, got %r" % stderr[:500]
    line = lines[0]
    if not line.startswith(prefix):
        return "does not start with %r: %r" % (prefix, line[:200])
    if any(c < 0x20 or c > 0x7E for c in line):
        return "raw control or non-ASCII bytes: %r" % line[:300]
    if len(line) > max_len:
        return "%d bytes long" % len(line)
    return ""


def shows(line, pieces):
    """The pieces appear in line, in order."""
    at = 0
    for p in pieces:
        at = line.find(p, at)
        if at < 0:
            return False
        at += len(p)
    return True


def bulk_checks(sixplane, report):
    for name, argv, good, want in BULK:
        for bad_name, bad, pieces in BAD_LINES:
            stdin = good + b"\n" + bad + b"\n" + good + b"\n"
            p = clitest.run(sixplane, argv, stdin=stdin)
            problem = one_clean_line(p.stderr, b"sixplane: line 2: ")
            if not problem and not shows(p.stderr, pieces):
                problem = "the value is not shown: want %r in %r" % (pieces, p.stderr)
            outs = p.stdout.splitlines()
            if not problem and (len(outs) != 2 or not all(want in o for o in outs)):
                problem = "the good lines 1 and 3 did not both print: %r" % p.stdout
            if not problem and p.returncode != 1:
                problem = "exit %d, want 1" % p.returncode
            report.check("%s-line-%s" % (name, bad_name), not problem, problem)

        # 1 MB without a newline in it, through a pipe and from a file.
        long_line = b"a" * MB
        stdin = good + b"\n" + long_line + b"\n" + good + b"\n"
        for how in ("pipe", "file"):
            if how == "pipe":
                p = clitest.run(sixplane, argv, stdin=stdin)
            else:
                with tempfile.TemporaryFile() as f:
                    f.write(stdin)
                    f.seek(0)
                    p = clitest.run(sixplane, argv, stdin=f)
            problem = one_clean_line(p.stderr, b"sixplane: line 2: ")
            if not problem and not re.search(rb"'a{8,}(\.\.\.)?'", p.stderr):
                problem = "the value (a prefix of it) is not shown: %r" % p.stderr
            outs = p.stdout.splitlines()
            if not problem and (len(outs) != 2 or not all(want in o for o in outs)):
                problem = "the good lines 1 and 3 did not both print: %r" % p.stdout[:300]
            if not problem and p.returncode != 1:
                problem = "exit %d, want 1" % p.returncode
            report.check("%s-1MB-line-%s" % (name, how), not problem, problem)


def argument_checks(sixplane, report, tmp):
    host = ["-n", NWID, "-N", "89e92ceee5"]
    cases = [
        (
            "plane-node-arg-control-bytes",
            ["plane", NWID, b"a\x1b[2Jb\x01\nc\xff"],
            [b"a", b"[2Jb", b"c"],
        ),
        # Linux caps one argument at 128 KiB (MAX_ARG_STRLEN).
        ("plane-node-arg-100KB", ["plane", NWID, b"a" * 100000], [b"aaaaaaaa"]),
        ("slaac-mac-arg-newline", ["slaac", b"72:9c:d5\n34:47:59"], [b"72:9c:d5", b"34:47:59"]),
        ("decode-network-arg-escape", ["decode", "::1", "--network", b"\x1b]0;x\x07"], [b"]0;x"]),
        ("cni-name-arg-newline", ["cni"] + host + ["--name", b"a\nb"], [b"a", b"b"]),
        (
            "plane-identity-path-newline",
            ["plane", NWID, "-i", b"no\nsuch\x1b[2J"],
            [b"no", b"such", b"[2J"],
        ),
        (
            "docker-merge-path-newline",
            ["docker"] + host + ["--merge", b"no-dir\n/x\x1b[2J/daemon.json"],
            [b"no-dir", b"/x", b"[2J"],
        ),
    ]
    for name, argv, pieces in cases:
        p = clitest.run(sixplane, argv, cwd=tmp)
        problem = one_clean_line(p.stderr, b"sixplane: ")
        if not problem and not shows(p.stderr, pieces):
            problem = "the value is not shown: want %r in %r" % (pieces, p.stderr)
        if not problem and p.returncode not in (1, 2):
            problem = "exit %d" % p.returncode
        if not problem and p.stdout:
            problem = "stdout not empty: %r" % p.stdout[:200]
        report.check(name, not problem, problem)


def copied_value_checks(sixplane, report):
    # decode copies the zone id into its output: it must not carry raw
    # control bytes into the text form, nor vanish from the JSON form.
    zone = b"fe80::1%a\x1b[31m\nb\x01"
    p = clitest.run(sixplane, [b"decode", zone])
    text_ok = re.compile(rb"[a-z_0-9]+  +[\x20-\x7e]+")
    if p.returncode == 0:
        bad = [l for l in p.stdout.splitlines() if not text_ok.fullmatch(l)]
        problem = "raw bytes in the text form: %r" % bad if bad else ""
        problem = problem or (p.stderr and "stderr %r" % p.stderr) or ""
    else:
        problem = one_clean_line(p.stderr, b"sixplane: ") or (
            "" if p.returncode == 1 else "exit %d" % p.returncode
        )
    report.check("decode-zone-control-bytes-text", not problem, problem)

    p = clitest.run(sixplane, [b"decode", b"--json", b"fe80::1%a\x01\xff"])
    if p.returncode == 0:
        try:
            obj = json.loads(p.stdout)
            problem = "" if "zone" in obj else "the zone is missing from %r" % obj
        except ValueError as e:
            problem = "not JSON: %s" % e
    else:
        problem = one_clean_line(p.stderr, b"sixplane: ") or (
            "" if p.returncode == 1 else "exit %d" % p.returncode
        )
    report.check("decode-zone-invalid-utf8-json", not problem, problem)

    # cni copies the bridge name into JSON: bytes that are not UTF-8 are bad
    # input (exit 1, the value named), not an internal failure.
    p = clitest.run(sixplane, ["cni", "-n", NWID, "-N", "89e92ceee5", "--bridge", b"br\xff0"])
    problem = one_clean_line(p.stderr, b"sixplane: ")
    if not problem and not shows(p.stderr, [b"br", b"0"]):
        problem = "the value is not shown: %r" % p.stderr
    if not problem and (p.returncode != 1 or p.stdout):
        problem = "exit %d, stdout %r" % (p.returncode, p.stdout[:100])
    report.check("cni-bridge-invalid-utf8", not problem, problem)


def edge_checks(sixplane, report):
    p = clitest.run(sixplane, ["plane", NWID, "-"], stdin=b"")
    report.check(
        "empty-stdin-no-output-exit-0",
        p.returncode == 0 and not p.stdout and not p.stderr,
        "exit %d %r %r" % (p.returncode, p.stdout, p.stderr),
    )
    p = clitest.run(sixplane, ["slaac", "-"], stdin=b"\r\n")
    problem = one_clean_line(p.stderr, b"sixplane: line 1: invalid MAC ''")
    report.check("blank-crlf-line-is-an-empty-value", not problem and p.returncode == 1, problem)
    # 4096 bytes and one more: both reported as one line, both keep the next line.
    for n in (4095, 4096, 4097, 70000):
        stdin = b"f" * n + b"\n89e92ceee5\n"
        p = clitest.run(sixplane, ["mac", NWID, "-"], stdin=stdin)
        problem = one_clean_line(p.stderr, b"sixplane: line 1: ")
        if not problem and p.stdout != b"89e92ceee5\t02:89:e9:30:0c:27\n":
            problem = "line 2 did not print: %r" % p.stdout
        report.check("line-of-%d-bytes" % n, not problem and p.returncode == 1, problem)


def chunking_checks(sixplane, report):
    """A line over 4096 bytes is "line longer than 4096 bytes" however the
    pipe splits the input: inside one read or across two (it was another
    message when a read brought the whole line)."""
    import subprocess
    import time
    for name, argv, good in [("addr", ["addr", "-"], b"::1"),
                             ("decode", ["decode", "-"], b"::1"),
                             ("plane", ["plane", NWID, "-"], b"89e92ceee5")]:
        data = (good + b"\n" + b"1" * 5000 + b"\n" + good + b"\n" + b"2" * 4097 + b"\r\n"
                + good + b"\n" + b"3" * 70000 + b"\n" + good + b"\n" + b"4" * 4097)
        seen = {}
        for chunk in (1 << 20, 4000, 1000, 4096, 777):
            p = subprocess.Popen([sixplane] + argv, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=clitest.ENV)
            for i in range(0, len(data), chunk):
                p.stdin.write(data[i:i + chunk])
                p.stdin.flush()
                time.sleep(0.005)
            p.stdin.close()
            err = p.stderr.read()
            p.stdout.read()
            seen.setdefault((err, p.wait()), []).append(chunk)
        (err, rc) = next(iter(seen))
        lines = clitest.stderr_lines(err)
        want = ["line %d: " % n for n in (2, 4, 6, 8)]
        ok = (len(seen) == 1 and rc == 1 and len(lines) == 4 and
              all(w in l and l.endswith("line longer than 4096 bytes")
                  for w, l in zip(want, lines)))
        report.check("overlong-any-chunking-%s" % name, ok,
                     "%d different outcomes for chunk sizes %s; first: %s" % (
                         len(seen), list(seen.values()), clitest.show(err, 600)))


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("hostile")
    bulk_checks(sixplane, report)
    with tempfile.TemporaryDirectory() as tmp:
        argument_checks(sixplane, report, tmp)
        left = os.listdir(tmp)
        report.check("nothing-created-by-failed-commands", not left, "left %r" % left)
    copied_value_checks(sixplane, report)
    edge_checks(sixplane, report)
    chunking_checks(sixplane, report)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
