package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.mman_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.tcp.cookie.SynCookies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * SYN cookies answered in XDP: the AF_XDP program of {@code serve} answers a SYN to the listener with the
 * engine's own cookie SYN-ACK, built in place and sent back out of the interface (XDP_TX) — no copy to the
 * socket, no Java, no skb per SYN — and redirects every other frame to the socket as before. The final ACK goes
 * to the engine, whose unchanged {@code cookieV4Check} validates it: the program computes exactly
 * {@link SynCookies#cookieV4InitSequence} and {@link SynCookies#cookieInitTimestamp} with the engine's keys and
 * clock, and writes the SYN-ACK byte for byte as the engine would.
 *
 * <p>Two mmap()ed arrays, one element per RX queue (one worker, one engine each): the configuration the engine
 * publishes (switch, address, port, MAC, MSS, windows, the answer table, keys, clock offset) with the program's
 * count of answers, and a counting filter of the 4-tuples the engine holds (requests, connections, TIME_WAIT
 * records): a SYN whose bucket is not empty goes to the engine, which alone knows what it means (a retransmission,
 * a new connection over TIME_WAIT). Collisions only cost the fast path. Both are plain memory to the engine: no
 * syscall.
 */
public final class XdpSynCookies implements AutoCloseable {

    // Configuration value layout (bytes).
    /** u32: non-zero to answer SYNs here. */
    public static final int ENABLED = 0;
    /** u32: our IPv4 address, network order. */
    public static final int IP = 4;
    /** u16: the listening port, network order. */
    public static final int PORT = 8;
    /** u16: the SYN-ACK's window. */
    public static final int WINDOW = 10;
    /** u16: the MSS we advertise. */
    public static final int MSS = 12;
    /** u8: our window scale (sent when the answer has window scaling). */
    public static final int WSCALE = 14;
    /** u8: non-zero to take a SYN whose TCP checksum field holds only the pseudo-header sum (a veth's peer). */
    public static final int CSUM_PARTIAL = 15;
    /** 6 bytes: our MAC, network order. */
    public static final int MAC = 16;
    /** u32: the filter's seed. */
    public static final int SEED = 24;
    /** u32: which key set the program uses, 0 or 1 (the engine writes the other, then flips this). */
    public static final int KEYSET = 28;
    /** Where key set 0 starts; set 1 starts at {@link #KEYS_1}. */
    public static final int KEYS_0 = 32;
    public static final int KEYS_1 = 112;
    /** Within a key set, u64 ×4: the cookie keys (SynCookies' k00, k01, k10, k11). */
    public static final int K00 = 0;
    public static final int K01 = 8;
    public static final int K10 = 16;
    public static final int K11 = 24;
    /** Within a key set, u64 ×2: the timestamp-offset key. */
    public static final int TS_K0 = 32;
    public static final int TS_K1 = 40;
    /** Bytes per key set. */
    public static final int KEYSET_SIZE = 48;
    /** s64: engine clock minus CLOCK_MONOTONIC (bpf_ktime_get_ns). */
    public static final int CLOCK_OFFSET = 80;
    /** u64: SYNs answered by the program (it adds, the engine reads). */
    public static final int ANSWERED = 88;
    /** u32 ×2: our subnet and its mask, host order. */
    public static final int NET = 96;
    public static final int NETMASK = 100;
    /** u32: non-zero when a gateway exists (else the engine has no route to an off-subnet source). */
    public static final int ROUTED = 104;
    /**
     * u8 ×16: the answer's options set for each set a SYN may offer, both as {@link #ANSWER_WSCALE} | {@link
     * #ANSWER_SACK} | {@link #ANSWER_TS} | {@link #ANSWER_ECN} (an ECN-setup SYN; in the answer, ECE): the engine
     * computes the table (its sysctls and the cookie rule: no timestamps, no options), the program only looks up.
     */
    public static final int ANSWERS = KEYS_1 + KEYSET_SIZE;
    public static final int ANSWER_WSCALE = 1;
    public static final int ANSWER_SACK = 2;
    public static final int ANSWER_TS = 4;
    public static final int ANSWER_ECN = 8;
    /** u16: the SYN-ACK's window when the answer has timestamps ({@link #WINDOW} is the one without). */
    public static final int WINDOW_TS = ANSWERS + 16;
    /** u16: the largest peer MSS a cookie encodes (TCP_MAXSEG of the listener, 65535 when unset). */
    public static final int MSS_CLAMP = WINDOW_TS + 2;
    /** u8: non-zero when the TSval carries the pair's secret offset (tcp.timestamps=1; 2: none, no hash for it). */
    public static final int TS_OFFSET_ON = MSS_CLAMP + 2;
    /** Bytes per queue (a multiple of 8: the array's element stride). */
    public static final int VALUE_SIZE = MSS_CLAMP + 6;
    /** Filter buckets per queue (u32 counts). */
    public static final int HELD_BUCKETS = 1 << 16;
    static final int HELD_MUL_IP = 0x9E3779B1;
    static final int HELD_MUL_PORTS = 0x85EBCA77;
    static final int[] MSS_TABLE = SynCookies.MSS_TABLE;

    private static final int PAGE = 4096;

    private final int configFd;
    private final int heldFd;
    private final int queues;
    /** Owns both mappings: closing it unmaps them, and any later access throws instead of touching freed memory. */
    private final Arena arena;
    private final MemorySegment config;
    private final MemorySegment held;
    private boolean closed;

    private XdpSynCookies(int configFd, int heldFd, int queues) {
        this.configFd = configFd;
        this.heldFd = heldFd;
        this.queues = queues;
        this.arena = Arena.ofShared();
        try {
            this.config = map(configFd, (long) queues * VALUE_SIZE);
            this.held = map(heldFd, (long) queues * HELD_BUCKETS * Integer.BYTES);
        } catch (RuntimeException e) {
            arena.close(); // unmaps what was mapped
            throw e;
        }
    }

    /**
     * Creates and maps both arrays (all zero: nothing answered until an engine switches its queue on).
     *
     * @param queues RX queues, numbered from 0
     * @return the maps
     */
    public static XdpSynCookies create(int queues) {
        int cfg = Errors.check("bpf(BPF_MAP_CREATE, fp_cookie_cfg)", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_ARRAY,
                Integer.BYTES, VALUE_SIZE, queues, bpf_h.BPF_F_MMAPABLE, "fp_cookie_cfg"));
        int heldMap = bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_ARRAY, Integer.BYTES, HELD_BUCKETS * Integer.BYTES, queues,
                bpf_h.BPF_F_MMAPABLE, "fp_cookie_held");
        try {
            Errors.check("bpf(BPF_MAP_CREATE, fp_cookie_held)", heldMap);
            return new XdpSynCookies(cfg, heldMap, queues);
        } catch (RuntimeException e) {
            unistd_h.close(cfg);
            if (heldMap >= 0) {
                unistd_h.close(heldMap);
            }
            throw e;
        }
    }

    private MemorySegment map(int fd, long bytes) {
        long length = roundUp(bytes);
        MemorySegment m = mman_h.mmapChecked(length, mman_h.PROT_READ | mman_h.PROT_WRITE, mman_h.MAP_SHARED, fd, 0);
        return m.reinterpret(length, arena, s -> mman_h.munmap(MemorySegment.ofAddress(s.address()), length))
                .asSlice(0, bytes);
    }

    /**
     * Loads the program once against a scratch XSKMAP, so that a kernel whose verifier refuses it is found before
     * any socket is opened. On refusal the maps are closed.
     *
     * @return this
     * @throws dev.fastpath.nativeio.NativeException with the verifier's reason
     */
    public XdpSynCookies verified() {
        int xsks = bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_XSKMAP, Integer.BYTES, Integer.BYTES, queues, "fp_xsks_try");
        try {
            Errors.check("bpf(BPF_MAP_CREATE, XSKMAP)", xsks);
            unistd_h.close(bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP, program(xsks), "XDP SYN cookies"));
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            if (xsks >= 0) {
                unistd_h.close(xsks);
            }
        }
    }

    /**
     * @param xskMapFd the XSKMAP of the sockets
     * @return the program: answer SYNs here, redirect the rest
     */
    public long[] program(int xskMapFd) {
        return XdpSynCookieProgram.instructions(xskMapFd, configFd, heldFd);
    }

    /**
     * @param queue an RX queue
     * @return its configuration ({@link #VALUE_SIZE} bytes, layout above)
     */
    public MemorySegment config(int queue) {
        return config.asSlice((long) checked(queue) * VALUE_SIZE, VALUE_SIZE);
    }

    /**
     * @param queue an RX queue
     * @return its filter: {@link #HELD_BUCKETS} u32 counts, bucket by {@link #heldBucket}
     */
    public MemorySegment held(int queue) {
        return held.asSlice((long) checked(queue) * HELD_BUCKETS * Integer.BYTES, (long) HELD_BUCKETS * Integer.BYTES);
    }

    private int checked(int queue) {
        if (queue < 0 || queue >= queues) {
            throw new IndexOutOfBoundsException("queue " + queue + " of " + queues);
        }
        return queue;
    }

    /**
     * The engine clock's lead over {@code bpf_ktime_get_ns} when the engine runs on {@code System::nanoTime}: 0,
     * unless the process is in a time namespace, whose CLOCK_MONOTONIC carries an offset the kernel's own clock
     * does not (read from {@code /proc/self/timens_offsets}, the {@code monotonic} line).
     *
     * @return nanoseconds to add to bpf_ktime_get_ns
     */
    public static long monotonicOffsetNs() {
        return monotonicOffsetNs(java.nio.file.Path.of("/proc/self/timens_offsets"));
    }

    static long monotonicOffsetNs(java.nio.file.Path file) {
        try {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("monotonic")) {
                    return Long.parseLong(f[1]) * 1_000_000_000L + Long.parseLong(f[2]);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return 0; // no time namespaces (before 5.6) or an unreadable file: no offset
        }
        return 0;
    }

    /**
     * The filter bucket of a 4-tuple with our address and a given port (the program computes the same).
     *
     * @param seed       the filter's seed ({@link #SEED})
     * @param remoteIp   the peer's address
     * @param remotePort the peer's port
     * @param localPort  our port
     * @return 0 .. {@link #HELD_BUCKETS} − 1
     */
    public static int heldBucket(int seed, int remoteIp, int remotePort, int localPort) {
        return ((remoteIp ^ seed) * HELD_MUL_IP ^ (remotePort << 16 | localPort) * HELD_MUL_PORTS) >>> 16;
    }

    /** Unmaps both arrays (later accesses throw) and closes the maps; the kernel frees them with the program. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        unistd_h.close(configFd);
        unistd_h.close(heldFd);
    }

    private static long roundUp(long bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }
}
