package dev.fastpath.tcp;

import dev.fastpath.wire.TcpSegmentView;
import java.lang.foreign.MemorySegment;

/**
 * What TCP needs from the layer below it, and all it sees of it: which addresses are ours, the source address
 * for a destination, and room for an outgoing segment on the route to its destination. The layer below picks
 * the route and the neighbour and writes the IPv4 and Ethernet headers around the segment; TCP writes the
 * segment (header, options, payload, checksum) in place. Kernel: inet_addr_type(), ip_route_connect(),
 * ip_queue_xmit() / ip_build_and_send_pkt(). TCP owns this interface; the interface layer implements it.
 *
 * <p>One claim at a time, each followed by {@link #sendV4} before the next: TCP claims, writes, sends.
 */
public interface IpLayer {
    /** {@link #claimV4}: no route to the destination, or its next hop is not resolved (counted below). */
    long NO_ROUTE = -1;
    /** {@link #claimV4}: the device's transmit ring has no free frame. */
    long NO_ROOM = -2;

    /**
     * Kernel: inet_addr_type() == RTN_LOCAL.
     *
     * @param address an IPv4 address
     * @return whether it is one of this stack's addresses (bind() accepts only those and 0.0.0.0)
     */
    boolean isLocalV4(int address);

    /**
     * Kernel: ip_route_connect() → inet_select_addr(): the source address of a connection to {@code dst}.
     *
     * @param dst the destination
     * @return the source, or 0 when there is no route
     */
    int sourceV4(int dst);

    /**
     * Room for one segment from {@code src} to {@code dst} on the route to {@code dst}.
     *
     * @param src       the source address (one of ours)
     * @param dst       the destination
     * @param inReplyTo the segment being processed when this one is sent while TCP handles it (its sender may be
     *                  answered through the link address it came from while the neighbour is unresolved), else
     *                  null
     * @return the offset in {@link #txBuffer()} where the TCP header goes, or {@link #NO_ROUTE} / {@link #NO_ROOM}
     */
    long claimV4(int src, int dst, TcpSegmentView inReplyTo);

    /** @return the buffer the claimed offsets point into */
    MemorySegment txBuffer();

    /** @return the most bytes of TCP header, options and payload one claimed frame holds */
    int segmentCapacity();

    /**
     * Sends the claimed segment.
     *
     * @param tcpOffset  the claimed offset
     * @param tcpLength  bytes of header, options and payload written there (checksum complete)
     * @param listenerReply a listener's SYN-ACK: IPv4 id 0, as Linux's ip_build_and_send_pkt() sends it
     * @param tos        the IPv4 TOS byte (its ECN field: ECT(0) on an ECN connection's data, INET_ECN_xmit())
     * @param df         whether DF is set (ip_dont_fragment(): the socket's IP_MTU_DISCOVER)
     */
    void sendV4(long tcpOffset, int tcpLength, boolean listenerReply, int tos, boolean df);

    /** Makes what was sent visible to the device (one kick for a batch). */
    void flush();
}
