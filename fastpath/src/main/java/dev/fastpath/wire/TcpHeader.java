package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * TCP header (RFC 9293 §3.1), a flyweight.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpHeader {

    /** Field offsets (suffixed, since the flag constants take the short names). */
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_LENGTH = 20;
    /** Data offset is 4 bits of 32-bit words: at most 60 bytes, so at most 40 bytes of options. */
    public static final int MAX_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private MemorySegment segment;
    private long base;

    /**
     * Points this view at a header.
     *
     * @param buffer the memory holding the segment
     * @param offset where the TCP header starts
     * @return this
     */
    public TcpHeader wrap(MemorySegment buffer, long offset) {
        this.segment = buffer;
        this.base = offset;
        return this;
    }

    /** @return the buffer this view reads */
    public MemorySegment segment() {
        return segment;
    }

    /** @return the offset of the header in {@link #segment()} */
    public long offset() {
        return base;
    }

    /** @return the source port */
    public int sourcePort() {
        return Net.u16(segment, base + SOURCE_PORT_OFFSET);
    }

    /**
     * @param port the source port
     * @return this
     */
    public TcpHeader sourcePort(int port) {
        Net.u16(segment, base + SOURCE_PORT_OFFSET, port);
        return this;
    }

    /** @return the destination port */
    public int destinationPort() {
        return Net.u16(segment, base + DESTINATION_PORT_OFFSET);
    }

    /**
     * @param port the destination port
     * @return this
     */
    public TcpHeader destinationPort(int port) {
        Net.u16(segment, base + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** @return the sequence number */
    public int seq() {
        return Net.i32(segment, base + SEQ_OFFSET);
    }

    /**
     * @param seq the sequence number
     * @return this
     */
    public TcpHeader seq(int seq) {
        Net.i32(segment, base + SEQ_OFFSET, seq);
        return this;
    }

    /** @return the acknowledgment number */
    public int ack() {
        return Net.i32(segment, base + ACK_OFFSET);
    }

    /**
     * @param ack the acknowledgment number
     * @return this
     */
    public TcpHeader ack(int ack) {
        Net.i32(segment, base + ACK_OFFSET, ack);
        return this;
    }

    /** @return the data offset in 32-bit words */
    public int dataOffset() {
        return Net.u8(segment, base + DATA_OFFSET_OFFSET) >>> 4;
    }

    /** @return the four bits after the data offset (RFC 9293 "Rsrvd"; bit 0 is AccECN's AE) */
    public int reservedBits() {
        return Net.u8(segment, base + DATA_OFFSET_OFFSET) & 0x0F;
    }

    /**
     * Sets the data offset (the reserved bits are cleared).
     *
     * @param words the header length in 32-bit words (5..15)
     * @return this
     */
    public TcpHeader dataOffset(int words) {
        Net.u8(segment, base + DATA_OFFSET_OFFSET, words << 4);
        return this;
    }

    /** @return the header length in bytes (data offset × 4) */
    public int headerLength() {
        return dataOffset() << 2;
    }

    /** @return the eight flag bits (CWR … FIN) */
    public int flags() {
        return Net.u8(segment, base + FLAGS_OFFSET);
    }

    /**
     * @param flags the eight flag bits
     * @return this
     */
    public TcpHeader flags(int flags) {
        Net.u8(segment, base + FLAGS_OFFSET, flags);
        return this;
    }

    /** @return the window field (unscaled) */
    public int window() {
        return Net.u16(segment, base + WINDOW_OFFSET);
    }

    /**
     * @param window the window field (already scaled down)
     * @return this
     */
    public TcpHeader window(int window) {
        Net.u16(segment, base + WINDOW_OFFSET, window);
        return this;
    }

    /** @return the checksum as stored */
    public int checksum() {
        return Net.u16(segment, base + CHECKSUM_OFFSET);
    }

    /**
     * @param checksum the checksum to store
     * @return this
     */
    public TcpHeader checksum(int checksum) {
        Net.u16(segment, base + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** @return the urgent pointer */
    public int urgentPointer() {
        return Net.u16(segment, base + URGENT_POINTER_OFFSET);
    }

    /**
     * @param pointer the urgent pointer
     * @return this
     */
    public TcpHeader urgentPointer(int pointer) {
        Net.u16(segment, base + URGENT_POINTER_OFFSET, pointer);
        return this;
    }

    /** @return the offset of the first option byte in {@link #segment()} */
    public long optionsOffset() {
        return base + OPTIONS_OFFSET;
    }

    /** @return the number of option bytes (header length − 20) */
    public int optionsLength() {
        return headerLength() - MIN_LENGTH;
    }

    /**
     * Computes and stores the checksum over the header and {@code tcpLength − header} bytes of payload
     * that follow it, with the IPv4 pseudo-header.
     *
     * @param tcpLength header plus payload, in bytes
     * @param srcIp     the IPv4 source address
     * @param dstIp     the IPv4 destination address
     * @return this
     */
    public TcpHeader fillChecksum(int tcpLength, int srcIp, int dstIp) {
        checksum(0);
        checksum(Checksum.tcpChecksum(segment, base, tcpLength, srcIp, dstIp));
        return this;
    }

    /**
     * Formats flags the way tcpdump and packetdrill do ({@code S}, {@code S.}, {@code F.}, {@code R}, {@code P.}).
     *
     * @param flags the flag bits
     * @return the short notation
     */
    public static String formatFlags(int flags) {
        StringBuilder sb = new StringBuilder(8);
        if ((flags & FIN) != 0) {
            sb.append('F');
        }
        if ((flags & SYN) != 0) {
            sb.append('S');
        }
        if ((flags & RST) != 0) {
            sb.append('R');
        }
        if ((flags & PSH) != 0) {
            sb.append('P');
        }
        if ((flags & URG) != 0) {
            sb.append('U');
        }
        if ((flags & ECE) != 0) {
            sb.append('E');
        }
        if ((flags & CWR) != 0) {
            sb.append('W');
        }
        if ((flags & ACK) != 0) {
            sb.append('.');
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }
}
