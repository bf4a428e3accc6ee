package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import dev.fastpath.pcap.PcapWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One generator thread of {@code fastpath stress}: busy-polls one {@link PacketIo}, hands what comes in to the
 * {@link FloodReceiver} (which counts SYN-ACKs, answers ARP and, with {@code --complete}, lets the {@link Completer}
 * answer), and sends SYNs from the {@link TupleWalker} at the rate the {@link RatePlan} gives for the current second
 * (or as fast as the TX ring takes them). Each second it records a {@link Sample} and hands it to the listener.
 *
 * <p>Bounds: stops at the deadline, at {@code maxCount} SYNs or when the walk runs out, then keeps receiving (and
 * completing) for the linger time.
 */
public final class StressRun {

    private static final int BATCH = 64;
    private static final int RX_LIMIT = 256;
    private static final long NS_PER_S = 1_000_000_000L;

    /**
     * SYNs per second over time: {@code start}, raised by {@code increment} every {@code stepSeconds} (a staircase;
     * 0 increment: fixed). A start of 0 is {@code --rate max}: as fast as the TX ring drains.
     *
     * @param start       SYNs per second in the first step (0: max)
     * @param increment   added at each step
     * @param stepSeconds the length of a step
     */
    public record RatePlan(long start, long increment, int stepSeconds) {

        /** Validates. */
        public RatePlan {
            if (start < 0 || increment < 0 || stepSeconds < 1) {
                throw new IllegalArgumentException("rate plan " + start + "+" + increment + "/" + stepSeconds
                    + "s must be non-negative with steps of at least 1 s");
            }
        }

        /**
         * @param perSecond SYNs per second, 0 for max
         * @return the plan
         */
        public static RatePlan fixed(long perSecond) {
            return new RatePlan(perSecond, 0, 1);
        }

        /**
         * @param second the second of the run (0-based)
         * @return the rate then (0: max)
         */
        public long rateAt(int second) {
            return start == 0 ? 0 : start + increment * (second / stepSeconds);
        }
    }

    /**
     * Counts over one second of the run.
     *
     * @param second    the second (1-based: the first full second is 1)
     * @param offered   the rate asked for then (0: max)
     * @param sent      SYNs sent in it
     * @param synAcks   SYN-ACKs to our tuples in it
     * @param completed connections shown established in it ({@code --complete})
     * @param resets    RSTs to our tuples in it
     */
    public record Sample(int second, long offered, long sent, long synAcks, long completed, long resets) {
    }

    /** Hears each second's sample on the generator thread. */
    @FunctionalInterface
    public interface SecondListener {
        /**
         * @param s the second's counts
         */
        void onSecond(Sample s);
    }

    /**
     * What the thread did.
     *
     * @param sent      SYNs sent
     * @param seconds   the sending time
     * @param exhausted whether it stopped at the count or the end of the walk
     * @param txRingFull SYNs that waited for a full TX ring
     * @param samples   one per second
     */
    public record Totals(long sent, double seconds, boolean exhausted, long txRingFull, List<Sample> samples) {
    }

    private final PacketIo io;
    private final TupleWalker walker;
    private final FloodReceiver receiver;
    private final Completer completer;
    private final SynTemplate template;
    private final TupleIsn isn;
    private final RatePlan plan;
    private final long durationNs;
    private final long maxCount;
    private final long lingerNs;
    private final PcapWriter pcap;
    private final SecondListener listener;

    private long sent;
    private long txRingFull;

    /**
     * @param io         where SYNs go and answers come from
     * @param walker     the source tuples (consumed)
     * @param receiver   counts the answers (its ISN and hook set by the caller)
     * @param completer  the completing clients, or null
     * @param template   the SYN (closed by the caller)
     * @param isn        the ISN of each tuple
     * @param plan       the rate over time
     * @param durationNs how long to send
     * @param maxCount   the most SYNs
     * @param lingerNs   how long to keep receiving after the last SYN
     * @param pcap       where every SYN is also written, or null
     * @param listener   hears each second, or null
     */
    public StressRun(PacketIo io, TupleWalker walker, FloodReceiver receiver, Completer completer,
            SynTemplate template, TupleIsn isn, RatePlan plan, long durationNs, long maxCount, long lingerNs,
            PcapWriter pcap, SecondListener listener) {
        this.io = io;
        this.walker = walker;
        this.receiver = receiver;
        this.completer = completer;
        this.template = template;
        this.isn = isn;
        this.plan = plan;
        this.durationNs = durationNs;
        this.maxCount = maxCount;
        this.lingerNs = lingerNs;
        this.pcap = pcap;
        this.listener = listener;
    }

    /**
     * Runs to the end.
     *
     * @return what was sent, second by second
     */
    public Totals run() {
        long start = System.nanoTime();
        long wallOffsetNs = System.currentTimeMillis() * 1_000_000L - start;
        int tsBase = (int) System.currentTimeMillis();
        receiver.tsWindow(tsBase, tsBase);
        long deadline = start + durationNs;
        List<Sample> samples = new ArrayList<>();
        long[] last = new long[4];
        int second = 0;
        long nextMark = start + NS_PER_S;
        TokenBucket bucket = bucket(plan.rateAt(0), start);
        boolean exhausted = false;
        long now = start;
        while (now < deadline && !exhausted) {
            io.receive(receiver, RX_LIMIT);
            long want = Math.min(BATCH, maxCount - sent);
            long tokens = bucket == null ? want : bucket.take(now, want);
            int ts = tsBase + (int) ((now - start) / 1_000_000L);
            template.tsVal(ts);
            receiver.tsWindow(tsBase, ts);
            int done = sendBatch((int) tokens, now + wallOffsetNs);
            if (bucket != null && done < tokens) {
                bucket.giveBack(tokens - done);
            }
            io.flush();
            exhausted = sent >= maxCount || walker.remaining() == 0;
            now = System.nanoTime();
            if (now >= nextMark) {
                second++;
                samples.add(sample(second, plan.rateAt(second - 1), last));
                nextMark += NS_PER_S;
                long rate = plan.rateAt(second);
                if (rate != plan.rateAt(second - 1)) {
                    bucket = bucket(rate, now);
                }
            }
        }
        long sendEnd = System.nanoTime();
        long lingerEnd = sendEnd + lingerNs;
        while (System.nanoTime() < lingerEnd) {
            io.flush();
            if (io.receive(receiver, RX_LIMIT) == 0) {
                Thread.onSpinWait();
            }
        }
        io.flush();
        // The last (partial) second and the linger: what came in after the last full second.
        samples.add(sample(second + 1, plan.rateAt(second), last));
        return new Totals(sent, (sendEnd - start) / 1e9, exhausted, txRingFull, List.copyOf(samples));
    }

    private Sample sample(int second, long offered, long[] last) {
        long[] now = {sent, receiver.synAcks(), completer == null ? 0 : completer.completed(), receiver.resets()};
        Sample s = new Sample(second, offered, now[0] - last[0], now[1] - last[1], now[2] - last[2],
            now[3] - last[3]);
        System.arraycopy(now, 0, last, 0, now.length);
        if (listener != null) {
            listener.onSecond(s);
        }
        return s;
    }

    private static TokenBucket bucket(long rate, long now) {
        // Bursts of 20 ms of tokens: a short stall is made up, a long one is not.
        return rate <= 0 ? null : new TokenBucket(rate, Math.max(4L * BATCH, rate / 50), now);
    }

    private int sendBatch(int n, long wallNs) {
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
            template.set(ip, port, isn.isn(ip, port), (int) sent & 0xFFFF);
            template.copyTo(tx, at);
            io.txCommit(at, template.length());
            sent++;
            if (pcap != null) {
                try {
                    pcap.write(tx, at, template.length(), wallNs);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the pcap file", e);
                }
            }
        }
        return done;
    }

    /** @return SYNs sent so far */
    public long sent() {
        return sent;
    }
}
