package dev.fastpath.net;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.Ipv4Header;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ICMP errors this stack sends about a datagram it received, as Linux's icmp_send() (net/ipv4/icmp.c): never about
 * a datagram to a broadcast or multicast address, a fragment other than the first, or an ICMP error; the message
 * quotes the datagram (its IP header and as much after it as keeps the answer within 576 bytes); TOS is the
 * datagram's TOS bits with precedence "internetwork control", TTL 64, DF clear. Rate-limited like Linux: a global
 * budget of {@code icmp_msgs_per_sec} (1000) with a burst of {@code icmp_msgs_burst} (50), then per destination
 * {@code icmp_ratelimit} (one per 1000 ms, a burst of 6: inet_peer_xrlim_allow()). The reply goes back to the
 * Ethernet source of the datagram (the hop it came over), from the address it was sent to. One sender per
 * interface, so the global budget is per interface (Linux's is per network namespace). Linux echoes a datagram's
 * record-route and timestamp options in its answer (ip_options_echo()); this sender does not.
 */
public final class IcmpSend {
    /** ICMP type 12, parameter problem (RFC 792); its pointer says which byte is at fault. */
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** Time exceeded, code 1: fragment reassembly time exceeded. */
    public static final int CODE_FRAGMENT_REASSEMBLY = 1;

    private static final int HEADERS = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH;
    /** RFC 1812 4.3.2.3: an ICMP error is at most 576 bytes. */
    private static final int MAX_ERROR = 576;
    private static final int MSGS_PER_SEC = 1000;
    private static final int MSGS_BURST = 50;
    private static final long RATELIMIT_MS = 1000;
    private static final long XRLIM_BURST_FACTOR = 6;
    private static final int PEERS = 256;
    private static final long MS = 1_000_000L;

    private final LocalAddresses local;
    private final NetStat.Counters counters;
    private PacketIo io;
    private final EthernetHeader eth = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Ipv4Header orig = new Ipv4Header();
    private int ipId;
    private int globalCredit;
    private long globalStampMs = Long.MIN_VALUE / 2;
    /** A direct-mapped table of per-destination token buckets (a collision starts a fresh bucket). */
    private final int[] peerIp = new int[PEERS];
    private final long[] peerTokensMs = new long[PEERS];
    private final long[] peerLastMs = new long[PEERS];
    private final boolean[] peerUsed = new boolean[PEERS];

    /**
     * @param local    the interface's addresses and MAC
     * @param io       where the errors go out
     * @param counters where counts go
     */
    public IcmpSend(LocalAddresses local, PacketIo io, NetStat.Counters counters) {
        this.local = local;
        this.io = io;
        this.counters = counters;
    }

    /**
     * Sends through {@code io} from now on (e.g. a wrapper that captures what is sent).
     *
     * @param io where the errors go out
     */
    public void io(PacketIo io) {
        this.io = io;
    }

    /**
     * Kernel: icmp_send(). Sends an ICMP error about the IPv4 datagram at {@code ipOffset}.
     *
     * @param buf      memory holding the datagram
     * @param ipOffset where its IPv4 header starts
     * @param ipLength its bytes available (at most its total length)
     * @param toMac    the Ethernet address it came from
     * @param type     ICMP type
     * @param code     ICMP code
     * @param info     the 32-bit field after the checksum (a parameter problem's pointer in its top byte)
     * @param nowNs    the time
     * @return whether the message was sent
     */
    public boolean icmpSend(MemorySegment buf, long ipOffset, int ipLength, long toMac, int type, int code, int info,
            long nowNs) {
        orig.wrap(buf, ipOffset);
        int dst = orig.destination();
        int src = orig.source();
        if (!local.isLocalV4(dst) || (orig.flagsFragment() & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0
                || (toMac & 0x0100_0000_0000L) != 0 || aboutAnIcmpError(buf, ipOffset, ipLength, orig)) {
            return false;
        }
        long nowMs = nowNs / MS;
        if (!globalAllow(nowMs)) {
            counters.inc(NetStat.IcmpOutRateLimitGlobal);
            return false;
        }
        if (!peerAllow(src, nowMs)) {
            counters.inc(NetStat.IcmpOutRateLimitHost);
            return false;
        }
        globalCredit--; // icmp_global_consume(): Linux takes 0 to 2 credits at random, 1 on average
        int quoted = Math.min(ipLength, MAX_ERROR - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH);
        long off = io.txClaim();
        if (off < 0) {
            counters.drop(NetDropReason.TX_RING_FULL);
            return false;
        }
        MemorySegment out = io.txBuffer();
        MemorySegment.copy(buf, ipOffset, out, off + HEADERS, quoted);
        long at = off + EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH;
        icmp.wrap(out, at).type(type).code(code).checksum(0).identifier(info >>> 16).sequence(info & 0xFFFF);
        icmp.fillChecksum(IcmpHeader.LENGTH + quoted);
        ip.wrap(out, off + EthernetHeader.LENGTH).versionAndHeaderLength(Ipv4Header.MIN_LENGTH)
                .tos((orig.tos() & 0x1E) | 0xC0).totalLength(Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH + quoted)
                .identification(ipId++ & 0xFFFF).flagsFragment(0).ttl(64).protocol(Ipv4Header.PROTO_ICMP)
                .source(dst).destination(src).fillChecksum();
        eth.wrap(out, off).destination(toMac).source(local.mac()).etherType(EthernetHeader.ETHERTYPE_IPV4);
        io.txCommit(off, HEADERS + quoted);
        counters.inc(NetStat.IcmpOutMsgs);
        counters.inc(type == TYPE_PARAMETER_PROBLEM ? NetStat.IcmpOutParmProbs : NetStat.IcmpOutTimeExcds);
        return true;
    }

    /** icmp_send(): no error about an ICMP error (or a message too short to tell), RFC 1122 3.2.2. */
    private static boolean aboutAnIcmpError(MemorySegment buf, long ipOffset, int ipLength, Ipv4Header orig) {
        if (orig.protocol() != Ipv4Header.PROTO_ICMP) {
            return false;
        }
        int ihl = orig.headerLength();
        if (ipLength < ihl + 1) {
            return true;
        }
        int inner = buf.get(ValueLayout.JAVA_BYTE, ipOffset + ihl) & 0xFF;
        return inner != IcmpHeader.TYPE_ECHO_REQUEST && inner != IcmpHeader.TYPE_ECHO_REPLY
                && inner != 13 && inner != 14; // only queries (echo, timestamp) may be answered with an error
    }

    /** Kernel: icmp_global_allow(): credit refills at msgs_per_sec, at most every 20 ms, up to the burst. */
    private boolean globalAllow(long nowMs) {
        if (globalCredit > 0) {
            return true;
        }
        long delta = Math.min(nowMs - globalStampMs, 1000);
        if (delta < 20) {
            return false;
        }
        int incr = (int) (MSGS_PER_SEC * delta / 1000);
        globalStampMs = nowMs;
        globalCredit = Math.min(globalCredit + incr, MSGS_BURST);
        return true;
    }

    /** Kernel: inet_peer_xrlim_allow() with icmp_ratelimit: a new destination starts with the whole burst. */
    private boolean peerAllow(int dst, long nowMs) {
        int i = (Integer.hashCode(dst) * 0x9E3779B1 >>> 24) & (PEERS - 1);
        if (!peerUsed[i] || peerIp[i] != dst) {
            peerUsed[i] = true;
            peerIp[i] = dst;
            peerTokensMs[i] = 0;
            peerLastMs[i] = nowMs - 60_000;
        }
        long token = Math.min(peerTokensMs[i] + nowMs - peerLastMs[i], XRLIM_BURST_FACTOR * RATELIMIT_MS);
        peerLastMs[i] = nowMs;
        boolean ok = token >= RATELIMIT_MS;
        peerTokensMs[i] = ok ? token - RATELIMIT_MS : token;
        return ok;
    }

}
