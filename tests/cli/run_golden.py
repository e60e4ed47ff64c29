#!/usr/bin/env python3
"""Golden cases for the sixplane command line.

A case is a folder under cases/ holding
    cmd        one line: the command as a shell would split it, starting with
               "sixplane" (shlex quoting; no variables, no redirections)
    stdin      optional: bytes fed to standard input (else it is empty)
    stdout     the expected standard output, byte for byte
    stderr     the expected standard error, byte for byte, or instead
    stderr.re  one Python regular expression per line of standard error,
               each matched against the whole line (for known bugs whose
               exact wording is the fixer's to choose)
    status     the expected exit status

Each case runs in a fresh temporary folder holding a copy of fixtures/, so
paths in a cmd are relative to it (identity.public, ...); where the output
names that folder itself, the expected files say @TMP@.

Beyond the files, every case's actual output must keep the contract
(sixplane(1), man/sixplane.1: OPTIONS, BULK MODE, EXIT STATUS): each stderr line starts "sixplane: ";
a failing command says why on stderr and a successful one only warns there;
--help goes to stdout with exit 0 and nothing on stderr.

    run_golden.py --sixplane PATH [CASE...]       check (all, or CASEs by name)
    UPDATE=1 run_golden.py --sixplane PATH [CASE...]
                                                  rewrite stdout/stderr/status
                                                  from what the binary prints
UPDATE never touches cases listed in KNOWN_BUGS (their files say what the
contract wants, not what the code does) nor a stderr.re file. Review every
rewritten file by hand (git diff) before committing it.
"""

import difflib
import os
import re
import shlex
import shutil
import sys
import tempfile

import clitest

CASES = os.path.join(clitest.HERE, "cases")
FIXTURES = os.path.join(clitest.HERE, "fixtures")


def read(path, default=None):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default


def diff(name, want, got):
    w = want.decode("utf-8", "backslashreplace").splitlines(keepends=True)
    g = got.decode("utf-8", "backslashreplace").splitlines(keepends=True)
    out = "".join(difflib.unified_diff(w, g, "expected " + name, "actual " + name))
    if not out and want != got:  # differs only in a final newline, say so
        out = "%s: expected %r, got %r" % (name, want[-40:], got[-40:])
    return out


def contract_problems(argv, status, stdout, stderr):
    """What the contract forbids in any output, golden or not."""
    problems = []
    lines = clitest.stderr_lines(stderr)
    for line in lines:
        if not line.startswith("sixplane: "):
            problems.append("stderr line does not start with 'sixplane: ': %r" % line)
    errors = [l for l in lines if not l.startswith("sixplane: warning: ")]
    if status == 0:
        informational = re.compile(r"sixplane: ('.*' is up to date|updated '.*')")
        for l in errors:
            if not informational.fullmatch(l):
                problems.append("exit 0 with a non-warning on stderr: %r" % l)
    elif not errors:
        problems.append("exit %d without an error line on stderr" % status)
    if status not in (0, 1, 2):
        problems.append("exit status %d is not 0, 1 or 2" % status)
    if "--help" in argv[1:] or argv[1:2] in (["-h"], ["help"]):
        if status != 0 or stderr or not stdout:
            problems.append("--help must print to stdout, nothing to stderr, exit 0")
    return problems


def run_case(sixplane, name, update, known):
    d = os.path.join(CASES, name)
    cmd = read(os.path.join(d, "cmd"))
    if cmd is None:
        return False, "no cmd file"
    argv = shlex.split(cmd.decode("utf-8"))
    if not argv or argv[0] != "sixplane":
        return False, "cmd must start with 'sixplane'"
    stdin = read(os.path.join(d, "stdin"), b"")
    tmp = tempfile.mkdtemp(prefix="sixplane-golden-")
    try:
        for f in os.listdir(FIXTURES):
            shutil.copy(os.path.join(FIXTURES, f), tmp)
        p = clitest.run(sixplane, argv[1:], stdin=stdin, cwd=tmp)
        # The folder's name changes every run: say @TMP@ instead.
        for t in sorted({tmp, os.path.realpath(tmp)}, key=len, reverse=True):
            p.stdout = p.stdout.replace(t.encode(), b"@TMP@")
            p.stderr = p.stderr.replace(t.encode(), b"@TMP@")
    finally:
        shutil.rmtree(tmp)

    re_file = os.path.join(d, "stderr.re")
    has_re = os.path.exists(re_file)
    if update and not known:
        for fname, data in (
            ("stdout", p.stdout),
            ("status", b"%d\n" % p.returncode),
        ) + (() if has_re else (("stderr", p.stderr),)):
            path = os.path.join(d, fname)
            if read(path) != data:
                with open(path, "wb") as f:
                    f.write(data)
                print("updated %s/%s" % (name, fname))

    problems = []
    want_status = read(os.path.join(d, "status"))
    if want_status is None or int(want_status) != p.returncode:
        problems.append(
            "exit status: expected %s, got %d"
            % (want_status.decode().strip() if want_status else "(no status file)", p.returncode)
        )
    want_out = read(os.path.join(d, "stdout"))
    if want_out is None:
        problems.append("no stdout file")
    elif want_out != p.stdout:
        problems.append(diff("stdout", want_out, p.stdout))
    if has_re:
        pats = read(re_file).decode("utf-8").splitlines()
        got = clitest.stderr_lines(p.stderr)
        if len(pats) != len(got) or not all(re.fullmatch(x, g) for x, g in zip(pats, got)):
            problems.append(
                "stderr does not match stderr.re:\n  patterns:\n%s\n  got:\n%s"
                % ("\n".join("    " + x for x in pats), "\n".join("    " + g for g in got))
            )
    else:
        want_err = read(os.path.join(d, "stderr"))
        if want_err is None:
            problems.append("no stderr file")
        elif want_err != p.stderr:
            problems.append(diff("stderr", want_err, p.stderr))
    problems += contract_problems(argv, p.returncode, p.stdout, p.stderr)
    return not problems, "\n".join(problems)


def coverage(sixplane, names, report):
    """Every command the binary lists has text, --json and --help cases."""
    p = clitest.run(sixplane, ["--help"])
    text = p.stdout.decode()
    commands = re.findall(r"^  (\w+) ", text.split("Commands:", 1)[-1], re.M)
    report.check("coverage-commands-listed", len(commands) >= 8, "found %r" % commands)
    cmds = []
    for n in names:
        c = read(os.path.join(CASES, n, "cmd"))
        if c:
            cmds.append(shlex.split(c.decode()))
    for c in commands:
        mine = [a for a in cmds if a[1:2] == [c]]
        report.check(
            "coverage-%s" % c,
            any("--help" in a for a in mine)
            and any("--json" in a for a in mine)
            and any("--json" not in a and "--help" not in a for a in mine),
            "%s needs a text case, a --json case and a --help case" % c,
        )


def main():
    ap = clitest.common_args(__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", help="case names to run (default: all)")
    args = ap.parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    update = os.environ.get("UPDATE") == "1"
    report = clitest.Report("golden")
    names = sorted(os.listdir(CASES))
    chosen = [n for n in names if not args.cases or n in args.cases]
    for n in args.cases:
        if n not in names:
            sys.exit("no such case: %s" % n)
    for name in chosen:
        known = "golden/" + name in report.mine
        if update and known:
            print("not updating %s: it is in KNOWN_BUGS" % name)
        ok, detail = run_case(sixplane, name, update, known)
        report.check(name, ok, detail)
    if not args.cases:
        coverage(sixplane, names, report)
    else:
        # A partial run checks what it was asked to, nothing more.
        report.mine = {k: v for k, v in report.mine.items() if k in report.seen}
    print("%d cases" % len(chosen))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
