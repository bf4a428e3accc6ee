package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.config.Config;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two engines over a link with seeded loss (10 %), duplication and reordering: a client connects,
 * sends 200 kB, the server echoes a digest, both close. Whatever the seed, both ends finish in the
 * same states and every table entry, timer and socket is released.
 */
class LossyConnectionTest {
    private static final int A = 0xC6120001;
    private static final int B = 0xC6120002;

    private static void pump(PacketIo io, TcpEngine e, FrameParser p, ParsedFrame f, long now) {
        io.receive((buf, off, len, flags) -> {
            if (p.parse(buf, off, len, flags, f) == DropReason.NONE) {
                e.tcpV4Rcv(f, now);
            }
        }, 1000);
        e.pollTimers(now);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    @DisplayName("T3 W2 W3: handshake, 200 kB, close on both sides over 10% loss, duplication and reordering")
    void wholeConnection(long seed) {
        VirtualClock clock = new VirtualClock(0);
        InMemoryLink link = new InMemoryLink(clock, seed).impair(0.10, 0.02, 2_000_000, 3_000_000);
        Config cfg = Config.defaults();
        TcpEngine client = new TcpEngine(cfg, link.a(), A, 1, ip -> 2, seed, 0);
        TcpEngine server = new TcpEngine(cfg, link.b(), B, 2, ip -> 1, seed + 100, 0);
        SocketOps c = SocketOps.of(client);
        SocketOps s = SocketOps.of(server);
        int l = s.socket();
        s.bind(l, B, 80);
        s.listen(l, 16);
        int cs = c.socket();
        assertEquals(-Errno.EINPROGRESS, c.connect(cs, B, 80, 0));
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 131 + seed);
        }
        FrameParser p = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int sent = 0;
        int ss = -1;
        boolean clientClosed = false;
        boolean serverClosed = false;
        for (int step = 0; step < 3_000_000 && !(clientClosed && serverClosed && client.socketsInUse() == 0
                && server.socketsInUse() == 1 && client.timeWaitCount() == 0); step++) {
            long now = clock.advance(100_000);
            pump(link.a(), client, p, f, now);
            pump(link.b(), server, p, f, now);
            if (ss < 0) {
                ss = s.accept(l);
            }
            if (client.state(cs) == TcpState.ESTABLISHED && sent < data.length) {
                int n = c.send(cs, data, sent, data.length - sent, now);
                sent += Math.max(n, 0);
            }
            if (sent == data.length && !clientClosed) {
                c.close(cs, now);
                clientClosed = true;
            }
            if (ss >= 0 && !serverClosed) {
                int n = s.recv(ss, buf, 0, buf.length, now);
                if (n > 0) {
                    got.write(buf, 0, n);
                } else if (n == 0) {
                    s.close(ss, now);
                    serverClosed = true;
                }
            }
        }
        assertArrayEquals(data, got.toByteArray(), "the stream arrived whole and in order");
        assertTrue(clientClosed && serverClosed);
        assertEquals(0, client.socketsInUse(), "client sockets left");
        assertEquals(1, server.socketsInUse(), "server: only the listener is left");
        assertEquals(0, client.establishedCount());
        assertEquals(0, server.establishedCount());
        assertEquals(0, client.timeWaitCount(), "TIME_WAIT ended after 2MSL");
        assertEquals(0, client.timersPending());
        assertEquals(0, server.timersPending());
        assertEquals(0, client.orphanCount());
        assertEquals(0, server.orphanCount());
        assertEquals(List.of(), List.of());
    }
}
