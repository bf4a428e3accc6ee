package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import dev.fastpath.io.xdp.EthtoolStats;
import dev.fastpath.pcap.PcapWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flood loop: one thread, busy-polling one {@link PacketIo}. Each turn it hands received frames to the
 * {@link FloodReceiver}, takes tokens (or a fixed batch in max mode), and for each token claims a TX frame,
 * steps the {@link TupleWalker}, patches the {@link SynTemplate} and copies it into the frame; then it
 * flushes. Nothing on this path allocates; the clock is read once per turn.
 *
 * <p>Bounds: the loop stops at the deadline, at {@code maxCount}, or when the walk runs out, whichever comes
 * first, then keeps receiving for the linger time so late SYN-ACKs are counted, then returns.
 */
public final class FloodGenerator {

    private static final int BATCH = 64;
    private static final int RX_LIMIT = 256;
    private static final long NS_PER_S = 1_000_000_000L;
    /** The constants of {@link #isn}; {@link LiveSynProgram} computes the same in BPF. */
    static final int ISN_IP_MUL = 0x9E3779B1;
    static final int ISN_PORT_MUL = 0x85EBCA6B;
    static final int ISN_MIX_MUL = 0x2C1B3C6D;
    static final int ISN_SHIFT_1 = 15;
    static final int ISN_SHIFT_2 = 12;
    /** Length of one live-frames test run: ~2 % of it is the call's own cost (15-20 µs measured). */
    private static final long LIVE_CALL_NS = 1_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(FloodGenerator.class);
    private final FloodSettings settings;
    private final PacketIo io;
    private final TupleWalker walker;
    private final FloodReceiver receiver;
    private final SynTemplate template;
    private final PcapWriter pcap;
    private final PrintStream progressOut;

    private long sent;
    private long txRingFull;
    /** Sends instead of {@link #io} when set ({@link #useLiveFrames}); {@link #io} then only receives. */
    private XdpLiveSender live;
    /** {@code --rate max} with live frames: paces to what the driver takes ({@link MaxPacer}); null otherwise. */
    private MaxPacer pacer;
    private EthtoolStats.Reader taken;
    private long nextPaceNs;
    private boolean closed;
    private int tsBase;
    private long startNs;

    /**
     * @param settings    what to send
     * @param io          where frames go and answers come from
     * @param walker      the source tuples (consumed by the run)
     * @param receiver    counts answers (it should answer ARP through {@code io})
     * @param pcap        where every sent frame is also written, or null
     * @param progressOut where progress lines go, or null
     */
    public FloodGenerator(FloodSettings settings, PacketIo io, TupleWalker walker, FloodReceiver receiver,
            PcapWriter pcap, PrintStream progressOut) {
        this.settings = settings;
        this.io = io;
        this.walker = walker;
        this.receiver = receiver;
        this.pcap = pcap;
        this.progressOut = progressOut;
        this.template = new SynTemplate(settings.srcMac(), settings.dstMac(), settings.dstIp(), settings.dstPort(),
            settings.options());
    }

    /**
     * Sends through XDP live frames ({@link XdpLiveSender}) instead of the packet I/O, which then only receives.
     * TSval is fixed from now on: the program rewrites the tuple, not the timestamp.
     *
     * @param iface the interface to send on
     * @throws RuntimeException when the kernel refuses the program, the test run or the attachment to lo
     */
    public void useLiveFrames(String iface) {
        tsBase = (int) System.currentTimeMillis();
        template.tsVal(tsBase);
        live = XdpLiveSender.open(iface, template, walker, settings.maxCount(), settings.ratePerSecond());
        if (settings.ratePerSecond() == FloodSettings.MAX) {
            taken = EthtoolStats.Reader.open(iface, "tx_queue_N_xdp_xmit");
            if (taken != null) {
                pacer = new MaxPacer();
            } else if (progressOut != null) {
                progressOut.println("flood: " + iface + " has no tx_queue_N_xdp_xmit counter: max sends unpaced");
            }
        }
    }

    /**
     * The ISN our SYN from {@code ip:port} carries: a mix of the tuple, so an answer's acknowledgment number
     * can be checked without remembering anything per SYN.
     *
     * @param ip   source address
     * @param port source port
     * @return the sequence number
     */
    public static int isn(int ip, int port) {
        int h = ip * ISN_IP_MUL ^ port * ISN_PORT_MUL;
        h ^= h >>> ISN_SHIFT_1;
        h *= ISN_MIX_MUL;
        h ^= h >>> ISN_SHIFT_2;
        return h;
    }

    /**
     * Runs the flood to its end: the warm-up (if any), then the measured part. Only the measured part is counted
     * in the result; answers to warm-up SYNs that arrive after the switch (a few milliseconds' worth) are
     * counted in it, as many as the measured part's own late answers that come after its end are not.
     *
     * @return what was measured
     */
    public FloodResult run() {
        try {
            return runAll();
        } finally {
            close();
        }
    }

    /** Frees the template and the live-frames sender (detaching its program from lo); {@link #run()} does it too. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        template.close();
        if (live != null) {
            live.close();
        }
        if (taken != null) {
            taken.close();
        }
    }

    private FloodResult runAll() {
        long start = System.nanoTime();
        startNs = start;
        // Burst of 20 ms of tokens: a short stall (GC, softirq work on this core) is made up, a long one is not.
        long rateNs = settings.ratePerSecond();
        // Live frames pace in their program: no bucket then.
        TokenBucket bucket = rateNs > 0 && live == null
            ? new TokenBucket(rateNs, Math.max(4L * BATCH, rateNs / 50), start) : null;
        if (live == null) {
            tsBase = (int) System.currentTimeMillis();
        }
        receiver.tsWindow(tsBase, tsBase);
        long wallOffsetNs = System.currentTimeMillis() * 1_000_000L - start;
        announce("sending"); // a harness reading our stdout learns that the JVM is up and SYNs are going out now
        boolean exhausted = false;
        if (settings.warmupNs() > 0) {
            exhausted = sendUntil(start + settings.warmupNs(), bucket, wallOffsetNs, null);
        }
        // Before the clock starts: reading the driver's count takes an ethtool run, milliseconds of not sending.
        long deliveredBase = live == null ? -1 : live.delivered();
        if (settings.warmupNs() > 0 || live != null) {
            start = System.nanoTime();
        }
        long[] base = {sent, receiver.synAcks(), receiver.resets(), receiver.arpReplies(), txRingFull,
            receiver.checked()};
        long[] mark = receiver.mark();
        announce("measuring");
        int seconds = (int) ((settings.durationNs() + NS_PER_S - 1) / NS_PER_S) + 1;
        Marks marks = new Marks(start, seconds, base[0], base[1], receiver.validLooking());
        if (!exhausted) {
            exhausted = sendUntil(start + settings.durationNs(), bucket, wallOffsetNs, marks);
        }
        long sendEnd = System.nanoTime();
        linger(sendEnd + settings.lingerNs());
        int used = marks.close();
        long made = sent - base[0];
        long delivered = deliveredBase < 0 ? -1 : live.delivered();
        // Live frames: sent is what the driver took, the rest of what the program made was dropped on the way.
        long drops = delivered < 0 ? -1 : made - (delivered - deliveredBase);
        long[] valid = receiver.validSince(mark);
        return new FloodResult(made - Math.max(drops, 0), receiver.synAcks() - base[1], valid[0], valid[1],
            receiver.resets() - base[2], receiver.arpReplies() - base[3], txRingFull - base[4],
            (sendEnd - start) / 1e9, exhausted,
            settings.ratePerSecond(), deltas(marks.sentAt, used), deltas(marks.acksAt, used), drops,
            receiver.checked() - base[5], pacer == null ? -1 : pacer.rate());
    }

    private void announce(String line) {
        if (progressOut != null && settings.progressEveryS() > 0) {
            progressOut.println(line);
            progressOut.flush();
        }
    }

    /**
     * The send loop until {@code deadline}; {@code marks} (null during the warm-up) takes a snapshot each second.
     *
     * @return whether it stopped early because the tuple walk or the count ran out
     */
    private boolean sendUntil(long deadline, TokenBucket bucket, long wallOffsetNs, Marks marks) {
        if (live != null) {
            return sendLiveUntil(deadline, marks);
        }
        long now = System.nanoTime();
        while (now < deadline) {
            io.receive(receiver, RX_LIMIT);
            long want = Math.min(BATCH, settings.maxCount() - sent);
            if (want == 0) {
                return true;
            }
            long tokens = bucket == null ? want : bucket.take(now, want);
            int done = sendBatch((int) tokens, now, wallOffsetNs);
            if (bucket != null && done < tokens) {
                bucket.giveBack(tokens - done);
            }
            io.flush();
            if (done < tokens && (walker.remaining() == 0 || sent >= settings.maxCount())) {
                return true;
            }
            now = System.nanoTime();
            if (marks != null) {
                marks.tick(now);
            }
        }
        return false;
    }

    /**
     * The live-frames loop: test runs of about {@link #LIVE_CALL_NS} (the program paces itself), and between
     * them the answers that came in meanwhile (the RX ring holds 13 ms of them at 620 k/s).
     */
    private boolean sendLiveUntil(long deadline, Marks marks) {
        long now = System.nanoTime();
        while (now < deadline) {
            for (int i = 0; i < 64 && io.receive(receiver, RX_LIMIT) == RX_LIMIT; i++) {
                // drained in chunks; bounded so a receive storm cannot starve the sending
            }
            io.flush(); // ARP answers
            live.run(Math.min(LIVE_CALL_NS, deadline - now));
            sent = live.sent();
            if (sent >= settings.maxCount()) {
                return true;
            }
            now = System.nanoTime();
            if (pacer != null && now >= nextPaceNs) {
                long tk = taken.read(0);
                long rate = pacer.step(now, sent, tk);
                LOG.debug("pace {} made={} taken={} -> {}", now, sent, tk, rate);
                if (rate >= 0) {
                    live.pace(rate);
                }
                nextPaceNs = now + MaxPacer.PERIOD_NS;
            }
            if (marks != null) {
                marks.tick(now);
            }
        }
        return false;
    }

    /** Cumulative counts at each second of the measured part, for the per-second rates and progress lines. */
    private final class Marks {
        final long[] sentAt;
        final long[] acksAt;
        private final long start;
        private final long sentBase;
        private final long acksBase;
        private final long validBase;
        private long nextMark;
        private int second;

        Marks(long start, int seconds, long sentBase, long acksBase, long validBase) {
            this.start = start;
            this.sentAt = new long[seconds + 1];
            this.acksAt = new long[seconds + 1];
            this.sentBase = sentBase;
            this.acksBase = acksBase;
            this.validBase = validBase;
            this.nextMark = start + NS_PER_S;
        }

        void tick(long now) {
            if (now < nextMark) {
                return;
            }
            nextMark += NS_PER_S;
            int s = Math.min(second + 1, sentAt.length - 1);
            sentAt[s] = sent - sentBase;
            acksAt[s] = receiver.synAcks() - acksBase;
            second = s;
            int every = settings.progressEveryS();
            if (progressOut != null && every > 0 && s % every == 0) {
                long ds = sentAt[s] - sentAt[s - 1];
                long da = acksAt[s] - acksAt[s - 1];
                progressOut.printf(Locale.ROOT, "progress t=%.1fs sent=%d (%d/s) syn-acks=%d (%d/s) valid=%d%n",
                    (now - start) / 1e9, sentAt[s], ds, acksAt[s], da, receiver.validLooking() - validBase);
                progressOut.flush();
            }
        }

        /** Records the final counts (after the linger) and returns how many per-second entries there are. */
        int close() {
            int last = Math.min(second + 1, sentAt.length - 1);
            sentAt[last] = sent - sentBase;
            acksAt[last] = receiver.synAcks() - acksBase;
            return last;
        }
    }

    /** Sends up to {@code n} SYNs; returns how many went into the TX ring. */
    private int sendBatch(int n, long now, long wallOffsetNs) {
        if (n <= 0) {
            return 0;
        }
        // TSval ticks in milliseconds like Linux's; the receiver accepts echoes of any value sent so far.
        int ts = tsBase + (int) ((now - startNs) / 1_000_000L);
        template.tsVal(ts);
        receiver.tsWindow(tsBase, ts);
        int done = 0;
        MemorySegment tx = io.txBuffer();
        for (; done < n; done++) {
            long at = io.txClaim();
            if (at < 0) {
                txRingFull++;
                break;
            }
            if (!walker.next()) {
                io.txAbort(at);
                break;
            }
            int ip = walker.address();
            int port = walker.port();
            template.set(ip, port, isn(ip, port), (int) sent & 0xFFFF);
            template.copyTo(tx, at);
            io.txCommit(at, template.length());
            sent++;
            if (pcap != null) {
                writePcap(tx, at, now + wallOffsetNs);
            }
        }
        return done;
    }

    private void writePcap(MemorySegment tx, long at, long timeNs) {
        try {
            pcap.write(tx, at, template.length(), timeNs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pcap file", e);
        }
    }

    private void linger(long until) {
        while (System.nanoTime() < until) {
            io.flush();
            if (io.receive(receiver, RX_LIMIT) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private static long[] deltas(long[] cumulative, int upTo) {
        long[] d = new long[upTo];
        for (int i = 1; i <= upTo; i++) {
            d[i - 1] = cumulative[i] - cumulative[i - 1];
        }
        return Arrays.copyOf(d, upTo);
    }

    /** @return SYNs sent so far */
    public long sent() {
        return sent;
    }
}
