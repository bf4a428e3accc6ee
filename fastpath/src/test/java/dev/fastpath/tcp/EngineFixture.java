package dev.fastpath.tcp;

import dev.fastpath.iface.IpStack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * smoltcp-style scripted tests: the engine under test sits on one end of an in-memory link, the
 * test plays the peer on the other: {@code send(segment)}, {@code recv()} exactly these segments,
 * {@code recvNothing()}. Time is virtual.
 */
class EngineFixture {
    static final int LOCAL_IP = 0xC6120001; // 198.18.0.1
    static final int PEER_IP = 0xC6120002; // 198.18.0.2
    static final long LOCAL_MAC = 0x02_00_00_00_00_01L;
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final long MS = 1_000_000L;
    static final int PEER_PORT = 50000;

    final VirtualClock clock = new VirtualClock(1_000_000_000_000L);
    final InMemoryLink link = new InMemoryLink(clock, 1);
    final TcpEngine engine;
    final SocketOps api;
    final SocketOptions opts;
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame frame = new ParsedFrame();
    final List<String> closed = new ArrayList<>();

    EngineFixture(Config config) {
        engine = new TcpEngine(config, IpStack.pointToPoint(link.a(), LOCAL_IP, LOCAL_MAC, PEER_MAC), 42,
                clock.nowNs());
        api = SocketOps.of(engine);
        opts = SocketOptions.of(engine);
        engine.events(new TcpEvents() {
            @Override
            public void onClosed(int id, int errno) {
                closed.add(id + ":" + errno);
            }
        });
    }

    EngineFixture() {
        this(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
    }

    long now() {
        return clock.nowNs();
    }

    /** Delivers due frames to the engine and runs due timers. */
    void poll() {
        link.a().receive((buf, off, len, flags) -> {
            DropReason r = parser.parse(buf, off, len, flags, frame);
            assertEquals(DropReason.NONE, r, "the peer sent a frame the parser refuses");
            engine.tcpV4Rcv(frame.tcpSegment(), clock.nowNs());
        }, 1000);
        engine.pollTimers(clock.nowNs());
    }

    void advanceMs(long ms) {
        for (long i = 0; i < ms; i++) {
            clock.advance(MS);
            poll();
        }
    }

    void send(TcpSegment s) {
        link.b().inject(frame(s));
        poll();
    }

    /** Delivers a frame as the peer's (raw: {@link RawFrames} edits), then polls. */
    void sendRaw(byte[] frame) {
        link.b().inject(frame);
        poll();
    }

    /** The Ethernet frame the peer would send for this segment (checksums computed). */
    static byte[] frame(TcpSegment s) {
        return EthernetFrame.ipv4Tcp(LOCAL_MAC, PEER_MAC, PEER_IP, LOCAL_IP, s);
    }

    /** A segment from the peer. */
    static TcpSegment seg(int localPort, int flags, int seq, int ack, byte[] data, TcpOption... options) {
        return TcpSegment.of(PEER_PORT, localPort, seq, ack, flags, 65535, List.of(options), data);
    }

    static TcpSegment seg(int localPort, int flags, int seq, int ack) {
        return seg(localPort, flags, seq, ack, new byte[0]);
    }

    /** Everything the engine sent that reached the peer, parsed, with checksums verified. */
    List<TcpSegment> recv() {
        List<TcpSegment> out = new ArrayList<>();
        link.b().receive((buf, off, len, flags) -> {
            try {
                EthernetFrame eth = EthernetFrame.parse(buf, off, len);
                Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(eth.payload()), 0, eth.payload().length);
                assertTrue(ip.headerChecksumValid(), "bad IPv4 checksum from the engine");
                assertEquals(LOCAL_IP, ip.source());
                assertEquals(PEER_IP, ip.destination());
                TcpSegment t = TcpSegment.parse(MemorySegment.ofArray(ip.payload()), 0, ip.payload().length);
                assertTrue(t.checksumValid(LOCAL_IP, PEER_IP), "bad TCP checksum from the engine: " + t);
                out.add(t);
            } catch (MalformedPacketException e) {
                fail("the engine sent a malformed frame", e);
            }
        }, 1000);
        return out;
    }

    /** Exactly one segment with these flags, sequence and acknowledgment numbers. */
    TcpSegment recvOne(int flags, int seq, int ack) {
        List<TcpSegment> got = recv();
        assertEquals(1, got.size(), "expected exactly one segment, got " + got);
        TcpSegment t = got.getFirst();
        assertEquals(TcpHeader.formatFlags(flags), TcpHeader.formatFlags(t.flags()), t.toString());
        assertEquals(Integer.toUnsignedString(seq), Integer.toUnsignedString(t.seq()), "seq of " + t);
        assertEquals(Integer.toUnsignedString(ack), Integer.toUnsignedString(t.ack()), "ack of " + t);
        return t;
    }

    /** Exactly one segment with these flags; its numbers are returned for the test to use. */
    TcpSegment recvFlags(int flags) {
        List<TcpSegment> got = recv();
        assertEquals(1, got.size(), "expected exactly one segment, got " + got);
        assertEquals(TcpHeader.formatFlags(flags), TcpHeader.formatFlags(got.getFirst().flags()),
                got.getFirst().toString());
        return got.getFirst();
    }

    void recvNothing() {
        List<TcpSegment> got = recv();
        assertEquals(List.of(), got, "expected silence");
    }

    // ---- states ----------------------------------------------------------------------------------

    int listener(int port, int backlog) {
        int l = api.socket();
        assertEquals(0, api.bind(l, LOCAL_IP, port));
        assertEquals(0, api.listen(l, backlog));
        return l;
    }

    /**
     * A listener and the connection it accepted.
     *
     * @param listener the listening socket
     * @param child    the accepted, ESTABLISHED socket
     * @param iss      the child's initial send sequence number (its SYN-ACK's)
     */
    record Accepted(int listener, int child, int iss) {
    }

    /**
     * A connection this side opened.
     *
     * @param id  the socket
     * @param iss its initial send sequence number (its SYN's)
     */
    record Connected(int id, int iss) {
    }

    /** Server side: a listener on port 80 and an accepted ESTABLISHED child, through a scripted handshake. */
    Accepted established(int clientIsn) {
        int l = listener(80, 16);
        send(seg(80, TcpHeader.SYN, clientIsn, 0, new byte[0], new TcpOption.Mss(1460)));
        TcpSegment synAck = recvFlags(TcpHeader.SYN | TcpHeader.ACK);
        send(seg(80, TcpHeader.ACK, clientIsn + 1, synAck.seq() + 1));
        recvNothing();
        int c = api.accept(l);
        assertTrue(c >= 0, "accept returned " + c);
        assertEquals(TcpState.ESTABLISHED, engine.state(c));
        return new Accepted(l, c, synAck.seq());
    }

    /** Client side: connect() to the peer's port 80 and complete the handshake through scripted segments. */
    Connected connected(int serverIsn) {
        int c = api.socket();
        assertEquals(-Errno.EINPROGRESS, api.connect(c, PEER_IP, 80, now()));
        TcpSegment syn = recvFlags(TcpHeader.SYN);
        link.b();
        sendFromServer(syn, TcpHeader.SYN | TcpHeader.ACK, serverIsn, syn.seq() + 1, new TcpOption.Mss(1460));
        recvOne(TcpHeader.ACK, syn.seq() + 1, serverIsn + 1);
        assertEquals(TcpState.ESTABLISHED, engine.state(c));
        return new Connected(c, syn.seq());
    }

    /** A segment from the peer acting as the server on port 80 towards the engine's ephemeral port. */
    void sendFromServer(TcpSegment ours, int flags, int seq, int ack, TcpOption... options) {
        send(TcpSegment.of(80, ours.sourcePort(), seq, ack, flags, 65535, List.of(options), new byte[0]));
    }
}
