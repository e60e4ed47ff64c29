#!/usr/bin/env python3
"""Every address text implementation gives the command the same output.

SIXPLANE_ADDR_IMPL=NAME makes sixplane use one implementation of address
parsing and formatting (the portable one, or a SIMD level the build has and
the CPU runs). Over the same mixed input (random addresses in every
spelling, prefixes, IPv4-mapped tails, CRLF, invalid lines, an overlong
line, no newline at the end) `sixplane addr -`, `addr - --expand`,
`addr - --json` and `decode -` must write the same bytes, the same errors
and exit the same way under each. The portable output is also held to
Python's ipaddress where the two mean the same. A name the build does not
have, or the CPU cannot run, is a one-line error naming it (exit 1).
"""

import ipaddress
import random
import subprocess
import sys

import clitest

CANDIDATES = ["portable", "sse4", "avx2", "avx512", "neon"]


def spellings(rng, n):
    """n lines, about 1 in 20 invalid."""
    lines = []
    for _ in range(n):
        groups = [0 if rng.random() < 0.4 else rng.randrange(1, 1 << (4 * rng.randrange(1, 5)))
                  for _ in range(8)]
        kind = rng.randrange(10)
        if kind == 0:
            groups[:6] = [0, 0, 0, 0, 0, 0xFFFF]
        a = ipaddress.IPv6Address(b"".join(g.to_bytes(2, "big") for g in groups))
        if kind <= 2:
            text = a.exploded
        elif kind <= 4:
            text = a.compressed
        elif kind == 5:
            text = ":".join("%x" % g for g in groups)
        elif kind == 6:
            text = "%s:%s" % (":".join("%x" % g for g in groups[:6]),
                              ".".join(str(b) for b in a.packed[12:]))
        elif kind == 7:
            text = "%s/%d" % (a.compressed, 128)
        else:
            text = a.compressed
        text = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
        r = rng.random()
        if r < 0.05:
            pos = rng.randrange(len(text) + 1)
            text = text[:pos] + rng.choice([":", "g", "12345", ".", " ", "%eth0", ":::"]) + text[pos:]
        elif r < 0.07:
            text += "\r"
        lines.append(text.encode())
    return lines


def main():
    args = clitest.common_args(__doc__).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    rep = clitest.Report("impl")
    rng = random.Random(18)

    lines = spellings(rng, 40000)
    data = b"\n".join(lines[:20000]) + b"\n" + b"1" * 5000 + b"\n" + b"\n".join(lines[20000:])

    def run(impl, argv, stdin=data):
        env = dict(clitest.ENV, SIXPLANE_ADDR_IMPL=impl)
        p = subprocess.run([sixplane] + argv, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=60, check=False)
        return p.returncode, p.stdout, p.stderr

    usable, missing = [], []
    for name in CANDIDATES:
        rc, out, err = run(name, ["addr", "::1"], b"")
        if rc == 0:
            usable.append(name)
        else:
            missing.append(name)
            lines_err = clitest.stderr_lines(err)
            rep.check("refused-%s" % name,
                      rc == 1 and len(lines_err) == 1 and "SIXPLANE_ADDR_IMPL '%s'" % name
                      in lines_err[0] and out == b"",
                      "exit %d, stdout %s, stderr %s" % (rc, clitest.show(out), clitest.show(err)))
    rep.check("portable-present", "portable" in usable, "usable: %s" % usable)
    print("implementations here: %s; not here: %s" % (" ".join(usable), " ".join(missing)))

    rc, out, err = run("no-such", ["addr", "::1"], b"")
    e = clitest.stderr_lines(err)
    rep.check("unknown-name", rc == 1 and out == b"" and len(e) == 1 and "'no-such'" in e[0]
              and "no such implementation" in e[0], "exit %d, stderr %s" % (rc, clitest.show(err)))

    for form, argv in [("addr", ["addr", "-"]), ("expand", ["addr", "-", "--expand"]),
                       ("json", ["addr", "-", "--json"]), ("decode", ["decode", "-"])]:
        ref = run("portable", argv)
        rep.check("%s-portable-ran" % form, ref[0] == 1 and len(ref[1]) > 100000,
                  "exit %d, %d bytes out" % (ref[0], len(ref[1])))
        for name in usable[1:]:
            got = run(name, argv)
            same = got == ref
            detail = ""
            if not same:
                a, b = ref[1].splitlines(), got[1].splitlines()
                for i, (x, y) in enumerate(zip(a, b)):
                    if x != y:
                        detail = "first difference at output line %d: %r vs %r" % (i + 1, x, y)
                        break
                else:
                    detail = "exit %d vs %d, %d vs %d lines, stderr equal: %s" % (
                        ref[0], got[0], len(a), len(b), ref[2] == got[2])
            rep.check("%s-%s-same" % (form, name), same, detail)

    # the portable output against Python on the lines Python reads as an
    # address, without a zone (Python takes "%eth0") and outside
    # ::ffff:0:0/96 (which Python 3.11 writes in hex, RFC 5952 section 5
    # in dotted form): ours must accept each and write Python's text
    valid = []
    for line in lines:
        try:
            a = ipaddress.IPv6Address(line.decode())
        except ValueError:
            continue
        if b"%" not in line and a.ipv4_mapped is None:
            valid.append((line, str(a).encode()))
    rc, out, err = run("portable", ["addr", "-"], b"\n".join(v[0] for v in valid) + b"\n")
    got = out.splitlines()
    wrong = [(v[0], v[1], g) for v, g in zip(valid, got) if v[1] != g]
    rep.check("portable-vs-python", rc == 0 and len(valid) > 20000 and len(got) == len(valid)
              and not wrong, "exit %d, %d lines, %d out, %d differ: %s %s" % (
                  rc, len(valid), len(got), len(wrong), wrong[:1], clitest.show(err, 200)))
    sys.exit(rep.finish())


if __name__ == "__main__":
    main()
