package dev.fastpath.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    @Test
    void agreesWithAHashMapUnderRandomInsertLookupRemove() {
        SplittableRandom r = new SplittableRandom(7);
        ConnectionTable t = new ConnectionTable(5000, r.nextLong());
        Map<Long, Integer> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int remote = r.nextInt(64);
            int port = r.nextInt(128);
            long a = ConnectionTable.addresses(0xC6120001, 0xC6130000 + remote);
            int p = ConnectionTable.ports(80, 40000 + port);
            long key = (long) remote << 32 | port;
            switch (r.nextInt(3)) {
                case 0 -> {
                    int v = r.nextInt(1 << 20);
                    assertEquals(model.size() < 5000 || model.containsKey(key), t.put(a, p, v));
                    if (model.size() < 5000 || model.containsKey(key)) {
                        model.put(key, v);
                    }
                }
                case 1 -> assertEquals(model.getOrDefault(key, ConnectionTable.MISSING), t.get(a, p));
                default -> {
                    Integer old = model.remove(key);
                    assertEquals(old == null ? ConnectionTable.MISSING : old, t.remove(a, p));
                }
            }
            assertEquals(model.size(), t.size());
        }
    }

    @Test
    void refusesBeyondCapacityWithoutChangingAnything() {
        ConnectionTable t = new ConnectionTable(2, 1);
        assertTrue(t.put(1, 1, 10));
        assertTrue(t.put(2, 2, 20));
        assertFalse(t.put(3, 3, 30));
        assertTrue(t.put(2, 2, 21));
        assertEquals(21, t.get(2, 2));
        assertEquals(ConnectionTable.MISSING, t.get(3, 3));
    }

    /**
     * The owner inserts and removes keys (shifting probe chains) while two other threads look keys up
     * lock-free: a reader may see a key or not, but never a value that key never had, and the keys
     * the owner keeps throughout are always found. Bounded by operation counts, not time.
     */
    @Test
    void concurrentReadersNeverSeeAWrongValue() throws Exception {
        ConnectionTable t = new ConnectionTable(4096, 99);
        int stable = 512;
        for (int k = 0; k < stable; k++) {
            assertTrue(t.put(key(k), port(k), value(k)));
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong wrong = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lost = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        Runnable reader = () -> {
            SplittableRandom r = new SplittableRandom(Thread.currentThread().threadId());
            long n = 0;
            while (!done.get() && n < 50_000_000) {
                int k = r.nextInt(4096);
                int v = t.getConcurrent(key(k), port(k));
                if (v != ConnectionTable.MISSING && v != value(k)) {
                    wrong.incrementAndGet();
                }
                if (k < stable && v == ConnectionTable.MISSING) {
                    lost.incrementAndGet();
                }
                n++;
            }
            reads.addAndGet(n);
        };
        Thread r1 = new Thread(reader);
        Thread r2 = new Thread(reader);
        r1.start();
        r2.start();
        SplittableRandom w = new SplittableRandom(5);
        for (int i = 0; i < 2_000_000; i++) {
            int k = stable + w.nextInt(4096 - stable);
            if (w.nextBoolean()) {
                t.put(key(k), port(k), value(k));
            } else {
                t.remove(key(k), port(k));
            }
        }
        done.set(true);
        r1.join();
        r2.join();
        assertEquals(0, wrong.get(), "values a key never had");
        assertEquals(0, lost.get(), "stable keys reported missing");
        assertTrue(reads.get() > 0);
        assertEquals(t.size(), t.sizeConcurrent());
        ConnectionShards shards = new ConnectionShards(java.util.List.of(new ConnectionTable(8, 1), t));
        assertEquals(1L << 32 | value(7), shards.find(key(7), port(7)));
        assertEquals(-1, shards.find(key(7), ConnectionTable.ports(81, 1)));
    }

    private static long key(int k) {
        return ConnectionTable.addresses(0xC6120001, 0xC6130000 + (k >>> 6));
    }

    private static int port(int k) {
        return ConnectionTable.ports(80, 40000 + (k & 63));
    }

    private static int value(int k) {
        return k * 31 + 7;
    }
}
