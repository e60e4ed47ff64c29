#!/usr/bin/env python3
"""sixplane stats against a fake sixplaned on a Unix socket in a temp dir.

The fake answers each connection with a canned reply, as daemon/stats.c
does ({"version": ..., "counters": [row, ...]} and a newline), then closes.
Checked: the table (columns, the malformed total that leaves out the three
"not for us" reasons, a line per non-zero reason), --json (one object per
row, the daemon's keys and values in order), an empty list, and the
failures: no daemon, an answer that is not JSON or lacks "counters", an
empty answer, rows missing fields, a path too long for a socket, stdout
that cannot be written; long quoted names still give whole lines, and a
malformed total too large for 64 bits is held at the largest value. Failures exit 2 with one line on stderr.
The fabric guard's rows ("guard"): their table after the interfaces' (a
line per drop reason that moved, whatever its name), none without them,
--json after the interfaces' rows; a "guard" that is not an array, a row
without a path or "reasons", a count that is not an integer >= 0 is one
line naming the row and key, exit 2 (also with --json).
Also: `sixplane status` shows the daemon's pid and last reload (text only);
a connection closed without an answer (a client beyond the daemon's limit)
says so; a socket the user may not connect to says who it is for and the
fix (run as nobody where we are root, else a socket of mode 0).
"""

import grp
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

import clitest

REASONS = [
    "not-ipv6",
    "extension-header",
    "not-ns",
    "truncated",
    "bad-version",
    "bad-hop-limit",
    "bad-checksum",
    "bad-code",
    "bad-length",
    "multicast-target",
    "multicast-source",
    "bad-option",
    "bad-slla",
    "dad-not-solicited-node",
    "dad-with-slla",
]


def row(interface, path, seen, answered, passed, sent, errors, **reasons):
    r = dict(
        interface=interface,
        path=path,
        ns_seen=seen,
        answered=answered,
        passed=passed,
        na_sent=sent,
        send_errors=errors,
    )
    r["reasons"] = {k: reasons.get(k.replace("-", "_"), 0) for k in REASONS}
    return r


ROWS = [
    row(
        "sp0", "resolver", 1234, 1200, 30, 1200, 4, extension_header=2, truncated=1, bad_hop_limit=3
    ),
    row("sixplane-eth123", "packet", 99999999999, 7, 0, 6, 0, not_ipv6=5, dad_with_slla=9),
]

# Written out by hand from the format in cli/stats.c and checked column by
# column: INTERFACE %-16s, PATH %-8s, then %12 %12 %12 %12 %11 %10 numbers.
# MALFORMED of sp0 is 1 + 3 (extension-header is "not for us"), of the
# second 9 (not-ipv6 is not counted).
TABLE = (
    "INTERFACE        PATH          NS_SEEN     ANSWERED       PASSED      NA_SENT SEND_ERRORS  MALFORMED\n"
    "sp0              resolver         1234         1200           30         1200           4          4\n"
    "  extension-header                      2\n"
    "  truncated                             1\n"
    "  bad-hop-limit                         3\n"
    "sixplane-eth123  packet    99999999999            7            0            6           0          9\n"
    "  not-ipv6                              5\n"
    "  dad-with-slla                         9\n"
)
HEADER = TABLE.splitlines(keepends=True)[0]


class FakeDaemon:
    """Answers every connection on path with `reply` (bytes), then closes."""

    def __init__(self, path, reply):
        self.reply = reply
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(8)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with c:
                try:
                    c.sendall(self.reply)
                except OSError:
                    pass

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def answer(rows):
    text = json.dumps({"version": "0.1.0", "counters": rows}, separators=(",", ":"))
    return (text + "\n").encode()


def status_answer(daemon):
    net = {"network": "8056c2e21c000001", "node": "89e92ceee5", "interface": "sp0",
           "6plane": True, "rfc4193": False}
    return (json.dumps({"version": "0.1.0", "counters": [], "networks": [net],
                        "daemon": daemon}, separators=(",", ":")) + "\n").encode()


def one_error(p):
    lines = clitest.stderr_lines(p.stderr)
    if p.returncode != 2:
        return "exit %d, want 2 (stderr %r)" % (p.returncode, p.stderr)
    if len(lines) != 1 or not lines[0].startswith("sixplane: "):
        return "want one 'sixplane: ' line on stderr, got %r" % p.stderr
    if p.stdout:
        return "stdout not empty: %r" % p.stdout
    return ""


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("stats")
    tmp = tempfile.mkdtemp(prefix="sixplane-stats-")
    sock = os.path.join(tmp, "sixplaned.sock")

    def with_reply(reply, argv, stdout=None):
        d = FakeDaemon(sock, reply)
        try:
            if stdout is None:
                return clitest.run(sixplane, ["stats", "--socket", sock] + argv)
            return subprocess.run(
                [sixplane, "stats", "--socket", sock] + argv,
                stdout=stdout,
                stderr=subprocess.PIPE,
                env=clitest.ENV,
                timeout=20,
                check=False,
            )
        finally:
            d.close()
            os.unlink(sock)

    try:
        p = with_reply(answer(ROWS), [])
        report.check(
            "table",
            p.returncode == 0 and p.stdout.decode() == TABLE and not p.stderr,
            "exit %d\n  want:\n%s  got:\n%s%s"
            % (p.returncode, TABLE, clitest.show(p.stdout), clitest.show(p.stderr)),
        )

        p = with_reply(answer(ROWS), ["--json"])
        try:
            got = [json.loads(l, object_pairs_hook=list) for l in p.stdout.decode().splitlines()]
        except ValueError as e:
            got = "not JSON: %s" % e
        want = [json.loads(json.dumps(r), object_pairs_hook=list) for r in ROWS]
        report.check(
            "json-one-object-per-row",
            p.returncode == 0 and got == want and not p.stderr,
            "exit %d, got %r" % (p.returncode, got),
        )

        # the daemon's forwarding entries written and the store's work, after
        # the table (and not in --json, whose lines are the rows)
        store = {"watch_events": 5, "resyncs": 1, "reconnects": 2, "joins": 1,
                 "keepalives": 40, "refused": 3}
        reply = (json.dumps({"version": "0.1.0", "counters": ROWS,
                             "daemon": {"pid": 7, "reloads": 0, "reload": "ok",
                                        "fdb_writes": 8, "store": store}}) + "\n").encode()
        p = with_reply(reply, [])
        want = TABLE + ("\nfdb writes 8\nstore watch events 5  resyncs 1  reconnects 2  joins 1"
                        "  keepalives 40  refused 3\n")
        report.check("store-counters", p.returncode == 0 and p.stdout.decode() == want,
                     "got:\n%s" % clitest.show(p.stdout))
        p = with_reply(reply, ["--json"])
        report.check("store-counters-not-in-json",
                     p.returncode == 0 and p.stdout.count(b"\n") == len(ROWS)
                     and b"watch_events" not in p.stdout, repr(p.stdout))

        guard_checks(with_reply, report)

        p = with_reply(answer([]), [])
        report.check(
            "empty-table", p.returncode == 0 and p.stdout.decode() == HEADER, repr(p.stdout)
        )
        p = with_reply(answer([]), ["-j"])
        report.check("empty-json", p.returncode == 0 and p.stdout == b"", repr(p.stdout))

        for name, reply in (
            ("answer-not-json", b"hello\n"),
            ("answer-without-counters", b'{"version": "0.1.0"}\n'),
            ("answer-counters-not-array", b'{"counters": 5}\n'),
            ("answer-empty", b""),
        ):
            p = with_reply(reply, [])
            problem = one_error(p)
            report.check(name + "-exit-2", not problem, problem)

        # A row without "interface" or "path": printf("%s", NULL) is undefined.
        p = with_reply(answer([{"ns_seen": 1, "reasons": {}}]), [])
        report.check(
            "row-missing-fields-no-null",
            b"(null)" not in p.stdout and p.returncode in (0, 2),
            "exit %d, stdout %r" % (p.returncode, p.stdout),
        )

        # Long names quoted byte by byte (\xc3\xa9...) still give whole
        # lines: one per row, one per reason counted, each ending in "\n".
        long_name = "\u00e9" * 40
        p = with_reply(
            answer([row(long_name, "packet\u00e9" * 20, 1, 1, 0, 1, 0, truncated=2),
                    row("sp1", "tc-ingress", 1, 1, 0, 1, 0)]), [])
        lines = p.stdout.decode().split("\n")
        report.check(
            "long-quoted-names-whole-lines",
            p.returncode == 0 and len(lines) == 5 and lines[-1] == ""
            and lines[1].startswith("\\xc3\\xa9") and lines[1].endswith("          2")
            and lines[3].startswith("sp1 "),
            "exit %d, stdout %r" % (p.returncode, p.stdout),
        )

        # The malformed total of counters near 2^63 is held at the largest
        # value rather than wrapping to a negative number.
        big = 2**63 - 1
        p = with_reply(answer([row("sp0", "packet", 1, 1, 0, 1, 0, truncated=big,
                                   bad_code=big, not_ipv6=big)]), [])
        first = p.stdout.decode().splitlines()[1:2]
        report.check(
            "malformed-total-held",
            p.returncode == 0 and first and first[0].endswith(" %d" % big),
            "exit %d, stdout %r" % (p.returncode, p.stdout),
        )

        with open("/dev/full", "wb") as full:
            p = with_reply(answer(ROWS), [], stdout=full)
        problem = one_error(p)
        report.check("stdout-full-exit-2", not problem, problem)

        # status: the networks, then the daemon's own line (text only)
        for name, daemon, want in (
            ("status-daemon-no-reload", {"pid": 4242, "reloads": 0, "reload": "ok"},
             "\nsixplaned pid 4242  reloads 0\n"),
            ("status-daemon-applied", {"pid": 4242, "reloads": 2, "reload": "ok"},
             "\nsixplaned pid 4242  reloads 2, the last applied\n"),
            ("status-daemon-refused",
             {"pid": 7, "reloads": 1, "reload": "refused", "reload_error": "sp9: no such\ninterface"},
             "\nsixplaned pid 7  reloads 1, the last refused: sp9: no such\\x0ainterface\n"),
        ):
            d = FakeDaemon(sock, status_answer(daemon))
            try:
                p = clitest.run(sixplane, ["status", "--socket", sock])
                pj = clitest.run(sixplane, ["status", "--socket", sock, "--json"])
            finally:
                d.close()
                os.unlink(sock)
            out = p.stdout.decode()
            report.check(
                name,
                p.returncode == 0 and out.startswith("network 8056c2e21c000001  node 89e92ceee5")
                and out.endswith(want) and out.count("\n") == 3,
                "exit %d, stdout %r, want it to end in %r" % (p.returncode, out, want),
            )
            report.check(
                name + "-not-in-json",
                pj.returncode == 0 and b"pid" not in pj.stdout and pj.stdout.count(b"\n") == 1,
                "exit %d, stdout %r" % (pj.returncode, pj.stdout),
            )

        # a backplane on the membership store: its line, and each peer's source
        # where it is not the file (a static peer's line stays as it was)
        net = {"network": "8056c2e21c000001", "node": "89e92ceee5", "interface": "sp0",
               "6plane": True, "rfc4193": False, "vni": 100, "port": 4789,
               "underlay": "192.0.2.1", "multicast": True, "persist": False,
               "store": {"endpoint": "https://192.0.2.10:2379", "connected": True,
                         "lease": "2040a244be97ed05", "ttl": 14, "revision": 42, "state": "joined"},
               "peers": [{"node": "1122334455", "endpoint": "192.0.2.2",
                          "mac": "02:11:22:33:44:55", "fdb": "ok", "source": "static"},
                         {"node": "2233445566", "endpoint": "192.0.2.3",
                          "mac": "02:22:33:44:55:66", "fdb": "missing", "source": "etcd"}]}
        d = FakeDaemon(sock, (json.dumps({"version": "0.1.0", "counters": [],
                                          "networks": [net]}) + "\n").encode())
        try:
            p = clitest.run(sixplane, ["status", "--socket", sock])
        finally:
            d.close()
            os.unlink(sock)
        want = ("  store https://192.0.2.10:2379  connected  lease 2040a244be97ed05 ttl 14  revision 42"
                "  joined\n"
                "  peer 1122334455  endpoint 192.0.2.2  mac 02:11:22:33:44:55  fdb ok\n"
                "  peer 2233445566  endpoint 192.0.2.3  mac 02:22:33:44:55:66  fdb missing"
                "  source etcd\n")
        out = p.stdout.decode()
        report.check("status-store-and-sources", p.returncode == 0 and out.endswith(want),
                     "exit %d, stdout %r, want it to end in %r" % (p.returncode, out, want))

        # a client beyond the daemon's limit: closed without a byte
        p = with_reply(b"", [])
        problem = one_error(p) or (
            "" if b"closed the connection without an answer" in p.stderr
            else "no reason: %r" % p.stderr)
        report.check("closed-without-answer", not problem, problem)

        permission_checks(sixplane, report, tmp)

        long_path = "/tmp/" + "x" * 200 + ".sock"
        p = clitest.run(sixplane, ["stats", "--socket", long_path])
        problem = one_error(p)
        report.check("socket-path-too-long-exit-2", not problem, problem)

        p = clitest.run(sixplane, ["stats", "--socket", sock])
        problem = one_error(p) or ("" if b"is it running" in p.stderr else "no hint: %r" % p.stderr)
        report.check("no-daemon-exit-2", not problem, problem)
    finally:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    return report.finish()


GUARD_REASONS = ["pass", "unchecked", "unknown-endpoint", "mac-spoof", "source-spoof",
                 "fragment", "truncated", "unparsed", "egress-spoof"]


def guard_row(path, passed, unchecked, **drops):
    reasons = {k: drops.get(k.replace("-", "_"), 0) for k in GUARD_REASONS}
    reasons["pass"] = passed
    reasons["unchecked"] = unchecked
    return dict(path=path, passed=passed, unchecked=unchecked,
                dropped=sum(drops.values()), reasons=reasons)


GUARD = [
    guard_row("guard-underlay", 123456, 789, unknown_endpoint=12, mac_spoof=3,
              source_spoof=7, fragment=2),
    guard_row("guard-egress", 98765, 4, egress_spoof=5),
]

# Written out by hand from the format in cli/reply.c: FABRIC GUARD %-16s,
# then %12 %12 %12; a line per drop reason that moved, "  %-40s %12", its
# count under DROPPED (pass and unchecked are the columns, not lines).
GUARD_TABLE = (
    "\n"
    "FABRIC GUARD           PASSED    UNCHECKED      DROPPED\n"
    "guard-underlay         123456          789           24\n"
    "  unknown-endpoint                                   12\n"
    "  mac-spoof                                           3\n"
    "  source-spoof                                        7\n"
    "  fragment                                            2\n"
    "guard-egress            98765            4            5\n"
    "  egress-spoof                                        5\n"
)


def guard_answer(guard, daemon=None, rows=ROWS):
    o = {"version": "0.1.0", "counters": rows}
    if daemon:
        o["daemon"] = daemon
    o["guard"] = guard
    return (json.dumps(o, separators=(",", ":")) + "\n").encode()


def guard_checks(with_reply, report):
    """The fabric guard's rows: a table after the interfaces', before the
    daemon's counters; --json gives them after the interfaces' rows; an
    answer whose "guard" we cannot read is one line, exit 2."""
    daemon = {"pid": 7, "reloads": 0, "reload": "ok", "fdb_writes": 8}
    p = with_reply(guard_answer(GUARD, daemon), [])
    want = TABLE + GUARD_TABLE + "\nfdb writes 8\n"
    report.check("guard-table", p.returncode == 0 and p.stdout.decode() == want
                 and not p.stderr,
                 "exit %d\n  want:\n%s  got:\n%s%s"
                 % (p.returncode, want, clitest.show(p.stdout), clitest.show(p.stderr)))

    # nothing dropped: the two rows and no reason line
    quiet = [guard_row("guard-underlay", 10, 0), guard_row("guard-egress", 0, 0)]
    p = with_reply(guard_answer(quiet, rows=[]), [])
    want = (HEADER + "\n"
            "FABRIC GUARD           PASSED    UNCHECKED      DROPPED\n"
            "guard-underlay             10            0            0\n"
            "guard-egress                0            0            0\n")
    report.check("guard-table-no-drops", p.returncode == 0 and p.stdout.decode() == want,
                 "want:\n%s  got:\n%s" % (want, clitest.show(p.stdout)))

    # an empty list is no table; no "guard" at all is the table as before
    p = with_reply(guard_answer([], rows=[]), [])
    report.check("guard-empty-no-table", p.returncode == 0 and p.stdout.decode() == HEADER,
                 repr(p.stdout))

    # a reason the daemon adds later is shown by its name, in its place
    grown = guard_row("guard-underlay", 1, 0, unknown_endpoint=1)
    grown["reasons"]["bad-future"] = 6
    p = with_reply(guard_answer([grown], rows=[]), [])
    report.check("guard-reason-unknown-to-us",
                 p.returncode == 0 and p.stdout.decode().endswith(
                     "  unknown-endpoint                                    1\n"
                     "  bad-future                                          6\n"),
                 clitest.show(p.stdout))

    p = with_reply(guard_answer(GUARD, daemon), ["--json"])
    try:
        got = [json.loads(l, object_pairs_hook=list) for l in p.stdout.decode().splitlines()]
    except ValueError as e:
        got = "not JSON: %s" % e
    want = [json.loads(json.dumps(r), object_pairs_hook=list) for r in ROWS + GUARD]
    report.check("guard-json-after-rows", p.returncode == 0 and got == want and not p.stderr,
                 "exit %d, got %r" % (p.returncode, got))

    for name, guard, why in (
        ("guard-not-array", {"path": "guard-underlay"}, '"guard" is not an array'),
        ("guard-row-not-object", [5], "guard row 0 has no path"),
        ("guard-row-without-path", [GUARD[0], {k: v for k, v in GUARD[1].items()
                                               if k != "path"}], "guard row 1 has no path"),
        ("guard-path-not-string", [dict(GUARD[0], path=3)], "guard row 0 has no path"),
        ("guard-count-not-integer", [dict(GUARD[0], passed="12")],
         "guard row 0 'guard-underlay': \"passed\" is not a count"),
        ("guard-count-real", [GUARD[0], dict(GUARD[1], dropped=1.5)],
         "guard row 1 'guard-egress': \"dropped\" is not a count"),
        ("guard-count-missing", [{k: v for k, v in GUARD[0].items() if k != "unchecked"}],
         "guard row 0 'guard-underlay': \"unchecked\" is not a count"),
        ("guard-count-negative", [dict(GUARD[0], dropped=-1)],
         "guard row 0 'guard-underlay': \"dropped\" is not a count"),
        ("guard-reasons-missing", [{k: v for k, v in GUARD[0].items() if k != "reasons"}],
         "guard row 0 'guard-underlay' has no \"reasons\" object"),
        ("guard-reason-not-integer",
         [dict(GUARD[0], reasons=dict(GUARD[0]["reasons"], fragment=None))],
         "guard row 0 'guard-underlay': reason 'fragment' is not a count"),
        ("guard-reason-negative",
         [dict(GUARD[0], reasons=dict(GUARD[0]["reasons"], **{"mac-spoof": -2**63}))],
         "guard row 0 'guard-underlay': reason 'mac-spoof' is not a count"),
    ):
        for argv in ([], ["--json"]):
            p = with_reply(guard_answer(guard), argv)
            problem = one_error(p) or (
                "" if p.stderr.decode().rstrip("\n").endswith(": " + why)
                else "want the reason %r, got %r" % (why, p.stderr))
            report.check(name + ("-json" if argv else ""), not problem, problem)

    # a count beyond 64 bits is no answer at all (jansson refuses it whole)
    p = with_reply(guard_answer([dict(GUARD[0], passed=2**64)]), [])
    problem = one_error(p) or ("" if b"unexpected answer" in p.stderr else repr(p.stderr))
    report.check("guard-count-huge", not problem, problem)
    # the largest a daemon can say is printed whole
    big = 2**63 - 1
    p = with_reply(guard_answer([guard_row("guard-underlay", big, 0, fragment=big)], rows=[]), [])
    report.check("guard-count-largest",
                 p.returncode == 0 and p.stdout.decode().splitlines()[3:5] == [
                     "guard-underlay   %12d %12d %12d" % (big, 0, big),
                     "  fragment                                 %12d" % big],
                 clitest.show(p.stdout))


def permission_checks(sixplane, report, tmp):
    """connect() refused: one line naming the socket, who it is for, the fix."""
    sock = os.path.join(tmp, "perm.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock)
    listener.listen(8)
    try:
        if os.geteuid() != 0:
            # the owner without write permission is refused too
            os.chmod(sock, 0)
            p = clitest.run(sixplane, ["stats", "--socket", sock])
            problem = one_error(p) or (
                "" if b"permission denied (the socket is for " in p.stderr
                else "no reason: %r" % p.stderr)
            report.check("permission-denied", not problem, problem)
            return
        setpriv = shutil.which("setpriv")
        if not setpriv:
            report.skip("permission-denied", "needs setpriv (util-linux) to run as nobody")
            return
        try:
            nogroup = grp.getgrnam("nogroup").gr_gid
            users = grp.getgrnam("users")
        except KeyError:
            report.skip("permission-denied", "needs the groups nogroup and users")
            return

        def as_nobody(cmd):
            return subprocess.run(
                [setpriv, "--reuid", "nobody", "--regid", str(nogroup), "--clear-groups",
                 sixplane] + cmd + ["--socket", sock],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clitest.ENV,
                timeout=20, check=False)

        # the directory closed to the user
        os.chmod(tmp, 0o700)
        p = as_nobody(["stats"])
        problem = one_error(p) or (
            "" if b"permission denied (its directory cannot be searched" in p.stderr
            else "no reason: %r" % p.stderr)
        report.check("permission-denied-directory", not problem, problem)
        os.chmod(tmp, 0o755)
        # root's only, as sixplaned leaves it without a group sixplane
        os.chmod(sock, 0o660)
        p = as_nobody(["stats"])
        want = ("sixplane: cannot connect to sixplaned at '%s': permission denied (the socket "
                "is for root only: run as root, or add the group 'sixplane' and restart "
                "sixplaned to let its members in)\n" % sock).encode()
        problem = one_error(p) or ("" if p.stderr == want else "got %r, want %r" % (p.stderr, want))
        report.check("permission-denied-root-only", not problem, problem)
        # a group an operator can join
        os.chown(sock, 0, users.gr_gid)
        p = as_nobody(["status"])
        want = ("sixplane: cannot connect to sixplaned at '%s': permission denied (the socket "
                "is for root and the group 'users': join that group or run as root)\n"
                % sock).encode()
        problem = one_error(p) or ("" if p.stderr == want else "got %r, want %r" % (p.stderr, want))
        report.check("permission-denied-group", not problem, problem)
    finally:
        os.chmod(tmp, 0o700)
        listener.close()
        os.unlink(sock)


if __name__ == "__main__":
    sys.exit(main())
