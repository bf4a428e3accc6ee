package dev.fastpath.tcp;

/**
 * Delivery-rate sampling as Linux's tcp_rate.c: each transmitted record snapshots the connection's
 * delivered count and times (tcp_rate_skb_sent); an ACK or SACK of it turns the snapshot of the most
 * recently sent delivered record into a sample of how many segments the network delivered over how long
 * (tcp_rate_skb_delivered, tcp_rate_gen). Application-limited stretches are marked so a sample taken there
 * is not mistaken for the path's capacity (tcp_rate_check_app_limited).
 */
final class TcpRate {
    private TcpRate() {
    }

    /** A fresh struct rate_sample for this ACK. */
    static void startSample(TcpSender t) {
        t.rsPriorDelivered = 0;
        t.rsHavePrior = false;
        t.rsPriorNs = 0;
        t.rsIntervalUs = -1;
        t.rsIsAppLimited = false;
        t.rsIsRetrans = false;
        t.rsLastEndSeq = 0;
        t.rsRttUs = -1;
        t.rsDelivered = 0;
        t.rsLosses = 0;
        t.rsAckedSacked = 0;
        t.rsIsAckDelayed = false;
    }

    /** Kernel: tcp_rate_skb_sent(). */
    static void tcpRateSkbSent(TcpSender t, int pos, long nowNs) {
        if (t.packetsOut == 0) {
            t.firstTxNs = nowNs; // nothing in flight: the sampling interval starts now
            t.deliveredNs = nowNs;
        }
        t.snapshot(pos, t.delivered, t.deliveredNs, t.firstTxNs, t.appLimited != 0);
    }

    /** Kernel: tcp_rate_skb_delivered(): keep the snapshot of the most recently sent delivered record. */
    static void tcpRateSkbDelivered(TcpSender t, int pos) {
        if (!t.txDeliveredValid(pos)) {
            return;
        }
        long txNs = t.xmitNs(pos);
        if (t.rsPriorDelivered == 0 || TcpRack.sentAfter(txNs, t.firstTxNs, t.end(pos), t.rsLastEndSeq)) {
            t.rsPriorDelivered = t.txDelivered(pos);
            t.rsPriorNs = t.txDeliveredNs(pos);
            t.rsHavePrior = true;
            t.rsIsAppLimited = (t.flags(pos) & TcpSender.F_APP_LIMITED) != 0;
            t.rsIsRetrans = (t.sacked(pos) & TcpSender.RETRANS) != 0;
            t.rsLastEndSeq = t.end(pos);
            t.firstTxNs = txNs;
            t.rsIntervalUs = TcpAckInput.us(t.firstTxNs - t.txFirstTxNs(pos));
        }
        if ((t.sacked(pos) & TcpSender.SACKED_ACKED) != 0) {
            t.clearTxDelivered(pos); // a SACKed record is not counted again when cumulatively ACKed
        }
    }

    /** Kernel: tcp_rate_gen(): the sample of this ACK, and the best recent one for tcp_info. */
    static void tcpRateGen(TcpSender t, int delivered, int lost, boolean isSackReneg, long nowNs) {
        if (t.appLimited != 0 && Seq.after(t.delivered, t.appLimited)) {
            t.appLimited = 0;
        }
        if (delivered > 0) {
            t.deliveredNs = nowNs;
        }
        t.rsAckedSacked = delivered;
        t.rsLosses = lost;
        if (!t.rsHavePrior || isSackReneg) {
            t.rsDelivered = -1;
            t.rsIntervalUs = -1;
            return;
        }
        t.rsDelivered = t.delivered - t.rsPriorDelivered;
        long sndUs = t.rsIntervalUs;
        long ackUs = TcpAckInput.us(nowNs - t.rsPriorNs);
        t.rsIntervalUs = Math.max(sndUs, ackUs);
        if (t.rsIntervalUs < t.minRttUs()) {
            t.rsIntervalUs = -1; // shorter than a round trip: not a valid sample
            return;
        }
        if (!t.rsIsAppLimited
                || (long) t.rsDelivered * t.rateIntervalUs >= (long) t.rateDelivered * t.rsIntervalUs) {
            t.rateDelivered = t.rsDelivered;
            t.rateIntervalUs = t.rsIntervalUs;
            t.rateAppLimited = t.rsIsAppLimited;
        }
    }

    /**
     * Kernel: tcp_rate_check_app_limited(), on each send(): less than a segment left to send, the window
     * not full and every lost segment resent means the application, not the network, is the limit.
     */
    static void tcpRateCheckApplimited(TcpSock s) {
        TcpSender t = s.snd;
        if (t == null || s.sendQueue == null) {
            return;
        }
        int unsent = s.sendQueue.size() - (s.sndNxt - s.sndUna);
        if (unsent < s.mss && t.inFlight() < s.sndCwnd && t.lostOut <= t.retransOut) {
            int v = t.delivered + t.inFlight();
            t.appLimited = v != 0 ? v : 1;
        }
    }
}
