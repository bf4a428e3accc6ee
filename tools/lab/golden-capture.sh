#!/usr/bin/env bash
# Captures a real Linux kernel conversation as golden frames for the wire tests: ARP, ICMP echo,
# ICMP port unreachable, a refused connection (RST), and a TCP handshake, data exchange in both
# directions and teardown. Runs only inside two network namespaces joined by a veth pair that this
# script creates and deletes, addresses from 198.18.0.0/15 (docs/design.md, "The lab").
#
# usage: tools/lab/golden-capture.sh OUT_DIR      (as root)
# writes OUT_DIR/kernel-conversation.pcap and OUT_DIR/kernel-conversation.tsv (tshark's fields)
set -euo pipefail

OUT=${1:?usage: $0 OUT_DIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
NS_A=fp-gold-a
NS_B=fp-gold-b
IP_A=198.18.0.1
IP_B=198.18.0.2
WORK=$(mktemp -d)

cleanup() {
    cat "$WORK/tcpdump.log" 2>/dev/null || true
    ip netns pids "$NS_B" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns pids "$NS_A" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cleanup
WORK=$(mktemp -d)

ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add fpga type veth peer name fpgb
ip link set fpga netns "$NS_A"
ip link set fpgb netns "$NS_B"
# Fixed, locally administered MACs so the capture is reproducible.
ip -n "$NS_A" link set fpga address 02:00:c6:12:00:01
ip -n "$NS_B" link set fpgb address 02:00:c6:12:00:02
ip -n "$NS_A" addr add "$IP_A/24" dev fpga
ip -n "$NS_B" addr add "$IP_B/24" dev fpgb
for side in "$NS_A fpga" "$NS_B fpgb"; do
    set -- $side
    # Full checksums and no segmentation offload: the capture must show what a wire would carry.
    ip netns exec "$1" ethtool -K "$2" tx off gso off tso off gro off >/dev/null 2>&1 || true
    # No IPv6 chatter (MLD, DAD) in an IPv4 capture.
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$1" link set "$2" up
    ip -n "$1" link set lo up
done

ip netns exec "$NS_B" tcpdump -Z root -i fpgb -U -s 0 -w "$WORK/cap.pcap" 2>"$WORK/tcpdump.log" &
TCPDUMP=$!
for _ in $(seq 50); do grep -q "listening on" "$WORK/tcpdump.log" && break; sleep 0.1; done

cat >"$WORK/server.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(4); s.settimeout(10)
c, _ = s.accept(); c.settimeout(10)
got = b""
while len(got) < 3000:
    chunk = c.recv(65536)
    if not chunk: break
    got += chunk
c.sendall(b"ack:" + str(len(got)).encode())
while c.recv(65536):
    pass
c.close(); s.close()
PY
cat >"$WORK/client.py" <<'PY'
import socket, struct, sys, time

def icmp_checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF

# One ICMP echo request (what ping sends); the kernel on the other side answers it.
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
body = b"fastpath-golden!"
hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4650, 1)
r.sendto(struct.pack("!BBHHH", 8, 0, icmp_checksum(hdr + body), 0x4650, 1) + body, (sys.argv[1], 0))
r.settimeout(3)
r.recv(200)
c = socket.create_connection((sys.argv[1], 8080), timeout=10)
c.sendall(bytes((i * 7) % 251 for i in range(3000)))
reply = c.recv(100)
assert reply == b"ack:3000", reply
c.close()
try:
    socket.create_connection((sys.argv[1], 81), timeout=5)
    raise SystemExit("port 81 unexpectedly open")
except ConnectionRefusedError:
    pass
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"nobody home", (sys.argv[1], 9))
time.sleep(0.3)
PY

ip netns exec "$NS_B" timeout 20 python3 "$WORK/server.py" "$IP_B" &
SERVER=$!
sleep 0.5
ip netns exec "$NS_A" timeout 20 python3 "$WORK/client.py" "$IP_B"
wait "$SERVER"
sleep 0.5
kill -INT "$TCPDUMP"
wait "$TCPDUMP" || true

cp "$WORK/cap.pcap" "$OUT/kernel-conversation.pcap"
"$(dirname "$0")/tshark-fields.sh" "$OUT/kernel-conversation.pcap" >"$OUT/kernel-conversation.tsv"
echo "captured $(($(wc -l <"$OUT/kernel-conversation.tsv") - 1)) frames into $OUT"
