package dev.fastpath.tcp;

import dev.fastpath.config.Knob;
import dev.fastpath.table.ConnectionTable;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;
import java.util.ArrayDeque;

/**
 * The LISTEN path: SYN queue of request records, accept queue, SYN-ACKs and their retransmission.
 * Kernel: tcp_ipv4.c, tcp_input.c tcp_conn_request(), tcp_minisocks.c tcp_check_req().
 */
final class TcpListen {
    private final TcpEngine e;
    private final ConnectionTable requests;
    private final RequestSock[] pool;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    /** An ISN chosen by TIME_WAIT for a newer SYN (T1), used by the next request; 0 = none. */
    int isnHint;

    TcpListen(TcpEngine engine) {
        this.e = engine;
        int max = engine.config.intValue(Knob.STACK_MAX_CONNECTIONS);
        this.requests = new ConnectionTable(max, engine.random.nextLong());
        this.pool = new RequestSock[max];
        for (int i = 0; i < max; i++) {
            free.add(i);
        }
    }

    int requestCount() {
        return requests.size();
    }

    /** H5 for a listener: a SYN starts a request, an ACK completes one, a RST is ignored. */
    void tcpV4DoRcvListen(TcpSock l, ParsedFrame f, long nowNs) {
        int flags = f.flags();
        if ((flags & TcpHeader.RST) != 0) {
            return;
        }
        int id = requests.get(ConnectionTable.addresses(f.dstIp(), f.srcIp()),
                ConnectionTable.ports(f.dstPort(), f.srcPort()));
        if (id != ConnectionTable.MISSING) {
            tcpCheckReq(pool[id], f, nowNs);
            return;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            e.counters.inc(TcpStat.FpNoSocketRst);
            e.tcpV4SendReset(f); // no request for this ACK (W1, W3): RST
            return;
        }
        if ((flags & TcpHeader.SYN) != 0) {
            tcpConnRequest(l, f, nowNs);
        }
    }

    private static boolean acceptQueueFull(TcpSock l) {
        return l.acceptQueue.size() > l.backlog; // Linux sk_acceptq_is_full(): backlog + 1 entries fit
    }

    /**
     * Kernel: tcp_conn_request(). H7–H10: check both queues (H8), create the request, answer with a
     * SYN-ACK (H9), queue the request and start its timer (H10).
     */
    void tcpConnRequest(TcpSock l, ParsedFrame f, long nowNs) {
        int syncookies = e.config.intValue(Knob.TCP_SYNCOOKIES);
        if (l.synQueueLength >= l.backlog) {
            if (syncookies == 0) {
                e.counters.inc(TcpStat.TcpExtTCPReqQFullDrop);
                e.counters.inc(TcpStat.TcpExtListenDrops);
                return; // H8: SYN queue full without syncookies drops the SYN
            }
            e.counters.inc(TcpStat.TcpExtTCPReqQFullDoCookies);
        }
        if (acceptQueueFull(l) && l.synQueueYoung > 0) {
            e.counters.inc(TcpStat.TcpExtListenOverflows);
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return; // H8: accept queue full with young requests pending
        }
        int maxSyn = e.config.intValue(Knob.TCP_MAX_SYN_BACKLOG);
        if (syncookies == 0 && maxSyn - requests.size() < (maxSyn >> 2)) {
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return; // Linux: without cookies, keep the last quarter of tcp_max_syn_backlog
        }
        Integer id = free.poll();
        if (id == null) {
            e.counters.inc(TcpStat.TcpExtListenDrops);
            return;
        }
        RequestSock r = new RequestSock(id);
        pool[id] = r;
        fill(r, l, f);
        r.iss = isnHint != 0 ? isnHint : e.isn(f.dstIp(), f.srcIp(), f.dstPort(), f.srcPort(), nowNs);
        isnHint = 0;
        r.live = true;
        requests.put(ConnectionTable.addresses(r.localIp, r.remoteIp), ConnectionTable.ports(r.localPort,
                r.remotePort), id);
        l.synQueueLength++;
        l.synQueueYoung++;
        tcpV4SendSynack(r, nowNs);
        r.timer = e.timers.schedule(nowNs + e.config.get(Knob.TCP_TIMEOUT_INIT) * TcpEngine.MS,
                TcpEngine.timer(TcpEngine.TIMER_SYNACK, id));
    }

    private void fill(RequestSock r, TcpSock l, ParsedFrame f) {
        TcpOptions o = f.options();
        r.listener = l;
        r.localIp = f.dstIp();
        r.localPort = f.dstPort();
        r.remoteIp = f.srcIp();
        r.remotePort = f.srcPort();
        r.irs = f.seq();
        r.peerWindow = f.window();
        int ourMss = l.userMss > 0 ? l.userMss : e.config.intValue(Knob.TCP_MSS);
        r.mss = Math.min(o.mss() > 0 ? o.mss() : 536, ourMss);
        r.wscaleOk = o.windowScale() >= 0 && e.config.enabled(Knob.TCP_WINDOW_SCALING);
        r.sndWscale = r.wscaleOk ? Math.min(o.windowScale(), 14) : 0;
        r.rcvWscale = r.wscaleOk ? TcpXmit.windowScale(e) : 0;
        r.sackOk = o.sackPermitted() && e.config.enabled(Knob.TCP_SACK);
        r.tsOk = o.hasTimestamps() && e.config.enabled(Knob.TCP_TIMESTAMPS);
        r.tsRecent = o.tsVal();
        r.tsOffset = e.random.nextInt();
    }

    /** Kernel: tcp_v4_send_synack(). H9: options mirror what the SYN offered. */
    void tcpV4SendSynack(RequestSock r, long nowNs) {
        int bits = TcpOutput.OPT_MSS | (r.wscaleOk ? TcpOutput.OPT_WSCALE : 0)
                | (r.sackOk ? TcpOutput.OPT_SACK_PERM : 0) | (r.tsOk ? TcpOutput.OPT_TS : 0);
        int ourMss = r.listener.userMss > 0 ? r.listener.userMss : e.config.intValue(Knob.TCP_MSS);
        e.out.tuple(r.localIp, r.remoteIp, r.localPort, r.remotePort)
                .header(r.iss, r.irs + 1, TcpHeader.SYN | TcpHeader.ACK, TcpXmit.initialWindow(e, ourMss))
                .options(bits, ourMss, r.rcvWscale, (int) (nowNs / TcpEngine.MS) + r.tsOffset, r.tsRecent)
                .send(null, 0, 0);
    }

    /** H10: SYN-ACK retransmission, 1 s doubling, dropped after tcp_synack_retries. */
    void synackTimer(int id, long nowNs) {
        RequestSock r = pool[id];
        if (r == null || !r.live) {
            return;
        }
        r.timer = TimerWheel.NONE;
        if (++r.retransmits > e.config.intValue(Knob.TCP_SYNACK_RETRIES)) {
            drop(r);
            return;
        }
        if (r.retransmits == 1) {
            r.listener.synQueueYoung--; // retransmitted: no longer young
        }
        e.counters.inc(TcpStat.TcpRetransSegs);
        tcpV4SendSynack(r, nowNs);
        r.timer = e.timers.schedule(nowNs + (e.config.get(Knob.TCP_TIMEOUT_INIT) * TcpEngine.MS << r.retransmits),
                TcpEngine.timer(TcpEngine.TIMER_SYNACK, id));
    }

    void drop(RequestSock r) {
        e.timers.cancel(r.timer);
        r.timer = TimerWheel.NONE;
        requests.remove(ConnectionTable.addresses(r.localIp, r.remoteIp),
                ConnectionTable.ports(r.localPort, r.remotePort));
        r.listener.synQueueLength--;
        if (r.retransmits == 0) {
            r.listener.synQueueYoung--;
        }
        r.live = false;
        pool[r.id] = null;
        free.add(r.id);
    }

    /** F2: a closing listener drops every request it still holds. */
    void dropRequestsOf(TcpSock l) {
        for (RequestSock r : pool) {
            if (r != null && r.live && r.listener == l) {
                drop(r);
            }
        }
    }

    /**
     * Kernel: tcp_check_req(). H6: a retransmitted SYN gets the SYN-ACK again. H12: the ACK of our
     * SYN-ACK creates the child, unless the accept queue is full (drop, or RST with
     * tcp_abort_on_overflow). An ACK for another ISN gets a RST.
     */
    void tcpCheckReq(RequestSock r, ParsedFrame f, long nowNs) {
        int flags = f.flags();
        if ((flags & TcpHeader.SYN) != 0 && (flags & TcpHeader.ACK) == 0) {
            if (f.seq() == r.irs) {
                tcpV4SendSynack(r, nowNs);
            }
            return;
        }
        if ((flags & TcpHeader.ACK) == 0) {
            return;
        }
        if (f.ack() != r.iss + 1 || (flags & TcpHeader.SYN) != 0) {
            e.tcpV4SendReset(f);
            return;
        }
        if (f.seq() != r.irs + 1 && !Seq.between(f.seq(), r.irs + 1, r.irs + 1 + 65535)) {
            return;
        }
        TcpSock l = r.listener;
        if (acceptQueueFull(l)) {
            e.counters.inc(TcpStat.TcpExtListenOverflows);
            e.counters.inc(TcpStat.TcpExtListenDrops);
            if (e.config.enabled(Knob.TCP_ABORT_ON_OVERFLOW)) {
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
        }
    }

    /** Kernel: tcp_v4_syn_recv_sock() + inet_csk_reqsk_queue_add(): the child, ESTABLISHED, in the accept queue. */
    private TcpSock tcpV4SynRecvSock(TcpSock l, RequestSock r, ParsedFrame f, long nowNs) {
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
        c.mssClamp = l.userMss > 0 ? l.userMss : e.config.intValue(Knob.TCP_MSS);
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
        c.rtoNs = e.config.get(Knob.TCP_TIMEOUT_INIT) * TcpEngine.MS;
        c.recvQueue = new ByteRing(e.config.intValue(Knob.TCP_RMEM_DEFAULT) / 2);
        c.sendQueue = new ByteRing(c.sndBuf);
        c.advertisedWnd = TcpXmit.initialWindow(e, c.mssClamp);
        c.keepalive = l.keepalive;
        c.lastRcvNs = nowNs;
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
