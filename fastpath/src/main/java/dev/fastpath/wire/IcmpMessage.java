package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * An ICMP message as a value (RFC 792). {@code restOfHeader} is the second 32-bit word: identifier
 * and sequence for echo, unused or next-hop MTU for destination unreachable. {@code body} is the echo
 * data or the quoted datagram.
 *
 * @param type         the type
 * @param code         the code
 * @param checksum     the checksum as stored
 * @param restOfHeader the header's second word
 * @param body         everything after the 8-byte header
 */
public record IcmpMessage(int type, int code, int checksum, int restOfHeader, byte[] body) {

    /** Copies the body. */
    public IcmpMessage {
        body = body.clone();
    }

    /**
     * @param segment memory holding the message
     * @param offset  where it starts
     * @param length  its length (the IPv4 payload length)
     * @return the message
     * @throws MalformedPacketException when shorter than 8 bytes
     */
    public static IcmpMessage parse(MemorySegment segment, long offset, int length) throws MalformedPacketException {
        Bytes.require(length >= IcmpHeader.LENGTH, DropReason.TRUNCATED_ICMP, length + " bytes");
        IcmpHeader h = new IcmpHeader().wrap(segment, offset);
        return new IcmpMessage(h.type(), h.code(), h.checksum(), Net.i32(segment, offset + IcmpHeader.IDENTIFIER),
                Bytes.copy(segment, offset + IcmpHeader.LENGTH, length - IcmpHeader.LENGTH));
    }

    /** @return the identifier (echo) */
    public int identifier() {
        return restOfHeader >>> 16;
    }

    /** @return the sequence number (echo) */
    public int sequence() {
        return restOfHeader & 0xFFFF;
    }

    /** @return the message's length */
    public int length() {
        return IcmpHeader.LENGTH + body.length;
    }

    /**
     * Writes the message with the stored checksum.
     *
     * @param segment where to write
     * @param offset  where it starts
     * @return the bytes written
     */
    public int emit(MemorySegment segment, long offset) {
        new IcmpHeader().wrap(segment, offset).type(type).code(code).checksum(checksum);
        Net.i32(segment, offset + IcmpHeader.IDENTIFIER, restOfHeader);
        Bytes.put(segment, offset + IcmpHeader.LENGTH, body);
        return length();
    }

    /** @return whether the stored checksum is right */
    public boolean checksumValid() {
        MemorySegment m = MemorySegment.ofArray(new byte[length()]);
        emit(m, 0);
        return Checksum.sum16(m, 0, length(), 0) == 0xFFFF;
    }

    /** @return a copy carrying the right checksum */
    public IcmpMessage withComputedChecksum() {
        MemorySegment m = MemorySegment.ofArray(new byte[length()]);
        new IcmpMessage(type, code, 0, restOfHeader, body).emit(m, 0);
        return new IcmpMessage(type, code, Checksum.fold(Checksum.sum16(m, 0, length(), 0)), restOfHeader, body);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IcmpMessage m && m.type == type && m.code == code && m.checksum == checksum
                && m.restOfHeader == restOfHeader && Arrays.equals(m.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, code, checksum, restOfHeader, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "IcmpMessage[type=" + type + ", code=" + code + ", csum=0x" + Integer.toHexString(checksum)
                + ", rest=0x" + Integer.toHexString(restOfHeader) + ", body=" + Bytes.hex(body) + "]";
    }
}
