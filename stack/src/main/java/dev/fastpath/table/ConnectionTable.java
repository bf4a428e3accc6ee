package dev.fastpath.table;

/**
 * Open-addressing hash table from a TCP/IPv4 4-tuple to an int (the engine's connection index),
 * with linear probing and backward-shift deletion (no tombstones, so lookups never degrade).
 * Capacity is fixed at construction (a power of two, kept at most half full), so nothing on the
 * packet path allocates or rehashes. The hash is keyed with a secret seed: the 4-tuple is chosen by
 * the peer, and an unkeyed hash would let a flood pile every entry into one probe chain.
 *
 * <p>Owned by one worker thread, which is the only one that reads or writes it.
 */
public final class ConnectionTable {
    /** What {@link #get} returns for an absent key. */
    public static final int MISSING = -1;

    private final long[] addresses;
    private final int[] ports;
    private final int[] values;
    private final int mask;
    private final int maxEntries;
    private final long seed;
    private int size;

    /**
     * @param maxEntries most entries (the table has twice as many slots, rounded to a power of two)
     * @param seed       the hash key (from a secure random source in production)
     */
    public ConnectionTable(int maxEntries, long seed) {
        if (maxEntries < 1 || maxEntries > 1 << 29) {
            throw new IllegalArgumentException("maxEntries must be in 1..2^29, was " + maxEntries);
        }
        int slots = Integer.highestOneBit(Math.max(2, maxEntries * 2 - 1)) << 1;
        this.addresses = new long[slots];
        this.ports = new int[slots];
        this.values = new int[slots];
        this.mask = slots - 1;
        this.maxEntries = maxEntries;
        this.seed = seed;
    }

    /**
     * @param localIp    local address
     * @param remoteIp   remote address
     * @param localPort  local port
     * @param remotePort remote port
     * @return the packed address half of a key
     */
    public static long addresses(int localIp, int remoteIp) {
        return (long) localIp << 32 | (remoteIp & 0xFFFF_FFFFL);
    }

    /**
     * @param localPort  local port
     * @param remotePort remote port
     * @return the packed port half of a key
     */
    public static int ports(int localPort, int remotePort) {
        return localPort << 16 | remotePort;
    }

    private int slot(long a, int p) {
        long h = (a ^ seed) * 0x9E3779B97F4A7C15L;
        h ^= (p + seed) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return (int) (h ^ h >>> 29) & mask;
    }

    /**
     * @param a packed addresses ({@link #addresses})
     * @param p packed ports ({@link #ports})
     * @return the value, or {@link #MISSING}
     */
    public int get(long a, int p) {
        int i = slot(a, p);
        while (values[i] != 0) {
            if (addresses[i] == a && ports[i] == p) {
                return values[i] - 1;
            }
            i = (i + 1) & mask;
        }
        return MISSING;
    }

    /**
     * Inserts or replaces.
     *
     * @param a     packed addresses
     * @param p     packed ports
     * @param value a non-negative value
     * @return false when the table is full (nothing changed)
     */
    public boolean put(long a, int p, int value) {
        if (value < 0 || value == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("value must be in 0..2^31-2, was " + value);
        }
        int i = slot(a, p);
        while (values[i] != 0) {
            if (addresses[i] == a && ports[i] == p) {
                values[i] = value + 1;
                return true;
            }
            i = (i + 1) & mask;
        }
        if (size == maxEntries) {
            return false;
        }
        addresses[i] = a;
        ports[i] = p;
        values[i] = value + 1;
        size++;
        return true;
    }

    /**
     * @param a packed addresses
     * @param p packed ports
     * @return the removed value, or {@link #MISSING}
     */
    public int remove(long a, int p) {
        int i = slot(a, p);
        while (values[i] != 0) {
            if (addresses[i] == a && ports[i] == p) {
                int old = values[i] - 1;
                shiftBack(i);
                size--;
                return old;
            }
            i = (i + 1) & mask;
        }
        return MISSING;
    }

    /** Backward-shift deletion: pull later members of the probe chain into the hole. */
    private void shiftBack(int hole) {
        int i = hole;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == 0) {
                break;
            }
            int home = slot(addresses[j], ports[j]);
            // Move j into the hole unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                addresses[i] = addresses[j];
                ports[i] = ports[j];
                values[i] = values[j];
                i = j;
            }
        }
        values[i] = 0;
    }

    /** @return entries held */
    public int size() {
        return size;
    }

    /** @return most entries */
    public int capacity() {
        return maxEntries;
    }
}
