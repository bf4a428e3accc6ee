package dev.fastpath.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where the control plane publishes the current {@link LbSnapshot} and the workers read it.
 *
 * <p>Memory order (docs/lb.md): the snapshot is built whole on the control thread, then stored with
 * {@code setRelease}; a worker loads it with {@code getAcquire} once per duty cycle and uses that one object until
 * the next cycle. Release/acquire makes every write that built the snapshot (its final fields, its arrays) visible to
 * the worker that sees the new reference; nothing in a snapshot is written after publication, so no worker can see
 * half of a change. A worker may run one cycle on the previous snapshot — harmless, since established flows keep
 * their backend either way.
 */
public final class SnapshotRef {
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(SnapshotRef.class, "current", LbSnapshot.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through CURRENT
    private LbSnapshot current;

    /** @param first the snapshot workers start with */
    public SnapshotRef(LbSnapshot first) {
        CURRENT.setRelease(this, first);
    }

    /**
     * Control plane: makes {@code next} the current snapshot (one release store).
     *
     * @param next a fully built snapshot, never written again
     */
    public void publish(LbSnapshot next) {
        CURRENT.setRelease(this, next);
    }

    /** @return the current snapshot (one acquire load) */
    public LbSnapshot current() {
        return (LbSnapshot) CURRENT.getAcquire(this);
    }
}
