package dev.fastpath.net;

import dev.fastpath.tcp.TcpIcmp;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ICMP error messages (destination unreachable, time exceeded, parameter problem) quoting a TCP segment
 * this stack sent: the quoted IPv4 header and the first 8 bytes of its TCP header (RFC 792; RFC 1122
 * §3.2.2 allows more) are checked and handed to the transport. Kernel: icmp.c icmp_unreach() →
 * icmp_socket_deliver() → tcp_v4_err(). Nothing here allocates.
 */
public final class IcmpErrors {

    /** The transport's entry point ({@code TcpEngine::tcpV4Err}). */
    @FunctionalInterface
    public interface Transport {
        /**
         * @return a {@link TcpIcmp} result
         */
        int tcpV4Err(int type, int code, int info, int localIp, int remoteIp, int localPort, int remotePort,
                int seq, long nowNs);
    }

    /** RFC 792 parameter problem. */
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** RFC 792: the quoted datagram's IP header plus at least 64 bits of its data. */
    private static final int QUOTED_L4 = 8;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final LocalAddresses local;
    private final NetStat.Counters counters;
    private final Transport tcp;
    private final Ipv4Header quoted = new Ipv4Header();

    /**
     * @param local    the interface's addresses
     * @param counters where counts go
     * @param tcp      the TCP engine's error entry point
     */
    public IcmpErrors(LocalAddresses local, NetStat.Counters counters, Transport tcp) {
        this.local = local;
        this.counters = counters;
        this.tcp = tcp;
    }

    /**
     * @param type an ICMP type
     * @return whether {@link #icmpRcv} handles it
     */
    public static boolean isError(int type) {
        return type == IcmpHeader.TYPE_DEST_UNREACHABLE || type == IcmpHeader.TYPE_TIME_EXCEEDED
                || type == TYPE_PARAMETER_PROBLEM;
    }

    /**
     * One ICMP error message the parser accepted.
     *
     * @param f     the frame
     * @param nowNs the current time
     */
    public void icmpRcv(ParsedFrame f, long nowNs) {
        counters.inc(NetStat.IcmpInMsgs);
        IcmpHeader icmp = f.icmp();
        int type = icmp.type();
        counters.inc(switch (type) {
            case IcmpHeader.TYPE_DEST_UNREACHABLE -> NetStat.IcmpInDestUnreachs;
            case IcmpHeader.TYPE_TIME_EXCEEDED -> NetStat.IcmpInTimeExcds;
            default -> NetStat.IcmpInParmProbs;
        });
        if (!local.isLocalV4(f.dstIp())) {
            counters.drop(NetDropReason.ICMP_NOT_LOCAL);
            return;
        }
        MemorySegment buf = f.buffer();
        long at = f.l4Offset() + IcmpHeader.QUOTED_DATAGRAM;
        int room = f.l4Length() - IcmpHeader.QUOTED_DATAGRAM;
        if (room < Ipv4Header.MIN_LENGTH) {
            counters.inc(NetStat.IcmpInErrors); // icmp_unreach(): too short to hold the quoted header
            counters.drop(NetDropReason.ICMP_QUOTE_TRUNCATED);
            return;
        }
        quoted.wrap(buf, at);
        int ihl = quoted.headerLength();
        if (quoted.version() != 4 || ihl < Ipv4Header.MIN_LENGTH || room < ihl + QUOTED_L4) {
            counters.inc(NetStat.IcmpInErrors);
            counters.drop(NetDropReason.ICMP_QUOTE_TRUNCATED);
            return;
        }
        if (quoted.protocol() != Ipv4Header.PROTO_TCP || !local.isLocalV4(quoted.source())) {
            counters.drop(NetDropReason.ICMP_QUOTE_NOT_OURS); // UDP etc. have no sockets here; or not our datagram
            return;
        }
        long l4 = at + ihl;
        int localPort = buf.get(U16, l4) & 0xFFFF;
        int remotePort = buf.get(U16, l4 + 2) & 0xFFFF;
        int seq = buf.get(U32, l4 + 4);
        int info = type == IcmpHeader.TYPE_DEST_UNREACHABLE ? icmp.nextHopMtu() : 0;
        int r = tcp.tcpV4Err(type, icmp.code(), info, quoted.source(), quoted.destination(), localPort, remotePort,
                seq, nowNs);
        switch (r) {
            case TcpIcmp.NO_SOCKET -> {
                counters.inc(NetStat.IcmpInErrors); // tcp_v4_err(): __ICMP_INC_STATS(ICMP_MIB_INERRORS)
                counters.drop(NetDropReason.ICMP_NO_SOCKET);
            }
            case TcpIcmp.ABORTED -> counters.inc(NetStat.FpIcmpTcpAborts);
            case TcpIcmp.SOFT_ERROR -> counters.inc(NetStat.FpIcmpTcpSoftErrors);
            case TcpIcmp.MTU_REDUCED -> counters.inc(NetStat.FpIcmpTcpMtuReduced);
            default -> counters.drop(NetDropReason.ICMP_IGNORED_BY_TCP); // out of window (counted there), etc.
        }
    }
}
