package dev.fastpath.io.mem;

import dev.fastpath.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Two {@link PacketIo} endpoints joined in-process, on a {@link VirtualClock}, with seeded loss,
 * duplication, reordering (random extra delay) and a fixed delay. Every frame that crosses is shown
 * to the taps first (for captures and assertions). For tests and simulations; not thread-safe.
 */
public final class InMemoryLink {
    /** Sees every frame put on the link, before loss is applied. */
    @FunctionalInterface
    public interface Tap {
        /**
         * @param from  0 for endpoint A, 1 for B
         * @param frame the frame's bytes
         * @param nowNs when it was sent
         */
        void onFrame(int from, byte[] frame, long nowNs);
    }

    private record InFlight(long deliverAtNs, long order, byte[] frame) {
    }

    private static final int FRAME_SIZE = 2048;
    /** Received frames may be as large as an IPv4 packet can be (scripted peers send GRO-sized segments). */
    private static final int RX_FRAME_MAX = 65_535 + 18;
    private final VirtualClock clock;
    private final SplittableRandom random;
    private final Endpoint a;
    private final Endpoint b;
    private final List<Tap> taps = new ArrayList<>();
    private double loss;
    private double duplication;
    private long delayNs;
    private long jitterNs;
    private long order;

    /**
     * @param clock the shared clock
     * @param seed  seeds loss, duplication and reordering
     */
    public InMemoryLink(VirtualClock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.a = new Endpoint(0);
        this.b = new Endpoint(1);
    }

    /**
     * @param lossRate        probability a frame is dropped (0..1)
     * @param duplicationRate probability a frame arrives twice
     * @param baseDelayNs     one-way delay
     * @param jitterNs        extra random delay up to this much (reorders frames)
     * @return this
     */
    public InMemoryLink impair(double lossRate, double duplicationRate, long baseDelayNs, long jitterNs) {
        this.loss = lossRate;
        this.duplication = duplicationRate;
        this.delayNs = baseDelayNs;
        this.jitterNs = jitterNs;
        return this;
    }

    /** @param tap sees every frame */
    public void addTap(Tap tap) {
        taps.add(tap);
    }

    /** @return endpoint A */
    public Endpoint a() {
        return a;
    }

    /** @return endpoint B */
    public Endpoint b() {
        return b;
    }

    /** @return frames still on the wire towards either side */
    public int inFlight() {
        return a.incoming.size() + b.incoming.size();
    }

    /** @return the earliest time a frame in flight is due, or Long.MAX_VALUE */
    public long nextDeliveryNs() {
        long t = Long.MAX_VALUE;
        for (Endpoint e : new Endpoint[] {a, b}) {
            if (!e.incoming.isEmpty()) {
                t = Math.min(t, e.incoming.peek().deliverAtNs());
            }
        }
        return t;
    }

    private void transmit(int from, byte[] frame) {
        long now = clock.nowNs();
        for (Tap t : taps) {
            t.onFrame(from, frame, now);
        }
        Endpoint to = from == 0 ? b : a;
        if (loss > 0 && random.nextDouble() < loss) {
            return;
        }
        int copies = duplication > 0 && random.nextDouble() < duplication ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long jitter = jitterNs > 0 ? random.nextLong(jitterNs + 1) : 0;
            to.incoming.add(new InFlight(now + delayNs + jitter, order++, frame));
        }
    }

    /** One side of the link. */
    public final class Endpoint implements PacketIo {
        private final int side;
        private final PriorityQueue<InFlight> incoming = new PriorityQueue<>(
                (x, y) -> x.deliverAtNs() != y.deliverAtNs() ? Long.compare(x.deliverAtNs(), y.deliverAtNs())
                        : Long.compare(x.order(), y.order()));
        private final MemorySegment rx = Arena.ofAuto().allocate(RX_FRAME_MAX, 64);
        private final MemorySegment tx = Arena.ofAuto().allocate(FRAME_SIZE * 64L, 64);
        private final ArrayDeque<Long> freeTx = new ArrayDeque<>();
        private boolean refuseTx;

        private Endpoint(int side) {
            this.side = side;
            for (long i = 0; i < 64; i++) {
                freeTx.add(i * FRAME_SIZE);
            }
        }

        @Override
        public int receive(RxHandler handler, int limit) {
            int n = 0;
            while (n < limit && !incoming.isEmpty() && incoming.peek().deliverAtNs() <= clock.nowNs()) {
                byte[] f = incoming.poll().frame();
                MemorySegment.copy(f, 0, rx, ValueLayout.JAVA_BYTE, 0, f.length);
                handler.onFrame(rx, 0, f.length, 0);
                n++;
            }
            return n;
        }

        /**
         * Puts a frame on the link as if this side had sent it (for scripted tests).
         *
         * @param frame the frame
         */
        public void inject(byte[] frame) {
            transmit(side, frame.clone());
        }

        @Override
        public MemorySegment txBuffer() {
            return tx;
        }

        /**
         * Makes {@link #txClaim} refuse every frame, like a device whose queue is full (or a qdisc
         * that drops everything: packetdrill's {@code tc qdisc … pfifo limit 0}).
         *
         * @param on whether to refuse
         */
        public void refuseTx(boolean on) {
            refuseTx = on;
        }

        @Override
        public long txClaim() {
            if (refuseTx) {
                return -1;
            }
            Long off = freeTx.poll();
            return off == null ? -1 : off;
        }

        @Override
        public int txFrameCapacity() {
            return FRAME_SIZE;
        }

        @Override
        public void txCommit(long offset, int length) {
            byte[] f = new byte[length];
            MemorySegment.copy(tx, ValueLayout.JAVA_BYTE, offset, f, 0, length);
            freeTx.add(offset);
            transmit(side, f);
        }

        @Override
        public void txAbort(long offset) {
            freeTx.add(offset);
        }

        @Override
        public int flush() {
            return 0;
        }

        @Override
        public void close() {
            incoming.clear();
        }
    }
}
