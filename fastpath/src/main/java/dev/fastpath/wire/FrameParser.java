package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;


/**
 * Checks and parses one received frame (Ethernet → ARP | IPv4 → TCP | ICMP) into a {@link ParsedFrame}.
 * Every length is checked before the field that depends on it is read; anything unacceptable is a
 * {@link DropReason}, never an exception (see the package contract). No allocation.
 */
public final class FrameParser {
    /** Receive flag: the sender left the L4 checksum unfinished (CHECKSUM_PARTIAL on veth; AF_PACKET says so). */
    public static final int RX_CSUM_PARTIAL = 1;


    /** At most this many stacked VLAN tags (802.1ad outer + 802.1Q inner) are skipped. */
    public static final int MAX_VLAN_TAGS = 2;

    private final ChecksumPolicy policy;

    /**
     * @param policy how L4 checksums are treated
     */
    public FrameParser(ChecksumPolicy policy) {
        this.policy = policy;
    }

    /** @return the checksum policy */
    public ChecksumPolicy policy() {
        return policy;
    }

    /**
     * Parses a frame.
     *
     * @param buffer  the memory holding the frame
     * @param offset  where the frame starts
     * @param length  the frame's length in bytes (must lie inside {@code buffer})
     * @param rxFlags the backend's {@code RX_*} flags ({@link #RX_CSUM_PARTIAL})
     * @param out     the holder to fill
     * @return {@link DropReason#NONE} when accepted ({@code out.kind()} says what it is), else why not
     */
    public DropReason parse(MemorySegment buffer, long offset, int length, int rxFlags, ParsedFrame out) {
        out.reset(buffer, offset, length, rxFlags);
        if (length < EthernetHeader.LENGTH) {
            return DropReason.TRUNCATED_ETHERNET;
        }
        long end = offset + length;
        int etherType = Net.u16(buffer, offset + EthernetHeader.ETHER_TYPE);
        long l3 = offset + EthernetHeader.LENGTH;
        int tags = 0;
        while (etherType == EthernetHeader.ETHERTYPE_VLAN || etherType == EthernetHeader.ETHERTYPE_QINQ) {
            if (++tags > MAX_VLAN_TAGS) {
                return DropReason.TOO_MANY_VLAN_TAGS;
            }
            if (end - l3 < EthernetHeader.VLAN_TAG_LENGTH) {
                return DropReason.TRUNCATED_VLAN;
            }
            if (out.vlanId < 0) {
                out.vlanId = Net.u16(buffer, l3) & 0x0FFF;
            }
            etherType = Net.u16(buffer, l3 + 2);
            l3 += EthernetHeader.VLAN_TAG_LENGTH;
        }
        out.etherType = etherType;
        out.l3Offset = l3;
        if (etherType == EthernetHeader.ETHERTYPE_IPV4) {
            return parseIpv4(buffer, l3, (int) (end - l3), out);
        }
        if (etherType == EthernetHeader.ETHERTYPE_ARP) {
            return parseArp(buffer, l3, (int) (end - l3), out);
        }
        return DropReason.NOT_IPV4;
    }

    private static DropReason parseArp(MemorySegment buffer, long at, int remaining, ParsedFrame out) {
        if (remaining < ArpHeader.LENGTH) {
            return DropReason.TRUNCATED_ARP;
        }
        ArpHeader arp = out.arp().wrap(buffer, at);
        if (arp.hardwareType() != ArpHeader.HTYPE_ETHERNET || arp.protocolType() != EthernetHeader.ETHERTYPE_IPV4
                || arp.hardwareLength() != 6 || arp.protocolLength() != 4) {
            return DropReason.UNSUPPORTED_ARP;
        }
        out.kind = ParsedFrame.Kind.ARP;
        return DropReason.NONE;
    }

    private DropReason parseIpv4(MemorySegment buffer, long at, int remaining, ParsedFrame out) {
        if (remaining < Ipv4Header.MIN_LENGTH) {
            return DropReason.TRUNCATED_IPV4;
        }
        int versionIhl = Net.u8(buffer, at + Ipv4Header.VERSION_IHL);
        if ((versionIhl >>> 4) != 4) {
            return DropReason.BAD_IP_VERSION;
        }
        int headerLength = (versionIhl & 0x0F) << 2;
        if (headerLength < Ipv4Header.MIN_LENGTH) {
            return DropReason.BAD_IHL;
        }
        if (headerLength > remaining) {
            return DropReason.TRUNCATED_IPV4;
        }
        // ip_rcv_core()'s order: the header's checksum before the total length (a bad one is IpInHdrErrors,
        // a total length past the frame IpInTruncatedPkts)
        Ipv4Header ip = out.ipv4().wrap(buffer, at);
        if (!ip.checksumValid()) {
            return DropReason.BAD_IP_CHECKSUM;
        }
        int totalLength = Net.u16(buffer, at + Ipv4Header.TOTAL_LENGTH);
        if (totalLength > remaining) {
            return DropReason.IP_TRUNCATED_PACKET;
        }
        if (totalLength < headerLength) {
            return DropReason.BAD_IP_TOTAL_LENGTH;
        }
        out.ipHeaderLength = headerLength;
        out.ipTotalLength = totalLength;
        out.srcIp = ip.source();
        out.dstIp = ip.destination();
        out.protocol = ip.protocol();
        out.l4Offset = at + headerLength;
        out.l4Length = totalLength - headerLength;
        if (headerLength != Ipv4Header.MIN_LENGTH) {
            int fault = Ipv4Options.compile(buffer, at, headerLength); // ip_rcv_options()
            if (fault == Ipv4Options.SOURCE_ROUTE) {
                return DropReason.IP_SOURCE_ROUTE;
            }
            if (fault != Ipv4Options.OK) {
                out.ipOptionFault = fault;
                return DropReason.BAD_IP_OPTIONS;
            }
        }
        if ((ip.flagsFragment() & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0) {
            out.kind = ParsedFrame.Kind.IPV4_FRAGMENT; // ip_local_deliver() -> ip_defrag()
            return DropReason.NONE;
        }
        return switch (out.protocol) {
            case Ipv4Header.PROTO_TCP -> parseTcp(buffer, out);
            case Ipv4Header.PROTO_ICMP -> parseIcmp(buffer, out);
            default -> DropReason.UNSUPPORTED_PROTOCOL;
        };
    }

    private DropReason parseTcp(MemorySegment buffer, ParsedFrame out) {
        TcpSegmentView segment = out.tcpSegment();
        DropReason r = segment.wrapV4(buffer, out.l4Offset, out.l4Length, out.srcIp, out.dstIp);
        if (r != DropReason.NONE) {
            return r;
        }
        segment.dsfield = out.ipv4().tos(); // tcp_v4_fill_cb(): ip_dsfield, for ECN
        if (!l4ChecksumAcceptable(buffer, out, Ipv4Header.PROTO_TCP, segment.tcp().checksum())) {
            return DropReason.BAD_TCP_CHECKSUM;
        }
        out.kind = ParsedFrame.Kind.TCP;
        return DropReason.NONE;
    }

    private DropReason parseIcmp(MemorySegment buffer, ParsedFrame out) {
        if (out.l4Length < IcmpHeader.LENGTH) {
            return DropReason.TRUNCATED_ICMP;
        }
        out.icmp().wrap(buffer, out.l4Offset);
        // ICMP has no pseudo-header, so a CHECKSUM_PARTIAL sender would leave zero coverage; only the
        // backend flag or TRUST_DEVICE skips it.
        boolean skip = policy == ChecksumPolicy.TRUST_DEVICE
                || (policy == ChecksumPolicy.TRUST_FLAG && (out.rxFlags & RX_CSUM_PARTIAL) != 0);
        if (!skip && Checksum.sum16(buffer, out.l4Offset, out.l4Length, 0) != 0xFFFF) {
            return DropReason.BAD_ICMP_CHECKSUM;
        }
        out.kind = ParsedFrame.Kind.ICMP;
        return DropReason.NONE;
    }

    private boolean l4ChecksumAcceptable(MemorySegment buffer, ParsedFrame out, int protocol, int stored) {
        switch (policy) {
            case TRUST_DEVICE:
                return true;
            case TRUST_FLAG:
                if ((out.rxFlags & RX_CSUM_PARTIAL) != 0) {
                    return true;
                }
                break;
            default:
                break;
        }
        int pseudo = Checksum.pseudoHeaderSum(out.srcIp, out.dstIp, protocol, out.l4Length);
        if (Checksum.sum16(buffer, out.l4Offset, out.l4Length, pseudo) == 0xFFFF) {
            return true;
        }
        return policy == ChecksumPolicy.ACCEPT_PARTIAL
                && stored == Checksum.partialChecksum(out.srcIp, out.dstIp, protocol, out.l4Length);
    }
}
