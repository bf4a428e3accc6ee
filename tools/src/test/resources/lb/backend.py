"""A lab backend for the load balancer's tests: one process per backend, run in a lab namespace.

usage: backend.py NAME ADDR PORT

Every connection starts with one request line; the answer starts with the backend's NAME:
  GET ...              an HTTP/1.0 answer whose body is "NAME\n", then close (curl)
  SINK N               read to the end of stream, answer "NAME LEN SHA256\n" and N bytes of pattern(), close
  CLOSE                answer "NAME bye\n" and close first (the backend's FIN comes first)
  RST                  answer "NAME rst\n" and reset (SO_LINGER 0)
  HOLD                 answer "NAME held\n", then read until the client's end: prints "EOF ID" or "RESET ID"
  STREAM ID            answer "NAME stream\n", then pattern() until the connection fails (bounded: 1 GB)
  ECHO                 answer "NAME echo\n", then send back every byte until the end of stream
  STALL ID             answer "NAME stall\n", then never read: once the connection is reset (TCP_INFO state CLOSE)
                       prints "STALL-RESET ID"; gives up after 60 s ("STALL-ALIVE ID")
Events go to stdout, one line each ("ready" once listening).
"""
import hashlib
import socket
import struct
import sys
import threading
import time

NAME, ADDR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(65536))


def pattern(n):
    whole, part = divmod(n, len(BLOCK))
    return BLOCK * whole + BLOCK[:part]


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def read_line(c):
    data = b""
    while b"\n" not in data:
        d = c.recv(4096)
        if not d:
            break
        data += d
    line, _, rest = data.partition(b"\n")
    return line.decode(errors="replace").strip(), rest


def serve(c):
    try:
        line, rest = read_line(c)
        words = line.split()
        cmd = words[0] if words else ""
        if cmd == "GET":
            body = (NAME + "\n").encode()
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        elif cmd == "SINK":
            h = hashlib.sha256(rest)
            total = len(rest)
            while True:
                d = c.recv(65536)
                if not d:
                    break
                h.update(d)
                total += len(d)
            c.sendall(("%s %d %s\n" % (NAME, total, h.hexdigest())).encode() + pattern(int(words[1])))
        elif cmd == "CLOSE":
            c.sendall((NAME + " bye\n").encode())
        elif cmd == "RST":
            c.sendall((NAME + " rst\n").encode())
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif cmd == "HOLD":
            c.sendall((NAME + " held\n").encode())
            ident = words[1] if len(words) > 1 else "-"
            try:
                while c.recv(65536):
                    pass
                say("EOF " + ident)
            except ConnectionResetError:
                say("RESET " + ident)
        elif cmd == "ECHO":
            c.sendall((NAME + " echo\n").encode() + rest)
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
        elif cmd == "STALL":
            c.sendall((NAME + " stall\n").encode())
            ident = words[1] if len(words) > 1 else "-"
            for _ in range(300):
                time.sleep(0.2)
                if c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] == 7:  # TCP_CLOSE
                    say("STALL-RESET " + ident)
                    break
            else:
                say("STALL-ALIVE " + ident)
        elif cmd == "STREAM":
            c.sendall((NAME + " stream\n").encode())
            for _ in range(1 << 14):
                c.sendall(BLOCK)
    except OSError as e:
        say("ERROR %s" % e)
    finally:
        c.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ADDR, PORT))
s.listen(1024)
say("ready")
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
