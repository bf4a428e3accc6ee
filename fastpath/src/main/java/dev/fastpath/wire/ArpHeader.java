package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * ARP for Ethernet and IPv4 (RFC 826), a flyweight. Only hardware type 1 / protocol type 0x0800
 * with 6- and 4-byte addresses is accepted by {@link FrameParser}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Hardware type (1)        |    Protocol type (0x0800)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HW len (6)    | Proto len (4) |          Operation            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sender hardware address (6)                   |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender protocol address (4)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                 Target hardware address (6)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Target protocol address (4)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpHeader {

    public static final int HARDWARE_TYPE = 0;
    public static final int PROTOCOL_TYPE = 2;
    public static final int HARDWARE_LENGTH = 4;
    public static final int PROTOCOL_LENGTH = 5;
    public static final int OPERATION = 6;
    public static final int SENDER_MAC = 8;
    public static final int SENDER_IP = 14;
    public static final int TARGET_MAC = 18;
    public static final int TARGET_IP = 24;
    public static final int LENGTH = 28;

    public static final int HTYPE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private MemorySegment segment;
    private long base;

    /**
     * Points this view at an ARP packet.
     *
     * @param buffer the memory
     * @param offset where the ARP header starts
     * @return this
     */
    public ArpHeader wrap(MemorySegment buffer, long offset) {
        this.segment = buffer;
        this.base = offset;
        return this;
    }

    /** @return the hardware type (1 = Ethernet) */
    public int hardwareType() {
        return Net.u16(segment, base + HARDWARE_TYPE);
    }

    /** @return the protocol type (0x0800 = IPv4) */
    public int protocolType() {
        return Net.u16(segment, base + PROTOCOL_TYPE);
    }

    /** @return the hardware address length */
    public int hardwareLength() {
        return Net.u8(segment, base + HARDWARE_LENGTH);
    }

    /** @return the protocol address length */
    public int protocolLength() {
        return Net.u8(segment, base + PROTOCOL_LENGTH);
    }

    /**
     * Writes the fixed Ethernet/IPv4 preamble (types and lengths).
     *
     * @return this
     */
    public ArpHeader ethernetIpv4() {
        Net.u16(segment, base + HARDWARE_TYPE, HTYPE_ETHERNET);
        Net.u16(segment, base + PROTOCOL_TYPE, EthernetHeader.ETHERTYPE_IPV4);
        Net.u8(segment, base + HARDWARE_LENGTH, 6);
        Net.u8(segment, base + PROTOCOL_LENGTH, 4);
        return this;
    }

    /** @return the operation ({@link #OP_REQUEST} or {@link #OP_REPLY}) */
    public int operation() {
        return Net.u16(segment, base + OPERATION);
    }

    /**
     * @param op the operation
     * @return this
     */
    public ArpHeader operation(int op) {
        Net.u16(segment, base + OPERATION, op);
        return this;
    }

    /** @return the sender's MAC address */
    public long senderMac() {
        return Net.mac(segment, base + SENDER_MAC);
    }

    /**
     * @param mac the sender's MAC address
     * @return this
     */
    public ArpHeader senderMac(long mac) {
        Net.mac(segment, base + SENDER_MAC, mac);
        return this;
    }

    /** @return the sender's IPv4 address */
    public int senderIp() {
        return Net.i32(segment, base + SENDER_IP);
    }

    /**
     * @param ip the sender's IPv4 address
     * @return this
     */
    public ArpHeader senderIp(int ip) {
        Net.i32(segment, base + SENDER_IP, ip);
        return this;
    }

    /** @return the target's MAC address */
    public long targetMac() {
        return Net.mac(segment, base + TARGET_MAC);
    }

    /**
     * @param mac the target's MAC address
     * @return this
     */
    public ArpHeader targetMac(long mac) {
        Net.mac(segment, base + TARGET_MAC, mac);
        return this;
    }

    /** @return the target's IPv4 address */
    public int targetIp() {
        return Net.i32(segment, base + TARGET_IP);
    }

    /**
     * @param ip the target's IPv4 address
     * @return this
     */
    public ArpHeader targetIp(int ip) {
        Net.i32(segment, base + TARGET_IP, ip);
        return this;
    }
}
