package dev.fastpath.bench.engine;

import dev.fastpath.tcp.TcpStat;
import dev.fastpath.wire.TcpHeader;
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
 * A whole passive connection per operation on the server engine: SYN → SYN-ACK (a request in the SYN
 * queue), the third ACK → child in the accept queue, accept(), then the client's FIN → CLOSE_WAIT,
 * close() → LAST_ACK with FIN, the last ACK → CLOSED and everything freed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandshakeBenchmark {
    /** The four client frames: a SYN with MSS, SACK-permitted and window scale (66 B), three bare ACKs (54 B). */
    private static final int CLIENT_BYTES = 66 + 3 * 54;
    private EngineRig rig;
    private int port;
    private long connections;
    private long accepted;
    private long clientFrameSets;
    private long wellBuilt;
    private long opensBefore;
    private long synAcksBefore;
    private long finsBefore;

    /** A listener with tcp_syncookies=0 so that every connection takes the request path. */
    @Setup
    public void setup() {
        rig = new EngineRig(List.of("tcp.syncookies=0", "tcp.timestamps=0"), 128);
    }

    /** @return the accepted socket id */
    @Benchmark
    public int connectAcceptClose() {
        port = port == 65535 ? 1024 : port + 1;
        int isn = port * 7919;
        rig.deliver(port, isn, 0, TcpHeader.SYN);
        int serverIsn = rig.lastSeq;
        rig.deliver(port, isn + 1, serverIsn + 1, TcpHeader.ACK);
        int c = rig.api.accept(rig.listener);
        rig.deliver(port, isn + 1, serverIsn + 1, TcpHeader.ACK | TcpHeader.FIN);
        rig.api.close(c, rig.nowNs);
        rig.deliver(port, isn + 2, serverIsn + 2, TcpHeader.ACK);
        connections++;
        if (c >= 0) {
            accepted++;
        }
        return c;
    }

    /**
     * The client's share of {@link #connectAcceptClose}: building the same four frames with their
     * checksums, no engine. The server's own cost per connection is the difference.
     *
     * @return a length, so the work is not eliminated
     */
    @Benchmark
    public int clientFramesOnly() {
        port = port == 65535 ? 1024 : port + 1;
        int isn = port * 7919;
        int n = rig.build(rig.rx, 0, port, isn, 0, TcpHeader.SYN)
                + rig.build(rig.rx, 0, port, isn + 1, 5, TcpHeader.ACK)
                + rig.build(rig.rx, 0, port, isn + 1, 5, TcpHeader.ACK | TcpHeader.FIN)
                + rig.build(rig.rx, 0, port, isn + 2, 6, TcpHeader.ACK);
        clientFrameSets++;
        if (n == CLIENT_BYTES) {
            wellBuilt++;
        }
        return n;
    }

    /** Where the engine's counts stood when the iteration began. */
    @Setup(Level.Iteration)
    public void mark() {
        connections = 0;
        accepted = 0;
        opensBefore = rig.engine.counters().get(TcpStat.TcpPassiveOpens);
        synAcksBefore = rig.synAcksForTheSyn;
        finsBefore = rig.fins;
    }

    /**
     * A benchmark that measured failures would lie: every invocation opened exactly one connection (a
     * SYN-ACK for its SYN, one passive open, one accept), closed it once (one FIN), and freed it.
     */
    @TearDown(Level.Iteration)
    public void check() {
        if (connections + clientFrameSets == 0) {
            throw new IllegalStateException("no operation ran");
        }
        if (wellBuilt != clientFrameSets) {
            throw new IllegalStateException("client frames of the wrong size: " + (clientFrameSets - wellBuilt));
        }
        long opens = rig.engine.counters().get(TcpStat.TcpPassiveOpens) - opensBefore;
        long synAcks = rig.synAcksForTheSyn - synAcksBefore;
        long fins = rig.fins - finsBefore;
        if (opens != connections || accepted != connections || synAcks != connections || fins != connections
                || rig.engine.socketsInUse() != 1 || rig.engine.establishedCount() != 0) {
            throw new IllegalStateException("connections did not open and close once each: " + connections
                    + " invocations, " + synAcks + " SYN-ACKs, " + opens + " opens, " + accepted + " accepted, " + fins
                    + " FINs, " + rig.engine.socketsInUse() + " sockets, " + rig.engine.establishedCount()
                    + " established");
        }
    }
}
