# The soak's kernel side: a backend behind the load balancer, and legitimate clients through it.
#   soak.py backend ADDR PORT                  answers every request with a 200 and closes; "ready" once listening
#   soak.py client HOST PORT RATE SECONDS TIMEOUT
#       new connections at RATE per second for SECONDS: connect, GET, read to the end, check the answer.
#       One line per second of start time, once its connections are done: "legit SEC ok N fail M [REASON...]",
#       then "done attempted=N ok=N fail=N". Bounded: no connection starts after SECONDS, none waits past TIMEOUT.
import math
import socket
import sys
import threading
import time

ANSWER = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nsoak\n"


def backend(addr, port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1024)
    print("ready", flush=True)

    def serve(c):
        try:
            c.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 4096:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
            c.sendall(ANSWER)
        except OSError:
            pass
        finally:
            c.close()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def client(host, port, rate, seconds, timeout):
    lock = threading.Lock()
    results = {}  # second -> [ok, fail, reasons]
    pending = {}  # second -> connections not finished

    def one(sec):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(timeout)
        reason = None
        try:
            s.connect((host, port))
            s.sendall(b"GET / HTTP/1.0\r\nHost: soak\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            if data != ANSWER:
                reason = "BadAnswer(%d bytes)" % len(data)
        except Exception as e:  # every failure is counted and named, never raised
            reason = type(e).__name__
        finally:
            s.close()
        with lock:
            r = results.setdefault(sec, [0, 0, []])
            if reason is None:
                r[0] += 1
            else:
                r[1] += 1
                r[2].append(reason)
            pending[sec] -= 1

    print("ready", flush=True)
    start = time.monotonic()
    i = 0
    printed = 0
    totals = [0, 0]

    def flush(upto):
        nonlocal printed
        while printed < upto:
            with lock:
                if pending.get(printed, 0) > 0:
                    return
                r = results.get(printed, [0, 0, []])
            totals[0] += r[0]
            totals[1] += r[1]
            line = "legit %d ok %d fail %d %s" % (printed, r[0], r[1], " ".join(sorted(set(r[2]))))
            print(line.rstrip(), flush=True)
            printed += 1

    while True:
        due = start + i / rate
        if due - start >= seconds:
            break
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        sec = int(due - start)
        with lock:
            pending[sec] = pending.get(sec, 0) + 1
        threading.Thread(target=one, args=(sec,), daemon=True).start()
        i += 1
        flush(sec)
    end = time.monotonic() + timeout + 2
    last = math.ceil(seconds)
    while printed < last and time.monotonic() < end:
        flush(last)
        time.sleep(0.05)
    with lock:
        unfinished = sum(v for v in pending.values() if v > 0)
    print("done attempted=%d ok=%d fail=%d" % (i, totals[0], totals[1] + unfinished), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "backend":
        backend(sys.argv[2], int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
