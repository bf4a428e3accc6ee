package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.SHUT_RD;
import static dev.fastpath.uapi.SocketConstants.SHUT_RDWR;
import static dev.fastpath.uapi.SocketConstants.SHUT_WR;


import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.table.ConnectionTable;

/**
 * The application-facing operations on socket ids, with Linux semantics: every call returns ≥ 0 or
 * {@code -errno}, non-blocking (a call that would block returns −EAGAIN or −EINPROGRESS).
 * Kernel: af_inet.c, tcp.c, tcp_ipv4.c.
 */
public final class SocketOps {
    private static final byte[] NOTHING = new byte[0];

    private final TcpEngine e;
    /** connect(): the ISN was set by taking over a TIME_WAIT record (tcp_twsk_unique()'s write_seq). */
    private boolean issTaken;

    SocketOps(TcpEngine engine) {
        this.e = engine;
    }

    /**
     * @param engine the engine
     * @return its operations
     */
    public static SocketOps of(TcpEngine engine) {
        return engine.ops();
    }

    /** @return a new socket id or −EMFILE */
    public int socket() {
        return e.socket();
    }

    /** Another handle on the same socket (F1: close() then only drops a reference). */
    public int dup(int id) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        s.references++;
        return id;
    }

    /** bind(): the local address must be ours (or 0.0.0.0); a port a listener holds is EADDRINUSE. */
    public int bind(int id, int ip, int port) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (s.bound || port < 0 || port > 65535) {
            return -Errno.EINVAL;
        }
        if (ip != 0 && !e.ip.isLocalV4(ip)) {
            return -Errno.EADDRNOTAVAIL; // inet_bind(): not an address of this host
        }
        if (port != 0 && e.listeners[port] != null) {
            return -Errno.EADDRINUSE;
        }
        s.localIp = ip; // 0.0.0.0: any of ours; a connection takes the source of its route
        s.localPort = port;
        s.bound = port != 0;
        return 0;
    }

    /** listen(): backlog capped by somaxconn. */
    public int listen(int id, int backlog) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (s.socketState != TcpState.SS_UNCONNECTED || (s.state != TcpState.CLOSE && s.state != TcpState.LISTEN)) {
            return -Errno.EINVAL;
        }
        if (!s.bound) {
            return -Errno.EINVAL; // Fastpath needs an explicit bind() before listen()
        }
        if (e.listeners[s.localPort] != null && e.listeners[s.localPort] != s) {
            return -Errno.EADDRINUSE;
        }
        s.backlog = Math.min(Math.max(backlog, 0), e.params.somaxconn());
        if (s.acceptQueue == null) {
            s.acceptQueue = new AcceptQueue();
        }
        e.listeners[s.localPort] = s;
        e.tcpSetState(s, TcpState.LISTEN);
        return 0;
    }

    /** accept(): H12, a connected child from the accept queue, or −EAGAIN. */
    public int accept(int id) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (s.state != TcpState.LISTEN) {
            return -Errno.EINVAL;
        }
        TcpSock c = s.acceptQueue.poll();
        if (c == null) {
            return -Errno.EAGAIN;
        }
        c.parent = null;
        return c.id;
    }

    /**
     * connect(). Kernel: tcp_v4_connect(). H1: only an unconnected socket may connect; H2: an
     * ephemeral port from a random offset; H3: the SYN goes out at once; H4: its timer starts.
     *
     * @return −EINPROGRESS once the SYN is out, or −errno
     */
    public int connect(int id, int ip, int port, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        switch (s.socketState) {
            case TcpState.SS_CONNECTED -> {
                return -Errno.EISCONN;
            }
            case TcpState.SS_CONNECTING -> {
                return -Errno.EALREADY;
            }
            case TcpState.SS_UNCONNECTED -> {
                if (s.state != TcpState.CLOSE) {
                    return -Errno.EISCONN;
                }
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
        if (port <= 0 || port > 65535) {
            return -Errno.EINVAL;
        }
        s.rcvShutdown = false; // a socket whose last attempt failed may connect again
        s.sndShutdown = false;
        int src = s.localIp != 0 ? s.localIp : e.ip.sourceV4(ip); // ip_route_connect()
        if (src == 0) {
            return -Errno.ENETUNREACH;
        }
        s.localIp = src;
        s.remoteIp = ip;
        s.remotePort = port;
        issTaken = false;
        if (!s.bound) {
            int p = inetHashConnect(s, src, ip, port, nowNs);
            if (p < 0) {
                return p;
            }
            s.localPort = p;
        } else if (!checkEstablished(s, src, ip, s.localPort, port, true, nowNs)) {
            return -Errno.EADDRNOTAVAIL;
        }
        tcpConnectInit(s, nowNs);
        e.tcpSetState(s, TcpState.SYN_SENT);
        s.socketState = TcpState.SS_CONNECTING;
        e.hash(s);
        e.counters.inc(TcpStat.TcpActiveOpens);
        if (s.fastOpenConnect && TcpFastOpen.cookieCheck(e, s, nowNs)) {
            s.deferConnect = true; // tcp_fastopen_defer_connect(): the SYN leaves with the first write
            return 0;
        }
        tcpSendSynNow(s, nowNs);
        return -Errno.EINPROGRESS;
    }

    private void tcpSendSynNow(TcpSock s, long nowNs) {
        s.deferConnect = false;
        TcpXmit.tcpTransmitSyn(e, s, nowNs);
        s.synSentNs = nowNs;
        s.rtoTimer = e.timers.schedule(nowNs + s.rtoNs, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
    }

    /**
     * sendto(MSG_FASTOPEN) on an unconnected socket (RFC 7413 client): connect and write in one call.
     * The SYN carries the cached cookie (or a cookie request) but no data yet: the data waits for the
     * handshake, which is what Linux also does when the server turns the cookie down.
     *
     * @return −EINPROGRESS once the SYN is out, or −errno
     */
    public int sendFastOpen(int id, byte[] src, int off, int len, int ip, int port, long nowNs) {
        return sendFastOpen(id, src, off, len, 0, ip, port, nowNs);
    }

    /**
     * sendto(MSG_FASTOPEN | flags). A blocking call (no O_NONBLOCK, no MSG_DONTWAIT) is a writer waiting for the
     * handshake (inet_wait_for_connect() counts it in sk_write_pending): the SYN-ACK then saves its ACK for the
     * data the writer sends next.
     *
     * @return bytes the SYN took, −EINPROGRESS once the SYN is out without data, or −errno
     */
    public int sendFastOpen(int id, byte[] src, int off, int len, int flags, int ip, int port, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (src == null) {
            return -Errno.EFAULT;
        }
        if (!e.params.fastOpenClient()) {
            return -Errno.EOPNOTSUPP;
        }
        if (s.state != TcpState.CLOSE) {
            return send(id, src, off, len, flags & ~SocketConstants.MSG_FASTOPEN, nowNs);
        }
        s.fastOpenConnect = true;
        int r = connect(id, ip, port, nowNs);
        if (r == 0 && s.deferConnect) {
            return sendSynData(s, src, off, len, flags, nowNs);
        }
        if (r == -Errno.EINPROGRESS) {
            s.writePending = blocking(s, flags) && len > 0; // the whole write waits for the handshake
        }
        return r;
    }

    private static boolean blocking(TcpSock s, int flags) {
        return !s.nonBlocking && (flags & SocketConstants.MSG_DONTWAIT) == 0;
    }

    /**
     * Kernel: tcp_sendmsg_fastopen() on a deferred connect: the SYN leaves with as much data as it takes
     * (tcp_send_syn_data()). The call returns that count, or −EINPROGRESS when the SYN took none; a blocking
     * caller then waits for the handshake (sk_stream_wait_connect(): sk_write_pending) and writes the rest.
     */
    private int sendSynData(TcpSock s, byte[] src, int off, int len, int flags, long nowNs) {
        s.deferConnect = false;
        int copied = TcpFastOpen.tcpSendSynData(e, s, src, off, len, nowNs);
        // As the upstream scripts show Linux: the SYN-ACK's ACK waits only for a writer with data left to send
        s.writePending = blocking(s, flags) && copied < len;
        s.rtoTimer = e.timers.schedule(nowNs + s.rtoNs, TcpEngine.timer(TcpEngine.TIMER_RTO, s.id));
        return copied > 0 ? copied : -Errno.EINPROGRESS;
    }

    /** Kernel: tcp_connect_init(): ISN (RFC 6528), MSS, window scale, RTO. */
    private void tcpConnectInit(TcpSock s, long nowNs) {
        if (!issTaken) { // tcp_v4_connect(): a TIME_WAIT taken over already chose it (tcp_twsk_unique())
            s.iss = e.isn(s.localIp, s.remoteIp, s.localPort, s.remotePort, nowNs);
        }
        issTaken = false;
        s.sndUna = s.iss;
        s.sndNxt = s.iss + 1;
        s.mssClamp = SynOptions.advertisedMss(e, s.userMss);
        TcpWindow.tcpConnectInitWindow(e, s);
        s.tsOffset = e.tsOffset(s.localIp, s.remoteIp);
        s.rtoNs = e.params.timeoutInitNs();
        s.retransmits = 0;
        s.ensureStats();
        s.stats.pmtuCookie = e.params.mss() + 40; // tcp_sync_mss(sk, dst_mtu(dst))
    }

    /**
     * Kernel: inet_hash_connect(). H2: walk the local port range (ip_local_port_range, narrowed by the socket's
     * IP_LOCAL_PORT_RANGE: inet_sk_get_local_port_range()) from a random offset for a port whose 4-tuple is
     * free, or held by a TIME_WAIT record tcp_tw_reuse lets go; none → EADDRNOTAVAIL.
     */
    private int inetHashConnect(TcpSock s, int src, int ip, int port, long nowNs) {
        int low = e.params.localPortLow();
        int high = e.params.localPortHigh();
        if (s.localPortRange != 0) {
            int skLow = s.localPortRange & 0xFFFF;
            int skHigh = s.localPortRange >>> 16;
            low = skLow >= low && skLow <= high ? skLow : low;
            high = skHigh >= low && skHigh <= high ? skHigh : high;
        }
        int n = high - low + 1;
        int offset = Math.floorMod(e.nextPortOffset() * 0x9E3779B1, n);
        for (int i = 0; i < n; i++) {
            int p = low + (offset + i) % n;
            if ((e.localPortFilter == null || e.localPortFilter.test(p << 16 | port)) // other workers' ports
                    && (e.flowFilter == null || e.flowFilter.accept(src, ip, p, port))
                    && e.listeners[p] == null
                    && checkEstablished(s, src, ip, p, port, false, nowNs)) {
                return p;
            }
        }
        return -Errno.EADDRNOTAVAIL;
    }

    /**
     * Kernel: __inet_check_established(): whether the 4-tuple is free for {@code s}; a TIME_WAIT record on it is
     * taken over when tcp_twsk_unique() allows, and then goes (TcpExtTWRecycled).
     *
     * @param portLocked the port came from bind() (Linux passes no twp: the reuse delay does not apply)
     */
    private boolean checkEstablished(TcpSock s, int src, int ip, int lport, int port, boolean portLocked,
            long nowNs) {
        if (e.established.get(ConnectionTable.addresses(src, ip), ConnectionTable.ports(lport, port))
                != ConnectionTable.MISSING) {
            return false;
        }
        int tw = e.timeWait.find(src, ip, lport, port);
        if (tw < 0) {
            return true;
        }
        if (!tcpTwskUnique(s, tw, portLocked, nowNs)) {
            return false;
        }
        e.timers.cancel(e.timeWait.timer[tw]);
        e.timeWait.remove(tw);
        e.counters.inc(TcpStat.TcpExtTWRecycled);
        return true;
    }

    /**
     * Kernel: tcp_ipv4.c tcp_twsk_unique(). A TIME_WAIT record that saw timestamps (PAWS guards the new
     * connection against old duplicates) may be taken over: always for a port locked by bind(); otherwise with
     * tcp_tw_reuse 1, or 2 for a loopback address, once tcp_tw_reuse_delay ms have passed since the record was
     * made (strictly: time_after32). The new connection starts at the record's snd_nxt + 65535 + 2 and keeps its
     * ts_recent (its SYN echoes it).
     */
    private boolean tcpTwskUnique(TcpSock s, int tw, boolean portLocked, long nowNs) {
        TimeWaitTable t = e.timeWait;
        int reuse = e.params.twReuse();
        if (reuse == 2 && (t.localIp[tw] >>> 24) != 127 && (t.remoteIp[tw] >>> 24) != 127) {
            reuse = 0; // loopback only
        }
        int nowMs = (int) (nowNs / TcpEngine.MS);
        boolean sawTimestamps = (t.flags[tw] & TimeWaitTable.TS_OK) != 0;
        if (!sawTimestamps || !(portLocked || reuse != 0 && nowMs - (t.entryMs[tw] + e.params.twReuseDelayMs()) > 0)) {
            return false;
        }
        int seq = t.sndNxt[tw] + 65535 + 2;
        s.iss = seq == 0 ? 1 : seq;
        issTaken = true;
        s.tsRecent = t.tsRecent[tw];
        return true;
    }

    /** write(): up to the send queue's room; −EAGAIN when none, −EPIPE after SHUT_WR. */
    public int send(int id, byte[] src, int off, int len, long nowNs) {
        return send(id, src, off, len, 0, nowNs);
    }

    /**
     * send() with flags. Kernel: tcp_sendmsg_locked() (the steps are in {@link TcpSend}): MSG_MORE leaves the
     * tail skb unpushed (no PSH, corked for this push); MSG_EOR ends a record when the whole buffer was taken
     * (later data never shares an skb with it). A blocking socket that must wait returns what it took (or
     * −EAGAIN): the caller waits for POLLOUT and calls again with the rest, which continues the same write.
     */
    public int send(int id, byte[] src, int off, int len, int flags, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (src == null) {
            return -Errno.EFAULT;
        }
        if (s.deferConnect) {
            // TCP_FASTOPEN_CONNECT: the first write sends the SYN
            return sendSynData(s, src, off, len, flags, nowNs);
        }
        if (s.state != TcpState.ESTABLISHED && s.state != TcpState.CLOSE_WAIT) {
            // sk_stream_wait_connect(): a pending error first, then EPIPE unless the handshake is under way
            if (s.error != 0) {
                return -e.takeError(id);
            }
            return s.state == TcpState.SYN_SENT || s.state == TcpState.SYN_RECV ? -Errno.EAGAIN : -Errno.EPIPE;
        }
        if (s.error != 0 || s.sndShutdown) {
            return s.error != 0 ? -e.takeError(id) : -Errno.EPIPE; // sk_stream_error()
        }
        TcpRate.tcpRateCheckApplimited(s); // tcp_sendmsg_locked(): is sending application-limited?
        return TcpSend.tcpSendmsgLocked(e, s, src, off, len, flags, nowNs);
    }

    /**
     * Kernel: tcp_inq_hint(). What a read with TCP_INQ on reports in its TCP_CM_INQ message: the bytes still
     * queued after it; 1 when none are but the peer's FIN has come, so the reader reads on and sees the end.
     *
     * @return the hint, −EBADF, or −EINVAL when TCP_INQ is off (Linux adds no message then)
     */
    public int inq(int id) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (!s.inqHint) {
            return -Errno.EINVAL;
        }
        int queued = s.recvQueue == null ? 0 : s.recvQueue.size();
        boolean finReceived = s.state == TcpState.CLOSE_WAIT || s.state == TcpState.LAST_ACK
                || s.state == TcpState.CLOSING || s.state == TcpState.TIME_WAIT;
        return queued == 0 && finReceived ? 1 : queued;
    }

    /** read(): data, 0 at end of stream (F7), −EAGAIN when none yet, −errno after a reset. */
    public int recv(int id, byte[] dst, int off, int len, long nowNs) {
        return recv(id, dst, off, len, 0, nowNs);
    }

    /**
     * recv() with flags: MSG_OOB reads the urgent byte (tcp_recv_urg(); it never blocks); MSG_TRUNC with it
     * leaves the byte uncopied. A normal read stops before the urgent mark and, without SO_OOBINLINE, skips the
     * urgent byte (tcp_recvmsg_locked()).
     */
    public int recv(int id, byte[] dst, int off, int len, int flags, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (dst == null) {
            return -Errno.EFAULT;
        }
        if ((flags & SocketConstants.MSG_OOB) != 0) {
            return TcpUrg.tcpRecvUrg(s, dst, off, len, flags);
        }
        if (s.recvQueue != null && s.recvQueue.size() > 0) {
            int n = Math.min(TcpUrg.beforeCopy(s, len), s.recvQueue.size());
            s.recvQueue.copyOut(0, dst, off, n);
            s.recvQueue.consume(n);
            s.copiedSeq += n;
            TcpUrg.afterCopy(s);
            if (n > 0 || len == 0) {
                if (s.synchronizedState()) {
                    TcpWindow.tcpRcvSpaceAdjust(e, s, nowNs); // tcp_recvmsg_locked(): autotuning, then
                    TcpWindow.tcpCleanupRbuf(e, s, n, nowNs); // the ACK a read may owe the sender
                }
                return n;
            }
        }
        if (s.error != 0) {
            return -e.takeError(id);
        }
        if (s.rcvShutdown || s.state == TcpState.CLOSE_WAIT || s.state == TcpState.LAST_ACK
                || s.state == TcpState.CLOSING || s.state == TcpState.TIME_WAIT) {
            return 0;
        }
        if (s.state == TcpState.CLOSE || s.state == TcpState.LISTEN) {
            return -Errno.ENOTCONN;
        }
        return -Errno.EAGAIN;
    }

    /**
     * Moves received bytes of one connection straight into another's send queue: splice(2) from a socket through a
     * pipe into a socket, collapsed into one copy from ring to ring. As much moves as the source holds and the sink's
     * send buffer takes (tcp_sendmsg_locked() with MSG_DONTWAIT), so a full sink leaves the bytes in the source's
     * receive queue and its window closes (a proxy's backpressure); the sink's POLLOUT (onWritable) says when to
     * go on. The source is consumed as by read() (window update, autotuning), the sink sends as by write().
     *
     * @param from  the connection to read
     * @param to    the connection to write
     * @param max   the most to move
     * @param nowNs the current time
     * @return bytes moved; 0 at the source's end of stream (its FIN came and nothing is left); −EAGAIN when the
     *         source has nothing yet or the sink no room (or has not connected yet); −EPIPE when the sink can no
     *         longer send; the source's −errno as read() returns it
     */
    public int splice(int from, int to, int max, long nowNs) {
        TcpSock src = e.userSock(from);
        TcpSock dst = e.userSock(to);
        if (src == null || dst == null) {
            return -Errno.EBADF;
        }
        int queued = src.recvQueue == null ? 0 : src.recvQueue.size();
        if (queued == 0) {
            return recv(from, NOTHING, 0, 0, nowNs); // 0 at end of stream, −EAGAIN, or the source's error
        }
        if (dst.state == TcpState.SYN_SENT || dst.state == TcpState.SYN_RECV) {
            return -Errno.EAGAIN;
        }
        if (dst.error != 0 || dst.sndShutdown
                || (dst.state != TcpState.ESTABLISHED && dst.state != TcpState.CLOSE_WAIT)) {
            return -Errno.EPIPE;
        }
        int n = TcpSend.tcpSpliceLocked(e, dst, src.recvQueue, Math.min(max, queued), SocketConstants.MSG_DONTWAIT,
                nowNs);
        if (n <= 0) {
            return n;
        }
        src.recvQueue.consume(n);
        src.copiedSeq += n;
        if (src.synchronizedState()) {
            TcpWindow.tcpRcvSpaceAdjust(e, src, nowNs); // as tcp_recvmsg_locked(): autotuning, then
            TcpWindow.tcpCleanupRbuf(e, src, n, nowNs); // the ACK the read may owe the sender
        }
        return n;
    }

    /**
     * getpeername().
     *
     * @param id a socket
     * @return {@code (address & 0xFFFFFFFFL) << 16 | port} of the peer, or −ENOTCONN / −EBADF
     */
    public long peerName(int id) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (s.remotePort == 0) {
            return -Errno.ENOTCONN;
        }
        return (s.remoteIp & 0xFFFFFFFFL) << 16 | s.remotePort;
    }

    /**
     * getsockname().
     *
     * @param id a socket
     * @return {@code (address & 0xFFFFFFFFL) << 16 | port} of our end, or −EBADF
     */
    public long sockName(int id) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        return (s.localIp & 0xFFFFFFFFL) << 16 | s.localPort;
    }

    /** shutdown(). Kernel: tcp_shutdown(). F1: acts on the connection whatever the references. */
    public int shutdown(int id, int how, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (how < SHUT_RD || how > SHUT_RDWR) {
            return -Errno.EINVAL;
        }
        if (!s.synchronizedState()) {
            return -Errno.ENOTCONN;
        }
        if (how != SHUT_WR) {
            s.rcvShutdown = true;
        }
        if (how != SHUT_RD && !s.sndShutdown) {
            s.sndShutdown = true;
            if (tcpCloseState(s)) {
                TcpXmit.tcpSendFin(e, s, nowNs);
            }
        }
        return 0;
    }

    /** Kernel: tcp_close_state(): the next state on close, and whether a FIN is due. */
    private boolean tcpCloseState(TcpSock s) {
        switch (s.state) {
            case TcpState.ESTABLISHED, TcpState.SYN_RECV -> {
                e.tcpSetState(s, TcpState.FIN_WAIT1);
                return true;
            }
            case TcpState.CLOSE_WAIT -> {
                e.tcpSetState(s, TcpState.LAST_ACK);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * close(). Kernel: tcp_close(). F1 references; F2 listener; F3 unread data → RST; R4 linger 0 →
     * RST; F4/F10 FIN (riding on queued data); F5 linger timer; F6 orphan limit.
     */
    public int close(int id, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (--s.references > 0) {
            return 0;
        }
        if (s.state == TcpState.LISTEN) {
            closeListener(s, nowNs);
            return 0;
        }
        if (s.state == TcpState.CLOSE || s.state == TcpState.SYN_SENT) {
            e.orphaned(s);
            e.tcpDone(s, 0);
            return 0;
        }
        e.orphaned(s);
        s.rcvShutdown = true;
        s.sndShutdown = true;
        if (s.recvQueue != null && s.recvQueue.size() > 0) {
            e.counters.inc(TcpStat.TcpExtTCPAbortOnClose);
            TcpXmit.tcpSendActiveReset(e, s, nowNs);
            e.tcpDone(s, 0);
            return 0;
        }
        if (s.lingerOn && s.lingerSeconds == 0) {
            e.counters.inc(TcpStat.TcpExtTCPAbortOnData);
            TcpXmit.tcpSendActiveReset(e, s, nowNs);
            e.tcpDone(s, 0);
            return 0;
        }
        if (tcpCloseState(s)) {
            TcpXmit.tcpSendFin(e, s, nowNs);
        }
        if (e.orphanCount() > e.params.maxOrphans()) {
            e.counters.inc(TcpStat.TcpExtTCPAbortOnMemory);
            TcpXmit.tcpSendActiveReset(e, s, nowNs);
            e.tcpDone(s, 0);
            return 0;
        }
        if (s.state == TcpState.FIN_WAIT2) {
            TcpTimers.enterFinWait2(e, s, nowNs);
        } else if (s.lingerOn && s.lingerSeconds > 0) {
            s.lingerTimer = e.timers.schedule(nowNs + s.lingerSeconds * 1_000L * TcpEngine.MS,
                    TcpEngine.timer(TcpEngine.TIMER_LINGER, s.id));
        }
        return 0;
    }

    /** F2: a listener closes: children still queued are reset, requests dropped. */
    private void closeListener(TcpSock l, long nowNs) {
        e.listeners[l.localPort] = null;
        e.listen.dropRequestsOf(l);
        TcpSock c;
        while ((c = l.acceptQueue.poll()) != null) {
            c.parent = null;
            TcpXmit.tcpSendActiveReset(e, c, nowNs);
            e.orphaned(c);
            e.tcpDone(c, 0);
        }
        e.tcpSetState(l, TcpState.CLOSE);
        e.orphaned(l);
        e.tcpDone(l, 0);
    }
}
