package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack as a server, the Linux kernel as the client, over a veth in the lab: handshake, ARP and ICMP,
 * 10 MB echoed byte for byte, every teardown, half-close, a refused port and 1,000 connections through SYN
 * cookies. Each test starts its own {@code serve}, runs a bounded python3 client (or curl) in namespace B,
 * stops the server with SIGTERM and reads its counters; where the wire matters, the server's own pcap is
 * checked (every frame it sent must verify with strict checksums).
 */
@Timeout(90)
abstract class KernelPeerTests extends KernelPeerTestBase {
    static final String IP = Lab.IP_A;

    @Test
    void arpIcmpEchoAndHandshake() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(20, PING_AND_CONNECT, IP);
            assertTrue(out.contains("PINGS 3"), out);
            assertTrue(out.contains("CONNECTED"), out);
            s.stop(true); // Ctrl-C stops it as cleanly as SIGTERM
            assertTrue(s.counter("ArpInRequests") >= 1, s.counters);
            assertTrue(s.counter("ArpOutReplies") >= 1, s.counters);
            assertEquals(3, s.counter("IcmpOutEchoReps"), s.counters);
            assertEquals(1, s.counter("TcpPassiveOpens"), s.counters);
        }
        Lab.Result link = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A);
        assertFalse(link.output().contains("xdp"), "the XDP program is detached on exit\n" + link.output());
    }

    @Test
    void echoesTenMegabytesByteExact() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(40, ECHO_BULK, IP, Integer.toString(10 * 1024 * 1024));
            assertTrue(out.contains("ECHO ok bytes=10485760"), out);
            s.stop();
            assertEquals(0, s.counter("FpParseDrop_BAD_TCP_CHECKSUM"), s.counters);
        }
    }

    @Test
    void clientClosesFirstAndEndsInTimeWait(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("s.pcap");
        try (Server s = new Server("echo", 7, pcap)) {
            String out = python(20, CLIENT_CLOSES_FIRST, IP);
            assertTrue(out.contains("TIME_WAIT 1"), out);
            s.stop();
        }
        Sent sent = sentByStack(pcap);
        assertEquals(1, sent.fins(), sent.toString());
        assertEquals(0, sent.rsts(), sent.toString());
    }

    @Test
    void serverClosesFirstAfterConnectionCloseRequest(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("s.pcap");
        try (Server s = new Server("http", 80, pcap)) {
            String out = python(20, HTTP_SERVER_CLOSES, IP, "0");
            assertTrue(out.contains("HTTP 200 body=ok eof=True"), out);
            assertTrue(out.contains("CLIENT_TIME_WAIT 0"), out); // the server closed first: TIME_WAIT is its
            s.stop();
            assertEquals(1, s.counter("TcpPassiveOpens"), s.counters);
        }
        Sent sent = sentByStack(pcap);
        assertEquals(1, sent.fins(), sent.toString());
        assertEquals(0, sent.rsts(), sent.toString());
    }

    @Test
    void simultaneousCloseRequestAndShutdown(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("s.pcap");
        try (Server s = new Server("http", 80, pcap)) {
            String out = python(20, HTTP_SERVER_CLOSES, IP, "1");
            assertTrue(out.contains("HTTP 200 body=ok eof=True"), out);
            s.stop();
        }
        Sent sent = sentByStack(pcap);
        assertEquals(1, sent.fins(), sent.toString());
        assertEquals(0, sent.rsts(), sent.toString());
    }

    @Test
    void httpKeepAliveWithCurl() throws Exception {
        try (Server s = new Server("http", 80, null)) {
            Lab.Result r = lab.run(lab.nsB(), 20, "curl", "-s", "--max-time", "10", "http://" + IP + "/a",
                    "http://" + IP + "/b", "http://" + IP + "/c");
            assertEquals(0, r.exitCode(), r.output());
            assertEquals("ok\nok\nok\n", r.output());
            Lab.Result r10 = lab.run(lab.nsB(), 20, "curl", "-s", "-0", "--max-time", "10", "http://" + IP + "/");
            assertEquals("ok\n", r10.output());
            s.stop();
            assertEquals(2, s.counter("TcpPassiveOpens"), "curl reuses one connection for three requests\n"
                    + s.counters);
        }
    }

    @Test
    void lingerZeroAbortFromClient() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(20, LINGER_ZERO, IP);
            assertTrue(out.contains("LINGER (1, 0)"), out);
            String again = python(20, PING_AND_CONNECT, IP);
            assertTrue(again.contains("CONNECTED"), again);
            s.stop();
            assertEquals(2, s.counter("TcpPassiveOpens"), s.counters);
            assertEquals(1, s.counter("TcpEstabResets"), "the client's RST reset the echoing connection\n"
                    + s.counters);
        }
    }

    @Test
    void halfCloseStillEchoesBack() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(20, ECHO_BULK, IP, "300000");
            assertTrue(out.contains("ECHO ok bytes=300000"), out);
            s.stop();
        }
    }

    @Test
    void synToClosedPortIsRefused() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(20, REFUSED, IP, "9");
            assertTrue(out.contains("REFUSED"), out);
            s.stop();
            assertTrue(s.counter("FpNoSocketRst") >= 1, s.counters);
        }
    }

    @Test
    void thousandConnectionsThroughSynCookies() throws Exception {
        try (Server s = new Server("echo", 7, null, "--set", "tcp.syncookies=2")) {
            echoedConnectionsThenStop(s, 1000, 50);
            assertTrue(s.counter("TcpExtSyncookiesSent") >= 1000, s.counters);
            assertTrue(s.counter("TcpExtSyncookiesRecv") >= 1000, s.counters);
            if ("af_xdp".equals(io())) {
                assertEquals(0, s.counter("FpXdpSynAcks"), "xdp.syn_cookies=2 (auto) is off on a native-mode veth");
                assertTrue(s.child.output().contains("xdp.syn_cookies: off on veth-a"), s.child::output);
            }
        }
    }

    @Test
    void synCookiesFromTheEngineWhenTheXdpProgramIsOff() throws Exception {
        try (Server s = new Server("echo", 7, null, "--set", "tcp.syncookies=2", "--set", "xdp.syn_cookies=0")) {
            echoedConnectionsThenStop(s, 200, 50);
            assertTrue(s.counter("TcpExtSyncookiesSent") >= 200, s.counters);
            assertEquals(0, s.counter("FpXdpSynAcks"), s.counters);
        }
    }

    /** n connections from B's kernel, each echoing one byte, must all complete; then the server is stopped. */
    void echoedConnectionsThenStop(Server s, int n, int seconds) throws InterruptedException {
        String out = python(seconds, THOUSAND, IP, Integer.toString(n));
        assertTrue(out.contains("OK " + n + " FAILED 0"), out);
        s.stop();
        assertEquals(n, s.counter("TcpPassiveOpens"), s.counters);
    }

    /** Three ICMP echoes from a raw socket (replies matched by id, sequence and data), then one connect. */
    static final String PING_AND_CONNECT = """
        import socket, struct, sys, time, os
        def csum(b):
            if len(b) % 2: b += b"\\0"
            s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
            s = (s >> 16) + (s & 0xFFFF); s += s >> 16
            return ~s & 0xFFFF
        r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        r.settimeout(2)
        ok = 0
        for i in range(3):
            body = b"fastpath-ping-%03d" % i
            hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4650, i)
            r.sendto(struct.pack("!BBHHH", 8, 0, csum(hdr + body), 0x4650, i) + body, (sys.argv[1], 0))
            deadline = time.time() + 2
            while time.time() < deadline:
                pkt = r.recv(2048)
                ihl = (pkt[0] & 15) * 4
                t, c, ck, ident, seq = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
                if t == 0 and ident == 0x4650 and seq == i and pkt[ihl + 8:] == body and csum(pkt[ihl:]) == 0:
                    ok += 1
                    break
        print("PINGS", ok)
        s = socket.create_connection((sys.argv[1], 7), timeout=5)
        print("CONNECTED")
        s.close()
        """;

    /** Sends N bytes from a thread, then SHUT_WR; reads the echo to EOF; compares SHA-256. */
    static final String ECHO_BULK = """
        import socket, sys, threading, hashlib, os
        n = int(sys.argv[2])
        data = os.urandom(n)
        s = socket.create_connection((sys.argv[1], 7), timeout=10)
        def writer():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        t = threading.Thread(target=writer); t.start()
        got = hashlib.sha256(); total = 0
        while True:
            b = s.recv(65536)
            if not b: break
            got.update(b); total += len(b)
        t.join(10)
        ok = got.digest() == hashlib.sha256(data).digest() and total == n
        print("ECHO", "ok" if ok else "MISMATCH", "bytes=%d" % total)
        s.close()
        """;

    /** Request/response, then the client closes first; its socket must reach TIME_WAIT (our FIN came). */
    static final String CLIENT_CLOSES_FIRST = """
        import socket, sys, subprocess, time
        s = socket.create_connection((sys.argv[1], 7), timeout=5)
        s.sendall(b"hello"); assert s.recv(100) == b"hello"
        port = s.getsockname()[1]
        s.close()
        n = 0
        for _ in range(50):
            out = subprocess.run(["ss", "-Htn", "state", "time-wait", "sport", "= :%d" % port, "and", "dport", "= :7"],
                                 capture_output=True, text=True).stdout
            n = len([l for l in out.splitlines() if l.strip()])
            if n: break
            time.sleep(0.1)
        print("TIME_WAIT", n)
        """;

    /**
     * HTTP/1.1 request with Connection: close; with argv[2] == 1 the client also shuts down its side at once
     * (both FINs in flight). The response must be complete and followed by EOF, and the client must not be
     * the one left in TIME_WAIT when the server closed first.
     */
    static final String HTTP_SERVER_CLOSES = """
        import socket, sys, subprocess, time
        s = socket.create_connection((sys.argv[1], 80), timeout=5)
        s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
        if sys.argv[2] == "1":
            s.shutdown(socket.SHUT_WR)
        resp = b""; eof = False
        while True:
            b = s.recv(4096)
            if not b:
                eof = True; break
            resp += b
        port = s.getsockname()[1]
        time.sleep(0.2)
        s.close()
        time.sleep(0.2)
        # this connection only: an older TIME_WAIT may hold the same local port towards another server port
        out = subprocess.run(["ss", "-Htn", "state", "time-wait", "sport", "= :%d" % port, "and", "dport", "= :80"],
                             capture_output=True, text=True).stdout
        body = "ok" if resp.endswith(b"\\r\\n\\r\\nok\\n") else "BAD"
        print("HTTP", resp.split(b" ")[1].decode(), "body=" + body, "eof=" + str(eof))
        if sys.argv[2] == "0":
            print("CLIENT_TIME_WAIT", len([l for l in out.splitlines() if l.strip()]))
        """;

    /** SO_LINGER {1, 0}: close() sends RST; the server must drop the connection and keep serving. */
    static final String LINGER_ZERO = """
        import socket, struct, sys
        s = socket.create_connection((sys.argv[1], 7), timeout=5)
        s.sendall(b"x" * 1000)
        got = b""
        while len(got) < 1000:
            got += s.recv(4096)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        print("LINGER", struct.unpack("ii", s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))
        s.close()
        """;

    static final String REFUSED = """
        import socket, sys
        try:
            socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
            print("CONNECTED?!")
        except ConnectionRefusedError:
            print("REFUSED")
        """;

    /** N connections in batches of 100: all connect, each echoes one byte, all close. */
    static final String THOUSAND = """
        import socket, sys, time
        n = int(sys.argv[2]); ok = 0; failed = 0
        deadline = time.time() + 40
        while ok + failed < n and time.time() < deadline:
            batch = []
            for _ in range(min(100, n - ok - failed)):
                try:
                    batch.append(socket.create_connection((sys.argv[1], 7), timeout=5))
                except OSError as e:
                    failed += 1; print("connect failed", e)
            for s in batch:
                try:
                    s.sendall(b"k")
                    if s.recv(1) == b"k": ok += 1
                    else: failed += 1
                except OSError as e:
                    failed += 1; print("echo failed", e)
                s.close()
        print("OK", ok, "FAILED", failed)
        """;
}
