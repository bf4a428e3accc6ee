package dev.fastpath.io.xdp;

import dev.fastpath.io.PacketIo;
import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.XdpRing;
import dev.fastpath.nativeio.if_xdp_h;
import dev.fastpath.nativeio.mman_h;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.pollfd;
import dev.fastpath.nativeio.sockaddr_xdp;
import dev.fastpath.nativeio.socket_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.nativeio.xdp_desc;
import dev.fastpath.nativeio.xdp_mmap_offsets;
import dev.fastpath.nativeio.xdp_options;
import dev.fastpath.nativeio.xdp_ring_offset;
import dev.fastpath.nativeio.xdp_statistics;
import dev.fastpath.nativeio.xdp_umem_reg;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PacketIo} over an AF_XDP socket (Documentation/networking/af_xdp.rst). One UMEM, off-heap in an
 * anonymous mapping, is cut into {@code rxFrames + txFrames} chunks: the first {@code rxFrames} circulate
 * through the fill ring → RX ring → handler → fill ring; the rest sit on a free stack and circulate through
 * claim → TX ring → completion ring → free stack. The four rings are mapped at the offsets the kernel reports
 * for XDP_MMAP_OFFSETS and driven through {@link XdpRing} (producer/consumer words read with acquire and
 * written with release, as {@code xsk_queue.h} pairs them). Frames are handed over and written in place.
 *
 * <p><b>Fill ring kept full.</b> An empty fill ring makes the kernel drop frames. The fill ring has exactly
 * {@code rxFrames} slots and every RX chunk is either in it, in flight in the kernel, in the RX ring or with
 * the handler, so {@link #receive} can always put the chunks it just handed over straight back: the fill ring
 * is full again after every call.
 *
 * <p><b>need_wakeup.</b> The socket is bound with XDP_USE_NEED_WAKEUP: the kernel sets
 * {@code XDP_RING_NEED_WAKEUP} in a ring's flags when it needs a system call to make progress, and no system
 * call is made otherwise — {@code recvfrom(MSG_DONTWAIT)} for the fill ring when RX is idle,
 * {@code sendto(MSG_DONTWAIT)} for TX. Copy mode always needs the TX kick (it transmits from the
 * {@code sendmsg} context, at most 32 frames per call, answering EAGAIN while more remain).
 *
 * <p><b>Program.</b> {@link XdpProgram}: an XSKMAP and the six-instruction redirect program, attached through
 * a BPF link, so closing this object — or the process dying — detaches it. XDP steals every frame of the
 * queue, ARP included: the kernel stack on this interface no longer sees them.
 *
 * <p>Zero-copy is tried first when configured; a driver without it (veth: EOPNOTSUPP) gets copy mode and one
 * log line. AF_XDP gives no checksum-state flag: frames from a kernel peer on veth may carry unfinished L4
 * checksums (docs/design.md), for {@code ChecksumPolicy.ACCEPT_PARTIAL}.
 *
 * <p>Not thread-safe: one instance per worker and queue. One program per interface per process: open several
 * queues together with {@link #openQueues}.
 */
public final class AfXdpIo implements PacketIo {

    private static final Logger LOG = LoggerFactory.getLogger(AfXdpIo.class);
    private static final int DESC = (int) xdp_desc.sizeof();
    private static final int ADDR = Long.BYTES;

    private final String ifname;
    private final int ifindex;
    private final AfXdpConfig config;
    private final long chunkMask;
    private final Arena control = Arena.ofShared();
    private int fd = -1;
    private MemorySegment umem;
    private MemorySegment fillMap;
    private MemorySegment compMap;
    private MemorySegment rxMap;
    private MemorySegment txMap;
    private XdpRing fill;
    private XdpRing comp;
    private XdpRing rx;
    private XdpRing tx;
    private XdpProgram program;
    private boolean zeroCopy;

    private final long[] txFree;
    /** RX chunks owed to the fill ring that did not fit yet (see {@link #refill}). */
    private final long[] fillOwed;
    private int fillOwedCount;
    private int txFreeTop;
    private long txClaimed = -1;
    private int txPending;

    private final MemorySegment pollFd;
    private final MemorySegment statsBuf;
    private final MemorySegment statsLen;

    private long rxFrames;
    private long txFrames;
    private long txRingFull;
    private long txKicks;
    private long txKickErrors;
    private long fillWakeups;
    private long fillDeferred;
    private boolean closed;

    private AfXdpIo(String ifname, int ifindex, AfXdpConfig config) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.config = config;
        this.chunkMask = ~((long) config.frameSize() - 1);
        this.txFree = new long[config.txFrames()];
        this.fillOwed = new long[config.rxFrames()];
        this.pollFd = pollfd.allocate(control);
        this.statsBuf = xdp_statistics.allocate(control);
        this.statsLen = control.allocate(ValueLayout.JAVA_INT);
    }

    /**
     * Opens a socket on queue {@code config.queueId()} of {@code ifname} in the calling thread's network
     * namespace and attaches the redirect program.
     *
     * @param ifname the interface
     * @param config geometry and options
     * @return the backend
     * @throws NativeException naming the call that failed
     */
    public static AfXdpIo open(String ifname, AfXdpConfig config) {
        return openQueues(ifname, config, 1).get(0);
    }

    /**
     * Opens a socket on queue {@code config.queueId()} that takes only the frames for one IPv4 block (IPv4 to
     * it, ARP asking for it: {@link bpf_h#xskRedirectIpv4BlockProgram}); the kernel keeps everything else, so
     * its own sockets on the interface go on working.
     *
     * @param ifname the interface
     * @param config geometry and options
     * @param net    the block's address (host order)
     * @param prefix the block's prefix length
     * @return the backend
     * @throws NativeException naming the call that failed
     */
    public static AfXdpIo openForBlock(String ifname, AfXdpConfig config, int net, int prefix) {
        return openQueues(ifname, config, 1, XdpProgram.load(config.queueId() + 1, net, prefix)).get(0);
    }

    /**
     * Opens a socket on queue {@code config.queueId()} behind a program of the caller's (it must redirect what the
     * socket is to receive to {@code xsks[rx_queue_index]}, the XSKMAP it is given).
     *
     * @param ifname  the interface
     * @param config  geometry and options
     * @param program the instructions, given the XSKMAP's fd
     * @param what    names the program in errors (the verifier's refusal included)
     * @return the backend
     * @throws NativeException naming the call that failed
     */
    public static AfXdpIo openWithProgram(String ifname, AfXdpConfig config, IntFunction<long[]> program,
            String what) {
        return openQueues(ifname, config, 1, XdpProgram.load(config.queueId() + 1, program, what)).get(0);
    }

    /**
     * Opens one socket per RX queue, {@code config.queueId()} to {@code config.queueId() + queues - 1}, all
     * redirected by one program through one XSKMAP indexed by {@code ctx->rx_queue_index}, attached once after
     * every socket is in the map (so no queue redirects to an empty slot meanwhile). Each socket has its own
     * UMEM rather than XDP_SHARED_UMEM: a shared UMEM would need one fill/completion ring pair per queue and
     * frame ownership coordinated between workers (af_xdp.rst, "XDP_SHARED_UMEM bind flag"), while separate
     * UMEMs keep each worker share-nothing at the price of memory ({@link AfXdpConfig#umemBytes()} per queue).
     * The program is reference-counted: it stays attached until the last socket is closed.
     *
     * <p>Which queue a frame arrives on is the driver's choice: on veth in native (DRV) mode the queue is the
     * one the sending side picked for the frame (docs/design.md); in SKB mode veth delivers everything on queue 0.
     *
     * @param ifname the interface
     * @param config geometry and options; {@code queueId} is the first queue
     * @param queues how many consecutive queues
     * @return the backends, socket i on queue {@code config.queueId() + i}
     * @throws NativeException naming the call that failed
     */
    public static List<AfXdpIo> openQueues(String ifname, AfXdpConfig config, int queues) {
        checkQueues(config, queues);
        return openQueues(ifname, config, queues, XdpProgram.load(config.queueId() + queues));
    }

    /**
     * {@link #openQueues(String, AfXdpConfig, int)} with the program that answers SYNs itself ({@link XdpSynCookies}).
     *
     * @param ifname  the interface
     * @param config  geometry and options
     * @param queues  how many consecutive queues
     * @param cookies the maps the program reads (one element per queue id, from 0)
     * @return the backends
     * @throws NativeException naming the call that failed (the verifier's refusal included)
     */
    public static List<AfXdpIo> openQueues(String ifname, AfXdpConfig config, int queues, XdpSynCookies cookies) {
        checkQueues(config, queues);
        return openQueues(ifname, config, queues, XdpProgram.load(config.queueId() + queues, cookies::program,
            "XDP SYN cookies"));
    }

    private static void checkQueues(AfXdpConfig config, int queues) {
        if (queues < 1 || config.queueId() + queues > 1024) {
            throw new IllegalArgumentException("queues = " + queues + " from queue " + config.queueId()
                + " exceeds 1024 queues");
        }
    }

    private static List<AfXdpIo> openQueues(String ifname, AfXdpConfig config, int queues, XdpProgram program) {
        int ifindex;
        try {
            ifindex = Errors.check("if_nametoindex(" + ifname + ")", net_h.if_nametoindex(ifname));
        } catch (RuntimeException e) {
            program.close();
            throw e;
        }
        List<AfXdpIo> ios = new ArrayList<>(queues);
        try {
            for (int q = config.queueId(); q < config.queueId() + queues; q++) {
                AfXdpIo io = openSocket(ifname, ifindex, config.withQueueId(q));
                ios.add(io);
                io.program = program.retain();
                program.register(q, io.fd);
            }
            program.attach(ifindex, config.xdpFlags());
            for (AfXdpIo io : ios) {
                io.zeroCopy = io.queryZeroCopy();
            }
        } catch (RuntimeException e) {
            for (AfXdpIo io : ios) {
                io.close();
            }
            throw e;
        } finally {
            program.close(); // the loader's reference: the sockets hold their own
        }
        return ios;
    }

    private static AfXdpIo openSocket(String ifname, int ifindex, AfXdpConfig config) {
        if (config.tryZeroCopy()) {
            try {
                return open(ifname, ifindex, config, if_xdp_h.XDP_ZEROCOPY);
            } catch (NativeException e) {
                if (e.errno() != Errors.EOPNOTSUPP || !e.call().startsWith("bind")) {
                    throw e;
                }
                LOG.info("AF_XDP on {} queue {}: zero-copy not supported by the driver "
                    + "({}); falling back to copy mode", ifname, config.queueId(), Errors.name(e.errno()));
            }
        }
        return open(ifname, ifindex, config, if_xdp_h.XDP_COPY);
    }

    /**
     * {@link #open(String, AfXdpConfig)} with the defaults.
     *
     * @param ifname the interface
     * @return the backend
     */
    public static AfXdpIo open(String ifname) {
        return open(ifname, AfXdpConfig.defaults());
    }

    /** One bound socket, not yet in a map. */
    private static AfXdpIo open(String ifname, int ifindex, AfXdpConfig config, int modeFlag) {
        AfXdpIo io = new AfXdpIo(ifname, ifindex, config);
        try {
            io.fd = Errors.check("socket(AF_XDP, SOCK_RAW)",
                net_h.socket(socket_h.AF_XDP, socket_h.SOCK_RAW | socket_h.SOCK_CLOEXEC, 0));
            io.createUmem();
            io.createRings();
            io.primeRings();
            io.bind(modeFlag);
            if (modeFlag == if_xdp_h.XDP_COPY) {
                io.sizeSendBuffer();
            }
            return io;
        } catch (RuntimeException e) {
            io.close();
            throw e;
        }
    }

    private void createUmem() {
        // Populated up front: the kernel pins these pages at XDP_UMEM_REG anyway.
        umem = mman_h.mmapChecked(config.umemBytes(), mman_h.PROT_READ | mman_h.PROT_WRITE,
            mman_h.MAP_PRIVATE | mman_h.MAP_ANONYMOUS | mman_h.MAP_POPULATE, -1, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = xdp_umem_reg.allocate(arena);
            xdp_umem_reg.addr(reg, umem.address());
            xdp_umem_reg.len(reg, umem.byteSize());
            xdp_umem_reg.chunk_size(reg, config.frameSize());
            xdp_umem_reg.headroom(reg, 0);
            xdp_umem_reg.flags(reg, 0);
            Errors.check("setsockopt(SOL_XDP, XDP_UMEM_REG)",
                net_h.setsockopt(fd, socket_h.SOL_XDP, if_xdp_h.XDP_UMEM_REG, reg, (int) xdp_umem_reg.sizeof()));
        }
    }

    private void createRings() {
        setRingSize(if_xdp_h.XDP_UMEM_FILL_RING, config.rxFrames(), "XDP_UMEM_FILL_RING");
        setRingSize(if_xdp_h.XDP_UMEM_COMPLETION_RING, config.txFrames(), "XDP_UMEM_COMPLETION_RING");
        setRingSize(if_xdp_h.XDP_RX_RING, config.rxRingSize(), "XDP_RX_RING");
        setRingSize(if_xdp_h.XDP_TX_RING, config.txFrames(), "XDP_TX_RING");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment off = xdp_mmap_offsets.allocate(arena);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) xdp_mmap_offsets.sizeof());
            Errors.check("getsockopt(SOL_XDP, XDP_MMAP_OFFSETS)",
                net_h.getsockopt(fd, socket_h.SOL_XDP, if_xdp_h.XDP_MMAP_OFFSETS, off, len));
            MemorySegment fr = xdp_mmap_offsets.fr(off);
            MemorySegment cr = xdp_mmap_offsets.cr(off);
            MemorySegment rxo = xdp_mmap_offsets.rx(off);
            MemorySegment txo = xdp_mmap_offsets.tx(off);
            fillMap = mapRing(fr, config.rxFrames(), ADDR, if_xdp_h.XDP_UMEM_PGOFF_FILL_RING);
            fill = XdpRing.of(fillMap, fr, config.rxFrames(), ADDR, true);
            compMap = mapRing(cr, config.txFrames(), ADDR, if_xdp_h.XDP_UMEM_PGOFF_COMPLETION_RING);
            comp = XdpRing.of(compMap, cr, config.txFrames(), ADDR, false);
            rxMap = mapRing(rxo, config.rxRingSize(), DESC, if_xdp_h.XDP_PGOFF_RX_RING);
            rx = XdpRing.of(rxMap, rxo, config.rxRingSize(), DESC, false);
            txMap = mapRing(txo, config.txFrames(), DESC, if_xdp_h.XDP_PGOFF_TX_RING);
            tx = XdpRing.of(txMap, txo, config.txFrames(), DESC, true);
        }
    }

    private void setRingSize(int option, int size, String name) {
        Errors.check("setsockopt(SOL_XDP, " + name + ", " + size + ")",
            net_h.setsockopt(fd, socket_h.SOL_XDP, option, size));
    }

    private MemorySegment mapRing(MemorySegment ringOffset, int size, int entrySize, long pgoff) {
        long bytes = xdp_ring_offset.desc(ringOffset) + (long) size * entrySize;
        return mman_h.mmapChecked(bytes, mman_h.PROT_READ | mman_h.PROT_WRITE,
            mman_h.MAP_SHARED | mman_h.MAP_POPULATE, fd, pgoff);
    }

    private void primeRings() {
        int n = config.rxFrames();
        if (fill.reserve(n) != n) {
            throw new IllegalStateException("fresh fill ring has no room for " + n + " frames");
        }
        int idx = fill.index();
        for (int i = 0; i < n; i++) {
            fill.addr(idx + i, (long) i * config.frameSize());
        }
        // Release store of the producer index: the addresses above are visible before the kernel takes them.
        fill.submit(n);
        for (int i = 0; i < config.txFrames(); i++) {
            txFree[txFreeTop++] = (long) (n + i) * config.frameSize();
        }
    }

    private void bind(int modeFlag) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = sockaddr_xdp.allocate(arena);
            sockaddr_xdp.sxdp_family(sa, (short) socket_h.AF_XDP);
            sockaddr_xdp.sxdp_flags(sa, (short) (modeFlag | if_xdp_h.XDP_USE_NEED_WAKEUP));
            sockaddr_xdp.sxdp_ifindex(sa, ifindex);
            sockaddr_xdp.sxdp_queue_id(sa, config.queueId());
            String mode = modeFlag == if_xdp_h.XDP_ZEROCOPY ? "XDP_ZEROCOPY" : "XDP_COPY";
            Errors.check("bind(AF_XDP, " + ifname + " queue " + config.queueId() + ", " + mode + ")",
                net_h.bind(fd, sa, (int) sockaddr_xdp.sizeof()));
        }
    }

    /**
     * Copy mode builds an skb per TX frame and charges it to the socket's send buffer until the receiver frees
     * it ({@code xsk_build_skb}: {@code sock_alloc_send_skb}, non-blocking). With the default buffer (208 KiB,
     * ~270 such skbs) {@code sendto} said EAGAIN while most TX frames were free whenever the peer held skbs — a
     * kernel receiver keeps them in its backlog: the flood generator then sent 200 k SYN/s to a kernel victim,
     * 250 k with the buffer below. Sized so that every TX frame can be in flight even at full length: an skb's
     * truesize is its data rounded up to a slab plus ~0.6 KiB of metadata, under twice the chunk size; the
     * kernel doubles the value set for its bookkeeping. Copy mode only (zero-copy has no skbs). Best effort:
     * without CAP_NET_ADMIN the buffer stays as it was, with a warning.
     */
    private void sizeSendBuffer() {
        int bytes = (int) Math.min(Integer.MAX_VALUE / 2, 2L * config.txFrames() * config.frameSize());
        int rc = net_h.setsockopt(fd, socket_h.SOL_SOCKET, socket_h.SO_SNDBUFFORCE, bytes);
        if (rc < 0) {
            LOG.warn("AF_XDP on {}: setsockopt(SO_SNDBUFFORCE, {}) failed ({}); "
                + "copy-mode TX keeps the default send buffer: ~270 frames in flight, sendto says EAGAIN beyond",
                ifname, bytes, Errors.name(-rc));
        }
    }

    private boolean queryZeroCopy() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opt = xdp_options.allocate(arena);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) xdp_options.sizeof());
            Errors.check("getsockopt(SOL_XDP, XDP_OPTIONS)",
                net_h.getsockopt(fd, socket_h.SOL_XDP, if_xdp_h.XDP_OPTIONS, opt, len));
            return (xdp_options.flags(opt) & if_xdp_h.XDP_OPTIONS_ZEROCOPY) != 0;
        }
    }

    @Override
    public int receive(RxHandler handler, int limit) {
        if (fillOwedCount > 0) {
            payFill();
        }
        int n = rx.peek(limit);
        if (n == 0) {
            if (fill.needsWakeup()) {
                // The driver went idle waiting for fill entries (af_xdp.rst, XDP_USE_NEED_WAKEUP).
                net_h.recvfrom(fd, MemorySegment.NULL, 0, socket_h.MSG_DONTWAIT, MemorySegment.NULL,
                    MemorySegment.NULL);
                fillWakeups++;
            }
            return 0;
        }
        int idx = rx.index();
        try {
            for (int i = 0; i < n; i++) {
                rxFrames++;
                handler.onFrame(umem, rx.addr(idx + i), rx.len(idx + i), 0);
            }
        } finally {
            // Even when a handler throws: the chunks go back, or the fill ring would run dry.
            refill(idx, n);
        }
        return n;
    }

    /**
     * Gives the chunks of {@code n} received frames back to the fill ring. The fill ring can look full although
     * the kernel has taken entries from it: the kernel publishes its fill consumer index after the RX producer
     * index ({@code xsk_flush()}: RX submit, then fill release), so a frame can be visible here before the
     * entry it came from is seen as free. Chunks that do not fit are kept and paid on the next receive.
     */
    private void refill(int rxIdx, int n) {
        for (int i = 0; i < n; i++) {
            // Aligned mode: the descriptor's address may point past the chunk start (headroom); give back the chunk.
            fillOwed[fillOwedCount++] = rx.addr(rxIdx + i) & chunkMask;
        }
        // Release of the RX consumer index orders our reads of the descriptors before the kernel reuses them.
        rx.release(n);
        payFill();
    }

    private void payFill() {
        int k = Math.min(fillOwedCount, fill.freeEntries(fillOwedCount));
        if (k < fillOwedCount) {
            fillDeferred++;
        }
        if (k <= 0) {
            return;
        }
        fill.reserve(k);
        int f = fill.index();
        for (int i = 0; i < k; i++) {
            fill.addr(f + i, fillOwed[--fillOwedCount]);
        }
        fill.submit(k);
    }

    /**
     * Blocks in {@code poll()} until the RX ring has frames or the timeout passes. For idle strategies and
     * tools; {@link #receive} itself never waits.
     *
     * @param timeoutMillis the longest wait
     * @return true when frames are (probably) ready
     */
    public boolean awaitRx(int timeoutMillis) {
        pollfd.fd(pollFd, fd);
        pollfd.events(pollFd, net_h.POLLIN);
        int rc = net_h.poll(pollFd, 1, timeoutMillis);
        if (rc < 0 && rc != -Errors.EINTR) {
            throw new NativeException("poll(AF_XDP)", -rc, Errors.message(rc));
        }
        return rc > 0;
    }

    @Override
    public MemorySegment txBuffer() {
        return umem;
    }

    @Override
    public long txClaim() {
        if (txClaimed >= 0) {
            return txClaimed;
        }
        if (txFreeTop == 0) {
            reclaimCompletions();
        }
        if (txFreeTop == 0 || tx.freeEntries(1) < 1) {
            txRingFull++;
            return -1;
        }
        txClaimed = txFree[--txFreeTop];
        return txClaimed;
    }

    @Override
    public int txFrameCapacity() {
        return config.frameSize();
    }

    @Override
    public void txCommit(long offset, int length) {
        checkClaimed(offset);
        if (length <= 0 || length > config.frameSize()) {
            throw new IllegalArgumentException("frame length " + length + " outside 1.." + config.frameSize());
        }
        if (tx.reserve(1) != 1) {
            throw new IllegalStateException("TX ring full although a UMEM frame was free: accounting broken");
        }
        tx.desc(tx.index(), offset, length, 0);
        txClaimed = -1;
        txPending++;
        txFrames++;
    }

    @Override
    public void txAbort(long offset) {
        checkClaimed(offset);
        txFree[txFreeTop++] = offset;
        txClaimed = -1;
    }

    private void checkClaimed(long offset) {
        if (txClaimed < 0 || offset != txClaimed) {
            throw new IllegalStateException("offset " + offset + " is not the claimed TX frame");
        }
    }

    @Override
    public int flush() {
        int pushed = txPending;
        if (txPending > 0) {
            // Release store of the producer index publishes the descriptors written since the last flush.
            tx.submit(txPending);
            txPending = 0;
        }
        if (tx.needsWakeup() && inFlight() > 0) {
            kick(pushed);
        }
        reclaimCompletions();
        return pushed;
    }

    private void kick(int pushed) {
        // Copy mode sends at most 32 descriptors per sendto and says EAGAIN while more remain.
        int budget = pushed / 32 + 2;
        for (int k = 0; k < budget; k++) {
            long rc = net_h.sendto(fd, MemorySegment.NULL, 0, socket_h.MSG_DONTWAIT, MemorySegment.NULL, 0);
            txKicks++;
            if (rc >= 0) {
                return;
            }
            int errno = (int) -rc;
            if (errno != Errors.EAGAIN && errno != Errors.EBUSY && errno != Errors.ENOBUFS
                    && errno != Errors.ENETDOWN && errno != Errors.EINTR) {
                throw new NativeException("sendto(AF_XDP TX kick, " + ifname + ")", errno, Errors.message(errno));
            }
            txKickErrors++;
            if (errno != Errors.EAGAIN) {
                return;
            }
        }
    }

    private void reclaimCompletions() {
        int n = comp.peek(config.txFrames());
        if (n == 0) {
            return;
        }
        int idx = comp.index();
        for (int i = 0; i < n; i++) {
            txFree[txFreeTop++] = comp.addr(idx + i) & chunkMask;
        }
        comp.release(n);
    }

    private int inFlight() {
        return config.txFrames() - txFreeTop - (txClaimed >= 0 ? 1 : 0) - txPending;
    }

    /**
     * TX frames handed to the kernel and not yet completed. Calls {@link #flush()} first, which kicks the
     * kernel when it needs it and takes completions back.
     *
     * @return frames still in flight
     */
    public int txInFlight() {
        flush();
        return inFlight();
    }

    /**
     * The socket's send buffer as the kernel reports it (SO_SNDBUF: twice what was set). Control plane.
     *
     * @return bytes
     */
    public int sendBufferBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, Integer.BYTES);
            Errors.check("getsockopt(SOL_SOCKET, SO_SNDBUF)",
                net_h.getsockopt(fd, socket_h.SOL_SOCKET, socket_h.SO_SNDBUF, v, len));
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** @return whether the socket runs in zero-copy mode (XDP_OPTIONS) */
    public boolean zeroCopy() {
        return zeroCopy;
    }

    /** @return the interface name */
    public String interfaceName() {
        return ifname;
    }

    /**
     * @return whether closing needs CAP_NET_ADMIN: the program was attached through netlink (the kernel has no XDP
     *         links, or {@code --xdp-attach netlink}), so detaching it is an RTM_SETLINK; a link is closed instead
     */
    public boolean detachNeedsNetAdmin() {
        return program != null && program.attachedThroughNetlink();
    }

    /** @return the configuration */
    public AfXdpConfig config() {
        return config;
    }

    /**
     * The counters, with the kernel's (XDP_STATISTICS). Control plane: one system call.
     *
     * @return a snapshot
     */
    public Stats stats() {
        long[] k = new long[4];
        if (!closed) {
            statsLen.set(ValueLayout.JAVA_INT, 0, (int) xdp_statistics.sizeof());
            Errors.check("getsockopt(SOL_XDP, XDP_STATISTICS)",
                net_h.getsockopt(fd, socket_h.SOL_XDP, if_xdp_h.XDP_STATISTICS, statsBuf, statsLen));
            k[0] = xdp_statistics.rx_dropped(statsBuf);
            k[1] = xdp_statistics.rx_ring_full(statsBuf);
            k[2] = xdp_statistics.rx_fill_ring_empty_descs(statsBuf);
            k[3] = xdp_statistics.tx_invalid_descs(statsBuf);
        }
        long[] runs = program != null && !closed ? program.runStats() : new long[2];
        return new Stats(rxFrames, txFrames, txRingFull, txKicks, txKickErrors, fillWakeups, fillDeferred, k[0], k[1],
            k[2], k[3], runs[0], runs[1]);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Detach first (closing the link fd, when this is the program's last socket), so the interface stops
        // redirecting to a socket about to go; the kernel also drops a closed socket from the XSKMAP by itself.
        if (program != null) {
            program.close();
        }
        unmap(fillMap);
        unmap(compMap);
        unmap(rxMap);
        unmap(txMap);
        if (fd >= 0) {
            unistd_h.close(fd);
        }
        unmap(umem);
        control.close();
    }

    private static void unmap(MemorySegment m) {
        if (m != null) {
            mman_h.munmap(m, m.byteSize());
        }
    }

    /**
     * Counters of one socket.
     *
     * @param rxFrames          frames handed to RX handlers
     * @param txFrames          frames committed to the TX ring
     * @param txRingFull        claims refused: no free UMEM frame
     * @param txKicks           sendto kicks
     * @param txKickErrors      kicks answered EAGAIN/EBUSY/ENOBUFS/ENETDOWN
     * @param fillWakeups       recvfrom wakeups for the fill ring
     * @param fillDeferred      refills that had to keep chunks back: the kernel had not yet published the fill
     *                          entries it had taken
     * @param rxDropped         kernel: frames dropped for other reasons (XDP_STATISTICS rx_dropped)
     * @param rxRingFull        kernel: frames dropped because the RX ring was full
     * @param fillRingEmpty     kernel: times the fill ring was empty
     * @param txInvalidDescs    kernel: invalid TX descriptors
     * @param xdpRuns           kernel: runs of the interface's XDP program (every queue's), counted only while BPF
     *                          run-time statistics are on ({@code bpf_h.enableRunTimeStats}); 0 otherwise
     * @param xdpRunNs          kernel: their time in all, nanoseconds
     */
    public record Stats(long rxFrames, long txFrames, long txRingFull, long txKicks, long txKickErrors,
            long fillWakeups, long fillDeferred, long rxDropped, long rxRingFull, long fillRingEmpty,
            long txInvalidDescs, long xdpRuns, long xdpRunNs) {
    }
}
