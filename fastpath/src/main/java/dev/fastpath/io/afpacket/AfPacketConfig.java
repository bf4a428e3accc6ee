package dev.fastpath.io.afpacket;

/**
 * Geometry and options of an {@link AfPacketIo} socket. The constraints are the kernel's
 * ({@code packet_set_ring()} in net/packet/af_packet.c; Documentation/networking/packet_mmap.rst):
 * block sizes are multiples of the page size (4096 here) and powers of two (the kernel allocates blocks
 * with {@code __get_free_pages}), frame sizes multiples of {@code TPACKET_ALIGNMENT} (16).
 *
 * @param rxBlockSize      bytes per RX block (TPACKET_V3: the unit handed between kernel and user)
 * @param rxBlockCount     RX blocks
 * @param rxFrameSize      nominal RX frame size; V3 packs variable-length frames, this only sizes
 *                         {@code tp_frame_nr}
 * @param rxRetireMs       {@code tp_retire_blk_tov}: a block that is not full is handed over after this
 *                         many milliseconds (the kernel's minimum is 1; 0 lets the kernel pick from the link
 *                         speed, which is 8 ms or more)
 * @param txFrameSize      bytes per TX slot, header included
 * @param txFrameCount     TX slots (rounded up to a whole number of TX blocks)
 * @param txBlockSize      bytes per TX block
 * @param qdiscBypass      PACKET_QDISC_BYPASS: hand TX frames straight to the driver
 * @param ignoreOutgoing   PACKET_IGNORE_OUTGOING: do not see frames this host sends on the interface
 * @param fanoutGroup      fanout group id (0..65535) shared by the workers of one interface, or -1 for no fanout
 * @param steerWorkers     0: the group is PACKET_FANOUT_HASH (the kernel's flow hash picks the socket);
 *                         N &ge; 1: PACKET_FANOUT_CBPF with {@link PortSteering}'s program over N sockets, so
 *                         the worker of a TCP flow is {@code PortSteering.workerOf(ports, N)}
 * @param tpacketVersion   3 (TPACKET_V3: RX in blocks, handed over when full or after {@code rxRetireMs}) or 2
 *                         (TPACKET_V2: RX in fixed {@code rxFrameSize} slots, each handed over as soon as it is
 *                         written — no retire wait, one status word per frame); both rings use that version
 */
public record AfPacketConfig(int rxBlockSize, int rxBlockCount, int rxFrameSize, int rxRetireMs,
        int txFrameSize, int txFrameCount, int txBlockSize, boolean qdiscBypass, boolean ignoreOutgoing,
        int fanoutGroup, int steerWorkers, int tpacketVersion) {

    private static final int PAGE = 4096;

    /**
     * A TPACKET_V3 configuration (the default version).
     *
     * @param rxBlockSize    see the record
     * @param rxBlockCount   see the record
     * @param rxFrameSize    see the record
     * @param rxRetireMs     see the record
     * @param txFrameSize    see the record
     * @param txFrameCount   see the record
     * @param txBlockSize    see the record
     * @param qdiscBypass    see the record
     * @param ignoreOutgoing see the record
     * @param fanoutGroup    see the record
     * @param steerWorkers   see the record
     */
    public AfPacketConfig(int rxBlockSize, int rxBlockCount, int rxFrameSize, int rxRetireMs, int txFrameSize,
            int txFrameCount, int txBlockSize, boolean qdiscBypass, boolean ignoreOutgoing, int fanoutGroup,
            int steerWorkers) {
        this(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount, txBlockSize, qdiscBypass,
            ignoreOutgoing, fanoutGroup, steerWorkers, 3);
    }

    /** Validates every field; the message names the field and the allowed range. */
    public AfPacketConfig {
        requirePowerOfTwoPages("rxBlockSize", rxBlockSize);
        requirePowerOfTwoPages("txBlockSize", txBlockSize);
        require("rxBlockCount", rxBlockCount, 1, 1 << 16);
        require("rxFrameSize", rxFrameSize, 128, rxBlockSize);
        require("rxRetireMs", rxRetireMs, 0, 60_000);
        require("txFrameSize", txFrameSize, 128, txBlockSize);
        require("txFrameCount", txFrameCount, 1, 1 << 20);
        require("fanoutGroup", fanoutGroup, -1, 0xFFFF);
        require("steerWorkers", steerWorkers, 0, 0xFFFF);
        require("tpacketVersion", tpacketVersion, 2, 3);
        if (rxFrameSize % 16 != 0 || txFrameSize % 16 != 0) {
            throw new IllegalArgumentException("rxFrameSize and txFrameSize must be multiples of 16 (TPACKET_ALIGNMENT)"
                + ": " + rxFrameSize + ", " + txFrameSize);
        }
    }

    /**
     * The defaults: 32 RX blocks of 256 KiB (8 MiB) retired after 1 ms, 512 TX slots of 2 KiB, qdisc bypassed,
     * own frames ignored, no fanout. Many smaller blocks rather than a few big ones: at low rates every retired
     * block carries only the frames of one timer period (1 ms is one jiffy or more), so the block count, not the
     * bytes, decides how long a stalled consumer can be away before the kernel freezes the queue and drops.
     *
     * @return the default configuration
     */
    public static AfPacketConfig defaults() {
        return new AfPacketConfig(1 << 18, 32, 2048, 1, 2048, 512, 1 << 16, true, true, -1, 0);
    }

    /**
     * @param group a PACKET_FANOUT_HASH group id, or -1 for none
     * @return a copy with that fanout group
     */
    public AfPacketConfig withFanoutGroup(int group) {
        return new AfPacketConfig(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount,
            txBlockSize, qdiscBypass, ignoreOutgoing, group, 0, tpacketVersion);
    }

    /**
     * @param group   a PACKET_FANOUT_CBPF group id
     * @param workers sockets that will join it, in worker order (see {@link PortSteering})
     * @return a copy in that group, steered by the TCP ports
     */
    public AfPacketConfig withPortSteering(int group, int workers) {
        return new AfPacketConfig(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount,
            txBlockSize, qdiscBypass, ignoreOutgoing, group, workers, tpacketVersion);
    }

    /**
     * @param blockSize bytes per RX block
     * @param blockCount RX blocks
     * @return a copy with that RX ring geometry
     */
    public AfPacketConfig withRxRing(int blockSize, int blockCount) {
        return new AfPacketConfig(blockSize, blockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount,
            txBlockSize, qdiscBypass, ignoreOutgoing, fanoutGroup, steerWorkers, tpacketVersion);
    }

    /**
     * @param ignore whether to hide this host's own outgoing frames from the RX ring
     * @return a copy with PACKET_IGNORE_OUTGOING set accordingly
     */
    public AfPacketConfig withIgnoreOutgoing(boolean ignore) {
        return new AfPacketConfig(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount,
            txBlockSize, qdiscBypass, ignore, fanoutGroup, steerWorkers, tpacketVersion);
    }

    /**
     * @param version 2 or 3
     * @return a copy whose rings use that TPACKET version
     */
    public AfPacketConfig withTpacketVersion(int version) {
        return new AfPacketConfig(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount,
            txBlockSize, qdiscBypass, ignoreOutgoing, fanoutGroup, steerWorkers, version);
    }

    /**
     * A TX ring of exactly {@code slots} frames: blocks of up to 64 KiB, smaller for a ring smaller than one such
     * block (the kernel wants {@code tp_frame_nr} to be the blocks' frames exactly).
     *
     * @param slots a power of two, 8..65536
     * @return a copy with that TX ring
     */
    public AfPacketConfig withTxSlots(int slots) {
        if (slots < 8 || slots > 1 << 16 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("TX slots = " + slots + " must be a power of two in 8..65536");
        }
        int block = (int) Math.min(1 << 16, (long) slots * txFrameSize);
        return new AfPacketConfig(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, slots,
            Math.max(PAGE, Integer.highestOneBit(block)), qdiscBypass, ignoreOutgoing, fanoutGroup, steerWorkers,
            tpacketVersion);
    }

    /**
     * @param bypass PACKET_QDISC_BYPASS: straight to the driver; false: through the interface's queueing discipline
     *               (tc shaping applies; a full queue answers the kick with ENOBUFS and the frame stays requested)
     * @return a copy with that TX path
     */
    public AfPacketConfig withQdiscBypass(boolean bypass) {
        return new AfPacketConfig(rxBlockSize, rxBlockCount, rxFrameSize, rxRetireMs, txFrameSize, txFrameCount,
            txBlockSize, bypass, ignoreOutgoing, fanoutGroup, steerWorkers, tpacketVersion);
    }

    /** @return RX slots per RX block (TPACKET_V2) */
    public int rxFramesPerBlock() {
        return rxBlockSize / rxFrameSize;
    }

    /** @return TX slots per TX block */
    public int txFramesPerBlock() {
        return txBlockSize / txFrameSize;
    }

    /** @return TX blocks needed for {@link #txFrameCount()} slots */
    public int txBlockCount() {
        return (txFrameCount + txFramesPerBlock() - 1) / txFramesPerBlock();
    }

    private static void require(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " = " + value + " is outside " + min + ".." + max);
        }
    }

    private static void requirePowerOfTwoPages(String key, int value) {
        if (value < PAGE || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(key + " = " + value + " must be a power of two, at least " + PAGE);
        }
    }
}
