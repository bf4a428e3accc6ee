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
     * Kernel: tcp_retransmit_timer(). SYN_SENT: H4, 1 s doubling, ETIMEDOUT after tcp_syn_retries.
     * Otherwise resend from snd_una with exponential backoff; R1 after tcp_retries2 (orphans:
     * tcp_orphan_retries, 0 meaning 8).
     */
    static void tcpRetransmitTimer(TcpEngine e, TcpSock s, long nowNs) {
        s.rtoTimer = TimerWheel.NONE;
        if (s.lossProbe) {
            tcpSendLossProbe(e, s, nowNs);
            return;
        }
        e.counters.inc(TcpStat.TcpExtTCPTimeouts);
        if (s.state == TcpState.SYN_SENT || s.state == TcpState.SYN_RECV) {
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
            return;
        }
        if (s.sndUna == s.sndNxt) {
            return;
        }
        if (s.retransStartNs == 0) {
            s.retransStartNs = nowNs - s.rtoNs; // when the lost segment was sent (the timer ran one RTO)
        }
        if (s.sndWnd == 0 && !s.orphan) {
            tcpRetransmitIntoZeroWindow(e, s, nowNs);
            return;
        }
        boolean expired = tcpWriteTimeout(e, s, s.retransmits + 1, nowNs);
        TcpFastOpen.activeDetectBlackhole(e, s, s.retransmits++, expired, nowNs);
        if (expired) {
            e.counters.inc(TcpStat.TcpExtTCPAbortOnTimeout);
            e.tcpDone(s, Errno.ETIMEDOUT);
            return;
        }
        rtoStats(s, nowNs);
        e.counters.inc(TcpStat.TcpRetransSegs);
        if (s.retransmits == 1) {
            // tcp_enter_loss(): the algorithm's new threshold, restart from one segment (RFC 5681 §3.1)
            s.ssthresh = s.inRecovery ? s.ssthresh : e.cc.onLoss(s, nowNs);
        }
        TcpRecovery.onRto(s);
        s.sndCwnd = 1;
        s.cwndCnt = 0;
        s.backoff++;
        s.rtoNs = Math.min(s.rtoNs * 2, e.params.rtoMaxNs());
        s.rttPending = false; // Karn: no RTT sample from a retransmitted segment
        s.sndNxt = s.sndUna;
        TcpXmit.tcpWriteXmit(e, s, nowNs);
        if (!e.timers.pending(s.rtoTimer)) {
            s.rtoTimer = e.timers.schedule(nowNs + s.rtoNs, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
        }
    }

    /**
     * Kernel: tcp_retransmit_timer(), "receiver dastardly shrinks window": data in flight and the peer's window
     * shut to 0 under it. The head segment is retransmitted from snd_una anyway — it serves as the zero-window
     * probe (__tcp_retransmit_skb sends one MSS at snd_una into a zero window) — nothing before snd_una is resent,
     * the timer backs off, and the connection times out only when the peer has been silent for 2 × TCP_RTO_MAX
     * (tcp_rtx_probe0_timed_out; TCP_USER_TIMEOUT when set), not after tcp_retries2.
     */
    private static void tcpRetransmitIntoZeroWindow(TcpEngine e, TcpSock s, long nowNs) {
        long limitNs = 2 * e.params.rtoMaxNs();
        if (s.userTimeoutMs > 0) {
            limitNs = Math.min(limitNs, (long) s.userTimeoutMs * TcpEngine.MS);
        }
        if (nowNs - s.lastRcvNs > limitNs && nowNs - s.retransStartNs > limitNs) {
            e.counters.inc(TcpStat.TcpExtTCPAbortOnTimeout);
            e.tcpDone(s, Errno.ETIMEDOUT);
            return;
        }
        e.counters.inc(TcpStat.TcpRetransSegs);
        s.rttPending = false; // Karn
        TcpXmit.retransmitFrom(e, s, s.sndUna, nowNs);
        s.backoff++;
        s.rtoNs = Math.min(s.rtoNs * 2, e.params.rtoMaxNs());
        s.rtoTimer = e.timers.schedule(nowNs + s.rtoNs, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
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
     * Kernel: tcp_set_xmit_timer(): with data in flight, the retransmission timer runs, or — for a
     * SACK connection with an RTT sample, not recovering, no probe out — a tail loss probe first
     * (RFC 8985 §7: PTO = 2 × SRTT, plus TCP_RTO_MIN when one segment is in flight for the delayed
     * ACK, never later than the RTO). {@code restart}: re-arm even if a timer is pending.
     */
    static void armXmitTimer(TcpEngine e, TcpSock s, long nowNs, boolean restart) {
        boolean pending = e.timers.pending(s.rtoTimer);
        if (pending && !restart && !s.lossProbe) {
            return;
        }
        e.timers.cancel(s.rtoTimer);
        s.rtoTimer = TimerWheel.NONE;
        s.lossProbe = false;
        if (s.sndUna == s.sndNxt) {
            return;
        }
        long when = s.rtoNs;
        if (s.sackOk && s.srttNs > 0 && s.retransmits == 0 && !s.tlpOut && !s.inRecovery) {
            boolean one = s.sndNxt - s.sndUna <= s.mss;
            long pto = 2 * s.srttNs + (one ? e.params.rtoMinNs() : 2 * TcpEngine.MS);
            if (pto < when) {
                when = pto;
            }
            s.lossProbe = true;
        }
        s.rtoTimer = e.timers.schedule(nowNs + when, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
    }

    /**
     * Kernel: tcp_send_loss_probe(). New data if the windows allow one more segment, otherwise the
     * newest segment again; then the RTO runs from now. One probe per episode.
     */
    /**
     * An RTO that did not give up: tcp_write_timeout() rehashes the flow (sk_rethink_txhash(), timeout_rehash)
     * and tcp_update_rto_stats() counts it (icsk_retransmits was just raised).
     */
    private static void rtoStats(TcpSock s, long nowNs) {
        s.stats.timeoutRehash++;
        s.stats.tcpUpdateRtoStats(s.retransmits - 1, nowNs);
    }

    private static void tcpSendLossProbe(TcpEngine e, TcpSock s, long nowNs) {
        s.lossProbe = false;
        s.tlpOut = true;
        e.counters.inc(TcpStat.TcpExtTCPLossProbes);
        int unsent = s.sendQueue.size() - (s.sndNxt - s.sndUna);
        if (unsent > 0 && Seq.before(s.sndNxt, s.sndUna + s.sndWnd)) {
            int before = s.sndNxt;
            TcpXmit.writeXmit(e, s, nowNs, 1, true);
            if (s.sndNxt != before) {
                armXmitTimer(e, s, nowNs, true);
                return;
            }
        }
        TcpXmit.retransmitFrom(e, s, s.lastSegSeq, nowNs);
        e.counters.inc(TcpStat.TcpRetransSegs);
        armXmitTimer(e, s, nowNs, true);
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
