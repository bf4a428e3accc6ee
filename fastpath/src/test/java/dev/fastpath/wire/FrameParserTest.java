package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.fastpath.io.PacketIo;

class FrameParserTest {

    private static final byte[] SYN_OPTIONS = Frames.bytes(
            2, 4, 0x05, 0xb4,           // mss 1460
            4, 2,                       // sackOK
            8, 10, 0, 0, 0, 100, 0, 0, 0, 0, // TS val 100 ecr 0
            1,                          // nop
            3, 3, 7);                   // wscale 7

    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame out = new ParsedFrame();
    private final MemorySegment m = Frames.segment(2048);

    private DropReason parse(int length) {
        return parser.parse(m, 0, length, 0, out);
    }

    private void poke8(long at, int v) {
        m.set(ValueLayout.JAVA_BYTE, at, (byte) v);
    }

    private void refillTcpChecksum(int frameLength) {
        int tcpLength = frameLength - EthernetHeader.LENGTH - 20;
        new TcpHeader().wrap(m, EthernetHeader.LENGTH + 20).checksum(0).fillChecksum(tcpLength, Frames.IP_A,
                Frames.IP_B);
    }

    private void refillIpChecksum() {
        new Ipv4Header().wrap(m, EthernetHeader.LENGTH).fillChecksum();
    }

    @Test
    @DisplayName("a Linux-style SYN parses into its fields and options")
    void parsesSyn() {
        int len = Frames.tcp(m, TcpHeader.SYN, 0x01020304, 0, SYN_OPTIONS, new byte[0]);
        assertEquals(DropReason.NONE, parse(len));
        assertEquals(ParsedFrame.Kind.TCP, out.kind());
        assertEquals(Frames.IP_A, out.srcIp());
        assertEquals(Frames.IP_B, out.dstIp());
        assertEquals(40000, out.srcPort());
        assertEquals(80, out.dstPort());
        assertEquals(0x01020304, out.seq());
        assertEquals(TcpHeader.SYN, out.flags());
        assertEquals(40, out.tcpHeaderLength());
        assertEquals(0, out.payloadLength());
        assertEquals(1, out.segmentLength());
        TcpOptions o = out.options();
        assertEquals(1460, o.mss());
        assertEquals(7, o.windowScale());
        assertTrue(o.sackPermitted());
        assertTrue(o.hasTimestamps());
        assertEquals(100, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertEquals(Frames.MAC_A, out.ethernet().source());
        assertEquals(-1, out.vlanId());
    }

    @Test
    @DisplayName("Ethernet padding after a short segment is not payload: the IPv4 total length decides")
    void paddingIsNotPayload() {
        int len = Frames.tcp(m, TcpHeader.ACK, 1, 1, new byte[0], new byte[0]);
        assertEquals(54, len);
        assertEquals(DropReason.NONE, parse(60));
        assertEquals(0, out.payloadLength());
    }

    @Test
    @DisplayName("802.1Q and 802.1ad tags are skipped; a third tag is refused")
    void vlanTags() {
        MemorySegment inner = Frames.segment(256);
        int len = Frames.tcp(inner, TcpHeader.ACK, 1, 1, new byte[0], Frames.bytes(1, 2, 3));
        // dst, src, then two tags, then the original EtherType and the rest.
        MemorySegment.copy(inner, 0, m, 0, 12);
        new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_QINQ);
        Net.u16(m, 14, 0x0064); // outer VID 100
        Net.u16(m, 16, EthernetHeader.ETHERTYPE_VLAN);
        Net.u16(m, 18, 0x00C8); // inner VID 200
        MemorySegment.copy(inner, 12, m, 20, len - 12);
        assertEquals(DropReason.NONE, parse(len + 8));
        assertEquals(100, out.vlanId());
        assertEquals(3, out.payloadLength());
        Net.u16(m, 20, EthernetHeader.ETHERTYPE_VLAN);
        assertEquals(DropReason.TOO_MANY_VLAN_TAGS, parse(len + 8));
        assertEquals(DropReason.TRUNCATED_VLAN, parse(16));
    }

    @Test
    @DisplayName("every truncation of a valid frame is a drop with a reason, never an exception")
    void everyTruncationIsADrop() {
        int len = Frames.tcp(m, TcpHeader.SYN, 7, 0, SYN_OPTIONS, Frames.bytes(9, 9, 9));
        for (int cut = 0; cut < len; cut++) {
            DropReason r = parse(cut);
            assertTrue(r != DropReason.NONE, "a frame cut to " + cut + " bytes was accepted");
        }
        assertEquals(DropReason.TRUNCATED_ETHERNET, parse(13));
        assertEquals(DropReason.TRUNCATED_IPV4, parse(14 + 19));
        assertEquals(DropReason.IP_TRUNCATED_PACKET, parse(len - 1), "total length past the frame: IpInTruncatedPkts");
    }

    @Test
    @DisplayName("IPv4 header faults as ip_rcv_core() orders them: version, IHL, checksum, then total length; "
            + "fragments are no fault (reassembly takes them)")
    void ipv4Faults() {
        int len = Frames.tcp(m, TcpHeader.ACK, 1, 1, new byte[0], new byte[0]);
        long ip = EthernetHeader.LENGTH;
        poke8(ip, 0x65);
        refillIpChecksum();
        assertEquals(DropReason.BAD_IP_VERSION, parse(len));
        poke8(ip, 0x44);
        refillIpChecksum();
        assertEquals(DropReason.BAD_IHL, parse(len));
        poke8(ip, 0x46);
        assertEquals(DropReason.BAD_IP_CHECKSUM, parse(len));
        poke8(ip, 0x45);
        new Ipv4Header().wrap(m, ip).totalLength(2000).checksum(0x1234);
        assertEquals(DropReason.BAD_IP_CHECKSUM, parse(len), "the checksum is judged before the total length");
        new Ipv4Header().wrap(m, ip).totalLength(19);
        refillIpChecksum();
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, parse(len));
        new Ipv4Header().wrap(m, ip).totalLength(2000);
        refillIpChecksum();
        assertEquals(DropReason.IP_TRUNCATED_PACKET, parse(len));
        new Ipv4Header().wrap(m, ip).totalLength(40).flagsFragment(Ipv4Header.FLAG_MF);
        refillIpChecksum();
        assertEquals(DropReason.NONE, parse(len));
        assertEquals(ParsedFrame.Kind.IPV4_FRAGMENT, out.kind());
        assertEquals(20, out.l4Length(), "the fragment's payload");
        new Ipv4Header().wrap(m, ip).flagsFragment(5);
        refillIpChecksum();
        assertEquals(DropReason.NONE, parse(len));
        assertEquals(ParsedFrame.Kind.IPV4_FRAGMENT, out.kind());
        new Ipv4Header().wrap(m, ip).flagsFragment(0).protocol(Ipv4Header.PROTO_UDP);
        refillIpChecksum();
        assertEquals(DropReason.UNSUPPORTED_PROTOCOL, parse(len));
        new EthernetHeader().wrap(m, 0).etherType(EthernetHeader.ETHERTYPE_IPV6);
        assertEquals(DropReason.NOT_IPV4, parse(len));
    }

    @Test
    @DisplayName("TCP faults: data offset below 5 or past the segment, bad checksum; lying option lengths are no drop")
    void tcpFaults() {
        int len = Frames.tcp(m, TcpHeader.SYN, 1, 0, SYN_OPTIONS, new byte[0]);
        long t = EthernetHeader.LENGTH + 20;
        TcpHeader tcp = new TcpHeader().wrap(m, t);
        tcp.dataOffset(4);
        assertEquals(DropReason.BAD_DATA_OFFSET, parse(len));
        tcp.dataOffset(15);
        assertEquals(DropReason.BAD_DATA_OFFSET, parse(len));
        tcp.dataOffset(10);
        poke8(t + 21, 40); // the MSS option claims 40 bytes: the walk ends, the segment stands
        refillTcpChecksum(len);
        assertEquals(DropReason.NONE, parse(len));
        assertTrue(out.options().malformed());
        assertEquals(-1, out.options().mss());
        poke8(t + 21, 1); // below the minimum of 2
        refillTcpChecksum(len);
        assertEquals(DropReason.NONE, parse(len));
        assertTrue(out.options().malformed());
        poke8(t + 21, 4);
        refillTcpChecksum(len);
        assertEquals(DropReason.NONE, parse(len));
        tcp.window(tcp.window() ^ 0x0101);
        assertEquals(DropReason.BAD_TCP_CHECKSUM, parse(len));
    }

    @Test
    @DisplayName("checksum policies: the backend flag, the CHECKSUM_PARTIAL value, trusting the device")
    void checksumPolicies() {
        int len = Frames.tcp(m, TcpHeader.ACK, 1, 1, new byte[0], Frames.bytes(1, 2, 3, 4));
        TcpHeader tcp = new TcpHeader().wrap(m, EthernetHeader.LENGTH + 20);
        // What a kernel peer on veth sends: only the pseudo-header sum in the field.
        tcp.checksum(Checksum.partialChecksum(Frames.IP_A, Frames.IP_B, 6, 24));
        assertEquals(DropReason.BAD_TCP_CHECKSUM, parser.parse(m, 0, len, 0, out));
        assertEquals(DropReason.BAD_TCP_CHECKSUM, parser.parse(m, 0, len, PacketIo.RX_CSUM_PARTIAL, out));
        FrameParser flag = new FrameParser(ChecksumPolicy.TRUST_FLAG);
        assertEquals(DropReason.NONE, flag.parse(m, 0, len, PacketIo.RX_CSUM_PARTIAL, out));
        assertEquals(DropReason.BAD_TCP_CHECKSUM, flag.parse(m, 0, len, 0, out));
        FrameParser partial = new FrameParser(ChecksumPolicy.ACCEPT_PARTIAL);
        assertEquals(DropReason.NONE, partial.parse(m, 0, len, 0, out));
        tcp.checksum(0x1234);
        assertEquals(DropReason.BAD_TCP_CHECKSUM, partial.parse(m, 0, len, 0, out));
        assertEquals(DropReason.NONE, new FrameParser(ChecksumPolicy.TRUST_DEVICE).parse(m, 0, len, 0, out));
    }

    @Test
    @DisplayName("ARP requests for Ethernet/IPv4 parse; other hardware types are refused")
    void arp() {
        new EthernetHeader().wrap(m, 0).destination(EthernetHeader.BROADCAST).source(Frames.MAC_A)
                .etherType(EthernetHeader.ETHERTYPE_ARP);
        ArpHeader arp = new ArpHeader().wrap(m, 14).ethernetIpv4().operation(ArpHeader.OP_REQUEST)
                .senderMac(Frames.MAC_A).senderIp(Frames.IP_A).targetMac(0).targetIp(Frames.IP_B);
        assertEquals(DropReason.NONE, parse(42));
        assertEquals(ParsedFrame.Kind.ARP, out.kind());
        assertEquals(Frames.IP_B, out.arp().targetIp());
        assertEquals(Frames.MAC_A, out.arp().senderMac());
        assertEquals(DropReason.TRUNCATED_ARP, parse(41));
        Net.u16(m, 14, 6);
        assertEquals(DropReason.UNSUPPORTED_ARP, parse(42));
        assertFalse(arp.operation() != ArpHeader.OP_REQUEST);
    }

    @Test
    @DisplayName("ICMP echo parses; a short or corrupted message is refused")
    void icmp() {
        new EthernetHeader().wrap(m, 0).destination(Frames.MAC_B).source(Frames.MAC_A)
                .etherType(EthernetHeader.ETHERTYPE_IPV4);
        new Ipv4Header().wrap(m, 14).versionAndHeaderLength(20).totalLength(20 + 12).ttl(64)
                .protocol(Ipv4Header.PROTO_ICMP).source(Frames.IP_A).destination(Frames.IP_B).fillChecksum();
        IcmpHeader icmp = new IcmpHeader().wrap(m, 34).type(IcmpHeader.TYPE_ECHO_REQUEST).code(0).identifier(7)
                .sequence(1);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, 42, 0xCAFEBABE);
        icmp.fillChecksum(12);
        assertEquals(DropReason.NONE, parse(46));
        assertEquals(ParsedFrame.Kind.ICMP, out.kind());
        assertEquals(7, out.icmp().identifier());
        poke8(45, 0);
        assertEquals(DropReason.BAD_ICMP_CHECKSUM, parse(46));
        new Ipv4Header().wrap(m, 14).totalLength(27).fillChecksum();
        assertEquals(DropReason.TRUNCATED_ICMP, parse(46));
    }
}
