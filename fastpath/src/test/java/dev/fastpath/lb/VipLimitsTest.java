package dev.fastpath.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VipLimitsTest {
    private static final long S = 1_000_000_000L;

    private static Vip vip(int maxConnections, int perSecond) {
        Pool pool = new Pool(List.of(), new int[0], false);
        return new Vip(3, 0xC6120001, 80, pool, maxConnections, perSecond, S, 0, 1);
    }

    @Test
    void concurrentConnectionsStopAtTheMaximumAndComeBack() {
        VipLimits l = new VipLimits(8);
        Vip v = vip(2, 0);
        assertTrue(l.tryOpen(v));
        assertTrue(l.tryOpen(v));
        assertFalse(l.tryOpen(v));
        assertEquals(2, l.open(3));
        l.close(3);
        assertTrue(l.tryOpen(v));
    }

    @Test
    void rateAdmitsOneSecondsBurstThenOnePerInterval() {
        VipLimits l = new VipLimits(8);
        Vip v = vip(0, 10);
        long t = 5 * S;
        int admitted = 0;
        for (int i = 0; i < 30; i++) {
            admitted += l.tryRate(v, t) ? 1 : 0;
        }
        assertEquals(10, admitted, "a burst of one second's worth");
        assertFalse(l.tryRate(v, t + S / 20), "half an interval later: still too soon");
        assertTrue(l.tryRate(v, t + S / 10), "one interval later: one more");
        assertFalse(l.tryRate(v, t + S / 10));
        int later = 0;
        for (int i = 0; i < 30; i++) {
            later += l.tryRate(v, t + 10 * S) ? 1 : 0;
        }
        assertEquals(10, later, "after a quiet while, a full burst again");
    }

    @Test
    void noLimitsAdmitEverything() {
        VipLimits l = new VipLimits(8);
        Vip v = vip(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(l.tryOpen(v));
            assertTrue(l.tryRate(v, 0));
        }
    }
}
