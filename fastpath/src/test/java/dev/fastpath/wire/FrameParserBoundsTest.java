package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The parser at every length boundary (one byte short is a drop with its reason, exactly enough is read on),
 * what it records for an accepted frame (offsets, lengths, fields), and the checksum policies for ICMP.
 */
class FrameParserBoundsTest {

    private final FrameParser strict = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame out = new ParsedFrame();
    private final MemorySegment m = Frames.segment(2048);

    private DropReason parse(int length) {
        return strict.parse(m, 0, length, 0, out);
    }

    @Test
    @DisplayName("an accepted TCP frame at an offset: every offset and length the parser records")
    void acceptedFrameFields() {
        MemorySegment frame = Frames.segment(256);
        int len = Frames.tcp(frame, TcpHeader.ACK | TcpHeader.PSH, 0xA0000001, 0x0B000002,
                Frames.bytes(1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6), Frames.bytes(1, 2, 3, 4, 5));
        MemorySegment.copy(frame, 0, m, 100, len);
        assertEquals(DropReason.NONE, strict.parse(m, 100, len + 3, FrameParser.RX_CSUM_PARTIAL, out));
        assertEquals(ParsedFrame.Kind.TCP, out.kind());
        assertSame(m, out.buffer());
        assertEquals(100, out.frameOffset());
        assertEquals(len + 3, out.frameLength(), "as received, padding included");
        assertEquals(FrameParser.RX_CSUM_PARTIAL, out.rxFlags());
        assertEquals(EthernetHeader.ETHERTYPE_IPV4, out.etherType());
        assertEquals(114, out.l3Offset());
        assertEquals(20, out.ipHeaderLength());
        assertEquals(20 + 32 + 5, out.ipTotalLength());
        assertEquals(Ipv4Header.PROTO_TCP, out.protocol());
        assertEquals(134, out.l4Offset());
        assertEquals(32 + 5, out.l4Length());
        assertEquals(0xA0000001, out.seq());
        assertEquals(0x0B000002, out.ack());
        assertEquals(64240, out.window());
        assertEquals(32, out.tcpHeaderLength());
        assertEquals(166, out.payloadOffset());
        assertEquals(5, out.payloadLength());
        assertEquals(5, out.segmentLength());
        assertEquals(5, out.options().tsVal());
        assertEquals(114, out.ipv4().offset());
        assertEquals(134, out.tcp().offset());
        assertEquals(Frames.MAC_B, out.ethernet().destination());
        TcpSegmentView v = out.tcpSegment();
        assertSame(m, v.buffer());
        assertEquals(134, v.offset());
        assertEquals(37, v.length());
        assertEquals(4, v.family());
        assertEquals(Frames.IP_A, v.srcIp());
        assertEquals(Frames.IP_B, v.dstIp());
        assertEquals(40000, v.srcPort());
        assertEquals(80, v.dstPort());
        assertEquals("198.18.0.1:40000 > 198.18.0.2:80 P. seq 2684354561 ack 184549378 win 64240 len 5",
                out.toString());
        assertEquals(out.toString(), v.toString());
        assertEquals(DropReason.TRUNCATED_ETHERNET, parse(13));
        assertEquals("frame[NONE, 13 bytes]", out.toString());
    }

    @Test
    @DisplayName("sequence space of a parsed segment: payload plus SYN plus FIN")
    void segmentLength() {
        assertEquals(DropReason.NONE, parse(Frames.tcp(m, TcpHeader.SYN | TcpHeader.FIN, 1, 0, new byte[0],
                Frames.bytes(1, 2))));
        assertEquals(4, out.segmentLength());
        assertEquals(DropReason.NONE, parse(Frames.tcp(m, TcpHeader.FIN | TcpHeader.ACK, 1, 0, new byte[0],
                new byte[0])));
        assertEquals(1, out.segmentLength());
    }

    @Test
    @DisplayName("Ethernet: 14 bytes are a header (an unknown EtherType then), 13 are not")
    void ethernetLength() {
        new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_IPV6);
        assertEquals(DropReason.NOT_IPV4, parse(14));
        assertEquals(DropReason.TRUNCATED_ETHERNET, parse(13));
        assertEquals(-1, out.vlanId());
    }

    @Test
    @DisplayName("VLAN: a whole tag is read (18 bytes), a cut one is not (17); the outer VID even when it is 0")
    void vlanBounds() {
        EthernetHeader e = new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_VLAN);
        Net.u16(m, 14, 0xE064); // PCP 7, VID 100
        Net.u16(m, 16, EthernetHeader.ETHERTYPE_IPV6);
        assertEquals(DropReason.NOT_IPV4, parse(18));
        assertEquals(100, out.vlanId(), "the priority bits are not the VID");
        assertEquals(EthernetHeader.ETHERTYPE_IPV6, out.etherType());
        assertEquals(18, out.l3Offset());
        assertEquals(DropReason.TRUNCATED_VLAN, parse(17));
        e.etherType(EthernetHeader.ETHERTYPE_QINQ);
        Net.u16(m, 14, 0x0000); // a priority tag outside: VID 0
        Net.u16(m, 16, EthernetHeader.ETHERTYPE_VLAN);
        Net.u16(m, 18, 0x00C8);
        Net.u16(m, 20, EthernetHeader.ETHERTYPE_IPV6);
        assertEquals(DropReason.NOT_IPV4, parse(22));
        assertEquals(0, out.vlanId(), "the outermost tag's VID, not the inner one's");
        assertEquals(22, out.l3Offset());
        assertEquals(DropReason.TRUNCATED_VLAN, parse(21));
    }

    @Test
    @DisplayName("ARP: 28 bytes after Ethernet, hlen 6 and plen 4 each required")
    void arpBounds() {
        new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_ARP);
        ArpHeader arp = new ArpHeader().wrap(m, 14).ethernetIpv4().operation(ArpHeader.OP_REQUEST);
        assertEquals(DropReason.NONE, parse(42));
        assertEquals(ParsedFrame.Kind.ARP, out.kind());
        assertSame(out.arp(), out.arp());
        Net.u16(m, 16, EthernetHeader.ETHERTYPE_IPV6);
        assertEquals(DropReason.UNSUPPORTED_ARP, parse(42), "protocol type");
        arp.ethernetIpv4();
        Net.u8(m, 18, 8);
        assertEquals(DropReason.UNSUPPORTED_ARP, parse(42), "hardware length");
        arp.ethernetIpv4();
        Net.u8(m, 19, 16);
        assertEquals(DropReason.UNSUPPORTED_ARP, parse(42), "protocol length");
        assertEquals(ParsedFrame.Kind.NONE, out.kind());
    }

    @Test
    @DisplayName("IPv4: 20 bytes are a header; IHL past the frame, total length equal to the header, TCP cut at 19")
    void ipv4Bounds() {
        new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_IPV4);
        Ipv4Header ip = new Ipv4Header().wrap(m, 14).versionAndHeaderLength(20).totalLength(20).ttl(64)
                .protocol(Ipv4Header.PROTO_TCP).source(Frames.IP_A).destination(Frames.IP_B).fillChecksum();
        assertEquals(DropReason.TRUNCATED_TCP, parse(34), "a datagram that is only a header: no TCP in it");
        assertEquals(DropReason.TRUNCATED_IPV4, parse(33));
        ip.versionAndHeaderLength(24).totalLength(24).fillChecksum();
        assertEquals(DropReason.TRUNCATED_IPV4, parse(37), "IHL says 24, 23 bytes there");
        // an options area of EOL is a valid one (ip_options_compile()): the datagram then holds no TCP
        assertEquals(DropReason.TRUNCATED_TCP, parse(38));
        ip.totalLength(20).fillChecksum();
        assertEquals(DropReason.TRUNCATED_IPV4, parse(37), "the header is cut whatever the total length says");
        ip.versionAndHeaderLength(20).totalLength(39).fillChecksum();
        new TcpHeader().wrap(m, 34).dataOffset(5);
        assertEquals(DropReason.TRUNCATED_TCP, parse(53), "19 bytes of TCP");
    }

    @Test
    @DisplayName("TCP: a data offset of exactly the segment is accepted (no payload), one word more is not")
    void tcpDataOffsetBounds() {
        int len = Frames.tcp(m, TcpHeader.ACK, 1, 1, Frames.bytes(1, 1, 1, 1), new byte[0]);
        assertEquals(DropReason.NONE, parse(len));
        assertEquals(24, out.tcpHeaderLength());
        assertEquals(0, out.payloadLength());
        TcpHeader t = new TcpHeader().wrap(m, 34);
        t.dataOffset(7);
        assertEquals(DropReason.BAD_DATA_OFFSET, parse(len));
        assertEquals(0, out.payloadLength(), "a refused segment leaves no payload behind");
    }

    @Test
    @DisplayName("ICMP: 8 bytes are a message; a bad checksum is skipped only by TRUST_DEVICE or the backend's flag")
    void icmpPolicies() {
        new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_IPV4);
        new Ipv4Header().wrap(m, 14).versionAndHeaderLength(20).totalLength(28).ttl(64)
                .protocol(Ipv4Header.PROTO_ICMP).source(Frames.IP_A).destination(Frames.IP_B).fillChecksum();
        IcmpHeader icmp = new IcmpHeader().wrap(m, 34).type(IcmpHeader.TYPE_ECHO_REPLY).code(0).identifier(1)
                .sequence(2).fillChecksum(8);
        assertEquals(DropReason.NONE, parse(42));
        assertEquals(ParsedFrame.Kind.ICMP, out.kind());
        assertEquals(2, out.icmp().sequence());
        icmp.checksum(icmp.checksum() ^ 0x0100);
        assertEquals(DropReason.BAD_ICMP_CHECKSUM, parse(42));
        assertEquals(DropReason.BAD_ICMP_CHECKSUM, strict.parse(m, 0, 42, FrameParser.RX_CSUM_PARTIAL, out),
                "STRICT ignores the flag");
        FrameParser flag = new FrameParser(ChecksumPolicy.TRUST_FLAG);
        assertEquals(ChecksumPolicy.TRUST_FLAG, flag.policy());
        assertEquals(DropReason.BAD_ICMP_CHECKSUM, flag.parse(m, 0, 42, 0, out));
        assertEquals(DropReason.NONE, flag.parse(m, 0, 42, FrameParser.RX_CSUM_PARTIAL, out));
        FrameParser partial = new FrameParser(ChecksumPolicy.ACCEPT_PARTIAL);
        assertEquals(DropReason.BAD_ICMP_CHECKSUM, partial.parse(m, 0, 42, FrameParser.RX_CSUM_PARTIAL, out),
                "ICMP has no pseudo-header: a partial value means nothing");
        assertEquals(DropReason.NONE, new FrameParser(ChecksumPolicy.TRUST_DEVICE).parse(m, 0, 42, 0, out));
    }

    @Test
    @DisplayName("TCP checksum under ACCEPT_PARTIAL: a right sum, or exactly the unfinished pseudo-header value")
    void acceptPartial() {
        int len = Frames.tcp(m, TcpHeader.ACK, 1, 1, new byte[0], Frames.bytes(7));
        FrameParser partial = new FrameParser(ChecksumPolicy.ACCEPT_PARTIAL);
        assertEquals(DropReason.NONE, partial.parse(m, 0, len, 0, out), "a finished checksum");
        TcpHeader t = new TcpHeader().wrap(m, 34);
        int unfinished = Checksum.partialChecksum(Frames.IP_A, Frames.IP_B, Ipv4Header.PROTO_TCP, 21);
        t.checksum(unfinished);
        assertEquals(DropReason.NONE, partial.parse(m, 0, len, 0, out));
        t.checksum(unfinished + 1);
        assertEquals(DropReason.BAD_TCP_CHECKSUM, partial.parse(m, 0, len, 0, out));
        t.checksum(Checksum.partialChecksum(Frames.IP_A, Frames.IP_B, Ipv4Header.PROTO_TCP, 20));
        assertEquals(DropReason.BAD_TCP_CHECKSUM, partial.parse(m, 0, len, 0, out), "the L4 length counts");
    }

    @Test
    @DisplayName("a bare segment (no Ethernet, no IP): parseV4 reads it and checks the pseudo-header checksum")
    void bareSegment() {
        int len = Frames.tcp(m, TcpHeader.SYN, 9, 0, Frames.bytes(2, 4, 5, 0xB4), Frames.bytes(1, 2, 3));
        int tcpLen = len - 34;
        TcpSegmentView v = new TcpSegmentView();
        assertEquals(DropReason.NONE, v.parseV4(m, 34, tcpLen, Frames.IP_A, Frames.IP_B));
        assertEquals(9, v.seq());
        assertEquals(1460, v.options().mss());
        assertEquals(3, v.payloadLength());
        assertEquals(58, v.payloadOffset());
        assertEquals(24, v.tcpHeaderLength());
        assertEquals(4, v.segmentLength());
        assertEquals(TcpHeader.SYN, v.flags());
        assertEquals(64240, v.window());
        assertEquals(0, v.ack());
        assertEquals(34, v.tcp().offset());
        assertEquals(DropReason.BAD_TCP_CHECKSUM, v.parseV4(m, 34, tcpLen, Frames.IP_A, Frames.IP_A));
        assertEquals(DropReason.TRUNCATED_TCP, v.parseV4(m, 34, 19, Frames.IP_A, Frames.IP_B));
        assertEquals(0, v.payloadLength());
        assertEquals(DropReason.BAD_DATA_OFFSET, v.parseV4(m, 34, 23, Frames.IP_A, Frames.IP_B));
        m.set(ValueLayout.JAVA_BYTE, 55, (byte) 40); // the MSS option claims 40 bytes
        new TcpHeader().wrap(m, 34).checksum(0).fillChecksum(tcpLen, Frames.IP_A, Frames.IP_B);
        // tcp_parse_options(): a malformed option ends the walk, the segment stands
        assertEquals(DropReason.NONE, v.parseV4(m, 34, tcpLen, Frames.IP_A, Frames.IP_B));
        assertTrue(v.options().malformed());
        assertEquals(3, v.payloadLength());
    }
}
