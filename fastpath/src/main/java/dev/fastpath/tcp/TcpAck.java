package dev.fastpath.tcp;

import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;

/**
 * When the receiver ACKs: quick-ACK mode, delayed ACKs with Linux's adaptive timeout (ato), the
 * interactive (pingpong) mode, and the ACK-every-two-segments rule. Kernel: tcp_input.c
 * tcp_event_data_recv(), tcp_measure_rcv_mss(), tcp_incr_quickack(), tcp_enter_quickack_mode(),
 * __tcp_ack_snd_check(); tcp_output.c tcp_send_delayed_ack(), tcp_event_ack_sent(); tcp_timer.c
 * tcp_delack_timer_handler(); inet_connection_sock.h the pingpong helpers.
 */
final class TcpAck {
    /** Linux icsk_ack.pending bits (ICSK_ACK_SCHED, _TIMER, _PUSHED, _PUSHED2, _NOW, _NOMEM). */
    static final int ACK_SCHED = 1;
    static final int ACK_TIMER = 2;
    static final int ACK_PUSHED = 4;
    static final int ACK_PUSHED2 = 8;
    static final int ACK_NOW = 16;
    static final int ACK_NOMEM = 32;
    /** Linux TCP_NUM_SACKS: SACK blocks a receiver remembers. */
    static final int NUM_SACKS = 4;
    /** Linux TCP_MAX_QUICKACKS. */
    static final int MAX_QUICKACKS = 16;
    private static final int TCP_HEADER = 20;
    private static final int TCPOLEN_TSTAMP_ALIGNED = 12;

    private TcpAck() {
    }

    static boolean inPingpongMode(TcpEngine e, TcpSock s) {
        return s.pingpong >= e.params.pingpongThresh();
    }

    /** Kernel: inet_csk_enter_pingpong_mode(). */
    static void enterPingpongMode(TcpEngine e, TcpSock s) {
        s.pingpong = e.params.pingpongThresh();
    }

    /** Kernel: inet_csk_inc_pingpong_cnt(). */
    static void incPingpongCnt(TcpSock s) {
        if (s.pingpong < 255) {
            s.pingpong++;
        }
    }

    private static long atoMinNs(TcpEngine e) {
        return e.params.delackMinNs(); // TCP_ATO_MIN == TCP_DELACK_MIN == HZ/25
    }

    /** Kernel: tcp_incr_quickack(): up to rcv_wnd / (2 × rcv_mss) quick ACKs (at least 2). */
    static void tcpIncrQuickack(TcpSock s, int max) {
        int quick = s.advertisedWnd / (2 * Math.max(s.rx.rcvMss, 1));
        if (quick == 0) {
            quick = 2;
        }
        quick = Math.min(quick, max);
        if (quick > s.rx.quickAcks) {
            s.rx.quickAcks = quick;
        }
    }

    /** Kernel: tcp_enter_quickack_mode(): ACK the next segments at once, leave interactive mode. */
    static void tcpEnterQuickackMode(TcpEngine e, TcpSock s, int max) {
        tcpIncrQuickack(s, max);
        s.pingpong = 0;
        s.rx.atoNs = atoMinNs(e);
    }

    private static boolean inQuickackMode(TcpEngine e, TcpSock s) {
        return s.rx.quickAcks > 0 && !inPingpongMode(e, s);
    }

    /**
     * Kernel: tcp_measure_rcv_mss(). rcv_mss follows the largest segment (up to our advmss); a
     * smaller one counts when two in a row are equal (or it has no PSH/FIN); short or pushed segments
     * mark the ACK as PUSHED, which lets a read that empties the queue ACK at once.
     */
    static void tcpMeasureRcvMss(TcpSock s, TcpSegmentView f) {
        int lss = s.rx.lastSegSize;
        s.rx.lastSegSize = 0;
        int len = f.payloadLength();
        if (len >= s.rx.rcvMss) {
            s.rx.rcvMss = Math.min(len, s.advMss);
            if ((f.flags() & TcpHeader.PSH) != 0) {
                s.ackPending |= ACK_PUSHED;
            }
            return;
        }
        len += f.tcpHeaderLength();
        boolean remnant = (f.flags() & (TcpHeader.FIN | TcpHeader.URG | TcpHeader.SYN | TcpHeader.PSH)) != 0;
        if (len >= TcpWindow.MSS_DEFAULT + TCP_HEADER || len >= TcpWindow.MIN_MSS + TCP_HEADER && !remnant) {
            len -= TCP_HEADER + (s.tsOk ? TCPOLEN_TSTAMP_ALIGNED : 0);
            s.rx.lastSegSize = len;
            if (len == lss) {
                s.rx.rcvMss = len;
                return;
            }
        }
        if ((s.ackPending & ACK_PUSHED) != 0) {
            s.ackPending |= ACK_PUSHED2;
        }
        s.ackPending |= ACK_PUSHED;
    }

    /**
     * Kernel: tcp_event_data_recv(). Schedules an ACK, measures rcv_mss and the receiver's RTT, and
     * adapts ato to the gap between segments: the first data starts quick-ACK mode; close arrivals
     * shrink ato towards TCP_ATO_MIN / 2 + ato / 2; a gap longer than the RTO earns quick ACKs again.
     */
    static void tcpEventDataRecv(TcpEngine e, TcpSock s, TcpSegmentView f, long nowNs) {
        s.ackPending |= ACK_SCHED;
        tcpMeasureRcvMss(s, f);
        TcpWindow.tcpRcvRttMeasure(s, nowNs);
        long atoMin = atoMinNs(e);
        if (s.rx.atoNs == 0) {
            tcpIncrQuickack(s, MAX_QUICKACKS);
            s.rx.atoNs = atoMin;
        } else {
            long m = jiffies(nowNs) - jiffies(s.rx.lastDataRcvNs);
            long mNs = m * TcpEngine.MS;
            if (mNs <= atoMin / 2) {
                s.rx.atoNs = (s.rx.atoNs >> 1) + atoMin / 2;
            } else if (mNs < s.rx.atoNs) {
                s.rx.atoNs = Math.min((s.rx.atoNs >> 1) + mNs, s.rtoNs);
            } else if (mNs > s.rtoNs) {
                tcpIncrQuickack(s, MAX_QUICKACKS);
            }
        }
        s.rx.lastDataRcvNs = nowNs;
        if (f.payloadLength() >= 128) {
            TcpWindow.tcpGrowWindow(s, f.payloadLength());
        }
    }

    /** Linux measures ato in jiffies (HZ=1000 here: milliseconds). */
    private static long jiffies(long ns) {
        return Math.floorDiv(ns, TcpEngine.MS);
    }

    /** Kernel: tcp_ack_snd_check(): only when an ACK is still owed (no data segment carried it). */
    static void tcpAckSndCheck(TcpEngine e, TcpSock s, long nowNs) {
        if ((s.ackPending & ACK_SCHED) == 0) {
            return;
        }
        boolean twoSegments = s.rcvNxt - s.rcvWup > s.rx.rcvMss
                && (s.rcvNxt - s.copiedSeq < s.rcvLowat
                        || TcpWindow.selectWindow(e, s, shrinkAllowed(e, s)) >= s.advertisedWnd);
        if (twoSegments || inQuickackMode(e, s) || (s.ackPending & ACK_NOW) != 0) {
            TcpXmit.tcpSendAck(e, s, nowNs);
            return;
        }
        if (s.ofo.count() == 0) {
            tcpSendDelayedAck(e, s, nowNs);
            return;
        }
        // Out-of-order data is ACKed at once (each ACK is a duplicate ACK the sender counts). Linux
        // compresses the SACKs after the third such ACK for the same rcv_nxt (tcp_comp_sack_delay_ns,
        // at most 1 ms); the engine does not, and sends every one.
        TcpXmit.tcpSendAck(e, s, nowNs);
    }

    static boolean shrinkAllowed(TcpEngine e, TcpSock s) {
        return e.params.shrinkWindow() && s.rcvWscale > 0;
    }

    /**
     * Kernel: tcp_send_delayed_ack(). The timer runs ato, bounded by 500 ms (200 ms in interactive
     * mode or after a pushed segment), by the smoothed RTT when there is one (at least
     * TCP_DELACK_MIN), and by TCP_DELACK_MAX; an earlier pending deadline is kept, one about to
     * expire sends the ACK now.
     */
    static void tcpSendDelayedAck(TcpEngine e, TcpSock s, long nowNs) {
        long delackMin = e.params.delackMinNs();
        long delackMax = e.params.delackMaxNs();
        long ato = s.rx.atoNs;
        if (ato > delackMin) {
            long maxAto = inPingpongMode(e, s) || (s.ackPending & ACK_PUSHED) != 0 ? delackMax : 500 * TcpEngine.MS;
            if (s.srttNs > 0) {
                long rtt = Math.max(ceilMs(s.srttNs), delackMin);
                maxAto = Math.min(maxAto, rtt);
            }
            ato = Math.min(ato, maxAto);
        }
        ato = Math.min(ato, delackMax);
        long timeout = nowNs + ato;
        if ((s.ackPending & ACK_TIMER) != 0) {
            if (s.rx.delackTimeoutNs - (nowNs + (ato >> 2)) <= 0) {
                TcpXmit.tcpSendAck(e, s, nowNs);
                return;
            }
            timeout = Math.min(timeout, s.rx.delackTimeoutNs);
        }
        s.ackPending |= ACK_SCHED | ACK_TIMER;
        s.rx.delackTimeoutNs = timeout;
        e.timers.cancel(s.delackTimer);
        s.delackTimer = e.timers.schedule(timeout, TcpEngine.timer(TcpEngine.TIMER_DELACK, s.id));
    }

    /**
     * inet_csk_schedule_ack() with the delayed-ACK timer set for {@code whenNs}, as tcp_rcv_synsent_state_process()
     * does when a writer is about to send (sk_write_pending).
     */
    static void scheduleAck(TcpEngine e, TcpSock s, long whenNs) {
        s.ackPending |= ACK_SCHED | ACK_TIMER;
        s.rx.delackTimeoutNs = whenNs;
        e.timers.cancel(s.delackTimer);
        s.delackTimer = e.timers.schedule(whenNs, TcpEngine.timer(TcpEngine.TIMER_DELACK, s.id));
    }

    /** usecs_to_jiffies() rounds up. */
    private static long ceilMs(long ns) {
        return (ns + TcpEngine.MS - 1) / TcpEngine.MS * TcpEngine.MS;
    }

    /**
     * Kernel: tcp_event_ack_sent() with tcp_dec_quickack_mode(): any segment carrying our ACK
     * settles the owed ACK, spends a quick ACK, and stops the delayed-ACK timer.
     */
    static void tcpEventAckSent(TcpEngine e, TcpSock s) {
        if (s.rx == null) {
            return; // no data path yet (a RST before the connection synchronized)
        }
        if (s.rx.quickAcks > 0) {
            int pkts = (s.ackPending & ACK_SCHED) != 0 ? 1 : 0;
            if (pkts >= s.rx.quickAcks) {
                s.rx.quickAcks = 0;
                s.rx.atoNs = atoMinNs(e);
            } else {
                s.rx.quickAcks -= pkts;
            }
        }
        s.ackPending = 0;
        if (s.delackTimer != TimerWheel.NONE) {
            e.timers.cancel(s.delackTimer);
            s.delackTimer = TimerWheel.NONE;
        }
    }

    /**
     * Kernel: tcp_delack_timer_handler(). The ACK that waited goes out alone: outside interactive
     * mode ato doubles (up to the RTO); in interactive mode the reply we waited for did not come, so
     * the mode ends and ato deflates.
     */
    static void tcpDelackTimer(TcpEngine e, TcpSock s, long nowNs) {
        s.delackTimer = TimerWheel.NONE;
        if (!s.synchronizedState() || s.rx == null || (s.ackPending & ACK_TIMER) == 0) {
            return;
        }
        if (s.rx.delackTimeoutNs - nowNs > 0) {
            s.delackTimer = e.timers.schedule(s.rx.delackTimeoutNs, TcpEngine.timer(TcpEngine.TIMER_DELACK, s.id));
            return;
        }
        s.ackPending &= ~ACK_TIMER;
        if ((s.ackPending & ACK_SCHED) != 0) {
            if (!inPingpongMode(e, s)) {
                s.rx.atoNs = Math.min(s.rx.atoNs << 1, s.rtoNs);
            } else {
                s.pingpong = 0;
                s.rx.atoNs = atoMinNs(e);
            }
            TcpXmit.tcpSendAck(e, s, nowNs);
            e.counters.inc(TcpStat.TcpExtDelayedACKs);
        }
    }

    /** Kernel: tcp_event_data_sent(): data sent within ato of the last arrival is a reply. */
    static void tcpEventDataSent(TcpSock s, long nowNs) {
        if (s.rx.atoNs > 0 && jiffies(nowNs) - jiffies(s.rx.lastDataRcvNs) < s.rx.atoNs / TcpEngine.MS) {
            incPingpongCnt(s);
        }
    }
}
