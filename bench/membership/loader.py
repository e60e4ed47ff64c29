#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The load of bench/membership: nodes registered in etcd as real hosts would
be, and single puts timed to the daemon's forwarding entry.

    loader.py register URL PREFIX NWID FIRST COUNT PER_LEASE TTL LEASES_FILE
        grant COUNT/PER_LEASE leases of TTL s (appended to LEASES_FILE) and put
        nodes FIRST..FIRST+COUNT-1 under them, 128 puts per transaction (etcd's
        default --max-txn-ops); prints the seconds it took
    loader.py hold URL TTL LEASES_FILE
        keep every lease in LEASES_FILE alive, each every TTL/3 s, one POST
        /v3/lease/keepalive per renewal as sixplaned does; runs until killed
    loader.py latency URL PREFIX NWID N CHANGES LEASE [new]
        CHANGES single puts, alternately a new node (N, N+1, ...) and an
        existing one moved to a new endpoint (with "new": new nodes only,
        deleted again at the end); each timed from just before the put to
        the kernel's RTM_NEWNEIGH with its endpoint; prints
        "p50_ms p99_ms max_ms missed"
    loader.py peers N                   nodes 0..N-1 as [Peer] sections

Node I is node id a0_0000_0000 + I with endpoint 192.0.(16 + I/250).(1 + I%250);
moved, 192.0.(116 + I/250).(1 + I%250): every endpoint names one node, so an
entry is matched by its destination alone. The entries are watched with a
netlink socket on RTNLGRP_NEIGH in the namespace this runs in (vxlan sends one
RTM_NEWNEIGH per entry written). The time to N entries is bench/membership/
fdbwait's (C: an observer in Python took as much CPU as the daemon it timed).
"""
import base64
import http.client
import json
import socket
import struct
import sys
import time
import urllib.parse

NODE_BASE = 0xA000000000
RTMGRP_NEIGH = 4
RTM_NEWNEIGH = 28
AF_BRIDGE = 7
NDA_DST = 1
SO_RCVBUFFORCE = 33


def node_of(i):
    return "%010x" % (NODE_BASE + i)


def endpoint_of(i, moved=False):
    return "192.0.%d.%d" % ((116 if moved else 16) + i // 250, 1 + i % 250)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def key_of(prefix, nwid, i):
    return "%s/v1/%s/nodes/%s" % (prefix, nwid, node_of(i))


def value_of(ep):
    return json.dumps({"endpoint": ep, "port": 4789})


class Gateway:
    """etcd's v3 JSON gateway over one kept-alive HTTP connection."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def post(self, path, obj):
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                self.conn.request("POST", path, json.dumps(obj),
                                  {"Content-Type": "application/json"})
                r = self.conn.getresponse()
                body = r.read()
                if r.status != 200:
                    raise RuntimeError("%s: HTTP %d: %s" % (path, r.status, body[:200]))
                return json.loads(body) if body.strip() else {}
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 2:
                    raise


def register(url, prefix, nwid, first, count, per_lease, ttl, leases_file):
    gw = Gateway(url)
    t0 = time.monotonic()
    i = first
    end = first + count
    while i < end:
        lease = gw.post("/v3/lease/grant", {"TTL": ttl})["ID"]
        with open(leases_file, "a") as f:
            f.write("%s\n" % lease)
        lease_end = min(end, i + per_lease)
        while i < lease_end:
            j = min(lease_end, i + 128)
            ops = [{"requestPut": {"key": b64(key_of(prefix, nwid, k)),
                                   "value": b64(value_of(endpoint_of(k))), "lease": lease}}
                   for k in range(i, j)]
            gw.post("/v3/kv/txn", {"success": ops})
            i = j
    print("%.3f" % (time.monotonic() - t0))


def hold(url, ttl, leases_file):
    gw = Gateway(url)
    period = ttl / 3.0
    # each lease at its own phase of the period, as independent hosts would
    while True:
        try:
            with open(leases_file) as f:
                leases = [l.strip() for l in f if l.strip()]
        except OSError:
            leases = []
        start = time.monotonic()
        for n, lease in enumerate(leases):
            at = start + period * n / max(1, len(leases))
            d = at - time.monotonic()
            if d > 0:
                time.sleep(d)
            try:
                gw.post("/v3/lease/keepalive", {"ID": lease})
            except Exception as e:  # a member busy or restarting: the next round
                print("hold: keepalive %s: %s" % (lease, e), file=sys.stderr)
        d = start + period - time.monotonic()
        if d > 0:
            time.sleep(d)


def neigh_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind((0, RTMGRP_NEIGH))
    return s


def neigh_dsts(data):
    """The IPv4 destinations of the bridge RTM_NEWNEIGH messages in data."""
    out = []
    off = 0
    while off + 16 <= len(data):
        ln, typ = struct.unpack_from("=IH", data, off)
        if ln < 16:
            break
        if typ == RTM_NEWNEIGH and data[off + 16] == AF_BRIDGE:
            a = off + 16 + 12
            while a + 4 <= off + ln:
                alen, atyp = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    break
                if atyp == NDA_DST and alen == 8:
                    out.append(socket.inet_ntoa(data[a + 4:a + 8]))
                a += (alen + 3) & ~3
        off += (ln + 3) & ~3
    return out


def latency(url, prefix, nwid, n, changes, lease, new_only=False):
    gw = Gateway(url)
    s = neigh_socket()
    times = []
    missed = 0
    for c in range(changes):
        if new_only:
            i, ep = n + c, endpoint_of(n + c)
        elif c % 2 == 0:
            i, ep = n + c // 2, endpoint_of(n + c // 2)
        else:
            i, ep = c // 2, endpoint_of(c // 2, moved=True)
        put = {"key": b64(key_of(prefix, nwid, i)), "value": b64(value_of(ep)), "lease": lease}
        t0 = time.monotonic()
        gw.post("/v3/kv/put", put)
        deadline = t0 + 2.0
        got = None
        while got is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data = s.recv(1 << 20)
            except socket.timeout:
                break
            if ep in neigh_dsts(data):
                got = time.monotonic()
        if got is None:
            missed += 1
        else:
            times.append((got - t0) * 1000)
    if new_only:  # gone again: the next measurement starts from N nodes
        for c in range(changes):
            gw.post("/v3/kv/deleterange", {"key": b64(key_of(prefix, nwid, n + c))})
    times.sort()

    def rank(p):  # nearest rank
        if not times:
            return float("nan")
        r = -(-p * len(times) // 100)
        return times[max(0, int(r) - 1)]

    print("%.3f %.3f %.3f %d" % (rank(50), rank(99), times[-1] if times else float("nan"),
                                 missed))


def main(a):
    if len(a) < 2:
        sys.exit(__doc__)
    cmd = a[1]
    if cmd == "register" and len(a) == 10:
        register(a[2], a[3], a[4], int(a[5]), int(a[6]), int(a[7]), int(a[8]), a[9])
    elif cmd == "hold" and len(a) == 5:
        hold(a[2], int(a[3]), a[4])
    elif cmd == "latency" and len(a) in (8, 9) and a[8:] in ([], ["new"]):
        latency(a[2], a[3], a[4], int(a[5]), int(a[6]), a[7], a[8:] == ["new"])
    elif cmd == "peers" and len(a) == 3:
        sys.stdout.write("".join("\n[Peer]\nNode = %s\nEndpoint = %s\n" % (node_of(i), endpoint_of(i))
                                 for i in range(int(a[2]))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
