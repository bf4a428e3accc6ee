package dev.fastpath.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    @Test
    void agreesWithAHashMapUnderRandomInsertLookupRemove() {
        SplittableRandom r = new SplittableRandom(7);
        ConnectionTable t = new ConnectionTable(5000, r.nextLong());
        Map<Long, Integer> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int remote = r.nextInt(64);
            int port = r.nextInt(128);
            long a = ConnectionTable.addresses(0xC6120001, 0xC6130000 + remote);
            int p = ConnectionTable.ports(80, 40000 + port);
            long key = (long) remote << 32 | port;
            switch (r.nextInt(3)) {
                case 0 -> {
                    int v = r.nextInt(1 << 20);
                    assertEquals(model.size() < 5000 || model.containsKey(key), t.put(a, p, v));
                    if (model.size() < 5000 || model.containsKey(key)) {
                        model.put(key, v);
                    }
                }
                case 1 -> assertEquals(model.getOrDefault(key, ConnectionTable.MISSING), t.get(a, p));
                default -> {
                    Integer old = model.remove(key);
                    assertEquals(old == null ? ConnectionTable.MISSING : old, t.remove(a, p));
                }
            }
            assertEquals(model.size(), t.size());
        }
    }

    @Test
    void refusesBeyondCapacityWithoutChangingAnything() {
        ConnectionTable t = new ConnectionTable(2, 1);
        assertTrue(t.put(1, 1, 10));
        assertTrue(t.put(2, 2, 20));
        assertFalse(t.put(3, 3, 30));
        assertTrue(t.put(2, 2, 21));
        assertEquals(21, t.get(2, 2));
        assertEquals(ConnectionTable.MISSING, t.get(3, 3));
    }
}
