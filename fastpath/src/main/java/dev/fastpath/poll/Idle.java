package dev.fastpath.poll;

import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;

/** What a worker does after a duty cycle that found no work. */
public enum Idle {
    /** Spin (the DPDK way): lowest latency, one core at 100 %. */
    BUSY_SPIN,
    /** Spin, then yield, then park from 1 µs up to 1 ms: near spin latency under load, cheap when idle. */
    BACKOFF,
    /**
     * Park 50 µs every time: gentle on a shared machine. Also the choice when the device's receive work (veth's
     * NAPI thread) shares the worker's core: it then fills the ring while the worker sleeps, and the worker
     * answers ~15 frames per turn under a flood, where backoff's yields had the two alternate frame by frame
     * (bench synflood, README).
     */
    SLEEPING;

    /** @return a fresh strategy (strategies carry state; one per worker) */
    public IdleStrategy strategy() {
        return switch (this) {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(64, 64, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            case SLEEPING -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(50));
        };
    }
}
