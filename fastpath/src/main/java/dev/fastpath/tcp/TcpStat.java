package dev.fastpath.tcp;

/**
 * The engine's counters, named as Linux's nstat names them ({@code Tcp*} from /proc/net/snmp,
 * {@code TcpExt*} from /proc/net/netstat) where Linux has one; Fastpath's own start with {@code Fp}.
 */
public enum TcpStat {
    TcpActiveOpens, TcpPassiveOpens, TcpAttemptFails, TcpEstabResets, TcpCurrEstab, TcpInSegs, TcpOutSegs,
    TcpRetransSegs, TcpOutRsts, TcpInErrs,
    TcpExtListenOverflows, TcpExtListenDrops, TcpExtSyncookiesSent, TcpExtSyncookiesRecv, TcpExtSyncookiesFailed,
    TcpExtTCPReqQFullDrop, TcpExtTCPReqQFullDoCookies, TcpExtEmbryonicRsts,
    TcpExtTCPAbortOnData, TcpExtTCPAbortOnClose, TcpExtTCPAbortOnLinger, TcpExtTCPAbortOnMemory,
    TcpExtTCPAbortOnTimeout, TcpExtTCPAbortFailed,
    TcpExtTW, TcpExtTWRecycled, TcpExtTCPTimeWaitOverflow, TcpExtTCPChallengeACK, TcpExtTCPSYNChallenge,
    TcpExtTCPACKSkippedChallenge, TcpExtTCPACKSkippedSeq, TcpExtDelayedACKs, TcpExtTCPTimeouts, TcpExtTCPLossProbes,
    TcpExtTCPSynRetrans, TcpExtTCPKeepAlive, TcpExtTCPWinProbe, TcpExtTCPRcvQDrop, TcpExtTCPOFODrop,
    TcpExtPAWSEstab, TcpExtTCPOFOQueue, TcpExtTCPDSACKOldSent, TcpExtTCPSACKRecovery, TcpExtTCPRenoRecovery,
    TcpExtTCPFastRetrans, TcpExtTCPLostRetransmit, TcpExtTCPDSACKRecv, TcpExtTCPSackRecoveryFail,
    TcpExtOutOfWindowIcmps,
    TcpExtTCPZeroWindowDrop, TcpExtBeyondWindow, TcpExtTCPOFOMerge, TcpExtDelayedACKLost, TcpExtTCPDSACKOfoSent,
    TcpExtPruneCalled, TcpExtRcvPruned, TcpExtOfoPruned, TcpExtTCPWantZeroWindowAdv, TcpExtTCPToZeroWindowAdv,
    TcpExtTCPFromZeroWindowAdv,
    FpNoSocketRst, FpNoSocketDrop, FpBadAckDrop, FpTableFull, FpTxRingFull, FpNoRoute;

    /** Counter storage, one per engine (one writer: the worker). */
    public static final class Counters {
        private final long[] values = new long[TcpStat.values().length];

        /** @param s the counter to increment */
        public void inc(TcpStat s) {
            values[s.ordinal()]++;
        }

        /**
         * @param s a counter
         * @param n what to add
         */
        public void add(TcpStat s, long n) {
            values[s.ordinal()] += n;
        }

        /** @param s the gauge to decrement */
        public void dec(TcpStat s) {
            values[s.ordinal()]--;
        }

        /**
         * @param s a counter
         * @return its value
         */
        public long get(TcpStat s) {
            return values[s.ordinal()];
        }
    }
}
