package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * Ethernet II header (IEEE 802.3 clause 3.1.1, DIX framing), a flyweight.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Destination MAC address (6 bytes)             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   Source MAC address (6 bytes) +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * An 802.1Q / 802.1ad tag (4 bytes: TPID 0x8100 or 0x88A8, then PCP/DEI/VID) may sit where the
 * EtherType is; {@link FrameParser} skips up to two of them.
 */
public final class EthernetHeader {

    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int LENGTH = 14;
    /** Length of one 802.1Q tag (TPID + TCI). */
    public static final int VLAN_TAG_LENGTH = 4;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_IPV6 = 0x86DD;

    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private MemorySegment segment;
    private long base;

    /**
     * Points this view at a header.
     *
     * @param buffer the memory holding the frame
     * @param offset where the Ethernet header starts
     * @return this
     */
    public EthernetHeader wrap(MemorySegment buffer, long offset) {
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

    /** @return the destination MAC address (48 bits) */
    public long destination() {
        return Net.mac(segment, base + DESTINATION);
    }

    /**
     * @param mac the destination MAC address (48 bits)
     * @return this
     */
    public EthernetHeader destination(long mac) {
        Net.mac(segment, base + DESTINATION, mac);
        return this;
    }

    /** @return the source MAC address (48 bits) */
    public long source() {
        return Net.mac(segment, base + SOURCE);
    }

    /**
     * @param mac the source MAC address (48 bits)
     * @return this
     */
    public EthernetHeader source(long mac) {
        Net.mac(segment, base + SOURCE, mac);
        return this;
    }

    /** @return the EtherType (or a VLAN TPID) */
    public int etherType() {
        return Net.u16(segment, base + ETHER_TYPE);
    }

    /**
     * @param type the EtherType
     * @return this
     */
    public EthernetHeader etherType(int type) {
        Net.u16(segment, base + ETHER_TYPE, type);
        return this;
    }

    /**
     * Formats a MAC address as {@code 02:00:00:00:00:01}.
     *
     * @param mac 48 bits in the low bits
     * @return the usual colon notation
     */
    public static String formatMac(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) {
                sb.append(':');
            }
            int b = (int) (mac >>> shift) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /**
     * Parses {@code 02:00:00:00:00:01} (or with dashes).
     *
     * @param text the MAC address
     * @return 48 bits in the low bits
     * @throws IllegalArgumentException when the text is not a MAC address
     */
    public static long parseMac(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        long mac = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
            try {
                mac = (mac << 8) | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
            }
        }
        return mac;
    }
}
