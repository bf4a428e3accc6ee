package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.wire.Ipv4Header;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The walk covers every (address, port) pair of its block exactly once, then stops. */
class TupleWalkerTest {

    @Test
    void walksEveryPairOnceThenStops() {
        TupleWalker w = TupleWalker.ofCidr("198.19.0.0/28", 2000, 2099);
        assertEquals(14, w.addressCount(), "/28 without network and broadcast");
        assertEquals(1400, w.size());
        Set<Long> seen = new HashSet<>();
        while (w.next()) {
            assertTrue(w.containsAddress(w.address()) && w.containsPort(w.port()));
            assertTrue(seen.add((long) w.address() << 16 | w.port()), "repeat at " + w.walked());
        }
        assertEquals(1400, seen.size());
        assertEquals(0, w.remaining());
        assertFalse(w.next());
        assertEquals(1400, w.walked(), "a failed next() does not advance");
    }

    @Test
    void consecutivePairsChangeTheAddressFirst() {
        TupleWalker w = TupleWalker.ofCidr("198.19.1.0/30", 5000, 5001);
        int[][] expected = {{1, 5000}, {2, 5000}, {1, 5001}, {2, 5001}};
        for (int[] e : expected) {
            assertTrue(w.next());
            assertEquals(Ipv4Header.parseAddress("198.19.1.0") + e[0], w.address());
            assertEquals(e[1], w.port());
        }
        assertFalse(w.next());
    }

    @Test
    void blockEdges() {
        assertEquals(1, TupleWalker.ofCidr("198.19.0.7/32", 1, 1).size());
        TupleWalker w31 = TupleWalker.ofCidr("198.19.0.7/31", 1, 1);
        assertEquals(2, w31.addressCount());
        assertEquals(Ipv4Header.parseAddress("198.19.0.6"), w31.firstAddress());
        TupleWalker w16 = TupleWalker.ofCidr("198.19.0.0/16", 1024, 65535);
        assertEquals(65534L * 64512, w16.size());
        assertFalse(w16.containsAddress(Ipv4Header.parseAddress("198.19.0.0")));
        assertFalse(w16.containsAddress(Ipv4Header.parseAddress("198.20.0.1")));
        assertTrue(w16.containsAddress(Ipv4Header.parseAddress("198.19.255.254")));
    }

    @Test
    void rejectsMalformedBlocks() {
        assertThrows(IllegalArgumentException.class, () -> TupleWalker.ofCidr("198.19.0.0/7", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> TupleWalker.ofCidr("198.19.0/16", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> TupleWalker.ofCidr("198.19.0.0/16", 10, 9));
        assertThrows(IllegalArgumentException.class, () -> TupleWalker.ofCidr("198.19.0.0/16", 0, 9));
    }
}
