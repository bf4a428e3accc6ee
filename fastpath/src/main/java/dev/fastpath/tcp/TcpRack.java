package dev.fastpath.tcp;


/**
 * RACK loss detection (RFC 8985) as Linux's tcp_recovery.c: a segment is lost when one sent after it was
 * delivered and it has waited longer than the RTT of that delivery plus a reordering window; what is not yet
 * due arms the reordering timer. Non-SACK connections use NewReno's head marking instead.
 */
final class TcpRack {
    /** Linux tcp_recovery bits. */
    static final int RACK_STATIC_REO_WND = 0x2;
    static final int RACK_NO_DUPTHRESH = 0x4;
    /** TCP_RACK_RECOVERY_THRESH: recoveries a widened window persists for. */
    static final int RACK_RECOVERY_THRESH = 16;
    /** TCP_TIMEOUT_MIN_US. */
    static final long TIMEOUT_MIN_US = 2000;

    private TcpRack() {
    }

    /** Kernel: tcp_skb_sent_after(): later in time, or at the same time and later in sequence. */
    static boolean sentAfter(long t1, long t2, int seq1, int seq2) {
        return t1 - t2 > 0 || t1 == t2 && Seq.after(seq1, seq2);
    }

    /**
     * Kernel: tcp_rack_reo_wnd(). Without reordering seen, none in recovery or once dupthresh segments
     * are SACKed; otherwise min_rtt/4 per step (steps grow with D-SACKs), at most SRTT.
     */
    static long tcpRackReoWndUs(TcpEngine e, TcpSock s) {
        TcpSender t = s.snd;
        if (t.reordSeen == 0) {
            if (t.caState >= TcpSender.CA_RECOVERY) {
                return 0;
            }
            if (t.sackedOut >= t.reordering && (e.params.recovery() & RACK_NO_DUPTHRESH) == 0) {
                return 0;
            }
        }
        long minRtt = t.minRttUs();
        long byMin = minRtt == Long.MAX_VALUE ? Long.MAX_VALUE : (minRtt >> 2) * t.rackReoWndSteps;
        return Math.min(byMin, t.srtt8Us >> 3);
    }

    /** Kernel: tcp_rack_skb_timeout(): µs until the record at {@code pos} is due (≤ 0: lost). */
    static long tcpRackSkbTimeoutUs(TcpSender t, int pos, long reoWndUs, long nowNs) {
        return t.rackRttUs + reoWndUs - TcpAckInput.us(nowNs - t.xmitNs(pos));
    }

    /**
     * Kernel: tcp_rack_detect_loss(). Walks the records oldest transmission first: every one sent before
     * RACK's newest delivery that has waited too long is lost.
     *
     * @return the longest wait still to go, µs (0: none)
     */
    private static long tcpRackDetectLoss(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        long reoTimeout = 0;
        long reoWnd = tcpRackReoWndUs(e, s);
        int pos = t.tsHead;
        while (pos != TcpSender.NIL) {
            int next = t.tsNext(pos);
            int sacked = t.sacked(pos);
            if ((sacked & TcpSender.LOST) != 0 && (sacked & TcpSender.SACKED_RETRANS) == 0) {
                pos = next; // marked lost, not yet retransmitted
                continue;
            }
            if (!sentAfter(t.rackXmitNs, t.xmitNs(pos), t.rackEndSeq, t.end(pos))) {
                break;
            }
            long remaining = tcpRackSkbTimeoutUs(t, pos, reoWnd, nowNs);
            if (remaining <= 0) {
                TcpRecovery.tcpMarkSkbLost(e, s, pos);
                t.tsUnlink(pos);
            } else {
                reoTimeout = Math.max(reoTimeout, remaining);
            }
            pos = next;
        }
        return reoTimeout;
    }

    /**
     * Kernel: tcp_rack_mark_lost(). Runs only when RACK advanced; arms the reordering timer for what is
     * not yet due. @return whether it armed
     */
    static boolean tcpRackMarkLost(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (!t.rackAdvanced) {
            return false;
        }
        t.rackAdvanced = false;
        long timeoutUs = tcpRackDetectLoss(e, s, nowNs);
        if (timeoutUs > 0) {
            long ms = (timeoutUs + TIMEOUT_MIN_US + 999) / 1000; // usecs_to_jiffies(timeout + TCP_TIMEOUT_MIN_US)
            TcpTimers.resetXmitTimer(e, s, TcpSender.TIME_REO_TIMEOUT, ms * TcpEngine.MS, nowNs);
            return true;
        }
        return false;
    }

    /**
     * Kernel: tcp_rack_advance(). Remembers the most recently sent delivered record. A retransmission
     * delivered sooner than min_rtt after it was sent may be the original's delivery: not used.
     */
    static void tcpRackAdvance(TcpSender t, int sacked, int endSeq, long xmitNs, long nowNs) {
        long rttUs = TcpAckInput.us(nowNs - xmitNs);
        if (rttUs < t.minRttUs() && (sacked & TcpSender.RETRANS) != 0) {
            return;
        }
        t.rackAdvanced = true;
        t.rackRttUs = rttUs;
        if (sentAfter(xmitNs, t.rackXmitNs, endSeq, t.rackEndSeq)) {
            t.rackXmitNs = xmitNs;
            t.rackEndSeq = endSeq;
        }
    }

    /**
     * Kernel: tcp_rack_reo_timeout(). The reordering window passed: mark what is due, enter recovery with
     * a PRR step if not in it, and retransmit.
     */
    static void tcpRackReoTimeout(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        int lostBefore = t.lost;
        int priorInflight = t.inFlight();
        tcpRackDetectLoss(e, s, nowNs);
        if (priorInflight != t.inFlight()) {
            if (t.caState != TcpSender.CA_RECOVERY) {
                TcpRecovery.tcpEnterRecovery(e, s, false, nowNs);
                TcpRecovery.tcpCwndReduction(s, 1, t.lost - lostBefore, 0);
            }
            TcpXmit.tcpXmitRetransmitQueue(e, s, nowNs);
        }
        if (t.pending != TcpSender.TIME_RETRANS) {
            TcpTimers.tcpRearmRto(e, s, nowNs);
        }
    }

    /**
     * Kernel: tcp_rack_update_reo_wnd(). A D-SACK after reordering widens the window by one step, at most
     * once per round trip, and keeps it for 16 recoveries; then it returns to min_rtt/4.
     */
    static void tcpRackUpdateReoWnd(TcpEngine e, TcpSender t) {
        if ((e.params.recovery() & RACK_STATIC_REO_WND) != 0 || t.rsPriorDelivered == 0) {
            return;
        }
        if (Seq.before(t.rsPriorDelivered, t.rackLastDelivered)) {
            t.rackDsackSeen = false;
        }
        if (t.rackDsackSeen) {
            t.rackReoWndSteps = Math.min(0xFF, t.rackReoWndSteps + 1);
            t.rackDsackSeen = false;
            t.rackLastDelivered = t.delivered;
            t.rackReoWndPersist = RACK_RECOVERY_THRESH;
        } else if (t.rackReoWndPersist == 0) {
            t.rackReoWndSteps = 1;
        }
    }

    /**
     * Kernel: tcp_newreno_mark_lost() (RFC 6582). Without SACK: the third duplicate ACK marks the head
     * lost, and in recovery so does every partial ACK.
     */
    static void tcpNewrenoMarkLost(TcpEngine e, TcpSock s, boolean sndUnaAdvanced) {
        TcpSender t = s.snd;
        int state = t.caState;
        if (state < TcpSender.CA_RECOVERY && t.sackedOut >= t.reordering
                || state == TcpSender.CA_RECOVERY && sndUnaAdvanced) {
            int pos = t.head;
            if ((t.sacked(pos) & TcpSender.LOST) != 0) {
                return;
            }
            TcpRecovery.tcpMarkSkbLost(e, s, pos);
        }
    }
}
