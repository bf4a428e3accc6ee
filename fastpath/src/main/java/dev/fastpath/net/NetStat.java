package dev.fastpath.net;

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
    /** ICMP errors that aborted a connection attempt, were recorded as soft errors, lowered the path MTU. */
    FpIcmpTcpAborts, FpIcmpTcpSoftErrors, FpIcmpTcpMtuReduced;

    /** Counter storage with one writer (the worker); drops by {@link NetDropReason}. */
    public static final class Counters {
        private final long[] values = new long[NetStat.values().length];
        private final long[] drops = new long[NetDropReason.values().length];

        /** @param s the counter to increment */
        public void inc(NetStat s) {
            values[s.ordinal()]++;
        }

        /** @param reason the drop to count */
        public void drop(NetDropReason reason) {
            drops[reason.ordinal()]++;
        }

        /**
         * @param s a counter
         * @return its value
         */
        public long get(NetStat s) {
            return values[s.ordinal()];
        }

        /**
         * @param reason a drop reason
         * @return how many frames it dropped
         */
        public long drops(NetDropReason reason) {
            return drops[reason.ordinal()];
        }
    }
}
