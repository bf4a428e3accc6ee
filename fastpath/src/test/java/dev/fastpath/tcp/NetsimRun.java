package dev.fastpath.tcp;

import dev.fastpath.iface.IpStack;
import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs one cell of the network simulation: a client engine connects to a server engine over an
 * {@link InMemoryLink}, writes the cell's bytes, closes; the server reads until EOF, checks every
 * byte against what was sent, and closes. Everything runs on a {@link VirtualClock}.
 *
 * <p>Time moves on a fixed grid of {@link #STEP_NS}. Stepping through every grid point would spend
 * most of the real time on idle steps (a 200 ms RTO is 2000 of them), so the loop jumps straight to
 * the grid point at or after the next frame delivery or timer deadline. Jumping to a grid point
 * where nothing happens in between is the same as stepping through it, so the results do not depend
 * on whether skipping is on ({@code skipIdle=false} steps through every point, for checking that).
 */
final class NetsimRun {
    static final long STEP_NS = 100_000;
    /** A cell that has not finished after this much virtual time (3 h; 30 % loss needs about 45 min) is stuck. */
    static final long LIMIT_NS = 10_800_000_000_000L;
    private static final int CLIENT_IP = 0xC6120001;
    private static final int SERVER_IP = 0xC6120002;
    private static final int PORT = 5001;
    private static final Field DEADLINE;
    private static final Field SLOT_OF;
    private static final Field USED;

    static {
        Field d = null;
        Field s = null;
        Field u = null;
        try {
            d = TimerWheel.class.getDeclaredField("deadline");
            s = TimerWheel.class.getDeclaredField("slotOf");
            u = TimerWheel.class.getDeclaredField("used");
            d.setAccessible(true);
            s.setAccessible(true);
            u.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // The wheel changed shape: fall back to stepping through every grid point (slower, same results).
            d = null;
        }
        DEADLINE = d;
        SLOT_OF = s;
        USED = u;
    }

    /**
     * The engine gave up on the connection (tcp_retries2 exhausted: ETIMEDOUT). Correct behaviour under
     * extreme loss, but not a finished transfer.
     */
    static final class Aborted extends AssertionError {
        private static final long serialVersionUID = 1L;

        Aborted(String message) {
            super(message);
        }
    }

    private final NetsimCell cell;
    private final long seed;
    private final boolean skipIdle;
    private final VirtualClock clock = new VirtualClock(0);
    private final InMemoryLink link;
    private final TcpEngine client;
    private final TcpEngine server;
    private final SocketOps cOps;
    private final SocketOps sOps;
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame frame = new ParsedFrame();
    private final byte[] data;
    private final byte[] readBuf = new byte[65_536];
    private int listener;
    private int cfd;
    private int sfd = -1;
    private int sent;
    private int received;
    private boolean clientClosed;
    private boolean serverClosed;
    private long lastReadNs;

    /**
     * @param cell     the cell
     * @param seed     seeds the link, both engines and the payload
     * @param skipIdle whether to jump over idle grid points
     */
    NetsimRun(NetsimCell cell, long seed, boolean skipIdle) {
        this.cell = cell;
        this.seed = seed;
        this.skipIdle = skipIdle && DEADLINE != null;
        this.link = new InMemoryLink(clock, seed).impair(cell.lossPct() / 100.0, cell.dupPct() / 100.0,
                NetsimCell.DELAY_NS, cell.jitterNs());
        Config cfg = Config.defaults().withOverrides(List.of("tcp.rmem_default=" + cell.bufBytes(),
                "tcp.wmem_default=" + cell.bufBytes(), "tcp.congestion_control=" + cell.ccKnob()));
        this.client = new TcpEngine(cfg, IpStack.pointToPoint(link.a(), CLIENT_IP, 1, 2), seed, 0);
        this.server = new TcpEngine(cfg, IpStack.pointToPoint(link.b(), SERVER_IP, 2, 1), seed + 1, 0);
        this.cOps = SocketOps.of(client);
        this.sOps = SocketOps.of(server);
        this.data = new byte[cell.bytes()];
        new SplittableRandom(seed ^ 0x5DEECE66DL).nextBytes(data);
    }

    /**
     * @return what the cell measured
     * @throws AssertionError if the stream arrived altered or the connection did not finish in time
     */
    NetsimResult run() {
        long realStart = System.nanoTime();
        listener = sOps.socket();
        sOps.bind(listener, SERVER_IP, PORT);
        sOps.listen(listener, 4);
        cfd = cOps.socket();
        int rc = cOps.connect(cfd, SERVER_IP, PORT, 0);
        if (rc != -Errno.EINPROGRESS) {
            throw new AssertionError(cell.key() + ": connect returned " + Errno.name(-rc));
        }
        long steps = 0;
        long now = 0;
        while (true) {
            if (now > LIMIT_NS) {
                throw new AssertionError(cell.key() + " seed " + seed + ": stuck after " + now / 1_000_000
                        + " ms virtual; sent " + sent + ", received " + received + " of " + data.length
                        + "; client " + describe(client, cfd, clientClosed) + " | server "
                        + describe(server, sfd, serverClosed) + " | link in flight " + link.inFlight()
                        + "\nclient counters " + counters(client) + "\nserver counters " + counters(server));
            }
            step(now);
            steps++;
            if (client.counters().get(TcpStat.TcpExtTCPAbortOnTimeout) != 0) {
                // The orphaned (closed) client gave up; the server will wait forever, as on Linux.
                throw new Aborted(cell.key() + " seed " + seed + ": the closed client's connection timed out at "
                        + now / 1_000_000 + " ms virtual, " + received + " of " + data.length + " bytes read; server "
                        + describe(server, sfd, serverClosed));
            }
            if (finished()) {
                break;
            }
            now = clock.advance(nextStep(now) - now);
        }
        long retrans = client.counters().get(TcpStat.TcpRetransSegs) + server.counters().get(TcpStat.TcpRetransSegs);
        long fast = client.counters().get(TcpStat.TcpExtTCPFastRetrans)
                + server.counters().get(TcpStat.TcpExtTCPFastRetrans);
        long rto = client.counters().get(TcpStat.TcpExtTCPTimeouts) + server.counters().get(TcpStat.TcpExtTCPTimeouts);
        long goodput = (long) (data.length * 1e9 / lastReadNs);
        return new NetsimResult(cell, goodput, retrans, fast, rto, lastReadNs, now, steps,
                (System.nanoTime() - realStart) / 1_000_000);
    }

    /** Both engines take in what has arrived and fire due timers, then both applications act. */
    private void step(long now) {
        pump(client, link.a(), now);
        pump(server, link.b(), now);
        if (sfd < 0) {
            sfd = sOps.accept(listener);
        }
        clientWrite(now);
        serverRead(now);
    }

    private void pump(TcpEngine e, InMemoryLink.Endpoint io, long now) {
        io.receive((buf, off, len, flags) -> {
            if (parser.parse(buf, off, len, flags, frame) == DropReason.NONE) {
                e.tcpV4Rcv(frame.tcpSegment(), now);
            }
        }, 1000);
        e.pollTimers(now);
    }

    private void clientWrite(long now) {
        if (clientClosed) {
            return;
        }
        int st = client.state(cfd);
        if (st == TcpState.CLOSE) { // connect() came before the first step: CLOSE now means the engine gave up
            int err = client.takeError(cfd);
            throw new Aborted(cell.key() + " seed " + seed + ": the client's connection was aborted ("
                    + Errno.name(err) + ") at " + now / 1_000_000 + " ms virtual after " + sent + " bytes written, "
                    + received + " read; client counters " + counters(client));
        }
        if (sent < data.length && st == TcpState.ESTABLISHED) {
            int n = cOps.send(cfd, data, sent, data.length - sent, now);
            if (n < 0 && n != -Errno.EAGAIN) {
                throw new AssertionError(cell.key() + ": send failed: " + Errno.name(-n));
            }
            sent += Math.max(n, 0);
        }
        if (sent == data.length) {
            // close() with data still queued sends it all, then the FIN: the kernel's graceful close.
            cOps.close(cfd, now);
            clientClosed = true;
        }
    }

    private void serverRead(long now) {
        if (sfd < 0 || serverClosed) {
            return;
        }
        int n;
        while ((n = sOps.recv(sfd, readBuf, 0, readBuf.length, now)) > 0) {
            if (received + n > data.length
                    || Arrays.mismatch(readBuf, 0, n, data, received, received + n) >= 0) {
                int at = received + Math.max(0, Arrays.mismatch(readBuf, 0, n, data, received,
                        Math.min(received + n, data.length)));
                throw new AssertionError(cell.key() + " seed " + seed + ": stream differs at byte " + at
                        + " (read " + n + " at " + received + " of " + data.length + ")");
            }
            received += n;
            lastReadNs = now;
        }
        if (n == 0) {
            if (received != data.length) {
                throw new AssertionError(cell.key() + " seed " + seed + ": EOF after " + received + " of "
                        + data.length + " bytes");
            }
            sOps.close(sfd, now);
            serverClosed = true;
        } else if (n != -Errno.EAGAIN) {
            throw new AssertionError(cell.key() + ": recv failed: " + Errno.name(-n));
        }
    }

    /** Both applications closed, and both engines freed their connection sockets (TIME_WAIT may remain). */
    private boolean finished() {
        return clientClosed && serverClosed && client.socketsInUse() == 0 && server.socketsInUse() == 1;
    }

    /** @return the grid point at or after the next delivery or deadline, at least one step on */
    private long nextStep(long now) {
        long next = now + STEP_NS;
        if (!skipIdle) {
            return next;
        }
        long due = Math.min(link.nextDeliveryNs(), Math.min(nextDeadline(client.timers), nextDeadline(server.timers)));
        if (due <= next) {
            return next;
        }
        return due == Long.MAX_VALUE ? next : (due + STEP_NS - 1) / STEP_NS * STEP_NS;
    }

    /** @return the earliest deadline among the wheel's pending timers, or Long.MAX_VALUE */
    private static long nextDeadline(TimerWheel wheel) {
        try {
            long[] deadline = (long[]) DEADLINE.get(wheel);
            int[] slotOf = (int[]) SLOT_OF.get(wheel);
            int used = USED.getInt(wheel);
            long min = Long.MAX_VALUE;
            for (int i = 0; i < used; i++) {
                if (slotOf[i] >= 0) {
                    min = Math.min(min, deadline[i]);
                }
            }
            return min;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the engine's non-zero counters */
    static String counters(TcpEngine e) {
        StringBuilder b = new StringBuilder();
        for (TcpStat st : TcpStat.values()) {
            if (e.counters().get(st) != 0) {
                b.append(st.name()).append('=').append(e.counters().get(st)).append(' ');
            }
        }
        return b.toString();
    }

    /** @return a socket's state for a failure message */
    static String describe(TcpEngine e, int fd, boolean appClosed) {
        TcpSock x = fd < 0 ? null : e.sock(fd);
        if (x == null || x.sendQueue == null) {
            return "gone (app closed " + appClosed + ", sockets " + e.socketsInUse() + ", orphans "
                    + e.orphanCount() + ", timers " + e.timersPending() + ")";
        }
        return TcpState.name(x.state) + " appClosed=" + appClosed + " una=" + (x.sndUna - x.iss) + " nxt="
                + (x.sndNxt - x.iss) + " cwnd=" + x.sndCwnd + " ssthresh=" + x.ssthresh
                + " wnd=" + x.sndWnd + " queued=" + x.sendQueue.size() + " rto=" + x.rtoNs / 1_000_000 + "ms backoff="
                + x.backoff + " rtoTimer=" + e.timers.pending(x.rtoTimer) + " probe=" + e.timers.pending(x.probeTimer)
                + " retr=" + x.retransmits + " rcv=" + (x.rcvNxt - x.irs) + " ofo=" + x.ofo.count() + " free="
                + x.recvQueue.free() + " adv=" + x.advertisedWnd + " rcvq=" + x.recvQueue.size() + " timers="
                + e.timersPending();
    }
}
