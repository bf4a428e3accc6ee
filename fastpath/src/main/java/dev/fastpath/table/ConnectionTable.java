package dev.fastpath.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Open-addressing hash table from a TCP/IPv4 4-tuple to an int (the engine's connection index),
 * with linear probing and backward-shift deletion (no tombstones, so lookups never degrade).
 * Capacity is fixed at construction (a power of two, kept at most half full), so nothing on the
 * packet path allocates or rehashes. The hash is keyed with a secret seed: the 4-tuple is chosen by
 * the peer, and an unkeyed hash would let a flood pile every entry into one probe chain.
 *
 * <p>Threading: exactly one writer, the worker that owns the table (a shard of the stack's
 * connections), which also reads it with {@link #get}. Any other thread (control plane, statistics)
 * reads lock-free with {@link #getConcurrent}, validated by a sequence lock: the writer makes
 * {@code version} odd (opaque write, then a store-store fence) before touching the arrays and even
 * again (release write) after; a reader takes the version with acquire, probes with plain reads,
 * issues a load-load fence and re-reads the version — equal and even means nothing moved under it
 * (the pattern of {@link java.util.concurrent.locks.StampedLock#validate}). The writer never waits.
 */
public final class ConnectionTable {
    private static final VarHandle VERSION;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(ConnectionTable.class, "version", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Odd while the owner is changing the arrays. */
    @SuppressWarnings("unused") // accessed through VERSION
    private long version;
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
        return hash(a, p, seed) & mask;
    }

    /**
     * The keyed hash of a 4-tuple (also what shards the stack's connections across workers).
     *
     * @param a    packed addresses
     * @param p    packed ports
     * @param seed the secret key
     * @return 32 well-mixed bits
     */
    public static int hash(long a, int p, long seed) {
        long h = (a ^ seed) * 0x9E3779B97F4A7C15L;
        h ^= (p + seed) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return (int) (h ^ h >>> 29);
    }

    private void beginWrite() {
        long v = (long) VERSION.get(this);
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence(); // the odd version is visible before any array write
    }

    private void endWrite() {
        long v = (long) VERSION.get(this);
        VERSION.setRelease(this, v + 1); // every array write is visible before the even version
    }

    /**
     * {@link #get} for any thread but the owner: lock-free, retried while the owner writes.
     *
     * @param a packed addresses
     * @param p packed ports
     * @return the value, or {@link #MISSING}
     */
    public int getConcurrent(long a, int p) {
        while (true) {
            long v = (long) VERSION.getAcquire(this);
            if ((v & 1) == 0) {
                int i = slot(a, p);
                int result = MISSING;
                for (int n = 0; n <= mask; n++) { // bounded: a torn read must not loop forever
                    int value = values[i];
                    if (value == 0) {
                        break;
                    }
                    if (addresses[i] == a && ports[i] == p) {
                        result = value - 1;
                        break;
                    }
                    i = (i + 1) & mask;
                }
                VarHandle.loadLoadFence();
                if ((long) VERSION.getOpaque(this) == v) {
                    return result;
                }
            }
            Thread.onSpinWait();
        }
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
                beginWrite();
                values[i] = value + 1;
                endWrite();
                return true;
            }
            i = (i + 1) & mask;
        }
        if (size == maxEntries) {
            return false;
        }
        beginWrite();
        addresses[i] = a;
        ports[i] = p;
        values[i] = value + 1;
        size++;
        endWrite();
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
                beginWrite();
                shiftBack(i);
                size--;
                endWrite();
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

    /** @return entries held (owner thread) */
    public int size() {
        return size;
    }

    /** @return entries held, for any thread: the count at some moment between two owner writes */
    public int sizeConcurrent() {
        while (true) {
            long v = (long) VERSION.getAcquire(this);
            int n = size;
            VarHandle.loadLoadFence();
            if ((v & 1) == 0 && (long) VERSION.getOpaque(this) == v) {
                return n;
            }
            Thread.onSpinWait();
        }
    }

    /** @return most entries */
    public int capacity() {
        return maxEntries;
    }
}
