package dev.fastpath.tcp;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.table.ConnectionTable;
import dev.fastpath.tcp.cookie.IsnGenerator;
import dev.fastpath.tcp.cookie.RandomSource;
import dev.fastpath.tcp.cookie.SynCookies;
import dev.fastpath.timer.TimerHandler;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;

/**
 * Everything TCP on one worker: the connection tables, the listeners, the timers and the state
 * machine, following the seed's steps (SEED-CHECKLIST.md) and the Linux functions they name. The
 * engine never reads a clock ({@code nowNs} is passed in) and never touches a device: segments come in
 * through {@link #tcpV4Rcv} and go out through the {@link IpLayer} below it, which owns IPv4, Ethernet,
 * routes and neighbours. Input processing lives in {@link TcpInput}, the listen path in {@link TcpListen},
 * segment output in {@link TcpOutput}; this class owns state and the application-facing operations.
 * Single-threaded.
 */
public final class TcpEngine implements TimerHandler {
    static final long MS = 1_000_000L;
    static final int TIMER_RTO = 1;
    static final int TIMER_DELACK = 2;
    static final int TIMER_KEEPALIVE = 3;
    static final int TIMER_FIN_WAIT2 = 4;
    static final int TIMER_LINGER = 5;
    static final int TIMER_SYNACK = 6;
    static final int TIMER_TIME_WAIT = 7;
    static final int TIMER_PROBE = 8;

    /** The knobs in engine units (converted once from the Config). */
    final TcpParams params;
    final TcpStat.Counters counters = new TcpStat.Counters();
    final TimerWheel timers;
    final TcpOutput out;
    final TcpInput input;
    final TcpListen listen;
    final TcpCheckReq checkReq;
    final ConnectionTable established;
    final TimeWaitTable timeWait;
    final TcpSock[] listeners = new TcpSock[65536];
    final RandomSource random;
    final IsnGenerator isnGenerator;
    final SynCookies cookies;
    /** The layer below: addresses, routes, framing. */
    final IpLayer ip;
    final CongestionControl cc;
    final FastOpenCache fastOpen;
    /** Staging for one outgoing payload (no allocation per segment). */
    final byte[] scratch = new byte[65536];
    /**
     * True only while a send() with MSG_MORE transmits: MSG_MORE corks that push alone (Linux passes
     * TCP_NAGLE_CORK to the tcp_push() of that sendmsg); later transmissions — an ACK, a timer — follow the
     * socket's own Nagle / TCP_NODELAY / TCP_CORK state.
     */
    boolean xmitForMoreSend;
    TcpEvents events = TcpEvents.NONE;
    /** Told of 4-tuples entering and leaving the tables (see {@link TupleWatch}). */
    TupleWatch tupleWatch = TupleWatch.NONE;
    private final TcpSock[] socks;
    /** Every socket object ever made, kept for reuse with its buffers (no allocation in steady state). */
    private final TcpSock[] pool;
    private final IntStack freeIds;
    private int orphans;
    private int nextPortOffset;
    /** See {@link #localPortFilter}; null accepts every port. */
    java.util.function.IntPredicate localPortFilter;
    /** See {@link #flowFilter}; null accepts every 4-tuple. */
    FlowFilter flowFilter;

    /**
     * @param config the knobs (converted once into {@link TcpParams})
     * @param ip     the layer below: which addresses are ours, and where segments go out
     * @param seed   seeds ISNs, ports, hash keys and timestamp offsets (use a secure seed in production)
     * @param nowNs  the time the engine starts at
     */
    public TcpEngine(Config config, IpLayer ip, long seed, long nowNs) {
        this.params = TcpParams.from(config);
        this.ip = ip;
        this.random = RandomSource.seeded(seed);
        this.cc = CongestionControl.of(params.congestionControl());
        this.fastOpen = new FastOpenCache(random.nextLong());
        this.isnGenerator = new IsnGenerator(random);
        this.cookies = new SynCookies(random);
        int max = params.maxConnections();
        this.socks = new TcpSock[max];
        this.pool = new TcpSock[max];
        this.freeIds = new IntStack(max);
        this.timers = new TimerWheel(MS, 4096, nowNs, 1024);
        this.out = new TcpOutput(ip, counters);
        this.established = new ConnectionTable(max, random.nextLong());
        this.timeWait = new TimeWaitTable(params.maxTwBuckets(), random.nextLong());
        this.input = new TcpInput(this);
        this.listen = new TcpListen(this);
        this.checkReq = new TcpCheckReq(this);
        this.nextPortOffset = random.nextInt(1 << 16);
    }

    /** @param handler receives accept/readable/writable/closed events */
    public void events(TcpEvents handler) {
        this.events = handler;
    }

    /**
     * Restricts the ports {@code connect()} picks on its own (inet_hash_connect) to those the filter accepts;
     * an explicitly bound port is not checked. The argument is {@code localPort << 16 | remotePort}. Used when
     * several workers share an interface and the kernel steers each flow to a worker by its ports
     * ({@code PortSteering}): a worker only takes ports whose replies come back to itself. Linux has no
     * equivalent (one stack owns every port); it behaves as if every port were accepted.
     *
     * @param filter the filter, or null for none
     */
    public void localPortFilter(java.util.function.IntPredicate filter) {
        this.localPortFilter = filter;
    }

    /** Decides whether a whole 4-tuple suits this worker (see {@link #flowFilter}). */
    @FunctionalInterface
    public interface FlowFilter {
        /**
         * @return whether connections with this 4-tuple belong on this engine's worker
         */
        boolean accept(int localIp, int remoteIp, int localPort, int remotePort);
    }

    /**
     * Like {@link #localPortFilter}, for steering that hashes addresses too: a NIC's RSS (Toeplitz over
     * the 4-tuple, then the indirection table) decides which RX queue, and so which AF_XDP worker, a
     * reply arrives on.
     *
     * @param filter the filter, or null for none
     */
    public void flowFilter(FlowFilter filter) {
        this.flowFilter = filter;
    }

    /** @return the counters */
    public TcpStat.Counters counters() {
        return counters;
    }

    // ---- sockets -------------------------------------------------------------------------------

    /** @return a new socket id, or −EMFILE when the pool is exhausted */
    public int socket() {
        int id = freeIds.pop();
        if (id < 0) {
            return -Errno.EMFILE;
        }
        if (pool[id] == null) {
            pool[id] = new TcpSock(id);
        }
        TcpSock s = pool[id];
        s.reset();
        s.sndBuf = params.wmemDefault();
        s.rcvBuf = params.rmemDefault();
        s.keepIdle = params.keepaliveTimeS();
        s.keepIntvl = params.keepaliveIntvlS();
        s.keepCnt = (byte) params.keepaliveProbes(); // 1..127
        socks[id] = s;
        return id;
    }

    TcpSock sock(int id) {
        return id >= 0 && id < socks.length ? socks[id] : null;
    }

    /**
     * The socket behind an application's descriptor, or null (EBADF): close() gave an orphan's descriptor up,
     * and a child still in its listener's accept queue has none yet. Kernel: the fd table (fdget) — after
     * tcp_close() the sock lives on for the protocol only.
     */
    TcpSock userSock(int id) {
        TcpSock s = sock(id);
        return s == null || s.orphan || s.parent != null ? null : s;
    }

    /** @return sockets in use (connections, listeners, handles not yet closed) */
    public int socketsInUse() {
        return socks.length - freeIds.size();
    }

    /** @return pending timers */
    public int timersPending() {
        return timers.size();
    }

    /** @return TIME_WAIT records */
    public int timeWaitCount() {
        return timeWait.size();
    }

    /**
     * This engine's shard of the connection table: the worker writes it; other threads may read it
     * with {@link ConnectionTable#getConcurrent} (e.g. through {@link dev.fastpath.table.ConnectionShards}).
     *
     * @return the table from 4-tuple to socket id
     */
    public ConnectionTable connections() {
        return established;
    }

    /** @return entries in the established table */
    public int establishedCount() {
        return established.size();
    }

    /** @return orphaned connections (closed by the application, still finishing) */
    public int orphanCount() {
        return orphans;
    }

    /**
     * @param id a socket id
     * @return its TCP state, or {@link TcpState#CLOSE} for an unknown id
     */
    public int state(int id) {
        TcpSock s = sock(id);
        return s == null ? TcpState.CLOSE : s.state;
    }

    /**
     * @param id a socket id
     * @return its socket-level state (SS_*), or SS_UNCONNECTED
     */
    public int socketState(int id) {
        TcpSock s = sock(id);
        return s == null ? TcpState.SS_UNCONNECTED : s.socketState;
    }

    /**
     * @param id a socket id
     * @return the pending error (SO_ERROR), cleared by reading it
     */
    public int takeError(int id) {
        TcpSock s = sock(id);
        if (s == null) {
            return Errno.EBADF;
        }
        int e = s.error;
        s.error = 0;
        return e;
    }

    /** Kernel: tcp.c tcp_set_state(): every state change goes through here. */
    void tcpSetState(TcpSock s, int state) {
        int old = s.state;
        if (old == TcpState.ESTABLISHED && state != TcpState.ESTABLISHED) {
            counters.dec(TcpStat.TcpCurrEstab);
        }
        if (state == TcpState.ESTABLISHED && old != TcpState.ESTABLISHED) {
            counters.inc(TcpStat.TcpCurrEstab);
        }
        if (state == TcpState.CLOSE && (old == TcpState.ESTABLISHED || old == TcpState.CLOSE_WAIT)
                && (s.error == Errno.ECONNRESET || s.error == Errno.EPIPE)) {
            counters.inc(TcpStat.TcpEstabResets);
        }
        s.state = state;
        if (s.lingerTimer != TimerWheel.NONE && state != TcpState.FIN_WAIT1 && state != TcpState.CLOSING
                && state != TcpState.LAST_ACK) {
            timers.cancel(s.lingerTimer); // F9: our FIN is acknowledged; Kernel: sk_stream_wait_close()
            s.lingerTimer = TimerWheel.NONE;
            events.onLingerDone(s.id, 0);
        }
    }

    /**
     * A TCP segment the parser refused: a bad checksum or data offset. Kernel: tcp_v4_rcv() csum_error
     * (TcpInCsumErrors) falling through to bad_packet (TcpInErrs).
     *
     * @param checksum whether it was the checksum
     */
    public void tcpInError(boolean checksum) {
        if (checksum) {
            counters.inc(TcpStat.TcpInCsumErrors);
        }
        counters.inc(TcpStat.TcpInErrs);
    }

    void hash(TcpSock s) {
        if (!established.put(ConnectionTable.addresses(s.localIp, s.remoteIp),
                ConnectionTable.ports(s.localPort, s.remotePort), s.id)) {
            counters.inc(TcpStat.FpTableFull);
            return;
        }
        s.inTable = true;
        tupleWatch.held(s.localIp, s.remoteIp, s.localPort, s.remotePort, 1);
    }

    void unhash(TcpSock s) {
        if (s.inTable) {
            established.remove(ConnectionTable.addresses(s.localIp, s.remoteIp),
                    ConnectionTable.ports(s.localPort, s.remotePort));
            s.inTable = false;
            tupleWatch.held(s.localIp, s.remoteIp, s.localPort, s.remotePort, -1);
        }
    }

    /** Tears a connection down to nothing: state CLOSE, out of the table, timers off, freed if orphaned. */
    void tcpDone(TcpSock s, int errno) {
        if (errno != 0 && s.error == 0) {
            s.error = errno;
        }
        tcpSetState(s, TcpState.CLOSE);
        s.socketState = TcpState.SS_UNCONNECTED;
        s.rcvShutdown = true; // tcp_done(): SHUTDOWN_MASK — reads end (0 once the error is taken), writes EPIPE
        s.sndShutdown = true;
        unhash(s);
        clearTimers(s);
        if (s.parent != null) {
            s.parent.acceptQueue.remove(s);
            s.parent = null;
            free(s);
            return;
        }
        if (s.orphan) {
            orphans--;
            free(s);
        } else {
            events.onClosed(s.id, errno);
        }
    }

    void clearTimers(TcpSock s) {
        timers.cancel(s.rtoTimer);
        timers.cancel(s.delackTimer);
        timers.cancel(s.keepaliveTimer);
        timers.cancel(s.finWait2Timer);
        timers.cancel(s.lingerTimer);
        timers.cancel(s.probeTimer);
        s.rtoTimer = TimerWheel.NONE;
        s.delackTimer = TimerWheel.NONE;
        s.keepaliveTimer = TimerWheel.NONE;
        s.finWait2Timer = TimerWheel.NONE;
        s.lingerTimer = TimerWheel.NONE;
        s.probeTimer = TimerWheel.NONE;
    }

    /** Forgets every server's cached Fast Open cookie and MSS. Kernel: tcp_metrics.c tcp_metrics_flush_all(). */
    public void tcpMetricsFlush() {
        fastOpen.flush();
    }

    private void free(TcpSock s) {
        TcpFastOpen.activeDisableOfoCheck(this, s, clockNs); // tcp_v4_destroy_sock()
        if (s.localPort != 0 && listeners[s.localPort] == s) {
            listeners[s.localPort] = null;
        }
        socks[s.id] = null;
        freeIds.push(s.id);
    }

    // ---- time --------------------------------------------------------------------------------

    static long timer(int kind, int id) {
        return (long) kind << 32 | id;
    }

    int tsVal(TcpSock s, long nowNs) {
        return (int) (nowNs / MS) + s.tsOffset;
    }

    /** RFC 6528 ISN (Linux secure_tcp_seq) for a connection from (saddr, sport) to (daddr, dport). */
    int isn(int saddr, int daddr, int sport, int dport, long nowNs) {
        return isnGenerator.isn(saddr, daddr, sport, dport, nowNs);
    }

    /**
     * The TSval offset for a pair, recomputable for cookie connections; none unless tcp.timestamps is 1.
     * Kernel: net/core/secure_seq.c secure_tcp_ts_off()
     */
    int tsOffset(int localAddress, int remoteAddress) {
        if (!params.timestampOffsets()) {
            return 0;
        }
        return isnGenerator.tsOffset(localAddress, remoteAddress);
    }

    /** The latest time the engine was driven with (input or timers): TCP_INFO's "now" when none is given. */
    long clockNs;

    /**
     * Runs due timers. Kernel: tcp_timer.c (tcp_write_timer, tcp_delack_timer, tcp_keepalive_timer).
     *
     * @param nowNs the current time
     * @return timers fired
     */
    public int pollTimers(long nowNs) {
        clockNs = Math.max(clockNs, nowNs);
        int n = timers.poll(nowNs, this, params.timerBudget());
        out.flush();
        return n;
    }

    @Override
    public void onTimer(long payload, long nowNs) {
        int kind = (int) (payload >>> 32);
        int id = (int) payload;
        switch (kind) {
            case TIMER_SYNACK -> listen.synackTimer(id, nowNs);
            case TIMER_TIME_WAIT -> input.timeWaitExpired(id);
            default -> {
                TcpSock s = sock(id);
                if (s != null) {
                    TcpTimers.fire(this, s, kind, nowNs);
                }
            }
        }
    }

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Kernel: tcp_ipv4.c tcp_v4_rcv(). (A frame sent to a broadcast or multicast MAC, pkt_type != PACKET_HOST,
     * never gets here: the interface layer drops it, LinkStat.FpRxNotHost.) H5: a pure lookup — established table by
     * 4-tuple, then TIME_WAIT records, then the listener — then the state's processing. Nothing matches: RST (R3).
     *
     * @param f     a segment the layer below accepted (checksum verified, addressed to us)
     * @param nowNs the current time
     */
    public void tcpV4Rcv(TcpSegmentView f, long nowNs) {
        clockNs = Math.max(clockNs, nowNs);
        out.inReplyTo = f; // what goes out while this segment is processed may answer it
        tcpV4RcvStep(f, nowNs);
        out.inReplyTo = null;
    }

    private void tcpV4RcvStep(TcpSegmentView f, long nowNs) {
        counters.inc(TcpStat.TcpInSegs);
        if (!ip.isLocalV4(f.dstIp())) {
            counters.inc(TcpStat.FpNoSocketDrop);
            return;
        }
        int id = established.get(ConnectionTable.addresses(f.dstIp(), f.srcIp()),
                ConnectionTable.ports(f.dstPort(), f.srcPort()));
        if (id != ConnectionTable.MISSING) {
            input.tcpRcvStateProcess(socks[id], f, nowNs);
            return;
        }
        int tw = timeWait.find(f.dstIp(), f.srcIp(), f.dstPort(), f.srcPort());
        if (tw >= 0 && input.tcpTimewaitStateProcess(tw, f, nowNs)) {
            return;
        }
        TcpSock l = listeners[f.dstPort()];
        if (l != null && l.state == TcpState.LISTEN) {
            listen.tcpV4DoRcvListen(l, f, nowNs);
            return;
        }
        counters.inc(TcpStat.FpNoSocketRst);
        tcpV4SendReset(f);
    }

    /**
     * Kernel: tcp_ipv4.c tcp_v4_send_reset(). Never a RST for a RST; with ACK set the RST takes its
     * sequence from the ACK, otherwise it acknowledges the segment (RFC 9293 §3.10.7.1).
     */
    void tcpV4SendReset(TcpSegmentView f) {
        int flags = f.flags();
        if ((flags & TcpHeader.RST) != 0) {
            return;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            out.tuple(f.dstIp(), f.srcIp(), f.dstPort(), f.srcPort())
                    .header(f.ack(), 0, TcpHeader.RST, 0)
                    .options(0, 0, 0, 0, 0)
                    .send(null, 0, 0);
        } else {
            int len = f.payloadLength() + ((flags & TcpHeader.SYN) != 0 ? 1 : 0)
                    + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            out.tuple(f.dstIp(), f.srcIp(), f.dstPort(), f.srcPort())
                    .header(0, f.seq() + len, TcpHeader.RST | TcpHeader.ACK, 0)
                    .options(0, 0, 0, 0, 0)
                    .send(null, 0, 0);
        }
    }

    /**
     * An ICMP error quoting a TCP segment we sent (RFC 1122 §4.2.3.9). Kernel: tcp_ipv4.c tcp_v4_err();
     * the rules are in {@link TcpIcmp}.
     *
     * @param type       ICMP type (3 destination unreachable, 11 time exceeded, 12 parameter problem)
     * @param code       ICMP code
     * @param info       the next-hop MTU for fragmentation needed (RFC 1191), else 0
     * @param localIp    the quoted segment's source address (ours)
     * @param remoteIp   its destination address
     * @param localPort  its source port
     * @param remotePort its destination port
     * @param seq        its sequence number
     * @param nowNs      the current time
     * @return what was done: {@link TcpIcmp#NO_SOCKET}, {@link TcpIcmp#ABORTED}, …
     */
    public int tcpV4Err(int type, int code, int info, int localIp, int remoteIp, int localPort, int remotePort,
            int seq, long nowNs) {
        return TcpIcmp.tcpV4Err(this, type, code, info, localIp, remoteIp, localPort, remotePort, seq, nowNs);
    }

    void orphaned(TcpSock s) {
        s.orphan = true;
        orphans++;
    }

    int nextPortOffset() {
        return nextPortOffset++;
    }

    SocketOps ops() {
        return new SocketOps(this);
    }
}
