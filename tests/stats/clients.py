#!/usr/bin/python3
"""Clients of sixplaned's stats socket that a user could write, for abuse_test.sh.

  clients.py hold SOCK      connect and never read; print "connected", then
                            on stdin's end (or SIGTERM) read what is there:
                            "held got BYTES eof yes|no"
  clients.py swarm SOCK N   until SIGTERM: N connections at once, each read
                            to its end, again and again; then print
                            "swarm rounds R connections C full F cut K"
                            (full: a whole reply, one line ending in a
                            newline; cut: closed before that, as a client
                            beyond the daemon's limit is)
  clients.py once SOCK      one connection read to its end: "once BYTES"
"""

import errno
import resource
import selectors
import signal
import socket
import sys

stop = False


def on_term(_sig, _frame):
    global stop
    stop = True


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
    except BlockingIOError:
        # a full backlog: a non-blocking Unix connect says EAGAIN
        s.close()
        return None
    except OSError as e:
        s.close()
        if e.errno in (errno.EAGAIN, errno.ECONNREFUSED):
            return None
        raise
    return s


def hold(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    print("connected", flush=True)
    signal.signal(signal.SIGTERM, on_term)
    try:
        sys.stdin.read()
    except (OSError, KeyboardInterrupt):
        pass
    got, eof = 0, False
    s.settimeout(1)
    try:
        while True:
            b = s.recv(1 << 16)
            if not b:
                eof = True
                break
            got += len(b)
    except OSError:
        pass
    print("held got %d eof %s" % (got, "yes" if eof else "no"), flush=True)


def swarm(path, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
    signal.signal(signal.SIGTERM, on_term)
    sel = selectors.DefaultSelector()
    rounds = conns = full = cut = 0
    while not stop:
        rounds += 1
        live = {}
        want = n
        while (want or live) and not stop:
            while want:
                s = connect(path)
                if s is None:
                    break
                want -= 1
                conns += 1
                live[s] = bytearray()
                sel.register(s, selectors.EVENT_READ)
            for key, _ in sel.select(timeout=0.05):
                s = key.fileobj
                try:
                    b = s.recv(1 << 16)
                except OSError:
                    b = b""
                if b:
                    live[s] += b
                    continue
                buf = live.pop(s)
                sel.unregister(s)
                s.close()
                if buf.endswith(b"\n") and buf.count(b"\n") == 1:
                    full += 1
                else:
                    cut += 1
        for s in live:
            sel.unregister(s)
            s.close()
    print("swarm rounds %d connections %d full %d cut %d" % (rounds, conns, full, cut),
          flush=True)


def once(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    got = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got += len(b)
    print("once %d" % got)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "hold":
        hold(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "swarm":
        swarm(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "once":
        once(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
