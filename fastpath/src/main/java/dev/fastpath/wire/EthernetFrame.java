package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An Ethernet II frame as a value (slow path and tests). {@code vlanTags} keeps each 802.1Q/802.1ad
 * tag as {@code TPID << 16 | TCI}, outermost first, so a frame re-emits byte for byte. The payload
 * includes any padding the sender added to reach 60 bytes.
 *
 * @param destination destination MAC (48 bits)
 * @param source      source MAC (48 bits)
 * @param vlanTags    the tags, outermost first (at most two)
 * @param etherType   the EtherType after the tags
 * @param payload     everything after the EtherType
 */
public record EthernetFrame(long destination, long source, List<Integer> vlanTags, int etherType, byte[] payload) {
    /** Most tags the parser follows, as {@link FrameParser}. */
    public static final int MAX_VLAN_TAGS = 2;

    /** Copies the lists and checks the sizes. */
    public EthernetFrame {
        vlanTags = List.copyOf(vlanTags);
        payload = payload.clone();
        if (vlanTags.size() > MAX_VLAN_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_VLAN_TAGS + " VLAN tags");
        }
    }

    /**
     * The bytes of an untagged Ethernet frame carrying one TCP segment in IPv4, checksums computed: what a peer
     * sends, for tests and the packetdrill runner.
     *
     * @param dstMac  destination MAC
     * @param srcMac  source MAC
     * @param srcIp   IPv4 source
     * @param dstIp   IPv4 destination
     * @param segment the segment (its checksum is computed here)
     * @return the frame
     */
    public static byte[] ipv4Tcp(long dstMac, long srcMac, int srcIp, int dstIp, TcpSegment segment) {
        TcpSegment c = segment.withComputedChecksum(srcIp, dstIp);
        byte[] l4 = new byte[c.length()];
        c.emit(MemorySegment.ofArray(l4), 0);
        Ipv4Packet ip = Ipv4Packet.of(srcIp, dstIp, Ipv4Header.PROTO_TCP, l4);
        byte[] l3 = new byte[ip.totalLength()];
        ip.emit(MemorySegment.ofArray(l3), 0);
        EthernetFrame eth = new EthernetFrame(dstMac, srcMac, List.of(), EthernetHeader.ETHERTYPE_IPV4, l3);
        byte[] f = new byte[eth.length()];
        eth.emit(MemorySegment.ofArray(f), 0);
        return f;
    }

    /**
     * @param segment memory holding the frame
     * @param offset  where the frame starts
     * @param length  the frame's length
     * @return the frame
     * @throws MalformedPacketException with the reason {@link FrameParser} would drop it for
     */
    public static EthernetFrame parse(MemorySegment segment, long offset, int length)
            throws MalformedPacketException {
        Bytes.require(length >= EthernetHeader.LENGTH, DropReason.TRUNCATED_ETHERNET, length + " bytes");
        EthernetHeader h = new EthernetHeader().wrap(segment, offset);
        int at = EthernetHeader.ETHER_TYPE;
        int type = h.etherType();
        List<Integer> tags = new ArrayList<>(MAX_VLAN_TAGS);
        while (type == EthernetHeader.ETHERTYPE_VLAN || type == EthernetHeader.ETHERTYPE_QINQ) {
            Bytes.require(tags.size() < MAX_VLAN_TAGS, DropReason.TOO_MANY_VLAN_TAGS, "third tag");
            Bytes.require(at + 2 + EthernetHeader.VLAN_TAG_LENGTH <= length, DropReason.TRUNCATED_VLAN,
                    length + " bytes");
            tags.add(type << 16 | Net.u16(segment, offset + at + 2));
            at += EthernetHeader.VLAN_TAG_LENGTH;
            type = Net.u16(segment, offset + at);
        }
        int headerLength = at + 2;
        return new EthernetFrame(h.destination(), h.source(), tags, type,
                Bytes.copy(segment, offset + headerLength, length - headerLength));
    }

    /** @return the header's length: 14 plus 4 per tag */
    public int headerLength() {
        return EthernetHeader.LENGTH + EthernetHeader.VLAN_TAG_LENGTH * vlanTags.size();
    }

    /** @return the whole frame's length */
    public int length() {
        return headerLength() + payload.length;
    }

    /**
     * @param segment where to write (must hold {@link #length()} bytes from offset)
     * @param offset  where the frame starts
     * @return the bytes written
     */
    public int emit(MemorySegment segment, long offset) {
        new EthernetHeader().wrap(segment, offset).destination(destination).source(source);
        long at = offset + EthernetHeader.ETHER_TYPE;
        for (int tag : vlanTags) {
            Net.u16(segment, at, tag >>> 16);
            Net.u16(segment, at + 2, tag & 0xFFFF);
            at += EthernetHeader.VLAN_TAG_LENGTH;
        }
        Net.u16(segment, at, etherType);
        Bytes.put(segment, at + 2, payload);
        return length();
    }

    /** @return the payload (a copy) */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EthernetFrame f && f.destination == destination && f.source == source
                && f.vlanTags.equals(vlanTags) && f.etherType == etherType && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, source, vlanTags, etherType, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "EthernetFrame[" + EthernetHeader.formatMac(source) + " > " + EthernetHeader.formatMac(destination)
                + ", tags=" + vlanTags + ", type=0x" + Integer.toHexString(etherType)
                + ", payload=" + Bytes.hex(payload) + "]";
    }
}
