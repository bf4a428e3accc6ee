package dev.fastpath.stat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.ObjLongConsumer;

/**
 * One counter per constant of an enum, with a single writer and readers on any thread.
 *
 * <p>Memory order: the owner is the only thread that writes, so it reads its own slot plainly and stores the
 * new value with {@code setRelease} (an ordinary store on x86 and ARM's {@code stlr}: no fence, no atomic
 * read-modify-write on the packet path). Readers on other threads use {@code getAcquire}: a 64-bit value is
 * never torn, and it is at least as new as any value the reader saw before. A counter read while the owner
 * runs may lag by the increments still in flight; read after the owner stopped (and joined) it is exact.
 *
 * @param <E> the enum that names the counters
 */
public class EnumCounters<E extends Enum<E>> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final E[] names;
    private final long[] values;

    /**
     * @param type the enum whose constants name the counters
     */
    public EnumCounters(Class<E> type) {
        this.names = type.getEnumConstants();
        this.values = new long[names.length];
    }

    /**
     * Owner only: adds one.
     *
     * @param counter the counter
     */
    public final void inc(E counter) {
        add(counter, 1);
    }

    /**
     * Owner only: subtracts one (for gauges such as the established connections).
     *
     * @param counter the counter
     */
    public final void dec(E counter) {
        add(counter, -1);
    }

    /**
     * Owner only: adds {@code n}.
     *
     * @param counter the counter
     * @param n       what to add (negative for a gauge going down)
     */
    public final void add(E counter, long n) {
        int i = counter.ordinal();
        SLOT.setRelease(values, i, values[i] + n); // the owner's own last write: a plain read is exact
    }

    /**
     * Any thread: the counter's value.
     *
     * @param counter the counter
     * @return its value (live: what the owner has published so far)
     */
    public final long get(E counter) {
        return (long) SLOT.getAcquire(values, counter.ordinal());
    }

    /**
     * Any thread: every counter in declaration order, with its name and value.
     *
     * @param visitor called once per counter
     */
    public final void forEach(ObjLongConsumer<E> visitor) {
        for (E e : names) {
            visitor.accept(e, get(e));
        }
    }
}
