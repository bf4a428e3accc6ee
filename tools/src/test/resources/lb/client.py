"""A lab client for the load balancer's tests (the other side of backend.py), run in a lab namespace.

usage: client.py MODE VIP PORT [ARGS...]; prints one result line per connection, exit code 0 unless a check failed
  sink UP DOWN              send UP bytes then FIN, expect the backend's digest of them and DOWN pattern bytes
  many CONNS ROUNDS SIZE    CONNS threads at once, each ROUNDS sink exchanges of SIZE bytes both ways; prints
                            "ok N name=count ..." (connections per backend)
  close                     the backend closes first: expect "NAME bye" then the end of stream
  rst                       the backend resets: expect "NAME rst" then a reset
  abort ID                  HOLD, then reset the connection (SO_LINGER 0): the backend should print "RESET ID"
  fin ID                    HOLD, then shutdown(SHUT_WR): the backend prints "EOF ID", we see the end of stream
  stream                    STREAM, print "stream NAME", read until the connection ends: "RESET|EOF|TIMEOUT BYTES"
  echo N SECONDS            N connections at once, each echoing 64-byte messages for SECONDS (prints "open N" once
                            all are up), then a clean close; prints "ok N EXCHANGES name=count ..." or the failures
  map FIRST COUNT           one HTTP GET from each client port FIRST..FIRST+COUNT-1: prints "PORT NAME" (the
                            body's first word: the backend's name, or "nginx")
  echo1 SECONDS             one echo connection: prints "open NAME", echoes for SECONDS, "ok NAME" or the failure
"""
import hashlib
import socket
import struct
import sys
import threading
import collections

MODE, VIP, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
ARGS = sys.argv[4:]
BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(65536))


def pattern(n):
    whole, part = divmod(n, len(BLOCK))
    return BLOCK * whole + BLOCK[:part]


def connect(line):
    c = socket.create_connection((VIP, PORT), timeout=30)
    c.sendall(line.encode() + b"\n")
    return c


def read_line(c):
    """The backend's first line, byte by byte (nothing after it is consumed): its name."""
    line = b""
    while not line.endswith(b"\n"):
        d = c.recv(1)
        if not d:
            raise AssertionError("end of stream before the first line")
        line += d
    return line.decode().split()[0]


def read_to_end(c):
    out = bytearray()
    try:
        while True:
            d = c.recv(1 << 20)
            if not d:
                return bytes(out), "EOF"
            out += d
    except ConnectionResetError:
        return bytes(out), "RESET"
    except socket.timeout:
        return bytes(out), "TIMEOUT"


def sink(up, down):
    head = b"SINK %d\n" % down
    body = pattern(up)
    c = socket.create_connection((VIP, PORT), timeout=30)
    c.sendall(head + body)
    c.shutdown(socket.SHUT_WR)
    data, end = read_to_end(c)
    c.close()
    line, _, rest = data.partition(b"\n")
    words = line.decode().split()
    expect_digest = hashlib.sha256(body).hexdigest()
    if end != "EOF" or len(words) != 3 or int(words[1]) != up or words[2] != expect_digest or rest != pattern(down):
        raise AssertionError("sink %d/%d: end %s, answer %r, %d bytes back" % (up, down, end, line[:100], len(rest)))
    return words[0]


def main():
    if MODE == "sink":
        print("ok " + sink(int(ARGS[0]), int(ARGS[1])))
    elif MODE == "many":
        conns, rounds, size = int(ARGS[0]), int(ARGS[1]), int(ARGS[2])
        names = collections.Counter()
        errors = []
        lock = threading.Lock()

        def worker():
            for _ in range(rounds):
                try:
                    n = sink(size, size)
                    with lock:
                        names[n] += 1
                except Exception as e:  # counted and reported: the test fails on any
                    with lock:
                        errors.append(repr(e))
        threads = [threading.Thread(target=worker) for _ in range(conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            print("errors %d: %s" % (len(errors), errors[:5]))
            sys.exit(1)
        print("ok %d %s" % (sum(names.values()), " ".join("%s=%d" % kv for kv in sorted(names.items()))))
    elif MODE in ("close", "rst"):
        c = connect(MODE.upper())
        data, end = read_to_end(c)
        c.close()
        print("%s %s" % (data.decode().strip(), end))
    elif MODE in ("abort", "fin"):
        c = connect("HOLD " + ARGS[0])
        held = c.recv(100).decode().strip()
        if MODE == "abort":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
            print(held)
        else:
            c.shutdown(socket.SHUT_WR)
            data, end = read_to_end(c)
            c.close()
            print("%s %s" % (held, end))
    elif MODE == "stream":
        c = socket.create_connection((VIP, PORT), timeout=20)
        c.sendall(b"STREAM\n")
        first = b""
        while b"\n" not in first:
            first += c.recv(1)
        c.sendall(b"x" * 1000)  # never read: the backend's kernel resets the connection when the process dies
        print(first.decode().strip(), flush=True)
        data, end = read_to_end(c)
        print("%s %d" % (end, len(data)), flush=True)
    elif MODE == "echo":
        n, seconds = int(ARGS[0]), float(ARGS[1])
        conns = []
        names = collections.Counter()
        for _ in range(n):
            c = connect("ECHO")
            conns.append(c)
        for c in conns:
            names[read_line(c)] += 1
        print("open %d" % n, flush=True)
        errors = []
        counts = [0]
        lock = threading.Lock()

        def run(c):
            import os
            import time
            end = time.monotonic() + seconds
            try:
                while time.monotonic() < end:
                    msg = os.urandom(64)
                    c.sendall(msg)
                    got = b""
                    while len(got) < 64:
                        d = c.recv(64 - len(got))
                        if not d:
                            raise AssertionError("end of stream mid-echo")
                        got += d
                    if got != msg:
                        raise AssertionError("echo differs")
                    with lock:
                        counts[0] += 1
                    time.sleep(0.05)
                c.shutdown(socket.SHUT_WR)
                if c.recv(10) != b"":
                    raise AssertionError("no end of stream after ours")
            except Exception as e:  # every failure is reported; the exit code says whether there was one
                with lock:
                    errors.append(repr(e))
            finally:
                c.close()
        threads = [threading.Thread(target=run, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            print("errors %d: %s" % (len(errors), errors[:5]))
            sys.exit(1)
        print("ok %d %d %s" % (n, counts[0], " ".join("%s=%d" % kv for kv in sorted(names.items()))))
    elif MODE == "map":
        first, count = int(ARGS[0]), int(ARGS[1])
        for port in range(first, first + count):
            c = socket.socket()
            c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            c.settimeout(30)
            c.bind(("0.0.0.0", port))
            c.connect((VIP, PORT))
            c.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data, end = read_to_end(c)
            c.close()
            body = data.split(b"\r\n\r\n", 1)[-1].decode().split()
            print("%d %s" % (port, body[0] if body else "-"), flush=True)
    elif MODE == "echo1":
        import os
        import time
        c = connect("ECHO")
        name = read_line(c)
        print("open " + name, flush=True)
        end = time.monotonic() + float(ARGS[0])
        try:
            while time.monotonic() < end:
                msg = os.urandom(64)
                c.sendall(msg)
                got = b""
                while len(got) < 64:
                    d = c.recv(64 - len(got))
                    if not d:
                        raise AssertionError("end of stream mid-echo")
                    got += d
                time.sleep(0.1)
            print("ok " + name)
        except ConnectionResetError:
            print("RESET " + name)
    else:
        raise SystemExit("unknown mode " + MODE)


main()
