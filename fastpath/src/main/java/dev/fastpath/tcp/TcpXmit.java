package dev.fastpath.tcp;

import dev.fastpath.config.Knob;
import dev.fastpath.wire.TcpHeader;

/** Output steps of a full connection. Kernel: tcp_output.c. */
final class TcpXmit {
    private TcpXmit() {
    }

    /** The window to advertise, scaled. Kernel: tcp_select_window(). */
    static int window(TcpSock s) {
        int free = s.recvQueue == null ? 0 : s.recvQueue.free();
        if (s.recvQueue != null && free < Math.min(s.mss, s.recvQueue.capacity() / 2)) {
            free = 0; // receiver SWS avoidance (RFC 9293 §3.8.6.2.2): no tiny window openings
        }
        int promised = s.rcvWup + s.advertisedWnd - s.rcvNxt;
        if (promised > free) {
            free = promised; // never move the right edge back (RFC 9293 §3.8.6.2.1)
        }
        int wnd = Math.min(free, 65535 << s.rcvWscale) >>> s.rcvWscale;
        s.advertisedWnd = wnd << s.rcvWscale;
        s.rcvWup = s.rcvNxt;
        return wnd;
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
        return e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .header(seq, s.rcvNxt, flags, window(s))
                .options(bits, 0, 0, e.tsVal(s, nowNs), s.tsRecent)
                .send(data, off, len);
    }

    /**
     * The SACK blocks of an outgoing segment (RFC 2018 §4): a D-SACK first if one is due
     * (RFC 2883), then the range the latest segment landed in, then the others, highest first; at
     * most 3 beside timestamps, 4 without.
     *
     * @return whether there is at least one
     */
    private static boolean sackBlocks(TcpOutput out, TcpSock s) {
        int max = s.tsOk ? 3 : 4;
        int n = 0;
        if (s.dsackPending) {
            out.sackStarts[n] = s.dsackStart;
            out.sackEnds[n++] = s.dsackEnd;
            s.dsackPending = false;
        }
        SeqRanges r = s.ofo;
        int recent = r == null ? -1 : r.recent();
        if (recent >= 0 && n < max) {
            out.sackStarts[n] = r.start(recent);
            out.sackEnds[n++] = r.end(recent);
        }
        for (int i = r == null ? -1 : r.count() - 1; i >= 0 && n < max; i--) {
            if (i != recent) {
                out.sackStarts[n] = r.start(i);
                out.sackEnds[n++] = r.end(i);
            }
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

    /** Kernel: tcp_send_ack(). Cancels a pending delayed ACK. */
    static void tcpSendAck(TcpEngine e, TcpSock s, long nowNs) {
        send(e, s, sndHigh(s), TcpHeader.ACK, null, 0, 0, nowNs);
        e.timers.cancel(s.delackTimer);
        s.delackTimer = 0;
        s.unackedSegments = 0;
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
                .header(s.iss, 0, TcpHeader.SYN, initialWindow(e, s.mssClamp))
                .options(bits, s.mssClamp, s.rcvWscale, e.tsVal(s, nowNs), 0)
                .send(null, 0, 0);
    }

    /** Simultaneous open: our SYN again, now acknowledging the peer's (Linux tcp_send_synack()). */
    static void tcpTransmitSynAck(TcpEngine e, TcpSock s, long nowNs) {
        int bits = TcpOutput.OPT_MSS | (s.wscaleOk ? TcpOutput.OPT_WSCALE : 0)
                | (s.sackOk ? TcpOutput.OPT_SACK_PERM : 0) | (s.tsOk ? TcpOutput.OPT_TS : 0);
        e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .header(s.iss, s.rcvNxt, TcpHeader.SYN | TcpHeader.ACK, initialWindow(e, s.mssClamp))
                .options(bits, s.mssClamp, s.rcvWscale, e.tsVal(s, nowNs), s.tsRecent)
                .send(null, 0, 0);
    }

    /** Kernel: tcp_select_initial_window(): the receive space rounded down to whole MSS, at most 65535. */
    static int initialWindow(TcpEngine e, int mss) {
        int space = Math.min(65535, e.config.intValue(Knob.TCP_RMEM_DEFAULT) / 2);
        return space > mss ? space - space % mss : space;
    }

    /** Kernel: tcp_select_initial_window(): the smallest shift that lets the window reach tcp_rmem[2]. */
    static int windowScale(TcpEngine e) {
        if (!e.config.enabled(Knob.TCP_WINDOW_SCALING)) {
            return 0;
        }
        int space = e.config.intValue(Knob.TCP_RMEM_MAX);
        return Math.max(0, Math.min(14, 31 - Integer.numberOfLeadingZeros(space) - 15));
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
            long ato = e.config.get(Knob.TCP_DELACK_MIN) * TcpEngine.MS;
            if (len > 0 && s.atoStarted && nowNs - s.lastDataRcvNs < ato) {
                s.pingpong = true; // tcp_event_data_sent(): a reply within the ACK timeout is interactive
            }
            if (len > 0) {
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
