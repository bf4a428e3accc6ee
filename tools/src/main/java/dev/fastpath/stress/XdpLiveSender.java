package dev.fastpath.stress;

import dev.fastpath.io.xdp.EthtoolStats;
import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_attr_map_elem;
import dev.fastpath.nativeio.bpf_attr_test_run;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends the flood's SYNs with {@code BPF_PROG_TEST_RUN} and {@code BPF_F_TEST_XDP_LIVE_FRAMES} (Linux 5.18+):
 * the kernel runs {@link LiveSynProgram} on frames of its own page pool, initialised from the
 * {@link SynTemplate}, and transmits every frame the program returns XDP_TX for out of the interface, in batches
 * of 16, without building an skb. The peer must run NAPI for such frames: a veth peer needs an XDP program (a
 * Fastpath AF_XDP victim has one) or GRO switched on.
 *
 * <p>Every test run adds the program to the kernel's XDP dispatcher and removes it afterwards, each change
 * waiting for an RCU grace period (~24 ms a call measured here, whatever the repeat count). While the program is
 * attached somewhere it already is in the dispatcher and a call costs ~15-20 µs: so it is attached to
 * {@code lo} in generic mode for the sender's lifetime, through a BPF link (gone when the fd closes or the
 * process dies), where it passes every frame (it only touches frames of the sending interface).
 *
 * <p>One thread: {@link #run(long)} makes one call of about the given length, {@link #sent()} reads the count.
 */
public final class XdpLiveSender implements AutoCloseable {

    /**
     * Frames per batch: the batch runs with bottom halves off, and a paced frame may wait ~2 µs for its time in the
     * program, so 16 keeps such a window short; the batch's XDP_TX frames reach veth's queue together at its end.
     * 16 and 64 measured alike (562-580 k SYN/s delivered at 620 k, three runs each, alternated).
     */
    private static final int BATCH = 16;
    private static final int MIN_REPEAT = 64;
    private static final int MAX_REPEAT = 1 << 22;
    /**
     * Catch-up after a stall (the NAPI thread, the JIT or the legitimate client taking the core), in SYN intervals:
     * a burst of at most a veth queue's worth (256 frames; a fuller queue drops). 128 lost 3-6 % of the SYNs at
     * 620 k/s, 256 about 2-4 %. At low rates the cap of 20 ms (the AF_XDP generator's token bucket) applies.
     */
    private static final int SLACK_INTERVALS = 256;
    private static final long MIN_SLACK_NS = 100_000;
    private static final long MAX_SLACK_NS = 20_000_000;
    /** veth's count of frames its peer took through ndo_xdp_xmit, per TX queue ({@code ethtool -S}). */

    private final Arena arena = Arena.ofShared();
    private final String iface;
    private final int mapFd;
    private final int progFd;
    private final int linkFd;
    private final MemorySegment attr;
    private final MemorySegment key;
    private final MemorySegment value;
    private final MemorySegment lookup;
    private long nsPerRepeat = 100;
    private boolean closed;

    private XdpLiveSender(String iface, int mapFd, int progFd, int linkFd, SynTemplate template, int ifindex) {
        this.iface = iface;
        this.mapFd = mapFd;
        this.progFd = progFd;
        this.linkFd = linkFd;
        MemorySegment data = arena.allocate(template.length(), 8);
        template.copyTo(data, 0);
        attr = testRun(arena, progFd, data, ifindex);
        bpf_attr_test_run.flags(attr, bpf_h.BPF_F_TEST_XDP_LIVE_FRAMES);
        bpf_attr_test_run.batch_size(attr, BATCH);
        key = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
        value = arena.allocate(LiveSynProgram.VALUE_SIZE, 8);
        lookup = bpf_attr_map_elem.allocate(arena);
        bpf_attr_map_elem.map_fd(lookup, mapFd);
        bpf_attr_map_elem.key(lookup, key.address());
        bpf_attr_map_elem.value(lookup, value.address());
    }

    /**
     * A {@code BPF_PROG_TEST_RUN} request for an XDP program on one frame as if received on {@code ifindex}
     * (repeat, flags, batch size and output left to the caller).
     *
     * @param arena   where the request and its context live
     * @param progFd  the program
     * @param data    the frame
     * @param ifindex the receiving interface
     * @return the request
     */
    static MemorySegment testRun(Arena arena, int progFd, MemorySegment data, int ifindex) {
        return bpf_h.xdpTestRun(arena, progFd, data, ifindex);
    }

    /**
     * Loads the program for one flood and attaches it to {@code lo}.
     *
     * @param iface         the interface to send on
     * @param template      the SYN, as the flood's settings built it (TSval as it will stay)
     * @param walker        the tuple space; SYN n uses its pair n
     * @param limit         SYNs in all (at most the walker's size)
     * @param ratePerSecond SYNs per second, or 0 for as fast as the kernel sends
     * @return the sender
     * @throws NativeException when the kernel refuses (no live frames before 5.18, no CAP_BPF / CAP_NET_ADMIN)
     * @throws IllegalArgumentException for an unknown interface or a limit beyond the tuple space
     */
    public static XdpLiveSender open(String iface, SynTemplate template, TupleWalker walker, long limit,
            long ratePerSecond) {
        int ifindex = net_h.if_nametoindex(iface);
        if (ifindex <= 0) {
            throw new IllegalArgumentException("no interface " + iface + " (" + Errors.message(ifindex) + ")");
        }
        if (limit < 0 || limit > walker.size()) {
            throw new IllegalArgumentException("limit " + limit + " is outside the tuple space 0.." + walker.size());
        }
        long interval = interval(ratePerSecond);
        int map = createMap();
        int prog = -1;
        int link = -1;
        XdpLiveSender s = null;
        try {
            prog = bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP,
                LiveSynProgram.instructions(map, ifindex, template, walker), "live-frames SYN program");
            int lo = net_h.if_nametoindex("lo");
            link = lo <= 0 ? lo : bpf_h.linkCreate(prog, lo, bpf_h.BPF_XDP, bpf_h.XDP_FLAGS_SKB_MODE);
            if (link < 0) {
                throw new NativeException("bpf(BPF_LINK_CREATE, lo, XDP generic)", -link, Errors.message(link)
                    + ": the program must stay in the kernel's XDP dispatcher (attached to lo, where it passes "
                    + "every frame), or every test run waits ~24 ms for RCU; does lo already have an XDP program?");
            }
            s = new XdpLiveSender(iface, map, prog, link, template, ifindex);
            s.value.set(ValueLayout.JAVA_LONG, LiveSynProgram.INTERVAL, interval);
            s.value.set(ValueLayout.JAVA_LONG, LiveSynProgram.SLACK, slack(interval));
            s.value.set(ValueLayout.JAVA_LONG, LiveSynProgram.LIMIT, limit);
            template.copyTo(s.value, LiveSynProgram.FRAME);
            Errors.check("bpf(BPF_MAP_UPDATE_ELEM, live SYN state)",
                bpf_h.mapElem(bpf_h.BPF_MAP_UPDATE_ELEM, map, s.key, s.value, bpf_h.BPF_ANY));
            return s;
        } catch (RuntimeException e) {
            if (s != null) {
                s.close(); // the link too: the program must not stay on lo for the rest of the JVM's life
            } else {
                if (link >= 0) {
                    unistd_h.close(link);
                }
                if (prog >= 0) {
                    unistd_h.close(prog);
                }
                unistd_h.close(map);
            }
            throw e;
        }
    }

    /** @return the ns between SYNs for a rate, 0 (no pacing) for 0 or less */
    static long interval(long ratePerSecond) {
        return ratePerSecond <= 0 ? 0 : Math.max(1, Math.round(1e9 / ratePerSecond));
    }

    /** @return the catch-up after a stall for an interval: {@link #SLACK_INTERVALS} of them, within the bounds */
    static long slack(long interval) {
        return Math.clamp(SLACK_INTERVALS * interval, MIN_SLACK_NS, MAX_SLACK_NS);
    }

    /**
     * Changes the pace between test runs (the program reads its state only inside them): the interval and the
     * catch-up for a new rate. The schedule goes on from where it is.
     *
     * @param ratePerSecond SYNs per second, or 0 for as fast as the kernel sends
     */
    public void pace(long ratePerSecond) {
        long interval = interval(ratePerSecond);
        Errors.check("bpf(BPF_MAP_LOOKUP_ELEM, live SYN state)",
            bpf_h.bpf(bpf_h.BPF_MAP_LOOKUP_ELEM, lookup, bpf_attr_map_elem.sizeof()));
        value.set(ValueLayout.JAVA_LONG, LiveSynProgram.INTERVAL, interval);
        value.set(ValueLayout.JAVA_LONG, LiveSynProgram.SLACK, slack(interval));
        Errors.check("bpf(BPF_MAP_UPDATE_ELEM, live SYN state)",
            bpf_h.mapElem(bpf_h.BPF_MAP_UPDATE_ELEM, mapFd, key, value, bpf_h.BPF_ANY));
    }

    /**
     * @param osVersion the kernel's release, e.g. {@code 6.18.44-fc}
     * @return whether it has BPF_F_TEST_XDP_LIVE_FRAMES (5.18 and later); false when it cannot be read
     */
    public static boolean kernelHasLiveFrames(String osVersion) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(osVersion == null ? "" : osVersion);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        return major > 5 || major == 5 && Integer.parseInt(m.group(2)) >= 18;
    }

    static int createMap() {
        return Errors.check("bpf(BPF_MAP_CREATE, ARRAY)", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_ARRAY, Integer.BYTES,
            LiveSynProgram.VALUE_SIZE, 1, "fp_live_syn"));
    }

    /**
     * One test run, sized from the last one's cost per frame to take about {@code budgetNs} (a paced frame costs
     * its wait, a dropped one little, so the count varies).
     *
     * @param budgetNs how long the call should take
     */
    public void run(long budgetNs) {
        int repeat = (int) Math.clamp(budgetNs / nsPerRepeat, MIN_REPEAT, MAX_REPEAT);
        bpf_attr_test_run.repeat(attr, repeat);
        int rc = bpf_h.bpf(bpf_h.BPF_PROG_TEST_RUN, attr, bpf_attr_test_run.sizeof());
        if (rc == -Errors.EINTR) {
            return; // a signal: the caller's loop decides whether to go on
        }
        Errors.check("bpf(BPF_PROG_TEST_RUN, live frames)", rc);
        nsPerRepeat = Math.max(1, Integer.toUnsignedLong(bpf_attr_test_run.duration(attr)));
    }

    /** @return SYNs the program has made so far (each one returned XDP_TX) */
    public long sent() {
        Errors.check("bpf(BPF_MAP_LOOKUP_ELEM, live SYN state)",
            bpf_h.bpf(bpf_h.BPF_MAP_LOOKUP_ELEM, lookup, bpf_attr_map_elem.sizeof()));
        return value.get(ValueLayout.JAVA_LONG, LiveSynProgram.N);
    }

    /**
     * Frames the driver took so far: with live frames nothing pushes back, so a frame the peer cannot take is
     * dropped — counted by veth as {@code tx_queue_N_xdp_xmit_errors} when its queue is full, not counted at all
     * when the peer runs no NAPI (the redirect is refused before veth). What veth accepted
     * ({@code tx_queue_N_xdp_xmit}) is therefore the reliable count; the program's count minus it is every loss.
     * Read with {@code ethtool -S}, before and after a run, never on the sending path.
     *
     * @return the sum over the interface's TX queues, or -1 when the driver has no such counter or ethtool fails
     */
    public long delivered() {
        return xdpXmit(iface);
    }

    static long xdpXmit(String iface) {
        return EthtoolStats.sum(iface, "tx_queue_N_xdp_xmit");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unistd_h.close(linkFd);
        unistd_h.close(progFd);
        unistd_h.close(mapFd);
        arena.close();
    }
}
