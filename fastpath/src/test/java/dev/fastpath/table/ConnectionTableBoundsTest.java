package dev.fastpath.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The table's edges: key packing, the value range, a full table, chains that wrap, every shard. */
class ConnectionTableBoundsTest {

    @Test
    @DisplayName("keys: local address high, remote low (no sign spill); local port high, remote port low")
    void keyPacking() {
        assertEquals(0xC6120001_C613FFFEL, ConnectionTable.addresses(0xC6120001, 0xC613FFFE));
        assertEquals(0x00000001_FFFFFFFFL, ConnectionTable.addresses(1, -1));
        assertEquals(0x0050_9C40, ConnectionTable.ports(80, 40000));
        assertEquals(0xFFFF_0001, ConnectionTable.ports(0xFFFF, 1));
        assertTrue(ConnectionTable.addresses(1, 2) != ConnectionTable.addresses(2, 1), "direction matters");
    }

    @Test
    @DisplayName("sizes: 1..2^29 entries accepted, others refused with the bound named; capacity is what was asked")
    void sizes() {
        assertEquals(1, new ConnectionTable(1, 0).capacity());
        assertEquals(1000, new ConnectionTable(1000, 0).capacity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConnectionTable(0, 0));
        assertEquals("maxEntries must be in 1..2^29, was 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConnectionTable(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConnectionTable((1 << 29) + 1, 0));
    }

    @Test
    @DisplayName("values: 0 and 2^31-2 are stored and found; negative and 2^31-1 refused (the slot stores value+1)")
    void valueRange() {
        ConnectionTable t = new ConnectionTable(4, 3);
        assertTrue(t.put(1, 1, 0));
        assertEquals(0, t.get(1, 1));
        assertTrue(t.put(2, 2, Integer.MAX_VALUE - 1));
        assertEquals(Integer.MAX_VALUE - 1, t.get(2, 2));
        assertEquals(Integer.MAX_VALUE - 1, t.remove(2, 2));
        assertThrows(IllegalArgumentException.class, () -> t.put(3, 3, -1));
        assertThrows(IllegalArgumentException.class, () -> t.put(3, 3, Integer.MAX_VALUE));
        assertEquals(1, t.size());
    }

    @Test
    @DisplayName("one entry: full at one, a miss on the full table ends, removal frees the slot")
    void oneEntry() {
        ConnectionTable t = new ConnectionTable(1, 42);
        assertTrue(t.put(7, 7, 70));
        assertFalse(t.put(8, 8, 80), "full");
        assertEquals(ConnectionTable.MISSING, t.get(8, 8));
        assertEquals(ConnectionTable.MISSING, t.getConcurrent(8, 8));
        assertEquals(ConnectionTable.MISSING, t.remove(8, 8));
        assertEquals(1, t.size());
        assertEquals(70, t.remove(7, 7));
        assertEquals(0, t.size());
        assertEquals(0, t.sizeConcurrent());
        assertTrue(t.put(8, 8, 80));
        assertEquals(80, t.getConcurrent(8, 8));
    }

    @Test
    @DisplayName("full to capacity: every key found from the owner and from other threads' reads; misses end")
    void fullTable() {
        int n = 1000;
        ConnectionTable t = new ConnectionTable(n, 0x5EED);
        for (int k = 0; k < n; k++) {
            assertTrue(t.put(key(k), port(k), k), "entry " + k);
        }
        assertFalse(t.put(key(n), port(n), n));
        assertEquals(n, t.size());
        assertEquals(n, t.sizeConcurrent());
        for (int k = 0; k < n; k++) {
            assertEquals(k, t.get(key(k), port(k)));
            assertEquals(k, t.getConcurrent(key(k), port(k)));
        }
        for (int k = n; k < 2 * n; k++) {
            assertEquals(ConnectionTable.MISSING, t.get(key(k), port(k)));
            assertEquals(ConnectionTable.MISSING, t.getConcurrent(key(k), port(k)));
        }
        // Only the address half or only the port half equal is a different key.
        int otherPort = ConnectionTable.ports(444, 32768);
        long otherAddresses = ConnectionTable.addresses(0xC6120002, 0xC6130000);
        assertEquals(ConnectionTable.MISSING, t.get(key(0), otherPort));
        assertEquals(ConnectionTable.MISSING, t.getConcurrent(key(0), otherPort));
        assertEquals(ConnectionTable.MISSING, t.get(otherAddresses, port(0)));
        assertEquals(ConnectionTable.MISSING, t.getConcurrent(otherAddresses, port(0)));
        for (int k = 0; k < n; k += 2) {
            assertEquals(k, t.remove(key(k), port(k)));
        }
        for (int k = 0; k < n; k++) {
            assertEquals(k % 2 == 0 ? ConnectionTable.MISSING : k, t.get(key(k), port(k)), "after removals, " + k);
            assertEquals(k % 2 == 0 ? ConnectionTable.MISSING : k, t.getConcurrent(key(k), port(k)));
        }
        assertEquals(n / 2, t.sizeConcurrent());
    }

    @Test
    @DisplayName("the keyed hash: the same tuple under another key lands elsewhere; every input bit counts")
    void keyedHash() {
        long a = ConnectionTable.addresses(0xC6120001, 0xC6130001);
        int p = ConnectionTable.ports(80, 40000);
        assertEquals(ConnectionTable.hash(a, p, 1), ConnectionTable.hash(a, p, 1));
        assertTrue(ConnectionTable.hash(a, p, 1) != ConnectionTable.hash(a, p, 2));
        for (int bit = 0; bit < 64; bit++) {
            assertTrue(ConnectionTable.hash(a ^ (1L << bit), p, 1) != ConnectionTable.hash(a, p, 1),
                    "address bit " + bit);
        }
        for (int bit = 0; bit < 32; bit++) {
            assertTrue(ConnectionTable.hash(a, p ^ (1 << bit), 1) != ConnectionTable.hash(a, p, 1), "port bit " + bit);
        }
    }

    @Test
    @DisplayName("shards: a key is found in the shard that holds it, with the shard's index; sizes add up")
    void shards() {
        ConnectionTable s0 = new ConnectionTable(8, 1);
        ConnectionTable s1 = new ConnectionTable(8, 2);
        ConnectionTable s2 = new ConnectionTable(8, 3);
        assertTrue(s0.put(key(1), port(1), 10));
        assertTrue(s2.put(key(2), port(2), 20));
        assertTrue(s2.put(key(3), port(3), 0));
        ConnectionShards shards = new ConnectionShards(List.of(s0, s1, s2));
        assertEquals(3, shards.count());
        assertEquals(s1, shards.shard(1));
        assertEquals(10, shards.find(key(1), port(1)));
        assertEquals(2L << 32 | 20, shards.find(key(2), port(2)));
        assertEquals(2L << 32, shards.find(key(3), port(3)), "value 0 in shard 2");
        assertEquals(-1, shards.find(key(4), port(4)));
        assertEquals(3, shards.size());
        assertThrows(IllegalArgumentException.class, () -> new ConnectionShards(List.of()));
    }

    private static long key(int k) {
        return ConnectionTable.addresses(0xC6120001, 0xC6130000 + (k >>> 8));
    }

    private static int port(int k) {
        return ConnectionTable.ports(443, 32768 + (k & 0xFF));
    }
}
