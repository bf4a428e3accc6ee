package dev.fastpath.bench.wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptionWriter;

/**
 * Frame parsing: Ethernet + IPv4 + TCP with options, IPv4 and TCP checksums verified.
 * Expect 0 B/op: the parser and its holder are reused.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireBenchmark {

    /** Payload bytes of the parsed TCP segment: 0 is a Linux SYN with options, 1448 a full data segment. */
    @Param({"0", "1448"})
    public int payload;

    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame parsed = new ParsedFrame();
    private MemorySegment frame;
    private int frameLength;
    private long parses;
    private long accepted;

    /** Builds the frame once. */
    @Setup
    public void setUp() {
        frame = Arena.ofAuto().allocate(2048, 64);
        MemorySegment data = Arena.ofAuto().allocate(2048, 64);
        for (int i = 0; i < 2048; i++) {
            data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
        int src = 0xC6120001;
        int dst = 0xC6120002;
        new EthernetHeader().wrap(frame, 0).destination(2).source(1).etherType(EthernetHeader.ETHERTYPE_IPV4);
        boolean syn = payload == 0;
        int optLen = syn ? 20 : 12;
        int tcpLen = 20 + optLen + payload;
        new Ipv4Header().wrap(frame, 14).versionAndHeaderLength(20).totalLength(20 + tcpLen).ttl(64)
                .flagsFragment(Ipv4Header.FLAG_DF).protocol(Ipv4Header.PROTO_TCP).source(src).destination(dst)
                .fillChecksum();
        TcpHeader tcp = new TcpHeader().wrap(frame, 34).sourcePort(40000).destinationPort(80).seq(1).ack(syn ? 0 : 1)
                .dataOffset((20 + optLen) / 4).flags(syn ? TcpHeader.SYN : TcpHeader.ACK | TcpHeader.PSH).window(502);
        TcpOptionWriter w = new TcpOptionWriter().wrap(frame, 54);
        if (syn) {
            w.mss(1460).sackPermitted().timestamps(100, 0).nop().windowScale(7);
        } else {
            w.nop().nop().timestamps(100, 200);
        }
        MemorySegment.copy(data, 0, frame, 54 + optLen, payload);
        tcp.fillChecksum(tcpLen, src, dst);
        frameLength = 34 + tcpLen;
        if (parser.parse(frame, 0, frameLength, 0, parsed) != DropReason.NONE) {
            throw new IllegalStateException("benchmark frame does not parse");
        }
    }

    /**
     * Parse and verify one frame.
     *
     * @return the drop reason (NONE), so the work is not dead code
     */
    @Benchmark
    public DropReason parse() {
        DropReason r = parser.parse(frame, 0, frameLength, 0, parsed);
        parses++;
        if (r == DropReason.NONE) {
            accepted++;
        }
        return r;
    }

    /** Every parse accepted the frame, and the parsed view holds the frame's own fields. */
    @TearDown(Level.Iteration)
    public void check() {
        if (parses == 0 || accepted != parses) {
            throw new IllegalStateException("parses that refused a valid frame: " + (parses - accepted) + " of "
                    + parses);
        }
        if (parsed.srcPort() != 40000 || parsed.dstPort() != 80 || parsed.payloadLength() != payload
                || parsed.kind() != ParsedFrame.Kind.TCP) {
            throw new IllegalStateException("the parsed view does not hold the frame: " + parsed.srcPort() + " -> "
                    + parsed.dstPort() + ", " + parsed.payloadLength() + " B");
        }
    }
}
