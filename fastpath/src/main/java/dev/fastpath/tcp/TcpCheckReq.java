package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;
import dev.fastpath.wire.TcpSegmentView;

/**
 * A segment for a pending request (SYN_RECV without a full socket). Kernel: tcp_minisocks.c tcp_check_req(), as
 * Linux 6.18 answers crafted segments (checked side by side: KernelDifferentialTest, cases {@code synrecv/*}):
 *
 * <ol>
 *   <li>the SYN again with the same ISN: the SYN-ACK again (H6), at most once per tcp_invalid_ratelimit;</li>
 *   <li>a RST outside the window is dropped; at rcv_nxt it removes the request (and its SYN-ACK timer);
 *       elsewhere in the window it gets a challenge ACK (RFC 5961 §3.2) — whatever its ACK field says;</li>
 *   <li>an ACK of another ISN: the listener answers it with a RST;</li>
 *   <li>anything else outside the window (PAWS, a TSecr we never sent, the sequence): an ACK, rate-limited;</li>
 *   <li>a SYN in the window with another ISN: a RST, and the request is removed;</li>
 *   <li>the ACK of our SYN-ACK: the child (H12).</li>
 * </ol>
 */
final class TcpCheckReq {
    private static final int FLAGS = TcpHeader.RST | TcpHeader.SYN | TcpHeader.ACK;
    private final TcpEngine e;

    TcpCheckReq(TcpEngine engine) {
        this.e = engine;
    }

    /** Kernel: tcp_check_req(). */
    void tcpCheckReq(RequestSock r, TcpSegmentView f, long nowNs) {
        int flg = f.flags() & FLAGS;
        TcpOptions o = f.options();
        boolean paws = false;
        boolean tsecr = false;
        if (o.hasTimestamps() && e.params.timestamps()) {
            if (r.tsOk && o.tsEcr() != 0) {
                tsecr = Integer.compareUnsigned(o.tsEcr() - r.tsFirst, r.tsLast - r.tsFirst) > 0;
            }
            paws = r.tsRecent != 0 && r.tsRecent - o.tsVal() > 0; // tcp_paws_reject(), the window 0
        }
        if (f.seq() == r.irs && flg == TcpHeader.SYN && !paws) {
            if (!oowRateLimited(r, f, nowNs)) {
                e.listen.tcpRtxSynack(r, nowNs); // RFC 1122's fix of RFC 793 figure 8: the SYN-ACK again
                r.synackRtx++;
                r.timer = e.timers.reschedule(r.timer, nowNs + e.listen.reqskTimeoutNs(r),
                        TcpEngine.timer(TcpEngine.TIMER_SYNACK, r.id));
            }
            return;
        }
        int rcvNxt = r.irs + 1;
        boolean inWindow = !paws && !tsecr && tcpInWindow(f.seq(), f.seq() + f.segmentLength(), rcvNxt,
                rcvNxt + synackWindow(r));
        if ((flg & TcpHeader.RST) != 0) {
            tcpCheckReqRst(r, f, inWindow, nowNs);
            return;
        }
        if ((flg & TcpHeader.ACK) != 0 && f.ack() != r.iss + 1) {
            e.listen.tcpListenerRcv(r.listener, f, nowNs); // RFC 793 p. 36: the listener resets it
            return;
        }
        if (!inWindow) {
            if (!oowRateLimited(r, f, nowNs)) {
                tcpV4ReqskSendAck(r, nowNs);
            }
            e.counters.inc(paws ? TcpStat.TcpExtPAWSEstab : tsecr ? TcpStat.TcpExtTSECRRejected
                    : TcpStat.FpDropTcpOverwindow);
            return;
        }
        if (f.seq() == r.irs) {
            flg &= ~TcpHeader.SYN; // the SYN lies before the window: truncated
        }
        if ((flg & TcpHeader.SYN) != 0) {
            e.counters.inc(TcpStat.TcpAttemptFails);
            e.tcpV4SendReset(f); // a SYN with another ISN inside the window: embryonic reset
            embryonicReset(r);
            return;
        }
        if ((flg & TcpHeader.ACK) != 0) {
            synRecvSock(r, f, nowNs);
        }
    }

    /**
     * RFC 5961 §3.2 for a request: a RST outside the window is dropped, one at rcv_nxt removes the request, one
     * elsewhere in it gets a challenge ACK (counted TcpExtTCPChallengeACK; it shares the rate limit of the
     * out-of-window ACKs). The ACK field of a RST is not checked.
     */
    private void tcpCheckReqRst(RequestSock r, TcpSegmentView f, boolean inWindow, long nowNs) {
        if (!inWindow) {
            e.counters.inc(TcpStat.FpDropTcpOverwindow);
            return;
        }
        if (f.seq() == r.irs + 1) {
            e.counters.inc(TcpStat.TcpAttemptFails);
            embryonicReset(r);
            return;
        }
        if (!oowRateLimited(r, f, nowNs)) {
            e.counters.inc(TcpStat.TcpExtTCPChallengeACK);
            tcpV4ReqskSendAck(r, nowNs);
        }
    }

    private void embryonicReset(RequestSock r) {
        e.listen.drop(r); // the SYN-ACK timer goes with it
        e.counters.inc(TcpStat.TcpExtEmbryonicRsts);
    }

    /** The ACK of our SYN-ACK: the child, or a full accept queue (drop, or RST with tcp_abort_on_overflow). */
    private void synRecvSock(RequestSock r, TcpSegmentView f, long nowNs) {
        TcpSock l = r.listener;
        if (TcpListen.acceptQueueFull(l)) {
            e.counters.inc(TcpStat.TcpExtListenOverflows);
            e.counters.inc(TcpStat.TcpExtListenDrops);
            if (e.params.abortOnOverflow()) {
                e.tcpV4SendReset(f);
                embryonicReset(r);
            } else {
                r.acked = true; // keep the request; the SYN-ACK timer will ask again
            }
            return;
        }
        TcpSock child = e.listen.tcpV4SynRecvSock(l, r, f, nowNs);
        e.listen.drop(r);
        if (child != null && (f.payloadLength() > 0 || (f.flags() & TcpHeader.FIN) != 0)) {
            e.input.tcpRcvStateProcess(child, f, nowNs);
        } else if (child != null) {
            child.stats.onReceive(0); // tcp_segs_in(): the ACK that made it
        }
    }

    /**
     * Kernel: tcp_minisocks.c tcp_in_window(): the segment starts at rcv_nxt, or overlaps the window, or is an
     * empty segment at its right edge.
     */
    static boolean tcpInWindow(int seq, int endSeq, int sWin, int eWin) {
        if (seq == sWin) {
            return true;
        }
        if (Seq.after(endSeq, sWin) && Seq.before(seq, eWin)) {
            return true;
        }
        return seq == eWin && seq == endSeq;
    }

    /** Kernel: tcp_synack_window(): the window the SYN-ACK offered, in bytes. */
    private static int synackWindow(RequestSock r) {
        return Math.min(r.rcvWnd, 65535 << r.rcvWscale);
    }

    /**
     * Kernel: tcp_oow_rate_limited() on the request's last_oow_ack_time: at most one answer per
     * tcp_invalid_ratelimit to segments that carry no data (or a SYN); TcpExtTCPACKSkippedSynRecv counts the rest.
     */
    private boolean oowRateLimited(RequestSock r, TcpSegmentView f, long nowNs) {
        if (f.payloadLength() > 0 && (f.flags() & TcpHeader.SYN) == 0) {
            return false; // data without a SYN is not part of an ACK loop
        }
        long limitNs = e.params.invalidRatelimitNs();
        if (r.lastOowAckNs != Long.MIN_VALUE && nowNs - r.lastOowAckNs < limitNs) {
            e.counters.inc(TcpStat.TcpExtTCPACKSkippedSynRecv);
            return true;
        }
        r.lastOowAckNs = nowNs;
        return false;
    }

    /**
     * Kernel: tcp_v4_reqsk_send_ack(): seq our ISN + 1, ack rcv_nxt, the SYN-ACK's window scaled, and timestamps
     * when the request holds a TSval to echo.
     */
    private void tcpV4ReqskSendAck(RequestSock r, long nowNs) {
        int tsVal = (int) (nowNs / TcpEngine.MS) + r.tsOffset;
        e.out.tuple(r.localIp, r.remoteIp, r.localPort, r.remotePort)
                .header(r.iss + 1, r.irs + 1, TcpHeader.ACK, synackWindow(r) >>> r.rcvWscale)
                .options(r.tsRecent != 0 ? TcpOutput.OPT_TS : 0, 0, 0, tsVal, r.tsRecent)
                .send(null, 0, 0);
    }
}
