package dev.fastpath.tcp;

import dev.fastpath.config.Knob;
import dev.fastpath.wire.TcpHeader;

/** Output steps of a full connection. Kernel: tcp_output.c. */
final class TcpXmit {
    private TcpXmit() {
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
        int window = s.recvQueue == null ? 0 : TcpWindow.tcpSelectWindow(e, s);
        boolean sent = e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .header(seq, s.rcvNxt, flags, window)
                .options(bits, 0, 0, e.tsVal(s, nowNs), s.tsRecent)
                .send(data, off, len);
        if ((flags & TcpHeader.ACK) != 0) {
            TcpAck.tcpEventAckSent(e, s);
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
        int bits = TcpOutput.OPT_MSS;
        if (e.config.enabled(Knob.TCP_WINDOW_SCALING)) {
            bits |= TcpOutput.OPT_WSCALE;
        }
        if (e.config.enabled(Knob.TCP_SACK)) {
            bits |= TcpOutput.OPT_SACK_PERM;
        }
        if (e.config.enabled(Knob.TCP_TIMESTAMPS)) {
            bits |= TcpOutput.OPT_TS;
        }
        if (s.fastOpenConnect && (e.config.get(Knob.TCP_FASTOPEN) & 1) != 0) {
            // RFC 7413 §4.1: the cached cookie, or a request for one (Linux tcp_fastopen_cookie_check)
            int slot = e.fastOpen.find(s.remoteIp);
            bits |= TcpOutput.OPT_FASTOPEN;
            e.out.fastOpenLength = slot < 0 ? 0 : e.fastOpen.length(slot);
            e.out.fastOpenHi = slot < 0 ? 0 : e.fastOpen.hi(slot);
            e.out.fastOpenLo = slot < 0 ? 0 : e.fastOpen.lo(slot);
        }
        e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .header(s.iss, 0, TcpHeader.SYN, TcpWindow.synWindow(s.advertisedWnd))
                .options(bits, s.mssClamp, s.rcvWscale, e.tsVal(s, nowNs), 0)
                .send(null, 0, 0);
    }

    /** Simultaneous open: our SYN again, now acknowledging the peer's (Linux tcp_send_synack()). */
    static void tcpTransmitSynAck(TcpEngine e, TcpSock s, long nowNs) {
        int bits = TcpOutput.OPT_MSS | (s.wscaleOk ? TcpOutput.OPT_WSCALE : 0)
                | (s.sackOk ? TcpOutput.OPT_SACK_PERM : 0) | (s.tsOk ? TcpOutput.OPT_TS : 0);
        e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .header(s.iss, s.rcvNxt, TcpHeader.SYN | TcpHeader.ACK, TcpWindow.synWindow(s.advertisedWnd))
                .options(bits, s.mssClamp, s.rcvWscale, e.tsVal(s, nowNs), s.tsRecent)
                .send(null, 0, 0);
    }

    /**
     * Sends what the window allows from the send queue, the FIN last (riding on the last data
     * segment when it fits: F4). Kernel: tcp_write_xmit().
     */
    static void tcpWriteXmit(TcpEngine e, TcpSock s, long nowNs) {
        writeXmit(e, s, nowNs, Integer.MAX_VALUE, false);
    }

    /**
     * @param maxSegments  the most segments to send now
     * @param ignoreCwnd   a loss probe may go one segment beyond the congestion window (RFC 8985 §7.3)
     */
    static void writeXmit(TcpEngine e, TcpSock s, long nowNs, int maxSegments, boolean ignoreCwnd) {
        if (s.state != TcpState.ESTABLISHED && s.state != TcpState.CLOSE_WAIT && s.state != TcpState.FIN_WAIT1
                && s.state != TcpState.LAST_ACK && s.state != TcpState.CLOSING) {
            return; // H3: nothing but the SYN goes out before the handshake completes
        }
        int queued = s.sendQueue.size();
        byte[] scratch = e.scratch;
        tcpCwndRestart(e, s, nowNs);
        int budget = maxSegments;
        boolean cwndLimited = false;
        while (true) {
            int offset = s.sndNxt - s.sndUna;
            int unsent = queued - offset;
            boolean finDue = s.finQueued && s.sndNxt == s.finSeq;
            if (unsent <= 0 && !finDue) {
                break;
            }
            if (budget-- <= 0) {
                break;
            }
            if (!ignoreCwnd && unsent > 0 && (s.sndNxt - s.sndUna + s.mss - 1) / s.mss >= s.sndCwnd) {
                cwndLimited = true;
                break; // RFC 5681; a lone FIN is exempt, as in Linux's tcp_cwnd_test()
            }
            if (s.sackOk && s.sacked.count() > 0 && Seq.before(s.sndNxt, s.sndMax)) {
                int next = s.sacked.nextUncovered(s.sndNxt); // resending after an RTO: skip what was SACKed
                if (next != s.sndNxt) {
                    s.sndNxt = Seq.before(next, s.sndMax) ? next : s.sndMax;
                    continue;
                }
            }
            int room = s.sndUna + s.sndWnd - s.sndNxt;
            int len = Math.min(Math.max(unsent, 0), Math.min(s.mss, e.out.maxPayload()));
            len = Math.min(len, s.sendQueue.toRecordEnd(offset)); // a MSG_EOR record ends: the next starts anew
            if (len > 0 && len < s.mss && len == unsent && !finDue(s, len) && tcpNagleHold(e, s)) {
                if (s.sndUna == s.sndNxt) {
                    // Nothing in flight will bring an ACK: tcp_check_probe_timer() sends the held segment
                    // after ~200 ms (how TCP_CORK and MSG_MORE are bounded in Linux).
                    TcpTimers.armProbe(e, s, nowNs);
                }
                break; // a partial segment waits (Nagle / TCP_CORK / MSG_MORE)
            }
            if (len > room) {
                len = Math.max(room, 0);
                if (len == 0) {
                    TcpTimers.armProbe(e, s, nowNs);
                    break;
                }
            }
            int flags = TcpHeader.ACK;
            boolean last = offset + len == queued;
            if (last && len > 0 && (!s.moreComing || s.wakeupPush)) {
                flags |= TcpHeader.PSH;
            }
            if (len > 0 && s.sendQueue.recordEndsAt(offset + len)) {
                flags |= TcpHeader.PSH; // the record's skb was pushed at the end of its send() (tcp_push())
            }
            if (last && s.finQueued && s.sndNxt + len == s.finSeq) {
                flags |= TcpHeader.FIN;
            }
            if (len > 0) {
                s.sendQueue.copyOut(offset, scratch, 0, len);
            }
            if (!send(e, s, s.sndNxt, flags, scratch, 0, len, nowNs)) {
                // Not sent (TX ring full, no route): the data stays unsent, as Linux keeps an skb that
                // tcp_transmit_skb() could not hand down; with nothing in flight the probe timer retries.
                TcpTimers.armProbe(e, s, nowNs);
                break;
            }
            if (len < s.mss) {
                s.sndSml = s.sndNxt + len; // Minshall: remember the end of the last small segment
            }
            if (len > 0) {
                TcpAck.tcpEventDataSent(s, nowNs); // a reply within ato counts towards interactive mode
                s.lastSendNs = nowNs;
            }
            if (!s.rttPending && len > 0) {
                s.rttPending = true;
                s.rttSeq = s.sndNxt;
                s.rttSeqSentNs = nowNs;
            }
            if (s.retransmits == 0) {
                s.lastSegSeq = s.sndNxt; // new data (go-back-N resends after an RTO are not)
            }
            s.sndNxt += len + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            if (Seq.after(s.sndNxt, s.sndMax)) {
                s.sndMax = s.sndNxt;
            }
            TcpTimers.armXmitTimer(e, s, nowNs, false);
            if ((flags & TcpHeader.FIN) != 0) {
                break;
            }
        }
        tcpCwndValidate(s, cwndLimited);
        s.pushOnce = false;
        s.wakeupPush = false;
    }

    /**
     * Kernel: tcp_cwnd_validate(). Remembers, per window of data, the most segments in flight and
     * whether the congestion window (not the application) held us back; the window only grows when
     * it was being used (RFC 7661; Linux tcp_is_cwnd_limited()).
     */
    private static void tcpCwndValidate(TcpSock s, boolean cwndLimited) {
        int packetsOut = (s.sndNxt - s.sndUna + s.mss - 1) / Math.max(s.mss, 1);
        if (!Seq.before(s.sndUna, s.cwndUsageSeq) || cwndLimited || packetsOut > s.maxPacketsOut) {
            s.maxPacketsOut = packetsOut;
            s.cwndUsageSeq = s.sndNxt;
            s.cwndLimited = cwndLimited;
        }
    }

    /**
     * Kernel: tcp_cwnd_restart() via tcp_slow_start_after_idle_check(). Nothing in flight and
     * silent for longer than the RTO: the window learned before may no longer fit the path
     * (RFC 5681 §4.1). As Linux: halve it for every RTO of silence, not below the initial window,
     * and keep three quarters of it as ssthresh.
     */
    private static void tcpCwndRestart(TcpEngine e, TcpSock s, long nowNs) {
        if (s.sndUna != s.sndNxt || s.lastSendNs == 0 || !e.config.enabled(Knob.TCP_SLOW_START_AFTER_IDLE)
                || nowNs - s.lastSendNs <= s.rtoNs) {
            return;
        }
        int restart = e.config.intValue(Knob.TCP_INIT_CWND);
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

    /** Whether this partial segment would carry our FIN (a closing sender does not wait). */
    private static boolean finDue(TcpSock s, int len) {
        return s.finQueued && s.sndNxt + len == s.finSeq;
    }

    /**
     * Kernel: tcp_nagle_check(). TCP_CORK holds every partial segment, MSG_MORE only in the send() that
     * carried it ({@link TcpEngine#xmitForMoreSend}); Nagle's algorithm (RFC 896, Minshall's variant as in
     * Linux) holds one while an earlier small segment is unacknowledged, unless TCP_NODELAY. Resends after an
     * RTO are never held.
     */
    private static boolean tcpNagleHold(TcpEngine e, TcpSock s) {
        if (Seq.before(s.sndNxt, s.sndMax) || s.pushOnce) {
            return false;
        }
        if (s.cork || s.moreComing && e.xmitForMoreSend) {
            return true;
        }
        return !s.nodelay && Seq.after(s.sndSml, s.sndUna) && !Seq.after(s.sndSml, s.sndNxt);
    }

    /**
     * Resends the segment starting at {@code from} (at most one MSS, with the FIN when it ends at
     * it), leaving snd_nxt alone. Kernel: tcp_retransmit_skb() for one skb.
     */
    static void retransmitFrom(TcpEngine e, TcpSock s, int from, long nowNs) {
        int dataEnd = s.finQueued && Seq.after(s.sndNxt, s.finSeq) ? s.finSeq : s.sndNxt;
        int len = Math.max(0, Math.min(Math.min(s.mss, e.out.maxPayload()), dataEnd - from));
        len = Math.min(len, s.sendQueue.toRecordEnd(from - s.sndUna));
        int flags = TcpHeader.ACK;
        int end = from + len - s.sndUna;
        if (len > 0 && (end == s.sendQueue.size() || s.sendQueue.recordEndsAt(end))) {
            flags |= TcpHeader.PSH;
        }
        if (s.finQueued && from + len == s.finSeq && Seq.after(s.sndNxt, s.finSeq)) {
            flags |= TcpHeader.FIN;
        }
        if (len > 0) {
            s.sendQueue.copyOut(from - s.sndUna, e.scratch, 0, len);
        }
        send(e, s, from, flags, e.scratch, 0, len, nowNs);
    }

    /** Queues the FIN after any data (F4, F10, shutdown SHUT_WR) and sends what it can. Kernel: tcp_send_fin(). */
    static void tcpSendFin(TcpEngine e, TcpSock s, long nowNs) {
        if (!s.finQueued) {
            s.finQueued = true;
            s.finSeq = s.sndUna + s.sendQueue.size();
        }
        tcpWriteXmit(e, s, nowNs);
    }
}
