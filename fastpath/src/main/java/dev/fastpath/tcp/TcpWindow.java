package dev.fastpath.tcp;


/**
 * The receive window and the receive buffer, as Linux sizes them. Kernel: tcp_output.c
 * tcp_select_window(), __tcp_select_window(), tcp_select_initial_window(); tcp_input.c
 * tcp_init_buffer_space(), tcp_grow_window(), tcp_clamp_window(), tcp_rcv_space_adjust(); tcp.c
 * tcp_cleanup_rbuf(); include/net/tcp.h tcp_space(), tcp_win_from_space().
 *
 * <p>Memory model. Linux charges every queued skb's truesize to sk_rmem_alloc and compares it with
 * sk_rcvbuf; the window is the free space scaled by {@code scaling_ratio} (the payload share of
 * truesize, 50 % until measured). The engine keeps bytes in a ring, not in skbs: it charges twice
 * the bytes held in order and out of order ({@link #rmemAlloc}), which is Linux's default ratio
 * held fixed, so {@code tcp_win_from_space(x) = x / 2} and a window's worth of data fills the
 * buffer exactly as it does in Linux before it measures a real ratio. The ring is sized to hold
 * what that accounting admits ({@link #ringCapacity}); it grows (off the hot path) when
 * autotuning or SO_RCVBUF raise sk_rcvbuf.
 */
final class TcpWindow {
    /** Linux MAX_TCP_WINDOW, TCP_MAX_WSCALE, TCP_INIT_CWND (for rcvq_space), TCP_MSS_DEFAULT, TCP_MIN_MSS. */
    static final int MAX_TCP_WINDOW = 32767;
    static final int MAX_WSCALE = 14;
    static final int INIT_CWND = 10;
    static final int MSS_DEFAULT = 536;
    static final int MIN_MSS = 88;
    /** Room beyond the accounted window for one more frame, which Linux admits past sk_rcvbuf (forced). */
    static final int RING_SLACK = 16_384;

    private TcpWindow() {
    }

    /** @return the ring size that holds what an sk_rcvbuf of {@code rcvBuf} admits */
    static int ringCapacity(int rcvBuf) {
        return winFromSpace(rcvBuf) + RING_SLACK;
    }

    /** Kernel: tcp_win_from_space() at the default scaling_ratio (see the class comment). */
    static int winFromSpace(int space) {
        return space > 0 ? space >>> 1 : -((-space) >>> 1);
    }

    /** Kernel: tcp_space_from_win(). */
    static long spaceFromWin(long win) {
        return win << 1;
    }

    /** Linux sk_rmem_alloc under the model: twice the bytes held in order and out of order. */
    static int rmemAlloc(TcpSock s) {
        return 2 * ((s.recvQueue == null ? 0 : s.recvQueue.size()) + s.rx.ofoBytes);
    }

    /** Kernel: tcp_space(). */
    static int tcpSpace(TcpSock s) {
        return winFromSpace(s.rcvBuf - rmemAlloc(s));
    }

    /** Kernel: tcp_full_space(). */
    static int tcpFullSpace(TcpSock s) {
        return winFromSpace(s.rcvBuf);
    }

    /** Kernel: tcp_receive_window(): what is left of the window last advertised. */
    static int tcpReceiveWindow(TcpSock s) {
        int win = s.rcvWup + s.advertisedWnd - s.rcvNxt;
        return Math.max(win, 0);
    }

    /**
     * Kernel: tcp_select_initial_window(), the window of our SYN or SYN-ACK: the full space (within
     * window_clamp) rounded down to whole segments of {@code mss}.
     */
    static int initialRcvWnd(int fullSpace, int mss, int windowClamp) {
        long space = Math.min(clampOrMax(windowClamp), Math.max(fullSpace, 0));
        if (space > mss) {
            space -= space % mss;
        }
        return (int) space;
    }

    /**
     * Kernel: tcp_select_initial_window(), the scale: the smallest shift that lets the window reach
     * max(tcp_rmem[2], net.core.rmem_max, the space), within window_clamp; at most 14.
     */
    static int initialWscale(TcpEngine e, int fullSpace, int windowClamp, boolean wscaleOk) {
        if (!wscaleOk) {
            return 0;
        }
        long max = Math.max(fullSpace, Math.max(e.params.rmemMax(), e.params.netRmemMax()));
        max = Math.min(max, clampOrMax(windowClamp));
        return Math.clamp(63 - Long.numberOfLeadingZeros(Math.max(max, 1)) - 15, 0, MAX_WSCALE);
    }

    /** Kernel: tcp_select_initial_window(), the clamp: no more than a header can carry at this scale. */
    static int initialWindowClamp(int windowClamp, int wscale) {
        return (int) Math.min(65535L << wscale, clampOrMax(windowClamp));
    }

    private static long clampOrMax(int windowClamp) {
        return windowClamp == 0 ? 65535L << MAX_WSCALE : windowClamp & 0xFFFFFFFFL;
    }

    /**
     * Kernel: tcp_openreq_init_rwin(): the window, scale and clamp of a SYN-ACK, from the listener's
     * buffer (a locked SO_RCVBUF also clamps the window) and our MSS less the timestamp option.
     */
    static void tcpOpenreqInitRwin(TcpEngine e, TcpSock l, RequestSock r) {
        int clamp = listenerClamp(l);
        r.rcvWnd = listenerRcvWnd(e, l, r.tsOk);
        r.rcvWscale = initialWscale(e, tcpFullSpace(l), clamp, r.wscaleOk);
        r.windowClamp = initialWindowClamp(clamp, r.rcvWscale);
    }

    private static int listenerClamp(TcpSock l) {
        int fullSpace = tcpFullSpace(l);
        if (l.rcvBufLocked && (Integer.compareUnsigned(l.windowClamp, fullSpace) > 0 || l.windowClamp == 0)) {
            return fullSpace;
        }
        return l.windowClamp;
    }

    /** tcp_openreq_init_rwin()'s window for a listener: our MSS less the timestamp option, if on. */
    static int listenerRcvWnd(TcpEngine e, TcpSock l, boolean tsOk) {
        int mss = SynOptions.advertisedMss(e, l.userMss) - (tsOk ? SynOptions.TCPOLEN_TSTAMP_ALIGNED : 0);
        return initialRcvWnd(tcpFullSpace(l), mss, listenerClamp(l));
    }

    /** tcp_openreq_init_rwin()'s scale for a listener, when the SYN offered window scaling. */
    static int listenerWscale(TcpEngine e, TcpSock l) {
        return initialWscale(e, tcpFullSpace(l), listenerClamp(l), e.params.windowScaling());
    }

    /**
     * Kernel: tcp_connect_init(): the window, scale and clamp of our SYN (a locked SO_RCVBUF also
     * clamps the window).
     */
    static void tcpConnectInitWindow(TcpEngine e, TcpSock s) {
        s.advMss = s.mssClamp;
        int fullSpace = tcpFullSpace(s);
        if (s.rcvBufLocked && (Integer.compareUnsigned(s.windowClamp, fullSpace) > 0 || s.windowClamp == 0)) {
            s.windowClamp = fullSpace;
        }
        s.advertisedWnd = initialRcvWnd(fullSpace, s.advMss, s.windowClamp);
        s.rcvWscale = initialWscale(e, fullSpace, s.windowClamp, e.params.windowScaling());
        s.windowClamp = initialWindowClamp(s.windowClamp, s.rcvWscale);
    }

    /** The unscaled window of a SYN or SYN-ACK (RFC 7323 §2.2). */
    static int synWindow(int rcvWnd) {
        return Math.min(rcvWnd, 65535);
    }

    /**
     * Kernel: tcp_init_buffer_space(), when the connection is established. window_clamp becomes the
     * full space less the application's share (tcp_app_win) and one segment; rcv_ssthresh starts at
     * the initial window within it; rcvq_space at ten segments.
     */
    static void tcpInitBufferSpace(TcpEngine e, TcpSock s, long nowNs) {
        int appWin = e.params.appWin();
        int maxwin = tcpFullSpace(s);
        if (Integer.compareUnsigned(s.windowClamp, maxwin) >= 0) {
            s.windowClamp = maxwin;
            if (appWin > 0 && maxwin > 4 * s.advMss) {
                s.windowClamp = Math.max(maxwin - (maxwin >> appWin), 4 * s.advMss);
            }
        }
        if (appWin > 0 && s.windowClamp > 2 * s.advMss && s.windowClamp + s.advMss > maxwin) {
            s.windowClamp = Math.max(2 * s.advMss, maxwin - s.advMss);
        }
        s.rx.rcvSsthresh = Math.min(s.advertisedWnd, s.windowClamp); // rcv_ssthresh began as rcv_wnd
        s.rx.rcvqTimeNs = nowNs;
        s.rx.rcvqSeq = s.copiedSeq;
        s.rx.rcvqSpace = Math.min(Math.min(s.rx.rcvSsthresh, s.advertisedWnd), INIT_CWND * s.advMss);
        int hint = Math.min(Math.min(s.advMss, s.mss), s.advertisedWnd / 2); // tcp_initialize_rcv_mss()
        s.rx.rcvMss = Math.max(Math.min(hint, MSS_DEFAULT), MIN_MSS);
    }

    /**
     * Kernel: tcp_select_window(). Never moves the right edge back (unless tcp_shrink_window and a
     * scale allow it); a queue that ran out of memory advertises zero at once (ICSK_ACK_NOMEM).
     *
     * @return the scaled window for the header
     */
    static int tcpSelectWindow(TcpEngine e, TcpSock s) {
        int oldWin = s.advertisedWnd;
        if ((s.ackPending & TcpAck.ACK_NOMEM) != 0) {
            s.advertisedWnd = 0;
            s.rcvWup = s.rcvNxt;
            return 0;
        }
        int curWin = tcpReceiveWindow(s);
        boolean shrink = e.params.shrinkWindow() && s.rcvWscale > 0;
        int newWin = selectWindow(e, s, shrink);
        if (newWin < curWin && !shrink) {
            if (newWin == 0) {
                e.counters.inc(TcpStat.TcpExtTCPWantZeroWindowAdv);
            }
            newWin = align(curWin, s.rcvWscale);
        }
        s.advertisedWnd = newWin;
        s.rcvWup = s.rcvNxt;
        int wnd = (int) (Math.min(newWin & 0xFFFFFFFFL, 65535L << s.rcvWscale) >>> s.rcvWscale);
        if (wnd == 0) {
            if (oldWin != 0) {
                e.counters.inc(TcpStat.TcpExtTCPToZeroWindowAdv);
            }
        } else if (oldWin == 0) {
            e.counters.inc(TcpStat.TcpExtTCPFromZeroWindowAdv);
        }
        return wnd;
    }

    private static int align(int v, int scale) {
        int unit = 1 << scale;
        return (v + unit - 1) & -unit;
    }

    /** Kernel: __tcp_select_window(): the window the free space allows now (no state change but quick). */
    static int selectWindow(TcpEngine e, TcpSock s, boolean shrinkAllowed) {
        int mss = s.rx.rcvMss;
        int freeSpace = tcpSpace(s);
        int allowedSpace = tcpFullSpace(s);
        int fullSpace = Math.min(s.windowClamp, allowedSpace);
        if (mss > fullSpace) {
            mss = fullSpace;
            if (mss <= 0) {
                return 0;
            }
        }
        if (shrinkAllowed) {
            freeSpace &= -(1 << s.rcvWscale);
            if (freeSpace < (fullSpace >> 1)) {
                s.rx.quickAcks = 0;
                if (freeSpace < (allowedSpace >> 4) || freeSpace < mss || freeSpace < (1 << s.rcvWscale)) {
                    return 0;
                }
            }
            if (freeSpace > s.rx.rcvSsthresh) {
                freeSpace = align(s.rx.rcvSsthresh, s.rcvWscale);
            }
            return freeSpace;
        }
        if (freeSpace < (fullSpace >> 1)) {
            s.rx.quickAcks = 0;
            freeSpace &= -(1 << s.rcvWscale); // do not let the scale round it up
            if (freeSpace < (allowedSpace >> 4) || freeSpace < mss) {
                return 0;
            }
        }
        if (freeSpace > s.rx.rcvSsthresh) {
            freeSpace = s.rx.rcvSsthresh;
        }
        if (s.rcvWscale > 0) {
            return align(freeSpace, s.rcvWscale); // so the scale does not round it away
        }
        int window = s.advertisedWnd;
        if (window <= freeSpace - mss || window > freeSpace) {
            window = freeSpace - freeSpace % mss; // a whole number of segments
        } else if (mss == fullSpace && freeSpace > window + (fullSpace >> 1)) {
            window = freeSpace;
        }
        return window;
    }

    /**
     * Kernel: tcp_grow_window(). Each full-sized segment lets rcv_ssthresh (the window we are willing
     * to offer) grow by two segments, up to window_clamp and the free space; it also earns a quick ACK.
     * Under the fixed truesize ratio check #2 always passes ({@code tcp_win_from_space(truesize) <= len}).
     */
    static void tcpGrowWindow(TcpSock s, int len) {
        int room = Math.min(s.windowClamp, tcpSpace(s)) - s.rx.rcvSsthresh;
        if (room <= 0) {
            return;
        }
        int incr = Math.max(2 * s.advMss, 2 * len);
        s.rx.rcvSsthresh += Math.min(room, incr);
        s.rx.quickAcks |= 1;
    }

    /**
     * Kernel: tcp_clamp_window(), when memory ran out. An unlocked buffer grows to what is allocated
     * (up to tcp_rmem[2]); otherwise rcv_ssthresh falls to two segments.
     */
    static void tcpClampWindow(TcpEngine e, TcpSock s) {
        s.rx.quickAcks = 0;
        int rmem2 = e.params.rmemMax();
        int rmem = rmemAlloc(s);
        if (s.rcvBuf < rmem2 && !s.rcvBufLocked) {
            setRcvBuf(s, Math.min(rmem, rmem2));
        }
        if (rmem > s.rcvBuf) {
            s.rx.rcvSsthresh = Math.min(s.windowClamp, 2 * s.advMss);
        }
    }

    /** Raises sk_rcvbuf and grows the ring with it (never shrinks it: queued bytes stay). */
    static void setRcvBuf(TcpSock s, int rcvBuf) {
        if (rcvBuf > s.rcvBuf) {
            s.rcvBuf = rcvBuf;
            int want = ringCapacity(rcvBuf);
            if (s.recvQueue != null && want > s.recvQueue.capacity()) {
                s.recvQueue.resize(want, s.rcvNxt - s.copiedSeq + extentBeyondRcvNxt(s));
            }
        } else {
            s.rcvBuf = rcvBuf;
        }
    }

    /**
     * Makes room in the ring for {@code beyondRcvNxt} bytes past rcv_nxt. The accounting above admits
     * what Linux admits, which can exceed the ring's share of sk_rcvbuf by one large (GRO) segment
     * (an empty queue takes it whatever its size); the ring then grows, off the steady-state path.
     */
    static void ensureRing(TcpSock s, int beyondRcvNxt) {
        int need = s.rcvNxt - s.copiedSeq + beyondRcvNxt;
        if (need > s.recvQueue.capacity()) {
            int extent = s.rcvNxt - s.copiedSeq + extentBeyondRcvNxt(s);
            s.recvQueue.resize(Math.max(need, s.recvQueue.capacity() + (s.recvQueue.capacity() >> 1)), extent);
        }
    }

    private static int extentBeyondRcvNxt(TcpSock s) {
        return s.ofo == null || s.ofo.count() == 0 ? 0 : s.ofo.highestEnd(s.rcvNxt) - s.rcvNxt;
    }

    /**
     * Kernel: tcp_rcv_rtt_measure(): without timestamps, the receiver's RTT is the time a window's
     * worth of data takes to arrive (DRS).
     */
    static void tcpRcvRttMeasure(TcpSock s, long nowNs) {
        if (s.rx.rcvRttTimeNs != 0) {
            if (Seq.before(s.rcvNxt, s.rx.rcvRttSeq)) {
                return;
            }
            rcvRttUpdate(s, Math.max((nowNs - s.rx.rcvRttTimeNs) / 1000, 1), true);
        }
        s.rx.rcvRttSeq = s.rcvNxt + s.advertisedWnd;
        s.rx.rcvRttTimeNs = nowNs;
    }

    /** Kernel: tcp_rcv_rtt_measure_ts(): with timestamps, a full segment's echo gives the RTT. */
    static void tcpRcvRttMeasureTs(TcpEngine e, TcpSock s, int tsEcr, int len, long nowNs) {
        if (tsEcr == 0 || tsEcr == s.rx.rcvRttLastTsecr) {
            return;
        }
        s.rx.rcvRttLastTsecr = tsEcr;
        if (len >= s.rx.rcvMss) {
            int delta = e.tsVal(s, nowNs) - tsEcr;
            if (delta >= 0) {
                rcvRttUpdate(s, Math.max(delta, 1) * 1000L, false);
            }
        }
    }

    /** Kernel: tcp_rcv_rtt_update(): a minimum without timestamps, a 1/8 moving average with. */
    private static void rcvRttUpdate(TcpSock s, long sampleUs, boolean winDep) {
        long rtt8 = s.rx.rcvRttUs8;
        if (rtt8 == 0) {
            rtt8 = sampleUs << 3;
        } else if (!winDep) {
            rtt8 += sampleUs - (rtt8 >> 3);
        } else if (sampleUs << 3 < rtt8) {
            rtt8 = sampleUs << 3;
        }
        s.rx.rcvRttUs8 = rtt8;
    }

    /**
     * Kernel: tcp_rcv_space_adjust() and tcp_rcvbuf_grow(), after the application read. Once per
     * receiver RTT, the bytes it consumed in that RTT (less what still waits in the queue) set
     * rcvq_space; if that grew, sk_rcvbuf becomes enough for twice of it (the sender may double in
     * slow start) plus what the out-of-order queue spans, up to tcp_rmem[2], and window_clamp follows.
     */
    static void tcpRcvSpaceAdjust(TcpEngine e, TcpSock s, long nowNs) {
        long timeUs = (nowNs - s.rx.rcvqTimeNs) / 1000;
        if (s.rx.rcvRttUs8 == 0 || timeUs < (s.rx.rcvRttUs8 >> 3)) {
            return;
        }
        int copied = s.copiedSeq - s.rx.rcvqSeq;
        copied -= s.rcvNxt - s.copiedSeq; // still queued: not a measure of the rate
        if (copied > s.rx.rcvqSpace) {
            s.rx.rcvqSpace = copied;
            tcpRcvbufGrow(e, s);
        }
        s.rx.rcvqSeq = s.copiedSeq;
        s.rx.rcvqTimeNs = nowNs;
    }

    /** Kernel: tcp_rcvbuf_grow(). */
    static void tcpRcvbufGrow(TcpEngine e, TcpSock s) {
        if (!e.params.moderateRcvbuf() || s.rcvBufLocked) {
            return;
        }
        long rcvwin = (long) s.rx.rcvqSpace << 1;
        if (s.ofo.count() > 0) {
            rcvwin += s.ofo.highestEnd(s.rcvNxt) - s.rcvNxt;
        }
        int rcvbuf = (int) Math.min(spaceFromWin(rcvwin), e.params.rmemMax());
        if (rcvbuf > s.rcvBuf) {
            setRcvBuf(s, rcvbuf);
            s.windowClamp = winFromSpace(rcvbuf);
        }
    }

    /**
     * Kernel: tcp_cleanup_rbuf(), after a read of {@code copied} bytes. ACK now if a delayed ACK is
     * owed for more than one segment, or the read emptied the queue after a pushed segment (not in
     * interactive mode); or if the read at least doubled the window we can offer.
     */
    static void tcpCleanupRbuf(TcpEngine e, TcpSock s, int copied, long nowNs) {
        boolean timeToAck = false;
        if ((s.ackPending & TcpAck.ACK_SCHED) != 0) {
            if (s.rcvNxt - s.rcvWup > s.rx.rcvMss
                    || copied > 0 && ((s.ackPending & TcpAck.ACK_PUSHED2) != 0
                            || (s.ackPending & TcpAck.ACK_PUSHED) != 0 && !TcpAck.inPingpongMode(e, s))
                    && rmemAlloc(s) == 0) {
                timeToAck = true;
            }
        }
        if (copied > 0 && !timeToAck && !s.rcvShutdown) {
            int now = tcpReceiveWindow(s);
            if (2L * now <= (s.windowClamp & 0xFFFFFFFFL)) {
                int newWindow = selectWindow(e, s, e.params.shrinkWindow() && s.rcvWscale > 0);
                if (newWindow != 0 && newWindow >= 2 * now) {
                    timeToAck = true;
                }
            }
        }
        if (timeToAck) {
            TcpXmit.tcpSendAck(e, s, nowNs);
        }
    }
}
