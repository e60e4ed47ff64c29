#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Inputs and answer checks for bench/addr/run_cli.sh.

  lines.py addrs N SEED     N IPv6 addresses, one a line, in non-canonical
                            spellings every peer accepts
  lines.py nodes N SEED     N 10-hex-digit node ids
  lines.py compare INPUT OURS OURS_ERR PEER PEER_ERR
                            line by line over INPUT: OURS and PEER hold the
                            outputs of the lines each accepted, OURS_ERR and
                            PEER_ERR the messages of those it refused
                            ("...line N: ..."). Of the lines both accepted:
                            identical, the same address spelt otherwise (and
                            how), or a different address. Prints one
                            tab-separated line:
                            lines identical same_single_zero_group
                            same_ipv4_hex same_ipv4_dotted same_other different
                            both_refused ours_only_refused peer_only_refused
                            examples of ours_only_refused lines, as the peer
                            wrote them
"""
import ipaddress
import random
import re
import sys

PROVIDERS = [0x20010db8, 0x2a0104f8, 0x26001f18, 0x2a001450, 0x200141d0, 0x2604a880,
             0x2a032880, 0x2406da00, 0x2a020c7f, 0x20010470, 0x262000fe, 0x2a0e0b00]


def iid(r):
    """An interface identifier as hosts have them: small, EUI-64 or random."""
    kind = r.randrange(10)
    if kind < 4:
        return r.randrange(1, 0x100) if kind else (r.randrange(1, 16) << 16) | r.randrange(1, 0x100)
    if kind < 6:
        mac = r.getrandbits(48) | (0x02 << 40)
        return (mac >> 24) << 40 | 0xfffe << 24 | (mac & 0xffffff)
    return r.getrandbits(64)


def address(r):
    """An address shaped like the ones logs and configs are full of."""
    shape = r.randrange(100)
    if shape < 35:
        sub = 0 if r.randrange(2) else r.randrange(0x100)
        return PROVIDERS[r.randrange(len(PROVIDERS))] << 96 | r.getrandbits(16) << 80 | \
            sub << 64 | iid(r)
    if shape < 50:
        return 0xfe80 << 112 | iid(r)
    if shape < 57:  # a 6PLANE host address: fc, fold, node, ::1
        return 0xfc << 120 | r.getrandbits(72) << 48 | 1
    if shape < 62:
        return r.choice([0, 1, 0xff02 << 112 | 1, 0xff02 << 112 | 2, 0xff02 << 112 | 0xfb,
                         0xff02 << 112 | 0x1ff << 24 | r.getrandbits(24)])
    if shape < 77:
        return r.getrandbits(128)
    if shape < 90:
        return 0xffff << 32 | r.getrandbits(32)  # IPv4-mapped
    return 0x64ff9b << 96 | r.getrandbits(32)  # NAT64


def groups(a):
    return [(a >> (112 - 16 * i)) & 0xffff for i in range(8)]


def spell(r, a):
    """A non-canonical way to write a; now and then the canonical one."""
    g = groups(a)
    mapped = a >> 32 == 0xffff
    how = r.randrange(100)
    if mapped and how < 40:  # dotted quad after a spelt-out or short prefix
        v4 = ".".join(str((a >> s) & 0xff) for s in (24, 16, 8, 0))
        return r.choice(["0:0:0:0:0:ffff:", "0000:0000:0000:0000:0000:FFFF:", "::ffff:",
                         "::FFFF:"]) + v4
    if how < 45:  # all 32 digits
        return ":".join("%04x" % x for x in g)
    if how < 60:  # all 32 digits, upper case
        return ":".join("%04X" % x for x in g)
    if how < 80:  # eight groups, no leading zeros, no "::"
        return ":".join("%x" % x for x in g)
    if how < 90:  # leading zeros here and there, upper case now and then
        s = ":".join(("%04x" if r.randrange(2) else "%x") % x for x in g)
        return s.upper() if r.randrange(3) == 0 else s
    # canonical already
    return str(ipaddress.IPv6Address(a))


def gen_addrs(n, seed):
    r = random.Random(seed)
    w = sys.stdout.write
    for _ in range(n):
        w(spell(r, address(r)) + "\n")


def gen_nodes(n, seed):
    r = random.Random(seed)
    w = sys.stdout.write
    for _ in range(n):
        w("%010x\n" % r.getrandbits(40))


def single_zero_group(ours, peer):
    """peer wrote one lone zero group as "::" where ours kept the 0 (RFC 5952
    section 4.2.2: "::" MUST NOT shorten just one 16-bit 0 field)."""
    if "::" not in peer:
        return False
    head, tail = peer.split("::")
    n = len([x for x in head.split(":") if x]) + len([x for x in tail.split(":") if x])
    return n == 7


def refused_lines(path):
    """The line numbers of "...line N: ..." messages."""
    found = set()
    with open(path, errors="replace") as f:
        for m in re.finditer(r"^(?:sixplane: )?line (\d+): ", f.read(), re.M):
            found.add(int(m.group(1)))
    return found


def compare(input_path, ours_path, ours_err, peer_path, peer_err):
    counts = dict(lines=0, identical=0, single=0, v4hex=0, v4dotted=0, other=0, different=0,
                  both_refused=0, ours_only=0, peer_only=0)
    examples = []
    ours_bad, peer_bad = refused_lines(ours_err), refused_lines(peer_err)
    with open(input_path, errors="replace") as fi, open(ours_path) as fo, \
            open(peer_path, errors="replace") as fp:
        for n, line in enumerate(fi, 1):
            counts["lines"] += 1
            o = None if n in ours_bad else fo.readline()
            p = None if n in peer_bad else fp.readline()
            if o is None or p is None:
                if o is None and p is None:
                    counts["both_refused"] += 1
                elif o is None:
                    counts["ours_only"] += 1
                    if len(examples) < 3:
                        examples.append("`%s` as `%s`" % (line.rstrip("\n"), p.strip()))
                else:
                    counts["peer_only"] += 1
                continue
            o, p = o.strip(), p.strip()
            if o == p:
                counts["identical"] += 1
                continue
            try:
                same = ipaddress.IPv6Address(o) == ipaddress.IPv6Address(p)
            except ValueError:
                same = False
            if not same:
                counts["different"] += 1
                if counts["different"] <= 3:
                    print("lines.py: line %d, different addresses: ours %r, peer %r" % (n, o, p),
                          file=sys.stderr)
            elif single_zero_group(o, p):
                counts["single"] += 1
            elif "." in o and "." not in p:
                counts["v4hex"] += 1
            elif "." in p and "." not in o:
                counts["v4dotted"] += 1
            else:
                counts["other"] += 1
        # a peer that stopped early gave no answer for the rest; more output
        # than lines is as wrong
        extra = sum(1 for _ in fo) + sum(1 for _ in fp)
    counts["different"] += extra
    print("\t".join([str(counts[k]) for k in
                     ("lines", "identical", "single", "v4hex", "v4dotted", "other", "different",
                      "both_refused", "ours_only", "peer_only")] +
                    [", ".join(examples).replace("\t", "\\t")]))


def main(argv):
    if len(argv) == 4 and argv[1] in ("addrs", "nodes"):
        (gen_addrs if argv[1] == "addrs" else gen_nodes)(int(argv[2]), int(argv[3]))
    elif len(argv) == 7 and argv[1] == "compare":
        compare(*argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
