package dev.fastpath.lb;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Weighted Maglev hashing (Eisenbud et al., NSDI 2016, §3.4): every backend walks its own permutation of the table
 * (an offset and a skip derived from its name), and in turns the backends claim the next free entry of theirs until
 * the table is full. The table depends only on the backends' names, weights and order — the same on every instance
 * built from the same configuration — and a backend that joins or leaves moves about 1/N of the entries.
 *
 * <p>Weights: in round r a backend of weight w may hold at most {@code r * w / maxWeight} entries, so its share
 * of the table is its share of the weights.
 */
public final class Maglev {
    /** The table size: a prime, so every skip in 1..size-1 walks a full permutation. */
    public static final int SIZE = 65_537;

    private Maglev() {
    }

    /**
     * The lookup table over the backends that take new flows.
     *
     * @param backends every backend of a pool (only UP ones are placed)
     * @return indices into {@code backends}, {@link #SIZE} long; empty when none is UP
     */
    public static int[] table(List<Backend> backends) {
        return table(backends, SIZE);
    }

    /**
     * @param backends every backend of a pool (only UP ones are placed)
     * @param size     a prime table size
     * @return indices into {@code backends}; empty when none is UP
     */
    static int[] table(List<Backend> backends, int size) {
        int n = backends.size();
        int[] offset = new int[n];
        int[] skip = new int[n];
        long maxWeight = 0;
        int up = 0;
        for (int i = 0; i < n; i++) {
            Backend b = backends.get(i);
            if (!b.takesNewFlows() || b.weight() <= 0) {
                continue;
            }
            up++;
            maxWeight = Math.max(maxWeight, b.weight());
            byte[] name = b.address().getBytes(StandardCharsets.US_ASCII);
            offset[i] = (int) Long.remainderUnsigned(hash(name, 0xC6A4A7935BD1E995L), size);
            skip[i] = (int) Long.remainderUnsigned(hash(name, 0x9E3779B97F4A7C15L), size - 1) + 1;
        }
        if (up == 0) {
            return new int[0];
        }
        int[] entry = new int[size];
        java.util.Arrays.fill(entry, -1);
        long[] next = new long[n];
        long[] placed = new long[n];
        int filled = 0;
        for (long round = 1; filled < size; round++) {
            for (int i = 0; i < n && filled < size; i++) {
                Backend b = backends.get(i);
                if (!b.takesNewFlows() || b.weight() <= 0 || placed[i] * maxWeight >= round * b.weight()) {
                    continue;
                }
                int c = (int) ((offset[i] + next[i] * skip[i]) % size);
                while (entry[c] >= 0) {
                    next[i]++;
                    c = (int) ((offset[i] + next[i] * skip[i]) % size);
                }
                entry[c] = i;
                next[i]++;
                placed[i]++;
                filled++;
            }
        }
        return entry;
    }

    /** FNV-1a over the name from a seed, then murmur3's finaliser: fixed, so every instance agrees. */
    private static long hash(byte[] data, long seed) {
        long h = 0xCBF29CE484222325L ^ seed;
        for (byte x : data) {
            h ^= x & 0xFF;
            h *= 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
