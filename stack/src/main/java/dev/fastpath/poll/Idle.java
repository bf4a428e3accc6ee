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
    /** Park 100 µs every time: gentle on a shared machine. */
    SLEEPING;

    /** @return a fresh strategy (strategies carry state; one per worker) */
    public IdleStrategy strategy() {
        return switch (this) {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(64, 64, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            case SLEEPING -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
        };
    }
}
