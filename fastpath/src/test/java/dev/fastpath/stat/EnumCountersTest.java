package dev.fastpath.stat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** Counters with one writer, read by another thread while it writes (the stats thread, a Prometheus endpoint). */
class EnumCountersTest {

    private enum Stat { A, B, GAUGE }

    @Test
    void countsAddsAndGoesDownAndVisitsInOrder() {
        EnumCounters<Stat> c = new EnumCounters<>(Stat.class);
        c.inc(Stat.A);
        c.inc(Stat.A);
        c.add(Stat.B, 40);
        c.inc(Stat.GAUGE);
        c.dec(Stat.GAUGE);
        c.dec(Stat.GAUGE);
        List<String> seen = new ArrayList<>();
        c.forEach((s, v) -> seen.add(s + "=" + v));
        assertEquals(List.of("A=2", "B=40", "GAUGE=-1"), seen);
    }

    /**
     * A reader on another thread sees each counter only grow while the owner counts (never a torn or stale-then-
     * newer-then-older value), and the exact total once the owner has been joined.
     */
    @Test
    void aReaderSeesMonotonicLiveValuesAndTheExactTotalAfterTheJoin() throws Exception {
        EnumCounters<Stat> c = new EnumCounters<>(Stat.class);
        final long n = 5_000_000;
        Thread owner = new Thread(() -> {
            for (long i = 0; i < n; i++) {
                c.inc(Stat.A);
                c.add(Stat.B, 1L << 33); // the high half moves on every write: a torn read would show
            }
        });
        AtomicBoolean bad = new AtomicBoolean();
        owner.start();
        long lastA = 0;
        long lastB = 0;
        long reads = 0;
        while (owner.isAlive()) {
            long b = c.get(Stat.B);
            long a = c.get(Stat.A);
            if (a < lastA || b < lastB || b % (1L << 33) != 0 || a > n) {
                bad.set(true);
            }
            lastA = a;
            lastB = b;
            reads++;
        }
        owner.join();
        assertTrue(!bad.get(), "a live read went backwards or was torn");
        assertTrue(reads > 0);
        assertEquals(n, c.get(Stat.A));
        assertEquals(n << 33, c.get(Stat.B));
    }
}
