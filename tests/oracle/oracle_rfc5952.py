#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python's ipaddress as an oracle for `sixplane addr`.

1. Random addresses biased towards runs of zero groups, each fed to
   `sixplane addr -` in several non-canonical spellings (all 32 hex digits,
   upper case, uncompressed, a shorter run compressed, an IPv4 tail, random
   case and leading zeros); every output line must be str(IPv6Address).
2. Tricky strings and random mutations of valid ones: `sixplane addr` must
   accept exactly what ipaddress accepts, apart from the intentional
   differences listed in INTENTIONAL below, and print the same address.

Usage: oracle_rfc5952.py PATH/TO/sixplane
Environment: SIXPLANE_SEED (printed on every run), SIXPLANE_ORACLE_COUNT
(random addresses, default 200000). Exits 77 (skipped) on a Python too old
for the behaviour compared here.
"""

import os
import sys

if sys.version_info < (3, 9, 5):
    # 3.9 added zone ids; 3.9.5 refuses leading zeros in IPv4 octets.
    print("skipped: needs Python 3.9.5 or later, this is %s" % sys.version.split()[0])
    sys.exit(77)

import ipaddress  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402

DEFAULT_SEED = 0x5EED5952
failures = []


def fail(msg):
    failures.append(msg)
    if len(failures) <= 30:
        print("FAIL: " + msg)


def canonical(ip):
    """RFC 5952 text. Python before 3.13 prints IPv4-mapped addresses in hex
    ('::ffff:102:304'); RFC 5952 section 5, and we, print '::ffff:1.2.3.4'."""
    if ip.ipv4_mapped is not None:
        return "::ffff:" + str(ip.ipv4_mapped)
    return str(ip)


def run_bulk(binary, lines):
    """Feeds lines to `sixplane addr -`. Returns (exit code, stdout lines,
    {line number: error message})."""
    data = b"".join(s.encode("latin-1") + b"\n" for s in lines)
    p = subprocess.run([binary, "addr", "-"], input=data, capture_output=True, timeout=600)
    out = p.stdout.decode("ascii").split("\n")
    if out and out[-1] == "":
        out.pop()
    errors = {}
    for line in p.stderr.decode("latin-1").splitlines():
        m = re.match(r"sixplane: line (\d+): (.*)$", line)
        if not m:
            fail("unexpected stderr line: %r" % line)
            continue
        errors[int(m.group(1))] = m.group(2)
    return p.returncode, out, errors


def run_one(binary, s):
    """`sixplane addr -- S`: (accepted, stdout text)."""
    p = subprocess.run([binary, "addr", "--", s], capture_output=True, timeout=60)
    return p.returncode == 0, p.stdout.decode("ascii").rstrip("\n")


# ---- random addresses, biased towards zero runs ---------------------------------

def random_group(rnd):
    v = rnd.getrandbits(rnd.choice((4, 8, 12, 16)))
    return v or 1


def gen_groups(rnd):
    mode = rnd.randrange(100)
    if mode < 2:
        return [0] * 8
    if mode < 8:  # IPv4-mapped
        return [0, 0, 0, 0, 0, 0xFFFF, rnd.getrandbits(16) if rnd.randrange(4) else 0,
                rnd.getrandbits(16) if rnd.randrange(4) else rnd.randrange(2)]
    if mode < 12:  # around the mapped shape
        g = [0] * 6 + [rnd.getrandbits(16), rnd.getrandbits(16)]
        if rnd.randrange(2):
            g[rnd.randrange(8)] = 0xFFFF
        if rnd.randrange(2):
            g[5] = rnd.choice((0xFFFE, 0xFFFF))
        return g
    if mode < 45:  # runs of zeros of random length and position
        g = [random_group(rnd) if rnd.randrange(8) else 0 for _ in range(8)]
        for _ in range(rnd.randrange(1, 4)):
            start = rnd.randrange(8)
            length = rnd.randrange(1, 9 - start)
            g[start:start + length] = [0] * length
        return g
    p = rnd.randrange(3, 10)  # each group zero with probability p/10
    return [0 if rnd.randrange(10) < p else random_group(rnd) for _ in range(8)]


def zero_run(rnd, g, n):
    """A random run of zero groups within g[:n] as (start, end), or None."""
    zeros = [i for i in range(n) if g[i] == 0]
    if not zeros:
        return None
    z = rnd.choice(zeros)
    lo, hi = z, z + 1
    while lo > 0 and g[lo - 1] == 0:
        lo -= 1
    while hi < n and g[hi] == 0:
        hi += 1
    return rnd.randint(lo, z), rnd.randint(z + 1, hi)


def hexgroup(rnd, v, style):
    if style == "plain":
        return "%x" % v
    if style == "padded":
        return "%04x" % v
    # mixed: 1-4 digits (leading zeros), either case
    s = "%x" % v
    r = rnd.getrandbits(3)
    s = "0" * ((r >> 1) % (5 - len(s))) + s
    return s.upper() if r & 1 else s


def spell(rnd, g, run, ipv4, style):
    n = 6 if ipv4 else 8
    parts = [hexgroup(rnd, v, style) for v in g[:n]]
    if run:
        s, e = run
        text = ":".join(parts[:s]) + "::" + ":".join(parts[e:])
    else:
        text = ":".join(parts)
    if ipv4:
        quad = "%d.%d.%d.%d" % (g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255)
        text += quad if (text.endswith(":") or not text) else ":" + quad
    return text


def spellings(rnd, ip, g):
    """The 32-hex-digit spelling and two others chosen at random."""
    exploded = "%04x:%04x:%04x:%04x:%04x:%04x:%04x:%04x" % tuple(g)
    yield exploded
    others = (
        lambda: exploded.upper(),
        lambda: spell(rnd, g, None, False, "plain"),
        lambda: spell(rnd, g, zero_run(rnd, g, 8), False, "mixed"),
        lambda: spell(rnd, g, zero_run(rnd, g, 6) if rnd.randrange(4) else None, True,
                      rnd.choice(("plain", "mixed"))),
        lambda: canonical(ip).upper(),
    )
    first = int(rnd.random() * len(others))
    yield others[first]()
    yield others[(first + 1 + int(rnd.random() * (len(others) - 1))) % len(others)]()


def check_random(binary, rnd, count):
    lines, want = [], []
    shapes = set()
    for _ in range(count):
        g = gen_groups(rnd)
        shapes.add(tuple(v == 0 for v in g))
        value = 0
        for v in g:
            value = value << 16 | v
        ip = ipaddress.IPv6Address(value)
        text = canonical(ip)
        for s in spellings(rnd, ip, g):
            # A sample of the spellings must be valid and mean the same
            # address to ipaddress too, or the generator is wrong.
            if len(lines) % 7 == 0 and int(ipaddress.IPv6Address(s)) != value:
                raise SystemExit("generator bug: %r is not %s" % (s, text))
            lines.append(s)
            want.append(text)
    if count >= 100000 and len(shapes) != 256:
        fail("only %d of the 256 patterns of zero groups were generated" % len(shapes))
    rc, out, errors = run_bulk(binary, lines)
    for n, msg in sorted(errors.items())[:30]:
        fail("line %d %r refused: %s" % (n, lines[n - 1], msg))
    if rc != 0:
        fail("sixplane addr - exited %d on valid input" % rc)
    if len(out) != len(lines):
        fail("%d lines in, %d out" % (len(lines), len(out)))
        return
    bad = 0
    for s, w, got in zip(lines, want, out):
        if got != w:
            bad += 1
            if bad <= 30:
                fail("%r gave %r, want %r" % (s, got, w))
    print("random: %d addresses, %d spellings, %d mismatches" % (count, len(lines), bad))


# ---- acceptance: tricky strings ----------------------------------------------------

TRICKY = [
    # valid
    "::", "::1", "1::", "::0:0", "0:0:0:0:0:0::", "::0000", "0000::",
    "0:0:0:0:0:0:0:0", "0000:0000:0000:0000:0000:0000:0000:0001",
    "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3::5:6:7:8",
    "2001:DB8::8:800:200C:417A", "FF01::101", "Fe80::AbCd", "000a::00b0",
    "::13.1.68.3", "::FFFF:129.144.52.38", "0:0:0:0:0:0:13.1.68.3",
    "1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4", "1:2:3:4:5::1.2.3.4", "::0.0.0.0",
    "::ffff:0.0.0.0", "::ffff:255.255.255.255", "64:ff9b::192.0.2.33",
    "::1:2:3:4:5:6:7", "1:0:0:2:0:0:0:3", "2001:db8:0:0:1:0:0:1",
    # invalid
    "", ":", ":::", "1::2::3", "::1::", ":::1", "1:::2", "1:::",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1", "12345::", "::12345", "::00000",
    "1:2:3:4:5:6:7:", "1::2:", ":1:2:3:4:5:6:7", ":1::",
    "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8",
    "1:2:3:4:5:6::1.2.3.4", "::1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
    "1:2:3:4:5:1.2.3.4", "1.2.3.4", "1.2.3.4::", "::1.2.3.4:1", "::1.2.3.4.5",
    "::1.2.3", "::1.2.3.256", "::256.0.0.0", "::1.2.3.04", "::01.2.3.4", "::1.00.3.4",
    "::1.2.3.1234", "::1..3.4", "::.1.2.3", "::1.2.3.", "::a.2.3.4", "::1.2.3.a",
    "::ffff:1a.2.3.4", " ::1", "::1 ", ":: 1", "\t::1", "::\x0b1", "::\x0c1",
    "::g", "xyz", "0x1::", "+1::", "-1::", "1::-2", "[::1]", "::1]", "1;2::",
    "::1\x00", "\x00::1", "::\xe9", "1:2:3:4:5:6:7:8x", "::1.2.3.4 ", "::\r1",
]

# Where `sixplane addr` differs from ipaddress on purpose. Each entry: the
# string and whether `sixplane addr` accepts it.
INTENTIONAL = {
    # Zone ids: ipaddress accepts "addr%zone" (RFC 4007). `sixplane addr`
    # prints canonical addresses, which have no zone, so it parses without
    # SIXPLANE_PARSE_ZONE and refuses '%' ("zone id not allowed here");
    # `sixplane decode` is the command that accepts a zone.
    "fe80::1%eth0": False,
    "1:2:3:4:5:6:7:8%x": False,
    "::ffff:1.2.3.4%1": False,
    "::1.2.3.4%eth0": False,
}
# Not compared at all: a '/' makes `sixplane addr` read a prefix
# ("::/64"), which ipaddress.IPv6Address never accepts; and in bulk mode a
# line's trailing '\r' is removed (CRLF input), so "::1\r" is tested only as
# an argument below.
ARGV_ONLY = ["::1\r", "::1\n", "\n::1", "::1\r\n"]


def python_accepts(s):
    try:
        return True, canonical(ipaddress.IPv6Address(s))
    except ValueError:
        return False, None


def mutations(rnd, count):
    """Random edits of valid spellings: a character inserted, deleted or
    replaced, or two parts spliced. No '%', '/', CR or LF (see above)."""
    alphabet = "0123456789abcdefABCDEF:.:.::g "
    seeds = [t for t in TRICKY if python_accepts(t)[0]]
    out = []
    for _ in range(count):
        s = rnd.choice(seeds) if rnd.randrange(3) else spell(
            rnd, gen_groups(rnd), None, rnd.randrange(2) == 0, "mixed")
        for _ in range(rnd.randrange(1, 4)):
            op = rnd.randrange(4)
            i = rnd.randrange(len(s) + 1)
            if op == 0:
                s = s[:i] + rnd.choice(alphabet) + s[i:]
            elif op == 1 and s:
                s = s[:i] + s[i + 1:]
            elif op == 2 and i < len(s):
                s = s[:i] + rnd.choice(alphabet) + s[i + 1:]
            else:
                j = rnd.randrange(len(s) + 1)
                s = s[:i] + s[j:]
        out.append(s)
    return out


def check_acceptance(binary, rnd):
    cases = TRICKY + list(INTENTIONAL) + mutations(rnd, 30000)
    rc, out, errors = run_bulk(binary, cases)
    outputs = iter(out)
    n_valid = n_invalid = 0
    for n, s in enumerate(cases, 1):
        ok = n not in errors
        got = next(outputs, None) if ok else None
        if s in INTENTIONAL:
            want_ok, want = INTENTIONAL[s], None
        else:
            want_ok, want = python_accepts(s)
        if ok != want_ok:
            fail("%r: sixplane %s (%s), ipaddress %s" % (
                s, "accepts" if ok else "refuses", got if ok else errors[n],
                "accepts" if want_ok else "refuses"))
        elif ok and want is not None and got != want:
            fail("%r: sixplane prints %r, ipaddress %r" % (s, got, want))
        n_valid += ok
        n_invalid += not ok
    if (rc != 0) != bool(errors):
        fail("exit code %d with %d refused lines" % (rc, len(errors)))
    if next(outputs, None) is not None:
        fail("more output lines than accepted input lines")
    for s in ARGV_ONLY:
        ok, got = run_one(binary, s)
        want_ok, want = python_accepts(s)
        if ok != want_ok or (ok and got != want):
            fail("argument %r: sixplane %s %r, ipaddress %s" % (s, ok, got, want_ok))
    print("acceptance: %d strings (%d accepted, %d refused) agree with ipaddress" % (
        len(cases) + len(ARGV_ONLY), n_valid, n_invalid))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    seed = int(os.environ.get("SIXPLANE_SEED") or str(DEFAULT_SEED), 0)
    count = int(os.environ.get("SIXPLANE_ORACLE_COUNT") or "200000", 0)
    print("seed %#x (SIXPLANE_SEED to change), Python %s" % (seed, sys.version.split()[0]))
    rnd = random.Random(seed)
    check_random(binary, rnd, count)
    check_acceptance(binary, rnd)
    if failures:
        print("%d failures" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
