package dev.fastpath.net;

/**
 * Storage of the neighbour cache: an open-addressing table keyed by IPv4 address with linear probing and
 * backward-shift deletion (no tombstones, so lookups never degrade), struct-of-arrays so nothing is
 * allocated after construction. Address 0 marks a free slot (0.0.0.0 is never a neighbour). The states
 * are Linux's NUD_* states (include/net/neighbour.h) that this stack uses.
 */
final class NeighbourTable {
    static final byte FREE = 0;
    /** Request sent, no answer yet (NUD_INCOMPLETE). */
    static final byte INCOMPLETE = 1;
    /** Answered within the reachable time (NUD_REACHABLE). */
    static final byte REACHABLE = 2;
    /** Known but not confirmed lately; usable, re-checked on the next use (NUD_STALE). */
    static final byte STALE = 3;
    /** Usable while a unicast request re-checks it (NUD_PROBE). */
    static final byte PROBE = 4;
    /** Did not answer; frames to it are dropped until the entry is retried (NUD_FAILED). */
    static final byte FAILED = 5;
    /** Configured, never expires or changes (NUD_PERMANENT). */
    static final byte PERMANENT = 6;

    final int[] ips;
    final long[] macs;
    final byte[] states;
    /** When the entry was last confirmed (an ARP packet from it), or when it failed. */
    final long[] confirmedNs;
    /** When the entry was last used to send. */
    final long[] usedNs;
    /** When the next ARP request for it is due (INCOMPLETE, PROBE). */
    final long[] probeDueNs;
    final byte[] probes;
    private final int mask;
    private int size;

    NeighbourTable(int capacity) {
        ips = new int[capacity];
        macs = new long[capacity];
        states = new byte[capacity];
        confirmedNs = new long[capacity];
        usedNs = new long[capacity];
        probeDueNs = new long[capacity];
        probes = new byte[capacity];
        mask = capacity - 1;
    }

    int capacity() {
        return ips.length;
    }

    int size() {
        return size;
    }

    private int home(int ip) {
        int h = ip * 0x9E3779B9; // Fibonacci hashing spreads consecutive addresses
        return (h ^ (h >>> 16)) & mask;
    }

    /** @return the slot holding ip, or −1 */
    int find(int ip) {
        for (int i = home(ip), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            if (states[i] == FREE) {
                return -1;
            }
            if (ips[i] == ip) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Adds ip in the given state (the caller checked it is absent). At most three quarters full, so probes
     * stay short.
     *
     * @return the slot, or −1 when the table is full
     */
    int insert(int ip, byte state) {
        if (size >= ips.length - (ips.length >>> 2)) {
            return -1;
        }
        int i = home(ip);
        while (states[i] != FREE) {
            i = (i + 1) & mask;
        }
        ips[i] = ip;
        states[i] = state;
        macs[i] = -1;
        confirmedNs[i] = 0;
        usedNs[i] = 0;
        probeDueNs[i] = 0;
        probes[i] = 0;
        size++;
        return i;
    }

    /**
     * Frees a slot and shifts later members of its probe run back (Knuth 6.4 algorithm R): another entry
     * may now sit in {@code slot}, so a scan looks at it again.
     */
    void remove(int slot) {
        int hole = slot;
        int i = slot;
        while (true) {
            i = (i + 1) & mask;
            if (states[i] == FREE) {
                break;
            }
            int h = home(ips[i]);
            // Move i into the hole when its home is not cyclically within (hole, i].
            boolean stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
            if (!stays) {
                copy(i, hole);
                hole = i;
            }
        }
        states[hole] = FREE;
        ips[hole] = 0;
        size--;
    }

    private void copy(int from, int to) {
        ips[to] = ips[from];
        macs[to] = macs[from];
        states[to] = states[from];
        confirmedNs[to] = confirmedNs[from];
        usedNs[to] = usedNs[from];
        probeDueNs[to] = probeDueNs[from];
        probes[to] = probes[from];
    }
}
