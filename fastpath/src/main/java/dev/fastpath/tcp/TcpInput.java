package dev.fastpath.tcp;

import dev.fastpath.uapi.Errno;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;

/** Input processing for full connections and TIME_WAIT records. Kernel: tcp_input.c, tcp_minisocks.c. */
final class TcpInput {
    private final TcpEngine e;

    TcpInput(TcpEngine engine) {
        this.e = engine;
    }

    private static int endSeq(TcpSegmentView f) {
        return f.seq() + f.payloadLength() + ((f.flags() & TcpHeader.SYN) != 0 ? 1 : 0)
                + ((f.flags() & TcpHeader.FIN) != 0 ? 1 : 0);
    }

    /** Kernel: tcp_rcv_state_process(): every state but LISTEN and TIME_WAIT. */
    void tcpRcvStateProcess(TcpSock s, TcpSegmentView f, long nowNs) {
        if (s.stats != null) {
            s.stats.onReceive(f.payloadLength());
        }
        if (s.state == TcpState.SYN_SENT) {
            tcpRcvSynsentStateProcess(s, f, nowNs);
            return;
        }
        if (!tcpValidateIncoming(s, f, nowNs)) {
            return;
        }
        if ((f.flags() & TcpHeader.ACK) == 0) {
            return;
        }
        if (tcpAck(s, f, nowNs) < 0) {
            return;
        }
        if (s.state == TcpState.SYN_RECV) {
            synRecvAckStep(s, f, nowNs);
            if ((f.flags() & TcpHeader.SYN) != 0) {
                return;
            }
        }
        s.lastRcvNs = nowNs;
        s.keepaliveProbes = 0;
        if (!afterAckStateStep(s, nowNs)) {
            return;
        }
        if (s.tsOk && f.options().hasTimestamps()) {
            TcpWindow.tcpRcvRttMeasureTs(e, s, f.options().tsEcr(), f.payloadLength(), nowNs);
        }
        TcpEcn.tcpEcnCheckCe(e, s, f);
        if ((f.flags() & TcpHeader.URG) != 0 || TcpUrg.notYet(s)) {
            TcpUrg.tcpUrg(e, s, f); // step 6: the URG bit
        }
        if (!dataStep(s, f, nowNs)) {
            return;
        }
        tcpDataSndCheck(s, nowNs); // data may carry the ACK
        TcpAck.tcpAckSndCheck(e, s, nowNs);
    }

    /** Kernel: tcp_data_snd_check(): send what the ACK allows, then wake a writer the ACK made room for. */
    private void tcpDataSndCheck(TcpSock s, long nowNs) {
        TcpXmit.tcpWriteXmit(e, s, nowNs);
        TcpSend.tcpCheckSpace(e, s, nowNs);
    }

    /** State changes the ACK of our FIN makes: F9, F13, F14 (CLOSING). @return false when s is gone */
    private boolean afterAckStateStep(TcpSock s, long nowNs) {
        boolean finAcked = s.finQueued && s.sndUna == s.finSeq + 1;
        if (!finAcked) {
            return true;
        }
        switch (s.state) {
            case TcpState.FIN_WAIT1 -> {
                e.tcpSetState(s, TcpState.FIN_WAIT2);
                TcpTimers.enterFinWait2(e, s, nowNs);
                return s.state == TcpState.FIN_WAIT2;
            }
            case TcpState.CLOSING -> {
                tcpTimeWait(s, nowNs);
                return false;
            }
            case TcpState.LAST_ACK -> {
                e.tcpDone(s, 0); // F13
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * Kernel: tcp_rcv_state_process() step 7, the segment text and FIN per state, F8 included: after
     * the peer's FIN only old data is looked at (it earns a D-SACK and an ACK).
     *
     * @return false when s is gone
     */
    private boolean dataStep(TcpSock s, TcpSegmentView f, long nowNs) {
        int len = f.payloadLength();
        switch (s.state) {
            case TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK -> {
                if (!Seq.before(f.seq(), s.rcvNxt)) {
                    return true;
                }
                return TcpDataQueue.tcpDataQueue(e, s, f, nowNs);
            }
            case TcpState.FIN_WAIT1, TcpState.FIN_WAIT2 -> {
                if (s.orphan && len > 0 && Seq.after(f.seq() + len, s.rcvNxt)) {
                    // F8: the application closed (not just shut down writing): new data gets a RST,
                    // built from the segment as tcp_v4_do_rcv() does when tcp_rcv_state_process() says reset.
                    e.counters.inc(TcpStat.TcpExtTCPAbortOnData);
                    e.tcpV4SendReset(f);
                    e.tcpDone(s, Errno.ECONNRESET);
                    return false;
                }
                return TcpDataQueue.tcpDataQueue(e, s, f, nowNs);
            }
            case TcpState.ESTABLISHED -> {
                return TcpDataQueue.tcpDataQueue(e, s, f, nowNs);
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * Kernel: tcp_fin(). F7: ESTABLISHED → CLOSE_WAIT, readers see end of stream, and the connection
     * turns interactive (the ACK of the FIN may wait to ride on our reply, tcp_send_delayed_ack());
     * F14: FIN_WAIT1 → CLOSING; F12: FIN_WAIT2 → TIME_WAIT, both ACKed at once (T3). Nothing can
     * follow the FIN: the out-of-order queue is purged.
     *
     * @return false when s is gone
     */
    boolean tcpFin(TcpSock s, long nowNs) {
        s.ackPending |= TcpAck.ACK_SCHED;
        s.rcvShutdown = true;
        s.ofo.clear();
        s.rx.ofoBytes = 0;
        s.rx.finPending = false;
        s.rx.numSacks = 0; // tcp_sack_reset(): the SACK blocks and a pending D-SACK go
        s.rx.dsackPending = false;
        switch (s.state) {
            case TcpState.SYN_RECV, TcpState.ESTABLISHED -> {
                e.tcpSetState(s, TcpState.CLOSE_WAIT);
                TcpAck.enterPingpongMode(e, s);
                e.events.onReadable(s.id);
            }
            case TcpState.FIN_WAIT1 -> {
                TcpXmit.tcpSendAck(e, s, nowNs);
                e.tcpSetState(s, TcpState.CLOSING);
            }
            case TcpState.FIN_WAIT2 -> {
                TcpXmit.tcpSendAck(e, s, nowNs);
                tcpTimeWait(s, nowNs);
                return false;
            }
            default -> {
                // CLOSE_WAIT, CLOSING, LAST_ACK: a retransmitted FIN; nothing changes
            }
        }
        return true;
    }

    /**
     * Kernel: tcp_time_wait(). F12: the full socket is freed and a compact record holds the 4-tuple
     * for TCP_TIMEWAIT_LEN; beyond tcp_max_tw_buckets the connection simply ends.
     */
    void tcpTimeWait(TcpSock s, long nowNs) {
        e.tcpSetState(s, TcpState.TIME_WAIT);
        int tw = e.timeWait.add(s, nowNs);
        if (tw < 0) {
            e.counters.inc(TcpStat.TcpExtTCPTimeWaitOverflow);
        } else {
            e.timeWait.timer[tw] = e.timers.schedule(nowNs + timeWaitNs(),
                    TcpEngine.timer(TcpEngine.TIMER_TIME_WAIT, tw));
        }
        e.tcpDone(s, 0);
    }

    private long timeWaitNs() {
        return e.params.timewaitLenNs();
    }

    void timeWaitExpired(int tw) {
        e.timeWait.timer[tw] = TimerWheel.NONE;
        e.timeWait.remove(tw);
        e.counters.inc(TcpStat.TcpExtTW);
    }

    /**
     * Kernel: tcp_timewait_state_process(), TIME_WAIT. A bare ACK or RST exactly at rcv_nxt is in the window:
     * the RST ends the wait (unless tcp_rfc1337), the ACK restarts it, silently. T1: a SYN that is clearly newer
     * (higher sequence or newer timestamp) ends the wait and goes to the listener. Anything else is outside the
     * window: T2, a retransmitted FIN or any ACK restarts the wait, and everything but a RST is answered with an
     * ACK that advertises the window the connection had (tcp_v4_timewait_ack), at most once per
     * tcp_invalid_ratelimit.
     *
     * @return true when handled, false when the segment should go on to the listener
     */
    boolean tcpTimewaitStateProcess(int tw, TcpSegmentView f, long nowNs) {
        TimeWaitTable t = e.timeWait;
        int flags = f.flags();
        boolean rst = (flags & TcpHeader.RST) != 0;
        TcpOptions o = f.options();
        boolean sawTs = (t.flags[tw] & TimeWaitTable.TS_OK) != 0 && o.hasTimestamps();
        boolean paws = sawTs && t.tsRecent[tw] - o.tsVal() > 0; // tcp_paws_reject(), the window 0
        int seq = f.seq();
        int rcvNxt = t.rcvNxt[tw];
        if (!paws && seq == rcvNxt && (f.segmentLength() == 0 || rst)) {
            if (rst) {
                if (!e.params.rfc1337()) {
                    killTimeWait(tw);
                    return true;
                }
            } else {
                rescheduleTimeWait(tw, nowNs);
            }
            if (sawTs) {
                t.tsRecent[tw] = o.tsVal();
            }
            return true;
        }
        if ((flags & (TcpHeader.SYN | TcpHeader.RST | TcpHeader.ACK)) == TcpHeader.SYN && !paws
                && (Seq.after(seq, rcvNxt) || sawTs && t.tsRecent[tw] - o.tsVal() < 0)
                && e.listeners[f.dstPort()] != null) {
            e.listen.isnHint = t.sndNxt[tw] + 65535 + 2 == 0 ? 1 : t.sndNxt[tw] + 65535 + 2;
            e.counters.inc(TcpStat.TcpExtTWRecycled);
            killTimeWait(tw);
            return false;
        }
        if (paws) {
            e.counters.inc(TcpStat.TcpExtPAWSTimewait);
        }
        if (!rst) {
            if (paws || (flags & TcpHeader.ACK) != 0) {
                rescheduleTimeWait(tw, nowNs);
            }
            if (!timeWaitOowRateLimited(tw, f, nowNs)) {
                timeWaitAck(tw, nowNs);
            }
        }
        return true;
    }

    private void rescheduleTimeWait(int tw, long nowNs) {
        TimeWaitTable t = e.timeWait;
        t.timer[tw] = e.timers.reschedule(t.timer[tw], nowNs + timeWaitNs(),
                TcpEngine.timer(TcpEngine.TIMER_TIME_WAIT, tw));
    }

    /** Kernel: tcp_timewait_check_oow_rate_limit(): the record's own limit (TcpExtTCPACKSkippedTimeWait). */
    private boolean timeWaitOowRateLimited(int tw, TcpSegmentView f, long nowNs) {
        if (f.payloadLength() > 0 && (f.flags() & TcpHeader.SYN) == 0) {
            return false; // data without a SYN is not part of an ACK loop
        }
        TimeWaitTable t = e.timeWait;
        int nowMs = (int) (nowNs / TcpEngine.MS);
        int last = t.lastOowAckMs[tw];
        if (last != 0 && nowMs - last >= 0 && nowMs - last < e.params.invalidRatelimitNs() / TcpEngine.MS) {
            e.counters.inc(TcpStat.TcpExtTCPACKSkippedTimeWait);
            return true;
        }
        t.lastOowAckMs[tw] = nowMs == 0 ? 1 : nowMs;
        return false;
    }

    /** Kernel: tcp_v4_timewait_ack(): snd_nxt, rcv_nxt, the window the connection had, timestamps. */
    private void timeWaitAck(int tw, long nowNs) {
        TimeWaitTable t = e.timeWait;
        boolean ts = (t.flags[tw] & TimeWaitTable.TS_OK) != 0;
        int tsVal = ts ? (int) (nowNs / TcpEngine.MS) + e.tsOffset(t.localIp[tw], t.remoteIp[tw]) : 0;
        e.out.tuple(t.localIp[tw], t.remoteIp[tw], t.localPort(tw), t.remotePort(tw))
                .header(t.sndNxt[tw], t.rcvNxt[tw], TcpHeader.ACK, t.window[tw] & 0xFFFF)
                .options(ts ? TcpOutput.OPT_TS : 0, 0, 0, tsVal, t.tsRecent[tw])
                .send(null, 0, 0);
    }

    private void killTimeWait(int tw) {
        e.timers.cancel(e.timeWait.timer[tw]);
        e.timeWait.remove(tw);
    }

    /**
     * Kernel: tcp_validate_incoming(). R3: out of window → duplicate ACK (rate-limited), not a
     * reset. R2: RST exactly at rcv_nxt resets, elsewhere in the window it earns a challenge ACK
     * (RFC 5961 §3). H6: a SYN on a synchronized connection earns a challenge ACK (RFC 5961 §4).
     */
    private boolean tcpValidateIncoming(TcpSock s, TcpSegmentView f, long nowNs) {
        int flags = f.flags();
        if (tcpPawsDiscard(s, f)) {
            e.counters.inc(TcpStat.TcpExtPAWSEstab);
            if ((flags & TcpHeader.RST) == 0 && !oowRateLimited(s, f, nowNs)) {
                tcpSendDupack(s, f, nowNs);
            }
            return false;
        }
        int seqVerdict = tcpSequence(s, f.seq(), endSeq(f), (flags & TcpHeader.FIN) != 0);
        if (seqVerdict != SEQ_OK) {
            if ((flags & TcpHeader.RST) == 0) {
                if (seqVerdict != SEQ_OLD) {
                    e.counters.inc(TcpStat.TcpExtBeyondWindow);
                }
                if (!oowRateLimited(s, f, nowNs)) {
                    tcpSendDupack(s, f, nowNs);
                }
            }
            return false;
        }
        if ((flags & TcpHeader.RST) != 0) {
            if (f.seq() == s.rcvNxt) {
                tcpReset(s);
            } else {
                TcpFastOpen.outOfOrderRst(e, s, nowNs);
                tcpSendChallengeAck(s, nowNs);
            }
            return false;
        }
        if ((flags & TcpHeader.SYN) != 0 && !crossingSynAck(s, f)) {
            e.counters.inc(TcpStat.TcpExtTCPSYNChallenge);
            tcpSendChallengeAck(s, nowNs);
            return false;
        }
        return true;
    }

    /** Simultaneous open: the peer's own SYN-ACK reaching us in SYN_RECV is welcome (tcp_validate_incoming). */
    private static boolean crossingSynAck(TcpSock s, TcpSegmentView f) {
        return s.state == TcpState.SYN_RECV && (f.flags() & TcpHeader.ACK) != 0 && f.seq() + 1 == s.rcvNxt
                && f.ack() == s.sndNxt;
    }

    /**
     * Kernel: tcp_paws_discard(). PAWS (RFC 7323 §5): a timestamp older than ts_recent (by more
     * than one tick) marks an old duplicate from a previous wrap of the sequence space. A RST is
     * judged by its sequence number alone; a pure ACK that only repeats snd_una is let through
     * (tcp_disordered_ack).
     */
    private static boolean tcpPawsDiscard(TcpSock s, TcpSegmentView f) {
        if (!s.tsOk || !f.options().hasTimestamps() || (f.flags() & TcpHeader.RST) != 0) {
            return false;
        }
        if (s.tsRecent - f.options().tsVal() <= 1) {
            return false;
        }
        boolean disorderedAck = f.payloadLength() == 0 && (f.flags() & (TcpHeader.SYN | TcpHeader.FIN)) == 0
                && f.seq() == s.rcvNxt && f.ack() == s.sndUna;
        return !disorderedAck;
    }

    private static final int SEQ_OK = 0;
    private static final int SEQ_OLD = 1;
    private static final int SEQ_INVALID = 2;

    /**
     * Kernel: tcp_sequence() (Linux 6.17+, with 6.18's FIN allowance). Old: it ends before rcv_wup.
     * Invalid: it starts beyond the window, or ends beyond it while data waits in the receive queue
     * (an empty queue takes it: the application reads it soon); a FIN alone may lie one past the edge.
     */
    private static int tcpSequence(TcpSock s, int seq, int endSeq, boolean fin) {
        if (Seq.before(endSeq, s.rcvWup)) {
            return SEQ_OLD;
        }
        int limit = s.rcvNxt + TcpWindow.tcpReceiveWindow(s);
        if (Seq.after(endSeq, limit)) {
            if (!Seq.after(endSeq - (fin ? 1 : 0), limit)) {
                return SEQ_OK;
            }
            if (Seq.after(seq, limit)) {
                return SEQ_INVALID;
            }
            if (s.recvQueue != null && s.recvQueue.size() > 0) {
                return SEQ_INVALID;
            }
        }
        return SEQ_OK;
    }

    /**
     * Kernel: tcp_send_dupack(). A segment that repeats data we have: quick-ACK mode and a D-SACK of
     * the repeated part (RFC 2883), then the ACK.
     */
    private void tcpSendDupack(TcpSock s, TcpSegmentView f, long nowNs) {
        int end = endSeq(f);
        if (end != f.seq() && Seq.before(f.seq(), s.rcvNxt)) {
            e.counters.inc(TcpStat.TcpExtDelayedACKLost);
            TcpAck.tcpEnterQuickackMode(e, s, TcpAck.MAX_QUICKACKS);
            TcpDataQueue.tcpDsackSet(e, s, f.seq(), Seq.after(end, s.rcvNxt) ? s.rcvNxt : end);
        }
        TcpXmit.tcpSendAck(e, s, nowNs);
    }

    /** Kernel: tcp_oow_rate_limited(): data (without SYN) is never part of an ACK loop, so never limited. */
    private boolean oowRateLimited(TcpSock s, TcpSegmentView f, long nowNs) {
        if (endSeq(f) != f.seq() && (f.flags() & TcpHeader.SYN) == 0) {
            return false;
        }
        return rateLimited(s, nowNs, TcpStat.TcpExtTCPACKSkippedSeq);
    }

    /** Per-connection limit on out-of-window and challenge ACKs (tcp_invalid_ratelimit; not global: CVE-2016-5696). */
    private boolean rateLimited(TcpSock s, long nowNs, TcpStat skipped) {
        long gap = e.params.invalidRatelimitNs();
        if (s.lastDupAckNs != Long.MIN_VALUE && nowNs - s.lastDupAckNs < gap) {
            e.counters.inc(skipped);
            return true;
        }
        s.lastDupAckNs = nowNs;
        return false;
    }

    /** Kernel: tcp_send_challenge_ack(). */
    void tcpSendChallengeAck(TcpSock s, long nowNs) {
        if (rateLimited(s, nowNs, TcpStat.TcpExtTCPACKSkippedChallenge)) {
            return;
        }
        e.counters.inc(TcpStat.TcpExtTCPChallengeACK);
        TcpXmit.tcpSendAck(e, s, nowNs);
    }

    /** Kernel: tcp_reset(): R2. The error a reader sees depends on the state, as Linux. */
    private void tcpReset(TcpSock s) {
        int errno = switch (s.state) {
            case TcpState.SYN_SENT -> Errno.ECONNREFUSED;
            case TcpState.CLOSE_WAIT -> Errno.EPIPE;
            default -> Errno.ECONNRESET;
        };
        e.tcpDone(s, errno); // tcpSetState counts TcpEstabResets
    }

    /**
     * Kernel: tcp_replace_ts_recent() (RFC 7323 §4.3): TS.Recent takes the segment's TSval only when the segment
     * starts at or before the last ACK we sent (seq ≤ rcv_wup: not a segment the delayed ACK has not covered yet,
     * not one beyond a hole) and the TSval does not go backwards (tcp_paws_check() with no window; a ts_recent of
     * 0 takes any).
     */
    static void tcpReplaceTsRecent(TcpSock s, TcpSegmentView f) {
        if (s.tsOk && f.options().hasTimestamps() && Seq.beforeEq(f.seq(), s.rcvWup)
                && (s.tsRecent - f.options().tsVal() <= 0 || s.tsRecent == 0)) {
            s.tsRecent = f.options().tsVal(); // tcp_store_ts_recent()
        }
    }

    /**
     * Kernel: tcp_ack(), in {@link TcpAckInput}; wakes a writer when acknowledged data freed send-queue room.
     *
     * @return −1 drop the segment, 0 old ACK, 1 new or duplicate ACK
     */
    private int tcpAck(TcpSock s, TcpSegmentView f, long nowNs) {
        return TcpAckInput.tcpAck(e, s, f, nowNs);
    }

    /** The handshake's RTT sample (Kernel: tcp_synack_rtt_meas()). */
    void rttSample(TcpSock s, long rttNs, long nowNs) {
        TcpAckInput.tcpSynackRttMeas(e, s, rttNs, nowNs);
    }

    /**
     * Kernel: tcp_rcv_synsent_state_process(). H11: an ACK that does not acknowledge our SYN gets a
     * RST; a RST with an acceptable ACK refuses the connection; a SYN-ACK completes it.
     */
    private void tcpRcvSynsentStateProcess(TcpSock s, TcpSegmentView f, long nowNs) {
        int flags = f.flags();
        boolean hasAck = (flags & TcpHeader.ACK) != 0;
        if (hasAck && (!Seq.after(f.ack(), s.iss) || Seq.after(f.ack(), s.sndNxt))) { // SYN (and SYN data)
            if ((flags & TcpHeader.RST) == 0) {
                e.tcpV4SendReset(f);
            }
            return;
        }
        if ((flags & TcpHeader.RST) != 0) {
            if (hasAck) {
                e.counters.inc(TcpStat.TcpAttemptFails);
                tcpReset(s);
            }
            return;
        }
        if ((flags & TcpHeader.SYN) != 0 && !hasAck) {
            tcpSimultaneousOpen(s, f, nowNs);
            return;
        }
        if ((flags & TcpHeader.SYN) == 0) {
            return;
        }
        s.irs = f.seq();
        s.rcvNxt = f.seq() + 1;
        s.rcvWup = s.rcvNxt;
        int synAcked = f.ack() - s.sndUna; // the SYN and any Fast Open data it carried
        s.stats.bytesAcked += synAcked; // tcp_ack() → tcp_snd_una_update()
        s.stats.delivered++;
        s.sndUna = f.ack();
        s.sndWl1 = f.seq();
        s.sndWl2 = f.ack();
        negotiate(s, f.options());
        TcpEcn.rcvSynAck(s, flags);
        s.sndWnd = f.window(); // RFC 7323 §2.2: the window of a SYN is never scaled
        s.initQueues(e.params.reordering());
        // tp->bytes_acked counts the SYN-ACK too: tcp_ack()'s "not an ACK of bytes never sent" bound on an old ACK
        // (min(max_window, bytes_acked)) lets the peer's data that acknowledges less than its SYN-ACK through.
        s.snd.bytesAcked = synAcked;
        TcpWindow.tcpInitBufferSpace(e, s, nowNs);
        e.timers.cancel(s.rtoTimer);
        s.rtoTimer = TimerWheel.NONE;
        if (s.retransmits == 0 && s.synSentNs != 0) {
            rttSample(s, nowNs - s.synSentNs, nowNs); // tcp_clean_rtx_queue() on our SYN (Karn: not once resent)
        }
        TcpXmit.tcpInitTransfer(e, s, nowNs);
        TcpSend.tcpInitTransfer(e, s, true);
        s.retransmits = 0;
        s.lastRcvNs = nowNs;
        s.stats.lsndtimeNs = nowNs; // tcp_finish_connect(): lsndtime and icsk_ack.lrcvtime start now
        s.rx.lastDataRcvNs = nowNs;
        e.tcpSetState(s, TcpState.ESTABLISHED);
        s.socketState = TcpState.SS_CONNECTED;
        TcpTimers.armKeepalive(e, s, nowNs);
        boolean resent = TcpFastOpen.tcpRcvFastopenSynack(e, s, f.options().mss(), f.options().fastOpenLength(),
                f.options().fastOpenHi(), f.options().fastOpenLo(), f.options().fastOpenExp(), nowNs);
        if (!resent && (s.stats.fastOpen & TcpFastOpen.SYN_DATA_ACKED) != 0 && !tcpFastopenAddSkb(s, f, nowNs)) {
            return;
        }
        if (resent) {
            s.writePending = false; // a retransmission of the SYN's data carries the ACK
        } else if (s.writePending) {
            // A writer waits for this: its data carries the ACK, or TCP_DELACK_MAX sends it.
            s.writePending = false;
            TcpAck.tcpEnterQuickackMode(e, s, TcpAck.MAX_QUICKACKS);
            TcpAck.scheduleAck(e, s, nowNs + e.params.delackMaxNs());
        } else {
            TcpXmit.tcpSendAck(e, s, nowNs);
        }
        e.events.onConnected(s.id);
    }

    /**
     * Kernel: tcp_fastopen_add_skb() from tcp_rcv_fastopen_synack(). A Fast Open connection whose SYN data was all
     * acknowledged takes the SYN-ACK's own data (and FIN) into the receive queue, so the handshake's ACK covers it;
     * any other SYN-ACK's data is left for the peer to send again.
     *
     * @return false when the connection is gone
     */
    private boolean tcpFastopenAddSkb(TcpSock s, TcpSegmentView f, long nowNs) {
        int n = f.payloadLength();
        if (n > 0) {
            TcpWindow.ensureRing(s, n);
            s.recvQueue.writeAt(0, f.buffer(), f.payloadOffset(), n);
            s.recvQueue.commit(n);
            s.rcvNxt += n;
            s.stats.bytesReceived = n; // the FIN, if any, is not a received byte here
            e.events.onReadable(s.id);
        }
        if ((f.flags() & TcpHeader.FIN) != 0) {
            s.rcvNxt++;
            return tcpFin(s, nowNs);
        }
        return true;
    }

    /**
     * Kernel: tcp_rcv_synsent_state_process(), crossed SYNs (RFC 9293 §3.5, figure 7): SYN_SENT →
     * SYN_RECV, answer with a SYN-ACK of our ISN; the peer's ACK (or its own SYN-ACK) completes it.
     */
    private void tcpSimultaneousOpen(TcpSock s, TcpSegmentView f, long nowNs) {
        s.irs = f.seq();
        s.rcvNxt = f.seq() + 1;
        s.rcvWup = s.rcvNxt;
        s.sndWl1 = f.seq();
        negotiate(s, f.options());
        TcpEcn.rcvSyn(s, f.flags());
        s.sndWnd = f.window(); // RFC 7323 §2.2: the window of a SYN is never scaled
        s.initQueues(e.params.reordering());
        TcpWindow.tcpInitBufferSpace(e, s, nowNs);
        TcpXmit.tcpInitTransfer(e, s, nowNs);
        e.tcpSetState(s, TcpState.SYN_RECV);
        TcpXmit.tcpTransmitSynAck(e, s, nowNs); // the RTO timer keeps running for it
    }

    /** SYN_RECV of a simultaneous open: the ACK of our SYN makes it ESTABLISHED (tcp_rcv_state_process). */
    private void synRecvAckStep(TcpSock s, TcpSegmentView f, long nowNs) {
        if (s.sndUna != s.iss + 1) {
            return;
        }
        s.sndWnd = (f.flags() & TcpHeader.SYN) != 0 ? f.window() : f.window() << s.sndWscale;
        s.sndWl1 = f.seq();
        s.sndWl2 = f.ack();
        s.retransmits = 0;
        e.tcpSetState(s, TcpState.ESTABLISHED);
        TcpSend.tcpInitTransfer(e, s, true);
        s.socketState = TcpState.SS_CONNECTED;
        TcpTimers.armKeepalive(e, s, nowNs);
        if ((f.flags() & TcpHeader.SYN) != 0) {
            TcpXmit.tcpSendAck(e, s, nowNs); // the peer's crossing SYN-ACK is a duplicate: ACK it
        }
        e.events.onConnected(s.id);
    }

    /** Applies the peer's SYN options to a connection (our offers are the knobs; SynOptions decides). */
    void negotiate(TcpSock s, TcpOptions o) {
        int set = SynOptions.accepted(e, SynOptions.present(o, false), false);
        s.wscaleOk = (set & SynOptions.WSCALE) != 0;
        s.sndWscale = s.wscaleOk ? SynOptions.peerWscale(o) : 0;
        if (!s.wscaleOk) {
            s.rcvWscale = 0;
            s.windowClamp = Integer.compareUnsigned(s.windowClamp, 65535) > 0 ? 65535 : s.windowClamp;
        }
        s.sackOk = (set & SynOptions.SACK) != 0;
        s.tsOk = (set & SynOptions.TS) != 0;
        if (s.tsOk) {
            s.tsRecent = o.tsVal();
            s.advMss -= SynOptions.TCPOLEN_TSTAMP_ALIGNED;
        }
        s.mss = SynOptions.sendMss(e, SynOptions.peerMss(o, s.userMss), s.tsOk);
    }
}
