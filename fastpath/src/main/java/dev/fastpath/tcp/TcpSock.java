package dev.fastpath.tcp;

import dev.fastpath.timer.TimerWheel;
import dev.fastpath.uapi.SocketConstants;

/**
 * One connection (or listener): Linux's {@code struct tcp_sock} cut to what this engine uses.
 * Sequence numbers are ints compared with modular arithmetic ({@link Seq}). Fields are
 * package-private: the engine's classes are its only users, on the worker thread.
 */
final class TcpSock {
    /** Out-of-order holes a receiver tracks; a segment that would need more is dropped (bounded memory). */
    static final int OFO_RANGES = 16;
    /** The send ring starts at most this big and doubles as the send buffer fills (SendQueue#ensureRoom). */
    static final int INITIAL_SEND_RING = 64 * 1024;
    final int id;
    int state = TcpState.CLOSE;
    int socketState = TcpState.SS_UNCONNECTED;
    int localIp;
    int localPort;
    int remoteIp;
    int remotePort;
    boolean bound;
    boolean inTable;

    // Send sequence space (RFC 9293 §3.3.1).
    int iss;
    int sndUna;
    int sndNxt;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int sndWscale;
    /** The sequence number of our FIN once it is queued (valid when finQueued). */
    int finSeq;
    boolean finQueued;
    // Receive sequence space.
    int irs;
    int rcvNxt;
    int rcvWscale;
    int rcvWup;
    /** Linux rcv_wnd: the window last advertised, in bytes, from rcv_wup. */
    int advertisedWnd;
    int windowClamp;
    int advMss = 1460;
    /** The next byte the application reads (Linux copied_seq). */
    int copiedSeq;
    /** SO_RCVBUF was set by the application (Linux SOCK_RCVBUF_LOCK): no autotuning. */
    boolean rcvBufLocked;
    // Negotiated options.
    int mssClamp = 1460;
    int mss = 536;
    boolean tsOk;
    boolean sackOk;
    boolean wscaleOk;
    int tsRecent;
    int tsOffset;
    /** ECN (TcpEcn), null unless the connection uses it. */
    TcpEcn.State ecn;

    SendQueue sendQueue;
    ByteRing recvQueue;
    /** Received out-of-order ranges beyond rcv_nxt; their bytes already sit in recvQueue past its tail. */
    SeqRanges ofo;
    /** SACK blocks we report and autotuning state, allocated with the rings. */
    RcvState rx;
    /** The counters and chronographs TCP_INFO reports (RFC 4898, tcp_chrono); null until connect or accept. */
    SockStats stats;
    /** The sender's retransmission queue and loss-recovery state (Linux's sender half of tcp_sock). */
    TcpSender snd;
    /** End of the last segment shorter than the MSS (Linux snd_sml, Minshall's Nagle). */
    int sndSml;
    boolean rcvShutdown;
    boolean sndShutdown;
    /** The application has closed its handle; the connection lives on only to finish (F6). */
    boolean orphan;
    int references = 1;
    int softError;
    int error;

    // Timers.
    long rtoTimer = TimerWheel.NONE;
    long delackTimer = TimerWheel.NONE;
    long keepaliveTimer = TimerWheel.NONE;
    long finWait2Timer = TimerWheel.NONE;
    long lingerTimer = TimerWheel.NONE;
    long probeTimer = TimerWheel.NONE;
    /** Zero-window probes sent without the window opening (Linux icsk_probes_out). */
    int probesOut;
    /** When the current run of probes began (Linux icsk_probes_tstamp); TCP_USER_TIMEOUT counts from it. */
    long probesStartNs;
    /** When the first retransmission of the current loss episode went out (Linux retrans_stamp); 0 = none. */
    long retransStartNs;
    /** Congestion window in segments and slow-start threshold (RFC 5681). */
    int sndCwnd;
    int ssthresh = Integer.MAX_VALUE;
    int cwndCnt;
    /** Linux max_packets_out / cwnd_usage_seq / is_cwnd_limited: did the window, not the app, limit us? */
    int maxPacketsOut;
    int cwndUsageSeq;
    boolean cwndLimited;
    /** When data was last sent (Linux lsndtime): decides slow start after idle. */
    long lastSendNs;
    /** CUBIC state (RFC 9438): W_max, K, the epoch start, the curve's origin, the Reno estimate. */
    float cubicWmax;
    float cubicK;
    float cubicOrigin;
    float cubicWest;
    long cubicEpochNs;
    long rtoNs;
    long srttNs;
    long rttvarNs;
    int retransmits;
    int backoff;
    /** When our SYN went out (its RTT is the first sample when it was not retransmitted). */
    long synSentNs;
    /** Linux icsk_ack.pending: {@link TcpAck#ACK_SCHED} and the other ICSK_ACK_* bits. */
    int ackPending;
    /** Linux icsk_ack.pingpong: replies seen within ato; interactive mode once at tcp_pingpong_thresh. */
    int pingpong;
    /** The largest window the peer has offered (Linux max_window), bounds acceptable old ACKs. */
    int maxWindow;
    /** SO_SNDBUF was set (SOCK_SNDBUF_LOCK): the send buffer is no longer tuned. */
    boolean sndBufLocked;
    /** TCP_NOTSENT_LOWAT (0: net.ipv4.tcp_notsent_lowat). */
    int notsentLowat;

    long lastRcvNs;
    long lastDupAckNs = Long.MIN_VALUE;
    int keepaliveProbes;

    // Socket options.
    boolean keepalive;
    boolean lingerOn;
    int lingerSeconds;
    int linger2 = Integer.MIN_VALUE;
    /**
     * Linux tp->nonagle: TcpXmit.NAGLE_OFF (TCP_NODELAY), NAGLE_CORK (TCP_CORK), NAGLE_PUSH (push once past
     * Nagle and cork, until the next skb is queued).
     */
    byte nonagle;
    int userMss;
    int keepIdle;
    int keepIntvl;
    /** TCP_KEEPCNT, 1..127 (a byte keeps the socket within its 512 B budget). */
    byte keepCnt;
    int userTimeoutMs;
    boolean nonBlocking;
    /** Linux sk_sndbuf: SO_SNDBUF doubled, or tcp_wmem[1] grown by tcp_sndbuf_expand(); bounds sk_wmem_queued. */
    int sndBuf;
    int rcvBuf;
    int rcvLowat = 1;
    boolean reuseAddr;
    boolean reusePort;
    /** IP_TOS: the DSCP bits of every segment (the ECN bits stay TCP's). */
    byte ipTos;
    /**
     * IP_MTU_DISCOVER (IP_PMTUDISC_*, low 3 bits) and {@link #BIND_ADDRESS_NO_PORT}: IP_BIND_ADDRESS_NO_PORT, kept
     * and read back (bind() to an address leaves the port to connect() here anyway).
     */
    byte ipFlags = SocketConstants.IP_PMTUDISC_WANT;
    static final int PMTUDISC_MASK = 7;
    static final int BIND_ADDRESS_NO_PORT = 8;
    /** IP_LOCAL_PORT_RANGE: low 16 bits the lowest port, high 16 the highest, inside ip_local_port_range; 0 none. */
    int localPortRange;
    /** TCP_FASTOPEN_CONNECT; deferConnect: connect() returned 0 and the SYN waits for the first write. */
    boolean fastOpenConnect;
    boolean deferConnect;
    /** sk_write_pending: a blocking writer waits for the handshake; the SYN-ACK's ACK waits for its data. */
    boolean writePending;
    /** TCP_INQ: reads report how much stays queued (TCP_CM_INQ, {@link SocketOps#inq}). */
    boolean inqHint;
    /** Urgent data and SO_OOBINLINE (TcpUrg), null until used. */
    TcpUrg.State urg;
    /** TCP_SYNCNT; 0 means tcp_syn_retries. */
    byte synRetries;

    // Listener only.
    int backlog;
    int synQueueLength;
    AcceptQueue acceptQueue;
    /** Links of a child in its listener's accept queue. */
    TcpSock acceptPrev;
    TcpSock acceptNext;
    /** For a child not yet accepted: its listener. */
    TcpSock parent;

    TcpSock(int id) {
        this.id = id;
    }

    /** Returns every field to its initial value for reuse from the pool; queues are kept but emptied. */
    void reset() {
        resetConnection();
        resetRecovery();
        resetTimers();
        resetOptions();
        if (stats != null) {
            stats.clear();
        }
        if (sendQueue != null) {
            sendQueue.clear();
        }
        if (recvQueue != null) {
            recvQueue.clear();
        }
        if (acceptQueue != null) {
            acceptQueue.clear();
        }
    }

    private void resetConnection() {
        state = TcpState.CLOSE;
        socketState = TcpState.SS_UNCONNECTED;
        localIp = 0;
        localPort = 0;
        remoteIp = 0;
        remotePort = 0;
        bound = false;
        inTable = false;
        iss = 0;
        sndUna = 0;
        sndNxt = 0;
        sndWnd = 0;
        sndWl1 = 0;
        sndWl2 = 0;
        sndWscale = 0;
        finSeq = 0;
        finQueued = false;
        irs = 0;
        rcvNxt = 0;
        rcvWscale = 0;
        rcvWup = 0;
        advertisedWnd = 0;
        windowClamp = 0;
        advMss = 1460;
        copiedSeq = 0;
        writePending = false;
        if (urg != null) {
            urg.clearConnection();
        }
        rcvBufLocked = false;
        if (rx != null) {
            rx.clear();
        }
        mssClamp = 1460;
        mss = 536;
        tsOk = false;
        sackOk = false;
        wscaleOk = false;
        tsRecent = 0;
        tsOffset = 0;
        ecn = null;
        rcvShutdown = false;
    }

    private void resetRecovery() {
        sndSml = 0;
        if (ofo != null) {
            ofo.clear();
        }
    }

    /** Sizes the queues from SO_RCVBUF/SO_SNDBUF as the connection synchronizes (reused from the pool). */
    void initQueues(int reordering) {
        recvQueue = ByteRing.reuse(recvQueue, TcpWindow.ringCapacity(rcvBuf));
        sendQueue = SendQueue.reuse(sendQueue, Math.min(sndBuf, INITIAL_SEND_RING));
        sndSml = sndNxt;
        copiedSeq = rcvNxt;
        if (ofo == null) {
            ofo = new SeqRanges(OFO_RANGES);
            rx = new RcvState();
        }
        if (snd == null) {
            snd = new TcpSender();
        }
        snd.reset(reordering);
        ensureStats();
    }

    /** Allocates the TCP_INFO counters once (connect() or the queues; pooled sockets keep them). */
    void ensureStats() {
        if (stats == null) {
            stats = new SockStats();
        }
    }

    private void resetTimers() {
        sndShutdown = false;
        orphan = false;
        references = 1;
        softError = 0;
        error = 0;
        rtoTimer = TimerWheel.NONE;
        delackTimer = TimerWheel.NONE;
        keepaliveTimer = TimerWheel.NONE;
        finWait2Timer = TimerWheel.NONE;
        lingerTimer = TimerWheel.NONE;
        probeTimer = TimerWheel.NONE;
        probesOut = 0;
        probesStartNs = 0;
        retransStartNs = 0;
        sndCwnd = 0;
        ssthresh = Integer.MAX_VALUE;
        cwndCnt = 0;
        maxPacketsOut = 0;
        cwndUsageSeq = 0;
        cwndLimited = false;
        lastSendNs = 0;
        cubicWmax = 0;
        cubicK = 0;
        cubicOrigin = 0;
        cubicWest = 0;
        cubicEpochNs = 0;
        rtoNs = 0;
        srttNs = 0;
        rttvarNs = 0;
        retransmits = 0;
        backoff = 0;
        synSentNs = 0;
        ackPending = 0;
        pingpong = 0;
    }

    private void resetOptions() {
        maxWindow = 0;
        lastRcvNs = 0;
        lastDupAckNs = Long.MIN_VALUE;
        keepaliveProbes = 0;
        keepalive = false;
        lingerOn = false;
        lingerSeconds = 0;
        linger2 = Integer.MIN_VALUE;
        nonagle = 0;
        userMss = 0;
        keepIdle = 0;
        keepIntvl = 0;
        keepCnt = 0;
        userTimeoutMs = 0;
        nonBlocking = false;
        sndBuf = 0;
        rcvBuf = 0;
        rcvLowat = 1;
        reuseAddr = false;
        reusePort = false;
        ipTos = 0;
        ipFlags = SocketConstants.IP_PMTUDISC_WANT;
        localPortRange = 0;
        sndBufLocked = false;
        notsentLowat = 0;
        synRetries = 0;
        fastOpenConnect = false;
        deferConnect = false;
        inqHint = false;
        if (urg != null) {
            urg.inline = false;
        }
        backlog = 0;
        synQueueLength = 0;
        parent = null;
    }

    /** A child takes its listener's socket options, as Linux's sk_clone_lock() copies them. */
    void inheritOptions(TcpSock l) {
        keepalive = l.keepalive;
        keepIdle = l.keepIdle;
        keepIntvl = l.keepIntvl;
        keepCnt = l.keepCnt;
        lingerOn = l.lingerOn;
        lingerSeconds = l.lingerSeconds;
        linger2 = l.linger2;
        nonagle = (byte) (l.nonagle & ~TcpXmit.NAGLE_PUSH);
        userMss = l.userMss;
        userTimeoutMs = l.userTimeoutMs;
        sndBuf = l.sndBuf;
        sndBufLocked = l.sndBufLocked;
        notsentLowat = l.notsentLowat;
        rcvBuf = l.rcvBuf;
        rcvBufLocked = l.rcvBufLocked;
        windowClamp = l.windowClamp;
        rcvLowat = l.rcvLowat;
        reuseAddr = l.reuseAddr;
        ipTos = l.ipTos;
        ipFlags = l.ipFlags;
    }

    boolean synchronizedState() {
        return state != TcpState.CLOSE && state != TcpState.LISTEN && state != TcpState.SYN_SENT;
    }

    @Override
    public String toString() {
        return "TcpSock#" + id + "[" + TcpState.name(state) + " " + localPort + "->" + remotePort + " una="
                + Integer.toUnsignedString(sndUna) + " nxt=" + Integer.toUnsignedString(sndNxt) + " rcv="
                + Integer.toUnsignedString(rcvNxt) + "]";
    }
}
