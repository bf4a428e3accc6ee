package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * An Ethernet/IPv4 ARP packet (RFC 826) as a value.
 *
 * @param operation {@link ArpHeader#OP_REQUEST} or {@link ArpHeader#OP_REPLY}
 * @param senderMac sender hardware address
 * @param senderIp  sender protocol address
 * @param targetMac target hardware address (zero in a request)
 * @param targetIp  target protocol address
 */
public record ArpPacket(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
    /**
     * @param segment memory holding the packet
     * @param offset  where the ARP header starts
     * @param length  bytes available from offset
     * @return the packet
     * @throws MalformedPacketException when short or not Ethernet/IPv4
     */
    public static ArpPacket parse(MemorySegment segment, long offset, int length) throws MalformedPacketException {
        Bytes.require(length >= ArpHeader.LENGTH, DropReason.TRUNCATED_ARP, length + " bytes");
        ArpHeader h = new ArpHeader().wrap(segment, offset);
        Bytes.require(h.hardwareType() == ArpHeader.HTYPE_ETHERNET
                        && h.protocolType() == EthernetHeader.ETHERTYPE_IPV4
                        && h.hardwareLength() == 6 && h.protocolLength() == 4,
                DropReason.UNSUPPORTED_ARP, "htype " + h.hardwareType() + " ptype 0x"
                        + Integer.toHexString(h.protocolType()));
        return new ArpPacket(h.operation(), h.senderMac(), h.senderIp(), h.targetMac(), h.targetIp());
    }

    /**
     * @param segment where to write ({@link ArpHeader#LENGTH} bytes)
     * @param offset  where the ARP header starts
     * @return the bytes written
     */
    public int emit(MemorySegment segment, long offset) {
        new ArpHeader().wrap(segment, offset).ethernetIpv4().operation(operation).senderMac(senderMac)
                .senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
        return ArpHeader.LENGTH;
    }

    @Override
    public String toString() {
        return "ArpPacket[op=" + operation + ", " + EthernetHeader.formatMac(senderMac) + "/"
                + Ipv4Header.formatAddress(senderIp) + " -> " + EthernetHeader.formatMac(targetMac) + "/"
                + Ipv4Header.formatAddress(targetIp) + "]";
    }
}
