package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link XdpRing} on ordinary memory: one producer view and one consumer view over the same segment play
 * user space and kernel, laid out like a real ring (indices on separate cache lines, then the entries).
 */
class XdpRingTest {

    private static final long PROD = 0;
    private static final long CONS = 64;
    private static final long FLAGS = 128;
    private static final long DESC = 192;

    private static MemorySegment ring(Arena arena, int size, int entrySize, int startIndex) {
        MemorySegment m = arena.allocate(DESC + (long) size * entrySize, 64);
        m.set(ValueLayout.JAVA_INT, PROD, startIndex);
        m.set(ValueLayout.JAVA_INT, CONS, startIndex);
        return m;
    }

    @Test
    void reserveSubmitPeekReleaseInOrderAcrossIndexWrap() {
        try (Arena arena = Arena.ofConfined()) {
            int size = 16;
            int start = -40; // 0xFFFFFFD8: the u32 indices wrap to 0 after 40 entries
            MemorySegment m = ring(arena, size, 8, start);
            XdpRing prod = XdpRing.producer(m, PROD, CONS, FLAGS, DESC, size, 8);
            XdpRing cons = XdpRing.consumer(m, PROD, CONS, FLAGS, DESC, size, 8);
            Random rnd = new Random(42);
            long produced = 0;
            long consumed = 0;
            for (int round = 0; round < 10_000; round++) {
                int n = 1 + rnd.nextInt(size);
                int got = prod.reserve(n);
                if (got == 0) {
                    assertTrue(produced - consumed + n > size, "reserve refused with room left");
                } else {
                    assertEquals(n, got);
                    assertEquals((int) (start + produced), prod.index());
                    for (int k = 0; k < n; k++) {
                        prod.addr(prod.index() + k, produced++);
                    }
                    prod.submit(n);
                }
                int want = 1 + rnd.nextInt(size);
                int p = cons.peek(want);
                // Like libxdp, peek reloads the producer index only when its cached view is empty, so it may
                // return fewer than are ready, but never zero when something is.
                assertTrue(p <= Math.min(want, produced - consumed), "peeked more than was submitted");
                assertTrue(p > 0 || produced == consumed, "peek missed submitted entries");
                for (int k = 0; k < p; k++) {
                    assertEquals(consumed++, cons.addr(cons.index() + k));
                }
                cons.release(p);
            }
            assertTrue(produced > 10_000, "the test should push many laps through the ring");
            assertEquals((int) (start + produced), m.get(ValueLayout.JAVA_INT, PROD));
            assertEquals((int) (start + consumed), m.get(ValueLayout.JAVA_INT, CONS));
        }
    }

    @Test
    void reserveAtWrapBoundaryMasksSlots() {
        try (Arena arena = Arena.ofConfined()) {
            int size = 8;
            MemorySegment m = ring(arena, size, 8, -2); // 0xFFFFFFFE
            XdpRing prod = XdpRing.producer(m, PROD, CONS, FLAGS, DESC, size, 8);
            XdpRing cons = XdpRing.consumer(m, PROD, CONS, FLAGS, DESC, size, 8);
            assertEquals(4, prod.reserve(4));
            assertEquals(-2, prod.index());
            assertEquals(DESC + 6 * 8, prod.entryOffset(prod.index()));
            assertEquals(DESC + 1 * 8, prod.entryOffset(prod.index() + 3));
            for (int k = 0; k < 4; k++) {
                prod.addr(prod.index() + k, 100 + k);
            }
            prod.submit(4);
            assertEquals(2, m.get(ValueLayout.JAVA_INT, PROD), "producer index wrapped past 2^32");
            assertEquals(4, cons.peek(10));
            assertEquals(-2, cons.index());
            for (int k = 0; k < 4; k++) {
                assertEquals(100 + k, cons.addr(cons.index() + k));
            }
            cons.release(4);
            assertEquals(2, m.get(ValueLayout.JAVA_INT, CONS));
        }
    }

    @Test
    void fullRingRefusesUntilConsumerReleases() {
        try (Arena arena = Arena.ofConfined()) {
            int size = 4;
            MemorySegment m = ring(arena, size, 8, 0);
            XdpRing prod = XdpRing.producer(m, PROD, CONS, FLAGS, DESC, size, 8);
            XdpRing cons = XdpRing.consumer(m, PROD, CONS, FLAGS, DESC, size, 8);
            assertEquals(0, prod.reserve(size + 1), "more than the ring holds");
            assertEquals(size, prod.reserve(size));
            prod.submit(size);
            assertEquals(0, prod.reserve(1), "full");
            assertEquals(3, cons.peek(3));
            assertEquals(0, prod.reserve(1), "peeked but not released: slots still owned by the consumer");
            cons.release(3);
            assertEquals(3, prod.reserve(3));
            assertEquals(0, prod.reserve(1));
        }
    }

    @Test
    void unsubmittedEntriesAreInvisibleAndCancelReturnsPeeked() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = ring(arena, 8, 8, 7);
            XdpRing prod = XdpRing.producer(m, PROD, CONS, FLAGS, DESC, 8, 8);
            XdpRing cons = XdpRing.consumer(m, PROD, CONS, FLAGS, DESC, 8, 8);
            assertEquals(0, cons.peek(1), "empty");
            assertEquals(2, prod.reserve(2));
            assertEquals(0, cons.peek(8), "reserved but not submitted");
            prod.submit(2);
            assertEquals(2, cons.peek(8));
            cons.cancel(2);
            assertEquals(2, cons.peek(8), "cancel hands the entries back to the next peek");
            assertEquals(7, cons.index());
            cons.release(2);
            assertEquals(0, cons.peek(8));
        }
    }

    @Test
    void descriptorRingAndNeedWakeup() {
        try (Arena arena = Arena.ofConfined()) {
            int size = 4;
            int entry = (int) xdp_desc.sizeof();
            MemorySegment m = ring(arena, size, entry, -1);
            XdpRing tx = XdpRing.producer(m, PROD, CONS, FLAGS, DESC, size, entry);
            XdpRing kernel = XdpRing.consumer(m, PROD, CONS, FLAGS, DESC, size, entry);
            assertFalse(tx.needsWakeup());
            m.set(ValueLayout.JAVA_INT, FLAGS, if_xdp_h.XDP_RING_NEED_WAKEUP);
            assertTrue(tx.needsWakeup());
            assertEquals(2, tx.reserve(2));
            tx.desc(tx.index(), 4096, 60, 0);
            tx.desc(tx.index() + 1, 8192, 1514, 0);
            tx.submit(2);
            assertEquals(2, kernel.peek(2));
            MemorySegment second = m.asSlice(kernel.entryOffset(kernel.index() + 1), xdp_desc.LAYOUT);
            assertEquals(8192, xdp_desc.addr(second));
            assertEquals(1514, xdp_desc.len(second));
            assertEquals(4096, kernel.addr(kernel.index()));
            assertEquals(60, kernel.len(kernel.index()));
            assertEquals(0, kernel.options(kernel.index()));
        }
    }

    @Test
    void rejectsBadGeometry() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = ring(arena, 8, 8, 0);
            assertThrows(IllegalArgumentException.class, () -> XdpRing.producer(m, PROD, CONS, FLAGS, DESC, 6, 8));
            assertThrows(IllegalArgumentException.class, () -> XdpRing.producer(m, PROD, CONS, FLAGS, DESC, 8, 12));
            assertThrows(IllegalArgumentException.class, () -> XdpRing.producer(m, PROD, CONS, FLAGS, DESC, 16, 8));
        }
    }

    /** Two threads, as with the kernel: acquire/release must carry entry contents across. */
    @Test
    void concurrentProducerAndConsumerSeeEveryEntryInOrder() throws InterruptedException {
        int size = 64;
        long total = 2_000_000;
        MemorySegment m = ring(Arena.ofAuto(), size, 8, -1000);
        XdpRing prod = XdpRing.producer(m, PROD, CONS, FLAGS, DESC, size, 8);
        XdpRing cons = XdpRing.consumer(m, PROD, CONS, FLAGS, DESC, size, 8);
        AtomicReference<String> failure = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            long expect = 0;
            while (expect < total) {
                int n = cons.peek(16);
                for (int k = 0; k < n; k++) {
                    long v = cons.addr(cons.index() + k);
                    if (v != expect) {
                        failure.compareAndSet(null, "expected " + expect + " got " + v);
                        return;
                    }
                    expect++;
                }
                cons.release(n);
                if (n == 0) {
                    Thread.onSpinWait();
                }
            }
        });
        long next = 0;
        while (next < total && consumer.isAlive()) {
            int n = (int) Math.min(8, total - next);
            if (prod.reserve(n) == 0) {
                Thread.onSpinWait();
                continue;
            }
            for (int k = 0; k < n; k++) {
                prod.addr(prod.index() + k, next++);
            }
            prod.submit(n);
        }
        consumer.join(30_000);
        assertNull(failure.get());
        assertFalse(consumer.isAlive());
    }
}
