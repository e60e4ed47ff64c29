#!/usr/bin/env python3
"""Stdin mode streams: each result is written before the next line is read.

sixplane runs as a coprocess on a pipe that stays open. The test writes one
line and waits (at most WAIT seconds) for that line's complete result on
stdout, then a second line and its result, and only then closes stdin and
expects exit 0 with nothing more. A program that buffers until end of input
cannot be used behind `tail -f`, a fifo, or in a pipeline that waits for
each answer. All the commands run at once, so the test takes WAIT seconds
at most whatever happens.
"""

import os
import select
import subprocess
import sys
import time

import clitest

WAIT = 3.0
NWID = "8056c2e21c000001"

# name, argv, two input lines, a piece of each line's expected output
COMMANDS = [
    ("plane", ["plane", NWID, "-"], ["89e92ceee5", "0000000001"],
     [b"\tfc9c:56c2:e389:e92c:eee5::1\t", b"\tfc9c:56c2:e300:0:1::1\t"]),
    ("plane-json", ["plane", NWID, "-", "--json"], ["89e92ceee5", "0000000001"],
     [b'"node":"89e92ceee5"', b'"node":"0000000001"']),
    ("slaac", ["slaac", "-", "2001:db8:1::/64"], ["72:9c:d5:34:47:59", "02:89:e9:30:0c:27"],
     [b"2001:db8:1:0:709c:d5ff:fe34:4759", b"2001:db8:1:0:89:e9ff:fe30:c27"]),
    ("decode", ["decode", "-", "--json"], ["fe80::1", "2001:db8::1"],
     [b'"kind":"link-local"', b'"kind":"documentation"']),
    ("addr", ["addr", "-"], ["2001:0DB8::1", "::ffff:c000:201"],
     [b"2001:db8::1", b"::ffff:192.0.2.1"]),
    ("mac", ["mac", NWID, "-"], ["89e92ceee5", "0000000001"],
     [b"02:89:e9:30:0c:27", b"02:00:00:1c:e2:c3"]),
    ("node", ["node", NWID, "-"], ["02:89:e9:30:0c:27", "02:00:00:1c:e2:c3"],
     [b"89e92ceee5", b"0000000001"]),
]


# A program known to stream, to show the harness itself can tell.
CONTROL = (
    "control-shell-read-loop",
    ["sh", "-c", 'while IFS= read -r l; do printf "%s\\n" "$l"; done'],
    ["first", "second"],
    [b"first", b"second"],
)


class Coprocess:
    def __init__(self, argv, name, inputs, wants):
        self.name, self.inputs, self.wants = name, inputs, wants
        self.p = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clitest.ENV,
        )
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = b""
        self.sent = 0  # lines written
        self.problem = ""

    def send(self, i):
        self.p.stdin.write(self.inputs[i].encode() + b"\n")
        self.p.stdin.flush()
        self.sent = i + 1

    def fd(self):
        return self.p.stdout.fileno()

    def readable(self):
        try:
            chunk = os.read(self.fd(), 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.problem = self.problem or "stdout closed early (exit %s)" % self.p.poll()
        self.buf += chunk

    def has(self, i):
        lines = self.buf.split(b"\n")[:-1]  # complete lines only
        return any(self.wants[i] in l for l in lines)


def wait_for(procs, i, deadline):
    """Wait until each process printed result i, or the deadline passes."""
    pending = [c for c in procs if not c.problem]
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([c.fd() for c in pending], [], [], left)
        for c in pending:
            if c.fd() in r:
                c.readable()
        pending = [c for c in pending if not c.problem and not c.has(i)]
    for c in pending:
        if not c.problem:
            c.problem = (
                "the result of line %d did not appear within %.0f s while stdin stayed open "
                "(got %r so far)" % (i + 1, WAIT, c.buf)
            )


def errors_stream(sixplane, report):
    """A refused line's message reaches stderr (a pipe of its own) before
    the next line is sent: messages are buffered with stdout and go out
    with it at each read, not at the end."""
    import select
    p = subprocess.Popen([sixplane, "addr", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=clitest.ENV)
    got, problem = b"", ""
    try:
        p.stdin.write(b"2001:db8::1\nxx\n")
        p.stdin.flush()
        deadline = time.monotonic() + WAIT
        while b"\n" not in got and time.monotonic() < deadline:
            r, _, _ = select.select([p.stderr], [], [], 0.1)
            if r:
                got += os.read(p.stderr.fileno(), 4096)
        if b"line 2: invalid IPv6 address 'xx'" not in got:
            problem = "no message within %.0f s of the refused line (got %r)" % (WAIT, got)
    finally:
        p.stdin.close()
        p.stdin = None  # so communicate() does not touch it
        p.communicate(timeout=10)
    report.check("addr-errors-stream", not problem, problem)


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("stream")
    errors_stream(sixplane, report)
    procs = [Coprocess([sixplane] + argv, name, i, w) for name, argv, i, w in COMMANDS]
    procs.append(Coprocess(CONTROL[1], CONTROL[0], CONTROL[2], CONTROL[3]))
    try:
        for i in (0, 1):
            for c in procs:
                if not c.problem:
                    try:
                        c.send(i)
                    except BrokenPipeError:
                        c.problem = "stdin closed after %d lines (exit %s)" % (i, c.p.poll())
            wait_for(procs, i, time.monotonic() + WAIT)
            for c in procs:
                if not c.problem and c.p.poll() is not None:
                    c.problem = "exited (%d) before stdin was closed" % c.p.returncode
    finally:
        for c in procs:
            try:
                while c.sent < len(c.inputs):  # the rest, for the check after EOF
                    c.send(c.sent)
                c.p.stdin.close()
            except BrokenPipeError:
                pass
            c.p.stdin = None  # so communicate() does not touch it
            os.set_blocking(c.fd(), True)
    for c in procs:
        try:
            rest, err = c.p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            c.p.kill()
            rest, err = c.p.communicate()
            c.problem = c.problem or "did not exit after stdin was closed"
        report.check("%s-streams" % c.name, not c.problem, c.problem)
        out = c.buf + (rest or b"")
        report.check(
            "%s-all-results-after-eof" % c.name,
            c.p.returncode == 0
            and not err
            and len(out.splitlines()) == 2
            and all(w in out for w in c.wants),
            "exit %s, stdout %s, stderr %s"
            % (c.p.returncode, clitest.show(out), clitest.show(err)),
        )
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
