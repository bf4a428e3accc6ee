package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * IPv4 header (RFC 791 §3.1), a flyweight.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Header {

    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int MIN_LENGTH = 20;
    /** IHL is 4 bits of 32-bit words: at most 60 bytes. */
    public static final int MAX_LENGTH = 60;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    /** Flags field bits (in the 16-bit flags/fragment word). */
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private MemorySegment segment;
    private long base;

    /**
     * Points this view at a header.
     *
     * @param buffer the memory holding the packet
     * @param offset where the IPv4 header starts
     * @return this
     */
    public Ipv4Header wrap(MemorySegment buffer, long offset) {
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

    /** @return the version (4 for IPv4) */
    public int version() {
        return Net.u8(segment, base + VERSION_IHL) >>> 4;
    }

    /** @return the header length in 32-bit words */
    public int ihl() {
        return Net.u8(segment, base + VERSION_IHL) & 0x0F;
    }

    /** @return the header length in bytes */
    public int headerLength() {
        return ihl() << 2;
    }

    /**
     * Sets version 4 and the header length.
     *
     * @param bytes the header length in bytes (a multiple of 4, 20..60)
     * @return this
     */
    public Ipv4Header versionAndHeaderLength(int bytes) {
        Net.u8(segment, base + VERSION_IHL, 0x40 | (bytes >>> 2));
        return this;
    }

    /** @return the type-of-service byte (DSCP and ECN) */
    public int tos() {
        return Net.u8(segment, base + TOS);
    }

    /**
     * @param tos the type-of-service byte
     * @return this
     */
    public Ipv4Header tos(int tos) {
        Net.u8(segment, base + TOS, tos);
        return this;
    }

    /** @return the total length of the datagram in bytes */
    public int totalLength() {
        return Net.u16(segment, base + TOTAL_LENGTH);
    }

    /**
     * @param bytes the total length of the datagram
     * @return this
     */
    public Ipv4Header totalLength(int bytes) {
        Net.u16(segment, base + TOTAL_LENGTH, bytes);
        return this;
    }

    /** @return the identification field */
    public int identification() {
        return Net.u16(segment, base + IDENTIFICATION);
    }

    /**
     * @param id the identification field
     * @return this
     */
    public Ipv4Header identification(int id) {
        Net.u16(segment, base + IDENTIFICATION, id);
        return this;
    }

    /** @return the flags and fragment offset word */
    public int flagsFragment() {
        return Net.u16(segment, base + FLAGS_FRAGMENT);
    }

    /**
     * @param word the flags and fragment offset word
     * @return this
     */
    public Ipv4Header flagsFragment(int word) {
        Net.u16(segment, base + FLAGS_FRAGMENT, word);
        return this;
    }

    /** @return whether Don't Fragment is set */
    public boolean dontFragment() {
        return (flagsFragment() & FLAG_DF) != 0;
    }

    /** @return whether More Fragments is set */
    public boolean moreFragments() {
        return (flagsFragment() & FLAG_MF) != 0;
    }

    /** @return the fragment offset in 8-byte units */
    public int fragmentOffset() {
        return flagsFragment() & FRAGMENT_OFFSET_MASK;
    }

    /** @return the time to live */
    public int ttl() {
        return Net.u8(segment, base + TTL);
    }

    /**
     * @param ttl the time to live
     * @return this
     */
    public Ipv4Header ttl(int ttl) {
        Net.u8(segment, base + TTL, ttl);
        return this;
    }

    /** @return the protocol number ({@link #PROTO_TCP}, {@link #PROTO_ICMP}, …) */
    public int protocol() {
        return Net.u8(segment, base + PROTOCOL);
    }

    /**
     * @param protocol the protocol number
     * @return this
     */
    public Ipv4Header protocol(int protocol) {
        Net.u8(segment, base + PROTOCOL, protocol);
        return this;
    }

    /** @return the header checksum as stored */
    public int checksum() {
        return Net.u16(segment, base + CHECKSUM);
    }

    /**
     * @param checksum the header checksum to store
     * @return this
     */
    public Ipv4Header checksum(int checksum) {
        Net.u16(segment, base + CHECKSUM, checksum);
        return this;
    }

    /** @return the source address */
    public int source() {
        return Net.i32(segment, base + SOURCE);
    }

    /**
     * @param address the source address
     * @return this
     */
    public Ipv4Header source(int address) {
        Net.i32(segment, base + SOURCE, address);
        return this;
    }

    /** @return the destination address */
    public int destination() {
        return Net.i32(segment, base + DESTINATION);
    }

    /**
     * @param address the destination address
     * @return this
     */
    public Ipv4Header destination(int address) {
        Net.i32(segment, base + DESTINATION, address);
        return this;
    }

    /** @return the checksum the header should carry (computed with the checksum field taken as zero) */
    public int computeChecksum() {
        int len = headerLength();
        int sum = Checksum.sum16(segment, base, len, 0);
        // Take the stored checksum back out: the field counts as zero (RFC 791).
        return Checksum.fold(sum + (~checksum() & 0xFFFF));
    }

    /**
     * Computes and stores the header checksum.
     *
     * @return this
     */
    public Ipv4Header fillChecksum() {
        checksum(0);
        checksum(Checksum.fold(Checksum.sum16(segment, base, headerLength(), 0)));
        return this;
    }

    /** @return whether the stored header checksum is correct */
    public boolean checksumValid() {
        return Checksum.sum16(segment, base, headerLength(), 0) == 0xFFFF;
    }

    /**
     * Formats an address in dotted-quad notation.
     *
     * @param address the address
     * @return e.g. {@code "198.18.0.1"}
     */
    public static String formatAddress(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /**
     * Parses a dotted-quad address.
     *
     * @param text e.g. {@code "198.18.0.1"}
     * @return the address as an int
     * @throws IllegalArgumentException when the text is not a dotted-quad IPv4 address
     */
    public static int parseAddress(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int address = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            address = (address << 8) | octet;
        }
        return address;
    }
}
