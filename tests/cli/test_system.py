#!/usr/bin/env python3
"""System failures exit 2 with one line on stderr saying what failed.

- standard output that cannot be written (/dev/full: ENOSPC), for every
  command and for --help and --version;
- standard input that cannot be read (a directory: EISDIR) in stdin mode.
(Unreadable identity files and unwritable --merge targets are golden cases
and docker --merge tests.)
"""

import os
import subprocess
import sys

import clitest

NWID = "8056c2e21c000001"
HOST = ["-n", NWID, "-N", "89e92ceee5"]

WRITES = [
    ("plane", ["plane", NWID, "89e92ceee5"], b""),
    ("plane-bulk", ["plane", NWID, "-"], b"89e92ceee5\n"),
    ("plane-json", ["plane", NWID, "89e92ceee5", "--json"], b""),
    ("slaac", ["slaac", "72:9c:d5:34:47:59", "2001:db8:1::/64"], b""),
    ("decode", ["decode", "::1"], b""),
    ("addr", ["addr", "-"], b"::1\n"),
    ("mac", ["mac", NWID, "89e92ceee5"], b""),
    ("node", ["node", NWID, "02:89:e9:30:0c:27"], b""),
    ("docker", ["docker"] + HOST, b""),
    ("cni", ["cni"] + HOST, b""),
    ("plane-help", ["plane", "--help"], b""),
    ("help", ["--help"], b""),
    ("help-word", ["help"], b""),
    ("version", ["--version"], b""),
    ("version-after-command", ["decode", "--version"], b""),
]

READS = [
    ("plane", ["plane", NWID, "-"]),
    ("slaac", ["slaac", "-"]),
    ("decode", ["decode", "-"]),
    ("addr", ["addr", "-"]),
    ("mac", ["mac", NWID, "-"]),
    ("node", ["node", NWID, "-"]),
]


def one_line(stderr, needle):
    lines = clitest.stderr_lines(stderr)
    if len(lines) != 1 or not lines[0].startswith("sixplane: ") or needle not in lines[0]:
        return "want one 'sixplane: ...%s...' line on stderr, got %r" % (needle, stderr)
    return ""


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("system")

    for name, argv, stdin in WRITES:
        with open("/dev/full", "wb") as full:
            p = subprocess.run(
                [sixplane] + argv,
                input=stdin,
                stdout=full,
                stderr=subprocess.PIPE,
                env=clitest.ENV,
                timeout=20,
                check=False,
            )
        problem = "" if p.returncode == 2 else "exit %d, want 2" % p.returncode
        problem = problem or one_line(p.stderr, "standard output")
        report.check("%s-stdout-full" % name, not problem, problem)

    for name, argv in READS:
        fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
        try:
            p = subprocess.run(
                [sixplane] + argv,
                stdin=fd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=clitest.ENV,
                timeout=20,
                check=False,
            )
        finally:
            os.close(fd)
        problem = "" if p.returncode == 2 else "exit %d, want 2" % p.returncode
        problem = problem or one_line(p.stderr, "standard input")
        report.check("%s-stdin-unreadable" % name, not problem, problem)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
