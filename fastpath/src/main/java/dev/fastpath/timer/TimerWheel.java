package dev.fastpath.timer;

import java.util.Arrays;

/**
 * A hashed timer wheel (Varghese &amp; Lauck): O(1) schedule and cancel, expiry bounded per poll.
 * Timers live in parallel primitive arrays linked into per-slot doubly-linked lists, so arming one
 * allocates nothing once the arrays have grown to the working set. A timer further away than one
 * turn of the wheel stays in its slot and is skipped until its deadline comes round.
 *
 * <p>A handle packs a generation with the entry index, so cancelling a handle whose timer already
 * fired (and whose entry was reused) is a harmless no-op. {@link #NONE} is never a valid handle.
 * Single-threaded: the owning worker arms, cancels and polls.
 */
public final class TimerWheel {
    /** A handle no timer ever has. */
    public static final long NONE = 0;
    private static final int FREE = -1;

    private final long tickNs;
    private final int mask;
    private final int[] heads;
    private long[] deadline;
    private long[] payload;
    private int[] next;
    private int[] prev;
    private int[] slotOf;
    private int[] generation;
    private int freeHead = -1;
    private int used;
    private int live;
    private long currentTick;

    /**
     * @param tickNs       the wheel's resolution
     * @param slots        number of slots (a power of two)
     * @param startNs      the time the wheel starts at
     * @param initialTimers room for this many timers before the arrays grow
     */
    public TimerWheel(long tickNs, int slots, long startNs, int initialTimers) {
        if (tickNs <= 0 || Integer.bitCount(slots) != 1 || initialTimers < 1) {
            throw new IllegalArgumentException("tick > 0, slots a power of two, initialTimers > 0");
        }
        this.tickNs = tickNs;
        this.mask = slots - 1;
        this.heads = new int[slots];
        Arrays.fill(heads, -1);
        this.currentTick = startNs / tickNs;
        allocate(initialTimers);
    }

    private void allocate(int capacity) {
        int old = deadline == null ? 0 : deadline.length;
        deadline = deadline == null ? new long[capacity] : Arrays.copyOf(deadline, capacity);
        payload = payload == null ? new long[capacity] : Arrays.copyOf(payload, capacity);
        next = next == null ? new int[capacity] : Arrays.copyOf(next, capacity);
        prev = prev == null ? new int[capacity] : Arrays.copyOf(prev, capacity);
        slotOf = slotOf == null ? new int[capacity] : Arrays.copyOf(slotOf, capacity);
        generation = generation == null ? new int[capacity] : Arrays.copyOf(generation, capacity);
        for (int i = old; i < capacity; i++) {
            slotOf[i] = FREE;
            generation[i] = 1;
        }
    }

    /**
     * @param deadlineNs when to fire (a deadline in the past fires on the next poll)
     * @param value      handed back to the handler
     * @return the handle, never {@link #NONE}
     */
    public long schedule(long deadlineNs, long value) {
        int i;
        if (freeHead >= 0) {
            i = freeHead;
            freeHead = next[i];
        } else {
            if (used == deadline.length) {
                allocate(deadline.length * 2);
            }
            i = used++;
        }
        long tick = Math.max(deadlineNs / tickNs, currentTick);
        int slot = (int) (tick & mask);
        deadline[i] = deadlineNs;
        payload[i] = value;
        slotOf[i] = slot;
        prev[i] = -1;
        next[i] = heads[slot];
        if (heads[slot] >= 0) {
            prev[heads[slot]] = i;
        }
        heads[slot] = i;
        live++;
        return (long) generation[i] << 32 | i;
    }

    /**
     * @param handle a handle from {@link #schedule} (or {@link #NONE})
     * @return whether a pending timer was cancelled
     */
    public boolean cancel(long handle) {
        int i = (int) handle;
        if (handle == NONE || i < 0 || i >= used || slotOf[i] == FREE || generation[i] != (int) (handle >>> 32)) {
            return false;
        }
        unlink(i);
        release(i);
        return true;
    }

    /**
     * @param handle     the current handle (or {@link #NONE})
     * @param deadlineNs the new deadline
     * @param value      the payload
     * @return the new handle
     */
    public long reschedule(long handle, long deadlineNs, long value) {
        cancel(handle);
        return schedule(deadlineNs, value);
    }

    /**
     * Fires every timer whose deadline is at or before {@code nowNs}, at most {@code limit} of them;
     * the rest fire on later polls. The handler may schedule and cancel timers.
     *
     * @param nowNs   the current time
     * @param handler what to call
     * @param limit   most timers to fire
     * @return timers fired
     */
    public int poll(long nowNs, TimerHandler handler, int limit) {
        long nowTick = nowNs / tickNs;
        int fired = 0;
        long lastTick = Math.min(nowTick, currentTick + mask);
        while (currentTick <= lastTick) {
            int slot = (int) (currentTick & mask);
            int i = heads[slot];
            while (i >= 0) {
                if (deadline[i] > nowNs) {
                    i = next[i];
                    continue;
                }
                if (fired == limit) {
                    return fired;
                }
                long value = payload[i];
                unlink(i);
                release(i);
                fired++;
                handler.onTimer(value, nowNs);
                // The handler may have armed or cancelled timers in this very slot: start it over.
                i = heads[slot];
            }
            if (currentTick == nowTick) {
                break;
            }
            currentTick++;
        }
        if (nowTick > currentTick + mask) {
            currentTick = nowTick;
        }
        return fired;
    }

    private void unlink(int i) {
        int slot = slotOf[i];
        if (prev[i] >= 0) {
            next[prev[i]] = next[i];
        } else {
            heads[slot] = next[i];
        }
        if (next[i] >= 0) {
            prev[next[i]] = prev[i];
        }
    }

    private void release(int i) {
        slotOf[i] = FREE;
        generation[i] = generation[i] == Integer.MAX_VALUE ? 1 : generation[i] + 1;
        next[i] = freeHead;
        freeHead = i;
        live--;
    }

    /** @return timers pending */
    public int size() {
        return live;
    }

    /**
     * @param handle a handle
     * @return whether it is still pending
     */
    public boolean pending(long handle) {
        int i = (int) handle;
        return handle != NONE && i >= 0 && i < used && slotOf[i] != FREE && generation[i] == (int) (handle >>> 32);
    }
}
