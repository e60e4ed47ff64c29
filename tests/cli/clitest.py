"""Shared pieces of the sixplane CLI tests (Python 3 standard library only).

Every test file is one ctest. Each check it makes is reported on one line:

    ok     SUITE/NAME
    FAIL   SUITE/NAME: why
    XFAIL  SUITE/NAME  (known bug B3, listed above)
    XPASS  SUITE/NAME  -- fixed? remove it from tests/cli/KNOWN_BUGS

A check listed in KNOWN_BUGS that fails is an expected failure and does not
fail the test; one that passes does (so a fix is noticed and the entry goes).
An entry of KNOWN_BUGS that names a check no test made also fails, so the
list cannot rot. The list is printed by every test file that has entries in it.
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWN_BUGS_FILE = os.path.join(HERE, "KNOWN_BUGS")

# Messages are compared as text: keep strerror() and friends in English.
ENV = dict(os.environ, LC_ALL="C")
ENV.pop("LANGUAGE", None)


def load_known_bugs(path=KNOWN_BUGS_FILE):
    """{check id: (bug id, description)} from the KNOWN_BUGS file.

    Format: a bug is a line "Bn: description" (continued by lines indented
    with spaces that do not look like check ids); the check ids it breaks
    follow, one per line, indented, of the form suite/name.
    """
    bugs = {}
    order = []
    current = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                bug, _, text = line.partition(":")
                current = [bug.strip(), text.strip()]
                order.append(current)
            elif current is not None and "/" in line.split()[0] and len(line.split()) == 1:
                bugs[line.strip()] = current
            elif current is not None:
                current[1] += " " + line.strip()
    return {k: (v[0], v[1]) for k, v in bugs.items()}, order


def common_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--sixplane",
        default=os.environ.get("SIXPLANE"),
        help="the sixplane binary (default: $SIXPLANE)",
    )
    p.add_argument(
        "--vectors",
        default=os.environ.get("SIXPLANE_VECTORS", os.path.join(HERE, "..", "vectors")),
        help="the tests/vectors folder (default: $SIXPLANE_VECTORS or ../vectors)",
    )
    return p


def check_binary(path):
    if not path:
        sys.exit("no sixplane binary: pass --sixplane PATH or set SIXPLANE")
    if not os.access(path, os.X_OK):
        sys.exit("not an executable: %s" % path)
    return os.path.abspath(path)


def run(sixplane, args, stdin=b"", cwd=None, timeout=20):
    """Run sixplane ARGS (str or bytes); stdin is bytes or an open file.
    Returns a CompletedProcess with bytes stdout and stderr."""
    where = {"stdin": stdin} if hasattr(stdin, "fileno") else {"input": stdin}
    return subprocess.run(
        [sixplane] + list(args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=ENV,
        timeout=timeout,
        check=False,
        **where
    )


def show(b, limit=2000):
    """Bytes as readable text for a failure message."""
    s = b.decode("utf-8", "backslashreplace")
    return s if len(s) <= limit else s[:limit] + "...(%d bytes)" % len(b)


def stderr_lines(b):
    return b.decode("utf-8", "backslashreplace").splitlines()


class Report:
    """Collects the checks of one test file; finish() gives the exit status."""

    def __init__(self, suite):
        self.suite = suite
        self.bugs, self.bug_order = load_known_bugs()
        self.mine = {k: v for k, v in self.bugs.items() if k.startswith(suite + "/")}
        self.seen = set()
        self.passed = 0
        self.failed = []
        self.xfail = []
        self.xpass = []
        self.skipped = []
        if self.mine:
            print("KNOWN_BUGS for %s (these checks are expected to fail):" % suite)
            for bug, text in self.bug_order:
                ids = sorted(k for k, v in self.mine.items() if v[0] == bug)
                if ids:
                    print("  %s: %s" % (bug, text))
                    for i in ids:
                        print("      %s" % i)
            print()
        sys.stdout.flush()

    def check(self, name, ok, detail=""):
        cid = "%s/%s" % (self.suite, name)
        if cid in self.seen:
            raise RuntimeError("check %s made twice" % cid)
        self.seen.add(cid)
        bug = self.mine.get(cid)
        if bug and ok:
            self.xpass.append(cid)
            print("XPASS  %s  -- fixed? remove it from tests/cli/KNOWN_BUGS (%s)" % (cid, bug[0]))
        elif bug:
            self.xfail.append(cid)
            print("XFAIL  %s  (known bug %s, listed above)" % (cid, bug[0]))
            if detail:
                print(_indent(detail))
        elif ok:
            self.passed += 1
            print("ok     %s" % cid)
        else:
            self.failed.append(cid)
            print("FAIL   %s%s" % (cid, ": " + detail.splitlines()[0] if detail else ""))
            if detail and len(detail.splitlines()) > 1:
                print(_indent("\n".join(detail.splitlines()[1:])))
        sys.stdout.flush()
        return ok

    def skip(self, cid, reason):
        """A check that cannot run here: said, and the suite ends skipped
        (exit 77) if nothing failed, never passed."""
        self.skipped.append(cid)
        print("SKIP   %s (%s)" % (cid, reason))
        sys.stdout.flush()

    def finish(self):
        stale = sorted(set(self.mine) - self.seen)
        for cid in stale:
            print("FAIL   %s: listed in KNOWN_BUGS but no such check was made" % cid)
        print(
            "\n%s: %d passed, %d failed, %d known bugs (XFAIL), %d unexpectedly passed (XPASS)"
            % (self.suite, self.passed, len(self.failed), len(self.xfail), len(self.xpass))
        )
        if self.xfail:
            print("expected failures still open: %s" % " ".join(self.xfail))
        bad = self.failed + self.xpass + stale
        if bad:
            print("failing: %s" % " ".join(bad))
            return 1
        if self.skipped:
            print("SKIP: not run here: %s" % " ".join(self.skipped))
            return 77
        return 0


def _indent(s):
    return "\n".join("         " + line for line in s.splitlines())
