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
     * H5 for a listener: a segment for a pending request goes to it (tcp_check_req), a SYN starts a
     * request, an ACK completes one, any other RST is ignored.
     */
    void tcpV4DoRcvListen(TcpSock l, TcpSegmentView f, long nowNs) {
        int flags = f.flags();
        int id = requests.get(ConnectionTable.addresses(f.dstIp(), f.srcIp()),
                ConnectionTable.ports(f.dstPort(), f.srcPort()));
        if (id != ConnectionTable.MISSING) {
            tcpCheckReq(pool[id], f, nowNs);
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
        if ((flags & TcpHeader.SYN) != 0) {
            tcpConnRequest(l, f, nowNs);
        }
    }

    static boolean acceptQueueFull(TcpSock l) {
        return l.acceptQueue.size() > l.backlog; // Linux sk_acceptq_is_full(): backlog + 1 entries fit
    }

    /**
     * Kernel: tcp_conn_request(). H7–H10: check both queues (H8), create the request, answer with a
     * SYN-ACK (H9), queue the request and start its timer (H10).
     */
    void tcpConnRequest(TcpSock l, TcpSegmentView f, long nowNs) {
        int syncookies = e.params.syncookies();
        boolean wantCookie = syncookies == 2;
        if (!wantCookie && l.synQueueLength >= l.backlog) {
            if (syncookies == 0) {
                e.counters.inc(TcpStat.TcpExtTCPReqQFullDrop);
                e.counters.inc(TcpStat.TcpExtListenDrops);
                return; // H8: SYN queue full without syncookies drops the SYN
            }
            e.counters.inc(TcpStat.TcpExtTCPReqQFullDoCookies);
            wantCookie = true; // H8: tcp_syncookies=1 answers a full SYN queue with a cookie
        }
        if (acceptQueueFull(l) && l.synQueueYoung > 0) {
            e.counters.inc(TcpStat.TcpExtListenOverflows);
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return; // H8: accept queue full with young requests pending
        }
        int maxSyn = e.params.maxSynBacklog();
        if (syncookies == 0 && maxSyn - requests.size() < (maxSyn >> 2)) {
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return; // Linux: without cookies, keep the last quarter of tcp_max_syn_backlog
        }
        if (wantCookie) {
            cookieV4InitSequence(l, f, nowNs);
            return;
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
        fill(r, l, f);
        r.iss = isnHint != 0 ? isnHint : e.isn(f.dstIp(), f.srcIp(), f.dstPort(), f.srcPort(), nowNs);
        isnHint = 0;
        r.live = true;
        requests.put(ConnectionTable.addresses(r.localIp, r.remoteIp), ConnectionTable.ports(r.localPort,
                r.remotePort), id);
        e.tupleWatch.held(r.localIp, r.remoteIp, r.localPort, r.remotePort, 1);
        l.synQueueLength++;
        l.synQueueYoung++;
        tcpV4SendSynack(r, nowNs);
        r.timer = e.timers.schedule(nowNs + e.params.timeoutInitNs(),
                TcpEngine.timer(TcpEngine.TIMER_SYNACK, id));
    }

    /**
     * Kernel: cookie_v4_init_sequence() + tcp_v4_send_synack(). The SYN-ACK's ISN is the cookie and,
     * with timestamps, its TSval carries the options; nothing is stored (the SYN allocates nothing).
     */
    private void cookieV4InitSequence(TcpSock l, TcpSegmentView f, long nowNs) {
        RequestSock r = cookieScratch;
        fill(r, l, f);
        int index = SynCookies.mssIndex(r.mss);
        r.mss = SynCookies.MSS_TABLE[index];
        r.iss = e.cookies.cookieV4InitSequence(f.srcIp(), f.dstIp(), f.srcPort(), f.dstPort(), f.seq(), index,
                nowNs);
        l.acceptQueue.lastOverflowNs = nowNs;
        e.counters.inc(TcpStat.TcpExtSyncookiesSent);
        int ts = r.tsOk ? SynCookies.cookieInitTimestamp(nowNs / TcpEngine.MS, r.wscaleOk ? r.sndWscale : -1,
                r.sackOk, false) : 0;
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
        RequestSock r = cookieScratch;
        fill(r, l, f);
        r.irs = f.seq() - 1;
        r.iss = f.ack() - 1;
        r.mss = mss; // the ACK carries no MSS option: the cookie remembers it
        TcpOptions o = f.options();
        r.tsOk = o.hasTimestamps() && e.params.timestamps();
        int echoed = o.tsEcr() - r.tsOffset;
        r.sackOk = r.tsOk && SynCookies.decodeSack(echoed) && e.params.sack();
        int wscale = r.tsOk ? SynCookies.decodeWscale(echoed) : -1;
        r.wscaleOk = wscale >= 0 && e.params.windowScaling();
        r.sndWscale = r.wscaleOk ? wscale : 0;
        TcpWindow.tcpOpenreqInitRwin(e, l, r);
        e.counters.inc(TcpStat.TcpExtSyncookiesRecv);
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

    private void fill(RequestSock r, TcpSock l, TcpSegmentView f) {
        TcpOptions o = f.options();
        r.listener = l;
        r.retransmits = 0;
        r.synackSentNs = 0;
        r.acked = false;
        r.timer = TimerWheel.NONE;
        r.localIp = f.dstIp();
        r.localPort = f.dstPort();
        r.remoteIp = f.srcIp();
        r.remotePort = f.srcPort();
        r.irs = f.seq();
        r.peerWindow = f.window();
        int ourMss = l.userMss > 0 ? l.userMss : e.params.mss();
        r.mss = Math.min(o.mss() > 0 ? o.mss() : 536, ourMss);
        r.wscaleOk = o.windowScale() >= 0 && e.params.windowScaling();
        r.sndWscale = r.wscaleOk ? Math.min(o.windowScale(), 14) : 0;
        r.sackOk = o.sackPermitted() && e.params.sack();
        r.tsOk = o.hasTimestamps() && e.params.timestamps();
        r.tsRecent = o.tsVal();
        r.tsOffset = e.tsOffset(r.localIp, r.remoteIp);
        TcpWindow.tcpOpenreqInitRwin(e, l, r);
    }

    /** Kernel: tcp_v4_send_synack(). H9: options mirror what the SYN offered. */
    void tcpV4SendSynack(RequestSock r, long nowNs) {
        if (r.retransmits == 0) {
            r.synackSentNs = nowNs;
        }
        sendSynack(r, (int) (nowNs / TcpEngine.MS) + r.tsOffset);
    }

    private void sendSynack(RequestSock r, int tsVal) {
        int bits = TcpOutput.OPT_MSS | (r.wscaleOk ? TcpOutput.OPT_WSCALE : 0)
                | (r.sackOk ? TcpOutput.OPT_SACK_PERM : 0) | (r.tsOk ? TcpOutput.OPT_TS : 0);
        int ourMss = r.listener.userMss > 0 ? r.listener.userMss : e.params.mss();
        e.out.tuple(r.localIp, r.remoteIp, r.localPort, r.remotePort)
                .header(r.iss, r.irs + 1, TcpHeader.SYN | TcpHeader.ACK, TcpWindow.synWindow(r.rcvWnd))
                .options(bits, ourMss, r.rcvWscale, tsVal, r.tsRecent)
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
        if (r.retransmits == 1) {
            r.listener.synQueueYoung--; // retransmitted: no longer young
        }
        e.counters.inc(TcpStat.TcpRetransSegs);
        tcpV4SendSynack(r, nowNs);
        r.timer = e.timers.schedule(nowNs + (e.params.timeoutInitNs() << r.retransmits),
                TcpEngine.timer(TcpEngine.TIMER_SYNACK, id));
    }

    void drop(RequestSock r) {
        e.timers.cancel(r.timer);
        r.timer = TimerWheel.NONE;
        requests.remove(ConnectionTable.addresses(r.localIp, r.remoteIp),
                ConnectionTable.ports(r.localPort, r.remotePort));
        e.tupleWatch.held(r.localIp, r.remoteIp, r.localPort, r.remotePort, -1);
        r.listener.synQueueLength--;
        if (r.retransmits == 0) {
            r.listener.synQueueYoung--;
        }
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

    /**
     * Kernel: tcp_check_req(). H6: a retransmitted SYN gets the SYN-ACK again. H12: the ACK of our
     * SYN-ACK creates the child, unless the accept queue is full (drop, or RST with
     * tcp_abort_on_overflow). An ACK for another ISN gets a RST; a RST in the window drops the request (W1).
     */
    void tcpCheckReq(RequestSock r, TcpSegmentView f, long nowNs) {
        int flags = f.flags();
        boolean rst = (flags & TcpHeader.RST) != 0;
        if ((flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) == TcpHeader.SYN) {
            if (f.seq() == r.irs) {
                tcpV4SendSynack(r, nowNs);
            }
            return;
        }
        if ((flags & TcpHeader.ACK) != 0 && f.ack() != r.iss + 1) {
            e.tcpV4SendReset(f); // not for our SYN-ACK: the listener resets it (never a RST)
            return;
        }
        if (f.seq() != r.irs + 1 && !Seq.between(f.seq(), r.irs + 1, r.irs + 1 + 65535)) {
            return;
        }
        if (rst || (flags & TcpHeader.SYN) != 0) {
            // W1: the client has no such connection and reset our SYN-ACK: the request dies
            // (an in-window SYN is reset too). Kernel: tcp_check_req() embryonic_reset.
            e.counters.inc(TcpStat.TcpAttemptFails);
            e.tcpV4SendReset(f);
            drop(r);
            e.counters.inc(TcpStat.TcpExtEmbryonicRsts);
            return;
        }
        if ((flags & TcpHeader.ACK) == 0) {
            return;
        }
        TcpSock l = r.listener;
        if (acceptQueueFull(l)) {
            e.counters.inc(TcpStat.TcpExtListenOverflows);
            e.counters.inc(TcpStat.TcpExtListenDrops);
            if (e.params.abortOnOverflow()) {
                e.tcpV4SendReset(f);
                drop(r);
            } else {
                r.acked = true; // keep the request; the SYN-ACK timer will ask again
            }
            return;
        }
        TcpSock child = tcpV4SynRecvSock(l, r, f, nowNs);
        drop(r);
        if (child != null && (f.payloadLength() > 0 || (flags & TcpHeader.FIN) != 0)) {
            e.input.tcpRcvStateProcess(child, f, nowNs);
        } else if (child != null) {
            child.stats.onReceive(0); // tcp_segs_in(): the ACK that made it
        }
    }

    /** Kernel: tcp_v4_syn_recv_sock() + inet_csk_reqsk_queue_add(): the child, ESTABLISHED, in the accept queue. */
    private TcpSock tcpV4SynRecvSock(TcpSock l, RequestSock r, TcpSegmentView f, long nowNs) {
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
        c.mssClamp = l.userMss > 0 ? l.userMss : e.params.mss();
        c.mss = r.mss - (r.tsOk ? 12 : 0);
        c.wscaleOk = r.wscaleOk;
        c.sndWscale = r.sndWscale;
        c.rcvWscale = r.rcvWscale;
        c.sackOk = r.sackOk;
        c.tsOk = r.tsOk;
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
        if (r.retransmits == 0 && r.synackSentNs != 0) {
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
