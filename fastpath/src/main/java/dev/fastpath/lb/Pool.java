package dev.fastpath.lb;

import java.util.List;

/**
 * A VIP's backends and the Maglev lookup table over those that take new flows. Immutable: a change (weights,
 * health, drain, reload) builds a new pool inside a new {@link LbSnapshot}.
 *
 * <p>The table holds indices into {@link #backends()}; it is built by the control plane from the backends whose
 * state is UP (Maglev's population over their weights), so a backend that goes down or drains leaves its entries to
 * the others and only its own flows move.
 */
public final class Pool {
    private final Backend[] backends;
    private final int[] table;
    private final boolean proxyProtocol;
    private final HealthSpec health;

    /**
     * @param backends      every backend, UP or not (established flows look theirs up by slot)
     * @param table         the lookup table: indices into {@code backends}, or an empty table when none is UP
     * @param proxyProtocol whether a PROXY protocol v2 header opens every backend connection
     */
    public Pool(List<Backend> backends, int[] table, boolean proxyProtocol) {
        this(backends, table, proxyProtocol, null);
    }

    /**
     * @param backends      every backend, UP or not (established flows look theirs up by slot)
     * @param table         the lookup table: indices into {@code backends}, or an empty table when none is UP
     * @param proxyProtocol whether a PROXY protocol v2 header opens every backend connection
     * @param health        the active health check, or null for none
     */
    public Pool(List<Backend> backends, int[] table, boolean proxyProtocol, HealthSpec health) {
        this.health = health;
        this.backends = backends.toArray(Backend[]::new);
        this.table = table.clone();
        this.proxyProtocol = proxyProtocol;
        for (int b : this.table) {
            if (b < 0 || b >= this.backends.length) {
                throw new IllegalArgumentException("table entry " + b + " is not a backend index (0.."
                        + (this.backends.length - 1) + ")");
            }
        }
    }

    /** @return the backends (a copy) */
    public List<Backend> backends() {
        return List.of(backends);
    }

    /** @return how many backends, in any state */
    public int size() {
        return backends.length;
    }

    /**
     * @param index an index from {@link #pick}
     * @return that backend
     */
    public Backend backend(int index) {
        return backends[index];
    }

    /**
     * @param slot a backend slot
     * @return the backend with that slot, or null when the pool no longer has it
     */
    public Backend bySlot(int slot) {
        for (Backend b : backends) {
            if (b.slot() == slot) {
                return b;
            }
        }
        return null;
    }

    /** @return the health check, or null */
    public HealthSpec health() {
        return health;
    }

    /** @return whether backend connections start with a PROXY protocol v2 header */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    /** @return the lookup table's length (0 when no backend is UP) */
    public int tableSize() {
        return table.length;
    }

    /**
     * The backend for a flow: Maglev's lookup, {@code table[hash mod size]}. A retry after a failed connect asks for
     * {@code attempt} 1, 2, …: the table is walked on from the flow's entry to the attempt-th backend not returned
     * before, so every instance with the same snapshot retries the same way.
     *
     * @param tupleHash the client's tuple hash ({@link #tupleHash})
     * @param attempt   0 for the first choice
     * @return an index into the backends, or -1 when no backend takes new flows (or every one was tried)
     */
    public int pick(long tupleHash, int attempt) {
        if (table.length == 0) {
            return -1;
        }
        int start = (int) Long.remainderUnsigned(tupleHash, table.length);
        if (attempt == 0) {
            return table[start];
        }
        boolean[] seen = new boolean[backends.length]; // retries only: the first pick allocates nothing
        int distinct = 0;
        for (int i = 0; i < table.length; i++) {
            int b = table[(start + i) % table.length];
            if (!seen[b]) {
                seen[b] = true;
                if (distinct++ == attempt) {
                    return b;
                }
                if (distinct == backends.length) {
                    break;
                }
            }
        }
        return -1;
    }

    /**
     * The hash of a client's 4-tuple the pick is made over: the same on every instance and every worker (no
     * per-process seed), so a flow picks the same backend wherever it lands.
     *
     * @param clientIp   client address
     * @param clientPort client port
     * @param vipIp      VIP address
     * @param vipPort    VIP port
     * @return the hash
     */
    public static long tupleHash(int clientIp, int clientPort, int vipIp, int vipPort) {
        long h = (clientIp & 0xFFFFFFFFL) << 32 | (vipIp & 0xFFFFFFFFL);
        h ^= ((long) clientPort << 16 | vipPort) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL; // murmur3's fmix64
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
