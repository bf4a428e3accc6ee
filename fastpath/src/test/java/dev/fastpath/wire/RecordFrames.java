package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** Builds whole frames from the value records, checksums computed. */
final class RecordFrames {
    static final long MAC_A = 0x02_00_c6_12_00_01L;
    static final long MAC_B = 0x02_00_c6_12_00_02L;
    static final int IP_A = 0xC6120001; // 198.18.0.1
    static final int IP_B = 0xC6120002; // 198.18.0.2

    private RecordFrames() {
    }

    static byte[] ethernet(List<Integer> tags, int etherType, byte[] l3) {
        EthernetFrame f = new EthernetFrame(MAC_B, MAC_A, tags, etherType, l3);
        byte[] out = new byte[f.length()];
        f.emit(MemorySegment.ofArray(out), 0);
        return out;
    }

    static byte[] ipv4(int protocol, byte[] l4) {
        Ipv4Packet p = Ipv4Packet.of(IP_A, IP_B, protocol, l4);
        byte[] out = new byte[p.totalLength()];
        p.emit(MemorySegment.ofArray(out), 0);
        return out;
    }

    static byte[] tcpFrame(List<Integer> tags, TcpSegment segment) {
        TcpSegment s = segment.withComputedChecksum(IP_A, IP_B);
        byte[] l4 = new byte[s.length()];
        s.emit(MemorySegment.ofArray(l4), 0);
        return ethernet(tags, EthernetHeader.ETHERTYPE_IPV4, ipv4(Ipv4Header.PROTO_TCP, l4));
    }

    static byte[] icmpFrame(IcmpMessage message) {
        IcmpMessage m = message.withComputedChecksum();
        byte[] l4 = new byte[m.length()];
        m.emit(MemorySegment.ofArray(l4), 0);
        return ethernet(List.of(), EthernetHeader.ETHERTYPE_IPV4, ipv4(Ipv4Header.PROTO_ICMP, l4));
    }

    static byte[] arpFrame(ArpPacket arp) {
        byte[] l3 = new byte[ArpHeader.LENGTH];
        arp.emit(MemorySegment.ofArray(l3), 0);
        return ethernet(List.of(), EthernetHeader.ETHERTYPE_ARP, l3);
    }

    /** A SYN with every option Linux sends, a data segment with SACK blocks and an unknown option, and more. */
    static List<byte[]> variety() {
        byte[] data = new byte[700];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        return List.of(
                tcpFrame(List.of(), TcpSegment.of(40000, 80, 0x8000_0001, 0, TcpHeader.SYN, 64240, List.of(
                        new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                        new TcpOption.Timestamps(0xFFFF_FFF0L, 0), new TcpOption.Nop(),
                        new TcpOption.WindowScale(7)), new byte[0])),
                tcpFrame(List.of(), TcpSegment.of(80, 40000, 7, 0x8000_0002, TcpHeader.ACK | TcpHeader.PSH, 502,
                        List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Sack(List.of(
                                new TcpOption.SackBlock(1000, 2000), new TcpOption.SackBlock(3000, 4000))),
                                new TcpOption.Unknown(30, new byte[] {1, 2})), data)),
                tcpFrame(List.of(EthernetHeader.ETHERTYPE_VLAN << 16 | 42),
                        TcpSegment.of(40000, 80, 1, 1, TcpHeader.FIN | TcpHeader.ACK, 501, List.of(), new byte[0])),
                tcpFrame(List.of(), TcpSegment.of(40000, 80, 1, 0, TcpHeader.RST, 0, List.of(), new byte[0])),
                icmpFrame(new IcmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, 0, 0x12340001, "ping".getBytes())),
                arpFrame(new ArpPacket(ArpHeader.OP_REQUEST, MAC_A, IP_A, 0, IP_B)));
    }
}
