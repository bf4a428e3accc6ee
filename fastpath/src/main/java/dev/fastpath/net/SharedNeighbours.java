package dev.fastpath.net;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the workers of one interface learned from ARP, shared. With several workers in a
 * PACKET_FANOUT_HASH group, an ARP reply lands on whichever worker the kernel's hash picks, often not the
 * one that asked; each worker therefore publishes every confirmation here, and a worker whose own entry is
 * missing, INCOMPLETE or being probed adopts a fresher confirmation from here instead of failing.
 *
 * <p>Lock-free, many writers: a slot is claimed by a CAS of its address from 0 (free) and never freed
 * (the table holds at most {@code capacity} addresses; beyond that publishing is skipped, which costs
 * only extra ARP). The MAC is written before the confirmation time with release semantics and read after
 * it with acquire semantics, so a reader that sees a confirmation time sees the MAC written with it.
 */
public final class SharedNeighbours {
    private final AtomicIntegerArray ips;
    private final AtomicLongArray macs;
    private final AtomicLongArray confirmedNs;
    private final int mask;

    /** @param capacity slots, a power of two */
    public SharedNeighbours(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        ips = new AtomicIntegerArray(capacity);
        macs = new AtomicLongArray(capacity);
        confirmedNs = new AtomicLongArray(capacity);
        mask = capacity - 1;
    }

    private int home(int ip) {
        int h = ip * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * Records a confirmation (an ARP packet from ip).
     *
     * @param ip  the neighbour
     * @param mac its MAC
     * @param now when it was confirmed
     */
    public void publish(int ip, long mac, long now) {
        for (int i = home(ip), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            int at = ips.getAcquire(i);
            if (at == 0 && ips.compareAndSet(i, 0, ip)) {
                at = ip;
            }
            if (at == ip) {
                macs.setRelease(i, mac);
                confirmedNs.setRelease(i, now); // publishes the MAC above to readers that acquire this
                return;
            }
        }
    }

    /**
     * @param ip a neighbour
     * @return the slot holding it, or −1
     */
    int find(int ip) {
        for (int i = home(ip), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            int at = ips.getAcquire(i);
            if (at == ip) {
                return i;
            }
            if (at == 0) {
                return -1;
            }
        }
        return -1;
    }

    /** @return the slot's last confirmation time (acquire: the MAC read after it is at least as new) */
    long confirmedNs(int slot) {
        return confirmedNs.getAcquire(slot);
    }

    /** @return the slot's MAC (0 before the first publication completed) */
    long mac(int slot) {
        return macs.getAcquire(slot);
    }
}
