package dev.fastpath.bench.engine;

import dev.fastpath.iface.IpStack;
import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpStat;
import dev.fastpath.tcp.TcpState;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk data through one established connection between two engines, steady state: each operation
 * is one 64 KiB chunk written by the client and read by the server, frames pumped both ways (data
 * one way, ACKs the other) until the last byte is read. Both engines' work is measured: send
 * (segmentation, checksums), receive (parse, checksum verification, queueing, ACKs), recv copy, and
 * ACK processing on the sender. Bytes per second = 65 536 / time per operation.
 *
 * <p>{@code link=loopback} joins the engines with {@link LoopbackPair} (no allocation, no delay), so
 * the figure is the engines' own; {@code link=inMemoryLink} uses the test link, which allocates a
 * byte[] and a queue entry per frame (and boxes TX offsets), to show what that costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BulkTransferBenchmark {
    /** Bytes per operation. */
    public static final int CHUNK = 64 * 1024;
    private static final int CLIENT = 0xC6120002;
    private static final int SERVER = 0xC6120001;
    private static final long STEP_NS = 1_000;
    private static final long IDLE_STEP_NS = 1_000_000;

    /** Which PacketIo pair joins the engines. */
    @Param({"loopback", "inMemoryLink"})
    public String link;

    private final VirtualClock clock = new VirtualClock(1_000_000_000L);
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame frame = new ParsedFrame();
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] readBuf = new byte[CHUNK];
    private PacketIo ioA;
    private PacketIo ioB;
    private LoopbackPair loopback;
    private TcpEngine client;
    private TcpEngine server;
    private SocketOps cOps;
    private SocketOps sOps;
    private int cfd;
    private int sfd = -1;
    private int listener;
    private long now;
    // Created once: a lambda per receive() call would allocate and spoil the B/op figure.
    private PacketIo.RxHandler toClient;
    private PacketIo.RxHandler toServer;
    private long chunks;
    private long bytesRead;
    private long badReads;
    private long idleSteps;

    /** Two engines, connected and warmed up past slow start. */
    @Setup(Level.Trial)
    public void setup() {
        if ("loopback".equals(link)) {
            loopback = new LoopbackPair(4096);
            ioA = loopback.a;
            ioB = loopback.b;
        } else {
            InMemoryLink l = new InMemoryLink(clock, 1);
            ioA = l.a();
            ioB = l.b();
        }
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        Config cfg = Config.defaults().withOverrides(List.of("tcp.rmem_default=1048576", "tcp.wmem_default=1048576"));
        now = clock.nowNs();
        client = new TcpEngine(cfg, IpStack.pointToPoint(ioA, CLIENT, 2, 1), 5, now);
        server = new TcpEngine(cfg, IpStack.pointToPoint(ioB, SERVER, 1, 2), 6, now);
        cOps = SocketOps.of(client);
        sOps = SocketOps.of(server);
        toClient = this::clientFrame;
        toServer = this::serverFrame;
        listener = sOps.socket();
        sOps.bind(listener, SERVER, 5001);
        sOps.listen(listener, 4);
        cfd = cOps.socket();
        if (cOps.connect(cfd, SERVER, 5001, now) != -Errno.EINPROGRESS) {
            throw new IllegalStateException("connect failed");
        }
        for (int i = 0; i < 100 && (sfd < 0 || client.state(cfd) != TcpState.ESTABLISHED); i++) {
            pump();
            sfd = sfd < 0 ? sOps.accept(listener) : sfd;
        }
        if (sfd < 0) {
            throw new IllegalStateException("no connection: client " + TcpState.name(client.state(cfd)));
        }
        for (int i = 0; i < 200; i++) {
            transferChunk();
        }
        chunks = 0;
        bytesRead = 0;
    }

    private void clientFrame(MemorySegment buf, long off, int len, int flags) {
        if (parser.parse(buf, off, len, flags, frame) == DropReason.NONE) {
            client.tcpV4Rcv(frame.tcpSegment(), now);
        }
    }

    private void serverFrame(MemorySegment buf, long off, int len, int flags) {
        if (parser.parse(buf, off, len, flags, frame) == DropReason.NONE) {
            server.tcpV4Rcv(frame.tcpSegment(), now);
        }
    }

    /** @return frames moved */
    private int pump() {
        int moved = ioB.receive(toServer, 256);
        server.pollTimers(now);
        moved += ioA.receive(toClient, 256);
        client.pollTimers(now);
        // Time passes a little per round, more when nothing moved so that a delayed ACK may fire.
        now = clock.advance(moved == 0 ? IDLE_STEP_NS : STEP_NS);
        if (moved == 0) {
            idleSteps++;
        }
        return moved;
    }

    /** @return bytes the server read: one chunk */
    @Benchmark
    public int transferChunk() {
        int sent = 0;
        int got = 0;
        while (got < CHUNK) {
            if (sent < CHUNK) {
                int n = cOps.send(cfd, chunk, sent, CHUNK - sent, now);
                sent += Math.max(n, 0);
            }
            pump();
            int n;
            while ((n = sOps.recv(sfd, readBuf, 0, CHUNK - got, now)) > 0) {
                // Spot-check the stream: the first and last byte of every read must be where they belong.
                if (readBuf[0] != chunk[got] || readBuf[n - 1] != chunk[got + n - 1]) {
                    badReads++;
                }
                got += n;
            }
        }
        chunks++;
        bytesRead += got;
        return got;
    }

    /** A benchmark that measured failures would lie: every chunk must have arrived intact, nothing resent. */
    @TearDown(Level.Iteration)
    public void check() {
        long retrans = client.counters().get(TcpStat.TcpRetransSegs);
        long drops = loopback == null ? 0 : loopback.a.drops + loopback.b.drops;
        if (chunks == 0 || bytesRead != chunks * CHUNK || badReads != 0 || drops != 0 || retrans != 0
                || client.state(cfd) != TcpState.ESTABLISHED) {
            throw new IllegalStateException("transfer broken: " + chunks + " chunks, " + bytesRead + " bytes, "
                    + badReads + " bad reads, " + drops + " ring drops, " + retrans + " retransmissions, client "
                    + TcpState.name(client.state(cfd)) + ", idle steps " + idleSteps);
        }
    }
}
