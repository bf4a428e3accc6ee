package dev.fastpath.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters per VIP or per backend, kept by slot ({@link Vip#slot()}, {@link Backend#slot()}) so they survive
 * reloads. Same memory order as {@link dev.fastpath.stat.EnumCounters}: the worker is the only writer and stores with
 * release; readers on other threads (metrics, status) load with acquire.
 */
public final class SlotCounters {
    /** The counters each slot has. */
    public enum Field {
        /** Connections open now (a gauge). */
        OPEN,
        /** Connections so far (clients accepted for a VIP, connects completed for a backend). */
        CONNECTIONS,
        /** Connections refused (VIP: limits, all down) or failed (backend: connect failed or timed out). */
        FAILED,
        /** Bytes from client to backend. */
        BYTES_TO_BACKEND,
        /** Bytes from backend to client. */
        BYTES_TO_CLIENT,
        /** Pairs reset (by a peer, a timeout or a drain deadline). */
        RESETS
    }

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int FIELDS = Field.values().length;

    private final long[] values;
    private final int slots;

    /** @param slots how many slots (VIPs or backends) */
    public SlotCounters(int slots) {
        this.slots = slots;
        this.values = new long[slots * FIELDS];
    }

    /** @return how many slots */
    public int slots() {
        return slots;
    }

    /**
     * Owner only.
     *
     * @param slot  a slot (ignored when out of range)
     * @param field the counter
     * @param n     what to add
     */
    public void add(int slot, Field field, long n) {
        if (slot < 0 || slot >= slots) {
            return;
        }
        int i = slot * FIELDS + field.ordinal();
        SLOT.setRelease(values, i, values[i] + n);
    }

    /**
     * Any thread.
     *
     * @param slot  a slot
     * @param field the counter
     * @return its value, 0 out of range
     */
    public long get(int slot, Field field) {
        if (slot < 0 || slot >= slots) {
            return 0;
        }
        return (long) SLOT.getAcquire(values, slot * FIELDS + field.ordinal());
    }
}
