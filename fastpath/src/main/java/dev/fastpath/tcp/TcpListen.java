package dev.fastpath.tcp;

import dev.fastpath.table.ConnectionTable;
import dev.fastpath.tcp.cookie.SynCookies;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;

/**
 * The LISTEN path: SYN queue of request records, accept queue, SYN-ACKs and their retransmission.
 * Kernel: tcp_ipv4.c, tcp_input.c tcp_conn_request(), tcp_minisocks.c tcp_check_req().
 */
final class TcpListen {
    private final TcpEngine e;
    private final ConnectionTable requests;
    private final RequestSock[] pool;
    private final IntStack free;
    /** The request a cookie SYN or cookie ACK is built in: reused, never queued. */
    private final RequestSock cookieScratch = new RequestSock(-1);
    /** An ISN chosen by TIME_WAIT for a newer SYN (T1), used by the next request; 0 = none. */
    int isnHint;

    TcpListen(TcpEngine engine) {
        this.e = engine;
        int max = engine.params.maxConnections();
        this.requests = new ConnectionTable(max, engine.random.nextLong());
        this.pool = new RequestSock[max];
        this.free = new IntStack(max);
    }

    int requestCount() {
        return requests.size();
    }

    /** @return the request for this 4-tuple in some listener's SYN queue, or null */
    RequestSock findRequest(int localIp, int remoteIp, int localPort, int remotePort) {
        int id = requests.get(ConnectionTable.addresses(localIp, remoteIp), ConnectionTable.ports(localPort,
                remotePort));
        return id == ConnectionTable.MISSING ? null : pool[id];
    }

    /**
     * H5 for a listener: a segment for a pending request goes to tcp_check_req ({@link TcpCheckReq}); anything
     * else is the listener's (tcpListenerRcv).
     */
    void tcpV4DoRcvListen(TcpSock l, TcpSegmentView f, long nowNs) {
        int id = requests.get(ConnectionTable.addresses(f.dstIp(), f.srcIp()),
                ConnectionTable.ports(f.dstPort(), f.srcPort()));
        if (id != ConnectionTable.MISSING) {
            e.checkReq.tcpCheckReq(pool[id], f, nowNs);
            return;
        }
        tcpListenerRcv(l, f, nowNs);
    }

    /**
     * Kernel: tcp_v4_do_rcv() → tcp_v4_cookie_check() → tcp_rcv_state_process(), case TCP_LISTEN: an ACK is a
     * cookie or gets a RST (W1, W3); a RST is dropped; a SYN starts a request — unless it also carries FIN
     * (SKB_DROP_REASON_TCP_FLAGS: SYN+FIN is never a connection); anything else is dropped.
     */
    void tcpListenerRcv(TcpSock l, TcpSegmentView f, long nowNs) {
        int flags = f.flags();
        if ((flags & TcpHeader.RST) != 0) {
            return;
        }
        if ((flags & TcpHeader.RST) != 0) {
            return;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            if ((flags & TcpHeader.SYN) == 0 && cookieV4Check(l, f, nowNs)) {
                return;
            }
            e.counters.inc(TcpStat.FpNoSocketRst);
            e.tcpV4SendReset(f); // no request and no valid cookie for this ACK (W1, W3): RST
            return;
        }
        if ((flags & TcpHeader.SYN) == 0 || (flags & TcpHeader.FIN) != 0) {
            e.counters.inc(TcpStat.FpDropTcpFlags);
            return;
        }
        tcpConnRequest(l, f, nowNs);
    }

    static boolean acceptQueueFull(TcpSock l) {
        return l.acceptQueue.size() > l.backlog; // Linux sk_acceptq_is_full(): backlog + 1 entries fit
    }

    /**
     * Kernel: inet_csk_reqsk_queue_is_full(): more requests than the backlog (listen(0) still takes one; checked
     * against Linux 6.18, which answers the second SYN to a listen(0) socket with a cookie).
     */
    static boolean reqskQueueIsFull(TcpSock l) {
        return l.synQueueLength > l.backlog;
    }

    /** What tcp_conn_request() does with a SYN: queue a request, answer with a cookie, or drop (and why). */
    static final int SYN_REQUEST = 0;
    static final int SYN_COOKIE = 1;
    /** The SYN queue is full and tcp_syncookies is 0 (TcpExtTCPReqQFullDrop). */
    static final int SYN_DROP_REQ_FULL = 2;
    /** The accept queue is full (TcpExtListenOverflows), for a SYN that would have had a request. */
    static final int SYN_DROP_ACCEPT_FULL = 3;
    /** The same for a SYN that would have had a cookie (TcpExtTCPReqQFullDoCookies counted first). */
    static final int SYN_DROP_ACCEPT_FULL_COOKIE = 4;
    /** Without cookies, the last quarter of tcp_max_syn_backlog is kept free. */
    static final int SYN_DROP_BACKLOG = 5;

    /**
     * Kernel: tcp_conn_request(), its queue checks, in one place (the XDP program answers exactly while this says
     * {@link #SYN_COOKIE}): with tcp_syncookies 2, or 1 and a full SYN queue (tcp_syn_flood_action()), a cookie;
     * a full accept queue drops the SYN (sk_acceptq_is_full(); H8). A SYN that ends a TIME_WAIT (T1, {@code
     * fromTimeWait}) becomes a request without these limits, as Linux's tw_isn does.
     */
    static int connRequestVerdict(TcpEngine e, TcpSock l, boolean fromTimeWait) {
        int syncookies = e.params.syncookies();
        boolean cookie = false;
        if (!fromTimeWait && (syncookies == 2 || reqskQueueIsFull(l))) {
            if (syncookies == 0) {
                return SYN_DROP_REQ_FULL; // H8: SYN queue full without syncookies drops the SYN
            }
            cookie = true; // H8: tcp_syncookies=1 answers a full SYN queue with a cookie
        }
        if (acceptQueueFull(l)) {
            return cookie ? SYN_DROP_ACCEPT_FULL_COOKIE : SYN_DROP_ACCEPT_FULL;
        }
        int maxSyn = e.params.maxSynBacklog();
        if (!cookie && !fromTimeWait && syncookies == 0 && maxSyn - l.synQueueLength < (maxSyn >> 2)) {
            return SYN_DROP_BACKLOG;
        }
        return cookie ? SYN_COOKIE : SYN_REQUEST;
    }

    /**
     * Kernel: tcp_conn_request(). H7–H10: check both queues (H8), create the request, answer with a
     * SYN-ACK (H9), queue the request and start its timer (H10).
     */
    void tcpConnRequest(TcpSock l, TcpSegmentView f, long nowNs) {
        int twIsn = isnHint;
        isnHint = 0; // for this SYN only, whatever becomes of it
        int verdict = connRequestVerdict(e, l, twIsn != 0);
        if (verdict == SYN_COOKIE || verdict == SYN_DROP_ACCEPT_FULL_COOKIE) {
            e.counters.inc(TcpStat.TcpExtTCPReqQFullDoCookies); // tcp_syn_flood_action()
        }
        switch (verdict) {
            case SYN_COOKIE -> {
                cookieV4InitSequence(l, f, nowNs);
                return;
            }
            case SYN_DROP_REQ_FULL -> {
                e.counters.inc(TcpStat.TcpExtTCPReqQFullDrop);
                e.counters.inc(TcpStat.TcpExtListenDrops);
                return;
            }
            case SYN_DROP_ACCEPT_FULL, SYN_DROP_ACCEPT_FULL_COOKIE -> {
                e.counters.inc(TcpStat.TcpExtListenOverflows);
                e.counters.inc(TcpStat.TcpExtListenDrops);
                return;
            }
            case SYN_DROP_BACKLOG -> {
                e.counters.inc(TcpStat.TcpExtListenDrops);
                return;
            }
            default -> {
                // SYN_REQUEST
            }
        }
        int id = free.pop();
        if (id < 0) {
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return;
        }
        if (pool[id] == null) {
            pool[id] = new RequestSock(id); // each slot is allocated once, then reused
        }
        RequestSock r = pool[id];
        fill(r, l, f, false);
        r.iss = twIsn != 0 ? twIsn : e.isn(f.dstIp(), f.srcIp(), f.dstPort(), f.srcPort(), nowNs);
        r.live = true;
        requests.put(ConnectionTable.addresses(r.localIp, r.remoteIp), ConnectionTable.ports(r.localPort,
                r.remotePort), id);
        e.tupleWatch.held(r.localIp, r.remoteIp, r.localPort, r.remotePort, 1);
        l.synQueueLength++;
        tcpV4SendSynack(r, nowNs);
        r.timer = e.timers.schedule(nowNs + e.params.timeoutInitNs(),
                TcpEngine.timer(TcpEngine.TIMER_SYNACK, id));
    }

    /**
     * Kernel: cookie_v4_init_sequence() + tcp_v4_send_synack(). The SYN-ACK's ISN is the cookie and,
     * with timestamps, its TSval carries the options; nothing is stored (the SYN allocates nothing).
     * Without timestamps the SYN-ACK offers none of them (SynOptions.accepted): the connection the cookie
     * rebuilds could not know them.
     */
    private void cookieV4InitSequence(TcpSock l, TcpSegmentView f, long nowNs) {
        RequestSock r = cookieScratch;
        fill(r, l, f, true);
        int index = SynCookies.mssIndex(r.mss);
        r.mss = SynCookies.MSS_TABLE[index];
        r.iss = e.cookies.cookieV4InitSequence(f.srcIp(), f.dstIp(), f.srcPort(), f.dstPort(), f.seq(), index,
                nowNs);
        l.acceptQueue.lastOverflowNs = nowNs;
        e.counters.inc(TcpStat.TcpExtSyncookiesSent);
        int ts = r.tsOk ? SynCookies.cookieInitTimestamp(nowNs / TcpEngine.MS, r.wscaleOk ? r.sndWscale : -1,
                r.sackOk, r.ecnOk) : 0;
        sendSynack(r, ts + r.tsOffset);
    }

    /**
     * Kernel: cookie_v4_check(). Within two minutes of a SYN-queue overflow, an ACK with no request
     * may carry a cookie: if it validates, the connection is rebuilt from it (MSS from the cookie,
     * window scale and SACK from the echoed TSval) and goes to the accept queue as in H12.
     *
     * @return true when the ACK was a valid cookie (handled), false to answer with a RST
     */
    private boolean cookieV4Check(TcpSock l, TcpSegmentView f, long nowNs) {
        if (e.params.syncookies() == 0 || l.acceptQueue.lastOverflowNs == Long.MIN_VALUE
                || nowNs - l.acceptQueue.lastOverflowNs > SynCookies.VALID_NS) {
            return false;
        }
        int mss = e.cookies.cookieV4Check(f.srcIp(), f.dstIp(), f.srcPort(), f.dstPort(), f.ack(), f.seq(), nowNs);
        if (mss == 0) {
            e.counters.inc(TcpStat.TcpExtSyncookiesFailed);
            return false;
        }
        e.counters.inc(TcpStat.TcpExtSyncookiesRecv);
        RequestSock r = cookieScratch;
        fill(r, l, f, true);
        r.irs = f.seq() - 1;
        r.iss = f.ack() - 1;
        // The ACK carries no MSS option: the cookie remembers it (the TEST-ONLY knob breaks that on purpose).
        r.mss = e.params.testCookieIgnoresMss() ? e.params.mss() : mss;
        if (!cookieTimestampDecode(r, f.options())) {
            return false;
        }
        TcpWindow.tcpOpenreqInitRwin(e, l, r);
        if (acceptQueueFull(l)) {
            e.counters.inc(TcpStat.TcpExtListenOverflows);
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return true; // dropped: the client retransmits and we try again
        }
        TcpSock child = tcpV4SynRecvSock(l, r, f, nowNs);
        if (child != null && (f.payloadLength() > 0 || (f.flags() & TcpHeader.FIN) != 0)) {
            e.input.tcpRcvStateProcess(child, f, nowNs);
        } else if (child != null) {
            child.stats.onReceive(0); // tcp_segs_in(): the ACK that made it
        }
        return true;
    }

    /**
     * Kernel: cookie_timestamp_decode(): the options of a cookie connection come from the echoed TSval; an ACK
     * without timestamps has none. An echoed option whose sysctl is now off fails the cookie (a RST).
     */
    private boolean cookieTimestampDecode(RequestSock r, TcpOptions o) {
        r.ecnOk = false;
        r.tsOk = o.hasTimestamps() && e.params.timestamps();
        r.sackOk = false;
        r.wscaleOk = false;
        r.sndWscale = 0;
        if (!r.tsOk) {
            return true;
        }
        int echoed = o.tsEcr() - r.tsOffset;
        r.ecnOk = SynCookies.decodeEcn(echoed) && e.params.ecn() != 0; // cookie_ecn_ok()
        r.sackOk = SynCookies.decodeSack(echoed);
        if (r.sackOk && !e.params.sack()) {
            return false;
        }
        int wscale = SynCookies.decodeWscale(echoed);
        if (wscale < 0) {
            return true;
        }
        r.wscaleOk = true;
        r.sndWscale = wscale;
        return e.params.windowScaling();
    }

    /** Kernel: tcp_openreq_init(): the request as the SYN (or cookie ACK) and SynOptions.accepted make it. */
    private void fill(RequestSock r, TcpSock l, TcpSegmentView f, boolean cookie) {
        TcpOptions o = f.options();
        r.listener = l;
        r.retransmits = 0;
        r.synackRtx = 0;
        r.synackSentNs = 0;
        r.lastOowAckNs = Long.MIN_VALUE;
        r.acked = false;
        r.timer = TimerWheel.NONE;
        r.localIp = f.dstIp();
        r.localPort = f.dstPort();
        r.remoteIp = f.srcIp();
        r.remotePort = f.srcPort();
        r.irs = f.seq();
        r.peerWindow = f.window();
        r.mss = SynOptions.peerMss(o, l.userMss);
        int set = SynOptions.accepted(e, SynOptions.present(o, TcpEcn.ecnSetupSyn(f)), cookie);
        r.ecnOk = (set & SynOptions.ECN) != 0;
        r.wscaleOk = (set & SynOptions.WSCALE) != 0;
        r.sndWscale = r.wscaleOk ? SynOptions.peerWscale(o) : 0;
        r.sackOk = (set & SynOptions.SACK) != 0;
        r.tsOk = (set & SynOptions.TS) != 0;
        r.tsRecent = r.tsOk ? o.tsVal() : 0;
        r.tsOffset = e.tsOffset(r.localIp, r.remoteIp);
        TcpWindow.tcpOpenreqInitRwin(e, l, r);
    }

    /** Kernel: tcp_v4_send_synack(). H9: options mirror what the SYN offered. */
    void tcpV4SendSynack(RequestSock r, long nowNs) {
        int tsVal = (int) (nowNs / TcpEngine.MS) + r.tsOffset;
        if (r.synackSentNs == 0) {
            r.synackSentNs = nowNs;
            r.tsFirst = tsVal;
        }
        r.tsLast = tsVal;
        sendSynack(r, tsVal);
    }

    private void sendSynack(RequestSock r, int tsVal) {
        int bits = TcpOutput.OPT_MSS | (r.wscaleOk ? TcpOutput.OPT_WSCALE : 0)
                | (r.sackOk ? TcpOutput.OPT_SACK_PERM : 0) | (r.tsOk ? TcpOutput.OPT_TS : 0);
        int advMss = SynOptions.advertisedMss(e, r.listener.userMss);
        e.out.tuple(r.localIp, r.remoteIp, r.localPort, r.remotePort)
                .header(r.iss, r.irs + 1, TcpHeader.SYN | TcpHeader.ACK | (r.ecnOk ? TcpHeader.ECE : 0),
                        TcpWindow.synWindow(r.rcvWnd))
                .options(bits, advMss, r.rcvWscale, tsVal, r.tsRecent)
                .listenerReply()
                .send(null, 0, 0);
    }

    /** H10: SYN-ACK retransmission, 1 s doubling, dropped after tcp_synack_retries. */
    void synackTimer(int id, long nowNs) {
        RequestSock r = pool[id];
        if (r == null || !r.live) {
            return;
        }
        r.timer = TimerWheel.NONE;
        if (++r.retransmits > e.params.synackRetries()) {
            drop(r);
            return;
        }
        tcpRtxSynack(r, nowNs);
        r.timer = e.timers.schedule(nowNs + reqskTimeoutNs(r), TcpEngine.timer(TcpEngine.TIMER_SYNACK, id));
    }

    /** Kernel: tcp_reqsk_timeout(): the SYN-ACK timer's current wait, doubling with each timeout. */
    long reqskTimeoutNs(RequestSock r) {
        return Math.min(e.params.timeoutInitNs() << r.retransmits,
                e.params.rtoMaxNs());
    }

    /** Kernel: tcp_rtx_synack(). */
    void tcpRtxSynack(RequestSock r, long nowNs) {
        e.counters.inc(TcpStat.TcpRetransSegs);
        e.counters.inc(TcpStat.TcpExtTCPSynRetrans);
        tcpV4SendSynack(r, nowNs);
    }

    void drop(RequestSock r) {
        e.timers.cancel(r.timer);
        r.timer = TimerWheel.NONE;
        requests.remove(ConnectionTable.addresses(r.localIp, r.remoteIp),
                ConnectionTable.ports(r.localPort, r.remotePort));
        e.tupleWatch.held(r.localIp, r.remoteIp, r.localPort, r.remotePort, -1);
        r.listener.synQueueLength--;
        r.live = false;
        free.push(r.id);
    }

    /** F2: a closing listener drops every request it still holds. */
    void dropRequestsOf(TcpSock l) {
        for (RequestSock r : pool) { // a listener's close is not on the packet path
            if (r != null && r.live && r.listener == l) {
                drop(r);
            }
        }
    }

    /** Kernel: tcp_v4_syn_recv_sock() + inet_csk_reqsk_queue_add(): the child, ESTABLISHED, in the accept queue. */
    TcpSock tcpV4SynRecvSock(TcpSock l, RequestSock r, TcpSegmentView f, long nowNs) {
        int id = e.socket();
        if (id < 0) {
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return null;
        }
        TcpSock c = e.sock(id);
        c.localIp = r.localIp;
        c.localPort = r.localPort;
        c.remoteIp = r.remoteIp;
        c.remotePort = r.remotePort;
        c.bound = true;
        c.iss = r.iss;
        c.sndUna = r.iss + 1;
        c.sndNxt = r.iss + 1;
        c.irs = r.irs;
        c.rcvNxt = r.irs + 1;
        c.rcvWup = c.rcvNxt;
        c.mssClamp = SynOptions.advertisedMss(e, l.userMss);
        c.mss = SynOptions.sendMss(e, r.mss, r.tsOk);
        c.wscaleOk = r.wscaleOk;
        c.sndWscale = r.sndWscale;
        c.rcvWscale = r.rcvWscale;
        c.sackOk = r.sackOk;
        c.tsOk = r.tsOk;
        c.ecn = r.ecnOk ? new TcpEcn.State() : null; // tcp_ecn_openreq_child()
        c.tsRecent = f.options().hasTimestamps() ? f.options().tsVal() : r.tsRecent;
        c.tsOffset = r.tsOffset;
        c.sndWnd = f.window() << c.sndWscale;
        c.sndWl1 = f.seq();
        c.sndWl2 = f.ack();
        c.rtoNs = e.params.timeoutInitNs();
        c.inheritOptions(l);
        c.advMss = c.mssClamp; // tcp_v4_syn_recv_sock(): the route's advmss, timestamps not taken off
        c.advertisedWnd = r.rcvWnd;
        c.windowClamp = r.windowClamp;
        c.initQueues(e.params.reordering());
        TcpWindow.tcpInitBufferSpace(e, c, nowNs); // tcp_init_transfer(): the child is established
        if (r.retransmits == 0 && r.synackRtx == 0 && r.synackSentNs != 0) {
            e.input.rttSample(c, nowNs - r.synackSentNs, nowNs); // Karn: no sample once the SYN-ACK was resent
        }
        TcpXmit.tcpInitTransfer(e, c, nowNs);
        TcpSend.tcpInitTransfer(e, c, false);
        c.lastRcvNs = nowNs;
        c.rx.lastDataRcvNs = nowNs; // tcp_create_openreq_child(): lrcvtime
        c.stats.lsndtimeNs = nowNs; // tcp_rcv_state_process() SYN_RECV: lsndtime
        c.stats.segsIn = 1; // the SYN; the ACK that completes the handshake counts as it is processed
        c.stats.delivered = 1; // the SYN-ACK (tcp_rcv_state_process(): its delivery is not seen by tcp_ack())
        c.stats.pmtuCookie = e.params.mss() + 40; // tcp_sync_mss() with the device MTU
        c.parent = l;
        e.tcpSetState(c, TcpState.ESTABLISHED);
        c.socketState = TcpState.SS_CONNECTED;
        e.hash(c);
        l.acceptQueue.add(c);
        e.counters.inc(TcpStat.TcpPassiveOpens);
        TcpTimers.armKeepalive(e, c, nowNs);
        e.events.onAcceptable(l.id);
        return c;
    }
}
