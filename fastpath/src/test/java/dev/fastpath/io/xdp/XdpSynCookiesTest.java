package dev.fastpath.io.xdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdpSynCookiesTest {
    @Test
    @DisplayName("the program's clock follows the engine's inside a time namespace (its monotonic offset)")
    void timeNamespaceOffset(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("timens_offsets");
        Files.writeString(f, "monotonic        -3600 250\nboottime            0         0\n");
        assertEquals(-3600L * 1_000_000_000L + 250, XdpSynCookies.monotonicOffsetNs(f));
        Files.writeString(f, "boottime 5 0\n");
        assertEquals(0, XdpSynCookies.monotonicOffsetNs(f));
        assertEquals(0, XdpSynCookies.monotonicOffsetNs(dir.resolve("missing")));
    }

    @Test
    @DisplayName("filter buckets spread over all 65536 and depend on every field and the seed")
    void heldBuckets() {
        int b = XdpSynCookies.heldBucket(7, 0xC6120002, 40000, 80);
        assertEquals(b, XdpSynCookies.heldBucket(7, 0xC6120002, 40000, 80));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int p = 0; p < 4096; p++) {
            int x = XdpSynCookies.heldBucket(7, 0xC6120002, 1024 + p, 80);
            assertEquals(x, x & 0xFFFF);
            seen.add(x);
        }
        assertTrue(seen.size() > 3900, "4096 ports hit " + seen.size() + " buckets");
        assertNotEquals(b, XdpSynCookies.heldBucket(8, 0xC6120002, 40000, 80), "seed");
        assertNotEquals(b, XdpSynCookies.heldBucket(7, 0xC6120003, 40000, 80), "address");
        assertNotEquals(b, XdpSynCookies.heldBucket(7, 0xC6120002, 40000, 81), "local port");
    }
}
