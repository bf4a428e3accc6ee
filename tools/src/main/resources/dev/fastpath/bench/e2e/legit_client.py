# A legitimate client through the flood: new connections at a fixed rate from the host's own address,
# each timed from connect() to established. One line per connection: "ok MICROS" or "fail REASON";
# the last line is "done attempted=N". Bounded: stops starting connections after SECONDS and waits at
# most TIMEOUT for the last ones.
# usage: legit_client.py HOST PORT RATE SECONDS TIMEOUT
import socket
import sys
import threading
import time

host, port, rate, seconds, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), \
    float(sys.argv[5])
lock = threading.Lock()
out = []


def one():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    t0 = time.perf_counter_ns()
    try:
        s.connect((host, port))
        line = "ok %d" % ((time.perf_counter_ns() - t0) // 1000)
    except Exception as e:  # every failure is reported, never raised
        line = "fail %s" % type(e).__name__
    finally:
        s.close()
    with lock:
        out.append(line)


print("ready", flush=True)
start = time.monotonic()
threads = []
i = 0
while True:
    due = start + i / rate
    if due - start >= seconds:
        break
    now = time.monotonic()
    if due > now:
        time.sleep(due - now)
    t = threading.Thread(target=one, daemon=True)
    t.start()
    threads.append(t)
    i += 1
for t in threads:
    t.join(timeout + 1)
with lock:
    for line in out:
        print(line)
    missing = i - len(out)
for _ in range(missing):
    print("fail Unfinished")
print("done attempted=%d" % i, flush=True)
