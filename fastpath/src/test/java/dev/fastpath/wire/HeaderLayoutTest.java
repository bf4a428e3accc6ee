package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each flyweight reads and writes its fields at the byte offsets and in the byte order its RFC draws
 * (network order, big-endian): a header is written byte by byte from the RFC's picture and read through
 * the view, then written through the view and compared byte by byte. Views sit at an odd offset so a
 * field read relative to the wrong base shows.
 */
class HeaderLayoutTest {

    private static final int AT = 3;

    private static MemorySegment bytesAt(int... values) {
        byte[] b = new byte[AT + values.length + 4];
        for (int i = 0; i < values.length; i++) {
            b[AT + i] = (byte) values[i];
        }
        return MemorySegment.ofArray(b);
    }

    private static byte[] region(MemorySegment m, int length) {
        return Bytes.copy(m, AT, length);
    }

    @Test
    @DisplayName("Ethernet II (IEEE 802.3): destination 0..5, source 6..11, EtherType 12..13")
    void ethernet() {
        MemorySegment m = bytesAt(0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x0A, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x08, 0x06);
        EthernetHeader e = new EthernetHeader().wrap(m, AT);
        assertSame(m, e.segment());
        assertEquals(AT, e.offset());
        assertEquals(0x021122334455L, e.destination());
        assertEquals(0x0ABBCCDDEEFFL, e.source());
        assertEquals(EthernetHeader.ETHERTYPE_ARP, e.etherType());
        MemorySegment w = bytesAt(new int[14]);
        new EthernetHeader().wrap(w, AT).destination(0xFFFFFFFFFFFFL).source(0x0200C6120001L).etherType(0x88A8);
        assertArrayEquals(Frames.bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x00, 0xC6, 0x12, 0x00, 0x01, 0x88,
                0xA8), region(w, 14));
    }

    @Test
    @DisplayName("MAC text: lower-case colon form; parse takes ':' or '-' and refuses anything else")
    void macText() {
        assertEquals("02:00:c6:12:00:0a", EthernetHeader.formatMac(0x0200C612000AL));
        assertEquals("ff:ff:ff:ff:ff:ff", EthernetHeader.formatMac(EthernetHeader.BROADCAST));
        assertEquals("00:00:00:00:00:00", EthernetHeader.formatMac(0));
        assertEquals(0x0200C612000AL, EthernetHeader.parseMac(" 02:00:C6:12:00:0a "));
        assertEquals(0xA0B0C0D0E0F0L, EthernetHeader.parseMac("a0-b0-c0-d0-e0-f0"));
        assertEquals(0x010203040506L, EthernetHeader.parseMac("1:2:3:4:5:6"));
        for (String bad : new String[] {"02:00:c6:12:00", "02:00:c6:12:00:0a:0b", "02::c6:12:00:0a",
            "002:00:c6:12:00:0a",
            "0g:00:c6:12:00:0a", ""}) {
            assertThrows(IllegalArgumentException.class, () -> EthernetHeader.parseMac(bad), bad);
        }
    }

    @Test
    @DisplayName("ARP (RFC 826) for Ethernet/IPv4: htype, ptype, hlen, plen, op, sha, spa, tha, tpa")
    void arp() {
        MemorySegment m = bytesAt(0, 1, 0x08, 0x00, 6, 4, 0, 2,
                0x02, 0, 0, 0, 0, 0x01, 198, 18, 0, 1,
                0x02, 0, 0, 0, 0, 0x02, 198, 18, 0, 2);
        ArpHeader a = new ArpHeader().wrap(m, AT);
        assertEquals(ArpHeader.HTYPE_ETHERNET, a.hardwareType());
        assertEquals(EthernetHeader.ETHERTYPE_IPV4, a.protocolType());
        assertEquals(6, a.hardwareLength());
        assertEquals(4, a.protocolLength());
        assertEquals(ArpHeader.OP_REPLY, a.operation());
        assertEquals(0x020000000001L, a.senderMac());
        assertEquals(0xC6120001, a.senderIp());
        assertEquals(0x020000000002L, a.targetMac());
        assertEquals(0xC6120002, a.targetIp());
        MemorySegment w = bytesAt(new int[28]);
        new ArpHeader().wrap(w, AT).ethernetIpv4().operation(ArpHeader.OP_REPLY).senderMac(0x020000000001L)
                .senderIp(0xC6120001).targetMac(0x020000000002L).targetIp(0xC6120002);
        assertArrayEquals(region(m, 28), region(w, 28));
    }

    @Test
    @DisplayName("IPv4 (RFC 791 §3.1): every field at its offset; DF, MF and the fragment offset split the flags word")
    void ipv4() {
        MemorySegment m = bytesAt(0x46, 0xB8, 0x05, 0xDC, 0xAB, 0xCD, 0x3F, 0xFF, 0x40, 0x06, 0x00, 0x00,
                198, 18, 0, 1, 198, 19, 255, 254, 1, 1, 1, 0);
        Ipv4Header h = new Ipv4Header().wrap(m, AT);
        assertSame(m, h.segment());
        assertEquals(AT, h.offset());
        assertEquals(4, h.version());
        assertEquals(6, h.ihl());
        assertEquals(24, h.headerLength());
        assertEquals(0xB8, h.tos());
        assertEquals(1500, h.totalLength());
        assertEquals(0xABCD, h.identification());
        assertEquals(0x3FFF, h.flagsFragment());
        assertFalse(h.dontFragment());
        assertTrue(h.moreFragments());
        assertEquals(0x1FFF, h.fragmentOffset());
        assertEquals(64, h.ttl());
        assertEquals(Ipv4Header.PROTO_TCP, h.protocol());
        assertEquals(0xC6120001, h.source());
        assertEquals(0xC613FFFE, h.destination());
        h.flagsFragment(Ipv4Header.FLAG_DF);
        assertTrue(h.dontFragment());
        assertFalse(h.moreFragments());
        assertEquals(0, h.fragmentOffset());

        MemorySegment w = bytesAt(new int[24]);
        Ipv4Header v = new Ipv4Header().wrap(w, AT).versionAndHeaderLength(24).tos(0xB8).totalLength(1500)
                .identification(0xABCD).flagsFragment(0x3FFF).ttl(64).protocol(6).source(0xC6120001)
                .destination(0xC613FFFE);
        Bytes.put(w, AT + 20, Frames.bytes(1, 1, 1, 0));
        v.checksum(0xBEEF);
        h.flagsFragment(0x3FFF).checksum(0xBEEF);
        assertArrayEquals(region(m, 24), region(w, 24));
    }

    @Test
    @DisplayName("IPv4 header checksum (RFC 791, RFC 1071): covers options, stored field counted as zero")
    void ipv4Checksum() {
        MemorySegment m = bytesAt(0x46, 0x00, 0x00, 0x2C, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xAA, 0xAA,
                198, 18, 0, 1, 198, 18, 0, 2, 1, 1, 1, 0);
        Ipv4Header h = new Ipv4Header().wrap(m, AT);
        // By hand: 4600+002c+1234+4000+4006+c612+0001+c612+0002+0101+0100 = 0x2668e -> 0x6690, complement 0x996f.
        assertEquals(0x996F, h.computeChecksum(), "whatever the field holds");
        assertFalse(h.checksumValid());
        h.fillChecksum();
        assertEquals(0x996F, h.checksum());
        assertTrue(h.checksumValid());
        assertEquals(0x996F, h.computeChecksum());
        Net.u8(m, AT + 23, 1); // the options are covered
        assertFalse(h.checksumValid());
    }

    @Test
    @DisplayName("dotted quads: formatted unsigned; parsed strictly (four decimal octets 0..255)")
    void addressText() {
        assertEquals("198.18.0.1", Ipv4Header.formatAddress(0xC6120001));
        assertEquals("255.255.255.255", Ipv4Header.formatAddress(-1));
        assertEquals("0.0.0.0", Ipv4Header.formatAddress(0));
        assertEquals(0xC613FFFE, Ipv4Header.parseAddress(" 198.19.255.254 "));
        assertEquals(-1, Ipv4Header.parseAddress("255.255.255.255"));
        for (String bad : new String[] {"198.18.0", "198.18.0.1.2", "198.18..1", "198.18.0.256", "198.18.0.0001",
            "198.18.0.-1", "198.18.0.a", "198.18.0.1."}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Header.parseAddress(bad), bad);
        }
    }

    @Test
    @DisplayName("ICMP (RFC 792): type, code, checksum, identifier/sequence or next-hop MTU, the quoted datagram at 8")
    void icmp() {
        MemorySegment m = bytesAt(3, 4, 0x12, 0x34, 0xAB, 0xCD, 0x05, 0xDC, 0x45);
        IcmpHeader h = new IcmpHeader().wrap(m, AT);
        assertEquals(AT, h.offset());
        assertEquals(IcmpHeader.TYPE_DEST_UNREACHABLE, h.type());
        assertEquals(IcmpHeader.CODE_FRAGMENTATION_NEEDED, h.code());
        assertEquals(0x1234, h.checksum());
        assertEquals(0xABCD, h.identifier());
        assertEquals(0x05DC, h.sequence());
        assertEquals(1500, h.nextHopMtu(), "RFC 1191: the MTU in the low half of the second word");
        assertEquals(AT + 8, h.quotedDatagramOffset());
        assertTrue(h.isError());
        assertTrue(h.type(IcmpHeader.TYPE_TIME_EXCEEDED).isError());
        assertFalse(h.type(IcmpHeader.TYPE_ECHO_REQUEST).isError());
        assertFalse(h.type(IcmpHeader.TYPE_ECHO_REPLY).isError());
        MemorySegment w = bytesAt(new int[8]);
        new IcmpHeader().wrap(w, AT).type(3).code(13).checksum(0x1234).identifier(0xABCD).sequence(0x05DC);
        assertArrayEquals(Frames.bytes(3, 13, 0x12, 0x34, 0xAB, 0xCD, 0x05, 0xDC), region(w, 8));
    }

    @Test
    @DisplayName("ICMP checksum: over header and body, odd length padded; the stored field counted as zero")
    void icmpChecksum() {
        MemorySegment m = bytesAt(8, 0, 0xFF, 0xFF, 0, 7, 0, 1, 0xAB);
        IcmpHeader h = new IcmpHeader().wrap(m, AT).fillChecksum(9);
        // 0800+0000+0007+0001+ab00 = 0xb308, complement 0x4cf7.
        assertEquals(0x4CF7, h.checksum());
        assertEquals(0xFFFF, Checksum.sum16(m, AT, 9, 0));
    }

    @Test
    @DisplayName("TCP (RFC 9293 §3.1): ports, seq, ack, data offset, flags, window, checksum, urgent pointer")
    void tcp() {
        MemorySegment m = bytesAt(0x9C, 0x40, 0x00, 0x50, 0x80, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFE,
                0x60, 0xC3, 0xFA, 0xF0, 0x12, 0x34, 0x00, 0x07, 2, 4, 5, 0xB4);
        TcpHeader t = new TcpHeader().wrap(m, AT);
        assertSame(m, t.segment());
        assertEquals(AT, t.offset());
        assertEquals(40000, t.sourcePort());
        assertEquals(80, t.destinationPort());
        assertEquals(0x80000001, t.seq());
        assertEquals(0xFFFFFFFE, t.ack());
        assertEquals(6, t.dataOffset());
        assertEquals(24, t.headerLength());
        assertEquals(4, t.optionsLength());
        assertEquals(AT + 20, t.optionsOffset());
        assertEquals(TcpHeader.CWR | TcpHeader.ECE | TcpHeader.SYN | TcpHeader.FIN, t.flags());
        assertEquals(64240, t.window());
        assertEquals(0x1234, t.checksum());
        assertEquals(7, t.urgentPointer());
        MemorySegment w = bytesAt(new int[24]);
        TcpHeader v = new TcpHeader().wrap(w, AT);
        assertSame(v, v.sourcePort(40000).destinationPort(80).seq(0x80000001).ack(0xFFFFFFFE)
                .dataOffset(6).flags(0xC3).window(64240).checksum(0x1234).urgentPointer(7), "setters chain");
        Bytes.put(w, AT + 20, Frames.bytes(2, 4, 5, 0xB4));
        assertArrayEquals(region(m, 24), region(w, 24));
    }

    @Test
    @DisplayName("TCP checksum: pseudo-header + header + odd-length payload; fillChecksum ignores the old field")
    void tcpChecksum() {
        // 198.18.0.1:1 > 198.18.0.2:2 seq 0 ack 0, data offset 5, flags ACK, window 0, payload 0xFF (21 bytes)
        MemorySegment m = bytesAt(0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x10, 0, 0, 0xEE, 0xEE, 0, 0, 0xFF);
        TcpHeader t = new TcpHeader().wrap(m, AT).fillChecksum(21, 0xC6120001, 0xC6120002);
        // Pseudo: c612+0001+c612+0002+0006+0015 = 0x18c42; header+payload: 0001+0002+5010+ff00 = 0x14f13
        // total 0x2db55 -> 0xdb57, complement 0x24a8.
        assertEquals(0x24A8, t.checksum());
        assertEquals(0x24A8, Checksum.tcpChecksum(bytesAtZeroSum(m), AT, 21, 0xC6120001, 0xC6120002));
        assertTrue(Checksum.verifyTcp(m, AT, 21, 0xC6120001, 0xC6120002));
        assertFalse(Checksum.verifyTcp(m, AT, 21, 0xC6120001, 0xC6120003), "the pseudo-header's address counts");
        assertFalse(Checksum.verifyTcp(m, AT, 20, 0xC6120001, 0xC6120002), "the length counts");
    }

    private static MemorySegment bytesAtZeroSum(MemorySegment m) {
        MemorySegment c = MemorySegment.ofArray(m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        new TcpHeader().wrap(c, AT).checksum(0);
        return c;
    }

    @Test
    @DisplayName("flags as tcpdump prints them: F S R P U E W then '.' for ACK, '-' for none")
    void flagText() {
        assertEquals("-", TcpHeader.formatFlags(0));
        assertEquals("S.", TcpHeader.formatFlags(TcpHeader.SYN | TcpHeader.ACK));
        assertEquals("FSRPUEW.", TcpHeader.formatFlags(0xFF));
        assertEquals("F", TcpHeader.formatFlags(TcpHeader.FIN));
        assertEquals("R", TcpHeader.formatFlags(TcpHeader.RST));
        assertEquals("P", TcpHeader.formatFlags(TcpHeader.PSH));
        assertEquals("U", TcpHeader.formatFlags(TcpHeader.URG));
        assertEquals("E", TcpHeader.formatFlags(TcpHeader.ECE));
        assertEquals("W", TcpHeader.formatFlags(TcpHeader.CWR));
        assertEquals(".", TcpHeader.formatFlags(TcpHeader.ACK));
    }
}
