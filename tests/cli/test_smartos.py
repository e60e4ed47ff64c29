#!/usr/bin/env python3
"""sixplane smartos allowed-ips / static, from the outside.

Fixtures are built here in the documented shapes of `vmadm get`, `vmadm
list -j` and `mdata-get sdc:nics` (doc/smartos.md). Expected SLAAC
addresses are computed here from RFC 4291 appendix A with Python's
ipaddress, never by sixplane. Checks: the payload (existing entries kept,
ours appended, no duplicates, stable order, lower-case mac keys, gateways
never touched), idempotency (the payload applied to the fixture gives "up to
date" and no output), vmadm's limits (12/13/14 allowed_ips, 32 addresses a
NIC, 20 ips) with an error naming the NIC and no payload at all, list input
(JSON lines with uuid, all or nothing), --nic/--uuid filters, --link-local,
--addrconf, allow_ip_spoofing, a missing mac, malformed JSON with line and
column, unknown keys ignored; the ipadm commands of `static`; the route
commands of `routes` (IPv6 gateways only, once each).
"""

import copy
import ipaddress
import json
import os
import re
import tempfile

import clitest

UUID1 = "1f0e5b36-3c6a-4d5e-9a1e-6b2f1c0d9e01"
UUID2 = "2a7c9d10-5e4f-4b3a-8c2d-7e6f5a4b3c02"
UUID3 = "3b8d0e21-6f50-4c4b-9d3e-8f7a6b5c4d03"
P1 = "2001:db8:1::/64"
P2 = "2001:db8:2::/64"


def slaac(prefix, mac):
    """RFC 4291 appendix A: modified EUI-64 in the /64."""
    b = bytes(int(x, 16) for x in mac.split(":"))
    iid = bytes([b[0] ^ 2, b[1], b[2], 0xFF, 0xFE, b[3], b[4], b[5]])
    net = ipaddress.IPv6Network(prefix).network_address.packed[:8]
    return str(ipaddress.IPv6Address(net + iid))


def link_local(mac):
    return slaac("fe80::/64", mac)


def vm(uuid, nics, **extra):
    o = {"uuid": uuid, "alias": "web", "brand": "joyent", "autoboot": True, "nics": nics}
    o.update(extra)
    return o


def nic(iface, mac, **kw):
    o = {"interface": iface, "mac": mac, "nic_tag": "external", "ips": ["dhcp"]}
    o.update(kw)
    return o


def apply(vmobj, payload):
    """What vmadm update does with update_nics: replace the listed keys."""
    out = copy.deepcopy(vmobj)
    for u in payload["update_nics"]:
        for n in out["nics"]:
            if n["mac"].lower() == u["mac"]:
                n.update({k: v for k, v in u.items() if k != "mac"})
                break
        else:
            raise AssertionError("payload names a mac the VM has not: " + u["mac"])
    return out


class Case:
    def __init__(self, report, sx):
        self.report, self.sx = report, sx

    def run(self, name, fn):
        try:
            why = fn(self.sx)
        except Exception as e:  # a test bug or an unexpected output shape
            why = "exception: %r" % (e,)
        self.report.check(name, why is None, why or "")


def aip(sx, doc, *args, raw=None):
    data = raw if raw is not None else json.dumps(doc).encode()
    return clitest.run(sx, ["smartos", "allowed-ips", "-"] + list(args), stdin=data)


def one_error(p, pattern):
    lines = clitest.stderr_lines(p.stderr)
    if len(lines) != 1 or not re.fullmatch(pattern, lines[0]):
        return "stderr %r does not match %r" % (lines, pattern)
    return None


def t_payload(sx):
    n0 = nic("net0", "72:9c:d5:34:47:59", ips=["198.51.100.37/24", "addrconf"],
             gateways=["198.51.100.1"], primary=True)
    n1 = nic("net1", "02:08:20:aa:bb:cc", allowed_ips=["198.51.100.99", "2001:db8:9::1"])
    doc = vm(UUID1, [n0, n1], unknown_key={"nested": [1, 2]}, customer_metadata={})
    p = aip(sx, doc, "--prefix", P1, "--prefix", P2)
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    got = json.loads(p.stdout)
    want = {"update_nics": [
        {"mac": "72:9c:d5:34:47:59",
         "allowed_ips": [slaac(P1, n0["mac"]), slaac(P2, n0["mac"])]},
        {"mac": "02:08:20:aa:bb:cc",
         "allowed_ips": ["198.51.100.99", "2001:db8:9::1", slaac(P1, n1["mac"]),
                         slaac(P2, n1["mac"])]},
    ]}
    if got != want:
        return "got %s, want %s" % (got, want)
    if b"gateway" in p.stdout or p.stdout.count(b"\n") != 1:
        return "output touches gateways or is not one line: %r" % p.stdout
    return None


def t_idempotent(sx):
    doc = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59", allowed_ips=["2001:db8:7::7"]),
                     nic("net1", "02:08:20:aa:bb:cc")])
    p = aip(sx, doc, "--prefix", P1, "--link-local")
    if p.returncode != 0 or not p.stdout:
        return "first run: exit %d %s" % (p.returncode, clitest.show(p.stderr))
    after = apply(doc, json.loads(p.stdout))
    q = aip(sx, after, "--prefix", P1, "--link-local")
    if q.returncode != 0 or q.stdout:
        return "second run: exit %d, stdout %r" % (q.returncode, q.stdout)
    return one_error(q, r"sixplane: vm %s is up to date" % UUID1)


def t_dedup_and_cover(sx):
    mac = "72:9c:d5:34:47:59"
    # ours already there (as /128, upper case), and the other /64 covered by a
    # prefix entry: nothing to add
    doc = vm(UUID1, [nic("net0", mac, allowed_ips=[slaac(P1, mac).upper() + "/128",
                                                    "2001:db8:2::/64"])])
    p = aip(sx, doc, "--prefix", P1, "--prefix", P2)
    if p.returncode != 0 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return None


def t_no_ips_key(sx):
    # a NIC without "ips" or "allowed_ips" at all (older platforms, KVM)
    mac = "72:9c:d5:34:47:59"
    doc = vm(UUID1, [{"interface": "net0", "mac": mac, "nic_tag": "external", "model": "virtio"}])
    p = aip(sx, doc, "--prefix", P1)
    got = json.loads(p.stdout)
    want = {"update_nics": [{"mac": mac, "allowed_ips": [slaac(P1, mac)]}]}
    return None if got == want else "got %r" % got


def t_uppercase_mac(sx):
    doc = vm(UUID1, [nic("net0", "72:9C:D5:34:47:59")])
    p = aip(sx, doc, "--prefix", P1)
    got = json.loads(p.stdout)["update_nics"][0]
    if got != {"mac": "72:9c:d5:34:47:59", "allowed_ips": [slaac(P1, "72:9c:d5:34:47:59")]}:
        return "got %r" % got
    return None


def limit_case(sx, existing, ips=None):
    mac = "72:9c:d5:34:47:59"
    allowed = ["2001:db8:ff::%x" % (i + 1) for i in range(existing)]
    n = nic("net0", mac, allowed_ips=allowed)
    if ips is not None:
        n["ips"] = ips
    return aip(sx, vm(UUID1, [n]), "--prefix", P1), mac


def t_limit_12(sx):
    p, mac = limit_case(sx, 12)
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    got = json.loads(p.stdout)["update_nics"][0]["allowed_ips"]
    return None if len(got) == 13 and got[-1] == slaac(P1, mac) else "got %r" % got


def t_limit_13(sx):
    p, _ = limit_case(sx, 13)
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: vm %s \(web\) nic net0 \(72:9c:d5:34:47:59\): 14 allowed_ips .*13.*" % UUID1)


def t_limit_14(sx):
    p, _ = limit_case(sx, 14)
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: vm .* nic net0 .*: 15 allowed_ips .*")


def t_limit_32(sx):
    ips = ["198.51.100.%d/24" % i for i in range(1, 21)]
    p, _ = limit_case(sx, 12, ips=ips)  # 20 + 13 = 33 > 32
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: vm .* nic net0 .*32 addresses a NIC")


def t_list(sx):
    a = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59")])
    b = vm(UUID2, [nic("net0", "02:08:20:aa:bb:cc", allowed_ips=[slaac(P1, "02:08:20:aa:bb:cc")])])
    c = vm(UUID3, [nic("net0", "02:08:20:11:22:33"), nic("net1", "02:08:20:11:22:34")])
    p = aip(sx, [a, b, c], "--prefix", P1)
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    if [x["uuid"] for x in lines] != [UUID1, UUID3]:
        return "uuids %r" % [x["uuid"] for x in lines]
    if len(lines[1]["payload"]["update_nics"]) != 2:
        return "VM 3 payload %r" % lines[1]
    if apply(c, lines[1]["payload"])["nics"][1]["allowed_ips"] != [slaac(P1, "02:08:20:11:22:34")]:
        return "VM 3 net1 wrong"
    return one_error(p, r"sixplane: 2 VM\(s\) to update, 1 up to date")


def t_list_all_or_nothing(sx):
    good = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59")])
    full = vm(UUID2, [nic("net0", "02:08:20:aa:bb:cc",
                          allowed_ips=["2001:db8:ff::%x" % i for i in range(1, 14)])])
    p = aip(sx, [good, full], "--prefix", P1)
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r (a payload for the good VM must not be printed)" % (
            p.returncode, p.stdout)
    return one_error(p, r"sixplane: vm %s \(web\) nic net0 .*" % UUID2)


def t_filters(sx):
    a = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59"), nic("net1", "02:08:20:aa:bb:cc")])
    b = vm(UUID2, [nic("net0", "02:08:20:11:22:33")])
    p = aip(sx, [a, b], "--prefix", P1, "--uuid", UUID1.upper(), "--nic", "net1")
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    if len(lines) != 1 or [u["mac"] for u in lines[0]["payload"]["update_nics"]] != ["02:08:20:aa:bb:cc"]:
        return "--uuid/--nic net1: %r" % lines
    p = aip(sx, a, "--prefix", P1, "--nic", "72-9C-D5-34-47-59")
    got = [u["mac"] for u in json.loads(p.stdout)["update_nics"]]
    return None if got == ["72:9c:d5:34:47:59"] else "--nic MAC: %r" % got


def t_link_local(sx):
    mac = "72:9c:d5:34:47:59"
    p = aip(sx, vm(UUID1, [nic("net0", mac)]), "--link-local")
    got = json.loads(p.stdout)["update_nics"][0]["allowed_ips"]
    return None if got == [link_local(mac)] else "got %r" % got


def t_spoofing(sx):
    doc = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59", allow_ip_spoofing=True)])
    p = aip(sx, doc, "--prefix", P1)
    lines = clitest.stderr_lines(p.stderr)
    if p.returncode != 0 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    if len(lines) != 2 or "allow_ip_spoofing" not in lines[0] or "up to date" not in lines[1]:
        return "stderr %r" % lines
    return None


def t_missing_mac(sx):
    doc = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59"), {"interface": "net1", "ips": ["dhcp"]}])
    p = aip(sx, doc, "--prefix", P1)
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: vm %s \(web\) nic net1: no mac .*" % UUID1)


def t_malformed(sx):
    raw = b'{"uuid": "x",\n  "nics": [ {"mac": "72:9c:d5:34:47:59",}\n]}'
    p = aip(sx, None, "--prefix", P1, raw=raw)
    if p.returncode != 1 or p.stdout:
        return "exit %d" % p.returncode
    return one_error(p, r"sixplane: invalid JSON in standard input at line 2, column \d+: .*")


def t_not_a_vm(sx):
    p = aip(sx, None, "--prefix", P1, raw=b'"a string"')
    if p.returncode != 1:
        return "exit %d" % p.returncode
    return one_error(p, r"sixplane: expected a VM object .*")


def t_prefix_not_64(sx):
    p = aip(sx, vm(UUID1, []), "--prefix", "2001:db8::/48")
    if p.returncode != 1:
        return "exit %d" % p.returncode
    return one_error(p, r"sixplane: invalid SLAAC prefix '2001:db8::/48': SLAAC is defined only for a /64.*")


def t_nothing_to_add(sx):
    p = aip(sx, vm(UUID1, []))
    if p.returncode != 1:
        return "exit %d" % p.returncode
    return one_error(p, r"sixplane: nothing to add.*\(try 'sixplane smartos allowed-ips --help'\)")


def t_addrconf(sx):
    n0 = nic("net0", "72:9c:d5:34:47:59", ips=["198.51.100.37/24"])
    n1 = nic("net1", "02:08:20:aa:bb:cc", ips=["dhcp", "addrconf"])
    doc = vm(UUID1, [n0, n1])
    p = aip(sx, doc, "--addrconf")
    got = json.loads(p.stdout)
    want = {"update_nics": [{"mac": "72:9c:d5:34:47:59", "ips": ["198.51.100.37/24", "addrconf"]}]}
    if got != want:
        return "got %r" % got
    q = aip(sx, apply(doc, got), "--addrconf")
    if q.returncode != 0 or q.stdout:
        return "not idempotent: %r" % q.stdout
    full = vm(UUID1, [nic("net0", "72:9c:d5:34:47:59", ips=["198.51.100.%d/24" % i for i in range(20)])])
    r = aip(sx, full, "--addrconf")
    if r.returncode != 1 or r.stdout:
        return "20 ips + addrconf: exit %d" % r.returncode
    s = aip(sx, doc, "--addrconf", "--prefix", P1)
    return None if s.returncode == 1 else "--addrconf with --prefix: exit %d" % s.returncode


def st(sx, nics, *args):
    return clitest.run(sx, ["smartos", "static"] + list(args), stdin=json.dumps(nics).encode())


def t_static(sx):
    mac = "02:08:20:aa:bb:cc"
    nics = [
        nic("net0", "72:9c:d5:34:47:59", ips=["198.51.100.37/24", "addrconf"], primary=True),
        nic("net2", mac, ips=["dhcp", "2001:db8:2::10/64", "2001:DB8:4::1/56"],
            allowed_ips=["2001:db8:3::5", "fe80::1", slaac(P1, mac), "2001:db8:9::/64",
                         "192.0.2.9", "2001:db8:2::10", "2001:db8:6::6/128"]),
    ]
    p = st(sx, nics)
    want = [
        "ipadm create-addr -t -T static -a local=2001:db8:2::10/64 net2/sp6s0",
        "ipadm create-addr -t -T static -a local=2001:db8:4::1/56 net2/sp6s1",
        "ipadm create-addr -t -T static -a local=2001:db8:3::5/64 net2/sp6s2",
        "ipadm create-addr -t -T static -a local=2001:db8:6::6/64 net2/sp6s3",
    ]
    got = p.stdout.decode().splitlines()
    if p.returncode != 0 or got != want or p.stderr:
        return "exit %d, got %r, stderr %r" % (p.returncode, got, p.stderr)
    q = st(sx, nics, "--prefixlen", "48", "--json")
    rows = [json.loads(x) for x in q.stdout.splitlines()]
    if [r["prefixlen"] for r in rows] != [64, 56, 48, 48] or rows[2]["addrobj"] != "net2/sp6s2":
        return "--prefixlen 48 --json: %r" % rows
    return None


def t_static_nothing(sx):
    p = st(sx, [nic("net0", "72:9c:d5:34:47:59", ips=["198.51.100.37/24", "addrconf"])])
    return None if p.returncode == 0 and not p.stdout and not p.stderr else "got %r %r" % (p.stdout, p.stderr)


def t_static_bad_interface(sx):
    p = st(sx, [nic("net0;reboot", "72:9c:d5:34:47:59", ips=["2001:db8::1/64"])])
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: nic 72:9c:d5:34:47:59: invalid interface name 'net0;reboot'")


def t_static_bad_prefixlen(sx):
    p = st(sx, [], "--prefixlen", "129")
    if p.returncode != 1:
        return "exit %d" % p.returncode
    return one_error(p, r"sixplane: invalid prefix length '129': expected 1 to 128, decimal .*")


def t_static_from_file(sx):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "nics.json")
        with open(path, "w") as f:
            json.dump([nic("net1", "72:9c:d5:34:47:59", ips=["2001:db8::1/64"])], f)
        p = clitest.run(sx, ["smartos", "static", path])
        return None if p.stdout == b"ipadm create-addr -t -T static -a local=2001:db8::1/64 net1/sp6s0\n" else "got %r" % p.stdout


# ---- routes: the IPv6 default routers of sdc:nics ----

def rt(sx, nics, *args):
    return clitest.run(sx, ["smartos", "routes"] + list(args), stdin=json.dumps(nics).encode())


def t_routes(sx):
    """Each distinct IPv6 gateway once, in NIC order (gateways, then the older
    gateway field), canonical text; IPv4 ones never; unusable ones warned."""
    nics = [
        nic("net0", "72:9c:d5:34:47:59", ips=["198.51.100.37/24"], gateway="198.51.100.1",
            gateways=["198.51.100.1"]),
        nic("net1", "02:08:20:aa:bb:cc", ips=["2001:db8:2::10/64"],
            gateways=["2001:DB8:2:0::1", "fe80::1", "ff02::2", "::1"], gateway="2001:db8:2::1"),
        nic("net2", "02:08:20:11:22:33", gateway="2001:db8:4::1", gateways=["2001:db8:2::1", "2001:db8:zz::1"]),
    ]
    p = rt(sx, nics)
    want = ["route -p add -inet6 default 2001:db8:2::1", "route -p add -inet6 default 2001:db8:4::1"]
    got = p.stdout.decode().splitlines()
    if p.returncode != 0 or got != want:
        return "exit %d, got %r" % (p.returncode, got)
    err = clitest.stderr_lines(p.stderr)
    want_err = [
        r"sixplane: warning: nic net1 \(02:08:20:aa:bb:cc\): gateway 'fe80::1' is link-local .*: skipped",
        r"sixplane: warning: nic net1 \(02:08:20:aa:bb:cc\): gateway 'ff02::2' is a multicast address: skipped",
        r"sixplane: warning: nic net1 \(02:08:20:aa:bb:cc\): gateway '::1' is the unspecified or loopback address: skipped",
        r"sixplane: warning: nic net2 \(02:08:20:11:22:33\): gateway '2001:db8:zz::1' is not an IPv6 address: skipped",
    ]
    if len(err) != len(want_err) or not all(re.fullmatch(w, e) for w, e in zip(want_err, err)):
        return "stderr %r" % err
    q = rt(sx, nics, "--json")
    rows = [json.loads(x) for x in q.stdout.splitlines()]
    if rows != [{"interface": "net1", "gateway": "2001:db8:2::1", "command": want[0]},
                {"interface": "net2", "gateway": "2001:db8:4::1", "command": want[1]}]:
        return "--json: %r" % rows
    # an object with nics (vmadm get) reads the same
    r = clitest.run(sx, ["smartos", "routes"], stdin=json.dumps({"nics": nics}).encode())
    return None if r.stdout.decode().splitlines() == want else "object: %r" % r.stdout


def t_routes_none(sx):
    p = rt(sx, [nic("net0", "72:9c:d5:34:47:59", gateways=["198.51.100.1"])])
    return None if p.returncode == 0 and not p.stdout and not p.stderr else "got %r %r" % (p.stdout, p.stderr)


def t_routes_wrong_type(sx):
    p = rt(sx, [nic("net0", "72:9c:d5:34:47:59", gateways="2001:db8::1")])
    if p.returncode != 1 or p.stdout:
        return "gateways a string: exit %d, stdout %r" % (p.returncode, p.stdout)
    e = one_error(p, r"sixplane: nic net0 \(72:9c:d5:34:47:59\): gateways is a string \(.*\), not an array of strings")
    if e:
        return e
    p = rt(sx, [nic("net0", "72:9c:d5:34:47:59", gateway=["2001:db8::1"])])
    if p.returncode != 1 or p.stdout:
        return "gateway an array: exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: nic net0 \(72:9c:d5:34:47:59\): gateway is an array \(.*\), not a string")


def t_subcommand_options(sx):
    """Each subcommand refuses the others' options (its --help lists its own)."""
    for sub, opt in (("allowed-ips", "--prefixlen"), ("allowed-ips", "--json"), ("static", "--addrconf"),
                     ("routes", "--prefixlen"), ("routes", "--uuid")):
        p = clitest.run(sx, ["smartos", sub, opt, "1"], stdin=b"[]")
        if p.returncode != 1 or "unknown" not in p.stderr.decode():
            return "%s %s: exit %d %r" % (sub, opt, p.returncode, p.stderr)
    return None


# ---- what vmadm would lose: a wrong type is refused, never replaced ----

MAC = "72:9c:d5:34:47:59"
WHERE = r"vm %s \(web\) nic net0 \(72:9c:d5:34:47:59\)" % UUID1


def t_allowed_ips_wrong_type(sx):
    # a string or an object where vmadm keeps an array: the update would
    # replace it and the value would be lost, so nothing is printed
    for value, shown in (("2001:db8:9::1", r'"2001:db8:9::1"'),
                         ({"a": "2001:db8:9::1"}, r'\{"a":"2001:db8:9::1"\}'),
                         (7, "7"), (None, "null")):
        what = {str: "a string", dict: "an object", int: "a number",
                type(None): "null"}[type(value)]
        doc = vm(UUID1, [nic("net0", MAC, allowed_ips=value)])
        p = aip(sx, doc, "--prefix", P1)
        if p.returncode != 1 or p.stdout:
            return "%r: exit %d, stdout %r" % (value, p.returncode, p.stdout)
        why = one_error(p, r"sixplane: %s: allowed_ips is %s \(%s\), not an array of strings"
                        % (WHERE, what, shown))
        if why:
            return "%r: %s" % (value, why)
    # in a list, no VM's payload is printed either
    good = vm(UUID2, [nic("net0", "02:08:20:aa:bb:cc")])
    bad = vm(UUID1, [nic("net0", MAC, allowed_ips="2001:db8:9::1")])
    p = aip(sx, [good, bad], "--prefix", P1)
    if p.returncode != 1 or p.stdout:
        return "list: exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: %s: allowed_ips is a string .*" % WHERE)


def t_ips_wrong_type_addrconf(sx):
    doc = vm(UUID1, [nic("net0", MAC, ips="198.51.100.37/24")])
    p = aip(sx, doc, "--addrconf")
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: %s: ips is a string \(\"198.51.100.37/24\"\), not an array "
                     r"of strings" % WHERE)


def t_allowed_ips_non_string(sx):
    for bad, what, shown in ((5, "a number", "5"), (None, "null", "null"),
                             (["2001:db8:9::1"], "an array", r'\["2001:db8:9::1"\]'),
                             ({"ip": "x"}, "an object", r'\{"ip":"x"\}'),
                             (True, "true", "true")):
        doc = vm(UUID1, [nic("net0", MAC, allowed_ips=["2001:db8:9::1", bad])])
        p = aip(sx, doc, "--prefix", P1)
        if p.returncode != 1 or p.stdout:
            return "%r: exit %d, stdout %r" % (bad, p.returncode, p.stdout)
        why = one_error(p, r"sixplane: %s: element 1 of allowed_ips is %s \(%s\), not a string"
                        % (WHERE, what, shown))
        if why:
            return "%r: %s" % (bad, why)
    # and in ips, with --addrconf as without
    doc = vm(UUID1, [nic("net0", MAC, ips=["dhcp", 3])])
    for args in (["--addrconf"], ["--prefix", P1]):
        p = aip(sx, doc, *args)
        if p.returncode != 1 or p.stdout:
            return "ips %r: exit %d" % (args, p.returncode)
        why = one_error(p, r"sixplane: %s: element 1 of ips is a number \(3\), not a string"
                        % WHERE)
        if why:
            return why
    return None


def t_vm_without_uuid_named_by_alias(sx):
    doc = {"alias": "db1", "nics": [nic("net0", MAC, allowed_ips={})]}
    p = aip(sx, doc, "--prefix", P1)
    if p.returncode != 1:
        return "exit %d" % p.returncode
    return one_error(p, r"sixplane: vm \(no uuid\) \(db1\) nic net0 \(72:9c:d5:34:47:59\): "
                     r"allowed_ips is an object .*")


def t_same_mac_twice(sx):
    doc = vm(UUID1, [nic("net0", MAC), nic("net1", MAC.upper())])
    p = aip(sx, doc, "--prefix", P1)
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: vm %s \(web\) nic net1 \(72:9C:D5:34:47:59\): the mac of "
                     r"element 1 of nics is that of element 0 .*" % UUID1)


def t_static_wrong_type(sx):
    for key, value, what in (("allowed_ips", "2001:db8:3::5", "a string"),
                             ("ips", {"a": 1}, "an object")):
        p = st(sx, [nic("net0", MAC, ips=["2001:db8::1/64"]), nic("net1", "02:08:20:aa:bb:cc", **{key: value})])
        if p.returncode != 1 or p.stdout:
            return "%s: exit %d, stdout %r (nothing is printed for a refused list)" % (
                key, p.returncode, p.stdout)
        why = one_error(p, r"sixplane: nic net1 \(02:08:20:aa:bb:cc\): %s is %s .*not an array "
                        r"of strings" % (key, what))
        if why:
            return why
    p = st(sx, [nic("net0", MAC, allowed_ips=["2001:db8:3::5", 9])])
    if p.returncode != 1 or p.stdout:
        return "element: exit %d" % p.returncode
    return one_error(p, r"sixplane: nic net0 \(72:9c:d5:34:47:59\): element 1 of allowed_ips is "
                     r"a number \(9\), not a string")


# ---- static: one command an address, whatever the count ----

def static_lines(sx, nics, *args):
    p = st(sx, nics, *args)
    if p.returncode != 0 or p.stderr:
        raise AssertionError("exit %d, stderr %r" % (p.returncode, p.stderr))
    return p.stdout.decode().splitlines()


def want_static(iface, addrs):
    return ["ipadm create-addr -t -T static -a local=%s %s/sp6s%d" % (a, iface, i)
            for i, a in enumerate(addrs)]


def t_static_no_duplicates(sx):
    for distinct in (31, 32, 33, 40):
        n_ips = min(distinct, 20)
        ips = ["2001:db8:1::%x/64" % (i + 1) for i in range(n_ips)]
        singles = ["2001:db8:2::%x" % (i + 1) for i in range(distinct - n_ips)]
        # every address again, after the 32nd too: in ips (another length
        # too), as a bare address, as a /128 and in upper case
        again = ([x.upper() + "/128" for x in singles] + singles[::-1] +
                 [x.replace("/64", "") for x in ips] + [x.replace("/64", "/80") for x in ips])
        nics = [nic("net0", MAC, ips=["dhcp"] + ips + ips[::-1],
                    allowed_ips=singles + again)]
        got = static_lines(sx, nics)
        want = want_static("net0", ips + [x + "/64" for x in singles])
        if got != want:
            return "%d addresses: got %d lines %r, want %d" % (distinct, len(got), got, len(want))
    # a duplicate's own prefix length does not make it another address
    got = static_lines(sx, [nic("net0", MAC, ips=["2001:db8::1/64", "2001:db8::1/48"])])
    return None if got == want_static("net0", ["2001:db8::1/64"]) else "got %r" % got


def t_static_same_interface_twice(sx):
    p = st(sx, [nic("net0", MAC, ips=["2001:db8::1/64"]),
                nic("net0", "02:08:20:aa:bb:cc", ips=["2001:db8::2/64"])])
    if p.returncode != 1 or p.stdout:
        return "exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: elements 0 and 1 of the nics array both have interface 'net0'")


def t_static_link_name_limit(sx):
    # illumos: MAXLINKNAMELEN is 32 with the NUL, so 31 bytes at most
    name31 = "n" * 30 + "1"
    got = static_lines(sx, [nic(name31, MAC, ips=["2001:db8::1/64"])])
    if got != want_static(name31, ["2001:db8::1/64"]):
        return "31 bytes: got %r" % got
    name32 = "n" * 31 + "1"
    p = st(sx, [nic("net0", "02:08:20:aa:bb:cc", ips=["2001:db8::2/64"]),
                nic(name32, MAC, ips=["2001:db8::1/64"])])
    if p.returncode != 1 or p.stdout:
        return "32 bytes: exit %d, stdout %r" % (p.returncode, p.stdout)
    return one_error(p, r"sixplane: nic 72:9c:d5:34:47:59: invalid interface name '%s'" % name32)


def t_static_prefixlen_forms(sx):
    nics = [nic("net0", MAC, allowed_ips=["2001:db8:3::5"])]
    for arg, length in (("1", 1), ("9", 9), ("64", 64), ("128", 128)):
        got = static_lines(sx, nics, "--prefixlen", arg)
        if got != want_static("net0", ["2001:db8:3::5/%d" % length]):
            return "--prefixlen %s: got %r" % (arg, got)
    # as everywhere else a prefix length is read: no leading zero, sign or space
    for arg in ("064", "0", "00", "0128", "+64", " 64", "64 ", "-1", "129", "1000", "", "6x"):
        p = st(sx, nics, "--prefixlen", arg)
        if p.returncode != 1 or p.stdout:
            return "--prefixlen %r: exit %d, stdout %r" % (arg, p.returncode, p.stdout)
        why = one_error(p, r"sixplane: invalid prefix length '%s': expected 1 to 128, decimal "
                        r"digits without a leading zero" % re.escape(arg))
        if why:
            return why
    return None


# ---- vmadm's limits at their edges ----

def addrconf_case(sx, n_ips, n_allowed):
    ips = ["198.51.100.%d/24" % (i + 1) for i in range(n_ips)]
    allowed = ["2001:db8:ff::%x" % (i + 1) for i in range(n_allowed)]
    doc = vm(UUID1, [nic("net0", MAC, ips=ips, allowed_ips=allowed)])
    return aip(sx, doc, "--addrconf"), ips


def t_addrconf_limit_edges(sx):
    # addrconf is one more address of the NIC: 31 and 32 in all fit, 33 not
    for n_ips, n_allowed in ((17, 13), (18, 13), (19, 12)):
        p, ips = addrconf_case(sx, n_ips, n_allowed)
        total = n_ips + n_allowed + 1
        if p.returncode != 0:
            return "%d addresses: exit %d %s" % (total, p.returncode, clitest.show(p.stderr))
        got = json.loads(p.stdout)["update_nics"][0]["ips"]
        if got != ips + ["addrconf"]:
            return "%d addresses: got %r" % (total, got)
    for n_ips, n_allowed in ((19, 13), (20, 12), (20, 0)):
        p, _ = addrconf_case(sx, n_ips, n_allowed)
        if p.returncode != 1 or p.stdout:
            return "%d ips + %d allowed_ips + addrconf: exit %d, stdout %r" % (
                n_ips, n_allowed, p.returncode, p.stdout)
        why = one_error(p, r"sixplane: %s: adding addrconf would exceed vmadm's limits "
                        r"\(20 ips, 32 addresses a NIC\)" % WHERE)
        if why:
            return why
    return None


def t_allowed_limit_32_edge(sx):
    ips = ["198.51.100.%d/24" % i for i in range(1, 20)]
    p, mac = limit_case(sx, 12, ips=ips)  # 19 + 13 = 32: fits
    if p.returncode != 0:
        return "exit %d: %s" % (p.returncode, clitest.show(p.stderr))
    got = json.loads(p.stdout)["update_nics"][0]["allowed_ips"]
    return None if len(got) == 13 and got[-1] == slaac(P1, mac) else "got %r" % got


def main():
    args = clitest.common_args(__doc__.splitlines()[0]).parse_args()
    sx = clitest.check_binary(args.sixplane)
    report = clitest.Report("smartos")
    c = Case(report, sx)
    c.run("payload", t_payload)
    c.run("idempotent", t_idempotent)
    c.run("dedup-and-covered", t_dedup_and_cover)
    c.run("no-ips-key", t_no_ips_key)
    c.run("uppercase-mac", t_uppercase_mac)
    c.run("limit-12-plus-1", t_limit_12)
    c.run("limit-13-plus-1", t_limit_13)
    c.run("limit-14", t_limit_14)
    c.run("limit-32-per-nic", t_limit_32)
    c.run("list", t_list)
    c.run("list-all-or-nothing", t_list_all_or_nothing)
    c.run("filters", t_filters)
    c.run("link-local", t_link_local)
    c.run("allow-ip-spoofing", t_spoofing)
    c.run("missing-mac", t_missing_mac)
    c.run("malformed-json", t_malformed)
    c.run("not-a-vm", t_not_a_vm)
    c.run("prefix-not-64", t_prefix_not_64)
    c.run("nothing-to-add", t_nothing_to_add)
    c.run("addrconf", t_addrconf)
    c.run("static", t_static)
    c.run("static-nothing", t_static_nothing)
    c.run("static-bad-interface", t_static_bad_interface)
    c.run("static-bad-prefixlen", t_static_bad_prefixlen)
    c.run("static-from-file", t_static_from_file)
    c.run("routes", t_routes)
    c.run("routes-none", t_routes_none)
    c.run("routes-wrong-type", t_routes_wrong_type)
    c.run("subcommand-options", t_subcommand_options)
    c.run("allowed-ips-wrong-type", t_allowed_ips_wrong_type)
    c.run("ips-wrong-type-addrconf", t_ips_wrong_type_addrconf)
    c.run("allowed-ips-non-string", t_allowed_ips_non_string)
    c.run("vm-named-by-alias", t_vm_without_uuid_named_by_alias)
    c.run("same-mac-twice", t_same_mac_twice)
    c.run("static-wrong-type", t_static_wrong_type)
    c.run("static-no-duplicates", t_static_no_duplicates)
    c.run("static-same-interface-twice", t_static_same_interface_twice)
    c.run("static-link-name-31-32", t_static_link_name_limit)
    c.run("static-prefixlen-forms", t_static_prefixlen_forms)
    c.run("addrconf-limit-31-32-33", t_addrconf_limit_edges)
    c.run("allowed-limit-32-fits", t_allowed_limit_32_edge)
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())
