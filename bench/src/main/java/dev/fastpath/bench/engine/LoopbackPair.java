package dev.fastpath.bench.engine;

import dev.fastpath.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Two {@link PacketIo} endpoints wired back to back without delay, loss or allocation: a committed
 * frame is copied into a preallocated receive ring on the other side, as a NIC's RX ring would hold
 * it. Unlike the test link ({@code InMemoryLink}, which allocates a byte[] and a queue entry per
 * frame) it leaves the engines as the only thing a benchmark measures.
 */
final class LoopbackPair {
    private static final int FRAME = 2048;
    final End a;
    final End b;

    /** @param ringFrames frames each receive ring holds (a power of two); more in flight are dropped */
    LoopbackPair(int ringFrames) {
        a = new End(ringFrames);
        b = new End(ringFrames);
        a.peer = b;
        b.peer = a;
    }

    /** One side: a single TX frame (one claim at a time, as PacketIo allows) and an RX ring. */
    static final class End implements PacketIo {
        private final MemorySegment tx = Arena.ofAuto().allocate(FRAME, 64);
        private final MemorySegment ring;
        private final int[] lengths;
        private final int mask;
        private End peer;
        private long head;
        private long tail;
        /** Frames dropped because the peer's ring was full (a benchmark that sees any is misconfigured). */
        long drops;
        long frames;

        End(int ringFrames) {
            if (Integer.bitCount(ringFrames) != 1) {
                throw new IllegalArgumentException("ring size must be a power of two");
            }
            ring = Arena.ofAuto().allocate((long) FRAME * ringFrames, 64);
            lengths = new int[ringFrames];
            mask = ringFrames - 1;
        }

        @Override
        public int receive(RxHandler handler, int limit) {
            int n = 0;
            while (n < limit && head != tail) {
                int slot = (int) (head & mask);
                handler.onFrame(ring, (long) slot * FRAME, lengths[slot], 0);
                head++;
                n++;
            }
            return n;
        }

        @Override
        public MemorySegment txBuffer() {
            return tx;
        }

        @Override
        public long txClaim() {
            return 0;
        }

        @Override
        public int txFrameCapacity() {
            return FRAME;
        }

        @Override
        public void txCommit(long offset, int length) {
            frames++;
            End p = peer;
            if (p.tail - p.head == p.lengths.length) {
                drops++;
                return;
            }
            int slot = (int) (p.tail & p.mask);
            MemorySegment.copy(tx, offset, p.ring, (long) slot * FRAME, length);
            p.lengths[slot] = length;
            p.tail++;
        }

        @Override
        public void txAbort(long offset) {
        }

        @Override
        public int flush() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
