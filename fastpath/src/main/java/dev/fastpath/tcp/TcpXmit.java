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
        int urgPtr = TcpUrg.urgentPointer(s, seq);
        if (urgPtr >= 0) {
            e.out.urgentPointer = urgPtr;
        }
        boolean sent = e.out.tuple(s.localIp, s.remoteIp, s.localPort, s.remotePort)
                .ip(s.ipTos | TcpEcn.tos(s, seq, len), dontFragment(s))
                .header(seq, s.rcvNxt, (urgPtr >= 0 ? flags | TcpHeader.URG : flags) | TcpEcn.sendFlags(s, seq, len),
                        window)
                .options(bits, 0, 0, e.tsVal(s, nowNs), s.tsRecent)
                .send(data, off, len);
        if ((flags & TcpHeader.ACK) != 0) {
            TcpAck.tcpEventAckSent(e, s);
        }
        if (sent && s.stats != null) {
            // Data or a FIN below snd_nxt is a retransmission (Linux counts it per skb; snd_nxt never goes back).
            boolean resent = (len > 0 || (flags & TcpHeader.FIN) != 0) && Seq.before(seq, s.sndNxt);
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

    /** Linux's snd_nxt, the highest sequence number sent (an RTO never rewinds it). */
    static int sndHigh(TcpSock s) {
        return s.sndNxt;
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
     * Kernel: tcp_packets_in_flight(): packets_out - (sacked_out + lost_out) + retrans_out, from the
     * retransmission queue's scoreboard ({@link TcpSender#inFlight}).
     */
    static int packetsInFlight(TcpSock s) {
        return s.snd == null ? 0 : s.snd.inFlight();
    }

    /** Linux tcp_urg_mode(): urgent data not yet acknowledged. */
    static boolean urgMode(TcpSock s) {
        return TcpUrg.mode(s);
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
     * Kernel: tcp_event_data_sent() for a data segment: lsndtime and pingpong (a reply within the ACK timeout
     * is interactive).
     */
    static void tcpEventDataSent(TcpEngine e, TcpSock s, int seq, int len, long nowNs) {
        if (len <= 0) {
            return;
        }
        TcpAck.tcpEventDataSent(s, nowNs); // a reply within ato counts towards interactive mode
        s.lastSendNs = nowNs;
    }

    /**
     * Kernel: tcp_cwnd_validate() (RFC 7661). Remembers, per window of data, the most segments in flight and
     * whether the congestion window (not the application) held us back; the window only grows when it was
     * used (tcp_is_cwnd_limited).
     */
    static void tcpCwndValidate(TcpSock s, boolean cwndLimited, long nowNs) {
        TcpSender t = s.snd;
        if (!Seq.before(s.sndUna, s.cwndUsageSeq) || cwndLimited
                || !s.cwndLimited && t.packetsOut > s.maxPacketsOut) {
            s.cwndLimited = cwndLimited;
            s.maxPacketsOut = t.packetsOut;
            s.cwndUsageSeq = s.sndNxt;
        }
        if (CongestionControl.cwndLimited(s)) {
            t.sndCwndUsed = 0;
            t.sndCwndStampNs = nowNs;
        } else if (t.packetsOut > t.sndCwndUsed) {
            t.sndCwndUsed = t.packetsOut;
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
        if (s.snd.packetsOut > 0 || s.lastSendNs == 0 || !e.params.slowStartAfterIdle()
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
     * Kernel: tcp_retransmit_skb(). Resends the record at {@code pos} and tags it retransmitted; the first
     * retransmission of an episode stamps retrans_stamp; every one counts for a later D-SACK undo.
     *
     * @return 0 when sent
     */
    static int tcpRetransmitSkb(TcpEngine e, TcpSock s, int pos, int segs, long nowNs) {
        TcpSender t = s.snd;
        int err = tcpRetransmitOne(e, s, pos, segs, nowNs);
        if (err == 0) {
            t.setSacked(pos, t.sacked(pos) | TcpSender.RETRANS);
            t.retransOut++;
        }
        if (!t.retransStampSet) {
            t.retransStamp = e.tsVal(s, t.xmitNs(pos));
            t.retransStampSet = true;
        }
        if (t.undoRetrans < 0) {
            t.undoRetrans = 0;
        }
        t.undoRetrans++;
        return err;
    }

    /**
     * Kernel: __tcp_retransmit_skb(). Trims what snd_una already passed, respects a shrunk window (unless it
     * is zero and this is snd_una: then it is the window probe), splits a record larger than the MSS, and
     * merges the following small records into one segment (tcp_retrans_try_collapse, not across MSG_EOR).
     */
    private static int tcpRetransmitOne(TcpEngine e, TcpSock s, int pos, int segs, long nowNs) {
        TcpSender t = s.snd;
        if (Seq.before(t.seq(pos), s.sndUna)) {
            t.setSeq(pos, s.sndUna); // tcp_trim_head()
        }
        int seq = t.seq(pos);
        int curMss = Math.min(s.mss, e.out.maxPayload());
        int availWnd = s.sndUna + s.sndWnd - seq;
        if (availWnd <= 0) {
            if (seq != s.sndUna) {
                t.setSacked(pos, t.sacked(pos) | TcpSender.EVER_RETRANS);
                return -1; // EAGAIN: outside a window the receiver shrank
            }
            availWnd = curMss;
        }
        int len = curMss * segs;
        if (len > availWnd) {
            len = availWnd - availWnd % curMss;
            if (len == 0) {
                len = availWnd;
            }
        }
        if (dataLen(t, pos) > len) {
            t.split(pos, seq + len);
        } else {
            int avail = Math.min(availWnd, curMss);
            if (dataLen(t, pos) < avail) {
                tcpRetransTryCollapse(e, s, pos, avail);
            }
        }
        int dlen = dataLen(t, pos);
        e.counters.inc(TcpStat.TcpRetransSegs);
        t.totalRetrans++;
        t.bytesRetrans += dlen;
        int recFlags = t.flags(pos);
        int flags = TcpHeader.ACK | ((recFlags & TcpSender.F_PSH) != 0 ? TcpHeader.PSH : 0)
                | ((recFlags & TcpSender.F_FIN) != 0 ? TcpHeader.FIN : 0);
        if (dlen > 0) {
            s.sendQueue.copyOut(seq - s.sndUna, e.scratch, 0, dlen);
        }
        boolean ok = send(e, s, seq, flags, e.scratch, 0, dlen, nowNs);
        if (ok) {
            t.setXmitNs(pos, nowNs); // tcp_update_skb_after_send(): newest in the time-sorted list
            t.tsAppend(pos);
            TcpRate.tcpRateSkbSent(t, pos, nowNs);
            tcpEventDataSent(e, s, seq, dlen, nowNs); // __tcp_transmit_skb(): lsndtime for old data too
        } else {
            e.counters.inc(TcpStat.TcpExtTCPRetransFail);
        }
        t.setSacked(pos, t.sacked(pos) | TcpSender.EVER_RETRANS);
        return ok ? 0 : 1; // 1: our own device refused it (local congestion)
    }

    /** The record's payload length (its FIN takes a sequence number but no byte). */
    static int dataLen(TcpSender t, int pos) {
        return t.end(pos) - t.seq(pos) - ((t.flags(pos) & TcpSender.F_FIN) != 0 ? 1 : 0);
    }

    /**
     * Kernel: tcp_retrans_try_collapse() and tcp_collapse_retrans() (tcp_retrans_collapse): the records after
     * {@code to} join it while they fit in {@code space}, are not SACKed, lie in the window, and {@code to}
     * does not end a MSG_EOR record.
     */
    private static void tcpRetransTryCollapse(TcpEngine e, TcpSock s, int to, int space0) {
        TcpSender t = s.snd;
        if (!e.params.retransCollapse()) {
            return;
        }
        int space = space0 - dataLen(t, to);
        if ((t.sacked(to) & TcpSender.SACKED_ACKED) != 0) {
            return;
        }
        while (to + 1 < t.tail) {
            int next = to + 1;
            if ((t.sacked(next) & TcpSender.SACKED_ACKED) != 0 || (t.flags(to) & TcpSender.F_EOR) != 0) {
                break;
            }
            space -= dataLen(t, next);
            if (space < 0 || Seq.after(t.end(next), s.sndUna + s.sndWnd)) {
                break;
            }
            int nextSacked = t.sacked(next);
            t.setFlags(to, (t.flags(to) & ~TcpSender.F_EOR) | (t.flags(next) & (TcpSender.F_FIN | TcpSender.F_PSH
                    | TcpSender.F_EOR)));
            t.setSacked(to, t.sacked(to) | (nextSacked & TcpSender.EVER_RETRANS));
            int end = t.end(next);
            t.packetsOut--; // tcp_adjust_pcount()
            if ((nextSacked & TcpSender.SACKED_RETRANS) != 0) {
                t.retransOut--;
            }
            if ((nextSacked & TcpSender.LOST) != 0) {
                t.lostOut--;
            }
            if (!s.sackOk && t.sackedOut > 0) {
                t.sackedOut--;
            }
            t.removeAt(next);
            t.setEnd(to, end);
        }
    }

    /**
     * Kernel: tcp_xmit_retransmit_queue(). Retransmits, oldest first, the records marked lost and not yet
     * retransmitted, while the congestion window allows; a retransmission of the head restarts the RTO.
     * TcpExtTCPFastRetrans (in Recovery) or TcpExtTCPSlowStartRetrans (in Loss).
     */
    static void tcpXmitRetransmitQueue(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (t.packetsOut == 0) {
            return;
        }
        int rtxHead = t.head;
        boolean hole = false;
        boolean rearm = false;
        int pos = t.retransmitHint != TcpSender.NIL ? t.retransmitHint : rtxHead;
        for (; pos < t.tail; pos++) {
            if (!hole) {
                t.retransmitHint = pos;
            }
            int segs = s.sndCwnd - t.inFlight();
            if (segs <= 0) {
                break;
            }
            int sacked = t.sacked(pos);
            if (t.retransOut >= t.lostOut) {
                break;
            }
            if ((sacked & TcpSender.LOST) == 0) {
                if (!hole && (sacked & (TcpSender.SACKED_RETRANS | TcpSender.SACKED_ACKED)) == 0) {
                    hole = true;
                }
                continue;
            }
            if ((sacked & (TcpSender.SACKED_ACKED | TcpSender.SACKED_RETRANS)) != 0) {
                continue;
            }
            if (tcpRetransmitSkb(e, s, pos, 1, nowNs) != 0) {
                break;
            }
            e.counters.inc(t.caState != TcpSender.CA_LOSS ? TcpStat.TcpExtTCPFastRetrans
                    : TcpStat.TcpExtTCPSlowStartRetrans);
            if (t.inCwndReduction()) {
                t.prrOut++;
            }
            if (pos == rtxHead && t.pending != TcpSender.TIME_REO_TIMEOUT) {
                rearm = true;
            }
        }
        if (rearm) {
            TcpTimers.resetXmitTimer(e, s, TcpSender.TIME_RETRANS, s.rtoNs, nowNs);
        }
    }

    /**
     * Kernel: tcp_send_loss_probe() (RFC 8985 §7.3). New data if the peer's window has room for it,
     * otherwise the last segment again; one probe per episode (tlp_high_seq); then the RTO runs from now.
     */
    static void tcpSendLossProbe(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (!t.tlpHighSeqSet) {
            t.tlpRetrans = false;
            int unsent = s.sendQueue.size() - (s.sndNxt - s.sndUna);
            boolean probed = false;
            if (unsent > 0 && !Seq.after(s.sndNxt + Math.min(unsent, s.mss), s.sndUna + s.sndWnd)) {
                int before = t.packetsOut;
                writeXmit(e, s, nowNs, 1, true); // tcp_write_xmit(push_one 2), TCP_NAGLE_OFF
                probed = t.packetsOut > before;
            } else if (!t.isEmpty()) {
                int last = t.tail - 1;
                if (tcpRetransmitOne(e, s, last, 1, nowNs) == 0) {
                    t.tlpRetrans = true;
                    probed = true;
                }
            }
            if (probed) {
                t.tlpHighSeq = s.sndNxt;
                t.tlpHighSeqSet = true;
                e.counters.inc(TcpStat.TcpExtTCPLossProbes);
                t.pending = 0; // tcp_rearm_rto() restarts the RTO from now
            }
        }
        TcpTimers.tcpRearmRto(e, s, nowNs);
    }

    /**
     * Kernel: tcp_init_transfer() for the sender: the initial window (RFC 6928) and the congestion
     * control's start.
     */
    static void tcpInitTransfer(TcpEngine e, TcpSock s, long nowNs) {
        s.sndCwnd = e.params.initCwnd();
        s.snd.sndCwndStampNs = nowNs;
        e.cc.init(s, nowNs);
    }

    /**
     * Queues the FIN after any data (F4, F10, shutdown SHUT_WR) and sends what it can, past Nagle. Kernel:
     * tcp_send_fin() (the FIN joins the last unsent skb, or goes alone), __tcp_push_pending_frames(NAGLE_OFF).
     */
    static void tcpSendFin(TcpEngine e, TcpSock s, long nowNs) {
        if (!s.finQueued) {
            s.finQueued = true;
            int writeSeq = TcpSend.writeSeq(s);
            s.finSeq = Seq.after(s.sndNxt, writeSeq) ? s.sndNxt : writeSeq; // after our SYN when it is unacked
        }
        tcpPushPendingFrames(e, s, NAGLE_OFF, nowNs);
    }
}
