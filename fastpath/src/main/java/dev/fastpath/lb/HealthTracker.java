package dev.fastpath.lb;

import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends' health states, on the control thread: probe results in a row against the pool's rise and fall
 * (HAProxy's and LVS's model), a passive ejection taking a backend DOWN at once. Every backend starts UP. A state
 * change is logged and counted; the caller then publishes a snapshot whose Maglev tables leave DOWN backends out.
 */
final class HealthTracker {
    private static final Logger LOG = LoggerFactory.getLogger(HealthTracker.class);

    private final int[] okRun = new int[ProxyApp.BACKEND_SLOTS];
    private final int[] failRun = new int[ProxyApp.BACKEND_SLOTS];
    private final BitSet down = new BitSet();
    private final HealthEvents events;

    /** @param events where state changes are counted */
    HealthTracker(HealthEvents events) {
        this.events = events;
    }

    /**
     * @param e        an event from a worker
     * @param snapshot the running snapshot (which backend the slot is, and its pool's check)
     * @return whether the backend's state changed
     */
    boolean apply(HealthEvents.Event e, LbSnapshot snapshot) {
        int slot = e.slot();
        Backend b = null;
        HealthSpec h = null;
        for (Vip v : snapshot.vips()) {
            Backend x = v.pool().bySlot(slot);
            if (x != null && v.pool().health() != null) {
                b = x;
                h = v.pool().health();
                break;
            }
        }
        if (b == null || slot < 0 || slot >= okRun.length) {
            return false; // no longer checked (a reload removed it, or its pool has no check)
        }
        if (e.ok()) {
            failRun[slot] = 0;
            okRun[slot]++;
            if (down.get(slot) && okRun[slot] >= h.rise()) {
                down.clear(slot);
                events.countUp();
                LOG.info("backend {} UP: {} checks in a row passed", b.address(), okRun[slot]);
                return true;
            }
            return false;
        }
        okRun[slot] = 0;
        failRun[slot] = e.passive() ? Math.max(failRun[slot] + 1, h.fall()) : failRun[slot] + 1;
        if (!down.get(slot) && failRun[slot] >= h.fall()) {
            down.set(slot);
            events.countDown();
            LOG.warn("backend {} DOWN: {} ({})", b.address(), e.passive() ? "client connects failed in a row"
                    : failRun[slot] + " checks in a row failed", e.reason());
            return true;
        }
        return false;
    }

    /**
     * @param slot a backend slot
     * @return whether the checks hold it DOWN
     */
    boolean isDown(int slot) {
        return down.get(slot);
    }

    /** Forgets slots the snapshot no longer has (a slot given to a newcomer starts UP). */
    void retain(LbSnapshot snapshot) {
        BitSet present = new BitSet();
        for (Vip v : snapshot.vips()) {
            for (Backend b : v.pool().backends()) {
                present.set(b.slot());
            }
        }
        for (int slot = 0; slot < okRun.length; slot++) {
            if (!present.get(slot)) {
                down.clear(slot);
                okRun[slot] = 0;
                failRun[slot] = 0;
            }
        }
    }
}
