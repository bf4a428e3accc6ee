package dev.fastpath.lb;

import java.util.List;

/**
 * Everything a worker needs to balance: the VIPs with their pools and limits. Immutable — every field final, every
 * list a copy — so a worker that read the reference (acquire, {@link SnapshotRef}) sees it whole, and the control
 * plane changes the configuration only by publishing a new one.
 *
 * @param generation counts publications (1 for the first)
 * @param vips       the VIPs
 */
public record LbSnapshot(long generation, List<Vip> vips) {

    /** Copies the list. */
    public LbSnapshot {
        vips = List.copyOf(vips);
    }

    /**
     * @param ip   an address
     * @param port a port
     * @return the VIP on it, or null
     */
    public Vip vip(int ip, int port) {
        for (Vip v : vips) {
            if (v.ip() == ip && v.port() == port) {
                return v;
            }
        }
        return null;
    }

    /**
     * @param slot a VIP slot
     * @return the VIP with it, or null
     */
    public Vip vipBySlot(int slot) {
        for (Vip v : vips) {
            if (v.slot() == slot) {
                return v;
            }
        }
        return null;
    }
}
