package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * One received TCP segment as the transport sees it: its addresses and ports, sequence numbers, flags, window,
 * options and where its payload lies, read in place from the buffer that holds it. This is all TCP gets from
 * the layers below (no Ethernet, no IP header): {@link FrameParser} fills it for a frame, {@link #parseV4} for a
 * bare segment (tests, other link types). Reused for every segment (no allocation); valid until the next parse.
 *
 * <p>The addresses are IPv4 ({@link #family()} is 4); an IPv6 segment will come with its own addresses and
 * family, and the transport's IPv6 entry ({@code tcpV6Rcv}) with it.
 */
public final class TcpSegmentView {
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();

    MemorySegment buffer;
    long offset;
    int length;
    int srcIp;
    int dstIp;
    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    int window;
    int headerLength;
    long payloadOffset;
    int payloadLength;
    /** The IPv4 TOS byte the segment came with (its ECN field: TCP_SKB_CB(skb)->ip_dsfield). */
    int dsfield;

    /**
     * Reads a TCP header and its options (the checksum is the caller's: {@link FrameParser} applies its policy).
     * Kernel: tcp_v4_rcv()'s header checks.
     *
     * @return {@link DropReason#NONE}, or why the segment is refused (nothing past the buffer is read)
     */
    DropReason wrapV4(MemorySegment buf, long at, int len, int src, int dst) {
        payloadLength = 0;
        dsfield = 0;
        if (len < TcpHeader.MIN_LENGTH) {
            return DropReason.TRUNCATED_TCP;
        }
        tcp.wrap(buf, at);
        int hl = tcp.headerLength();
        if (hl < TcpHeader.MIN_LENGTH || hl > len) {
            return DropReason.BAD_DATA_OFFSET;
        }
        DropReason r = TcpOptions.parse(buf, tcp.optionsOffset(), hl - TcpHeader.MIN_LENGTH, options);
        if (r != DropReason.NONE) {
            return r;
        }
        buffer = buf;
        offset = at;
        length = len;
        srcIp = src;
        dstIp = dst;
        srcPort = tcp.sourcePort();
        dstPort = tcp.destinationPort();
        seq = tcp.seq();
        ack = tcp.ack();
        flags = tcp.flags();
        window = tcp.window();
        headerLength = hl;
        payloadOffset = at + hl;
        payloadLength = len - hl;
        return DropReason.NONE;
    }

    /**
     * Reads a bare IPv4 TCP segment and verifies its checksum over the pseudo-header, for transports fed without
     * a frame (scripted tests, links without Ethernet).
     *
     * @param buf    the buffer
     * @param at     where the TCP header starts
     * @param len    the segment's length (header, options, payload)
     * @param src    the IPv4 source address
     * @param dst    the IPv4 destination address
     * @return {@link DropReason#NONE}, or why the segment is refused
     */
    public DropReason parseV4(MemorySegment buf, long at, int len, int src, int dst) {
        DropReason r = wrapV4(buf, at, len, src, dst);
        if (r != DropReason.NONE) {
            return r;
        }
        int pseudo = Checksum.pseudoHeaderSum(src, dst, Ipv4Header.PROTO_TCP, len);
        return Checksum.sum16(buf, at, len, pseudo) == 0xFFFF ? DropReason.NONE : DropReason.BAD_TCP_CHECKSUM;
    }

    /** @return the IP version of the addresses: 4 */
    public int family() {
        return 4;
    }

    /** @return the buffer holding the segment */
    public MemorySegment buffer() {
        return buffer;
    }

    /** @return where the TCP header starts in {@link #buffer()} */
    public long offset() {
        return offset;
    }

    /** @return the segment's length: header, options and payload */
    public int length() {
        return length;
    }

    /** @return the IPv4 source address */
    public int srcIp() {
        return srcIp;
    }

    /** @return the IPv4 destination address */
    public int dstIp() {
        return dstIp;
    }

    /** @return the source port */
    public int srcPort() {
        return srcPort;
    }

    /** @return the destination port */
    public int dstPort() {
        return dstPort;
    }

    /** @return the sequence number */
    public int seq() {
        return seq;
    }

    /** @return the acknowledgment number */
    public int ack() {
        return ack;
    }

    /** @return the flags ({@link TcpHeader#SYN} …) */
    public int flags() {
        return flags;
    }

    /** @return the window field, unscaled */
    public int window() {
        return window;
    }

    /** @return the header's length with options */
    public int tcpHeaderLength() {
        return headerLength;
    }

    /** @return where the payload starts in {@link #buffer()} */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** @return the IPv4 TOS byte the segment came in (0 for a bare segment); its low two bits are the ECN field */
    public int dsfield() {
        return dsfield;
    }

    /** @return the payload's length */
    public int payloadLength() {
        return payloadLength;
    }

    /** @return the parsed options */
    public TcpOptions options() {
        return options;
    }

    /** @return the header flyweight */
    public TcpHeader tcp() {
        return tcp;
    }

    /** @return the sequence space the segment occupies: payload, plus one each for SYN and FIN */
    public int segmentLength() {
        return payloadLength + ((flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
    }

    @Override
    public String toString() {
        return Ipv4Header.formatAddress(srcIp) + ":" + srcPort + " > " + Ipv4Header.formatAddress(dstIp) + ":"
                + dstPort + " " + TcpHeader.formatFlags(flags) + " seq " + Integer.toUnsignedString(seq) + " ack "
                + Integer.toUnsignedString(ack) + " win " + window + " len " + payloadLength;
    }
}
