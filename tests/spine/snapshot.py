#!/usr/bin/env python3
"""The kernel state sixplaned may change in one network namespace, as text
that two runs can be compared by (diff): links with their details,
addresses, routes, the FDB, the neighbor and forwarding sysctls, WireGuard
devices and their peers, what is on the tc hooks, and the contents of the tc
programs' maps.

    snapshot.py NETNS [--pid PID] [--ids]

NETNS "-": the namespace it runs in (ip netns exec NETNS snapshot.py -),
which is much faster than a command per value.

--pid: dump the maps of the BPF programs that process holds.
--ids: keep interface indexes (two snapshots of one run: a refused reload
       must not even make an interface again); without, indexes are shown
       as names, so a fresh start can be compared with a restart.

Nothing here is sixplaned's own view: every line comes from the kernel,
through iproute2, bpftool and /proc/sys, so the daemon cannot mark its own
homework."""
import json
import os
import subprocess
import sys
import time

# what changes by itself and says nothing of configuration
LINK_SKIP = {"operstate", "linkmode", "group", "txqlen", "promiscuity", "allmulti",
             "num_tx_queues", "num_rx_queues", "gso_max_size", "gso_max_segs",
             "tso_max_size", "tso_max_segs", "gro_max_size", "gso_ipv4_max_size",
             "gro_ipv4_max_size", "stats", "stats64", "qdisc", "link_netnsid",
             "parentbus", "parentdev", "xdp", "min_mtu", "max_mtu", "ifindex",
             "link_index", "proto_down", "carrier_changes", "carrier_up_count",
             "carrier_down_count", "tso_max_size", "inet6_addr_gen_mode"}
ROUTE_SKIP = {"expires", "cache", "flags"}


def run(netns, *cmd, check=True):
    full = ["ip", "netns", "exec", netns] + list(cmd) if netns and netns != "-" else list(cmd)
    t = time.monotonic()
    r = subprocess.run(full, capture_output=True, text=True)
    if os.environ.get("SNAPSHOT_TIMES"):
        print(f"{time.monotonic() - t:.3f} {' '.join(cmd)}", file=sys.stderr)
    if check and r.returncode != 0:
        sys.exit(f"snapshot: {' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def jrun(netns, *cmd):
    out = run(netns, *cmd)
    return json.loads(out) if out.strip() else []


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    netns = args[0]
    pid = args[args.index("--pid") + 1] if "--pid" in args else None
    ids = "--ids" in args
    out = []

    links = jrun(netns, "ip", "-d", "-j", "link", "show")
    names = {l["ifindex"]: l["ifname"] for l in links}

    def ifname(i):
        return f"{names.get(i, '?')}#{i}" if ids else names.get(i, f"gone-{i}")

    for l in sorted(links, key=lambda l: l["ifname"]):
        d = {k: v for k, v in l.items() if k not in LINK_SKIP}
        d["flags"] = [f for f in l.get("flags", []) if f in ("UP", "NOARP", "POINTOPOINT")]
        info = d.get("linkinfo", {})
        data = info.get("info_data")
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in ("ageing",)}
            info["info_data"] = data
        # a veth's peer index is the other namespace's business
        info.pop("info_slave_kind", None)
        if ids:
            d["ifindex"] = l["ifindex"]
        out.append("link " + json.dumps(d, sort_keys=True))

    # a WireGuard or TUN device's link-local address is random, new with
    # each device (the kernel's choice for a link without a link layer)
    l3 = {l["ifname"] for l in links
          if l.get("linkinfo", {}).get("info_kind") in ("wireguard", "tun")}
    random_ll = set()
    for a in jrun(netns, "ip", "-j", "addr", "show"):
        for i in a.get("addr_info", []):
            keep = {k: i.get(k) for k in ("family", "local", "prefixlen", "scope", "noprefixroute",
                                          "nodad", "dynamic") if k in i}
            if a["ifname"] in l3 and i.get("scope") == "link":
                random_ll.add(i.get("local"))
                keep["local"] = "(random)"
            out.append(f"addr {a['ifname']} " + json.dumps(keep, sort_keys=True))

    for fam in ("-4", "-6"):
        routes = []
        for r in jrun(netns, "ip", fam, "-j", "route", "show", "table", "all"):
            keep = {k: v for k, v in r.items() if k not in ROUTE_SKIP}
            if keep.get("dst") in random_ll:
                keep["dst"] = "(random)"
            routes.append(f"route{fam} " + json.dumps(keep, sort_keys=True))
        # sorted: the kernel lists a table by address, which the random
        # link-local above no longer shows
        out += sorted(routes)

    for e in jrun(netns, "bridge", "-j", "fdb", "show"):
        keep = {k: v for k, v in e.items() if k not in ("updated", "used")}
        out.append("fdb " + json.dumps(keep, sort_keys=True))

    def sysctl(path):
        if netns == "-":
            try:
                with open("/proc/sys/" + path) as f:
                    return f.read().strip()
            except OSError:
                return "?"
        try:
            return run(netns, "cat", "/proc/sys/" + path).strip()
        except SystemExit:
            return "?"

    for path in ("net/ipv6/conf/all/forwarding", "net/ipv6/conf/default/forwarding",
                 "net/ipv4/conf/all/forwarding"):
        out.append(f"sysctl {path} = {sysctl(path)}")
    for l in sorted(links, key=lambda l: l["ifname"]):
        n = l["ifname"].replace(".", "/")
        for key in ("app_solicit", "mcast_solicit", "ucast_solicit"):
            out.append(f"sysctl net/ipv6/neigh/{n}/{key} = {sysctl(f'net/ipv6/neigh/{n}/{key}')}")
        out.append(f"sysctl net/ipv6/conf/{n}/forwarding = "
                   f"{sysctl(f'net/ipv6/conf/{n}/forwarding')}")

    # WireGuard devices (doc/wireguard.md), as `wg` reads them from the
    # kernel module or wireguard-go: the port and each peer's key, endpoint,
    # allowed IPs and keepalive. Left out: the private key (only whether one
    # is set), handshake times and byte counts, which traffic moves.
    for l in sorted(links, key=lambda l: l["ifname"]):
        kind = l.get("linkinfo", {}).get("info_kind")
        if kind not in ("wireguard", "tun"):
            continue
        dump = run(netns, "wg", "show", l["ifname"], "dump", check=False).splitlines()
        # the device first, then its peers by key (their order is the
        # order they were added in, which says nothing)
        dump = dump[:1] + sorted(dump[1:])
        for i, line in enumerate(dump):
            f = line.split("\t")
            if i == 0 and len(f) >= 3:
                out.append(f"wg {l['ifname']} key {'set' if f[0] != '(none)' else 'none'} "
                           f"port {f[2]} fwmark {f[3] if len(f) > 3 else '?'}")
            elif len(f) >= 8:
                ips = ",".join(sorted(f[3].split(",")))
                out.append(f"wg {l['ifname']} peer {f[0]} psk {f[1] != '(none)'} "
                           f"endpoint {f[2]} allowed {ips} keepalive {f[7]}")

    tcxshow = os.environ.get("TCXSHOW")
    clsact = set()
    for q in jrun(netns, "tc", "-j", "qdisc", "show"):
        if q.get("kind") in ("clsact", "ingress"):
            clsact.add(q.get("dev"))
            out.append(f"qdisc {q.get('dev')} {q['kind']}")
    for l in sorted(links, key=lambda l: l["ifname"]):
        n = l["ifname"]
        if tcxshow:
            for line in run(netns, tcxshow, n).splitlines():
                out.append(f"tcx {n} {line}")
        # filters hang from a clsact qdisc: none without one
        for d in ("ingress", "egress") if n in clsact else ():
            for f in run(netns, "tc", "filter", "show", "dev", n, d, check=False).splitlines():
                if " bpf " in f or "filter" in f:
                    # program ids change with every load: the name stays
                    words = [w for w in f.split() if not w.startswith("id")]
                    out.append(f"filter {n} {d} {' '.join(words)}")

    if pid:
        out += maps(pid, ifname)
    print("\n".join(out))


def maps(pid, ifname):
    """The running generation of the tc programs' configuration maps (the
    counters and scratch space change with traffic: left out)."""
    progs = jrun(None, "bpftool", "-j", "prog", "show")
    ids = set()
    for p in progs:
        if any(str(x.get("pid")) == str(pid) for x in p.get("pids", [])):
            ids.update(p.get("map_ids", []))
    dumps = {}
    for m in sorted(ids):
        info = jrun(None, "bpftool", "-j", "map", "show", "id", str(m))
        name = info.get("name", "")
        if name in ("sp_bpf_active", "sp_bpf_nets", "sp_bpf_hosts", "sp_bpf_proxies"):
            dumps[name] = jrun(None, "bpftool", "-j", "map", "dump", "id", str(m))
    out = []
    if not dumps:
        return ["maps none"]
    active = dumps.get("sp_bpf_active", [{}])[0].get("formatted", {}).get("value", 0)
    for name in ("sp_bpf_nets", "sp_bpf_hosts"):
        rows = []
        for e in dumps.get(name, []):
            f = e.get("formatted", {})
            k = dict(f.get("key", {}))
            if k.get("gen") != active:
                continue
            k.pop("gen", None)
            k["ifindex"] = ifname(k.get("ifindex"))
            rows.append(json.dumps({"key": k, "value": f.get("value")}, sort_keys=True))
        out += [f"map {name} {r}" for r in sorted(rows)]
    half = len(dumps.get("sp_bpf_proxies", [])) // 2
    for e in dumps.get("sp_bpf_proxies", []):
        f = e.get("formatted", {})
        idx = f.get("key", 0)
        if idx // half != active if half else True:
            continue
        v = dict(f.get("value", {}))
        if not v.get("used"):
            continue
        v["ifindex"] = ifname(v.get("ifindex"))
        out.append(f"map sp_bpf_proxies {idx % half} " + json.dumps(v, sort_keys=True))
    return out


if __name__ == "__main__":
    main()
