package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.bpf_prog_info;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of an AF_XDP socket without libbpf: an XSKMAP, the redirect program
 * ({@link bpf_h#xskRedirectProgram}: {@code bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS)}) loaded
 * with {@code BPF_PROG_LOAD}, and a BPF link attaching it to the interface ({@code BPF_LINK_CREATE}, attach
 * type BPF_XDP). A link, unlike the netlink attach, belongs to its fd: closing it — or the process dying —
 * detaches the program, so a crashed run leaves no program on the interface. Sockets on several queues share
 * one program, one map and one link ({@link AfXdpIo#openQueues}).
 */
final class XdpProgram implements AutoCloseable {

    private final int mapFd;
    private final int progFd;
    private int linkFd = -1;
    /** Set when attached through netlink (no link): the interface to detach from on close, and the mode. */
    private int netlinkIfindex = -1;
    private int netlinkFlags;
    private static final Logger LOG = LoggerFactory.getLogger(XdpProgram.class);
    /** Sockets using the program plus the loader; the last {@link #close()} frees it. */
    private final AtomicInteger refs = new AtomicInteger(1);

    private XdpProgram(int mapFd, int progFd) {
        this.mapFd = mapFd;
        this.progFd = progFd;
    }

    /**
     * Creates the XSKMAP and loads the program (not attached yet).
     *
     * @param mapEntries XSKMAP size: the highest queue id used plus one
     * @return the program
     */
    static XdpProgram load(int mapEntries) {
        return load(mapEntries, 0, -1);
    }

    /**
     * Creates the XSKMAP and loads the redirect program restricted to one IPv4 block
     * ({@link bpf_h#xskRedirectIpv4BlockProgram}), or the plain one when {@code prefix} is -1.
     *
     * @param mapEntries XSKMAP size
     * @param net        the block (host order)
     * @param prefix     its prefix length 0..32, or -1 for every frame
     * @return the program
     */
    static XdpProgram load(int mapEntries, int net, int prefix) {
        return load(mapEntries, map -> prefix < 0 ? bpf_h.xskRedirectProgram(map)
            : bpf_h.xskRedirectIpv4BlockProgram(map, net, prefix), "XDP redirect");
    }

    /**
     * Creates the XSKMAP and loads a program built around it.
     *
     * @param mapEntries XSKMAP size
     * @param program    the instructions, given the XSKMAP's fd
     * @param what       names the program in errors
     * @return the program
     */
    static XdpProgram load(int mapEntries, IntFunction<long[]> program, String what) {
        int map = Errors.check("bpf(BPF_MAP_CREATE, XSKMAP)", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_XSKMAP,
            Integer.BYTES, Integer.BYTES, mapEntries, "fp_xsks"));
        try {
            return new XdpProgram(map, bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP, program.apply(map), what));
        } catch (RuntimeException e) {
            unistd_h.close(map);
            throw e;
        }
    }

    /**
     * Puts a bound AF_XDP socket into the map at {@code queueId} (the kernel refuses unbound sockets).
     *
     * @param queueId the RX queue whose frames go to the socket
     * @param xskFd   the socket
     */
    void register(int queueId, int xskFd) {
        try (Arena arena = Arena.ofConfined()) {
            Errors.check("bpf(BPF_MAP_UPDATE_ELEM, xsks[" + queueId + "])", bpf_h.mapElem(bpf_h.BPF_MAP_UPDATE_ELEM,
                mapFd, arena.allocateFrom(ValueLayout.JAVA_INT, queueId), arena.allocateFrom(ValueLayout.JAVA_INT,
                xskFd), bpf_h.BPF_ANY));
        }
    }

    /**
     * Attaches the program to an interface through a BPF link.
     *
     * @param ifindex  the interface
     * @param xdpFlags {@code XDP_FLAGS_SKB_MODE} or {@code XDP_FLAGS_DRV_MODE}
     */
    void attach(int ifindex, int xdpFlags) {
        // -Dfastpath.xdp.attach=netlink takes the fallback on a kernel that has links (to test it).
        int rc = "netlink".equals(System.getProperty("fastpath.xdp.attach")) ? -Errors.EOPNOTSUPP
            : bpf_h.linkCreate(progFd, ifindex, bpf_h.BPF_XDP, xdpFlags);
        if (rc >= 0) {
            linkFd = rc;
            return;
        }
        if ((rc == -Errors.EBUSY || rc == -Errors.EEXIST) && replaceNetlinkLeftover(ifindex)) {
            rc = bpf_h.linkCreate(progFd, ifindex, bpf_h.BPF_XDP, xdpFlags);
            if (rc >= 0) {
                LOG.warn("an XDP program attached through netlink was on ifindex {} (left by a run that was killed, "
                    + "or another tool's): detached, ours attached instead", ifindex);
                linkFd = rc;
                return;
            }
        }
        if (rc != -Errors.EINVAL && rc != -Errors.EOPNOTSUPP) {
            Errors.check("bpf(BPF_LINK_CREATE, BPF_XDP, ifindex " + ifindex + ")", rc);
        }
        // No XDP links on this kernel (before 5.9): attach through rtnetlink, and detach on close ourselves.
        LOG.info("BPF_LINK_CREATE for XDP refused ({}); attaching through netlink "
            + "(the program stays attached if the process dies: ip link set dev IF xdp off)", Errors.name(-rc));
        NetlinkXdp.setLink(ifindex, progFd, xdpFlags | NetlinkXdp.XDP_FLAGS_UPDATE_IF_NOEXIST);
        netlinkIfindex = ifindex;
        netlinkFlags = xdpFlags;
    }

    /**
     * A link cannot be created over a program attached through netlink (EBUSY in driver mode, EEXIST in generic
     * mode): one a run that was killed left behind — a netlink attachment outlives its process — or another
     * tool's. Replaced, and said: the interface is the one this run was told to own. A BPF link (another live
     * process's) is not removed by this (its detach through netlink is refused), and the caller's error stands.
     *
     * @return whether a detach went through (also when nothing was attached in that mode: the retry tells)
     */
    private static boolean replaceNetlinkLeftover(int ifindex) {
        boolean detached = false;
        for (int mode : new int[] {bpf_h.XDP_FLAGS_DRV_MODE, bpf_h.XDP_FLAGS_SKB_MODE}) {
            try {
                NetlinkXdp.setLink(ifindex, -1, mode);
                detached = true;
            } catch (RuntimeException e) {
                // nothing in that mode, or a link's program: not ours to take
            }
        }
        return detached;
    }

    /**
     * The kernel's run statistics of the program (counted only while BPF run-time statistics are on:
     * {@code bpf_h.enableRunTimeStats}, or {@code kernel.bpf_stats_enabled=1}).
     *
     * @return {runs, nanoseconds in all}, both 0 when not counted or the query fails
     */
    long[] runStats() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = bpf_prog_info.allocate(arena);
            if (bpf_h.progInfo(progFd, info) < 0) {
                return new long[2];
            }
            return new long[] {bpf_prog_info.run_cnt(info), bpf_prog_info.run_time_ns(info)};
        }
    }

    /** @return whether it was attached through netlink, whose detach needs CAP_NET_ADMIN (a link's does not) */
    boolean attachedThroughNetlink() {
        return netlinkIfindex >= 0;
    }

    /**
     * One more owner (a socket on another queue); each owner calls {@link #close()} once.
     *
     * @return this
     */
    XdpProgram retain() {
        refs.incrementAndGet();
        return this;
    }

    /**
     * Drops one reference; the last one detaches (closing the link) and frees the program and the map. Workers
     * close their sockets on their own threads, hence the atomic count.
     */
    @Override
    public void close() {
        if (refs.decrementAndGet() != 0) {
            return;
        }
        if (linkFd >= 0) {
            unistd_h.close(linkFd);
            linkFd = -1;
        }
        if (netlinkIfindex >= 0) {
            try {
                NetlinkXdp.setLink(netlinkIfindex, -1, netlinkFlags);
            } catch (RuntimeException e) {
                LOG.warn("XDP detach through netlink failed: {}", e.getMessage());
            }
            netlinkIfindex = -1;
        }
        unistd_h.close(progFd);
        unistd_h.close(mapFd);
    }
}
