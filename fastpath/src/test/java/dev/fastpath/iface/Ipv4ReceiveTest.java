package dev.fastpath.iface;

import static dev.fastpath.iface.Ip4Frames.LOCAL;
import static dev.fastpath.iface.Ip4Frames.PEER;
import static dev.fastpath.iface.Ip4Frames.PEER_MAC;
import static dev.fastpath.iface.Ip4Frames.frame;
import static dev.fastpath.iface.Ip4Frames.fragment;
import static dev.fastpath.iface.Ip4Frames.tcpBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.apps.AppKind;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.poll.StackWorker;
import dev.fastpath.tcp.Seed;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * IPv4 input on a whole worker, as ip_rcv_core() / ip_rcv_options() / ip_defrag() take a datagram: header faults
 * counted under nstat's names, options accepted or answered with ICMP parameter problem, fragments reassembled
 * and then answered as any segment.
 */
class Ipv4ReceiveTest {
    private final VirtualClock clock = new VirtualClock(1_000_000_000_000L);
    private final InMemoryLink link = new InMemoryLink(clock, 1);
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame f = new ParsedFrame();
    private final StackWorker worker;

    Ipv4ReceiveTest() {
        Config config = Config.defaults();
        worker = StackWorker.single(new StackWorker.Spec(0, config, List.of(), 7, -1, null, 0, System.out, 5),
                InterfaceConfig.of("a", link.a(), Ip4Frames.OUR_MAC, IpCidr.v4(LOCAL, 24), ChecksumPolicy.STRICT),
                AppKind.ECHO.create(config), clock::nowNs);
        worker.neighbours().addStatic(PEER, PEER_MAC);
        worker.onStart();
        received();
    }

    private static byte[] synBytes(int port) {
        return tcpBytes(TcpSegment.of(port, 7, 1000, 0, TcpHeader.SYN, 65535, List.of(new TcpOption.Mss(1460)),
                new byte[0]));
    }

    /** Delivers the frames to the worker and returns what it sent back, parsed one after the other. */
    private List<byte[]> exchange(byte[]... frames) {
        for (byte[] fr : frames) {
            link.b().inject(fr);
        }
        clock.advance(100_000);
        worker.doWork();
        return received();
    }

    private List<byte[]> received() {
        List<byte[]> out = new ArrayList<>();
        link.b().receive((buf, off, len, fl) -> out.add(buf.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE)), 100);
        return out;
    }

    private ParsedFrame parse(byte[] frame) {
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length, 0, f));
        return f;
    }

    private long counter(String name) {
        StringBuilder sb = new StringBuilder();
        worker.report(sb);
        for (String line : sb.toString().split("\n")) {
            String[] w = line.split(" ");
            if (w[0].equals("worker0." + name)) {
                return Long.parseLong(w[1]);
            }
        }
        return 0;
    }

    @Test
    @Seed({"H5"})
    @DisplayName("H5: a SYN to a broadcast or multicast MAC is not for us (pkt_type != PACKET_HOST): dropped")
    void groupAddressedSynsAreDropped() {
        for (long mac : new long[] {0xFFFF_FFFF_FFFFL, 0x0100_5E00_0001L, 0x3333_0000_0001L}) {
            byte[] fr = frame(1, 0, 0, Ipv4Header.PROTO_TCP, new byte[0], synBytes(40100));
            for (int i = 0; i < 6; i++) {
                fr[i] = (byte) (mac >>> (40 - 8 * i));
            }
            assertEquals(List.of(), exchange(fr));
        }
        assertEquals(3, counter("FpRxNotHost"));
        assertEquals(0, counter("TcpInSegs"), "dropped before TCP counts it, as Linux");
        assertEquals(1, exchange(frame(1, 0, 0, Ipv4Header.PROTO_TCP, new byte[0], synBytes(40100))).size(),
                "the same SYN to our MAC is answered");
    }

    @Test
    @DisplayName("a SYN in three fragments, out of order, is reassembled and answered with a SYN-ACK")
    void fragmentedSynIsAnswered() {
        byte[] d = synBytes(40000);
        List<byte[]> back = exchange(fragment(d, 77, 8, 16, 0), fragment(d, 77, 16, d.length, 0),
                fragment(d, 77, 0, 8, 0));
        assertEquals(1, back.size());
        ParsedFrame p = parse(back.getFirst());
        assertEquals(ParsedFrame.Kind.TCP, p.kind());
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, p.flags());
        assertEquals(1001, p.ack());
        assertEquals(3, counter("IpReasmReqds"));
        assertEquals(1, counter("IpReasmOKs"));
    }

    @Test
    @DisplayName("record route and timestamp options are accepted: the SYN is answered")
    void validOptionsAreAccepted() {
        byte[] rr = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1}; // record route with room for two, then NOP
        byte[] ts = {68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0}; // timestamps only, room for two
        for (byte[] opts : new byte[][] {rr, ts}) {
            List<byte[]> back = exchange(frame(1, 0, 0, Ipv4Header.PROTO_TCP, opts, synBytes(40001 + opts[0])));
            assertEquals(1, back.size());
            assertEquals(TcpHeader.SYN | TcpHeader.ACK, parse(back.getFirst()).flags());
        }
        assertEquals(0, counter("IpInHdrErrors"));
    }

    @Test
    @DisplayName("a malformed option is IpInHdrErrors and answered with ICMP parameter problem pointing at it")
    void malformedOptionGetsParameterProblem() {
        byte[] badLength = {1, 7, 1, 0}; // NOP, then record route with length 1
        byte[] badPointer = {7, 7, 3, 0, 0, 0, 0, 0}; // record route whose pointer is below 4
        int[] pointers = {21, 22};
        int i = 0;
        for (byte[] opts : new byte[][] {badLength, badPointer}) {
            byte[] syn = frame(2, 0, 0, Ipv4Header.PROTO_TCP, opts, synBytes(40010 + i));
            List<byte[]> back = exchange(syn);
            assertEquals(1, back.size(), "the ICMP error alone, no SYN-ACK");
            ParsedFrame p = parse(back.getFirst());
            assertEquals(ParsedFrame.Kind.ICMP, p.kind());
            assertEquals(12, p.icmp().type());
            assertEquals(0, p.icmp().code());
            assertEquals(pointers[i], p.icmp().identifier() >>> 8, "the pointer: the byte at fault");
            assertEquals(PEER, p.dstIp());
            i++;
        }
        assertEquals(2, counter("IpInHdrErrors"));
        assertEquals(2, counter("IcmpOutParmProbs"));
        assertEquals(2, counter("FpParseDrop_BAD_IP_OPTIONS"));
    }

    @Test
    @DisplayName("a source route option is dropped without an answer (accept_source_route 0)")
    void sourceRouteIsDropped() {
        byte[] lsrr = {(byte) 131, 7, 4, 1, 2, 3, 4, 0};
        assertEquals(List.of(), exchange(frame(3, 0, 0, Ipv4Header.PROTO_TCP, lsrr, synBytes(40020))));
        assertEquals(1, counter("FpParseDrop_IP_SOURCE_ROUTE"));
    }

    @Test
    @DisplayName("header faults are IpInHdrErrors (a bad checksum also IpExtInCsumErrors), a cut datagram "
            + "IpInTruncatedPkts, a protocol without a handler (GRE) IpInUnknownProtos; none is answered")
    void headerFaultsAreCounted() {
        byte[] good = frame(4, 0, 0, Ipv4Header.PROTO_TCP, new byte[0], synBytes(40030));
        byte[] version = good.clone();
        version[EthernetHeader.LENGTH] = 0x65;
        refill(version);
        byte[] ihl = good.clone();
        ihl[EthernetHeader.LENGTH] = 0x44;
        refill(ihl);
        byte[] csum = good.clone();
        csum[EthernetHeader.LENGTH + 10] ^= 1;
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 4);
        byte[] gre = frame(5, 0, 0, 47, new byte[0], new byte[8]);
        assertEquals(List.of(), exchange(version, ihl, csum, cut, gre));
        assertEquals(3, counter("IpInHdrErrors"));
        assertEquals(1, counter("IpExtInCsumErrors"));
        assertEquals(1, counter("IpInTruncatedPkts"));
        assertEquals(1, counter("IpInUnknownProtos"));
    }

    private static void refill(byte[] frame) {
        new Ipv4Header().wrap(MemorySegment.ofArray(frame), EthernetHeader.LENGTH).fillChecksum();
    }

    @Test
    @DisplayName("ICMP errors are rate-limited per destination as icmp_ratelimit: a burst of 6, then one a second")
    void parameterProblemsAreRateLimited() {
        byte[] bad = {7, 7, 3, 0, 0, 0, 0, 0};
        int answered = 0;
        for (int i = 0; i < 10; i++) {
            answered += exchange(frame(6, 0, 0, Ipv4Header.PROTO_TCP, bad, synBytes(40040 + i))).size();
        }
        assertEquals(6, answered);
        assertEquals(4, counter("IcmpOutRateLimitHost"));
        clock.advance(1_000_000_000L);
        assertEquals(1, exchange(frame(6, 0, 0, Ipv4Header.PROTO_TCP, bad, synBytes(40060))).size());
    }
}
