package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;

/**
 * How queued data leaves, as Linux's tcp_write_xmit() sends it. Each pass takes the write queue's head skb
 * and sends as much of it as one GSO packet may carry: what the congestion window allows (tcp_cwnd_test(): at
 * most half the window per packet, so two packets are in flight), whole segments within the peer's window
 * (tcp_mss_split_point()), at most tcp_tso_segs() segments (the pacing rate's worth of a millisecond, more
 * for short RTTs, never fewer than tcp_min_tso_segs). A single-segment skb obeys Nagle (tcp_nagle_test());
 * a larger one may wait for more room (tcp_tso_should_defer()).
 *
 * <p>A GSO packet leaves as one frame per MSS, exactly as software GSO would cut it: __tcp_transmit_skb()
 * puts PSH on every GSO packet of more than one segment (to flush GRO at the receiver), the skb's own PSH
 * otherwise, and GSO leaves PSH and FIN on the last frame only.
 */
final class TcpWriteXmit {
    /** Linux tcp_max_tso_deferred_mss() with tcp_tso_win_divisor 0. */
    private static final int MAX_TSO_DEFERRED_MSS = 3;
    /** sk_pacing_shift: a GSO packet is about a millisecond (2^-10 s) of the pacing rate. */
    private static final int PACING_SHIFT = 10;
    /** tcp_tso_should_defer() outcomes: send now; wait, limited by cwnd, by the peer's window, by the writer. */
    static final int DEFER_NOT = 0;
    static final int DEFER_CWND = 1;
    static final int DEFER_RWND = 2;
    static final int DEFER_APP = 3;

    private TcpWriteXmit() {
    }

    /** Whether the connection may send data in its state (H3: only the SYN before the handshake ends). */
    static boolean canSendData(TcpSock s) {
        return s.state == TcpState.ESTABLISHED || s.state == TcpState.CLOSE_WAIT || s.state == TcpState.FIN_WAIT1
                || s.state == TcpState.LAST_ACK || s.state == TcpState.CLOSING;
    }

    /**
     * Kernel: tcp_write_xmit().
     *
     * @param nonagle Linux's nonagle argument (TcpXmit.NAGLE_* bits)
     * @param pushOne 0: as much as allowed; 1: one GSO packet (tcp_push_one()); 2: one, past the congestion
     *                window (a loss probe)
     * @param segCap  the most segments to send (Integer.MAX_VALUE: no cap)
     * @return whether nothing is in flight while data waits (the caller arms the probe timer)
     */
    static boolean tcpWriteXmit(TcpEngine e, TcpSock s, int mssNow, int nonagle, int pushOne, int segCap,
            long nowNs) {
        if (!canSendData(s)) {
            return false;
        }
        int[] budget = {segCap};
        SendQueue q = s.sendQueue;
        TcpSender t = s.snd;
        t.mstampNs = nowNs;
        int maxSegs = tcpTsoSegs(e, s, mssNow);
        int sent = 0;
        boolean cwndLimited = false;
        boolean refused = false;
        boolean rwndLimited = false;
        while (q.writeQueueSkbs() > 0 && budget[0] > 0) {
            int len = q.wqLen(0);
            boolean tail = q.writeQueueSkbs() == 1;
            boolean fin = tail && s.finQueued && s.sndNxt + len == s.finSeq; // tcp_send_fin() put it on the tail
            int tsoSegs = SendQueue.pcount(len, mssNow);
            if (t.size() + Math.min(tsoSegs, budget[0]) > TcpSender.MAX_RECORDS) {
                break; // the retransmission queue is at its bound
            }
            int quota = tcpCwndTest(s, tsoSegs, fin);
            if (quota == 0) {
                if (pushOne != 2) {
                    break;
                }
                quota = 1;
            }
            if (!tcpSndWndTest(s, len, mssNow, fin)) {
                rwndLimited = true; // the first segment does not fit the peer's window
                break;
            }
            if (tsoSegs == 1) {
                if (!tcpNagleTest(s, len, mssNow, tail ? nonagle : TcpXmit.NAGLE_PUSH, fin)) {
                    break;
                }
            } else if (pushOne == 0) {
                int defer = tcpTsoShouldDefer(e, s, len, tail, fin, maxSegs, nowNs);
                if (defer != DEFER_NOT) {
                    cwndLimited = defer == DEFER_CWND;
                    break;
                }
            }
            int limit = mssNow;
            if (tsoSegs > 1 && !TcpXmit.urgMode(s)) {
                limit = tcpMssSplitPoint(s, len, tail, mssNow, Math.min(quota, maxSegs), nonagle);
            }
            int n = (int) Math.min(Math.min(len, limit), (long) budget[0] * mssNow);
            int out = transmitNew(e, s, n, mssNow, fin && n == len, false, nowNs);
            if (out < n) {
                refused = true; // the device took no more: what is left stays unsent (tcp_transmit_skb() failed)
                break;
            }
            int pkts = SendQueue.pcount(n, mssNow);
            sent += pkts;
            budget[0] -= pkts;
            if (pushOne != 0) {
                break;
            }
        }
        if (!refused && q.writeQueueSkbs() == 0 && s.finQueued && s.sndNxt == s.finSeq && budget[0] > 0) {
            int fin = tcpSendBareFin(e, s, nowNs);
            refused = fin < 0;
            sent += Math.max(fin, 0); // the FIN's skb is a packet like any other: it may be probed (TLP)
        }
        if (rwndLimited) {
            s.stats.tcpChronoStart(SockStats.CHRONO_RWND_LIMITED, nowNs);
        } else {
            s.stats.tcpChronoStop(SockStats.CHRONO_RWND_LIMITED, q.skbCount() == 0, nowNs);
        }
        cwndLimited |= TcpXmit.packetsInFlight(s) >= s.sndCwnd;
        if (sent > 0 || cwndLimited) {
            TcpXmit.tcpCwndValidate(s, cwndLimited, nowNs);
        }
        if (sent > 0) {
            if (t.inCwndReduction()) {
                t.prrOut += sent; // tcp_cwnd_reduction() counts what left
            }
            if (pushOne != 2) {
                TcpTimers.tcpScheduleLossProbe(e, s, false, nowNs); // one loss probe per tail episode
            }
        }
        if (refused) {
            TcpTimers.armProbe(e, s, nowNs); // local congestion: tcp_check_probe_timer() retries
            return false;
        }
        return sent == 0 && t.packetsOut == 0 && (q.writeQueueSkbs() > 0 || s.finQueued && s.sndNxt == s.finSeq);
    }

    /**
     * Sends the first {@code n} bytes of the send head as one GSO packet: one frame per MSS, PSH (forced for
     * more than one segment, else the skb's own) and FIN on the last. Kernel: tso_fragment(),
     * __tcp_transmit_skb(), tcp_event_new_data_sent(), tcp_minshall_update().
     *
     * @param forcePsh PSH whatever the skb says (tcp_write_wakeup())
     * @return bytes that left (fewer when the device refused a frame)
     */
    static int transmitNew(TcpEngine e, TcpSock s, int n, int mssNow, boolean fin, boolean forcePsh, long nowNs) {
        SendQueue q = s.sendQueue;
        int skbFlags = q.writeQueueSkbs() > 0 && n == q.wqLen(0) ? q.wqFlags(0) : 0;
        boolean skbPsh = forcePsh || (skbFlags & SendQueue.F_PSH) != 0; // the skb's own TCPHDR_PSH
        boolean psh = skbPsh || SendQueue.pcount(n, mssNow) > 1;
        int seq = s.sndNxt;
        int done = 0;
        boolean eor = n > 0 && (skbFlags & SendQueue.F_EOR) != 0;
        if (n == 0) { // a FIN alone
            if (!TcpXmit.send(e, s, seq, TcpHeader.ACK | TcpHeader.FIN | (psh ? TcpHeader.PSH : 0), null, 0, 0,
                    nowNs)) {
                return -1;
            }
            tcpEventNewDataSent(e, s, seq, seq + 1, TcpSender.F_FIN | (psh ? TcpSender.F_PSH : 0), nowNs);
            s.sndNxt = seq + 1;
            return 0;
        }
        while (done < n) {
            int len = Math.min(mssNow, n - done);
            boolean last = done + len == n;
            int flags = TcpHeader.ACK | (last && psh ? TcpHeader.PSH : 0) | (last && fin ? TcpHeader.FIN : 0);
            q.copyOut(seq + done - s.sndUna, e.scratch, 0, len);
            if (!TcpXmit.send(e, s, seq + done, flags, e.scratch, 0, len, nowNs)) {
                break;
            }
            // The record keeps the skb's own PSH, not the one forced on the GSO packet: a retransmission of this
            // segment is tcp_retransmit_skb() of the skb as queued (tcp_fragment() leaves PSH on the last part).
            int recFlags = (last && skbPsh ? TcpSender.F_PSH : 0)
                    | ((flags & TcpHeader.FIN) != 0 ? TcpSender.F_FIN : 0) | (last && eor ? TcpSender.F_EOR : 0);
            tcpEventNewDataSent(e, s, seq + done, seq + done + len + (last && fin ? 1 : 0), recFlags, nowNs);
            done += len;
        }
        if (done == 0) {
            return 0;
        }
        q.transmitHead(done, mssNow, nowNs);
        if (done < SendQueue.pcount(done, mssNow) * mssNow) {
            s.sndSml = seq + done; // tcp_minshall_update(): the packet ended in a short segment
        }
        TcpXmit.tcpEventDataSent(e, s, seq, done, nowNs);
        s.sndNxt = seq + done + (fin && done == n ? 1 : 0);
        return done;
    }

    /**
     * Kernel: tcp_event_new_data_sent() and tcp_rate_skb_sent() for one segment that left: its record joins the
     * retransmission queue (one per MSS, as a pcount-1 skb), the first one in flight starts the congestion
     * control's transmission (CA_EVENT_TX_START) and the RTO, which also replaces a pending loss probe.
     */
    static void tcpEventNewDataSent(TcpEngine e, TcpSock s, int seq, int end, int recFlags, long nowNs) {
        TcpSender t = s.snd;
        if (t.inFlight() == 0) {
            e.cc.txStart(s, nowNs);
        }
        int pos = t.append(seq, end, recFlags, nowNs);
        TcpRate.tcpRateSkbSent(t, pos, nowNs);
        int priorPackets = t.packetsOut++;
        e.counters.inc(TcpStat.TcpExtTCPOrigDataSent);
        if (priorPackets == 0 || t.pending == TcpSender.TIME_LOSS_PROBE) {
            TcpTimers.tcpRearmRto(e, s, nowNs);
        }
    }

    /**
     * A FIN alone (tcp_send_fin() found no unsent skb to put it on); the window must have room for it.
     *
     * @return 1 sent, 0 held (no room), −1 the device refused it
     */
    private static int tcpSendBareFin(TcpEngine e, TcpSock s, long nowNs) {
        if (Seq.after(s.sndNxt + 1, s.sndUna + s.sndWnd) && s.sndNxt != s.sndUna) {
            return 0; // no room; the ACK that opens the window sends it
        }
        if (Seq.after(s.sndNxt + 1, s.sndUna + s.sndWnd)) {
            TcpTimers.armProbe(e, s, nowNs); // tcp_check_probe_timer(): nothing in flight to bring an ACK
            return 0;
        }
        if (!TcpXmit.send(e, s, s.sndNxt, TcpHeader.ACK | TcpHeader.FIN, null, 0, 0, nowNs)) {
            return -1;
        }
        tcpEventNewDataSent(e, s, s.sndNxt, s.sndNxt + 1, TcpSender.F_FIN, nowNs);
        s.sndNxt++;
        return 1;
    }

    /**
     * Kernel: tcp_cwnd_test(). Segments the congestion window allows now: none when full, otherwise at most
     * half of it per packet; a FIN riding on at most one segment goes regardless.
     */
    static int tcpCwndTest(TcpSock s, int pcount, boolean fin) {
        if (fin && pcount == 1) {
            return 1;
        }
        int inFlight = TcpXmit.packetsInFlight(s);
        if (inFlight >= s.sndCwnd) {
            return 0;
        }
        int half = Math.max(s.sndCwnd >> 1, 1);
        return Math.min(half, s.sndCwnd - inFlight);
    }

    /** Kernel: tcp_snd_wnd_test(): does the skb's first segment (with its FIN if that is all) fit the window? */
    static boolean tcpSndWndTest(TcpSock s, int len, int mssNow, boolean fin) {
        int end = len > mssNow ? s.sndNxt + mssNow : s.sndNxt + len + (fin ? 1 : 0);
        return !Seq.after(end, s.sndUna + s.sndWnd);
    }

    /** Kernel: tcp_nagle_test(). */
    static boolean tcpNagleTest(TcpSock s, int len, int mssNow, int nonagle, boolean fin) {
        if ((nonagle & TcpXmit.NAGLE_PUSH) != 0) {
            return true;
        }
        if (TcpXmit.urgMode(s) || fin) {
            return true;
        }
        return !tcpNagleCheck(len < mssNow, s, nonagle);
    }

    /**
     * Kernel: tcp_nagle_check(). A partial segment waits under TCP_CORK (or MSG_MORE's cork), or, unless
     * TCP_NODELAY, while an earlier short segment is unacknowledged (Minshall's variant, tcp_minshall_check()).
     */
    static boolean tcpNagleCheck(boolean partial, TcpSock s, int nonagle) {
        return partial && ((nonagle & TcpXmit.NAGLE_CORK) != 0
                || nonagle == 0 && s.snd.packetsOut > 0 && Seq.after(s.sndSml, s.sndUna)
                        && !Seq.after(s.sndSml, s.sndNxt));
    }

    /**
     * Kernel: tcp_mss_split_point(). How much of the skb goes now: {@code maxSegs} segments if the window
     * allows and more data follows; otherwise up to the window, less a trailing partial segment Nagle holds.
     */
    static int tcpMssSplitPoint(TcpSock s, int len, boolean tail, int mssNow, int maxSegs, int nonagle) {
        int window = s.sndUna + s.sndWnd - s.sndNxt;
        long maxLen = (long) mssNow * maxSegs;
        if (maxLen <= window && !tail) {
            return (int) maxLen;
        }
        int needed = Math.min(len, window);
        if (maxLen <= needed) {
            return (int) maxLen;
        }
        int partial = needed % mssNow;
        if (tcpNagleCheck(partial != 0, s, nonagle)) {
            return needed - partial;
        }
        return needed;
    }

    /**
     * Kernel: tcp_tso_segs() → tcp_tso_autosize(). Segments per GSO packet: a millisecond of the pacing rate,
     * plus 64 KiB halved for every 2^tcp_tso_rtt_log us of minimum RTT, at least tcp_min_tso_segs.
     */
    static int tcpTsoSegs(TcpEngine e, TcpSock s, int mssNow) {
        long bytes = s.sendQueue.pacingRate >>> PACING_SHIFT;
        long r = s.snd.minRttUs() >>> e.params.tsoRttLog();
        if (r < 32) {
            bytes += TcpSend.GSO_MAX_SIZE >>> r;
        }
        bytes = Math.min(bytes, TcpSend.GSO_MAX_SIZE);
        long segs = Math.max(bytes / mssNow, e.params.minTsoSegs());
        return (int) Math.min(segs, TcpSend.GSO_MAX_SEGS);
    }

    /**
     * Kernel: tcp_tso_should_defer() (John Heffner's TSO Nagle). A multi-segment skb that cannot go whole waits
     * for a better moment when it was written less than a millisecond after the last transmission, an ACK is
     * due soon (the oldest unacknowledged skb left over half an RTT ago) and less than a full GSO packet, the
     * whole skb (when more data follows) or 1/tcp_tso_win_divisor of the window can go.
     */
    static int tcpTsoShouldDefer(TcpEngine e, TcpSock s, int len, boolean tail, boolean fin, int maxSegs,
            long nowNs) {
        if (s.snd.caState >= TcpSender.CA_RECOVERY) {
            return DEFER_NOT; // icsk_ca_state >= TCP_CA_Recovery
        }
        if (nowNs - s.sendQueue.lastXmitNs > TcpEngine.MS) {
            return DEFER_NOT; // bursts only: the last write was more than a millisecond ago
        }
        int inFlight = TcpXmit.packetsInFlight(s);
        long sendWin = Integer.toUnsignedLong(s.sndUna + s.sndWnd - s.sndNxt);
        long congWin = (long) (s.sndCwnd - inFlight) * s.mss;
        long limit = Math.min(sendWin, congWin);
        if (limit >= (long) maxSegs * s.mss || !tail && limit >= len) {
            return DEFER_NOT;
        }
        long divisor = e.params.tsoWinDivisor();
        if (divisor != 0) {
            long chunk = Math.min(Integer.toUnsignedLong(s.sndWnd), (long) s.sndCwnd * s.mss) / divisor;
            if (limit >= chunk) {
                return DEFER_NOT;
            }
        } else if (limit > (long) MAX_TSO_DEFERRED_MSS * s.mss) {
            return DEFER_NOT;
        }
        long headSent = s.snd.isEmpty() ? -1 : s.snd.xmitNs(s.snd.head);
        if (headSent < 0 || nowNs - headSent < s.srttNs / 2) {
            return DEFER_NOT; // the next ACK would come too late to wait for it
        }
        if (congWin < sendWin ? congWin <= len : sendWin <= len) {
            return congWin < sendWin ? DEFER_CWND : DEFER_RWND;
        }
        boolean eor = (s.sendQueue.wqFlags(0) & SendQueue.F_EOR) != 0;
        return fin || eor ? DEFER_NOT : DEFER_APP; // no more data will join this skb: send it
    }
}
