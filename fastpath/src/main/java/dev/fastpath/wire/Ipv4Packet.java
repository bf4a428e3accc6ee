package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 datagram as a value (RFC 791). Unlike {@link FrameParser} it keeps options and fragments
 * (a value is faithful to the bytes; policy is the fast path's business) and it does not verify the
 * checksum: {@link #headerChecksumValid()} says whether it was right, {@link #withComputedChecksum()}
 * fixes it.
 *
 * @param tos           DSCP and ECN byte
 * @param identification the identification field
 * @param flagsFragment flags (DF, MF) and fragment offset, as on the wire
 * @param ttl           time to live
 * @param protocol      the payload's protocol
 * @param checksum      the header checksum as stored
 * @param source        source address
 * @param destination   destination address
 * @param options       the options bytes (a multiple of 4, at most 40)
 * @param payload       the payload, {@code totalLength − headerLength} bytes
 */
public record Ipv4Packet(int tos, int identification, int flagsFragment, int ttl, int protocol, int checksum,
        int source, int destination, byte[] options, byte[] payload) {

    /** Copies the arrays and checks the options' length. */
    public Ipv4Packet {
        options = options.clone();
        payload = payload.clone();
        if (options.length % 4 != 0 || options.length > Ipv4Header.MAX_LENGTH - Ipv4Header.MIN_LENGTH) {
            throw new IllegalArgumentException("IPv4 options must be a multiple of 4 bytes, at most 40");
        }
    }

    /**
     * A datagram with Linux's defaults for a TCP socket: TTL 64, DF set, checksum filled.
     *
     * @param source      source address
     * @param destination destination address
     * @param protocol    the payload's protocol
     * @param payload     the payload
     * @return the datagram
     */
    public static Ipv4Packet of(int source, int destination, int protocol, byte[] payload) {
        return new Ipv4Packet(0, 0, Ipv4Header.FLAG_DF, 64, protocol, 0, source, destination, new byte[0], payload)
                .withComputedChecksum();
    }

    /**
     * @param segment memory holding the datagram
     * @param offset  where the IPv4 header starts
     * @param length  bytes available (may include link padding beyond the total length)
     * @return the datagram, its payload cut at the total length
     * @throws MalformedPacketException for the same length errors {@link FrameParser} drops
     */
    public static Ipv4Packet parse(MemorySegment segment, long offset, int length) throws MalformedPacketException {
        Bytes.require(length >= Ipv4Header.MIN_LENGTH, DropReason.TRUNCATED_IPV4, length + " bytes");
        Ipv4Header h = new Ipv4Header().wrap(segment, offset);
        Bytes.require(h.version() == 4, DropReason.BAD_IP_VERSION, "version " + h.version());
        int headerLength = h.headerLength();
        Bytes.require(headerLength >= Ipv4Header.MIN_LENGTH, DropReason.BAD_IHL, "IHL " + h.ihl());
        Bytes.require(headerLength <= length, DropReason.TRUNCATED_IPV4, "header " + headerLength);
        int total = h.totalLength();
        Bytes.require(total >= headerLength, DropReason.BAD_IP_TOTAL_LENGTH, "total " + total);
        Bytes.require(total <= length, DropReason.TRUNCATED_IPV4, "total " + total + " > " + length);
        return new Ipv4Packet(h.tos(), h.identification(), h.flagsFragment(), h.ttl(), h.protocol(), h.checksum(),
                h.source(), h.destination(),
                Bytes.copy(segment, offset + Ipv4Header.MIN_LENGTH, headerLength - Ipv4Header.MIN_LENGTH),
                Bytes.copy(segment, offset + headerLength, total - headerLength));
    }

    /** @return the header's length in bytes */
    public int headerLength() {
        return Ipv4Header.MIN_LENGTH + options.length;
    }

    /** @return the total length: header plus payload */
    public int totalLength() {
        return headerLength() + payload.length;
    }

    /**
     * Writes the datagram with the stored checksum.
     *
     * @param segment where to write ({@link #totalLength()} bytes)
     * @param offset  where the header starts
     * @return the bytes written
     */
    public int emit(MemorySegment segment, long offset) {
        new Ipv4Header().wrap(segment, offset).versionAndHeaderLength(headerLength()).tos(tos)
                .totalLength(totalLength()).identification(identification).flagsFragment(flagsFragment).ttl(ttl)
                .protocol(protocol).checksum(checksum).source(source).destination(destination);
        Bytes.put(segment, offset + Ipv4Header.MIN_LENGTH, options);
        Bytes.put(segment, offset + headerLength(), payload);
        return totalLength();
    }

    /** @return the header checksum this datagram should carry */
    public int computeChecksum() {
        MemorySegment header = MemorySegment.ofArray(new byte[headerLength()]);
        emit0(header);
        return new Ipv4Header().wrap(header, 0).computeChecksum();
    }

    /** @return whether the stored checksum is right */
    public boolean headerChecksumValid() {
        return computeChecksum() == checksum;
    }

    /** @return a copy carrying the right checksum */
    public Ipv4Packet withComputedChecksum() {
        return new Ipv4Packet(tos, identification, flagsFragment, ttl, protocol, computeChecksum(), source,
                destination, options, payload);
    }

    /**
     * @param newPayload the payload to carry instead
     * @return a copy with that payload and a recomputed checksum
     */
    public Ipv4Packet withPayload(byte[] newPayload) {
        return new Ipv4Packet(tos, identification, flagsFragment, ttl, protocol, 0, source, destination, options,
                newPayload).withComputedChecksum();
    }

    private void emit0(MemorySegment header) {
        new Ipv4Header().wrap(header, 0).versionAndHeaderLength(headerLength()).tos(tos).totalLength(totalLength())
                .identification(identification).flagsFragment(flagsFragment).ttl(ttl).protocol(protocol)
                .checksum(0).source(source).destination(destination);
        Bytes.put(header, Ipv4Header.MIN_LENGTH, options);
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Packet p && p.tos == tos && p.identification == identification
                && p.flagsFragment == flagsFragment && p.ttl == ttl && p.protocol == protocol
                && p.checksum == checksum && p.source == source && p.destination == destination
                && Arrays.equals(p.options, options) && Arrays.equals(p.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tos, identification, flagsFragment, ttl, protocol, checksum, source, destination,
                Arrays.hashCode(options), Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Ipv4Packet[" + Ipv4Header.formatAddress(source) + " > " + Ipv4Header.formatAddress(destination)
                + ", proto=" + protocol + ", ttl=" + ttl + ", id=" + identification + ", ff=0x"
                + Integer.toHexString(flagsFragment) + ", tos=" + tos + ", csum=0x" + Integer.toHexString(checksum)
                + ", options=" + Bytes.hex(options) + ", payload=" + Bytes.hex(payload) + "]";
    }
}
