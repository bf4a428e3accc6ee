package dev.fastpath.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Frames waiting for their next hop's MAC while ARP resolves it (Linux: {@code neigh->arp_queue}, filled by
 * __neigh_event_send() and sent by neigh_update() when the answer comes, limited per neighbour by {@code
 * unres_qlen}). One pool of frame slots per interface; a frame is kept whole, its Ethernet destination written when
 * it leaves. Past a neighbour's limit the oldest of its frames gives way, as Linux drops the queue's head; a full
 * pool refuses the new frame. Few frames ever wait (a new next hop, for one round trip), so the pool is scanned.
 *
 * <p>Single-threaded: the worker's.
 */
final class ArpQueue {
    /** Bytes per slot: the device's transmit frame, so whatever the engine builds for it fits. */
    private final int slot;
    private final MemorySegment frames;
    private final int[] ips;
    /** Frame length; 0 for a free slot, −1 for a slot claimed and not yet committed. */
    private final int[] lengths;
    private final long[] order;
    private final int perNeighbour;
    private long next;

    /**
     * @param slots        frames the pool holds, all neighbours together
     * @param slotBytes    bytes per frame: the device's transmit frame capacity
     * @param perNeighbour frames one neighbour may have waiting (unres_qlen)
     */
    ArpQueue(int slots, int slotBytes, int perNeighbour) {
        this.slot = slotBytes;
        this.frames = Arena.ofAuto().allocate((long) slots * slotBytes, 64);
        this.ips = new int[slots];
        this.lengths = new int[slots];
        this.order = new long[slots];
        this.perNeighbour = perNeighbour;
    }

    /** @return the pool's memory; slot i starts at {@link #offset(int)} */
    MemorySegment frames() {
        return frames;
    }

    long offset(int i) {
        return (long) i * slot;
    }

    /** @return bytes per slot */
    int slotBytes() {
        return slot;
    }

    /**
     * Claims a slot for a frame to {@code ip}. When that neighbour already has {@code perNeighbour} frames waiting, its
     * oldest is dropped to make room (returned through {@code dropped[0]} = 1).
     *
     * @param ip      the next hop
     * @param dropped set to 1 when an older frame was dropped, else 0
     * @return the slot, or −1 when the pool is full
     */
    int claim(int ip, int[] dropped) {
        dropped[0] = 0;
        int waiting = 0;
        int oldest = -1;
        int free = -1;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] == 0) {
                if (free < 0) {
                    free = i;
                }
            } else if (ips[i] == ip) {
                waiting++;
                if (oldest < 0 || order[i] < order[oldest]) {
                    oldest = i;
                }
            }
        }
        if (waiting >= perNeighbour) {
            dropped[0] = 1;
            free = oldest;
        }
        if (free < 0) {
            return -1;
        }
        ips[free] = ip;
        lengths[free] = -1;
        order[free] = next++;
        return free;
    }

    /** The claimed slot now holds a frame of {@code length} bytes. */
    void commit(int slot, int length) {
        if (length <= 0 || length > this.slot) {
            lengths[slot] = 0; // not a frame that fits: the slot goes back
            return;
        }
        lengths[slot] = length;
    }

    /** @return frames waiting for {@code ip} */
    int waiting(int ip) {
        int n = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] > 0 && ips[i] == ip) {
                n++;
            }
        }
        return n;
    }

    /**
     * Takes the oldest frame waiting for {@code ip} out of the queue.
     *
     * @return its slot (valid until the next claim), or −1 when none waits
     */
    int poll(int ip) {
        int oldest = -1;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] > 0 && ips[i] == ip && (oldest < 0 || order[i] < order[oldest])) {
                oldest = i;
            }
        }
        return oldest;
    }

    /** @return the committed length of a slot {@link #poll} returned */
    int length(int slot) {
        return lengths[slot];
    }

    /** Frees a slot (sent or dropped). */
    void release(int slot) {
        lengths[slot] = 0;
    }

    /**
     * Drops every frame waiting for {@code ip} (resolution failed).
     *
     * @return how many
     */
    int dropAll(int ip) {
        int n = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] > 0 && ips[i] == ip) {
                lengths[i] = 0;
                n++;
            }
        }
        return n;
    }
}
