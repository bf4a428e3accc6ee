package dev.fastpath.bench.engine;

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
        return rig.lastSeq;
    }

    /** @return the SYN-ACK's sequence number (the cookie) */
    @Benchmark
    public int synToCookieSynAck() {
        port = port == 65535 ? 1024 : port + 1;
        rig.deliver(port, port * 7919, 0, TcpHeader.SYN);
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
        return isns.isn(EngineRig.SERVER, EngineRig.CLIENT, 80, port, rig.nowNs + port);
    }

    /** @return the MSS the cookie decodes to */
    @Benchmark
    public int cookieCheck() {
        return cookies.cookieV4Check(EngineRig.CLIENT, EngineRig.SERVER, 40000, 80, cookie + 1, 1001, 0);
    }

    /** Every SYN must have been answered with a SYN-ACK carrying a cookie, and the check must pass. */
    @TearDown(Level.Iteration)
    public void check() {
        boolean synsOk = rig.frames == 0 || rig.lastFlags == (TcpHeader.SYN | TcpHeader.ACK)
                && rig.engine.counters().get(dev.fastpath.tcp.TcpStat.TcpExtSyncookiesSent) == rig.frames;
        if (!synsOk || cookieCheck() != 1460) {
            throw new IllegalStateException("the cookie path did not answer every SYN");
        }
    }
}
