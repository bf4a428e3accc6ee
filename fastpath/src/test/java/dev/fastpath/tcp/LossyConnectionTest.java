package dev.fastpath.tcp;

import dev.fastpath.iface.IpStack;
import static dev.fastpath.uapi.SocketConstants.SHUT_WR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two engines over a link with seeded loss (10 %), duplication and reordering. The client connects
 * and sends 100 kB; the server sends 50 kB back; then the connection ends in one of the teardown
 * variants. Whatever the seed, both streams arrive whole, both ends finish closed, and every table
 * entry, TIME_WAIT record, timer, orphan and socket is released.
 */
class LossyConnectionTest {
    private static final int A = 0xC6120001;
    private static final int B = 0xC6120002;
    private static final long STEP_NS = 100_000;

    enum Teardown {
        /** F4 then F7/F13: the client closes first and ends in TIME_WAIT. */
        CLIENT_FIRST,
        /** The server closes first; the client reads EOF, then closes. */
        SERVER_FIRST,
        /** F14: both close at once; FINs cross, both may pass through CLOSING. */
        SIMULTANEOUS,
        /** F8 W2: the client shuts down writing and keeps reading what the server still sends. */
        HALF_CLOSE
    }

    static Stream<Arguments> cases() {
        return Stream.of(Teardown.values()).flatMap(t -> Stream.of(1L, 2L, 3L, 4L, 5L).map(s -> Arguments.of(t, s)));
    }

    /** One side: its engine, its socket, and its two stream directions. */
    private static final class End {
        final TcpEngine engine;
        final SocketOps ops;
        final byte[] out;
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        int fd = -1;
        int sent;
        boolean eof;
        boolean closed;
        boolean shut;

        End(TcpEngine engine, byte[] out) {
            this.engine = engine;
            this.ops = SocketOps.of(engine);
            this.out = out;
        }

        void pump(PacketIo io, FrameParser p, ParsedFrame f, long now) {
            io.receive((buf, off, len, flags) -> {
                if (p.parse(buf, off, len, flags, f) == DropReason.NONE) {
                    engine.tcpV4Rcv(f.tcpSegment(), now);
                }
            }, 1000);
            engine.pollTimers(now);
        }

        void write(long now) {
            int st = fd < 0 ? TcpState.CLOSE : engine.state(fd);
            if (!closed && !shut && sent < out.length && (st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT)) {
                int n = ops.send(fd, out, sent, out.length - sent, now);
                sent += Math.max(n, 0);
            }
        }

        void read(byte[] buf, long now) {
            if (fd < 0 || closed || eof) {
                return;
            }
            int n;
            while ((n = ops.recv(fd, buf, 0, buf.length, now)) > 0) {
                in.write(buf, 0, n);
            }
            if (n == 0) {
                eof = true;
            } else if (n != -Errno.EAGAIN) {
                throw new AssertionError("read failed: " + Errno.name(-n));
            }
        }

        boolean allSent() {
            return sent == out.length;
        }

        void close(long now) {
            if (!closed) {
                ops.close(fd, now);
                closed = true;
            }
        }
    }

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 131 + seed);
        }
        return b;
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @DisplayName("lost SYNs, SYN-ACKs, third ACKs and FINs; every teardown ends clean over 10 % loss")
    @MethodSource("cases")
    void teardownOverALossyLink(Teardown how, long seed) {
        VirtualClock clock = new VirtualClock(0);
        InMemoryLink link = new InMemoryLink(clock, seed).impair(0.10, 0.02, 2_000_000, 3_000_000);
        Config cfg = Config.defaults();
        End c = new End(new TcpEngine(cfg, IpStack.pointToPoint(link.a(), A, 1, 2), seed, 0),
                pattern(100_000, seed));
        End s = new End(new TcpEngine(cfg, IpStack.pointToPoint(link.b(), B, 2, 1), seed + 100, 0),
                pattern(50_000, seed + 7));
        int l = s.ops.socket();
        s.ops.bind(l, B, 80);
        s.ops.listen(l, 16);
        c.fd = c.ops.socket();
        assertEquals(-Errno.EINPROGRESS, c.ops.connect(c.fd, B, 80, 0));
        FrameParser p = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        byte[] buf = new byte[65536];
        for (int step = 0; step < 5_000_000 && !finished(c, s); step++) {
            long now = clock.advance(STEP_NS);
            c.pump(link.a(), p, f, now);
            s.pump(link.b(), p, f, now);
            if (s.fd < 0) {
                s.fd = s.ops.accept(l);
            }
            c.write(now);
            s.write(now);
            c.read(buf, now);
            s.read(buf, now);
            drive(how, c, s, now);
        }
        assertArrayEquals(c.out, s.in.toByteArray(), () -> "client → server stream whole and in order; "
                + describe(c.engine, c.fd) + " | " + describe(s.engine, s.fd));
        assertArrayEquals(s.out, c.in.toByteArray(), "server → client stream whole and in order");
        assertTrue(finished(c, s), how + ": did not finish; client " + TcpState.name(c.engine.state(c.fd))
                + ", server " + TcpState.name(s.engine.state(s.fd)) + "; " + describe(c.engine, c.fd) + " | "
                + describe(s.engine, s.fd));
        for (TcpEngine e : new TcpEngine[] {c.engine, s.engine}) {
            assertEquals(0, e.establishedCount(), "table entries left");
            assertEquals(0, e.timeWaitCount(), "TIME_WAIT records left after 2MSL");
            assertEquals(0, e.orphanCount(), "orphans left");
            assertEquals(0, e.timersPending(), "timers left");
        }
        assertEquals(0, c.engine.socketsInUse(), "client sockets left");
        assertEquals(1, s.engine.socketsInUse(), "server: only the listener is left");
    }

    static String describe(TcpEngine e, int fd) {
        TcpSock x = fd < 0 ? null : e.sock(fd);
        if (x == null || x.sendQueue == null) {
            return "gone";
        }
        return TcpState.name(x.state) + " una=" + (x.sndUna - x.iss) + " nxt=" + (x.sndNxt - x.iss)
                + " cwnd=" + x.sndCwnd + " wnd=" + x.sndWnd + " queued=" + x.sendQueue.size()
                + " rtoTimer=" + e.timers.pending(x.rtoTimer) + " pending=" + x.snd.pending + " probe="
                + e.timers.pending(x.probeTimer) + " retr=" + x.retransmits + " rcv=" + (x.rcvNxt - x.irs) + " ofo="
                + x.ofo.count() + " free=" + x.recvQueue.free() + " adv=" + x.advertisedWnd + " rcvq="
                + x.recvQueue.size();
    }

    /** The application logic of each variant, run once per step. */
    private static void drive(Teardown how, End c, End s, long now) {
        switch (how) {
            case CLIENT_FIRST -> {
                if (c.allSent() && s.in.size() == c.out.length && c.in.size() == s.out.length) {
                    c.close(now);
                }
                if (s.eof) {
                    s.close(now);
                }
            }
            case SERVER_FIRST -> {
                if (s.allSent() && s.in.size() == c.out.length && c.in.size() == s.out.length) {
                    s.close(now);
                }
                if (c.eof) {
                    c.close(now);
                }
            }
            case SIMULTANEOUS -> {
                if (s.fd >= 0 && s.in.size() == c.out.length && c.in.size() == s.out.length) {
                    c.close(now);
                    s.close(now);
                }
            }
            case HALF_CLOSE -> {
                if (c.allSent() && !c.shut && c.fd >= 0 && c.engine.state(c.fd) == TcpState.ESTABLISHED) {
                    c.ops.shutdown(c.fd, SHUT_WR, now);
                    c.shut = true;
                }
                if (s.eof && s.allSent()) {
                    s.close(now);
                }
                if (c.eof) {
                    c.close(now);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private static boolean finished(End c, End s) {
        return c.closed && s.closed && c.engine.socketsInUse() == 0 && s.engine.socketsInUse() == 1
                && c.engine.timeWaitCount() == 0 && s.engine.timeWaitCount() == 0;
    }
}
