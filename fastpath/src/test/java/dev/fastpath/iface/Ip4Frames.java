package dev.fastpath.iface;

import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** IPv4 frames built by hand for the input tests: options, fragments, TOS. */
final class Ip4Frames {
    static final long OUR_MAC = 0x02_00_C6_12_00_01L;
    static final long PEER_MAC = 0x02_00_C6_12_00_02L;
    static final int LOCAL = 0xC6120001;
    static final int PEER = 0xC6120002;

    private Ip4Frames() {
    }

    /** The TCP segment's bytes (checksum over the pseudo-header of PEER → LOCAL). */
    static byte[] tcpBytes(TcpSegment s) {
        byte[] f = EthernetFrame.ipv4Tcp(OUR_MAC, PEER_MAC, PEER, LOCAL, s);
        return Arrays.copyOfRange(f, EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH, f.length);
    }

    /** An Ethernet frame from the peer to us carrying one IPv4 datagram (or fragment) with a valid header. */
    static byte[] frame(int id, int flagsFragment, int tos, int protocol, byte[] options, byte[] payload) {
        int ihl = Ipv4Header.MIN_LENGTH + options.length;
        byte[] f = new byte[EthernetHeader.LENGTH + ihl + payload.length];
        MemorySegment m = MemorySegment.ofArray(f);
        new EthernetHeader().wrap(m, 0).destination(OUR_MAC).source(PEER_MAC)
                .etherType(EthernetHeader.ETHERTYPE_IPV4);
        System.arraycopy(options, 0, f, EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH, options.length);
        System.arraycopy(payload, 0, f, EthernetHeader.LENGTH + ihl, payload.length);
        new Ipv4Header().wrap(m, EthernetHeader.LENGTH).versionAndHeaderLength(ihl).tos(tos)
                .totalLength(ihl + payload.length).identification(id).flagsFragment(flagsFragment).ttl(64)
                .protocol(protocol).source(PEER).destination(LOCAL).fillChecksum();
        return f;
    }

    /** Fragment {@code [from, to)} of a TCP datagram's payload; MF unless it is the end. */
    static byte[] fragment(byte[] datagramPayload, int id, int from, int to, int tos) {
        boolean more = to < datagramPayload.length;
        int field = (more ? Ipv4Header.FLAG_MF : 0) | (from >>> 3);
        return frame(id, field, tos, Ipv4Header.PROTO_TCP, new byte[0],
                Arrays.copyOfRange(datagramPayload, from, to));
    }
}
