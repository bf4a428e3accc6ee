package dev.fastpath.tcp;

import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpHeader;

/** Output steps of a full connection. Kernel: tcp_output.c. */
final class TcpXmit {
    private TcpXmit() {
    }

    /** Kernel: ip_dont_fragment(): DF unless IP_MTU_DISCOVER asked otherwise (no route here locks its MTU). */
    static boolean dontFragment(TcpSock s) {
        int pmtudisc = s.ipFlags & TcpSock.PMTUDISC_MASK;
        return pmtudisc == SocketConstants.IP_PMTUDISC_WANT || pmtudisc == SocketConstants.IP_PMTUDISC_DO;
    }

    private static int tsBits(TcpSock s) {
        return s.tsOk ? TcpOutput.OPT_TS : 0;
    }

    /** @return whether the frame went to the device (false: no route, or the TX ring refused it) */
    static boolean send(TcpEngine e, TcpSock s, int seq, int flags, byte[] data, int off, int len, long nowNs) {
        int bits = tsBits(s);
        if (s.sackOk && (flags & TcpHeader.ACK) != 0 && (flags & TcpHeader.RST) == 0 && sackBlocks(e.out, s)) {
            bits |= TcpOutput.OPT_SACK;
        }
        if (s.sendQueue != null) {
            s.sendQueue.lastXmitNs = nowNs; // tp->tcp_wstamp_ns
        }
        int window = s.recvQueue == null ? 0 : TcpWindow.tcpSelectWindow(e, s);
        boolean sent = e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .ip(s.ipTos | TcpEcn.tos(s, seq, len), dontFragment(s))
                .header(seq, s.rcvNxt, flags | TcpEcn.sendFlags(s, seq, len), window)
                .options(bits, 0, 0, e.tsVal(s, nowNs), s.tsRecent)
                .send(data, off, len);
        if (sent) {
            TcpEcn.onSent(s, len);
        }
        if ((flags & TcpHeader.ACK) != 0) {
            TcpAck.tcpEventAckSent(e, s);
        }
        if (sent && s.stats != null) {
            // Data or a FIN below the highest sequence sent is a retransmission (Linux counts it per skb).
            boolean resent = (len > 0 || (flags & TcpHeader.FIN) != 0) && Seq.before(seq, s.sndMax);
            s.stats.onTransmit(len, resent, nowNs);
        }
        return sent;
    }

    /**
     * The SACK blocks of an outgoing segment, as tcp_established_options() and tcp_options_write()
     * put them: the D-SACK first if one is due (RFC 2883), then the receiver's blocks in
     * tcp_sack_new_ofo_skb()'s order (most recent first); as many as fit, 3 beside timestamps, 4
     * without. The D-SACK is reported once.
     *
     * @return whether there is at least one
     */
    private static boolean sackBlocks(TcpOutput out, TcpSock s) {
        int max = s.tsOk ? 3 : 4;
        int n = 0;
        if (s.rx.dsackPending) {
            out.sackStarts[n] = s.rx.dsackStart;
            out.sackEnds[n++] = s.rx.dsackEnd;
            s.rx.dsackPending = false;
        }
        for (int i = 0; s.rx != null && i < s.rx.numSacks && n < max; i++) {
            out.sackStarts[n] = s.rx.sackStart[i];
            out.sackEnds[n++] = s.rx.sackEnd[i];
        }
        out.sackCount = n;
        return n > 0;
    }

    /**
     * Linux's snd_nxt: the highest sequence number sent. Control segments carry it even while an
     * RTO makes us resend from snd_una, or the peer, already past that, would find them too old
     * and drop their ACK (RFC 9293 §3.10.7.4: only the segment's sequence number decides).
     */
    static int sndHigh(TcpSock s) {
        return Seq.after(s.sndMax, s.sndNxt) ? s.sndMax : s.sndNxt;
    }

    /** Kernel: tcp_send_ack(). Sending it settles a pending delayed ACK (tcp_event_ack_sent()). */
    static void tcpSendAck(TcpEngine e, TcpSock s, long nowNs) {
        send(e, s, sndHigh(s), TcpHeader.ACK, null, 0, 0, nowNs);
    }

    /** Kernel: tcp_send_active_reset(): RST from the current send sequence (R4, F3, F6). */
    static void tcpSendActiveReset(TcpEngine e, TcpSock s, long nowNs) {
        send(e, s, sndHigh(s), TcpHeader.RST | TcpHeader.ACK, null, 0, 0, nowNs);
    }

    /** The SYN: H3. Options as Linux's tcp_syn_options(), window unscaled (RFC 7323 §2.2). */
    static void tcpTransmitSyn(TcpEngine e, TcpSock s, long nowNs) {
        tcpTransmitSyn(e, s, null, 0, nowNs);
    }

    /** The SYN, with Fast Open data when {@code len} &gt; 0 (tcp_send_syn_data()). */
    static void tcpTransmitSyn(TcpEngine e, TcpSock s, byte[] data, int len, long nowNs) {
        int bits = TcpOutput.OPT_MSS;
        if (e.params.windowScaling()) {
            bits |= TcpOutput.OPT_WSCALE;
        }
        if (e.params.sack()) {
            bits |= TcpOutput.OPT_SACK_PERM;
        }
        if (e.params.timestamps()) {
            bits |= TcpOutput.OPT_TS;
        }
        if (TcpFastOpen.synOption(e, s)) {
            // RFC 7413 §4.1: the cached cookie, or a request for one (Linux tcp_fastopen_cookie_check)
            int slot = e.fastOpen.find(s.remoteIp);
            bits |= TcpOutput.OPT_FASTOPEN;
            e.out.fastOpenLength = slot < 0 ? 0 : e.fastOpen.length(slot);
            e.out.fastOpenHi = slot < 0 ? 0 : e.fastOpen.hi(slot);
            e.out.fastOpenLo = slot < 0 ? 0 : e.fastOpen.lo(slot);
            e.out.fastOpenExp = e.fastOpen.exp(s.remoteIp);
            if (e.out.fastOpenExp) {
                s.stats.fastOpen |= TcpFastOpen.SYN_FASTOPEN_EXP;
            }
        }
        e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort).ip(s.ipTos, dontFragment(s))
                .header(s.iss, 0, TcpHeader.SYN | TcpEcn.synFlags(e, s), TcpWindow.synWindow(s.advertisedWnd))
                .options(bits, s.mssClamp, s.rcvWscale, e.tsVal(s, nowNs), s.tsRecent) // tcp_syn_options()
                .send(data, 0, len);
        s.stats.onTransmit(len, s.retransmits > 0, nowNs);
    }

    /** Simultaneous open: our SYN again, now acknowledging the peer's (Linux tcp_send_synack()). */
    static void tcpTransmitSynAck(TcpEngine e, TcpSock s, long nowNs) {
        int bits = TcpOutput.OPT_MSS | (s.wscaleOk ? TcpOutput.OPT_WSCALE : 0)
                | (s.sackOk ? TcpOutput.OPT_SACK_PERM : 0) | (s.tsOk ? TcpOutput.OPT_TS : 0);
        e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort).ip(s.ipTos, dontFragment(s))
                .header(s.iss, s.rcvNxt, TcpHeader.SYN | TcpHeader.ACK | TcpEcn.synAckFlags(s),
                        TcpWindow.synWindow(s.advertisedWnd))
                .options(bits, s.mssClamp, s.rcvWscale, e.tsVal(s, nowNs), s.tsRecent)
                .send(null, 0, 0);
        s.stats.onTransmit(0, s.retransmits > 0, nowNs);
    }

    /** Linux tp->nonagle bits: TCP_NAGLE_OFF (TCP_NODELAY), TCP_NAGLE_CORK, TCP_NAGLE_PUSH (push once). */
    static final int NAGLE_OFF = 1;
    static final int NAGLE_CORK = 2;
    static final int NAGLE_PUSH = 4;

    /** @return the socket's Linux nonagle bits */
    static int nonagle(TcpSock s) {
        return s.nonagle;
    }

    /**
     * Kernel: tcp_current_mss(). The MSS for the next data segment: the negotiated one (timestamps already
     * taken off), less the room SACK blocks will take when they ride along, at most what a frame holds.
     */
    static int tcpCurrentMss(TcpEngine e, TcpSock s) {
        int mss = Math.min(s.mss, e.out.maxPayload());
        if (s.sackOk && s.rx != null) {
            int blocks = Math.min(s.rx.numSacks + (s.rx.dsackPending ? 1 : 0), s.tsOk ? 3 : 4);
            if (blocks > 0) {
                mss -= 4 + 8 * blocks; // TCPOLEN_SACK_BASE_ALIGNED + blocks
            }
        }
        return Math.max(mss, 1);
    }

    /**
     * Kernel: tcp_packets_in_flight(). Segments sent and not yet acknowledged, counted per skb as Linux's
     * packets_out (a short segment counts one); after a timeout rewound snd_nxt, only those before it.
     */
    static int packetsInFlight(TcpSock s) {
        if (s.sendQueue == null) {
            return 0;
        }
        if (!Seq.before(s.sndNxt, s.sndMax)) {
            return s.sendQueue.packetsOut();
        }
        return s.sendQueue.packetsBefore(s.sndNxt - s.sndUna);
    }

    /** Linux tcp_urg_mode(): urgent data not yet acknowledged. */
    static boolean urgMode(TcpSock s) {
        return false;
    }

    /** Kernel: tcp_push_pending_frames() / __tcp_push_pending_frames(). */
    static void tcpPushPendingFrames(TcpEngine e, TcpSock s, int nonagle, long nowNs) {
        if (s.state == TcpState.CLOSE || s.sendQueue == null) {
            return;
        }
        if (TcpWriteXmit.tcpWriteXmit(e, s, tcpCurrentMss(e, s), nonagle, 0, Integer.MAX_VALUE, nowNs)) {
            TcpTimers.armProbe(e, s, nowNs); // tcp_check_probe_timer(): nothing in flight will bring an ACK
        }
    }

    /** Sends what the windows allow from the send queue, the FIN last (F4). Kernel: tcp_push_pending_frames(). */
    static void tcpWriteXmit(TcpEngine e, TcpSock s, long nowNs) {
        tcpPushPendingFrames(e, s, nonagle(s), nowNs);
    }

    /** Kernel: tcp_write_xmit() with an explicit nonagle and push_one. */
    static boolean tcpWriteXmit(TcpEngine e, TcpSock s, int mssNow, int nonagle, int pushOne, long nowNs) {
        return TcpWriteXmit.tcpWriteXmit(e, s, mssNow, nonagle, pushOne, Integer.MAX_VALUE, nowNs);
    }

    /**
     * At most {@code maxSegments} segments now, beyond the congestion window when {@code ignoreCwnd} (a loss
     * probe, RFC 8985 §7.3; limited transmit, RFC 3042).
     */
    static void writeXmit(TcpEngine e, TcpSock s, long nowNs, int maxSegments, boolean ignoreCwnd) {
        if (s.sendQueue == null) {
            return;
        }
        TcpWriteXmit.tcpWriteXmit(e, s, tcpCurrentMss(e, s), NAGLE_OFF, ignoreCwnd ? 2 : 0, maxSegments, nowNs);
    }

    /**
     * Kernel: tcp_event_data_sent() for a data segment: lsndtime, pingpong (a reply within the ACK timeout
     * is interactive), and the RTT sample's start.
     */
    static void tcpEventDataSent(TcpEngine e, TcpSock s, int seq, int len, long nowNs) {
        if (len <= 0) {
            return;
        }
        TcpAck.tcpEventDataSent(s, nowNs); // a reply within ato counts towards interactive mode
        s.lastSendNs = nowNs;
        if (!s.rttPending) {
            s.rttPending = true;
            s.rttSeq = seq;
            s.rttSeqSentNs = nowNs;
        }
    }

    /**
     * Kernel: tcp_cwnd_validate(). Remembers, per window of data, the most segments in flight and
     * whether the congestion window (not the application) held us back; the window only grows when
     * it was being used (RFC 7661; Linux tcp_is_cwnd_limited()).
     */
    static void tcpCwndValidate(TcpSock s, boolean cwndLimited, long nowNs) {
        int packetsOut = s.sendQueue.packetsOut();
        if (!Seq.before(s.sndUna, s.cwndUsageSeq) || cwndLimited || packetsOut > s.maxPacketsOut) {
            s.maxPacketsOut = packetsOut;
            s.cwndUsageSeq = s.sndNxt;
            s.cwndLimited = cwndLimited;
        }
        // The network starves and the writer waits for send-buffer space with nothing unsent: the send buffer
        // is what limits the flow (the sndbuf_limited chronograph).
        if (!CongestionControl.cwndLimited(s) && s.sendQueue.writeQueueSkbs() == 0 && s.sendQueue.noSpace
                && (s.state == TcpState.ESTABLISHED || s.state == TcpState.CLOSE_WAIT)) {
            s.stats.tcpChronoStart(SockStats.CHRONO_SNDBUF_LIMITED, nowNs);
        }
    }

    /**
     * Kernel: tcp_slow_start_after_idle_check() → tcp_cwnd_restart(), run as a write queues a new skb.
     * Nothing in flight and silent for longer than the RTO: the window learned before may no longer fit the
     * path (RFC 5681 §4.1). As Linux: halve it for every RTO of silence, not below the initial window, and keep
     * three quarters of it as ssthresh.
     */
    static void tcpSlowStartAfterIdleCheck(TcpEngine e, TcpSock s, long nowNs) {
        if (s.sendQueue.packetsOut() > 0 || s.lastSendNs == 0 || !e.params.slowStartAfterIdle()
                || nowNs - s.lastSendNs <= s.rtoNs) {
            return;
        }
        int restart = e.params.initCwnd();
        if (s.sndCwnd <= restart) {
            return;
        }
        s.ssthresh = Math.max(s.ssthresh, s.sndCwnd * 3 / 4);
        int cwnd = s.sndCwnd;
        for (long idle = nowNs - s.lastSendNs - s.rtoNs; idle > 0 && cwnd > restart; idle -= s.rtoNs) {
            cwnd >>= 1;
        }
        s.sndCwnd = Math.max(cwnd, restart);
    }

    /**
     * Resends the segment starting at {@code from} (at most one MSS, with the FIN when it ends at
     * it), leaving snd_nxt alone. Kernel: tcp_retransmit_skb() for one skb.
     */
    static void retransmitFrom(TcpEngine e, TcpSock s, int from, long nowNs) {
        TcpResend.retransmitFrom(e, s, from, nowNs);
    }

    /**
     * Queues the FIN after any data (F4, F10, shutdown SHUT_WR) and sends what it can, past Nagle. Kernel:
     * tcp_send_fin() (the FIN joins the last unsent skb, or goes alone), __tcp_push_pending_frames(NAGLE_OFF).
     */
    static void tcpSendFin(TcpEngine e, TcpSock s, long nowNs) {
        if (!s.finQueued) {
            s.finQueued = true;
            s.finSeq = s.sndUna + s.sendQueue.size();
        }
        tcpPushPendingFrames(e, s, NAGLE_OFF, nowNs);
    }
}
