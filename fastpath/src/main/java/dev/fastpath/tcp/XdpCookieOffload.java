package dev.fastpath.tcp;

import dev.fastpath.io.xdp.XdpSynCookies;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The engine's half of {@link XdpSynCookies}: publishes what the XDP program needs to answer SYNs exactly as
 * {@code TcpListen.cookieV4InitSequence} would — the switch, the listener's MSS and window, the sysctls, the
 * cookie and timestamp keys — keeps the counting filter of held 4-tuples, and takes the program's count of
 * answers into the engine's counters (each answer is a segment in, a cookie sent, a segment out: what the engine
 * counts for a cookie SYN it answers itself).
 *
 * <p>The program answers while the engine would answer with a cookie anyway: always with {@code
 * tcp_syncookies=2}; with 1 only while the listener's SYN queue is full (the engine's own SYN queue then drains,
 * the switch goes off, new SYNs fill it again: Linux's behaviour in bursts); never with 0, without a listener,
 * or while the accept queue is full with young requests (the engine drops those SYNs). One instance per engine,
 * used on the engine's thread only; attach it before the engine holds any connection.
 */
public final class XdpCookieOffload {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final TcpEngine e;
    private final MemorySegment config;
    private final MemorySegment held;
    private final int port;
    private final int seed;
    private final long[] keys = new long[6];
    private final long[] scratch = new long[4];
    /** How often the slow-changing part (MSS, window, sysctls, keys) is re-published while the program is on. */
    static final long PUBLISH_INTERVAL_NS = 1_000_000L;
    private long publishedNs;
    private boolean on;
    private long answeredSeen;
    private volatile long answeredTotal;
    /** Set from another thread when the device drops what the program sends: the switch stays off. */
    private volatile boolean refused;

    /**
     * @param engine        the engine of this queue's worker
     * @param config        the queue's configuration ({@link XdpSynCookies#config})
     * @param held          the queue's filter ({@link XdpSynCookies#held}), all zero
     * @param port          the listening port the program answers for
     * @param localMac      our MAC
     * @param prefixLength  our subnet's prefix length (SYNs from beyond it are answered only when routed)
     * @param routed        whether a gateway exists (without one the engine cannot answer beyond the subnet)
     * @param clockOffsetNs the engine's clock minus CLOCK_MONOTONIC (0 for {@code System::nanoTime})
     * @param seed          the filter's seed
     */
    public XdpCookieOffload(TcpEngine engine, MemorySegment config, MemorySegment held, int port, long localMac,
            int prefixLength, boolean routed, long clockOffsetNs, int seed) {
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
        if (config.byteSize() < XdpSynCookies.VALUE_SIZE
                || held.byteSize() < (long) XdpSynCookies.HELD_BUCKETS * Integer.BYTES) {
            throw new IllegalArgumentException("configuration or filter smaller than the program reads");
        }
        this.e = engine;
        this.config = config;
        this.held = held;
        this.port = port;
        this.seed = seed;
        INT.setRelease(config, (long) XdpSynCookies.ENABLED, 0);
        config.set(BE_INT, XdpSynCookies.IP, engine.localIp);
        config.set(BE_SHORT, XdpSynCookies.PORT, (short) port);
        for (int i = 0; i < 6; i++) {
            config.set(ValueLayout.JAVA_BYTE, XdpSynCookies.MAC + i, (byte) (localMac >>> (40 - 8 * i)));
        }
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.SEED, seed);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.NET, engine.localIp & mask);
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.NETMASK, mask);
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.ROUTED, routed ? 1 : 0);
        config.set(ValueLayout.JAVA_LONG, XdpSynCookies.CLOCK_OFFSET, clockOffsetNs);
        answeredSeen = (long) LONG.getAcquire(config, (long) XdpSynCookies.ANSWERED);
        engine.tupleWatch = this::held;
        engine.timeWait.watch = this::held;
    }

    private void held(int localIp, int remoteIp, int localPort, int remotePort, int delta) {
        if (localIp != e.localIp || localPort != port) {
            return;
        }
        long at = (long) Integer.BYTES * XdpSynCookies.heldBucket(seed, remoteIp, remotePort, localPort);
        INT.setRelease(held, at, (int) INT.get(held, at) + delta);
    }

    /**
     * Takes in the program's answers and publishes the listener's state. Call on the engine's thread, each turn
     * of its loop: the switch follows the SYN queue.
     *
     * @param nowNs the engine's clock
     * @return SYNs the program answered since the last call
     */
    public int poll(long nowNs) {
        long answered = (long) LONG.getAcquire(config, (long) XdpSynCookies.ANSWERED);
        long delta = answered - answeredSeen;
        answeredSeen = answered;
        TcpSock l = e.listeners[port];
        if (delta > 0) {
            answeredTotal += delta;
            e.counters.add(TcpStat.TcpInSegs, delta);
            e.counters.add(TcpStat.TcpExtSyncookiesSent, delta);
            e.counters.add(TcpStat.TcpOutSegs, delta);
            if (e.params.syncookies() == 1) {
                e.counters.add(TcpStat.TcpExtTCPReqQFullDoCookies, delta);
            }
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
            INT.setRelease(config, (long) XdpSynCookies.ENABLED, on ? 1 : 0);
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
        if (refused || l == null || l.state != TcpState.LISTEN) {
            return false;
        }
        int syncookies = e.params.syncookies();
        boolean cookies = syncookies == 2 || syncookies == 1 && l.synQueueLength >= l.backlog;
        return cookies && !(TcpListen.acceptQueueFull(l) && l.synQueueYoung > 0);
    }

    /** What may change at run time (socket options, sysctls, rekeying); written only when it did. */
    private void publish(TcpSock l) {
        int ourMss = l.userMss > 0 ? l.userMss : e.params.mss();
        setShort(XdpSynCookies.MSS, ourMss);
        setShort(XdpSynCookies.WINDOW, TcpWindow.synWindow(TcpWindow.listenerRcvWnd(e, l, false)));
        setShort(XdpSynCookies.WINDOW_TS, TcpWindow.synWindow(TcpWindow.listenerRcvWnd(e, l, true)));
        setByte(XdpSynCookies.WSCALE, TcpWindow.listenerWscale(e, l));
        int knobs = (e.params.windowScaling() ? XdpSynCookies.KNOB_WSCALE : 0)
                | (e.params.sack() ? XdpSynCookies.KNOB_SACK : 0)
                | (e.params.timestamps() ? XdpSynCookies.KNOB_TS : 0)
                | (e.params.timestampOffsets() ? XdpSynCookies.KNOB_TS_OFFSET : 0);
        setByte(XdpSynCookies.KNOBS, knobs);
        e.cookies.keys(scratch);
        System.arraycopy(scratch, 0, keys, 0, 4);
        e.isnGenerator.tsKeys(scratch);
        keys[4] = scratch[0];
        keys[5] = scratch[1];
        int active = (int) INT.getAcquire(config, (long) XdpSynCookies.KEYSET);
        if (!keysAt(active, false)) {
            // New keys (a rekey, or the first publish): into the set the program does not read, then flip, so
            // no SYN-ACK mixes old and new keys.
            keysAt(1 - active, true);
            INT.setRelease(config, (long) XdpSynCookies.KEYSET, 1 - active);
        }
    }

    /** Compares (or, with write, stores) {@link #keys} with key set {@code set}; returns whether they were equal. */
    private boolean keysAt(int set, boolean write) {
        long base = set == 0 ? XdpSynCookies.KEYS_0 : XdpSynCookies.KEYS_1;
        boolean same = true;
        for (int i = 0; i < keys.length; i++) {
            long at = base + 8L * i;
            if (config.get(ValueLayout.JAVA_LONG, at) != keys[i]) {
                same = false;
                if (write) {
                    config.set(ValueLayout.JAVA_LONG, at, keys[i]);
                }
            }
        }
        return same;
    }

    private void setShort(long at, int value) {
        if ((config.get(ValueLayout.JAVA_SHORT, at) & 0xFFFF) != value) {
            config.set(ValueLayout.JAVA_SHORT, at, (short) value);
        }
    }

    private void setByte(long at, int value) {
        if ((config.get(ValueLayout.JAVA_BYTE, at) & 0xFF) != value) {
            config.set(ValueLayout.JAVA_BYTE, at, (byte) value);
        }
    }
}
