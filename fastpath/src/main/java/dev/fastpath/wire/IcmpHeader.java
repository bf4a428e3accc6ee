package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * ICMP message header (RFC 792), a flyweight: echo request/reply, destination unreachable and time
 * exceeded.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Echo: Identifier             |  Echo: Sequence Number        |
 * |  Unreachable / Time exceeded: unused (next-hop MTU for code 4)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Echo: data …   Errors: the offending IP header + 8 bytes …   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class IcmpHeader {

    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int IDENTIFIER = 4;
    public static final int SEQUENCE = 6;
    public static final int NEXT_HOP_MTU = 6;
    /** Where the quoted datagram starts in an error message. */
    public static final int QUOTED_DATAGRAM = 8;
    public static final int LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    private MemorySegment segment;
    private long base;

    /**
     * Points this view at an ICMP message.
     *
     * @param buffer the memory
     * @param offset where the ICMP header starts
     * @return this
     */
    public IcmpHeader wrap(MemorySegment buffer, long offset) {
        this.segment = buffer;
        this.base = offset;
        return this;
    }

    /** @return the offset of the header in its buffer */
    public long offset() {
        return base;
    }

    /** @return the message type */
    public int type() {
        return Net.u8(segment, base + TYPE);
    }

    /**
     * @param type the message type
     * @return this
     */
    public IcmpHeader type(int type) {
        Net.u8(segment, base + TYPE, type);
        return this;
    }

    /** @return the code */
    public int code() {
        return Net.u8(segment, base + CODE);
    }

    /**
     * @param code the code
     * @return this
     */
    public IcmpHeader code(int code) {
        Net.u8(segment, base + CODE, code);
        return this;
    }

    /** @return the checksum as stored */
    public int checksum() {
        return Net.u16(segment, base + CHECKSUM);
    }

    /**
     * @param checksum the checksum to store
     * @return this
     */
    public IcmpHeader checksum(int checksum) {
        Net.u16(segment, base + CHECKSUM, checksum);
        return this;
    }

    /** @return the echo identifier */
    public int identifier() {
        return Net.u16(segment, base + IDENTIFIER);
    }

    /**
     * @param id the echo identifier
     * @return this
     */
    public IcmpHeader identifier(int id) {
        Net.u16(segment, base + IDENTIFIER, id);
        return this;
    }

    /** @return the echo sequence number */
    public int sequence() {
        return Net.u16(segment, base + SEQUENCE);
    }

    /**
     * @param sequence the echo sequence number
     * @return this
     */
    public IcmpHeader sequence(int sequence) {
        Net.u16(segment, base + SEQUENCE, sequence);
        return this;
    }

    /** @return the next-hop MTU of a "fragmentation needed" message */
    public int nextHopMtu() {
        return Net.u16(segment, base + NEXT_HOP_MTU);
    }

    /** @return the offset of the quoted datagram of an error message */
    public long quotedDatagramOffset() {
        return base + QUOTED_DATAGRAM;
    }

    /** @return whether this type quotes an offending datagram (unreachable, time exceeded) */
    public boolean isError() {
        int t = type();
        return t == TYPE_DEST_UNREACHABLE || t == TYPE_TIME_EXCEEDED;
    }

    /**
     * Computes and stores the checksum over the whole message.
     *
     * @param length the ICMP message's length in bytes
     * @return this
     */
    public IcmpHeader fillChecksum(int length) {
        checksum(0);
        checksum(Checksum.fold(Checksum.sum16(segment, base, length, 0)));
        return this;
    }
}
