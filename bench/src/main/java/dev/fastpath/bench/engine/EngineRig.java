package dev.fastpath.bench.engine;

import dev.fastpath.iface.IpStack;
import dev.fastpath.config.Config;
import dev.fastpath.io.PacketIo;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptionWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A server engine on port 80 whose output goes nowhere but is watched (last flags and sequence
 * number), and a client side that writes frames straight into a buffer and parses them, so a
 * benchmark measures the engine, not a link.
 */
final class EngineRig implements PacketIo {
    static final int SERVER = 0xC6120001;
    static final int CLIENT = 0xC6120002;
    final MemorySegment tx = Arena.ofAuto().allocate(2048, 64);
    final MemorySegment rx = Arena.ofAuto().allocate(2048, 64);
    final TcpHeader txTcp = new TcpHeader().wrap(tx, 34);
    final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    final ParsedFrame frame = new ParsedFrame();
    final TcpEngine engine;
    final SocketOps api;
    final int listener;
    int lastFlags;
    int lastSeq;
    long frames;
    /** Frames that were a SYN-ACK acknowledging the SYN just parsed (ack = its seq + 1). */
    long synAcksForTheSyn;
    /** Frames with FIN set. */
    long fins;
    long nowNs = 1_000_000_000_000L;
    private final EthernetHeader eth = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptionWriter options = new TcpOptionWriter();

    EngineRig(List<String> overrides, int backlog) {
        engine = new TcpEngine(Config.defaults().withOverrides(overrides), IpStack.pointToPoint(this, SERVER, 1, 2),
                11, nowNs);
        api = SocketOps.of(engine);
        listener = api.socket();
        api.bind(listener, SERVER, 80);
        api.listen(listener, backlog);
    }

    /** Writes a client segment into the receive buffer, parses it and hands it to the engine. */
    void deliver(int srcPort, int seq, int ack, int flags) {
        int length = build(rx, 0, srcPort, seq, ack, flags);
        parser.parse(rx, 0, length, 0, frame);
        engine.tcpV4Rcv(frame.tcpSegment(), nowNs);
    }

    /** Parses a frame already in memory (as a ring would hold it) and hands it to the engine. */
    void deliverPrebuilt(MemorySegment ring, long offset, int length) {
        parser.parse(ring, offset, length, 0, frame);
        engine.tcpV4Rcv(frame.tcpSegment(), nowNs);
    }

    /** Writes a client frame at {@code base} in {@code buf}. @return its length */
    int build(MemorySegment buf, long base, int srcPort, int seq, int ack, int flags) {
        eth.wrap(buf, base).destination(1).source(2).etherType(EthernetHeader.ETHERTYPE_IPV4);
        options.wrap(buf, base + 54);
        if ((flags & TcpHeader.SYN) != 0) {
            options.mss(1460).nop().nop().sackPermitted().nop().windowScale(7);
        }
        int tcpLength = 20 + options.padToWord();
        ip.wrap(buf, base + 14).versionAndHeaderLength(20).tos(0).totalLength(20 + tcpLength).identification(0)
                .flagsFragment(Ipv4Header.FLAG_DF).ttl(64).protocol(Ipv4Header.PROTO_TCP).source(CLIENT)
                .destination(SERVER).fillChecksum();
        tcp.wrap(buf, base + 34).sourcePort(srcPort).destinationPort(80).seq(seq).ack(ack).dataOffset(tcpLength >>> 2)
                .flags(flags).window(64240).checksum(0).urgentPointer(0).fillChecksum(tcpLength, CLIENT, SERVER);
        return 34 + tcpLength;
    }

    @Override
    public int receive(RxHandler handler, int limit) {
        return 0;
    }

    @Override
    public MemorySegment txBuffer() {
        return tx;
    }

    @Override
    public long txClaim() {
        return 0;
    }

    @Override
    public int txFrameCapacity() {
        return 2048;
    }

    @Override
    public void txCommit(long offset, int length) {
        lastFlags = txTcp.flags();
        lastSeq = txTcp.seq();
        frames++;
        if (lastFlags == (TcpHeader.SYN | TcpHeader.ACK) && txTcp.ack() == frame.seq() + 1) {
            synAcksForTheSyn++;
        }
        if ((lastFlags & TcpHeader.FIN) != 0) {
            fins++;
        }
    }

    @Override
    public void txAbort(long offset) {
    }

    @Override
    public int flush() {
        return 0;
    }

    @Override
    public void close() {
    }
}
