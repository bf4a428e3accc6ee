package dev.fastpath.net;

import dev.fastpath.stat.EnumCounters;

/**
 * Counters of the ARP/ICMP layer and the neighbour cache. ICMP names are nstat's ({@code Icmp*} from
 * /proc/net/snmp); ARP and neighbour names follow /proc/net/stat/arp_cache ({@code res_failed},
 * {@code unresolved_discards}) with an {@code Arp}/{@code Neigh} prefix.
 */
public enum NetStat {
    ArpInRequests, ArpInReplies, ArpOutRequests, ArpOutReplies, ArpOutAnnounces,
    NeighCreated, NeighUpdated, NeighExpired, NeighResFailed, NeighUnresolvedDiscards, NeighProbes,
    NeighFromRx, NeighFromShared,
    IcmpInMsgs, IcmpInEchos, IcmpOutMsgs, IcmpOutEchoReps,
    IcmpInErrors, IcmpInDestUnreachs, IcmpInTimeExcds, IcmpInParmProbs,
    /** ICMP errors sent (icmp_send()), and those the global or per-destination rate limit held back. */
    IcmpOutParmProbs, IcmpOutTimeExcds, IcmpOutRateLimitGlobal, IcmpOutRateLimitHost,
    /** ip_rcv_core(): header faults (a bad checksum also counts IpExtInCsumErrors), datagrams cut short. */
    IpInHdrErrors, IpExtInCsumErrors, IpInTruncatedPkts, IpInUnknownProtos,
    /** ip_defrag(): fragments received, datagrams reassembled, failures (overlaps, time-outs, memory). */
    IpReasmReqds, IpReasmOKs, IpReasmFails, IpReasmTimeout, IpExtReasmOverlaps,
    /** ICMP errors that aborted a connection attempt, were recorded as soft errors, lowered the path MTU. */
    FpIcmpTcpAborts, FpIcmpTcpSoftErrors, FpIcmpTcpMtuReduced;

    /**
     * The layer's counters and its drops by {@link NetDropReason}: written by the worker only, readable from any
     * thread while it runs.
     */
    public static final class Counters extends EnumCounters<NetStat> {
        private final EnumCounters<NetDropReason> drops = new EnumCounters<>(NetDropReason.class);

        /** Every counter at zero. */
        public Counters() {
            super(NetStat.class);
        }

        /** @param reason the drop to count */
        public void drop(NetDropReason reason) {
            drops.inc(reason);
        }

        /**
         * @param reason a drop reason
         * @return how many frames it dropped
         */
        public long drops(NetDropReason reason) {
            return drops.get(reason);
        }
    }
}
