package dev.fastpath.tcp;

import dev.fastpath.uapi.Errno;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpHeader;

/** The per-connection timers. Kernel: tcp_timer.c. */
final class TcpTimers {
    private TcpTimers() {
    }

    static void fire(TcpEngine e, TcpSock s, int kind, long nowNs) {
        switch (kind) {
            case TcpEngine.TIMER_RTO -> tcpRetransmitTimer(e, s, nowNs);
            case TcpEngine.TIMER_DELACK -> tcpDelackTimer(e, s, nowNs);
            case TcpEngine.TIMER_KEEPALIVE -> tcpKeepaliveTimer(e, s, nowNs);
            case TcpEngine.TIMER_FIN_WAIT2 -> finWait2Expired(e, s);
            case TcpEngine.TIMER_LINGER -> lingerExpired(e, s, nowNs);
            case TcpEngine.TIMER_PROBE -> tcpProbeTimer(e, s, nowNs);
            default -> throw new IllegalStateException("unknown timer kind " + kind);
        }
    }

    /**
     * Kernel: tcp_write_timer_handler(). The one retransmit timer serves the RTO, RACK's reordering timeout
     * and the tail loss probe (icsk_pending); SYN_SENT/SYN_RECV resend their SYN.
     */
    static void tcpRetransmitTimer(TcpEngine e, TcpSock s, long nowNs) {
        s.rtoTimer = TimerWheel.NONE;
        TcpSender t = s.snd;
        if (s.state == TcpState.SYN_SENT || s.state == TcpState.SYN_RECV || t != null && synInFlight(s, t)) {
            synRetransmitTimer(e, s, nowNs);
            return;
        }
        if (t == null) {
            return;
        }
        int event = t.pending;
        t.pending = 0;
        t.mstampNs = nowNs;
        switch (event) {
            case TcpSender.TIME_REO_TIMEOUT -> {
                t.pending = TcpSender.TIME_REO_TIMEOUT; // tcp_rack_reo_timeout() rearms unless RETRANS took over
                TcpRack.tcpRackReoTimeout(e, s, nowNs);
            }
            case TcpSender.TIME_LOSS_PROBE -> {
                t.pending = TcpSender.TIME_LOSS_PROBE;
                TcpXmit.tcpSendLossProbe(e, s, nowNs);
            }
            case TcpSender.TIME_RETRANS -> tcpRetransmitTimerData(e, s, nowNs);
            default -> {
            }
        }
    }

    /**
     * Whether our SYN is still unacknowledged: snd_una lies below every record, which start after the SYN (a
     * simultaneous open closed in SYN_RECV is in FIN_WAIT1 with it; Linux's SYN skb heads its rtx queue).
     */
    private static boolean synInFlight(TcpSock s, TcpSender t) {
        return s.sndNxt != s.sndUna && (t.packetsOut == 0 || Seq.before(s.sndUna, t.seq(t.head)));
    }

    /** SYN_SENT: H4, 1 s doubling, ETIMEDOUT after tcp_syn_retries; SYN_RECV of a simultaneous open likewise. */
    private static void synRetransmitTimer(TcpEngine e, TcpSock s, long nowNs) {
        e.counters.inc(TcpStat.TcpExtTCPTimeouts);
        boolean expired = s.retransmits >= (s.synRetries > 0 ? s.synRetries : e.params.synRetries());
        TcpFastOpen.activeDetectBlackhole(e, s, s.retransmits, expired, nowNs);
        if (++s.retransmits > (s.synRetries > 0 ? s.synRetries : e.params.synRetries())) {
            e.counters.inc(TcpStat.TcpAttemptFails);
            e.tcpDone(s, Errno.ETIMEDOUT);
            return;
        }
        rtoStats(s, nowNs);
        e.counters.inc(TcpStat.TcpExtTCPSynRetrans);
        e.counters.inc(TcpStat.TcpRetransSegs);
        if (s.state == TcpState.SYN_SENT) {
            TcpXmit.tcpTransmitSyn(e, s, nowNs);
        } else {
            TcpXmit.tcpTransmitSynAck(e, s, nowNs);
        }
        long rto = e.params.timeoutInitNs() << s.retransmits;
        s.rtoTimer = e.timers.schedule(nowNs + rto, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
    }

    /**
     * Kernel: tcp_retransmit_timer(). The RTO: enter Loss (tcp_enter_loss marks the queue lost, cwnd to
     * what is in flight + 1), resend the head, back off the RTO (RFC 6298 §5.5); the rest follows the ACKs
     * (tcp_process_loss). A zero window makes the resend a probe that never times the connection out;
     * R1 after tcp_retries2 (orphans: tcp_orphan_retries) or TCP_USER_TIMEOUT; a device that refuses the
     * frame is retried every 500 ms without backoff.
     */
    private static void tcpRetransmitTimerData(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (t.packetsOut == 0) {
            return;
        }
        if (s.retransStartNs == 0) {
            s.retransStartNs = t.xmitNs(t.head); // the lost segment's send time, for TCP_USER_TIMEOUT
        }
        boolean zeroWindow = s.sndWnd == 0 && !s.orphan;
        if (!zeroWindow) {
            e.counters.inc(TcpStat.TcpExtTCPTimeouts);
            boolean expired = tcpWriteTimeout(e, s, s.retransmits + 1, nowNs);
            TcpFastOpen.activeDetectBlackhole(e, s, s.retransmits, expired, nowNs);
            if (expired) {
                e.counters.inc(TcpStat.TcpExtTCPAbortOnTimeout);
                e.tcpDone(s, Errno.ETIMEDOUT);
                return;
            }
            if (s.retransmits == 0) {
                TcpStat c = switch (t.caState) {
                    case TcpSender.CA_RECOVERY -> s.sackOk ? TcpStat.TcpExtTCPSackRecoveryFail
                            : TcpStat.TcpExtTCPRenoRecoveryFail;
                    case TcpSender.CA_LOSS -> TcpStat.TcpExtTCPLossFailures;
                    default -> t.caState == TcpSender.CA_DISORDER || t.sackedOut > 0
                            ? (s.sackOk ? TcpStat.TcpExtTCPSackFailures : TcpStat.TcpExtTCPRenoFailures) : null;
                };
                if (c != null) {
                    e.counters.inc(c);
                }
            }
        }
        if (zeroWindow && tcpRtxProbe0TimedOut(e, s, nowNs)) {
            e.counters.inc(TcpStat.TcpExtTCPAbortOnTimeout);
            e.tcpDone(s, Errno.ETIMEDOUT);
            return;
        }
        TcpRecovery.tcpEnterLoss(e, s, nowNs);
        s.retransmits++; // tcp_update_rto_stats()
        rtoStats(s, nowNs);
        if (TcpXmit.tcpRetransmitSkb(e, s, t.head, 1, nowNs) > 0 && !zeroWindow) {
            resetXmitTimer(e, s, TcpSender.TIME_RETRANS, RESOURCE_PROBE_INTERVAL_NS, nowNs); // local congestion
            return;
        }
        s.backoff++;
        s.rtoNs = Math.min(s.rtoNs * 2, e.params.rtoMaxNs());
        long when = s.rtoNs;
        if (s.userTimeoutMs > 0) { // tcp_clamp_rto_to_user_timeout()
            long left = (long) s.userTimeoutMs * TcpEngine.MS - (nowNs - s.retransStartNs);
            when = left <= 0 ? TcpEngine.MS : Math.min(when, left);
        }
        resetXmitTimer(e, s, TcpSender.TIME_RETRANS, when, nowNs);
    }

    /**
     * Kernel: tcp_rtx_probe0_timed_out(). Data in flight and the peer's window shut to 0 under it ("receiver
     * dastardly shrinks window"): the head's retransmission is the probe, and the connection times out only once
     * the peer has been silent for 2 × TCP_RTO_MAX and retransmissions went on that long (TCP_USER_TIMEOUT when
     * set), not after tcp_retries2.
     */
    private static boolean tcpRtxProbe0TimedOut(TcpEngine e, TcpSock s, long nowNs) {
        long rtxDelta = nowNs - s.retransStartNs;
        long limitNs = 2 * e.params.rtoMaxNs();
        if (s.userTimeoutMs > 0) {
            long user = (long) s.userTimeoutMs * TcpEngine.MS;
            if (rtxDelta > user) {
                return true;
            }
            limitNs = Math.min(limitNs, user);
        }
        return nowNs - s.lastRcvNs > limitNs && rtxDelta > limitNs;
    }

    /**
     * Kernel: tcp_write_timeout(). With TCP_USER_TIMEOUT the connection ends once that long has passed
     * since the first retransmission's original send (RFC 5482); otherwise after tcp_retries2
     * retransmissions (orphans: tcp_orphan_retries, 0 meaning 8).
     */
    private static boolean tcpWriteTimeout(TcpEngine e, TcpSock s, int attempts, long nowNs) {
        if (s.userTimeoutMs > 0) {
            return nowNs - s.retransStartNs >= (long) s.userTimeoutMs * TcpEngine.MS;
        }
        int orphanRetries = e.params.orphanRetries();
        int limit = s.orphan ? (orphanRetries == 0 ? 8 : orphanRetries) : e.params.retries2();
        return attempts > limit;
    }

    /**
     * Kernel: inet_csk_reset_xmit_timer() (via tcp_reset_xmit_timer): the retransmit timer fires {@code whenNs}
     * from now for {@code what}, never later than TCP_RTO_MAX.
     */
    static void resetXmitTimer(TcpEngine e, TcpSock s, int what, long whenNs, long nowNs) {
        long when = Math.min(whenNs, e.params.rtoMaxNs());
        TcpSender t = s.snd;
        t.pending = what;
        t.timeoutNs = nowNs + when;
        e.timers.cancel(s.probeTimer); // Linux has one timer: this replaces a pending ICSK_TIME_PROBE0
        s.probeTimer = TimerWheel.NONE;
        e.timers.cancel(s.rtoTimer);
        s.rtoTimer = e.timers.schedule(nowNs + when, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
    }

    /** Kernel: inet_csk_clear_xmit_timer(ICSK_TIME_RETRANS). */
    static void clearXmitTimer(TcpEngine e, TcpSock s) {
        s.snd.pending = 0;
        e.timers.cancel(s.probeTimer); // ICSK_TIME_RETRANS and ICSK_TIME_PROBE0 share the timer
        s.probeTimer = TimerWheel.NONE;
        e.timers.cancel(s.rtoTimer);
        s.rtoTimer = TimerWheel.NONE;
    }

    /**
     * An RTO that did not give up: tcp_write_timeout() rehashes the flow (sk_rethink_txhash(), timeout_rehash)
     * and tcp_update_rto_stats() counts it (icsk_retransmits was just raised).
     */
    private static void rtoStats(TcpSock s, long nowNs) {
        s.stats.timeoutRehash++;
        s.stats.tcpUpdateRtoStats(s.retransmits - 1, nowNs);
    }

    /**
     * Kernel: tcp_rearm_rto() (RFC 6298 §5.3): the RTO from now, or — replacing a reordering or probe timer
     * — from when the head was sent.
     */
    static void tcpRearmRto(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (t.packetsOut == 0) {
            clearXmitTimer(e, s);
            return;
        }
        long rto = s.rtoNs;
        if (t.pending == TcpSender.TIME_REO_TIMEOUT || t.pending == TcpSender.TIME_LOSS_PROBE) {
            long deltaUs = TcpAckInput.us(t.xmitNs(t.head) + s.rtoNs - nowNs); // tcp_rto_delta_us()
            rto = ceilMs(Math.max(deltaUs, 1));
        }
        resetXmitTimer(e, s, TcpSender.TIME_RETRANS, rto, nowNs);
    }

    /** usecs_to_jiffies() with 1 ms jiffies, in ns. */
    private static long ceilMs(long us) {
        return (us + 999) / 1000 * TcpEngine.MS;
    }

    /** Kernel: tcp_set_xmit_timer(): a loss probe if one may be scheduled, else the RTO. */
    static void tcpSetXmitTimer(TcpEngine e, TcpSock s, long nowNs) {
        if (!tcpScheduleLossProbe(e, s, true, nowNs)) {
            tcpRearmRto(e, s, nowNs);
        }
    }

    /**
     * Kernel: tcp_schedule_loss_probe() (RFC 8985 §7.2). A SACK connection in Open or CWR with data in flight
     * probes after PTO = 2·SRTT, plus TCP_RTO_MIN when a single segment is out (the delayed ACK may hold
     * its answer) and 2 ms otherwise, or TCP_TIMEOUT_INIT without an RTT sample; never after the RTO would
     * fire. tcp_early_retrans 3 or 4 enables it.
     */
    static boolean tcpScheduleLossProbe(TcpEngine e, TcpSock s, boolean advancingRto, long nowNs) {
        TcpSender t = s.snd;
        int earlyRetrans = e.params.earlyRetrans();
        if (earlyRetrans != 3 && earlyRetrans != 4 || t.packetsOut == 0 || !s.sackOk
                || t.caState != TcpSender.CA_OPEN && t.caState != TcpSender.CA_CWR) {
            return false;
        }
        long timeout;
        if (t.srtt8Us != 0) {
            long us = t.srtt8Us >> 2;
            us += t.packetsOut == 1 ? e.params.rtoMinNs() / 1000 : TcpRack.TIMEOUT_MIN_US;
            timeout = ceilMs(us);
        } else {
            timeout = e.params.timeoutInitNs();
        }
        long rtoDeltaUs = advancingRto ? TcpAckInput.us(s.rtoNs) : TcpAckInput.us(t.xmitNs(t.head) + s.rtoNs - nowNs);
        if (rtoDeltaUs > 0) {
            timeout = Math.min(timeout, ceilMs(rtoDeltaUs));
        }
        resetXmitTimer(e, s, TcpSender.TIME_LOSS_PROBE, timeout, nowNs);
        return true;
    }

    /**
     * Kernel: tcp_check_probe_timer(). Data waits behind a zero window and nothing is in flight, so no
     * ACK will come to open it: the persist timer asks (RFC 9293 §3.8.6.1).
     */
    static void armProbe(TcpEngine e, TcpSock s, long nowNs) {
        if (s.sndUna == s.sndNxt && !e.timers.pending(s.rtoTimer) && !e.timers.pending(s.probeTimer)) {
            long base = Math.max(s.rtoNs, e.params.rtoMinNs()); // tcp_probe0_base()
            s.probeTimer = e.timers.schedule(nowNs + base, TcpEngine.timer(TcpEngine.TIMER_PROBE, s.id));
        }
    }

    /** Kernel: tcp_ack_probe(): an answer that leaves the window shut restarts the wait from now. */
    static void rearmProbe(TcpEngine e, TcpSock s, long nowNs) {
        e.timers.cancel(s.probeTimer);
        s.probeTimer = e.timers.schedule(nowNs + probeWhen(e, s), TcpEngine.timer(TcpEngine.TIMER_PROBE, s.id));
    }

    private static long probeWhen(TcpEngine e, TcpSock s) {
        return Math.min(s.rtoNs << Math.min(s.backoff, 20), e.params.rtoMaxNs());
    }

    /**
     * Kernel: tcp_probe_timer() and tcp_send_probe0(). Data waits and nothing is in flight: either the
     * peer's window is shut (a probe is a bare ACK one below snd_una, which the peer must answer with
     * its window; each unanswered probe doubles the wait) or our own device refused the frame (local
     * congestion: retry every TCP_RESOURCE_PROBE_INTERVAL, no backoff). An answer resets the count
     * (tcp_ack), so a live peer is probed forever unless TCP_USER_TIMEOUT is set, counted from the
     * first probe; otherwise the connection ends after tcp_retries2 probes.
     */
    static void tcpProbeTimer(TcpEngine e, TcpSock s, long nowNs) {
        s.probeTimer = TimerWheel.NONE;
        if (s.sndUna != s.sndNxt || s.sendQueue == null
                || s.sendQueue.size() == s.sndNxt - s.sndUna && !(s.finQueued && s.sndNxt == s.finSeq)) {
            s.probesOut = 0;
            s.probesStartNs = 0;
            return;
        }
        if (s.probesStartNs == 0) {
            s.probesStartNs = nowNs;
        } else if (s.userTimeoutMs > 0 && nowNs - s.probesStartNs >= (long) s.userTimeoutMs * TcpEngine.MS) {
            abort(e, s);
            return;
        }
        int orphanRetries = e.params.orphanRetries();
        int maxProbes = s.orphan ? (orphanRetries == 0 ? 8 : orphanRetries) : e.params.retries2();
        if (s.probesOut >= maxProbes) {
            abort(e, s);
            return;
        }
        boolean sent = tcpWriteWakeup(e, s, nowNs);
        if (s.sndUna != s.sndNxt) {
            s.probesOut = 0; // new data went out: the retransmission timer watches it now
            s.backoff = 0;
            s.probesStartNs = 0;
            return;
        }
        s.probesOut++;
        long when;
        if (sent) {
            s.backoff = Math.min(s.backoff + 1, e.params.retries2());
            when = probeWhen(e, s);
        } else {
            when = RESOURCE_PROBE_INTERVAL_NS; // our own device is full: no reason to back off
        }
        if (s.userTimeoutMs > 0) { // tcp_clamp_probe0_to_user_timeout()
            long left = (long) s.userTimeoutMs * TcpEngine.MS - (nowNs - s.probesStartNs);
            when = Math.min(when, Math.max(left, 2 * TcpEngine.MS));
        }
        e.timers.cancel(s.probeTimer); // the failed send may have armed one already
        s.probeTimer = e.timers.schedule(nowNs + when, TcpEngine.timer(TcpEngine.TIMER_PROBE, s.id));
    }

    /** Linux TCP_RESOURCE_PROBE_INTERVAL. */
    private static final long RESOURCE_PROBE_INTERVAL_NS = 500 * TcpEngine.MS;

    /** Kernel: tcp_write_wakeup(). @return whether the device took the frame */
    private static boolean tcpWriteWakeup(TcpEngine e, TcpSock s, long nowNs) {
        return TcpResend.tcpWriteWakeup(e, s, nowNs);
    }

    private static void abort(TcpEngine e, TcpSock s) {
        e.counters.inc(TcpStat.TcpExtTCPAbortOnTimeout);
        e.tcpDone(s, Errno.ETIMEDOUT); // tcp_write_err(): no RST, the peer is presumed gone
    }

    /** Kernel: tcp_delack_timer(): the ACK that waited for data to ride on goes out alone. */
    static void tcpDelackTimer(TcpEngine e, TcpSock s, long nowNs) {
        TcpAck.tcpDelackTimer(e, s, nowNs);
    }

    static void armKeepalive(TcpEngine e, TcpSock s, long nowNs) {
        e.timers.cancel(s.keepaliveTimer);
        s.keepaliveTimer = s.keepalive
                ? e.timers.schedule(nowNs + s.keepIdle * 1_000L * TcpEngine.MS,
                        TcpEngine.timer(TcpEngine.TIMER_KEEPALIVE, s.id))
                : TimerWheel.NONE;
    }

    /**
     * Kernel: tcp_keepalive_timer(). After keepIdle of silence, probes (seq snd_una − 1, no data)
     * every keepIntvl; keepCnt unanswered → RST and ETIMEDOUT (R1, F11).
     */
    static void tcpKeepaliveTimer(TcpEngine e, TcpSock s, long nowNs) {
        s.keepaliveTimer = TimerWheel.NONE;
        if (!s.keepalive || !s.synchronizedState() || s.state == TcpState.TIME_WAIT) {
            return;
        }
        long idleNs = nowNs - s.lastRcvNs;
        long keepIdleNs = s.keepIdle * 1_000L * TcpEngine.MS;
        if (idleNs < keepIdleNs) {
            s.keepaliveTimer = e.timers.schedule(s.lastRcvNs + keepIdleNs,
                    TcpEngine.timer(TcpEngine.TIMER_KEEPALIVE, s.id));
            return;
        }
        if (s.keepaliveProbes >= s.keepCnt) {
            TcpXmit.tcpSendActiveReset(e, s, nowNs);
            e.counters.inc(TcpStat.TcpExtTCPAbortOnTimeout);
            e.tcpDone(s, Errno.ETIMEDOUT);
            return;
        }
        s.keepaliveProbes++;
        e.counters.inc(TcpStat.TcpExtTCPKeepAlive);
        TcpXmit.send(e, s, s.sndUna - 1, TcpHeader.ACK, null, 0, 0, nowNs);
        s.keepaliveTimer = e.timers.schedule(nowNs + s.keepIntvl * 1_000L * TcpEngine.MS,
                TcpEngine.timer(TcpEngine.TIMER_KEEPALIVE, s.id));
    }

    /** F9: an orphan enters FIN_WAIT2; TCP_LINGER2 &lt; 0 closes it at once with a RST. */
    static void enterFinWait2(TcpEngine e, TcpSock s, long nowNs) {
        if (!s.orphan) {
            return; // Linux keeps a half-closed, still-owned socket in FIN_WAIT2 without a timer
        }
        if (s.linger2 < 0 && s.linger2 != Integer.MIN_VALUE) {
            TcpXmit.tcpSendActiveReset(e, s, nowNs);
            e.counters.inc(TcpStat.TcpExtTCPAbortOnLinger);
            e.tcpDone(s, 0);
            return;
        }
        long seconds = s.linger2 > 0 ? s.linger2 : e.params.finTimeoutS();
        s.finWait2Timer = e.timers.schedule(nowNs + seconds * 1_000L * TcpEngine.MS,
                TcpEngine.timer(TcpEngine.TIMER_FIN_WAIT2, s.id));
    }

    private static void finWait2Expired(TcpEngine e, TcpSock s) {
        s.finWait2Timer = TimerWheel.NONE;
        if (s.state == TcpState.FIN_WAIT2) {
            e.tcpDone(s, 0);
        }
    }

    /** F5: the linger time ran out before everything was acknowledged: RST. */
    private static void lingerExpired(TcpEngine e, TcpSock s, long nowNs) {
        s.lingerTimer = TimerWheel.NONE;
        if (s.state != TcpState.CLOSE && s.state != TcpState.TIME_WAIT && s.sndUna != s.sndNxt) {
            TcpXmit.tcpSendActiveReset(e, s, nowNs);
            e.counters.inc(TcpStat.TcpExtTCPAbortOnLinger);
            e.events.onLingerDone(s.id, Errno.ETIMEDOUT);
            e.tcpDone(s, 0);
        }
    }
}
