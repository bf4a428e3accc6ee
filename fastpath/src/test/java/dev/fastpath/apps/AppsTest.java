package dev.fastpath.apps;

import dev.fastpath.iface.InterfaceConfig;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.iface.IpStack;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.poll.StackWorker;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The demo servers on a {@link StackWorker} over the in-memory link, with a second engine as the client and
 * virtual time: echo byte for byte (with a full send queue on the way), discard, and HTTP keep-alive rules.
 */
class AppsTest {
    private static final int SERVER = 0xC6120001;
    private static final int CLIENT = 0xC6120002;
    private static final long SERVER_MAC = 0x0200C6120001L;
    private static final long CLIENT_MAC = 0x0200C6120002L;

    private final VirtualClock clock = new VirtualClock(1_000_000_000_000L);
    private final InMemoryLink link = new InMemoryLink(clock, 1);
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame frame = new ParsedFrame();
    private StackWorker worker;
    private TcpEngine client;
    private SocketOps ops;

    private void start(AppKind kind, int port) {
        Config config = Config.defaults().withOverrides(List.of("stack.max_connections=64"));
        worker = StackWorker.single(new StackWorker.Spec(0, config, List.of(), port, -1, null, 0, System.out, 5),
                InterfaceConfig.of("a", link.a(), SERVER_MAC, IpCidr.v4(SERVER, 24), ChecksumPolicy.STRICT),
                kind.create(config), clock::nowNs);
        worker.neighbours().addStatic(CLIENT, CLIENT_MAC);
        worker.onStart();
        client = new TcpEngine(config, IpStack.pointToPoint(link.b(), CLIENT, CLIENT_MAC, SERVER_MAC), 9,
                clock.nowNs());
        ops = SocketOps.of(client);
    }

    /** One step of both sides, 100 µs of virtual time. */
    private void step() {
        clock.advance(100_000);
        worker.doWork();
        link.b().receive((buf, off, len, flags) -> {
            if (parser.parse(buf, off, len, flags, frame) == DropReason.NONE && frame.kind() == ParsedFrame.Kind.TCP) {
                client.tcpV4Rcv(frame.tcpSegment(), clock.nowNs());
            }
        }, 1000);
        client.pollTimers(clock.nowNs());
    }

    private int connect(int port) {
        int fd = ops.socket();
        assertEquals(-Errno.EINPROGRESS, ops.connect(fd, SERVER, port, clock.nowNs()));
        for (int i = 0; i < 100 && client.state(fd) != 1; i++) {
            step();
        }
        assertEquals(1, client.state(fd), "ESTABLISHED");
        return fd;
    }

    /** Writes everything (as the send queue allows) and reads until EOF or {@code expect} bytes and quiet. */
    private byte[] exchange(int fd, byte[] out, boolean shutWrite, int maxSteps) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int sent = 0;
        boolean shut = false;
        for (int i = 0; i < maxSteps; i++) {
            if (sent < out.length) {
                int w = ops.send(fd, out, sent, out.length - sent, clock.nowNs());
                sent += Math.max(w, 0);
            } else if (shutWrite && !shut) {
                assertEquals(0, ops.shutdown(fd, SocketConstants.SHUT_WR, clock.nowNs()));
                shut = true;
            }
            step();
            int n;
            while ((n = ops.recv(fd, buf, 0, buf.length, clock.nowNs())) > 0) {
                in.write(buf, 0, n);
            }
            if (n == 0) {
                return in.toByteArray();
            }
        }
        return in.toByteArray();
    }

    @Test
    void echoReturnsEveryByteThenClosesAfterOurFin() {
        start(AppKind.ECHO, 7);
        int fd = connect(7);
        byte[] data = new byte[300_000];
        new SplittableRandom(3).nextBytes(data);
        byte[] back = exchange(fd, data, true, 20_000);
        assertArrayEquals(data, back, "echo is byte-exact and ends with the server's FIN");
        assertEquals(0, ops.recv(fd, new byte[1], 0, 1, clock.nowNs()));
        for (int i = 0; i < 50; i++) {
            step();
        }
        assertEquals(0, worker.app().openConnections());
    }

    @Test
    void discardReadsAndCloses() {
        start(AppKind.DISCARD, 9);
        int fd = connect(9);
        byte[] back = exchange(fd, new byte[100_000], true, 20_000);
        assertEquals(0, back.length);
        assertEquals(100_000, ((DiscardApp) worker.app()).discardedBytes());
    }

    private static String http(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void httpPipelinedKeepAliveThenCloseRequest() {
        start(AppKind.HTTP, 80);
        int fd = connect(80);
        byte[] req = ("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b HTTP/1.1\r\nContent-Length: 20\r\n\r\nGET /x HTTP/1.1\r\n\r\n\r\n"
                + "GET /c HTTP/1.1\r\nCONNECTION: Close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        String resp = http(exchange(fd, req, false, 2_000));
        assertEquals(3, count(resp, "HTTP/1.1 200 OK"), resp);
        assertEquals(2, count(resp, "Connection: keep-alive"), resp);
        assertTrue(resp.endsWith("Connection: close\r\n\r\nok\n"), resp);
        assertEquals(3, ((HttpApp) worker.app()).requests());
    }

    @Test
    void http10ClosesUnlessKeepAlive() {
        start(AppKind.HTTP, 80);
        int fd = connect(80);
        byte[] req = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        String resp = http(exchange(fd, req, false, 2_000));
        assertEquals(2, count(resp, "200 OK"), resp);
        assertTrue(resp.contains("Connection: keep-alive"), resp);
        assertTrue(resp.endsWith("Connection: close\r\n\r\nok\n"), "the server closed after the 1.0 request");
    }

    @Test
    void httpKeepsConnectionOpenWithoutCloseRequest() {
        start(AppKind.HTTP, 80);
        int fd = connect(80);
        byte[] req = ("GET /" + "x".repeat(500) + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        String resp = http(exchange(fd, req, false, 200));
        assertEquals(1, count(resp, "200 OK"), resp);
        assertEquals(1, worker.app().openConnections(), "HTTP/1.1 persists");
        assertEquals(-Errno.EAGAIN, ops.recv(fd, new byte[1], 0, 1, clock.nowNs()));
    }
}
