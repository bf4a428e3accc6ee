package dev.fastpath.bench.engine;

import dev.fastpath.api.SocketConstants;
import dev.fastpath.tcp.SocketOptions;
import dev.fastpath.tcp.TcpStat;
import dev.fastpath.tcp.TcpState;
import dev.fastpath.wire.DropReason;
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
 * The sender's cost per ACK: an established connection with a send buffer's worth of data in
 * flight receives an ACK that advances snd_una by one MSS. The engine parses it (checksums
 * verified), frees the acknowledged bytes, samples the RTT, grows cwnd and re-arms the RTO; the
 * freed room is refilled with one MSS through send(), which puts one new full-sized segment on the
 * wire. So one operation is the steady ACK clock of a bulk sender: ACK in, segment out.
 * {@link #clientAckOnly} is the cost of building the ACK frame alone, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AckProcessingBenchmark {
    private static final int PORT = 40000;
    private static final int MSS = 1460;
    private static final int IN_FLIGHT = 64 * 1024;
    private EngineRig rig;
    private int conn;
    private int clientSeq;
    private int ackNext;
    private final byte[] payload = new byte[MSS];
    private long acks;
    private long framesAtStart;
    /** Bytes written and not yet sent when the iteration began (SIOCOUTQNSD). */
    private int unsentAtStart;
    private long clientAcks;
    private long clientAcksParsed;

    /** A connection accepted from the rig's client (no timestamps, MSS 1460), with 64 KiB in flight. */
    @Setup(Level.Trial)
    public void setup() {
        rig = new EngineRig(List.of("tcp.timestamps=0", "tcp.wmem_default=" + IN_FLIGHT), 16);
        clientSeq = 1_000_001;
        rig.deliver(PORT, clientSeq - 1, 0, TcpHeader.SYN);
        int serverIsn = rig.lastSeq;
        rig.deliver(PORT, clientSeq, serverIsn + 1, TcpHeader.ACK);
        conn = rig.api.accept(rig.listener);
        if (conn < 0) {
            throw new IllegalStateException("no connection accepted: " + conn);
        }
        ackNext = serverIsn + 1;
        // Open cwnd by acknowledging what the initial window sends, until the send buffer bounds the flight.
        for (int i = 0; i < 10_000; i++) {
            ackOneMss();
        }
        acks = 0;
        framesAtStart = rig.frames;
        unsentAtStart = unsent();
    }

    /**
     * What was written and not sent yet. Like Linux, the engine may hold a few ACKs' worth of segments back to
     * send them as one bigger GSO packet (tcp_tso_should_defer()), so an ACK is not always answered at once.
     */
    private int unsent() {
        return SocketOptions.of(rig.engine).ioctl(conn, SocketConstants.SIOCOUTQNSD);
    }

    /** @return the sequence number of the last segment sent */
    @Benchmark
    public int ackOneMss() {
        // Keep the send buffer full: whatever the last ACK freed goes back in (one MSS in steady state).
        while (rig.api.send(conn, payload, 0, MSS, rig.nowNs) > 0) {
            // loop: the first calls in setup fill the whole buffer
        }
        ackNext += MSS;
        rig.nowNs += 1_000;
        rig.deliver(PORT, clientSeq, ackNext, TcpHeader.ACK);
        rig.engine.pollTimers(rig.nowNs);
        acks++;
        return rig.lastSeq;
    }

    /**
     * Builds and parses the same ACK frame without handing it to the engine.
     *
     * @return the frame's length
     */
    @Benchmark
    public int clientAckOnly() {
        ackNext += MSS;
        int length = rig.build(rig.rx, 0, PORT, clientSeq, ackNext, TcpHeader.ACK);
        clientAcks++;
        if (rig.parser.parse(rig.rx, 0, length, 0, rig.frame) == DropReason.NONE && rig.frame.ack() == ackNext) {
            clientAcksParsed++;
        }
        return length;
    }

    /** Every ACK must have been accepted (no bad-ACK drops, no retransmission) and answered by a new segment. */
    @TearDown(Level.Iteration)
    public void check() {
        if (clientAcks != clientAcksParsed) {
            throw new IllegalStateException("ACKs that did not parse back: " + (clientAcks - clientAcksParsed));
        }
        if (acks == 0) {
            if (clientAcks == 0) {
                throw new IllegalStateException("no operation ran");
            }
            return; // clientAckOnly: the engine was not involved
        }
        long sent = rig.frames - framesAtStart;
        long badAcks = rig.engine.counters().get(TcpStat.FpBadAckDrop);
        long retrans = rig.engine.counters().get(TcpStat.TcpRetransSegs);
        long held = Math.max(0, unsent() - unsentAtStart) / MSS; // segments deferred, not lost
        if (rig.engine.state(conn) != TcpState.ESTABLISHED || badAcks != 0 || retrans != 0 || sent + held < acks) {
            throw new IllegalStateException("ACK clock broken: " + acks + " ACKs, " + sent + " segments sent, "
                    + badAcks + " bad ACKs, " + retrans + " retransmissions, state "
                    + TcpState.name(rig.engine.state(conn)));
        }
        framesAtStart = rig.frames;
        unsentAtStart = unsent();
        acks = 0;
    }
}
