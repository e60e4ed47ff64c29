#!/usr/bin/env python3
"""sixplane site: the radvd, Kea and sysctl files of a site's router.

- the /80, the /40 and the default pool (the /80's upper half) of many
  random network and node ids, computed here from doc/addressing.md's
  formula with Python's ipaddress, equal what sixplane prints; the default
  subnet id is the node's low 32 bits (1 for 0 and ffffffff);
- --json equals the text: Kea's object exactly, radvd's file read back by a
  small parser here, the sysctl lines; --only prints one file of the three;
- Kea's lifetimes for every lease time from 10 to 2000 and some large ones:
  preferred 3/4 of valid, T1 and T2 0.5 and 0.8 of preferred (RFC 8415
  section 21.4), 0 < T1 < T2 < preferred < valid;
- every refusal (pools outside the /80, holding its ::0 or ::1, reversed;
  DUIDs too short, too long, odd; reservations outside the pool or twice;
  DNS servers Kea and resolvers cannot use; lifetimes and intervals out of
  range, a route lifetime shorter than the interval; interface names Linux
  or radvd cannot take; a bad --only word; [Site] mismatches with -c) is
  exit 1 with one stderr line naming the value, and nothing on stdout;
- -c refuses what sixplaned refuses of the sites (a [Site] on a network's
  interface, one LAN twice, overlapping parts), -I naming a network's
  interface, a network without 6PLANE addressing; warns when no [Site]
  routes to the interface;
- --write DIR: a file sixplane site did not make is replaced only with
  --force (without it, nothing is written);
- --write DIR: the files where promised (0644, folders 0755), a second run
  leaves them alone (inode, mtime), --only writes one, a symlink is
  followed, and a failure (a folder that is a file, a file that is a
  folder, a write cut short by RLIMIT_FSIZE after the first temporary file,
  a folder it cannot write in) leaves every file as it was, no temporary
  file and no folder it made;
- stdout that cannot be written: exit 2, one line;
- with the real programs (each skipped when missing): `radvd --configtest`
  and `kea-dhcp6 -t` (in a network namespace holding the interface, as
  root) accept every variant; radvd started in a namespace sends what the
  file says (rdisc6: M and O, the /40 route, no prefix, RDNSS), at the
  shortest interval too, where radvd checks at start what --configtest
  does not.
"""

import ipaddress
import json
import os
import random
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

import clitest

NWID = "8056c2e21c000001"
NODE = "89e92ceee5"
HOST80 = "fc9c:56c2:e389:e92c:eee5::/80"
HOST = ["-n", NWID, "-N", NODE]
FILES = ["radvd.conf", "kea/kea-dhcp6.conf", "sysctl.d/60-sixplane-site.conf"]
PLACES = ["/etc/radvd.conf", "/etc/kea/kea-dhcp6.conf", "/etc/sysctl.d/60-sixplane-site.conf"]


def plane(nwid, node):
    """(/40, /80, default pool /81) by doc/addressing.md, computed here."""
    w = (nwid ^ (nwid >> 32)) & 0xFFFFFFFF
    net = ipaddress.IPv6Network(((0xFC << 120) | (w << 88), 40))
    host = ipaddress.IPv6Network(((0xFC << 120) | (w << 88) | (node << 48), 80))
    return net, host, list(host.subnets(new_prefix=81))[1]


def split_files(text):
    """The text output cut into its files: {place: text}, each as --only
    prints it (the blank line between them is no file's)."""
    out = {}
    for part in re.split(r"(?<=\n)\n(?=# /etc/)", text):
        first = part.split("\n", 1)[0]
        out[first[2:]] = part
    return out


def strip_comments(text):
    return "\n".join(l for l in text.splitlines() if not l.startswith("#"))


def parse_radvd(text):
    """radvd.conf as written by sixplane site, read back: the interface's
    options, its routes and RDNSS blocks."""
    body = strip_comments(text)
    m = re.fullmatch(r"\s*interface (\S+) \{(.*)\};\s*", body, re.S)
    if not m:
        raise ValueError("no interface block in %r" % body)
    conf = {"interface": m.group(1), "routes": [], "rdnss": [], "prefixes": 0}
    inner = m.group(2)
    for kind, head, block in re.findall(r"\t(route|RDNSS|prefix) ([^{]+) \{(.*?)\};", inner, re.S):
        opts = dict(re.findall(r"(\w+) (\S+);", block))
        if kind == "route":
            conf["routes"].append((head.strip(), opts))
        elif kind == "RDNSS":
            conf["rdnss"].append((head.split(), opts))
        else:
            conf["prefixes"] += 1
    top = re.sub(r"\t(route|RDNSS|prefix) [^{]+\{.*?\};", "", inner, flags=re.S)
    conf["options"] = dict(re.findall(r"(\w+) (\S+);", top))
    return conf


def lifetime(v):
    return 0xFFFFFFFF if v == "infinity" else int(v)


def one_error(p, needle):
    """'' when p failed with exit 1, one stderr line naming needle, no stdout."""
    lines = clitest.stderr_lines(p.stderr)
    if p.returncode != 1:
        return "exit %d, want 1 (stderr %r)" % (p.returncode, p.stderr)
    if p.stdout:
        return "stdout not empty: %r" % p.stdout[:200]
    if len(lines) != 1 or not lines[0].startswith("sixplane: "):
        return "want one 'sixplane: ' line on stderr, got %r" % lines
    if needle not in lines[0]:
        return "the line does not name %r: %r" % (needle, lines[0])
    return ""


class T:
    def __init__(self, sixplane, report):
        self.sx, self.report = sixplane, report

    def run(self, args, **kw):
        return clitest.run(self.sx, args, **kw)

    def doc(self, args):
        p = self.run(args + ["--json"])
        if p.returncode:
            raise RuntimeError("exit %d: %s" % (p.returncode, clitest.show(p.stderr)))
        return json.loads(p.stdout)


# ---- values -------------------------------------------------------------------


def t_random_pairs(t):
    rnd = random.Random(17)
    pairs = [(rnd.getrandbits(64), rnd.getrandbits(40)) for _ in range(150)]
    pairs += [(0x8056C2E21C000001, 0x89E92CEEE5), (0x1234567812345678, 0x0100000000),
              (0xFFFFFFFFFFFFFFFF, 0x00FFFFFFFF), (0, 0x1122334455)]
    bad = []
    for nwid, node in pairs:
        net, host, pool = plane(nwid, node)
        d = t.doc(["site", "-n", "%016x" % nwid, "-N", "%010x" % node, "-I", "lan0"])
        sub = d["kea"]["Dhcp6"]["subnet6"][0]
        low = node & 0xFFFFFFFF
        want_id = 1 if low in (0, 0xFFFFFFFF) else low
        got = (d["plane"], d["prefix"], d["pool"], sub["subnet"], sub["pools"][0]["pool"],
               d["radvd"]["routes"][0]["prefix"], d["subnet_id"], sub["id"])
        want = (str(net), str(host), str(pool), str(host), str(pool), str(net), want_id, want_id)
        if got != want:
            bad.append("%016x %010x: got %r, want %r" % (nwid, node, got, want))
    t.report.check("random-pairs-pool-is-upper-half", not bad,
                   "%d of %d wrong:\n%s" % (len(bad), len(pairs), "\n".join(bad[:5])))


def t_text_equals_json(t):
    variants = [
        ["-I", "lan0"],
        ["-I", "br-lan", "--dns", "2001:db8::53", "--dns", "fd00::35", "--dns", "fe80::1",
         "--reserve", "00:01:00:01:2b:3c:4d:5e:02:00:5e:00:53:01=fc9c:56c2:e389:e92c:eee5:8000::10",
         "--router-lifetime", "1800", "--ra-interval", "60", "--route-lifetime", "4294967295",
         "--lease-time", "86400", "--state-dir", "/srv/kea//", "--subnet-id", "4294967294",
         "--pool", "fc9c:56c2:e389:e92c:eee5:8000::10-fc9c:56c2:e389:e92c:eee5:8000::ff"],
        ["-I", "eth0.10", "--ra-interval", "4", "--route-lifetime", "4", "--dns", "2001:db8::1"],
    ]
    for i, v in enumerate(variants):
        args = ["site"] + HOST + v
        problems = []
        p = t.run(args)
        d = t.doc(args)
        if p.returncode:
            t.report.check("text-equals-json-%d" % i, False, clitest.show(p.stderr))
            continue
        text = p.stdout.decode()
        files = split_files(text)
        if sorted(files) != sorted(PLACES):
            problems.append("files %r" % sorted(files))
        for place, body in files.items():
            head = body.splitlines()[:2]
            want = "# made by sixplane site for network %s node %s (%s)" % (NWID, NODE, d["prefix"])
            if head != ["# " + place, want]:
                problems.append("%s starts %r" % (place, head))
        kea = json.loads(strip_comments(files[PLACES[1]]))
        if kea != d["kea"]:
            problems.append("kea text %r\n!= json %r" % (kea, d["kea"]))
        if list(d["kea"]["Dhcp6"]["subnet6"][0]) != [
                k for k in ["id", "subnet", "interface", "pools", "reservations", "option-data"]
                if k in d["kea"]["Dhcp6"]["subnet6"][0]]:
            problems.append("subnet keys %r" % list(d["kea"]["Dhcp6"]["subnet6"][0]))
        r = parse_radvd(files[PLACES[0]])
        o, j = r["options"], d["radvd"]
        got = (r["interface"], o.get("AdvSendAdvert"), o.get("AdvManagedFlag") == "on",
               o.get("AdvOtherConfigFlag") == "on", int(o["AdvDefaultLifetime"]),
               int(o["MaxRtrAdvInterval"]), int(o["MinRtrAdvInterval"]),
               [{"prefix": pfx, "lifetime": lifetime(ro["AdvRouteLifetime"]),
                 "preference": ro["AdvRoutePreference"]} for pfx, ro in r["routes"]],
               [{"servers": s, "lifetime": lifetime(ro["AdvRDNSSLifetime"])} for s, ro in r["rdnss"]],
               r["prefixes"])
        want = (j["interface"], "on", j["managed"], j["other"], j["router_lifetime"],
                j["ra_interval"], j["min_ra_interval"], j["routes"], j["rdnss"], 0)
        if got != want:
            problems.append("radvd text %r\n!= json %r" % (got, want))
        # RFC 4861 section 6.2.1: 3 <= MinRtrAdvInterval <= 0.75 x Max
        if not 3 <= j["min_ra_interval"] <= 0.75 * j["ra_interval"]:
            problems.append("MinRtrAdvInterval %d for %d" % (j["min_ra_interval"], j["ra_interval"]))
        sysctl = dict(l.split(" = ") for l in strip_comments(files[PLACES[2]]).splitlines())
        if sysctl != d["sysctl"] or sysctl != {"net.ipv6.conf.all.forwarding": "1"}:
            problems.append("sysctl %r, json %r" % (sysctl, d["sysctl"]))
        if (d["interface"], d["network"], d["node"]) != (r["interface"], NWID, NODE):
            problems.append("top keys %r" % d)
        if sorted(d) != sorted(["network", "node", "interface", "plane", "prefix", "pool",
                                "subnet_id", "radvd", "kea", "sysctl"]):
            problems.append("keys %r" % sorted(d))
        # --only: the same file alone, and the JSON with only its part
        for which, place, key in (("radvd", PLACES[0], "radvd"), ("kea", PLACES[1], "kea"),
                                  ("sysctl", PLACES[2], "sysctl")):
            q = t.run(args + ["--only", which])
            if q.stdout.decode() != files[place]:
                problems.append("--only %s printed %r" % (which, q.stdout[:100]))
            dj = t.doc(args + ["--only", which])
            rest = {k: v for k, v in d.items() if k not in ("radvd", "kea", "sysctl")}
            rest[key] = d[key]
            if dj != rest:
                problems.append("--only %s --json: %r" % (which, sorted(dj)))
        t.report.check("text-equals-json-%d" % i, not problems, "\n".join(problems))


def t_variant_values(t):
    d = t.doc(["site"] + HOST + ["-I", "lan0", "--state-dir", "/srv/kea//", "--route-lifetime",
                                 "4294967295", "--reserve", "00:01:00:01:2B:3C=fc9c:56c2:e389:e92c:eee5:8000::10",
                                 "--reserve", "0003000102005e005302=fc9c:56c2:e389:e92c:eee5:8000::11"])
    dh = d["kea"]["Dhcp6"]
    got = (dh["data-directory"], dh["lease-database"], d["radvd"]["routes"][0]["lifetime"],
           dh["subnet6"][0]["reservations"])
    want = ("/srv/kea", {"type": "memfile", "name": "/srv/kea/kea-leases6.csv", "persist": True,
                         "lfc-interval": 3600}, 4294967295,
            [{"duid": "00:01:00:01:2b:3c", "ip-addresses": ["fc9c:56c2:e389:e92c:eee5:8000:0:10"]},
             {"duid": "00:03:00:01:02:00:5e:00:53:02",
              "ip-addresses": ["fc9c:56c2:e389:e92c:eee5:8000:0:11"]}])
    t.report.check("state-dir-duid-forms-infinity", got == want, "got %r\nwant %r" % (got, want))
    d = t.doc(["site"] + HOST + ["-I", "lan0", "--state-dir", "/"])
    got = (d["kea"]["Dhcp6"]["data-directory"], d["kea"]["Dhcp6"]["lease-database"]["name"])
    t.report.check("state-dir-root", got == ("/", "/kea-leases6.csv"), repr(got))
    d = t.doc(["site"] + HOST + ["-I", "lan0", "--ra-interval", "100"])
    t.report.check("route-lifetime-default-3x", d["radvd"]["routes"][0]["lifetime"] == 300 and
                   d["radvd"]["min_ra_interval"] == 33, repr(d["radvd"]))
    d = t.doc(["site"] + HOST + ["-I", "lan0", "--dns", "2001:db8::53"])
    ok = d["radvd"]["rdnss"] == [{"servers": ["2001:db8::53"], "lifetime": 1800}] and \
        d["kea"]["Dhcp6"]["subnet6"][0]["option-data"] == [{"name": "dns-servers", "data": "2001:db8::53"}]
    t.report.check("dns-in-both", ok, repr(d["radvd"]["rdnss"]))


def t_lease_times(t):
    bad = []
    for v in list(range(10, 2001)) + [4000, 86400, 604800, 4294967294]:
        if v > 300 and v not in (4000, 86400, 604800, 4294967294) and v % 97:
            continue  # every small value, a sample of the rest
        d = t.doc(["site"] + HOST + ["-I", "lan0", "--lease-time", str(v)])["kea"]["Dhcp6"]
        got = (d["valid-lifetime"], d["preferred-lifetime"], d["renew-timer"], d["rebind-timer"])
        pref = v * 3 // 4
        want = (v, pref, pref // 2, pref * 4 // 5)
        if got != want or not 0 < got[2] < got[3] < got[1] < got[0]:
            bad.append("%d: %r, want %r" % (v, got, want))
    t.report.check("lease-time-arithmetic", not bad, "\n".join(bad[:5]))
    d = t.doc(["site"] + HOST + ["-I", "lan0"])["kea"]["Dhcp6"]
    got = (d["valid-lifetime"], d["preferred-lifetime"], d["renew-timer"], d["rebind-timer"])
    t.report.check("lease-time-default", got == (4000, 3000, 1500, 2400), repr(got))


REFUSALS = [
    # (name, extra args, the value the message must name)
    ("pool-outside", ["--pool", "fc9c:56c2:e389:e92c:eee6::/96"], "fc9c:56c2:e389:e92c:eee6::/96"),
    ("pool-other-network", ["--pool", "2001:db8::/96"], "2001:db8::/96"),
    ("pool-whole-80", ["--pool", HOST80], HOST80),
    ("pool-holds-zero", ["--pool", "fc9c:56c2:e389:e92c:eee5::-fc9c:56c2:e389:e92c:eee5::ff"],
     "fc9c:56c2:e389:e92c:eee5::-fc9c:56c2:e389:e92c:eee5::ff"),
    ("pool-holds-one", ["--pool", "fc9c:56c2:e389:e92c:eee5::1-fc9c:56c2:e389:e92c:eee5::ff"],
     "fc9c:56c2:e389:e92c:eee5::1-fc9c:56c2:e389:e92c:eee5::ff"),
    ("pool-reversed", ["--pool", "fc9c:56c2:e389:e92c:eee5:8000::9-fc9c:56c2:e389:e92c:eee5:8000::1"],
     "fc9c:56c2:e389:e92c:eee5:8000::9-fc9c:56c2:e389:e92c:eee5:8000::"),
    ("pool-reaching-out", ["--pool", "fc9c:56c2:e389:e92c:eee5:8000::-fc9c:56c2:e389:e92c:eee6::"],
     "fc9c:56c2:e389:e92c:eee5:8000::-fc9c:56c2:e389:e92c:eee6::"),
    ("pool-garbage", ["--pool", "lan"], "lan"),
    ("pool-host-bits", ["--pool", "fc9c:56c2:e389:e92c:eee5:8000::1/81"],
     "fc9c:56c2:e389:e92c:eee5:8000::1/81"),
    ("duid-short", ["--reserve", "00:01=fc9c:56c2:e389:e92c:eee5:8000::5"], "00:01"),
    ("duid-bare-short", ["--reserve", "0001=fc9c:56c2:e389:e92c:eee5:8000::5"], "0001"),
    ("duid-long", ["--reserve", ":".join(["0a"] * 129) + "=fc9c:56c2:e389:e92c:eee5:8000::5"],
     "0a:0a:0a"),
    ("duid-bare-long", ["--reserve", "0a" * 129 + "=fc9c:56c2:e389:e92c:eee5:8000::5"], "0a0a0a"),
    ("duid-odd", ["--reserve", "00010=fc9c:56c2:e389:e92c:eee5:8000::5"], "00010"),
    ("duid-one-digit-group", ["--reserve", "00:01:1=fc9c:56c2:e389:e92c:eee5:8000::5"], "00:01:1"),
    ("duid-not-hex", ["--reserve", "00:01:zz=fc9c:56c2:e389:e92c:eee5:8000::5"], "00:01:zz"),
    ("duid-trailing-colon", ["--reserve", "00:01:02:=fc9c:56c2:e389:e92c:eee5:8000::5"], "00:01:02:"),
    ("duid-empty", ["--reserve", "=fc9c:56c2:e389:e92c:eee5:8000::5"], "''"),
    ("reserve-no-equals", ["--reserve", "00:01:02"], "00:01:02"),
    ("reserve-bad-addr", ["--reserve", "00:01:02=fc9c::zz"], "00:01:02=fc9c::zz"),
    ("reserve-outside-pool", ["--reserve", "00:01:02=fc9c:56c2:e389:e92c:eee5:10::5"],
     "00:01:02=fc9c:56c2:e389:e92c:eee5:10::5"),
    ("reserve-outside-80", ["--reserve", "00:01:02=2001:db8::5"], "00:01:02=2001:db8::5"),
    ("reserve-zero", ["--reserve", "00:01:02=fc9c:56c2:e389:e92c:eee5::"],
     "00:01:02=fc9c:56c2:e389:e92c:eee5::"),
    ("reserve-one", ["--reserve", "00:01:02=fc9c:56c2:e389:e92c:eee5::1"],
     "00:01:02=fc9c:56c2:e389:e92c:eee5::1"),
    ("reserve-duplicate-duid", ["--reserve", "00:01:02=fc9c:56c2:e389:e92c:eee5:8000::5",
                                "--reserve", "000102=fc9c:56c2:e389:e92c:eee5:8000::6"],
     "000102=fc9c:56c2:e389:e92c:eee5:8000::6"),
    ("reserve-duplicate-addr", ["--reserve", "00:01:02=fc9c:56c2:e389:e92c:eee5:8000::5",
                                "--reserve", "00:01:03=fc9c:56c2:e389:e92c:eee5:8000:0:5"],
     "00:01:03=fc9c:56c2:e389:e92c:eee5:8000:0:5"),
    ("dns-unspecified", ["--dns", "::"], "'::'"),
    ("dns-loopback", ["--dns", "::1"], "'::1'"),
    ("dns-multicast", ["--dns", "ff02::fb"], "ff02::fb"),
    ("dns-mapped", ["--dns", "::ffff:192.0.2.53"], "::ffff:192.0.2.53"),
    ("dns-duplicate", ["--dns", "2001:db8::53", "--dns", "2001:db8:0::53"], "2001:db8:0::53"),
    ("dns-four", ["--dns", "2001:db8::1", "--dns", "2001:db8::2", "--dns", "2001:db8::3",
                  "--dns", "2001:db8::4"], "2001:db8::4"),
    ("dns-garbage", ["--dns", "dns.example"], "dns.example"),
    ("dns-prefix", ["--dns", "2001:db8::/64"], "2001:db8::/64"),
    ("ra-interval-low", ["--ra-interval", "3"], "'3'"),
    ("ra-interval-high", ["--ra-interval", "1801"], "1801"),
    ("ra-interval-sign", ["--ra-interval", "+60"], "+60"),
    ("ra-interval-empty", ["--ra-interval", ""], "''"),
    ("ra-interval-huge", ["--ra-interval", "99999999999999999999999"], "99999999999999999999999"),
    ("router-lifetime-below-interval", ["--router-lifetime", "599"], "599"),
    ("router-lifetime-high", ["--router-lifetime", "9001"], "9001"),
    ("router-lifetime-below-short-interval", ["--ra-interval", "30", "--router-lifetime", "29"],
     "'29'"),
    ("route-lifetime-below-interval", ["--route-lifetime", "599"], "599"),
    ("route-lifetime-zero", ["--route-lifetime", "0"], "'0'"),
    ("route-lifetime-high", ["--route-lifetime", "4294967296"], "4294967296"),
    ("lease-time-low", ["--lease-time", "9"], "'9'"),
    ("lease-time-infinity", ["--lease-time", "4294967295"], "4294967295"),
    ("lease-time-negative", ["--lease-time", "-1"], "-1"),
    ("subnet-id-zero", ["--subnet-id", "0"], "'0'"),
    ("subnet-id-max", ["--subnet-id", "4294967295"], "4294967295"),
    ("subnet-id-hex", ["--subnet-id", "0x10"], "0x10"),
    ("state-dir-relative", ["--state-dir", "var/lib/kea"], "var/lib/kea"),
    ("state-dir-control", ["--state-dir", "/var/lib\n/kea"], "/var/lib\\x0a/kea"),
    ("only-bad", ["--only", "dhcp"], "dhcp"),
    ("only-case", ["--only", "Kea"], "Kea"),
    ("write-empty", ["--write", ""], "''"),
]

BAD_IFNAMES = [
    ("", "''"), ("abcdefghijklmnop", "abcdefghijklmnop"), (".", "'.'"), ("..", "'..'"),
    ("a/b", "a/b"), ("a:b", "a:b"), ("a b", "a b"), ("a\tb", "a\\x09b"), ("lan\xe9", "lan\\x"),
    ("a;b", "a;b"), ("a{b", "a{b"), ("a#b", "a#b"), ("a\"b", "a\"b"), ("0", "'0'"),
    ("1.2", "1.2"), ("-5", "-5"), ("on", "'on'"), ("OFF", "OFF"), ("route", "route"),
    ("RDNSS", "RDNSS"), ("infinity", "infinity"), ("interface", "interface"), ("medium", "medium"),
]


def t_refusals(t):
    for name, extra, needle in REFUSALS:
        p = t.run(["site"] + HOST + ["-I", "lan0"] + extra)
        problem = one_error(p, needle)
        t.report.check("refuse-" + name, not problem, problem)
    for i, (ifname, needle) in enumerate(BAD_IFNAMES):
        p = t.run(["site"] + HOST + ["-I", ifname.encode("utf-8", "surrogateescape")])
        problem = one_error(p, needle)
        t.report.check("refuse-ifname-%d" % i, not problem, "%r: %s" % (ifname, problem))
    for ifname in ("lan0", "br-lan", "eth0.10", "enp3s0f1", "wlan_1", "a", "onion", "routes",
                   "lan-2.100"):
        p = t.run(["site"] + HOST + ["-I", ifname, "--only", "radvd"])
        ok = p.returncode == 0 and not p.stderr and b"interface %s {" % ifname.encode() in p.stdout
        t.report.check("ifname-ok-" + ifname, ok, clitest.show(p.stderr))
    # usage errors: one line, exit 1
    for name, argv, needle in (
        ("no-interface", ["site"] + HOST, "--interface"),
        ("no-network", ["site", "-N", NODE, "-I", "lan0"], "--network"),
        ("no-node", ["site", "-n", NWID, "-I", "lan0"], "--node"),
        ("extra-argument", ["site"] + HOST + ["-I", "lan0", "extra"], "extra"),
        ("unknown-option", ["site"] + HOST + ["-I", "lan0", "--prefix", "x"], "--prefix"),
        ("option-needs-value", ["site"] + HOST + ["-I"], "-I"),
    ):
        problem = one_error(t.run(argv), needle)
        t.report.check("usage-" + name, not problem, problem)


def t_warning(t):
    p = t.run(["site"] + HOST + ["-I", "lan0", "--pool",
                                 "fc9c:56c2:e389:e92c:eee5:7fff:ffff:ff00-fc9c:56c2:e389:e92c:eee5:8000::ff",
                                 "--json"])
    lines = clitest.stderr_lines(p.stderr)
    ok = (p.returncode == 0 and len(lines) == 1 and lines[0].startswith("sixplane: warning: ")
          and "lower half" in lines[0] and json.loads(p.stdout)["pool"] ==
          "fc9c:56c2:e389:e92c:eee5:7fff:ffff:ff00 - fc9c:56c2:e389:e92c:eee5:8000:0:ff")
    t.report.check("warn-pool-in-lower-half", ok, clitest.show(p.stderr))
    p = t.run(["site"] + HOST + ["-I", "lan0", "--pool", "fc9c:56c2:e389:e92c:eee5:8000::/82"])
    t.report.check("no-warning-upper-half", p.returncode == 0 and not p.stderr,
                   clitest.show(p.stderr))


# ---- -c FILE -------------------------------------------------------------------

CONF = """[Network]
Id = 8056c2e21c000001
Node = 89e92ceee5
Interface = sp0
%s"""


def t_config(t):
    d = tempfile.mkdtemp(prefix="sixplane-site-")
    try:
        def conf(name, sites):
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write(CONF % sites)
            return path

        one = conf("one.conf", "\n[Site]\nInterface = lan0\nPool = fc9c:56c2:e389:e92c:eee5:c000::/82\n")
        nopool = conf("nopool.conf", "\n[Site]\nInterface = lan7\n")
        two = conf("two.conf", "\n[Site]\nInterface = lan0\nPool = fc9c:56c2:e389:e92c:eee5:8000::/82\n"
                   "\n[Site]\nInterface = lan1\n"
                   "Pool = fc9c:56c2:e389:e92c:eee5:ffff::/96\n")
        none = conf("none.conf", "")
        radvdword = conf("word.conf", "\n[Site]\nInterface = high\n")
        own = conf("own.conf", "\n[Site]\nInterface = sp0\n")
        twice = conf("twice.conf", "\n[Site]\nInterface = lan0\nPool = fc9c:56c2:e389:e92c:eee5::100/120\n"
                     "\n[Site]\nInterface = lan0\nPool = fc9c:56c2:e389:e92c:eee5::200/120\n")
        overlap = conf("overlap.conf", "\n[Site]\nInterface = lan0\n\n[Site]\nInterface = lan1\n"
                       "Pool = fc9c:56c2:e389:e92c:eee5:ffff::/96\n")
        ula = os.path.join(d, "ula.conf")
        with open(ula, "w") as f:
            f.write(CONF % "Addressing = rfc4193\n")
        cases = [
            ("config-site-pool", ["-c", one], ("lan0", "fc9c:56c2:e389:e92c:eee5:c000::/82")),
            ("config-site-no-pool", ["-c", nopool], ("lan7", "fc9c:56c2:e389:e92c:eee5:8000::/81")),
            ("config-pool-inside-site-pool", ["-c", one, "--pool", "fc9c:56c2:e389:e92c:eee5:c000::/90"],
             ("lan0", "fc9c:56c2:e389:e92c:eee5:c000::/90")),
            ("config-two-pick-1", ["-c", two, "-I", "lan1"], ("lan1", "fc9c:56c2:e389:e92c:eee5:ffff::/96")),
            ("config-two-pick-0", ["-c", two, "-I", "lan0"], ("lan0", "fc9c:56c2:e389:e92c:eee5:8000::/82")),
            ("config-network-picked", ["-c", one, "-n", NWID], ("lan0", "fc9c:56c2:e389:e92c:eee5:c000::/82")),
        ]
        for name, argv, want in cases:
            p = t.run(["site"] + argv + ["--json"])
            try:
                doc = json.loads(p.stdout)
                got = (doc["interface"], doc["pool"])
            except ValueError:
                got = None
            t.report.check(name, p.returncode == 0 and not p.stderr and got == want,
                           "got %r, want %r, stderr %r" % (got, want, p.stderr))
        errors = [
            ("config-pool-outside-site-pool", ["-c", one, "--pool", "fc9c:56c2:e389:e92c:eee5:8000::/82"],
             "not inside [Site] Pool fc9c:56c2:e389:e92c:eee5:c000::/82 (%s:8), the part sixplaned "
             "routes to lan0" % one),
            ("config-two-sites-unpicked", ["-c", two], "lan0, lan1"),
            ("config-interface-not-a-site", ["-c", two, "-I", "lan9"], "%s:1" % two),
            ("config-no-site-no-interface", ["-c", none], "--interface"),
            ("config-site-ifname-radvd-word", ["-c", radvdword], "'high'"),
            ("config-with-node", ["-c", one, "-N", NODE], "-c FILE"),
            ("config-missing", ["-c", os.path.join(d, "nope.conf")], "nope.conf"),
            # what sixplaned refuses of the sites, refused here too
            ("config-site-on-network", ["-c", own], "%s:7: [Site] Interface 'sp0' is the interface "
             "of the network at line 1" % own),
            ("config-site-twice", ["-c", twice, "-I", "lan0"], "%s:11: [Site] Interface 'lan0' "
             "already used at line 6" % twice),
            ("config-sites-overlap", ["-c", overlap, "-I", "lan1"], "%s:11: [Site] on lan1" % overlap),
            ("config-interface-of-network", ["-c", none, "-I", "sp0"],
             "the interface of the [Network] at %s:1" % none),
            ("config-rfc4193-only", ["-c", ula, "-I", "lan0"], "%s:1 has no 6PLANE addressing" % ula),
        ]
        for name, argv, needle in errors:
            p = t.run(["site"] + argv)
            problem = one_error(p, needle) if name != "config-missing" else (
                "" if p.returncode == 2 and len(clitest.stderr_lines(p.stderr)) == 1 else
                "exit %d %r" % (p.returncode, p.stderr))
            t.report.check(name, not problem, problem)
        # no [Site]: the files are made, with a warning that nothing routes there
        p = t.run(["site", "-c", none, "-I", "lan3", "--json"])
        lines = clitest.stderr_lines(p.stderr)
        ok = (p.returncode == 0 and json.loads(p.stdout or "{}").get("pool") ==
              "fc9c:56c2:e389:e92c:eee5:8000::/81" and len(lines) == 1 and
              lines[0].startswith("sixplane: warning: ") and "no [Site]" in lines[0] and "lan3" in lines[0])
        t.report.check("config-no-site-warns", ok, clitest.show(p.stderr))
    finally:
        shutil.rmtree(d)


# ---- --write DIR ---------------------------------------------------------------


def t_write_foreign(t):
    """A file sixplane site did not make (a radvd.conf for another LAN,
    Debian's kea-dhcp6.conf) is replaced only with --force; without it,
    nothing is written at all."""
    d = tempfile.mkdtemp(prefix="sixplane-site-")
    try:
        radvd = os.path.join(d, "radvd.conf")
        theirs = "interface eth1 {\n\tAdvSendAdvert on;\n\tprefix 2001:db8:1::/64 {};\n};\n"
        with open(radvd, "w") as f:
            f.write(theirs)
        before = snap(d)
        p = t.run(["site"] + HOST + ["-I", "lan0", "--write", d])
        problem = one_error(p, "'%s' was not made by sixplane site: --force replaces it" % radvd)
        t.report.check("write-foreign-refused", not problem and snap(d) == before,
                       problem or "the folder changed")
        p = t.run(["site"] + HOST + ["-I", "lan0", "--write", d, "--force"])
        with open(radvd) as f:
            mine = f.read()
        t.report.check("write-foreign-forced", p.returncode == 0 and "interface lan0 {" in mine
                       and "eth1" not in mine, clitest.show(p.stderr))
        # ours now: replaced without --force when it changes
        p = t.run(["site"] + HOST + ["-I", "lan1", "--write", d])
        with open(radvd) as f:
            t.report.check("write-own-replaced", p.returncode == 0 and "interface lan1 {" in f.read(),
                           clitest.show(p.stderr))
        p = t.run(["site"] + HOST + ["-I", "lan0", "--force"])
        t.report.check("force-without-write", p.returncode == 1 and not p.stdout and
                       b"--force goes with --write DIR" in p.stderr, p.stderr)
    finally:
        shutil.rmtree(d)


def snap(root):
    """{relative path: (inode, mtime_ns, mode, bytes)} of every entry; a
    folder's mtime is not compared (a temporary file made and removed in it
    changes it)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            path = os.path.join(dirpath, n)
            st = os.lstat(path)
            data = None
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path)
            out[os.path.relpath(path, root)] = (st.st_ino, None if stat.S_ISDIR(st.st_mode)
                                                else st.st_mtime_ns, stat.S_IMODE(st.st_mode), data)
    return out


def age(root):
    for dirpath, _, filenames in os.walk(root):
        for n in filenames:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            os.utime(p, ns=(st.st_atime_ns - 3600 * 10**9, st.st_mtime_ns - 3600 * 10**9),
                     follow_symlinks=False)


A = ["site"] + HOST + ["-I", "lan0"]
B = ["site"] + HOST + ["-I", "lan0", "--dns", "2001:db8::53", "--lease-time", "7200"]


class Dir:
    def __init__(self, t, name):
        self.t, self.name = t, name

    def __enter__(self):
        self.d = tempfile.mkdtemp(prefix="sixplane-site-w-")
        return self.d

    def __exit__(self, *exc):
        for dirpath, dirnames, _ in os.walk(self.d):
            for n in dirnames:
                os.chmod(os.path.join(dirpath, n), 0o755)
        shutil.rmtree(self.d)


def expected_files(t, args):
    files = split_files(t.run(args).stdout.decode())
    return {rel: files[place].encode() for rel, place in zip(FILES, PLACES)}


def t_write(t):
    want_a = expected_files(t, A)
    # the files where promised, made with their folders
    with Dir(t, "write") as d:
        etc = os.path.join(d, "etc")
        p = t.run(A + ["--write", etc])
        s = snap(etc)
        problems = []
        if p.returncode or p.stdout:
            problems.append("exit %d, stdout %r" % (p.returncode, p.stdout))
        lines = clitest.stderr_lines(p.stderr)
        if lines != ["sixplane: updated '%s/%s'" % (etc, f) for f in FILES]:
            problems.append("stderr %r" % lines)
        if sorted(s) != sorted(["kea", "sysctl.d"] + FILES):
            problems.append("made %r" % sorted(s))
        for f in FILES:
            if f in s and (s[f][3] != want_a[f] or s[f][2] != 0o644):
                problems.append("%s: mode %o, %r" % (f, s[f][2], s[f][3][:80]))
        for f in ("kea", "sysctl.d"):
            if f in s and s[f][2] != 0o755:
                problems.append("%s mode %o" % (f, s[f][2]))
        if os.stat(etc).st_mode & 0o777 != 0o755:
            problems.append("the folder's mode %o" % (os.stat(etc).st_mode & 0o777))
        t.report.check("write-files", not problems, "\n".join(problems))
        # again: nothing touched
        age(etc)
        before = snap(etc)
        p = t.run(A + ["--write", etc])
        lines = clitest.stderr_lines(p.stderr)
        ok = (p.returncode == 0 and snap(etc) == before and
              lines == ["sixplane: '%s/%s' is up to date" % (etc, f) for f in FILES])
        t.report.check("write-idempotent", ok, "exit %d %r" % (p.returncode, lines))
        # a change: only the files that differ are replaced
        p = t.run(B + ["--write", etc])
        after = snap(etc)
        want_b = expected_files(t, B)
        ok = (p.returncode == 0 and all(after[f][3] == want_b[f] for f in FILES) and
              after[FILES[2]][:2] == before[FILES[2]][:2] and
              after[FILES[0]][0] != before[FILES[0]][0] and
              clitest.stderr_lines(p.stderr)[2] == "sixplane: '%s/%s' is up to date" % (etc, FILES[2]))
        t.report.check("write-only-what-changed", ok, "exit %d %r" % (p.returncode, p.stderr))
        # --json with --write: written, and the document printed
        p = t.run(A + ["--write", etc, "--json"])
        ok = p.returncode == 0 and json.loads(p.stdout) == t.doc(A) and \
            all(snap(etc)[f][3] == want_a[f] for f in FILES)
        t.report.check("write-json", ok, "exit %d %r" % (p.returncode, p.stderr))

    # --only writes that file alone, and makes only its folder
    with Dir(t, "only") as d:
        p = t.run(A + ["--write", d, "--only", "kea"])
        s = snap(d)
        ok = p.returncode == 0 and sorted(s) == ["kea", FILES[1]] and s[FILES[1]][3] == want_a[FILES[1]]
        t.report.check("write-only-kea", ok, "exit %d, made %r" % (p.returncode, sorted(s)))

    # mode and owner of an existing file kept; a symlink followed
    with Dir(t, "keep") as d:
        os.mkdir(os.path.join(d, "kea"))
        os.mkdir(os.path.join(d, "real"))
        target = os.path.join(d, "real", "radvd.conf")
        with open(target, "w") as f:
            f.write("old\n")
        os.chmod(target, 0o600)
        os.symlink("real/radvd.conf", os.path.join(d, "radvd.conf"))
        with open(os.path.join(d, FILES[1]), "w") as f:
            f.write("{}\n")
        os.chmod(os.path.join(d, FILES[1]), 0o640)
        # not made by sixplane site: --force
        p = t.run(A + ["--write", d, "--force"])
        s = snap(d)
        ok = (p.returncode == 0 and os.path.islink(os.path.join(d, "radvd.conf")) and
              s["real/radvd.conf"][3] == want_a[FILES[0]] and s["real/radvd.conf"][2] == 0o600 and
              s[FILES[1]][2] == 0o640 and s[FILES[1]][3] == want_a[FILES[1]] and
              not [n for n in s if ".sixplane-" in n])
        t.report.check("write-keeps-mode-follows-symlink", ok, "exit %d %r %r" % (
            p.returncode, p.stderr, sorted(s)))

    # failures leave everything as it was
    def failing(name, setup, status=2, run=None):
        with Dir(t, name) as d:
            p = t.run(A + ["--write", d])
            if p.returncode:
                t.report.check("write-fail-" + name, False, "setup write: %r" % p.stderr)
                return
            setup(d)
            age(d)
            before = snap(d)
            p = run(d) if run else t.run(B + ["--write", d])
            after = snap(d)
            problems = []
            if p.returncode != status:
                problems.append("exit %d, want %d" % (p.returncode, status))
            if len(clitest.stderr_lines(p.stderr)) != 1:
                problems.append("stderr %r" % p.stderr)
            if after != before:
                changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
                problems.append("changed: %r" % changed)
            t.report.check("write-fail-" + name, not problems, "\n".join(problems))

    def kea_is_file(d):
        shutil.rmtree(os.path.join(d, "kea"))
        with open(os.path.join(d, "kea"), "w") as f:
            f.write("not a folder\n")

    def sysctl_is_folder(d):
        os.unlink(os.path.join(d, FILES[2]))
        os.mkdir(os.path.join(d, FILES[2]))

    def dangling(d):
        os.unlink(os.path.join(d, FILES[1]))
        os.symlink("nowhere/x.conf", os.path.join(d, FILES[1]))

    failing("kea-folder-is-a-file", kea_is_file)
    failing("sysctl-file-is-a-folder", sysctl_is_folder)
    failing("dangling-symlink", dangling)

    # a write cut short after the first temporary file was written: the
    # limit lies between radvd.conf's size and kea-dhcp6.conf's
    want_b = expected_files(t, B)
    limit = (len(want_b[FILES[0]]) + len(want_b[FILES[1]])) // 2
    if not len(want_b[FILES[0]]) < limit < len(want_b[FILES[1]]):
        t.report.check("write-fail-fsize", False, "sizes %r" % {k: len(v) for k, v in want_b.items()})
    else:
        def limited():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        def run_limited(d):
            return subprocess.run([t.sx] + B + ["--write", d], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=clitest.ENV, preexec_fn=limited)
        failing("fsize", lambda d: None, run=run_limited)

    # a folder it cannot write in (kea's, after radvd.conf's temporary file
    # was written): as another user when root, who could write anyway
    def unwritable(d):
        os.chmod(os.path.join(d, "kea"), 0o555)

    def as_user(d):
        if os.geteuid() == 0:
            for dirpath, dirnames, filenames in os.walk(d):
                for n in dirnames + filenames + [""]:
                    os.lchown(os.path.join(dirpath, n), 65534, 65534)

            def drop():
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            return subprocess.run([t.sx] + B + ["--write", d], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=clitest.ENV, preexec_fn=drop)
        return t.run(B + ["--write", d])

    failing("folder-not-writable", unwritable, run=as_user)

    # a missing folder above DIR is not made
    with Dir(t, "deep") as d:
        deep = os.path.join(d, "a", "b")
        p = t.run(A + ["--write", deep])
        ok = p.returncode == 2 and os.listdir(d) == [] and len(clitest.stderr_lines(p.stderr)) == 1
        t.report.check("write-fail-missing-parent", ok, "exit %d %r %r" % (
            p.returncode, p.stderr, os.listdir(d)))

    # a failure after the folders were made removes them again
    with Dir(t, "undo") as d:
        etc = os.path.join(d, "etc")
        os.mkdir(etc)
        os.mkdir(os.path.join(etc, FILES[0]))  # radvd.conf a folder
        p = t.run(A + ["--write", etc])
        ok = p.returncode == 2 and sorted(os.listdir(etc)) == ["radvd.conf"]
        t.report.check("write-fail-folders-removed", ok, "exit %d %r" % (
            p.returncode, sorted(os.listdir(etc))))


def t_dev_full(t):
    if not os.path.exists("/dev/full"):
        t.report.skip("system/dev-full", "no /dev/full")
        return
    for name, extra in (("text", []), ("json", ["--json"]), ("help", ["--help"])):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([t.sx] + A + extra, stdout=full, stderr=subprocess.PIPE,
                               env=clitest.ENV)
        lines = clitest.stderr_lines(p.stderr)
        ok = p.returncode == 2 and len(lines) == 1 and "standard output" in lines[0]
        t.report.check("dev-full-" + name, ok, "exit %d %r" % (p.returncode, lines))


# ---- the real radvd and Kea -------------------------------------------------------

VARIANTS = [
    ("defaults", ["-I", "lan0"]),
    ("dns-reserve", ["-I", "lan0", "--dns", "2001:db8::53", "--dns", "fd00::35", "--dns", "fe80::1",
                     "--reserve", "00:01:00:01:2b:3c:4d:5e:02:00:5e:00:53:01=fc9c:56c2:e389:e92c:eee5:8000::10",
                     "--reserve", ":".join(["ab"] * 128) + "=fc9c:56c2:e389:e92c:eee5:8000::11",
                     "--reserve", "00:02:07=fc9c:56c2:e389:e92c:eee5:8000::12"]),
    ("range-pool", ["-I", "lan0", "--pool",
                    "fc9c:56c2:e389:e92c:eee5:8000::10-fc9c:56c2:e389:e92c:eee5:8000::ff"]),
    ("default-router", ["-I", "lan0", "--router-lifetime", "9000", "--ra-interval", "1800",
                        "--route-lifetime", "4294967295", "--lease-time", "10"]),
    ("short-interval", ["-I", "lan0", "--ra-interval", "4", "--router-lifetime", "4",
                        "--route-lifetime", "4", "--dns", "2001:db8::53", "--subnet-id", "4294967294",
                        "--state-dir", "/tmp/kea state"]),
]


def have(prog):
    return shutil.which(prog) or os.path.exists("/usr/sbin/" + prog)


def t_radvd_configtest(t):
    if not have("radvd"):
        t.report.skip("site/radvd-configtest", "radvd not installed (Debian: radvd)")
        return
    with Dir(t, "radvd") as d:
        for name, v in VARIANTS:
            path = os.path.join(d, name + ".conf")
            with open(path, "wb") as f:
                f.write(t.run(["site"] + HOST + v + ["--only", "radvd"]).stdout)
            p = subprocess.run(["radvd", "--configtest", "-C", path], capture_output=True,
                               env=clitest.ENV)
            out = p.stdout + p.stderr
            ok = p.returncode == 0 and b"syntax ok" in out and b"error" not in out.lower()
            t.report.check("radvd-configtest-" + name, ok, clitest.show(out))


def in_netns(script, *args):
    """Run a shell script in a new network namespace holding lan0 (and lan1,
    its veth peer); (exit, output)."""
    p = subprocess.run(["unshare", "-n", "sh", "-c",
                        "ip link add lan0 type veth peer name lan1 || exit 90\n" + script, "sh"]
                       + list(args), capture_output=True, env=clitest.ENV, timeout=60)
    return p.returncode, p.stdout + p.stderr


def t_kea_test(t):
    if not have("kea-dhcp6"):
        t.report.skip("site/kea-dhcp6-t", "kea-dhcp6 not installed (Debian: kea-dhcp6-server)")
        return
    if os.geteuid() != 0 or not shutil.which("unshare"):
        t.report.skip("site/kea-dhcp6-t", "needs root and unshare (kea-dhcp6 -t wants the interface)")
        return
    with Dir(t, "kea") as d:
        # Kea refuses a data-directory that does not exist: each its own
        state = os.path.join(d, "kea state")
        os.mkdir(state)
        for name, v in VARIANTS:
            path = os.path.join(d, name + ".conf")
            v = [x if x != "/tmp/kea state" else state for x in v]
            if "--state-dir" not in v:
                v = v + ["--state-dir", state]
            with open(path, "wb") as f:
                f.write(t.run(["site"] + HOST + v + ["--only", "kea"]).stdout)
            rc, out = in_netns('kea-dhcp6 -t "$1"', path)
            ok = rc == 0 and b"ERROR" not in out
            t.report.check("kea-dhcp6-t-" + name, ok, clitest.show(out[-1500:]))
        # what Kea reads is what --json says
        path = os.path.join(d, "x.conf")
        with open(path, "wb") as f:
            f.write(t.run(["site"] + HOST + VARIANTS[1][1] + ["--only", "kea", "--state-dir",
                                                              state]).stdout)
        rc, out = in_netns('kea-dhcp6 -t "$1"', path)
        t.report.check("kea-dhcp6-t-reads-reservations",
                       rc == 0 and out.count(b"DHCPSRV_CFGMGR_NEW_SUBNET6") == 1,
                       clitest.show(out[-1500:]))


def t_radvd_sends(t):
    """radvd started with the file: an RA with M and O, router lifetime as
    set, the /40 route, no prefix, the DNS server (read by rdisc6)."""
    missing = [p for p in ("radvd", "rdisc6", "unshare") if not have(p)]
    if missing or os.geteuid() != 0:
        t.report.skip("site/radvd-sends", "needs root, radvd, rdisc6 (ndisc6) and unshare; missing "
                      + " ".join(missing or ["root"]))
        return
    with Dir(t, "radvd-run") as d:
        os.chmod(d, 0o755)
        for name, v in (VARIANTS[0], VARIANTS[4]):
            path = os.path.join(d, name + ".conf")
            doc = t.doc(["site"] + HOST + v)
            with open(path, "wb") as f:
                f.write(t.run(["site"] + HOST + v + ["--only", "radvd"]).stdout)
            pid = os.path.join(d, name + ".pid")
            # lan1 takes RAs as a host does; rdisc6 waits for the answer to
            # its solicitation (up to 3 tries), so nothing here is timed
            script = (
                "sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.lan1.forwarding=0 "
                "net.ipv6.conf.lan0.accept_dad=0 net.ipv6.conf.lan1.accept_dad=0 || exit 91\n"
                "ip link set lo up; ip link set lan0 up; ip link set lan1 up\n"
                'radvd -C "$1" -p "$2" -m stderr -n 2>"$1.log" & r=$!\n'
                "out=$(rdisc6 -w 3000 -r 5 lan1); rc=$?\n"
                'kill $r; wait $r; echo "$out"; cat "$1.log" >&2; exit $rc\n')
            rc, out = in_netns(script, path, pid)
            text = out.decode("utf-8", "replace")
            problems = []
            if rc:
                problems.append("rdisc6 exit %d" % rc)
            for want in ("Stateful address conf.    :          Yes",
                         "Stateful other conf.      :          Yes",
                         "Router lifetime           : %12d" % doc["radvd"]["router_lifetime"],
                         " Route                    : %s" % doc["plane"]):
                if want not in text:
                    problems.append("no %r" % want)
            if " Prefix " in text:
                problems.append("a prefix is advertised")
            if "must be" in text:
                problems.append("radvd refused a value")
            for s in doc["radvd"]["rdnss"]:
                for a in s["servers"]:
                    if "Recursive DNS server     : %s" % a not in text:
                        problems.append("no RDNSS %s" % a)
            t.report.check("radvd-sends-" + name, not problems,
                           "\n".join(problems) + "\n" + text[-2000:])


def t_message_order(t):
    """With 2>&1 the warning, given first, comes out first: every message
    of --write goes through one place (a note written straight to stderr
    once overtook a warning kept in stdout's buffer)."""
    import subprocess
    d = tempfile.mkdtemp(prefix="sixplane-site-o-")
    try:
        p = subprocess.run([t.sx, "site", "-n", "8056c2e21c000001", "-N", "89e92ceee5",
                            "-I", "lan0", "--pool", "fc9c:56c2:e389:e92c:eee5:7000::/84",
                            "--only", "sysctl", "--write", d], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=clitest.ENV, timeout=20, check=False)
        lines = p.stdout.decode().splitlines()
        t.report.check("message-order-2>&1", p.returncode == 0 and len(lines) == 2
                       and "warning: pool" in lines[0] and "updated '" in lines[1],
                       "exit %d: %r" % (p.returncode, lines))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sixplane = clitest.check_binary(args.sixplane)
    report = clitest.Report("site")
    t = T(sixplane, report)
    for fn in (t_random_pairs, t_text_equals_json, t_variant_values, t_lease_times, t_refusals,
               t_warning, t_config, t_write, t_write_foreign, t_dev_full, t_radvd_configtest, t_kea_test,
               t_radvd_sends, t_message_order):
        try:
            fn(t)
        except Exception as e:  # a crash of one part fails it, the others still run
            report.check(fn.__name__ + "-crashed", False, "%s: %s" % (type(e).__name__, e))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
