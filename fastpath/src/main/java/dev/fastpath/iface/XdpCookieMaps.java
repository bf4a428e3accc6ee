package dev.fastpath.iface;

import dev.fastpath.io.xdp.XdpSynCookies;
import dev.fastpath.tcp.XdpCookieOffload;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The device's half of SYNs answered in XDP, for one queue: the maps of {@link XdpSynCookies} behind the
 * engine's {@link XdpCookieOffload.Device}. The interface's part (address, port, MAC, subnet, whether a gateway
 * exists, the filter's seed, the clock offset) is written once here; the engine's part as it changes.
 *
 * <p>Memory order: the switch and the key set are written with release stores after what they publish, the
 * answer count read with an acquire load; the program reads the switch and the key set first.
 */
public final class XdpCookieMaps implements XdpCookieOffload.Device {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment config;
    private final MemorySegment held;
    private final int seed;

    /**
     * @param config        the queue's configuration ({@link XdpSynCookies#config})
     * @param held          the queue's filter ({@link XdpSynCookies#held}), all zero
     * @param address       the address the program answers for, with our subnet's prefix (SYNs from beyond it
     *                      are answered only when routed)
     * @param port          the listening port
     * @param localMac      our MAC
     * @param routed        whether a gateway exists (without one the engine cannot answer beyond the subnet)
     * @param clockOffsetNs the engine's clock minus CLOCK_MONOTONIC (0 for {@code System::nanoTime})
     * @param seed          the filter's seed
     * @param acceptPartial whether a SYN whose checksum field holds only the pseudo-header sum is taken (a veth,
     *                      whose peer is a local kernel: the worker's own rule, Server.xdpChecksumPolicy)
     */
    public XdpCookieMaps(MemorySegment config, MemorySegment held, IpCidr address, int port, long localMac,
            boolean routed, long clockOffsetNs, int seed, boolean acceptPartial) {
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        if (config.byteSize() < XdpSynCookies.VALUE_SIZE
                || held.byteSize() < (long) XdpSynCookies.HELD_BUCKETS * Integer.BYTES) {
            throw new IllegalArgumentException("configuration or filter smaller than the program reads");
        }
        this.config = config;
        this.held = held;
        this.seed = seed;
        int ip = address.address().v4();
        INT.setRelease(config, (long) XdpSynCookies.ENABLED, 0);
        config.set(BE_INT, XdpSynCookies.IP, ip);
        config.set(BE_SHORT, XdpSynCookies.PORT, (short) port);
        for (int i = 0; i < 6; i++) {
            config.set(ValueLayout.JAVA_BYTE, XdpSynCookies.MAC + i, (byte) (localMac >>> (40 - 8 * i)));
        }
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.SEED, seed);
        int mask = address.maskV4();
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.NET, ip & mask);
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.NETMASK, mask);
        config.set(ValueLayout.JAVA_INT, XdpSynCookies.ROUTED, routed ? 1 : 0);
        config.set(ValueLayout.JAVA_LONG, XdpSynCookies.CLOCK_OFFSET, clockOffsetNs);
        config.set(ValueLayout.JAVA_BYTE, XdpSynCookies.CSUM_PARTIAL, (byte) (acceptPartial ? 1 : 0));
    }

    @Override
    public void enabled(boolean on) {
        INT.setRelease(config, (long) XdpSynCookies.ENABLED, on ? 1 : 0);
    }

    @Override
    public long answered() {
        return (long) LONG.getAcquire(config, (long) XdpSynCookies.ANSWERED);
    }

    @Override
    public void listener(int mss, int mssClamp, int window, int windowTs, int wscale, byte[] answers,
            boolean tsOffsets) {
        setShort(XdpSynCookies.MSS, mss);
        setShort(XdpSynCookies.MSS_CLAMP, mssClamp);
        setShort(XdpSynCookies.WINDOW, window);
        setShort(XdpSynCookies.WINDOW_TS, windowTs);
        setByte(XdpSynCookies.WSCALE, wscale);
        for (int i = 0; i < answers.length; i++) {
            setByte(XdpSynCookies.ANSWERS + i, answers[i]);
        }
        setByte(XdpSynCookies.TS_OFFSET_ON, tsOffsets ? 1 : 0);
    }

    @Override
    public void keys(long[] keys) {
        int active = (int) INT.getAcquire(config, (long) XdpSynCookies.KEYSET);
        if (!keysAt(active, keys, false)) {
            // New keys (a rekey, or the first publish): into the set the program does not read, then flip, so
            // no SYN-ACK mixes old and new keys.
            keysAt(1 - active, keys, true);
            INT.setRelease(config, (long) XdpSynCookies.KEYSET, 1 - active);
        }
    }

    @Override
    public void held(int remoteIp, int remotePort, int localPort, int delta) {
        long at = (long) Integer.BYTES * XdpSynCookies.heldBucket(seed, remoteIp, remotePort, localPort);
        INT.setRelease(held, at, (int) INT.get(held, at) + delta);
    }

    /** Compares (or, with write, stores) {@code keys} with key set {@code set}; returns whether they were equal. */
    private boolean keysAt(int set, long[] keys, boolean write) {
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
