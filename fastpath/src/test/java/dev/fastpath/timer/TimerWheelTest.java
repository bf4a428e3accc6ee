package dev.fastpath.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long MS = 1_000_000;

    @Test
    void firesInDeadlineOrderAcrossManyTurnsOfTheWheel() {
        TimerWheel w = new TimerWheel(MS, 64, 0, 4);
        List<Long> fired = new ArrayList<>();
        w.schedule(500 * MS, 3);
        w.schedule(5 * MS, 1);
        w.schedule(70 * MS, 2); // more than one turn (64 ms) away
        assertEquals(0, w.poll(4 * MS, (p, now) -> fired.add(p), 100));
        assertEquals(1, w.poll(64 * MS, (p, now) -> fired.add(p), 100));
        assertEquals(1, w.poll(80 * MS, (p, now) -> fired.add(p), 100));
        assertEquals(1, w.poll(10_000 * MS, (p, now) -> fired.add(p), 100));
        assertEquals(List.of(1L, 2L, 3L), fired);
        assertEquals(0, w.size());
    }

    @Test
    void cancelIsExactAndStaleHandlesAreHarmless() {
        TimerWheel w = new TimerWheel(MS, 16, 0, 2);
        long a = w.schedule(3 * MS, 1);
        long b = w.schedule(3 * MS, 2);
        assertTrue(w.cancel(a));
        assertFalse(w.cancel(a));
        List<Long> fired = new ArrayList<>();
        w.poll(3 * MS, (p, now) -> fired.add(p), 10);
        assertEquals(List.of(2L), fired);
        long c = w.schedule(4 * MS, 3); // reuses b's entry
        assertFalse(w.cancel(b));
        assertTrue(w.pending(c));
        assertFalse(w.cancel(TimerWheel.NONE));
    }

    @Test
    void expiryIsBoundedPerPollAndResumes() {
        TimerWheel w = new TimerWheel(MS, 16, 0, 1);
        for (int i = 0; i < 10; i++) {
            w.schedule(MS, i);
        }
        assertEquals(4, w.poll(2 * MS, (p, now) -> { }, 4));
        assertEquals(4, w.poll(2 * MS, (p, now) -> { }, 4));
        assertEquals(2, w.poll(2 * MS, (p, now) -> { }, 4));
        assertEquals(0, w.size());
    }

    @Test
    void handlersMayRescheduleAndCancelOthersInTheSameSlot() {
        TimerWheel w = new TimerWheel(MS, 8, 0, 1);
        long[] handles = new long[2];
        List<Long> fired = new ArrayList<>();
        handles[0] = w.schedule(MS, 0);
        handles[1] = w.schedule(MS, 1);
        w.poll(MS, (p, now) -> {
            fired.add(p);
            // Whichever fires first cancels the other and re-arms in the same slot, one turn later.
            assertTrue(w.cancel(handles[1 - (int) p]));
            w.schedule(now + 8 * MS, 7);
        }, 100);
        assertEquals(1, fired.size());
        assertEquals(1, w.size());
        w.poll(9 * MS, (p, now) -> fired.add(p), 100);
        assertEquals(7L, fired.get(1));
        assertEquals(0, w.size());
    }

    @Test
    void agreesWithAPriorityQueueOnRandomWork() {
        SplittableRandom r = new SplittableRandom(42);
        TimerWheel w = new TimerWheel(MS, 256, 0, 16);
        PriorityQueue<long[]> model = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> handles = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = r.nextInt(10);
            if (op < 5) {
                long d = now + r.nextLong(1, 2_000) * MS / 3;
                long[] entry = {d, step, 0};
                entry[2] = w.schedule(d, step);
                model.add(entry);
                handles.add(entry);
            } else if (op < 7 && !handles.isEmpty()) {
                long[] e = handles.remove(r.nextInt(handles.size()));
                assertEquals(model.remove(e), w.cancel(e[2]));
            } else {
                now += r.nextLong(0, 50) * MS;
                List<Long> fired = new ArrayList<>();
                w.poll(now, (p, t) -> fired.add(p), Integer.MAX_VALUE);
                List<Long> expected = new ArrayList<>();
                while (!model.isEmpty() && model.peek()[0] <= now) {
                    long[] e = model.poll();
                    expected.add(e[1]);
                    handles.remove(e);
                }
                fired.sort(null);
                expected.sort(null);
                assertEquals(expected, fired, "at " + now);
            }
            assertEquals(model.size(), w.size());
        }
    }
}
