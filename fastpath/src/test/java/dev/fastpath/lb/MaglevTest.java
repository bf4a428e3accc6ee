package dev.fastpath.lb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weighted Maglev: shares follow weights, the table is deterministic, a change moves about 1/N of the flows. */
class MaglevTest {

    private static List<Backend> backends(int n, int... weights) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = weights.length == 0 ? 1 : weights[i];
            list.add(new Backend(i, 0xC6120002 + i, 8080, w, BackendState.UP, 0));
        }
        return list;
    }

    private static int[] shares(int[] table, int n) {
        int[] c = new int[n];
        for (int b : table) {
            c[b]++;
        }
        return c;
    }

    @Test
    void equalWeightsShareTheTableEvenly() {
        int[] table = Maglev.table(backends(5));
        assertEquals(Maglev.SIZE, table.length);
        int[] c = shares(table, 5);
        int min = Arrays.stream(c).min().orElseThrow();
        int max = Arrays.stream(c).max().orElseThrow();
        assertTrue(max - min <= 1, "Maglev's bound: equal weights differ by at most one entry: " + Arrays.toString(c));
    }

    @Test
    void weightsSetTheShares() {
        int[] table = Maglev.table(backends(3, 1, 2, 5));
        int[] c = shares(table, 3);
        assertEquals(Maglev.SIZE / 8.0, c[0], 3);
        assertEquals(2 * Maglev.SIZE / 8.0, c[1], 3);
        assertEquals(5 * Maglev.SIZE / 8.0, c[2], 3);
    }

    @Test
    void sameConfigurationSameTable() {
        int[] w = {1, 2, 3, 1, 1, 4, 2};
        assertArrayEquals(Maglev.table(backends(7, w)), Maglev.table(backends(7, w)));
    }

    @Test
    void downAndDrainingBackendsGetNoEntriesAndNoneUpGivesAnEmptyTable() {
        List<Backend> list = new ArrayList<>(backends(3));
        list.set(1, new Backend(1, list.get(1).ip(), 8080, 1, BackendState.DOWN, 0));
        list.set(2, new Backend(2, list.get(2).ip(), 8080, 1, BackendState.DRAIN, 0));
        int[] c = shares(Maglev.table(list), 3);
        assertEquals(Maglev.SIZE, c[0]);
        list.set(0, new Backend(0, list.get(0).ip(), 8080, 1, BackendState.DOWN, 0));
        assertEquals(0, Maglev.table(list).length);
        assertEquals(-1, new Pool(list, Maglev.table(list), false).pick(42, 0));
    }

    /** Removing one of N backends moves its 1/N of the flows and (almost) nothing else; adding one takes ≈1/(N+1). */
    @Test
    void removingOrAddingOneBackendMovesAboutOneNth() {
        int n = 10;
        List<Backend> all = backends(n + 1);
        Pool before = new Pool(all.subList(0, n), Maglev.table(all.subList(0, n)), false);
        List<Backend> without = new ArrayList<>(all.subList(0, n));
        without.set(3, new Backend(3, without.get(3).ip(), 8080, 1, BackendState.DOWN, 0));
        Pool removed = new Pool(without, Maglev.table(without), false);
        Pool added = new Pool(all, Maglev.table(all), false);
        int flows = 200_000;
        int movedRemove = 0;
        int movedNotFromRemoved = 0;
        int movedAdd = 0;
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < flows; i++) {
            long h = Pool.tupleHash(r.nextInt(), r.nextInt(1024, 65536), 0xC6120001, 80);
            int b0 = before.pick(h, 0);
            int b1 = removed.pick(h, 0);
            if (b0 != b1) {
                movedRemove++;
                if (b0 != 3) {
                    movedNotFromRemoved++;
                }
            }
            if (added.pick(h, 0) != b0) {
                movedAdd++;
            }
        }
        double share = 1.0 / n;
        assertEquals(share, movedRemove / (double) flows, 0.02, "removing moves its own ~1/N");
        assertTrue(movedNotFromRemoved / (double) flows < 0.02, "few flows of the others move: "
                + movedNotFromRemoved);
        assertEquals(1.0 / (n + 1), movedAdd / (double) flows, 0.03, "adding takes ~1/(N+1)");
    }

    @Test
    void retriesWalkToOtherBackendsThenGiveUp() {
        Pool pool = new Pool(backends(3), Maglev.table(backends(3)), false);
        long h = Pool.tupleHash(0xC6120002, 40000, 0xC6120001, 80);
        int a = pool.pick(h, 0);
        int b = pool.pick(h, 1);
        int c = pool.pick(h, 2);
        assertTrue(a != b && b != c && a != c, a + " " + b + " " + c);
        assertEquals(-1, pool.pick(h, 3));
        assertEquals(a, pool.pick(h, 0), "the first pick is stable");
    }
}
