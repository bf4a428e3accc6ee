package dev.fastpath.io;

import dev.fastpath.lab.Lab;
import dev.fastpath.wire.Checksum;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.Ipv4Packet;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Deterministic Ethernet/IPv4/UDP test frames for the lab, 198.18.0.1:40000 → 198.18.0.2:9, numbered by a
 * sequence number carried in the payload (after a magic), with correct IPv4 and UDP checksums. Frame
 * {@code i} is the same bytes in every JVM, so a receiver checks byte-exactness by rebuilding it. Lengths
 * vary from 60 to about 1460 bytes.
 */
public final class LabFrames {

    /** UDP source port of every test frame. */
    public static final int SRC_PORT = 40000;
    /** UDP destination port (discard). */
    public static final int DST_PORT = 9;
    /** First payload word. */
    public static final int MAGIC = 0x46504C42;

    private static final int ETH = EthernetHeader.LENGTH;
    private static final int UDP = ETH + Ipv4Header.MIN_LENGTH;
    private static final int PAYLOAD = UDP + 8;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private LabFrames() {
    }

    private static int u16(MemorySegment s, long at) {
        return s.get(BE16, at) & 0xFFFF;
    }

    private static void u16(MemorySegment s, long at, int v) {
        s.set(BE16, at, (short) v);
    }

    /**
     * @param seq the frame's number
     * @return the whole Ethernet frame
     */
    public static byte[] udp(int seq) {
        int payloadLength = 18 + (seq * 131) % 1400;
        byte[] udp = new byte[8 + payloadLength];
        MemorySegment u = MemorySegment.ofArray(udp);
        u16(u, 0, SRC_PORT);
        u16(u, 2, DST_PORT);
        u16(u, 4, udp.length);
        u.set(BE32, 8, MAGIC);
        u.set(BE32, 12, seq);
        for (int k = 16; k < udp.length; k++) {
            udp[k] = (byte) (seq * 7 + k);
        }
        int sum = Checksum.fold(Checksum.sum16(u, 0, udp.length,
            Checksum.pseudoHeaderSum(Lab.IP_A_INT, Lab.IP_B_INT, Ipv4Header.PROTO_UDP, udp.length)));
        u16(u, 6, sum == 0 ? 0xFFFF : sum);
        Ipv4Packet ip = new Ipv4Packet(0, seq & 0xFFFF, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_UDP, 0,
            Lab.IP_A_INT, Lab.IP_B_INT, new byte[0], udp).withComputedChecksum();
        byte[] ipBytes = new byte[ip.totalLength()];
        ip.emit(MemorySegment.ofArray(ipBytes), 0);
        EthernetFrame eth = new EthernetFrame(Lab.MAC_B, Lab.MAC_A, List.of(), EthernetHeader.ETHERTYPE_IPV4, ipBytes);
        byte[] frame = new byte[eth.length()];
        eth.emit(MemorySegment.ofArray(frame), 0);
        return frame;
    }

    /**
     * The sequence number of a test frame, or -1 when the frame is not one.
     *
     * @param buffer memory holding the frame
     * @param offset where it starts
     * @param length its length
     * @return the sequence number, or -1
     */
    public static int sequence(MemorySegment buffer, long offset, int length) {
        if (length < PAYLOAD + 8
                || u16(buffer, offset + EthernetHeader.ETHER_TYPE) != EthernetHeader.ETHERTYPE_IPV4
                || (buffer.get(ValueLayout.JAVA_BYTE, offset + ETH + Ipv4Header.PROTOCOL) & 0xFF)
                    != Ipv4Header.PROTO_UDP
                || u16(buffer, offset + UDP) != SRC_PORT
                || buffer.get(BE32, offset + PAYLOAD) != MAGIC) {
            return -1;
        }
        return buffer.get(BE32, offset + PAYLOAD + 4);
    }

    /**
     * Whether a received frame is byte for byte test frame {@code seq}.
     *
     * @param buffer memory holding the frame
     * @param offset where it starts
     * @param length its length
     * @param seq    the frame it claims to be
     * @return true when identical
     */
    public static boolean matches(MemorySegment buffer, long offset, int length, int seq) {
        byte[] expected = udp(seq);
        return length == expected.length
            && MemorySegment.mismatch(buffer, offset, offset + length, MemorySegment.ofArray(expected), 0,
                expected.length) == -1;
    }
}
