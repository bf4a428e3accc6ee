package dev.fastpath.lb;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the workers tell the control thread about backends: probe results (worker 0's {@link HealthProber}) and
 * passive ejections (any worker: its connects to a backend failed {@code fall} times in a row). A lock-free queue
 * bounded by a count (Agrona's array queues need jdk.internal.misc exported, which the test JVMs do not do): a
 * worker never blocks; an event that finds it full is dropped and counted (the next probe reports again).
 */
final class HealthEvents {
    /**
     * @param slot    the backend's slot
     * @param ok      the probe succeeded
     * @param passive a passive ejection (client connects failing), not a probe
     * @param reason  why, for the log
     */
    record Event(int slot, boolean ok, boolean passive, String reason) {
    }

    private static final int CAPACITY = 4096;
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    /** A probe's result (worker thread). */
    void post(int slot, boolean ok, String reason) {
        offer(new Event(slot, ok, false, reason));
    }

    private void offer(Event e) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(e);
    }

    /** Client connects to the backend failed {@code fall} times in a row (worker thread). */
    void postPassive(int slot, String reason) {
        offer(new Event(slot, false, true, reason));
    }

    /** Hands every queued event to {@code sink} (the control thread). */
    int drain(Consumer<Event> sink) {
        int n = 0;
        for (Event e = queue.poll(); e != null; e = queue.poll()) {
            size.decrementAndGet();
            sink.accept(e);
            n++;
        }
        return n;
    }

    private final java.util.concurrent.atomic.AtomicLong downs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong ups = new java.util.concurrent.atomic.AtomicLong();

    /** A backend went DOWN (the control thread counts, the workers' report prints). */
    void countDown() {
        downs.incrementAndGet();
    }

    /** A backend came back UP. */
    void countUp() {
        ups.incrementAndGet();
    }

    /** @return backends taken DOWN so far */
    long downs() {
        return downs.get();
    }

    /** @return backends brought back UP so far */
    long ups() {
        return ups.get();
    }

    /** @return events dropped on a full queue */
    long dropped() {
        return dropped.get();
    }
}
