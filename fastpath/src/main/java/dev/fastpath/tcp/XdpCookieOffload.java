package dev.fastpath.tcp;

/**
 * The engine's half of SYNs answered in front of it (the XDP program of {@code io.xdp.XdpSynCookies}): tells
 * the device what it needs to answer SYNs exactly as {@code TcpListen.cookieV4InitSequence} would — the switch,
 * the listener's MSS and window, the sysctls, the cookie and timestamp keys — keeps the device's filter of held
 * 4-tuples up to date, and takes the device's count of answers into the engine's counters (each answer is a
 * segment in, a cookie sent, a segment out: what the engine counts for a cookie SYN it answers itself). What the
 * device is (maps of a BPF program) stays behind {@link Device}, which the layer below implements.
 *
 * <p>The program answers while the engine would answer with a cookie anyway ({@code
 * TcpListen.connRequestVerdict}, the one rule): always with {@code tcp_syncookies=2}; with 1 only while the
 * listener's SYN queue is full (the engine's own SYN queue then drains, the switch goes off, new SYNs fill it
 * again: Linux's behaviour in bursts); never with 0, without a listener, or while the accept queue is full (the
 * engine drops those SYNs). What the answer offers comes from {@code SynOptions.accepted} as a table. One
 * instance per engine, used on the engine's thread only; attach it before the engine holds any connection.
 */
public final class XdpCookieOffload {
    /**
     * What answers SYNs in front of the engine, as the engine sees it; the layer below implements it (the BPF
     * maps of the XDP program). Written on the engine's thread; the device reads concurrently, so each write
     * says how it is published.
     */
    public interface Device {
        /**
         * Switches answering on or off (a release store: what was published before is seen with it).
         *
         * @param on whether the device answers SYNs
         */
        void enabled(boolean on);

        /** @return SYNs the device answered so far, in total (an acquire load) */
        long answered();

        /**
         * The listener's answer: written only where it changed.
         *
         * @param mss       the MSS we advertise
         * @param mssClamp  the largest peer MSS a cookie encodes (the listener's TCP_MAXSEG, else 65535)
         * @param window    the SYN-ACK's window without timestamps
         * @param windowTs  the SYN-ACK's window with timestamps
         * @param wscale    the window scale we send
         * @param answers   for each set of options a SYN may offer ({@link SynOptions} bits, 16), the set the
         *                  answer carries (the sysctls and the cookie rule applied: the device only looks up)
         * @param tsOffsets tcp_timestamps == 1: TSval carries the per-pair offset (secure_tcp_ts_off)
         */
        void listener(int mss, int mssClamp, int window, int windowTs, int wscale, byte[] answers, boolean tsOffsets);

        /**
         * The cookie keys (four) and the timestamp keys (two); when they changed, the device switches to them
         * without ever mixing old and new in one answer.
         *
         * @param keys six keys
         */
        void keys(long[] keys);

        /**
         * The engine now holds one more (+1) or one less (−1) state for this 4-tuple: a request, a connection,
         * a TIME_WAIT record. The device leaves SYNs of held 4-tuples to the engine.
         *
         * @param remoteIp   the peer's address
         * @param remotePort the peer's port
         * @param localPort  our port
         * @param delta      +1 or −1
         */
        void held(int remoteIp, int remotePort, int localPort, int delta);
    }

    private final TcpEngine e;
    private final Device device;
    private final int localIp;
    private final int port;
    private final long[] keys = new long[6];
    private final long[] scratch = new long[4];
    /** The answer's options for each set a SYN may offer ({@link SynOptions#accepted}), as published. */
    private final byte[] answers = new byte[SynOptions.COMBINATIONS];
    /** How often the slow-changing part (MSS, window, sysctls, keys) is re-published while the program is on. */
    static final long PUBLISH_INTERVAL_NS = 1_000_000L;
    private long publishedNs;
    private boolean on;
    private long answeredSeen;
    private volatile long answeredTotal;
    /** Set from another thread when the device drops what the program sends: the switch stays off. */
    private volatile boolean refused;

    /**
     * @param engine  the engine of this queue's worker
     * @param device  the device's half (its configuration of address, port and link already written)
     * @param localIp the address the device answers for
     * @param port    the listening port the device answers for
     */
    public XdpCookieOffload(TcpEngine engine, Device device, int localIp, int port) {
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        this.e = engine;
        this.device = device;
        this.localIp = localIp;
        this.port = port;
        device.enabled(false);
        answeredSeen = device.answered();
        engine.tupleWatch = this::held;
        engine.timeWait.watch = this::held;
    }

    private void held(int local, int remoteIp, int localPort, int remotePort, int delta) {
        if (local != localIp || localPort != port) {
            return;
        }
        device.held(remoteIp, remotePort, localPort, delta);
    }

    /**
     * Takes in the program's answers and publishes the listener's state. Call on the engine's thread, each turn
     * of its loop: the switch follows the SYN queue.
     *
     * @param nowNs the engine's clock
     * @return SYNs the program answered since the last call
     */
    public int poll(long nowNs) {
        long answered = device.answered();
        long delta = answered - answeredSeen;
        answeredSeen = answered;
        TcpSock l = e.listeners[port];
        if (delta > 0) {
            answeredTotal += delta;
            e.counters.add(TcpStat.TcpInSegs, delta);
            e.counters.add(TcpStat.TcpExtSyncookiesSent, delta);
            e.counters.add(TcpStat.TcpOutSegs, delta);
            e.counters.add(TcpStat.TcpExtTCPReqQFullDoCookies, delta); // tcp_syn_flood_action(), for every cookie
            if (l != null) {
                l.acceptQueue.lastOverflowNs = nowNs; // cookies are out: their ACKs are checked (cookieV4Check)
            }
        }
        boolean wasOn = on;
        on = wanted(l);
        if (on) {
            // Before switching on, and then once a millisecond, not every turn of the loop: a rekey or a new
            // sysctl reaches the program within 1 ms (a rekey invalidates the cookies of that millisecond anyway).
            if (!wasOn || nowNs - publishedNs >= PUBLISH_INTERVAL_NS) {
                publish(l);
                publishedNs = nowNs;
            }
            // Switched on, the program may answer a SYN at any moment and its ACK may come in the same receive
            // batch, before the next poll sees the count: cookieV4Check must already accept it.
            l.acceptQueue.lastOverflowNs = nowNs;
        }
        if (on != wasOn) {
            device.enabled(on);
        }
        return (int) delta;
    }

    /**
     * Switches the program off for good, from any thread: the device does not send what XDP_TX hands it (a veth
     * whose peer has neither an XDP program nor GRO drops every such frame).
     */
    public void refuse() {
        refused = true;
    }

    /** @return SYNs the program answered for this engine, as of the last {@link #poll} */
    public long answered() {
        return answeredTotal;
    }

    private boolean wanted(TcpSock l) {
        return !refused && l != null && l.state == TcpState.LISTEN
                && TcpListen.connRequestVerdict(e, l, false) == TcpListen.SYN_COOKIE;
    }

    /** What may change at run time (socket options, sysctls, rekeying); the device writes only what changed. */
    private void publish(TcpSock l) {
        for (int offered = 0; offered < SynOptions.COMBINATIONS; offered++) {
            answers[offered] = (byte) SynOptions.accepted(e, offered, true);
        }
        // secure_tcp_ts_off(): a pair offset only with tcp.timestamps=1 (2: none, and no hash for it)
        device.listener(SynOptions.advertisedMss(e, l.userMss), l.userMss > 0 ? l.userMss : 0xFFFF,
                TcpWindow.synWindow(TcpWindow.listenerRcvWnd(e, l, false)),
                TcpWindow.synWindow(TcpWindow.listenerRcvWnd(e, l, true)), TcpWindow.listenerWscale(e, l), answers,
                e.params.timestampOffsets());
        e.cookies.keys(scratch);
        System.arraycopy(scratch, 0, keys, 0, 4);
        e.isnGenerator.tsKeys(scratch);
        keys[4] = scratch[0];
        keys[5] = scratch[1];
        device.keys(keys);
    }
}
