#!/usr/bin/env python3
"""sixplane smartos allowed-ips / static, from the outside.

Fixtures are built here in the documented shapes of `vmadm get`, `vmadm
list -j` and `mdata-get sdc:nics` (spec/smartos.md). Expected SLAAC
addresses are computed here from RFC 4291 appendix A with Python's
ipaddress, never by sixplane. Checks: the payload (existing entries kept,
ours appended, no duplicates, stable order, lower-case mac keys, gateways
never touched), idempotency (the payload applied to the fixture gives "up to
date" and no output), vmadm's limits (12/13/14 allowed_ips, 32 addresses a
NIC, 20 ips) with an error naming the NIC and no payload at all, list input
(JSON lines with uuid, all or nothing), --nic/--uuid filters, --link-local,
--addrconf, allow_ip_spoofing, a missing mac, malformed JSON with line and
column, unknown keys ignored; and the ipadm commands of `static`.
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
    return one_error(p, r"sixplane: vm %s nic net0 \(72:9c:d5:34:47:59\): 14 allowed_ips .*13.*" % UUID1)


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
    return one_error(p, r"sixplane: vm %s nic net0 .*" % UUID2)


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
    return one_error(p, r"sixplane: vm %s nic net1: no mac .*" % UUID1)


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
    return one_error(p, r"sixplane: nothing to add.*\(try 'sixplane smartos --help'\)")


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
    return one_error(p, r"sixplane: invalid prefix length '129': expected 1 to 128")


def t_static_from_file(sx):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "nics.json")
        with open(path, "w") as f:
            json.dump([nic("net1", "72:9c:d5:34:47:59", ips=["2001:db8::1/64"])], f)
        p = clitest.run(sx, ["smartos", "static", path])
        return None if p.stdout == b"ipadm create-addr -t -T static -a local=2001:db8::1/64 net1/sp6s0\n" else "got %r" % p.stdout


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
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())
