package dev.fastpath.bench.engine;

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
    private EngineRig rig;
    private int port;

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
        return rig.build(rig.rx, 0, port, isn, 0, TcpHeader.SYN) + rig.build(rig.rx, 0, port, isn + 1, 5, TcpHeader.ACK)
                + rig.build(rig.rx, 0, port, isn + 1, 5, TcpHeader.ACK | TcpHeader.FIN)
                + rig.build(rig.rx, 0, port, isn + 2, 6, TcpHeader.ACK);
    }

    /** A benchmark that measured failures would lie: every connection must have completed and been freed. */
    @TearDown(Level.Iteration)
    public void check() {
        if (rig.frames == 0) {
            return; // clientFramesOnly: the engine was not involved
        }
        if (rig.engine.socketsInUse() != 1 || rig.engine.establishedCount() != 0
                || rig.engine.counters().get(dev.fastpath.tcp.TcpStat.TcpPassiveOpens) == 0) {
            throw new IllegalStateException("connections did not complete and close: " + rig.engine.socketsInUse()
                    + " sockets, " + rig.engine.establishedCount() + " established");
        }
    }
}
