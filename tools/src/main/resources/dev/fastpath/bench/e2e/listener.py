# The Linux kernel as the victim: a listener that accepts and closes, nothing else.
# usage: listener.py HOST PORT BACKLOG SECONDS   (prints "ready" once listening; exits after SECONDS)
import socket
import sys
import time

host, port, backlog, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port))
s.listen(backlog)
s.settimeout(0.2)
print("ready", flush=True)
end = time.monotonic() + seconds
accepted = 0
while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    accepted += 1
    c.close()
print("accepted", accepted, flush=True)
