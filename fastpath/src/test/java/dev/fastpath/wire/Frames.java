package dev.fastpath.wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Builds test frames with the flyweights (Ethernet + IPv4 + TCP), checksums filled in. */
final class Frames {

    static final long MAC_A = 0x02_00_00_00_00_01L;
    static final long MAC_B = 0x02_00_00_00_00_02L;
    static final int IP_A = 0xC6120001; // 198.18.0.1
    static final int IP_B = 0xC6120002; // 198.18.0.2

    private Frames() {
    }

    static MemorySegment segment(int size) {
        return Arena.ofAuto().allocate(size, 8);
    }

    /**
     * Writes Ethernet + IPv4 + TCP with the given options bytes and payload at offset 0.
     *
     * @return the frame length
     */
    static int tcp(MemorySegment m, int flags, int seq, int ack, byte[] options, byte[] payload) {
        int optLen = options.length;
        int tcpLen = TcpHeader.MIN_LENGTH + optLen + payload.length;
        new EthernetHeader().wrap(m, 0).destination(MAC_B).source(MAC_A).etherType(EthernetHeader.ETHERTYPE_IPV4);
        Ipv4Header ip = new Ipv4Header().wrap(m, EthernetHeader.LENGTH);
        ip.versionAndHeaderLength(20).tos(0).totalLength(20 + tcpLen).identification(0x1234)
                .flagsFragment(Ipv4Header.FLAG_DF).ttl(64).protocol(Ipv4Header.PROTO_TCP).source(IP_A).destination(IP_B)
                .fillChecksum();
        long t = EthernetHeader.LENGTH + 20;
        TcpHeader tcp = new TcpHeader().wrap(m, t);
        tcp.sourcePort(40000).destinationPort(80).seq(seq).ack(ack).dataOffset((20 + optLen) / 4).flags(flags)
                .window(64240).urgentPointer(0);
        MemorySegment.copy(MemorySegment.ofArray(options), 0, m, t + 20, optLen);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, m, t + 20 + optLen, payload.length);
        tcp.fillChecksum(tcpLen, IP_A, IP_B);
        return EthernetHeader.LENGTH + 20 + tcpLen;
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
