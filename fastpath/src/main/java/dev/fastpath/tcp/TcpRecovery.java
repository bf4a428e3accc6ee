package dev.fastpath.tcp;

import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;

/**
 * Loss recovery on the sender side. Kernel: tcp_sacktag_write_queue(), tcp_fastretrans_alert().
 * The SACK scoreboard (RFC 2018, RFC 6675), duplicate-ACK counting and fast retransmit with NewReno
 * fast recovery (RFC 5681 §3.2, RFC 6582) retransmitting SACK holes first, limited transmit
 * (RFC 3042). Loss by timeout stays with the RTO timer ({@link TcpTimers}).
 */
final class TcpRecovery {
    private TcpRecovery() {
    }

    /**
     * Records the SACK blocks of an acceptable ACK. A block at or below the cumulative ACK, or the
     * first block lying inside the second, is a D-SACK (RFC 2883 §4): counted, not a hole report.
     */
    static void tcpSacktag(TcpEngine e, TcpSock s, TcpSegmentView f) {
        TcpOptions o = f.options();
        int n = o.sackBlockCount();
        if (n == 0 || !s.sackOk) {
            return;
        }
        for (int i = 0; i < n; i++) {
            int start = o.sackBlockStart(i);
            int end = o.sackBlockEnd(i);
            boolean dsack = i == 0 && (!Seq.after(end, f.ack()) || n > 1 && !Seq.before(start, o.sackBlockStart(1))
                    && !Seq.after(end, o.sackBlockEnd(1)));
            if (dsack) {
                e.counters.inc(TcpStat.TcpExtTCPDSACKRecv);
                continue;
            }
            if (!Seq.before(start, end) || Seq.after(end, s.sndMax) || !Seq.after(end, s.sndUna)) {
                continue; // reneging-proof: only blocks inside what is outstanding
            }
            s.sacked.add(Seq.before(start, s.sndUna) ? s.sndUna : start, end);
        }
    }

    /** RFC 5681 §2: no data, no SYN/FIN, same window, data outstanding, ACK = snd_una. */
    static boolean isDupAck(TcpSock s, TcpSegmentView f, int windowBefore) {
        return f.payloadLength() == 0 && (f.flags() & (TcpHeader.SYN | TcpHeader.FIN)) == 0
                && s.sndWnd == windowBefore && s.sndUna != s.sndMax;
    }

    static void onDupAck(TcpEngine e, TcpSock s, long nowNs) {
        s.dupAcks++;
        if (s.inRecovery) {
            s.sndCwnd = Math.min(s.sndCwnd + 1, CongestionControl.MAX_CWND); // RFC 6582 step 4: inflate
            retransmitNextHole(e, s, nowNs);
            return;
        }
        int dupThresh = e.params.reordering();
        if (s.dupAcks >= dupThresh || s.sackOk && s.sacked.bytes() > (dupThresh - 1) * s.mss) {
            enterRecovery(e, s, nowNs); // RFC 6675 IsLost(snd_una) with SACK, the third dup ACK without
            return;
        }
        TcpXmit.writeXmit(e, s, nowNs, 1, true); // RFC 3042: a new segment for each early dup ACK
    }

    /** RFC 6582 §3.2 steps 2–3: halve (the algorithm's β), retransmit, inflate by the dup ACKs. */
    private static void enterRecovery(TcpEngine e, TcpSock s, long nowNs) {
        s.inRecovery = true;
        s.recover = s.sndMax;
        TcpEcn.queueCwr(s); // tcp_init_cwnd_reduction(): the Recovery state ends any CWR state
        s.ssthresh = e.cc.onLoss(s, nowNs);
        s.sndCwnd = s.ssthresh + e.params.reordering();
        s.cwndCnt = 0;
        s.highRxt = s.sndUna;
        e.counters.inc(s.sackOk ? TcpStat.TcpExtTCPSACKRecovery : TcpStat.TcpExtTCPRenoRecovery);
        e.counters.inc(TcpStat.TcpExtTCPFastRetrans);
        retransmitNextHole(e, s, nowNs);
        TcpTimers.armXmitTimer(e, s, nowNs, true);
    }

    /**
     * An ACK that advanced snd_una. In recovery: a full ACK ends it with cwnd = ssthresh, a partial
     * ACK deflates and retransmits the next hole (RFC 6582 §3.2 steps 5–6). Otherwise the algorithm
     * grows the window.
     */
    static void onNewAck(TcpEngine e, TcpSock s, int segments, long nowNs) {
        s.sacked.removeBefore(s.sndUna);
        if (!s.inRecovery) {
            s.dupAcks = 0;
            if (TcpEcn.inCwr(s)) {
                TcpEcn.tcpCwndReduction(s, segments); // tcp_cong_control(): the CWR state reduces, never grows
            } else {
                e.cc.onAck(s, segments, nowNs);
            }
            return;
        }
        if (!Seq.before(s.sndUna, s.recover)) {
            s.inRecovery = false;
            s.dupAcks = 0;
            s.sndCwnd = Math.max(s.ssthresh, 2);
            s.cwndCnt = 0;
            return;
        }
        s.sndCwnd = Math.max(s.sndCwnd - segments + 1, 1);
        retransmitNextHole(e, s, nowNs);
    }

    /**
     * Retransmits the first segment not yet SACKed nor retransmitted in this recovery, if it lies
     * below the highest SACKed byte (RFC 6675 NextSeg rule 1); without SACK only snd_una, once per
     * partial ACK (NewReno).
     */
    static void retransmitNextHole(TcpEngine e, TcpSock s, long nowNs) {
        int from = Seq.after(s.highRxt, s.sndUna) ? s.highRxt : s.sndUna;
        if (s.sackOk) {
            from = s.sacked.nextUncovered(from);
            boolean first = from == s.sndUna && s.highRxt == s.sndUna;
            if (!first && !Seq.before(from, s.sacked.highestEnd(s.sndUna))) {
                return;
            }
        } else if (from != s.sndUna || Seq.after(s.highRxt, s.sndUna)) {
            return;
        }
        if (!Seq.before(from, s.sndMax)) {
            return;
        }
        int dataEnd = s.finQueued && Seq.after(s.sndMax, s.finSeq) ? s.finSeq : s.sndMax;
        int len = Math.max(0, Math.min(s.mss, dataEnd - from));
        TcpXmit.retransmitFrom(e, s, from, nowNs);
        e.counters.inc(TcpStat.TcpRetransSegs);
        s.highRxt = from + Math.max(len, 1);
        s.rttPending = false; // Karn
    }

    /** An RTO ends fast recovery: the timer's slow start takes over. */
    static void onRto(TcpSock s) {
        s.inRecovery = false;
        TcpEcn.queueCwr(s); // tcp_enter_loss()
        s.dupAcks = 0;
        s.highRxt = s.sndUna;
    }
}
