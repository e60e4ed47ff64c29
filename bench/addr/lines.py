#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Inputs and answer checks for bench/addr/run_cli.sh.

  lines.py addrs N SEED     N IPv6 addresses, one a line, in non-canonical
                            spellings every peer accepts
  lines.py nodes N SEED     N 10-hex-digit node ids
  lines.py compare OURS PEER
                            line by line: identical, the same address spelt
                            otherwise (and how), or a different address.
                            Prints one tab-separated line:
                            lines identical same_single_zero_group
                            same_ipv4_hex same_ipv4_dotted same_other different
"""
import ipaddress
import random
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


def compare(ours_path, peer_path):
    counts = dict(lines=0, identical=0, single=0, v4hex=0, v4dotted=0, other=0, different=0)
    with open(ours_path) as fo, open(peer_path) as fp:
        for o, p in zip(fo, fp):
            o, p = o.strip(), p.strip()
            counts["lines"] += 1
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
                    print("lines.py: different addresses: ours %r, peer %r" % (o, p),
                          file=sys.stderr)
            elif single_zero_group(o, p):
                counts["single"] += 1
            elif "." in o and "." not in p:
                counts["v4hex"] += 1
            elif "." in p and "." not in o:
                counts["v4dotted"] += 1
            else:
                counts["other"] += 1
    # a peer that stopped early gave no answer for the rest
    with open(ours_path) as fo, open(peer_path) as fp:
        n_ours, n_peer = sum(1 for _ in fo), sum(1 for _ in fp)
    counts["different"] += abs(n_ours - n_peer)
    counts["lines"] = max(n_ours, n_peer)
    print("\t".join(str(counts[k]) for k in
                    ("lines", "identical", "single", "v4hex", "v4dotted", "other", "different")))


def main(argv):
    if len(argv) == 4 and argv[1] in ("addrs", "nodes"):
        (gen_addrs if argv[1] == "addrs" else gen_nodes)(int(argv[2]), int(argv[3]))
    elif len(argv) == 4 and argv[1] == "compare":
        compare(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
