#!/usr/bin/env python3
"""The README's examples print what the README says they print.

Every "$ sixplane ..." line of README.md's indented code blocks that is
followed by output lines is run (a leading "printf '...' |" becomes its
stdin), and what it prints, stdout then stderr, must be those lines. Examples
that touch the system (absolute paths, redirections, other programs) are
listed as skipped, not run.
"""

import os
import re
import shlex
import sys

import clitest

README = os.path.join(clitest.HERE, "..", "..", "README.md")


def examples(text):
    """(line number, command, expected output lines) of each example."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"    \$ (.*)", lines[i])
        if not m:
            i += 1
            continue
        start, cmd, want = i + 1, m.group(1), []
        i += 1
        while (
            i < len(lines)
            and lines[i].startswith("    ")
            and not re.match(r"    (\$ |#)", lines[i])
        ):
            want.append(lines[i][4:])
            i += 1
        out.append((start, cmd, want))
    return out


def printf_bytes(fmt):
    """What printf FORMAT prints, for the escapes the README uses."""
    return fmt.encode().decode("unicode_escape").encode("latin-1")


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("readme")
    with open(README, encoding="utf-8") as f:
        found = examples(f.read())
    ran = 0
    for line, cmd, want in found:
        stdin = b""
        m = re.fullmatch(r"printf (\S+|'[^']*') \| (sixplane .*)", cmd)
        if m:
            stdin = printf_bytes(shlex.split(m.group(1))[0])
            cmd = m.group(2)
        argv = shlex.split(cmd)
        touches_system = any(c in cmd for c in "|><") or any(a.startswith("/") for a in argv)
        if argv[0] != "sixplane" or touches_system or not want:
            print("skip   readme: line %d: %s" % (line, cmd))
            continue
        ran += 1
        p = clitest.run(sixplane, argv[1:], stdin=stdin)
        got = (p.stdout + p.stderr).decode("utf-8", "backslashreplace").splitlines()
        name = "line-%d-%s" % (line, "-".join(a for a in argv[1:3] if re.fullmatch(r"[a-z]+", a)))
        report.check(
            name,
            got == want,
            "README.md line %d: %s\n  README says:\n%s\n  it prints (exit %d):\n%s"
            % (
                line,
                cmd,
                "\n".join("    " + w for w in want),
                p.returncode,
                "\n".join("    " + g for g in got),
            ),
        )
    report.check("found-examples", ran >= 5, "only %d runnable examples found" % ran)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
