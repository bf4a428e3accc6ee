package dev.fastpath.lb;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The per-VIP limits, shared by every worker: connections open at once (a counter taken and given back) and new
 * connections per second (GCRA, the generic cell rate algorithm: one theoretical arrival time per VIP, advanced by
 * {@code 1 s / rate} per admitted connection, a burst of one second's worth allowed). One atomic operation per
 * client connection; nothing on the data path.
 */
public final class VipLimits {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicIntegerArray open;
    private final AtomicLongArray arrival;

    /** @param slots VIP slots */
    public VipLimits(int slots) {
        this.open = new AtomicIntegerArray(slots);
        this.arrival = new AtomicLongArray(slots);
    }

    /**
     * Takes one of the VIP's connections.
     *
     * @param vip the VIP
     * @return false when {@code maxConnections} are open already (nothing taken)
     */
    public boolean tryOpen(Vip vip) {
        int slot = vip.slot();
        if (slot < 0 || slot >= open.length()) {
            return true;
        }
        int max = vip.maxConnections();
        while (true) {
            int n = open.get(slot);
            if (max > 0 && n >= max) {
                return false;
            }
            if (open.compareAndSet(slot, n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Gives a connection taken with {@link #tryOpen} back.
     *
     * @param vipSlot the VIP's slot
     */
    public void close(int vipSlot) {
        if (vipSlot >= 0 && vipSlot < open.length()) {
            open.decrementAndGet(vipSlot);
        }
    }

    /**
     * @param vipSlot a VIP slot
     * @return its connections open now, all workers
     */
    public int open(int vipSlot) {
        return vipSlot >= 0 && vipSlot < open.length() ? open.get(vipSlot) : 0;
    }

    /**
     * Admits one new connection under the VIP's rate (GCRA).
     *
     * @param vip   the VIP
     * @param nowNs the current time
     * @return false when it comes too soon
     */
    public boolean tryRate(Vip vip, long nowNs) {
        int slot = vip.slot();
        int rate = vip.maxNewPerSecond();
        if (rate <= 0 || slot < 0 || slot >= arrival.length()) {
            return true;
        }
        long interval = SECOND / rate;
        while (true) {
            long tat = arrival.get(slot);
            long start = tat == 0 || tat - nowNs < 0 ? nowNs : tat;
            if (start - nowNs > SECOND - interval) {
                return false; // more than one second's burst ahead of the clock
            }
            if (arrival.compareAndSet(slot, tat, start + interval)) {
                return true;
            }
        }
    }
}
