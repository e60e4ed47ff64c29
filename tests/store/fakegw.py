#!/usr/bin/env python3
# A stand-in for etcd 3.4's JSON gateway that plays what a real single
# member cannot be made to do on cue, for store_fake_test.sh: a watch
# cancelled by compaction at its creation, a watch stream cut into pieces
# at awkward bytes, a token that stops being valid. It answers as 3.4's
# gateway does (64-bit numbers as strings, zero values left out, errors as
# {"error", "code"} with an HTTP status) and logs every request it gets.
# With "paged", the range read is served in pages as etcd serves them (its
# "limit", "more" and "revision"), from snapshots of 4,500 nodes, and the
# first read's revision is compacted between two of its pages.
# usage: fakegw.py PORT LOGFILE [paged]
import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG = int(sys.argv[1]), sys.argv[2]
PAGED = sys.argv[3:] == ["paged"]
NODES = "/sixplane/v1/8056c2e21c000001/nodes/"
lock = threading.Lock()
calls = {}
state = {"token": ""}


def b64(s):
    return base64.b64encode(s.encode()).decode()


def kv(node, ip, rev):
    v = json.dumps({"endpoint": ip, "port": 4789})
    return {"key": b64(NODES + node), "value": b64(v), "create_revision": str(rev),
            "mod_revision": str(rev), "version": "1"}


def hdr(rev):
    return {"cluster_id": "1", "member_id": "2", "revision": str(rev), "raft_term": "2"}


# the paged mode's snapshots: at revision 40, nodes 1000000000 + i for
# i < 4500; at 41 (after the compaction), the first 100 gone and node
# 1000000777 moved. Keys sort as node ids (fixed-width hex).
def snapshot(rev):
    out = []
    for i in range(4500):
        if rev == 41 and i < 100:
            continue
        ip = "198.51.100.77" if rev == 41 and i == 777 else "192.0.2.%d" % (1 + i % 250)
        out.append(kv("%010x" % (0x1000000000 + i), ip, 3 + i))
    return out


compacted = {"done": False}


def paged_range(req):
    key = base64.b64decode(req["key"])
    end = base64.b64decode(req["range_end"])
    limit = int(req.get("limit", 0))
    rev = int(req.get("revision", 0))
    if rev == 40 and key != NODES.encode() and not compacted["done"]:
        # the second page of the first read: its revision is gone
        compacted["done"] = True
        return 400, {"error": "etcdserver: mvcc: required revision has been compacted", "code": 11}
    if rev == 0:
        rev = 41 if compacted["done"] else 40
    kvs = [k for k in snapshot(rev) if key <= base64.b64decode(k["key"]) < end]
    more = limit and len(kvs) > limit
    if limit:
        kvs = kvs[:limit]
    out = {"header": hdr(rev), "kvs": kvs, "count": str(len(kvs))}
    if more:
        out["more"] = True
    return 200, out


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, obj):
        b = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = self.path
        with lock:
            n = calls[path] = calls.get(path, 0) + 1
            with open(LOG, "a") as f:
                f.write("%s %d %s %s\n" % (path, n, self.headers.get("Authorization", "-"),
                                           body.decode()))
        if path == "/v3/auth/authenticate":
            req = json.loads(body)
            if req.get("name") != "host-a" or req.get("password") != "s3cret":
                return self.reply(400, {"error": "etcdserver: authentication failed, invalid user ID or password", "code": 3})
            state["token"] = "tok%d" % n
            return self.reply(200, {"header": hdr(1), "token": state["token"]})
        if self.headers.get("Authorization") != state["token"]:
            return self.reply(401, {"error": "etcdserver: invalid auth token", "code": 16})
        if path == "/v3/lease/grant":
            return self.reply(200, {"header": hdr(1), "ID": "7", "TTL": "5"})
        if path == "/v3/lease/keepalive":
            return self.reply(200, {"result": {"header": hdr(1), "ID": "7", "TTL": "5"}})
        if path == "/v3/lease/revoke":
            return self.reply(200, {"header": hdr(30)})
        if path == "/v3/kv/txn":
            return self.reply(200, {"header": hdr(2), "succeeded": True,
                                    "responses": [{"response_put": {"header": {"revision": "2"}}}]})
        if path == "/v3/kv/range" and PAGED:
            return self.reply(*paged_range(json.loads(body)))
        if path == "/v3/kv/range":
            if n == 1:
                return self.reply(200, {"header": hdr(10), "kvs": [kv("1111111111", "192.0.2.11", 5)], "count": "1"})
            if n == 2:
                # the read after the compaction: the first token dies here,
                # once the client is up; it authenticates again
                state["token"] = "expired"
                return self.reply(401, {"error": "etcdserver: invalid auth token", "code": 16})
            return self.reply(200, {"header": hdr(20), "count": "2",
                                    "kvs": [kv("1111111111", "192.0.2.111", 12), kv("2222222222", "192.0.2.22", 14)]})
        if path == "/v3/watch":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def chunk(b):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))
                self.wfile.flush()

            created = json.dumps({"result": {"header": hdr(10), "created": True}}) + "\n"
            if PAGED and n == 1:
                # "created" carries the store's current revision, far past
                # the read's: a watch made again must not start there
                chunk((json.dumps({"result": {"header": hdr(99), "created": True}}) + "\n").encode())
                chunk(b"")
                return
            if PAGED:  # nothing happens after the read
                chunk(created.encode())
                while True:
                    time.sleep(1)
                    try:
                        chunk(b"\n")
                    except OSError:
                        return
            if n == 1:
                chunk(created.encode())
                chunk((json.dumps({"result": {"header": {"cluster_id": "1"}, "canceled": True,
                                              "compact_revision": "15"}}) + "\n").encode())
                chunk(b"")
                return
            ev = {"result": {"header": hdr(21), "events": [
                {"kv": kv("3333333333", "192.0.2.33", 21)},
                {"type": "DELETE", "kv": {"key": b64(NODES + "1111111111"), "mod_revision": "21"}}]}}
            data = (created + json.dumps(ev) + "\n").encode()
            # cut at awkward places: inside a string, between objects
            for cut in (data[:7], data[7:len(created) + 3], data[len(created) + 3:-40], data[-40:]):
                chunk(cut)
                time.sleep(0.05)
            while True:
                time.sleep(1)
                try:
                    chunk(b"\n")
                except OSError:
                    return
        self.reply(404, {"error": "no such path", "code": 5})


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
