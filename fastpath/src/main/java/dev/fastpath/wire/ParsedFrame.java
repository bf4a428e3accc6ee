package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * One accepted frame as {@link FrameParser} found it: offsets, the fields the stack dispatches on,
 * and flyweights already wrapped at the right offsets. Reused for every frame (no allocation);
 * valid until the next parse. Fields of layers the frame does not have are unspecified.
 */
public final class ParsedFrame {

    /** What an accepted frame carries. */
    public enum Kind {
        /** Nothing accepted yet (or the last parse failed). */
        NONE,
        /** An Ethernet/IPv4 ARP packet. */
        ARP,
        /** An IPv4 datagram with a TCP segment. */
        TCP,
        /** An IPv4 datagram with an ICMP message. */
        ICMP,
        /** A fragment of an IPv4 datagram (its header checked; its payload is a piece of the datagram's). */
        IPV4_FRAGMENT
    }

    private final EthernetHeader ethernet = new EthernetHeader();
    private final ArpHeader arp = new ArpHeader();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final IcmpHeader icmp = new IcmpHeader();
    private final TcpSegmentView segment = new TcpSegmentView();

    Kind kind = Kind.NONE;
    MemorySegment buffer;
    long frameOffset;
    int frameLength;
    int vlanId;
    int etherType;
    long l3Offset;
    int ipHeaderLength;
    /** After {@link DropReason#BAD_IP_OPTIONS}: the offset of the byte at fault from the IPv4 header's start. */
    int ipOptionFault;
    int ipTotalLength;
    int srcIp;
    int dstIp;
    int protocol;
    long l4Offset;
    int l4Length;
    int rxFlags;

    void reset(MemorySegment buf, long offset, int length, int flagsFromBackend) {
        kind = Kind.NONE;
        buffer = buf;
        frameOffset = offset;
        frameLength = length;
        rxFlags = flagsFromBackend;
        vlanId = -1;
        segment.payloadLength = 0;
        ethernet.wrap(buf, offset);
    }

    /** @return what the frame carries */
    public Kind kind() {
        return kind;
    }

    /** @return the memory holding the frame */
    public MemorySegment buffer() {
        return buffer;
    }

    /** @return where the frame starts in {@link #buffer()} */
    public long frameOffset() {
        return frameOffset;
    }

    /** @return the frame's length as received (may include Ethernet padding) */
    public int frameLength() {
        return frameLength;
    }

    /** @return the backend's {@code PacketIo.RX_*} flags */
    public int rxFlags() {
        return rxFlags;
    }

    /** @return the (outermost) VLAN id, or −1 when untagged */
    public int vlanId() {
        return vlanId;
    }

    /** @return the EtherType after any VLAN tags */
    public int etherType() {
        return etherType;
    }

    /** @return where the L3 header starts */
    public long l3Offset() {
        return l3Offset;
    }

    /** @return the IPv4 header length in bytes */
    public int ipHeaderLength() {
        return ipHeaderLength;
    }

    /** @return after {@link DropReason#BAD_IP_OPTIONS}, the ICMP parameter problem's pointer */
    public int ipOptionFault() {
        return ipOptionFault;
    }

    /** @return the IPv4 total length in bytes */
    public int ipTotalLength() {
        return ipTotalLength;
    }

    /** @return the IPv4 source address */
    public int srcIp() {
        return srcIp;
    }

    /** @return the IPv4 destination address */
    public int dstIp() {
        return dstIp;
    }

    /** @return the IP protocol number */
    public int protocol() {
        return protocol;
    }

    /** @return where the L4 header starts */
    public long l4Offset() {
        return l4Offset;
    }

    /** @return the L4 header plus payload, in bytes (from the IPv4 total length, never the padding) */
    public int l4Length() {
        return l4Length;
    }

    /** @return the TCP source port */
    public int srcPort() {
        return segment.srcPort;
    }

    /** @return the TCP destination port */
    public int dstPort() {
        return segment.dstPort;
    }

    /** @return the TCP sequence number */
    public int seq() {
        return segment.seq;
    }

    /** @return the TCP acknowledgment number */
    public int ack() {
        return segment.ack;
    }

    /** @return the TCP flag bits */
    public int flags() {
        return segment.flags;
    }

    /** @return the TCP window field (unscaled) */
    public int window() {
        return segment.window;
    }

    /** @return the TCP header length in bytes */
    public int tcpHeaderLength() {
        return segment.headerLength;
    }

    /** @return where the TCP payload starts */
    public long payloadOffset() {
        return segment.payloadOffset;
    }

    /** @return the TCP payload length in bytes */
    public int payloadLength() {
        return segment.payloadLength;
    }

    /** @return the parsed TCP options */
    public TcpOptions options() {
        return segment.options();
    }

    /** @return the Ethernet header view */
    public EthernetHeader ethernet() {
        return ethernet;
    }

    /** @return the ARP view (valid when {@link #kind()} is ARP) */
    public ArpHeader arp() {
        return arp;
    }

    /** @return the IPv4 view (valid for TCP and ICMP) */
    public Ipv4Header ipv4() {
        return ipv4;
    }

    /** @return the ICMP view (valid when {@link #kind()} is ICMP) */
    public IcmpHeader icmp() {
        return icmp;
    }

    /** @return the TCP view (valid when {@link #kind()} is TCP) */
    public TcpHeader tcp() {
        return segment.tcp();
    }

    /** @return the TCP segment length in sequence space: payload plus one for SYN and one for FIN */
    public int segmentLength() {
        return segment.segmentLength();
    }

    /** @return e.g. {@code "198.18.0.1:80 > 198.18.0.2:4000 S. seq 1 ack 2 win 65535 len 0"} (slow; logs) */
    /**
     * The TCP segment of a {@link Kind#TCP} frame, as the transport takes it ({@code tcpV4Rcv}).
     *
     * @return the segment view (valid until the next parse)
     */
    public TcpSegmentView tcpSegment() {
        return segment;
    }

    @Override
    public String toString() {
        if (kind != Kind.TCP) {
            return "frame[" + kind + ", " + frameLength + " bytes]";
        }
        return segment.toString();
    }
}
