package dev.fastpath.iface;

import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.Ipv4Header;

/**
 * IPv4 reception above the parser, as Linux's ip_rcv() and ip_route_input_slow() judge a datagram addressed to
 * us before any protocol sees it, over every interface of one stack. Counted drops are {@link NetDropReason}s.
 */
final class Ipv4Input {
    private final Interface[] interfaces;
    private final NetStat.Counters counters;

    /**
     * @param interfaces the stack's interfaces (their addresses and subnets)
     * @param counters   where drops are counted
     */
    Ipv4Input(Interface[] interfaces, NetStat.Counters counters) {
        this.interfaces = interfaces;
        this.counters = counters;
    }

    /**
     * Kernel: ip_rcv_core() and ip_local_deliver_finish(): counts a datagram the parser refused under the IP MIB
     * counter Linux uses for it (nstat's names). Header faults are IpInHdrErrors (a bad header checksum also
     * IpExtInCsumErrors), a total length past the frame IpInTruncatedPkts, a protocol without a handler
     * IpInUnknownProtos; other reasons are not the IP layer's.
     *
     * @param r        why the parser refused the frame
     * @param protocol the datagram's protocol (when the parser got that far)
     */
    void ipRcvDrop(DropReason r, int protocol) {
        switch (r) {
            case BAD_IP_CHECKSUM -> {
                counters.inc(NetStat.IpExtInCsumErrors);
                counters.inc(NetStat.IpInHdrErrors);
            }
            case TRUNCATED_IPV4, BAD_IP_VERSION, BAD_IHL, BAD_IP_TOTAL_LENGTH, BAD_IP_OPTIONS ->
                counters.inc(NetStat.IpInHdrErrors);
            case IP_TRUNCATED_PACKET -> counters.inc(NetStat.IpInTruncatedPkts);
            case UNSUPPORTED_PROTOCOL -> {
                if (protocol != Ipv4Header.PROTO_UDP) { // Linux has UDP: a datagram to no socket is UdpNoPorts
                    counters.inc(NetStat.IpInUnknownProtos);
                }
            }
            default -> {
            }
        }
    }

    /**
     * Kernel: route.c ip_route_input_slow(), martian_source: a source that no real host can have — multicast,
     * the limited broadcast, 0.0.0.0, loopback (127/8), the broadcast of one of our subnets — or one of our addresses
     * (fib_validate_source() without accept_local: the LAND attack, a SYN from our own address and port) is
     * dropped before TCP or ICMP see it, and nothing answers it.
     *
     * @param src the datagram's source address
     * @return true when the datagram must be dropped (counted)
     */
    boolean martianSource(int src) {
        int first = src >>> 24;
        if ((first & 0xF0) == 0xE0 || src == -1 || src == 0 || first == 127) {
            counters.drop(NetDropReason.IP_INVALID_SOURCE);
            return true;
        }
        for (Interface in : interfaces) {
            if (in.isLocalV4(src)) {
                counters.drop(NetDropReason.IP_LOCAL_SOURCE);
                return true;
            }
            if (in.isSubnetBroadcastV4(src)) {
                counters.drop(NetDropReason.IP_INVALID_SOURCE);
                return true;
            }
        }
        return false;
    }
}
