package dev.fastpath.bench.engine;

import dev.fastpath.tcp.TcpStat;
import dev.fastpath.tcp.cookie.IsnGenerator;
import dev.fastpath.tcp.cookie.RandomSource;
import dev.fastpath.tcp.cookie.SynCookies;
import dev.fastpath.wire.TcpHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SYN-flood path: a SYN (built and parsed) through the engine to a cookie SYN-ACK
 * (tcp_syncookies=2, so no state), and the cookie check alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SynCookieBenchmark {
    private EngineRig rig;
    private SynCookies cookies;
    private int port;
    private int cookie;
    private IsnGenerator isns;
    /** 64 Ki SYNs with distinct source ports and addresses' worth of 4-tuples, built once like an RX ring. */
    private static final int RING = 1 << 16;
    private MemorySegment ring;
    private int[] lengths;
    private int next;
    private long syns;
    private long framesBefore;
    private long synAcksBefore;
    private long cookiesBefore;
    private long checks;
    private long checksAt1460;
    private long isnCalls;

    /** Builds the engine and one valid cookie. */
    @Setup
    public void setup() {
        rig = new EngineRig(List.of("tcp.syncookies=2", "tcp.timestamps=0"), 128);
        cookies = new SynCookies(RandomSource.seeded(3));
        isns = new IsnGenerator(RandomSource.seeded(4));
        cookie = cookies.cookieV4InitSequence(EngineRig.CLIENT, EngineRig.SERVER, 40000, 80, 1000, 3, 0);
        ring = Arena.ofAuto().allocate(RING * 128L, 64);
        lengths = new int[RING];
        for (int i = 0; i < RING; i++) {
            lengths[i] = rig.build(ring, i * 128L, 1024 + i % 64000, i * 7919, 0, TcpHeader.SYN);
        }
    }

    /**
     * The server's own work per SYN: parse (checksums verified) a SYN already in memory, the cookie,
     * and the SYN-ACK written into the TX frame with its checksums. Client-side building is excluded.
     *
     * @return the SYN-ACK's sequence number (the cookie)
     */
    @Benchmark
    public int prebuiltSynToCookieSynAck() {
        int i = next;
        next = (i + 1) & (RING - 1);
        rig.deliverPrebuilt(ring, i * 128L, lengths[i]);
        syns++;
        return rig.lastSeq;
    }

    /** @return the SYN-ACK's sequence number (the cookie) */
    @Benchmark
    public int synToCookieSynAck() {
        port = port == 65535 ? 1024 : port + 1;
        rig.deliver(port, port * 7919, 0, TcpHeader.SYN);
        syns++;
        return rig.lastSeq;
    }

    /**
     * An RFC 6528 initial sequence number: keyed SipHash of the 4-tuple plus the 4 µs clock.
     *
     * @return the ISN
     */
    @Benchmark
    public int isn() {
        port = port == 65535 ? 1024 : port + 1;
        isnCalls++;
        return isns.isn(EngineRig.SERVER, EngineRig.CLIENT, 80, port, rig.nowNs + port);
    }

    /** @return the MSS the cookie decodes to */
    @Benchmark
    public int cookieCheck() {
        int mss = cookies.cookieV4Check(EngineRig.CLIENT, EngineRig.SERVER, 40000, 80, cookie + 1, 1001, 0);
        checks++;
        if (mss == 1460) {
            checksAt1460++;
        }
        return mss;
    }

    /** Where the engine's counts stood when the iteration began. */
    @Setup(Level.Iteration)
    public void mark() {
        syns = 0;
        framesBefore = rig.frames;
        synAcksBefore = rig.synAcksForTheSyn;
        cookiesBefore = rig.engine.counters().get(TcpStat.TcpExtSyncookiesSent);
    }

    /**
     * Every SYN was answered by exactly one SYN-ACK acknowledging it, counted as a cookie; the last cookie is
     * valid — its ACK builds a connection in the engine — and the same ACK with the cookie off by one is
     * refused; every cookie check decoded the MSS it was made with; ISNs advance with their clock.
     */
    @TearDown(Level.Iteration)
    public void check() {
        if (syns + checks + isnCalls == 0) {
            throw new IllegalStateException("no operation ran");
        }
        if (syns > 0) {
            checkSynAcks();
        }
        if (checksAt1460 != checks) {
            throw new IllegalStateException("cookie checks failed: " + (checks - checksAt1460) + " of " + checks);
        }
        if (isnCalls > 0) {
            int a = isns.isn(EngineRig.SERVER, EngineRig.CLIENT, 80, 40000, rig.nowNs);
            int b = isns.isn(EngineRig.SERVER, EngineRig.CLIENT, 80, 40000, rig.nowNs + 4_000_000);
            if (b - a != 4_000_000 >>> 6) {
                throw new IllegalStateException("ISN does not follow its clock (64 ns steps): " + a + " then " + b);
            }
        }
    }

    private void checkSynAcks() {
        long frames = rig.frames - framesBefore;
        long synAcks = rig.synAcksForTheSyn - synAcksBefore;
        long sent = rig.engine.counters().get(TcpStat.TcpExtSyncookiesSent) - cookiesBefore;
        if (frames != syns || synAcks != syns || sent != syns) {
            throw new IllegalStateException("the cookie path did not answer every SYN: " + syns + " SYNs, "
                    + frames + " frames, " + synAcks + " SYN-ACKs for them, " + sent + " cookies");
        }
        int srcPort = rig.frame.srcPort();
        int clientSeq = rig.frame.seq() + 1;
        int lastCookie = rig.lastSeq;
        long opens = rig.engine.counters().get(TcpStat.TcpPassiveOpens);
        long failed = rig.engine.counters().get(TcpStat.TcpExtSyncookiesFailed);
        rig.deliver(srcPort, clientSeq, lastCookie + 2, TcpHeader.ACK); // a forged cookie
        rig.deliver(srcPort, clientSeq, lastCookie + 1, TcpHeader.ACK);
        if (rig.engine.counters().get(TcpStat.TcpExtSyncookiesFailed) != failed + 1
                || rig.engine.counters().get(TcpStat.TcpPassiveOpens) != opens + 1) {
            throw new IllegalStateException("the last SYN-ACK's cookie did not validate (or a forged one did)");
        }
        int c = rig.api.accept(rig.listener);
        if (c < 0) {
            throw new IllegalStateException("no connection from the cookie ACK: " + c);
        }
        rig.api.close(c, rig.nowNs);
    }
}
