package dev.fastpath.bench.engine;

import dev.fastpath.uapi.SocketConstants;
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
 * The sender's cost per ACK: an established connection with 64 KiB written and in flight receives an ACK
 * that advances snd_una by one MSS. The engine parses it (checksums verified), frees the acknowledged bytes,
 * samples the RTT, grows cwnd and re-arms the RTO; the freed room is refilled with one MSS through send(),
 * which puts one new full-sized segment on the wire. So one operation is the steady ACK clock of a bulk
 * sender: ACK in, segment out. {@link #clientAckOnly} is the cost of building the ACK frame alone, to
 * subtract.
 *
 * <p>Why exactly one segment per ACK, as Linux would send it: each write is one MSS into an empty write
 * queue, so it is a one-segment skb, which tcp_write_xmit() sends after the Nagle test (a full segment
 * passes) and never holds back for a bigger GSO packet (tcp_tso_should_defer() is only asked about skbs of
 * more than one segment). The socket is non-blocking, so a write is never parked until a third of the send
 * buffer is free (sk_stream_write_space()), and the send buffer is fixed (SO_SNDBUF) well above the flight,
 * so the write always finds room.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AckProcessingBenchmark {
    private static final int PORT = 40000;
    private static final int MSS = 1460;
    /** 64 KiB in whole segments. */
    private static final int IN_FLIGHT_SEGS = 64 * 1024 / MSS;
    /** Linux doubles SO_SNDBUF: a 512 KiB send buffer, several times the flight's truesize. */
    private static final int SNDBUF = 256 * 1024;
    private EngineRig rig;
    private int conn;
    private int clientSeq;
    private int ackNext;
    private final byte[] payload = new byte[MSS];
    private long acks;
    /** Writes that took the whole MSS. */
    private long fullWrites;
    private long framesAtStart;
    private long clientAcks;
    private long clientAcksParsed;

    /** A connection accepted from the rig's client (no timestamps, MSS 1460), with 64 KiB in flight. */
    @Setup(Level.Trial)
    public void setup() {
        rig = new EngineRig(List.of("tcp.timestamps=0"), 16);
        clientSeq = 1_000_001;
        rig.deliver(PORT, clientSeq - 1, 0, TcpHeader.SYN);
        int serverIsn = rig.lastSeq;
        rig.deliver(PORT, clientSeq, serverIsn + 1, TcpHeader.ACK);
        conn = rig.api.accept(rig.listener);
        if (conn < 0) {
            throw new IllegalStateException("no connection accepted: " + conn);
        }
        SocketOptions options = SocketOptions.of(rig.engine);
        int sndbuf = options.setInt(conn, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF, SNDBUF, rig.nowNs);
        if (options.setNonBlocking(conn, true) != 0 || sndbuf != 0) {
            throw new IllegalStateException("socket options refused");
        }
        ackNext = serverIsn + 1;
        for (int i = 0; i < IN_FLIGHT_SEGS; i++) {
            if (rig.api.send(conn, payload, 0, MSS, rig.nowNs) != MSS) {
                throw new IllegalStateException("the send buffer did not take 64 KiB");
            }
        }
        // The initial window sends 10 segments; every ACK of one MSS then sends up to two (slow start) until
        // all 64 KiB are in flight, and from then on one: the steady state the benchmark measures.
        for (int i = 0; i < 10_000; i++) {
            ackOneMss();
        }
        if (unsent() != 0) {
            throw new IllegalStateException("the set-up left " + unsent() + " bytes unsent");
        }
        acks = 0;
        fullWrites = 0;
        framesAtStart = rig.frames;
    }

    /** What was written and not sent yet (SIOCOUTQNSD). */
    private int unsent() {
        return SocketOptions.of(rig.engine).ioctl(conn, SocketConstants.SIOCOUTQNSD);
    }

    /** @return the sequence number of the last segment sent */
    @Benchmark
    public int ackOneMss() {
        ackNext += MSS;
        rig.nowNs += 1_000;
        rig.deliver(PORT, clientSeq, ackNext, TcpHeader.ACK);
        rig.engine.pollTimers(rig.nowNs);
        acks++;
        if (rig.api.send(conn, payload, 0, MSS, rig.nowNs) == MSS) {
            fullWrites++;
        }
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

    /**
     * Every ACK must have been accepted (no bad-ACK drops, no retransmission), every write taken whole, and
     * each ACK answered by exactly one new segment, nothing left unsent.
     */
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
        int unsent = unsent();
        if (rig.engine.state(conn) != TcpState.ESTABLISHED || badAcks != 0 || retrans != 0 || sent != acks
                || fullWrites != acks || unsent != 0) {
            throw new IllegalStateException("ACK clock broken: " + acks + " ACKs, " + fullWrites + " whole writes, "
                    + sent + " segments sent, " + unsent + " bytes unsent, " + badAcks + " bad ACKs, " + retrans
                    + " retransmissions, state " + TcpState.name(rig.engine.state(conn)));
        }
        framesAtStart = rig.frames;
        fullWrites = 0;
        acks = 0;
    }
}
