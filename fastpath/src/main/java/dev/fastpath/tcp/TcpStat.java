package dev.fastpath.tcp;

import dev.fastpath.stat.EnumCounters;

/**
 * The engine's counters, named as Linux's nstat names them ({@code Tcp*} from /proc/net/snmp,
 * {@code TcpExt*} from /proc/net/netstat) where Linux has one; Fastpath's own start with {@code Fp}.
 */
public enum TcpStat {
    TcpActiveOpens, TcpPassiveOpens, TcpAttemptFails, TcpEstabResets, TcpCurrEstab, TcpInSegs, TcpOutSegs,
    TcpRetransSegs, TcpOutRsts, TcpInErrs, TcpInCsumErrors,
    TcpExtListenOverflows, TcpExtListenDrops, TcpExtSyncookiesSent, TcpExtSyncookiesRecv, TcpExtSyncookiesFailed,
    TcpExtTCPReqQFullDrop, TcpExtTCPReqQFullDoCookies, TcpExtEmbryonicRsts,
    TcpExtTCPAbortOnData, TcpExtTCPAbortOnClose, TcpExtTCPAbortOnLinger, TcpExtTCPAbortOnMemory,
    TcpExtTCPAbortOnTimeout, TcpExtTCPAbortFailed,
    TcpExtTW, TcpExtTWRecycled, TcpExtTCPTimeWaitOverflow, TcpExtTCPChallengeACK, TcpExtTCPSYNChallenge,
    TcpExtTCPACKSkippedChallenge, TcpExtTCPACKSkippedSeq, TcpExtDelayedACKs, TcpExtTCPTimeouts, TcpExtTCPLossProbes,
    TcpExtTCPSynRetrans, TcpExtTCPKeepAlive, TcpExtTCPWinProbe, TcpExtTCPRcvQDrop, TcpExtTCPOFODrop,
    TcpExtPAWSEstab, TcpExtTCPOFOQueue, TcpExtTCPDSACKOldSent, TcpExtTCPSACKRecovery, TcpExtTCPRenoRecovery,
    TcpExtTCPFastRetrans, TcpExtTCPLostRetransmit, TcpExtTCPDSACKRecv, TcpExtTCPSackRecoveryFail,
    TcpExtOutOfWindowIcmps, TcpExtTCPFastOpenActive, TcpExtTCPFastOpenActiveFail, TcpExtTCPFastOpenBlackhole,
    TcpExtTCPZeroWindowDrop, TcpExtBeyondWindow, TcpExtTCPOFOMerge, TcpExtDelayedACKLost, TcpExtTCPDSACKOfoSent,
    TcpExtPruneCalled, TcpExtRcvPruned, TcpExtOfoPruned, TcpExtTCPWantZeroWindowAdv, TcpExtTCPToZeroWindowAdv,
    TcpExtTCPFromZeroWindowAdv,
    TcpExtTCPFullUndo, TcpExtTCPPartialUndo, TcpExtTCPDSACKUndo, TcpExtTCPLossUndo, TcpExtTCPSpuriousRTOs,
    TcpExtTCPLossProbeRecovery, TcpExtTCPLossFailures, TcpExtTCPSackFailures, TcpExtTCPRenoFailures,
    TcpExtTCPRenoRecoveryFail, TcpExtTCPSlowStartRetrans, TcpExtTCPRetransFail, TcpExtTCPDSACKOfoRecv,
    TcpExtTCPDSACKIgnoredOld, TcpExtTCPDSACKIgnoredNoUndo, TcpExtTCPDSACKIgnoredDubious, TcpExtTCPDSACKRecvSegs,
    TcpExtTCPSACKDiscard, TcpExtTCPSACKReneging, TcpExtTCPSACKReorder, TcpExtTCPTSReorder, TcpExtTCPRenoReorder,
    TcpExtTCPDelivered, TcpExtTCPPureAcks, TcpExtTCPOrigDataSent, TcpExtTCPHystartTrainDetect,
    TcpExtTCPHystartTrainCwnd, TcpExtTCPHystartDelayDetect, TcpExtTCPHystartDelayCwnd,
    FpNoSocketRst, FpNoSocketDrop, FpBadAckDrop, FpTableFull, FpTxRingFull, FpNoRoute,
    /** Segments the writer refused because their lengths did not add up (never sent; a bug if non-zero). */
    FpTxBadLength,
    TcpExtTCPACKSkippedSynRecv, TcpExtTSECRRejected, TcpExtTCPACKSkippedTimeWait, TcpExtPAWSTimewait,
    /** Drops named after Linux's skb drop reasons (no nstat counter exists): TCP_FLAGS, TCP_OVERWINDOW. */
    FpDropTcpFlags, FpDropTcpOverwindow;

    /** The engine's counters: written by its worker only, readable from any thread while it runs. */
    public static final class Counters extends EnumCounters<TcpStat> {
        /** Every counter at zero. */
        public Counters() {
            super(TcpStat.class);
        }
    }
}
