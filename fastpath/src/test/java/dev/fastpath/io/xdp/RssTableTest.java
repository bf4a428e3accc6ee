package dev.fastpath.io.xdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The Toeplitz hash against Microsoft's RSS verification suite (IPv4 with TCP ports), and reading RSS. */
class RssTableTest {
    private static final byte[] KEY = HexFormat.of().parseHex(
            "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    private static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    @Test
    void microsoftVerificationSuiteIpv4Tcp() {
        // {destination, source, expected} as the suite lists them; the hash takes source first.
        assertEquals(0x51ccc178, RssTable.toeplitz(KEY, ip(66, 9, 149, 187), ip(161, 142, 100, 80), 2794, 1766));
        assertEquals(0xc626b0ea, RssTable.toeplitz(KEY, ip(199, 92, 111, 2), ip(65, 69, 140, 83), 14230, 4739));
        assertEquals(0x5c2b394a, RssTable.toeplitz(KEY, ip(24, 19, 198, 95), ip(12, 22, 207, 184), 12898, 38024));
        assertEquals(0xafc7327f, RssTable.toeplitz(KEY, ip(38, 27, 205, 30), ip(209, 142, 163, 6), 48228, 2217));
        assertEquals(0x10e828a2, RssTable.toeplitz(KEY, ip(153, 39, 163, 191), ip(202, 188, 127, 2), 44251, 1303));
    }

    @Test
    void queueFollowsTheIndirectionTable() {
        RssTable t = new RssTable(KEY, new int[] {0, 1, 2, 3});
        int h = RssTable.toeplitz(KEY, ip(66, 9, 149, 187), ip(161, 142, 100, 80), 2794, 1766);
        assertEquals(Integer.remainderUnsigned(h, 4), t.queueOf(ip(66, 9, 149, 187), ip(161, 142, 100, 80), 2794,
                1766));
    }

    @Test
    void aDeviceWithoutRssHasNothingToSteerBy() {
        assertTrue(RssTable.read("lo").isEmpty(), "lo has no RSS");
        assertTrue(RssTable.read("no-such-if0").isEmpty());
    }
}
