package dev.fastpath.io.afpacket;

import dev.fastpath.io.PacketIo;
import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.mman_h;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.pollfd;
import dev.fastpath.nativeio.sockaddr_ll;
import dev.fastpath.nativeio.tpacket2_hdr;
import dev.fastpath.nativeio.socket_h;
import dev.fastpath.nativeio.tpacket3_hdr;
import dev.fastpath.nativeio.tpacket_block_desc;
import dev.fastpath.nativeio.tpacket_req;
import dev.fastpath.nativeio.tpacket_req3;
import dev.fastpath.nativeio.tpacket_stats_v3;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@link PacketIo} over an AF_PACKET socket with a TPACKET_V3 RX ring and a TPACKET_V3 TX ring, both mapped
 * into the process with one {@code mmap} (Documentation/networking/packet_mmap.rst). Frames are read and
 * written in the mapping: nothing is copied and nothing is allocated per frame.
 *
 * <p><b>RX.</b> The RX ring is {@code rxBlockCount} blocks. The kernel fills one block at a time with
 * variable-length frames (each a {@code tpacket3_hdr}, the frame at {@code tp_mac}, the next header
 * {@code tp_next_offset} further) and hands it over by setting {@code block_status} to
 * {@code TP_STATUS_USER} — when the block is full or {@code tp_retire_blk_tov} ms after its first frame.
 * {@link #receive} reads that word without a system call (no {@code poll()}): an <em>acquire</em> load, so
 * every frame byte the kernel wrote before it published the block (it issues {@code smp_wmb()} before the
 * status store in {@code prb_close_block()}) is visible to the reads that follow. When every frame of the
 * block has been handed to the handler the block goes back with a <em>release</em> store of
 * {@code TP_STATUS_KERNEL}, which orders all our reads of the block before the kernel can see it as free
 * and overwrite it. Blocks are consumed strictly in ring order, as the kernel fills them.
 *
 * <p><b>TX.</b> The TX ring is fixed-size slots; a slot holds a {@code tpacket3_hdr} and the frame at
 * {@code TPACKET_ALIGN(sizeof(tpacket3_hdr))} (the kernel's default data offset without
 * PACKET_TX_HAS_OFF). {@link #txClaim} takes the next slot in ring order when its status, read with acquire,
 * is {@code TP_STATUS_AVAILABLE} (the kernel sets it from the skb destructor once the frame is gone);
 * {@link #txCommit} writes {@code tp_len} and {@code tp_next_offset = 0} (V3 TX rejects anything else) and
 * then publishes the slot with a release store of {@code TP_STATUS_SEND_REQUEST}, so the frame bytes are
 * visible before the kernel can see the request. {@link #flush} kicks the kernel with
 * {@code sendto(fd, NULL, 0, MSG_DONTWAIT)}, which sends every requested slot from the kernel's ring head
 * on. PACKET_LOSS is set so a malformed frame is skipped instead of stalling the ring
 * ({@code TP_STATUS_WRONG_FORMAT} would stop the kernel's walk at that slot for good).
 *
 * <p><b>TPACKET_V2</b> ({@link AfPacketConfig#tpacketVersion()} 2): both rings are fixed slots with a
 * {@code tpacket2_hdr}. An RX slot is the kernel's until its {@code tp_status} has TP_STATUS_USER (acquire
 * load, pairing with the kernel's {@code smp_wmb()} before it sets the status in {@code tpacket_rcv()}); after
 * the handler returns it goes back with a release store of TP_STATUS_KERNEL. Each frame is handed over as
 * soon as it is written: no block retire timer, so a request/response exchange does not wait 1 ms per turn.
 * TX slots hold the frame at {@code TPACKET_ALIGN(sizeof(tpacket2_hdr))}.
 *
 * <p>The socket is created with protocol 0, so it sees nothing until the rings are in place and it is bound
 * to the interface with ETH_P_ALL. It lives in the network namespace of the thread that opens it.
 *
 * <p>Not thread-safe: one instance per worker (see {@link PacketIo}). Use a fanout group
 * ({@link AfPacketConfig#fanoutGroup()}: PACKET_FANOUT_HASH, or PACKET_FANOUT_CBPF with {@link PortSteering})
 * to spread one interface over several workers.
 */
public final class AfPacketIo implements PacketIo {

    /** Where a TX frame starts in its slot: {@code TPACKET3_HDRLEN - sizeof(struct sockaddr_ll)}. */
    static final int TX_DATA_OFFSET = (int) socket_h.TPACKET_ALIGN(tpacket3_hdr.sizeof());
    /** The same for TPACKET_V2: {@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)}. */
    static final int TX_DATA_OFFSET_V2 = (int) socket_h.TPACKET_ALIGN(tpacket2_hdr.sizeof());

    // Block status and TX slot status: the ownership handshake, accessed with acquire/release.
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;

    private static final long BLOCK_STATUS = tpacket_block_desc.block_status$offset();
    private static final long BLOCK_NUM_PKTS = tpacket_block_desc.num_pkts$offset();
    private static final long BLOCK_FIRST_PKT = tpacket_block_desc.offset_to_first_pkt$offset();
    private static final long PKT_NEXT = tpacket3_hdr.tp_next_offset$offset();
    private static final long PKT_SNAPLEN = tpacket3_hdr.tp_snaplen$offset();
    private static final long PKT_LEN = tpacket3_hdr.tp_len$offset();
    private static final long PKT_STATUS = tpacket3_hdr.tp_status$offset();
    private static final long PKT_MAC = tpacket3_hdr.tp_mac$offset();
    private static final long V2_STATUS = tpacket2_hdr.tp_status$offset();
    private static final long V2_LEN = tpacket2_hdr.tp_len$offset();
    private static final long V2_SNAPLEN = tpacket2_hdr.tp_snaplen$offset();
    private static final long V2_MAC = tpacket2_hdr.tp_mac$offset();

    private final String ifname;
    private final int ifindex;
    private final AfPacketConfig config;
    private final int fd;
    private final MemorySegment ring;
    private final MemorySegment txRing;
    private final long rxBlockSize;
    private final int rxBlockCount;
    private final long[] txSlots;
    private final int txCapacity;
    private final boolean v2;
    /** TPACKET_V2: RX slot offsets in ring order; TX header field offsets and data offset of the version. */
    private final long[] rxSlots;
    private final long txStatusOff;
    private final long txLenOff;
    private final long txSnaplenOff;
    private final int txDataOff;
    private final Arena control = Arena.ofShared();
    private final MemorySegment pollFd;
    private final MemorySegment statsBuf;
    private final MemorySegment statsLen;

    // RX cursor: the block being read, whether we own it, frames left in it, the next frame header's offset.
    private int rxBlock;
    private int rxHead;
    private boolean rxOwned;
    private int rxLeft;
    private long rxPktOff;

    // TX cursor: the next slot to claim, the claimed slot (-1 none), frames committed since the last kick.
    private int txHead;
    private long txClaimed = -1;
    private int txUnkicked;

    private long rxFrames;
    private long rxDrops;
    private long rxQueueFreezes;
    private long txFrames;
    private long txRingFull;
    private long txKickErrors;
    private long txWrongFormat;
    private boolean closed;

    private AfPacketIo(String ifname, int ifindex, AfPacketConfig config, int fd, MemorySegment ring) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.config = config;
        this.fd = fd;
        this.ring = ring;
        this.rxBlockSize = config.rxBlockSize();
        this.rxBlockCount = config.rxBlockCount();
        long rxBytes = rxBlockSize * rxBlockCount;
        long txBytes = (long) config.txBlockSize() * config.txBlockCount();
        this.txRing = ring.asSlice(rxBytes, txBytes);
        int perBlock = config.txFramesPerBlock();
        this.txSlots = new long[perBlock * config.txBlockCount()];
        for (int i = 0; i < txSlots.length; i++) {
            // Frames never straddle blocks: the kernel indexes the TX ring as block i / perBlock, slot i % perBlock.
            txSlots[i] = (long) (i / perBlock) * config.txBlockSize() + (long) (i % perBlock) * config.txFrameSize();
        }
        this.v2 = config.tpacketVersion() == 2;
        this.txDataOff = v2 ? TX_DATA_OFFSET_V2 : TX_DATA_OFFSET;
        this.txStatusOff = v2 ? V2_STATUS : PKT_STATUS;
        this.txLenOff = v2 ? V2_LEN : PKT_LEN;
        this.txSnaplenOff = v2 ? V2_SNAPLEN : PKT_SNAPLEN;
        this.txCapacity = config.txFrameSize() - txDataOff;
        int rxPerBlock = config.rxFramesPerBlock();
        this.rxSlots = new long[v2 ? rxPerBlock * config.rxBlockCount() : 0];
        for (int i = 0; i < rxSlots.length; i++) {
            rxSlots[i] = (long) (i / rxPerBlock) * config.rxBlockSize()
                + (long) (i % rxPerBlock) * config.rxFrameSize();
        }
        this.pollFd = pollfd.allocate(control);
        this.statsBuf = tpacket_stats_v3.allocate(control);
        this.statsLen = control.allocate(ValueLayout.JAVA_INT);
    }

    /**
     * Opens a socket on {@code ifname} in the calling thread's network namespace, with the default geometry.
     *
     * @param ifname the interface, e.g. {@code veth-a}
     * @return the backend
     * @throws NativeException naming the call that failed
     */
    public static AfPacketIo open(String ifname) {
        return open(ifname, AfPacketConfig.defaults());
    }

    /**
     * Opens a socket on {@code ifname} in the calling thread's network namespace.
     *
     * @param ifname the interface
     * @param config ring geometry and options
     * @return the backend
     * @throws NativeException naming the call that failed
     */
    public static AfPacketIo open(String ifname, AfPacketConfig config) {
        int ifindex = Errors.check("if_nametoindex(" + ifname + ")", net_h.if_nametoindex(ifname));
        // Protocol 0: no frame is queued to this socket before bind(), so the rings start empty and in sync.
        int fd = Errors.check("socket(AF_PACKET, SOCK_RAW)",
            net_h.socket(socket_h.AF_PACKET, socket_h.SOCK_RAW | socket_h.SOCK_CLOEXEC, 0));
        MemorySegment ring = null;
        long ringBytes = (long) config.rxBlockSize() * config.rxBlockCount()
            + (long) config.txBlockSize() * config.txBlockCount();
        try {
            // The version must be set before the rings: it fixes the header layout of both.
            setInt(fd, socket_h.PACKET_VERSION, config.tpacketVersion() == 2 ? socket_h.TPACKET_V2
                : socket_h.TPACKET_V3, "PACKET_VERSION");
            setInt(fd, socket_h.PACKET_LOSS, 1, "PACKET_LOSS");
            if (config.qdiscBypass()) {
                setInt(fd, socket_h.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            if (config.ignoreOutgoing()) {
                setInt(fd, socket_h.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            }
            setRings(fd, config);
            // One mapping, RX ring first and TX ring right after it (packet_mmap.rst, "Mapping and use").
            ring = mman_h.mmapChecked(ringBytes, mman_h.PROT_READ | mman_h.PROT_WRITE, mman_h.MAP_SHARED, fd, 0);
            bind(fd, ifindex, ifname);
            if (config.fanoutGroup() >= 0) {
                // After bind: the kernel only adds a running (bound) socket to a fanout group. Every member
                // must join with the same mode; a CBPF group without a program yet sends everything to
                // socket 0 (fanout_demux_bpf), so frames arriving before the program is set are not lost.
                int mode = config.steerWorkers() > 0 ? socket_h.PACKET_FANOUT_CBPF : socket_h.PACKET_FANOUT_HASH;
                setInt(fd, socket_h.PACKET_FANOUT, config.fanoutGroup() | mode << 16, "PACKET_FANOUT");
                if (config.steerWorkers() > 0) {
                    PortSteering.attach(fd, config.steerWorkers());
                }
            }
            return new AfPacketIo(ifname, ifindex, config, fd, ring);
        } catch (RuntimeException e) {
            if (ring != null) {
                mman_h.munmap(ring, ringBytes);
            }
            unistd_h.close(fd);
            throw e;
        }
    }

    private static void setInt(int fd, int option, int value, String name) {
        Errors.check("setsockopt(SOL_PACKET, " + name + ", " + value + ")",
            net_h.setsockopt(fd, socket_h.SOL_PACKET, option, value));
    }

    private static void setRings(int fd, AfPacketConfig config) {
        if (config.tpacketVersion() == 2) {
            setRingsV2(fd, config);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rx = tpacket_req3.allocate(arena);
            tpacket_req3.tp_block_size(rx, config.rxBlockSize());
            tpacket_req3.tp_block_nr(rx, config.rxBlockCount());
            tpacket_req3.tp_frame_size(rx, config.rxFrameSize());
            tpacket_req3.tp_frame_nr(rx, config.rxBlockSize() / config.rxFrameSize() * config.rxBlockCount());
            tpacket_req3.tp_retire_blk_tov(rx, config.rxRetireMs());
            Errors.check("setsockopt(SOL_PACKET, PACKET_RX_RING)", net_h.setsockopt(fd, socket_h.SOL_PACKET,
                socket_h.PACKET_RX_RING, rx, (int) tpacket_req3.sizeof()));
            // A V3 TX ring takes the same struct; retire timeout, private area and feature word must be 0.
            MemorySegment tx = tpacket_req3.allocate(arena);
            tpacket_req3.tp_block_size(tx, config.txBlockSize());
            tpacket_req3.tp_block_nr(tx, config.txBlockCount());
            tpacket_req3.tp_frame_size(tx, config.txFrameSize());
            tpacket_req3.tp_frame_nr(tx, config.txFramesPerBlock() * config.txBlockCount());
            Errors.check("setsockopt(SOL_PACKET, PACKET_TX_RING)", net_h.setsockopt(fd, socket_h.SOL_PACKET,
                socket_h.PACKET_TX_RING, tx, (int) tpacket_req3.sizeof()));
        }
    }

    private static void setRingsV2(int fd, AfPacketConfig config) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rx = tpacket_req.allocate(arena);
            tpacket_req.tp_block_size(rx, config.rxBlockSize());
            tpacket_req.tp_block_nr(rx, config.rxBlockCount());
            tpacket_req.tp_frame_size(rx, config.rxFrameSize());
            tpacket_req.tp_frame_nr(rx, config.rxFramesPerBlock() * config.rxBlockCount());
            Errors.check("setsockopt(SOL_PACKET, PACKET_RX_RING, V2)", net_h.setsockopt(fd, socket_h.SOL_PACKET,
                socket_h.PACKET_RX_RING, rx, (int) tpacket_req.sizeof()));
            MemorySegment tx = tpacket_req.allocate(arena);
            tpacket_req.tp_block_size(tx, config.txBlockSize());
            tpacket_req.tp_block_nr(tx, config.txBlockCount());
            tpacket_req.tp_frame_size(tx, config.txFrameSize());
            tpacket_req.tp_frame_nr(tx, config.txFramesPerBlock() * config.txBlockCount());
            Errors.check("setsockopt(SOL_PACKET, PACKET_TX_RING, V2)", net_h.setsockopt(fd, socket_h.SOL_PACKET,
                socket_h.PACKET_TX_RING, tx, (int) tpacket_req.sizeof()));
        }
    }

    private static void bind(int fd, int ifindex, String ifname) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sll = sockaddr_ll.allocate(arena);
            sockaddr_ll.sll_family(sll, (short) socket_h.AF_PACKET);
            sockaddr_ll.sll_protocol(sll, socket_h.htons(socket_h.ETH_P_ALL));
            sockaddr_ll.sll_ifindex(sll, ifindex);
            Errors.check("bind(AF_PACKET, " + ifname + ")", net_h.bind(fd, sll, (int) sockaddr_ll.sizeof()));
        }
    }

    @Override
    public int receive(RxHandler handler, int limit) {
        return v2 ? receiveV2(handler, limit) : receiveV3(handler, limit);
    }

    private int receiveV2(RxHandler handler, int limit) {
        int n = 0;
        while (n < limit) {
            long hdr = rxSlots[rxHead];
            // Acquire: pairs with the kernel's smp_wmb() before it sets TP_STATUS_USER; the frame is complete.
            int status = (int) INT.getAcquire(ring, hdr + V2_STATUS);
            if ((status & socket_h.TP_STATUS_USER) == 0) {
                break;
            }
            int snaplen = ring.get(I32, hdr + V2_SNAPLEN);
            int mac = ring.get(I16, hdr + V2_MAC) & 0xFFFF;
            rxHead = rxHead + 1 == rxSlots.length ? 0 : rxHead + 1;
            rxFrames++;
            n++;
            int flags = (status & socket_h.TP_STATUS_CSUMNOTREADY) != 0 ? RX_CSUM_PARTIAL : 0;
            try {
                handler.onFrame(ring, hdr + mac, snaplen, flags);
            } finally {
                // Release: our reads of the slot happen before the kernel may write it again.
                INT.setRelease(ring, hdr + V2_STATUS, socket_h.TP_STATUS_KERNEL);
            }
        }
        return n;
    }

    private int receiveV3(RxHandler handler, int limit) {
        int n = 0;
        while (n < limit) {
            if (rxLeft == 0) {
                if (rxOwned) {
                    releaseBlock();
                }
                if (!acquireBlock()) {
                    break;
                }
                continue;
            }
            long hdr = rxPktOff;
            int snaplen = ring.get(I32, hdr + PKT_SNAPLEN);
            int mac = ring.get(I16, hdr + PKT_MAC) & 0xFFFF;
            int status = ring.get(I32, hdr + PKT_STATUS);
            // Advance before the call, so a handler that throws does not see the same frame again.
            rxPktOff = hdr + ring.get(I32, hdr + PKT_NEXT);
            rxLeft--;
            rxFrames++;
            n++;
            int flags = (status & socket_h.TP_STATUS_CSUMNOTREADY) != 0 ? RX_CSUM_PARTIAL : 0;
            handler.onFrame(ring, hdr + mac, snaplen, flags);
        }
        if (rxLeft == 0 && rxOwned) {
            // Hand a finished block back at once rather than on the next call: the kernel may be waiting for it.
            releaseBlock();
        }
        return n;
    }

    private boolean acquireBlock() {
        long block = rxBlock * rxBlockSize;
        // Acquire: pairs with the kernel's smp_wmb() + status store; the frames below are complete.
        int status = (int) INT.getAcquire(ring, block + BLOCK_STATUS);
        if ((status & socket_h.TP_STATUS_USER) == 0) {
            return false;
        }
        rxOwned = true;
        rxLeft = ring.get(I32, block + BLOCK_NUM_PKTS);
        rxPktOff = block + ring.get(I32, block + BLOCK_FIRST_PKT);
        return true;
    }

    private void releaseBlock() {
        // Release: every read of this block above happens before the kernel may reuse it.
        INT.setRelease(ring, rxBlock * rxBlockSize + BLOCK_STATUS, socket_h.TP_STATUS_KERNEL);
        rxOwned = false;
        rxLeft = 0;
        rxBlock = rxBlock + 1 == rxBlockCount ? 0 : rxBlock + 1;
    }

    /**
     * Blocks in {@code poll()} until the RX ring has a block for user space or the timeout passes. For idle
     * strategies and tools; the busy path is {@link #receive}, which never makes a system call.
     *
     * @param timeoutMillis the longest wait
     * @return true when a block is (probably) ready
     */
    public boolean awaitRx(int timeoutMillis) {
        if (rxOwned || v2 && ((int) INT.getAcquire(ring, rxSlots[rxHead] + V2_STATUS) & socket_h.TP_STATUS_USER) != 0) {
            return true;
        }
        pollfd.fd(pollFd, fd);
        pollfd.events(pollFd, (short) (net_h.POLLIN | net_h.POLLERR));
        int rc = net_h.poll(pollFd, 1, timeoutMillis);
        if (rc < 0 && rc != -Errors.EINTR) {
            throw new NativeException("poll(AF_PACKET)", -rc, Errors.message(rc));
        }
        return rc > 0;
    }

    @Override
    public MemorySegment txBuffer() {
        return txRing;
    }

    @Override
    public long txClaim() {
        if (txClaimed >= 0) {
            return txClaimed + txDataOff;
        }
        long slot = txSlots[txHead];
        // Acquire: the kernel finished reading the slot (skb destructor) before it stored AVAILABLE.
        int status = (int) INT.getAcquire(txRing, slot + txStatusOff);
        if (status != socket_h.TP_STATUS_AVAILABLE) {
            if ((status & socket_h.TP_STATUS_WRONG_FORMAT) == 0) {
                txRingFull++;
                return -1;
            }
            // Only without PACKET_LOSS; counted, and the slot is reused.
            txWrongFormat++;
        }
        txClaimed = slot;
        return slot + txDataOff;
    }

    @Override
    public int txFrameCapacity() {
        return txCapacity;
    }

    @Override
    public void txCommit(long offset, int length) {
        long slot = checkClaimed(offset);
        if (length <= 0 || length > txCapacity) {
            throw new IllegalArgumentException("frame length " + length + " outside 1.." + txCapacity);
        }
        txRing.set(I32, slot + txLenOff, length);
        txRing.set(I32, slot + txSnaplenOff, length);
        if (!v2) {
            // V3 TX supports fixed slots only: tpacket_parse_header() rejects a non-zero tp_next_offset.
            txRing.set(I32, slot + PKT_NEXT, 0);
        }
        // Release: the frame bytes and header fields above are visible before the kernel sees the request.
        INT.setRelease(txRing, slot + txStatusOff, socket_h.TP_STATUS_SEND_REQUEST);
        txClaimed = -1;
        txHead = txHead + 1 == txSlots.length ? 0 : txHead + 1;
        txUnkicked++;
        txFrames++;
    }

    @Override
    public void txAbort(long offset) {
        checkClaimed(offset);
        txClaimed = -1;
    }

    private long checkClaimed(long offset) {
        if (txClaimed < 0 || offset != txClaimed + txDataOff) {
            throw new IllegalStateException("offset " + offset + " is not the claimed TX frame");
        }
        return txClaimed;
    }

    @Override
    public int flush() {
        if (txUnkicked == 0) {
            return 0;
        }
        long rc = net_h.sendto(fd, MemorySegment.NULL, 0, socket_h.MSG_DONTWAIT, MemorySegment.NULL, 0);
        if (rc < 0) {
            int errno = (int) -rc;
            if (errno == Errors.EAGAIN || errno == Errors.ENOBUFS || errno == Errors.EINTR
                    || errno == Errors.ENETDOWN) {
                // The device pushed back, or its link is down (tpacket_snd() checks IFF_UP before it takes a slot):
                // the slots stay requested and the next flush kicks again, as AF_XDP's kick does.
                txKickErrors++;
                return 0;
            }
            throw new NativeException("sendto(AF_PACKET TX ring kick, " + ifname + ")", errno,
                Errors.message(errno));
        }
        int pushed = txUnkicked;
        txUnkicked = 0;
        return pushed;
    }

    /**
     * Counts slots the kernel has not finished with (requested or being sent). Control plane: walks the ring.
     *
     * @return TX slots not yet {@code TP_STATUS_AVAILABLE}
     */
    public int txInFlight() {
        int n = 0;
        for (long slot : txSlots) {
            int status = (int) INT.getAcquire(txRing, slot + txStatusOff);
            if (status != socket_h.TP_STATUS_AVAILABLE && (status & socket_h.TP_STATUS_WRONG_FORMAT) == 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * The counters, with the kernel's RX drop and queue-freeze counts brought up to date
     * ({@code getsockopt(PACKET_STATISTICS)}, which resets the kernel's counters: they are accumulated here).
     * Control plane: one system call.
     *
     * @return a snapshot
     */
    public Stats stats() {
        if (!closed) {
            statsLen.set(ValueLayout.JAVA_INT, 0, (int) tpacket_stats_v3.sizeof());
            tpacket_stats_v3.tp_freeze_q_cnt(statsBuf, 0); // V2 fills only tp_packets and tp_drops
            Errors.check("getsockopt(SOL_PACKET, PACKET_STATISTICS)",
                net_h.getsockopt(fd, socket_h.SOL_PACKET, socket_h.PACKET_STATISTICS, statsBuf, statsLen));
            rxDrops += Integer.toUnsignedLong(tpacket_stats_v3.tp_drops(statsBuf));
            rxQueueFreezes += Integer.toUnsignedLong(tpacket_stats_v3.tp_freeze_q_cnt(statsBuf));
        }
        return new Stats(config.tpacketVersion(), rxFrames, rxDrops, rxQueueFreezes, txFrames, txRingFull, txKickErrors,
            txWrongFormat);
    }

    /** @return the interface name */
    public String interfaceName() {
        return ifname;
    }

    /** @return the interface index */
    public int interfaceIndex() {
        return ifindex;
    }

    /** @return the configuration */
    public AfPacketConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Unmap first: close() of a socket whose rings are still mapped keeps them alive until munmap.
        mman_h.munmap(ring, ring.byteSize());
        unistd_h.close(fd);
        control.close();
    }

    /**
     * Counters of one socket.
     *
     * @param tpacketVersion the rings' TPACKET version (2 or 3)
     * @param rxFrames       frames handed to RX handlers
     * @param rxDrops        frames the kernel dropped for want of ring space (PACKET_STATISTICS tp_drops)
     * @param rxQueueFreezes times the kernel found every block owned by user space (tp_freeze_q_cnt)
     * @param txFrames       frames committed to the TX ring
     * @param txRingFull     claims refused because the next slot was still in flight
     * @param txKickErrors   kicks the device refused for now (EAGAIN, ENOBUFS, ENETDOWN), retried on the next flush
     * @param txWrongFormat  slots the kernel rejected as malformed
     */
    public record Stats(int tpacketVersion, long rxFrames, long rxDrops, long rxQueueFreezes, long txFrames,
            long txRingFull, long txKickErrors, long txWrongFormat) {
    }
}
