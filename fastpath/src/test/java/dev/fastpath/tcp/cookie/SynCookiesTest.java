package dev.fastpath.tcp.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SynCookiesTest {
    private static final long K0 = 0x0706050403020100L; // key bytes 00..0f, little-endian
    private static final long K1 = 0x0f0e0d0c0b0a0908L;
    private static final long MINUTE = 60_000_000_000L;
    private static final int C = 0xC6120002;
    private static final int S = 0xC6120001;

    @Test
    @DisplayName("SipHash-2-4 matches the reference vectors (key 00..0f, message 00..n-1)")
    void sipHashVectors() {
        assertEquals(0x93f5f5799a932462L, SipHash.hash(K0, K1, 0x0706050403020100L, 0, 8));
        assertEquals(0x751e8fbc860ee5fbL, SipHash.hash(K0, K1, 0x0706050403020100L, 0x0b0a0908L, 12));
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(K0, K1, 0x0706050403020100L, 0x0e0d0c0b0a0908L, 15));
        assertEquals(0x3f2acc7f57c29bdbL, SipHash.hash(K0, K1, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 16));
        assertEquals(SipHash.hash(K0, K1, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 16),
                SipHash.hash4u32(K0, K1, 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c));
    }

    @Test
    @DisplayName("a cookie round-trips the MSS table entry for every peer MSS")
    void mssRoundTrip() {
        SynCookies c = new SynCookies(RandomSource.seeded(1));
        int[][] cases = {{536, 536}, {1000, 536}, {1299, 536}, {1300, 1300}, {1400, 1300}, {1440, 1440},
            {1452, 1440}, {1460, 1460}, {9000, 1460}, {100, 536}};
        long now = 10 * MINUTE + 5;
        for (int[] k : cases) {
            int isn = 0x12345678 + k[0];
            int cookie = c.cookieV4InitSequence(C, S, 40000, 80, isn, SynCookies.mssIndex(k[0]), now);
            assertEquals(k[1], c.cookieV4Check(C, S, 40000, 80, cookie + 1, isn + 1, now + 30_000_000_000L),
                    "peer MSS " + k[0]);
        }
    }

    @Test
    @DisplayName("a cookie is valid for the Linux age window only, and only for its own tuple and ISN")
    void validity() {
        SynCookies c = new SynCookies(RandomSource.seeded(2));
        long now = 100 * MINUTE + 59_000_000_000L; // late in a minute
        int cookie = c.cookieV4InitSequence(C, S, 40000, 80, 777, 3, now);
        assertEquals(1460, c.cookieV4Check(C, S, 40000, 80, cookie + 1, 778, now));
        assertEquals(1460, c.cookieV4Check(C, S, 40000, 80, cookie + 1, 778, now + MINUTE));
        assertEquals(0, c.cookieV4Check(C, S, 40000, 80, cookie + 1, 778, now + 2 * MINUTE));
        assertEquals(0, c.cookieV4Check(C, S, 40000, 80, cookie + 2, 778, now));
        assertEquals(0, c.cookieV4Check(C, S, 40001, 80, cookie + 1, 778, now));
        assertEquals(0, c.cookieV4Check(C + 1, S, 40000, 80, cookie + 1, 778, now));
        // The client ISN enters the cookie linearly (as in Linux): a small shift moves the MSS index
        // within the table, so only shifts that leave the table or the age window are refused.
        assertEquals(0, c.cookieV4Check(C, S, 40000, 80, cookie + 1, 778 + 100, now));
        assertEquals(0, c.cookieV4Check(C, S, 40000, 80, cookie + 1, 778 + (5 << 24), now));
        c.rekey(RandomSource.seeded(3));
        assertEquals(0, c.cookieV4Check(C, S, 40000, 80, cookie + 1, 778, now), "old secrets no longer validate");
    }

    @Test
    @DisplayName("random ACKs almost never pass as cookies")
    void forgeriesFail() {
        SynCookies c = new SynCookies(RandomSource.seeded(4));
        RandomSource r = RandomSource.seeded(5);
        int passed = 0;
        for (int i = 0; i < 200_000; i++) {
            passed += c.cookieV4Check(C, S, 40000 + (i & 0xFFF), 80, r.nextInt(), r.nextInt(), 7 * MINUTE) != 0
                    ? 1 : 0;
        }
        // A guess must hit one of 2 minutes × 4 MSS values in 2^32: expect about 0.4 passes in 200k.
        assertTrue(passed <= 5, "forged cookies accepted: " + passed);
    }

    @Test
    @DisplayName("the low 6 bits of the cookie TSval carry window scale, SACK and ECN, never ahead of now")
    void timestampOptions() {
        for (int w = -1; w <= 14; w++) {
            for (int flags = 0; flags < 4; flags++) {
                boolean sack = (flags & 1) != 0;
                boolean ecn = (flags & 2) != 0;
                long now = 1_000_000 + w * 7 + flags;
                int ts = SynCookies.cookieInitTimestamp(now, w, sack, ecn);
                assertTrue(ts <= now && now - ts < 64, "ts " + ts + " now " + now);
                assertEquals(w, SynCookies.decodeWscale(ts));
                assertEquals(sack, SynCookies.decodeSack(ts));
                assertEquals(ecn, SynCookies.decodeEcn(ts));
            }
        }
    }

    @Test
    void isnIsKeyedPerTupleAndAdvancesWithTime() {
        IsnGenerator g = new IsnGenerator(RandomSource.seeded(9));
        IsnGenerator same = new IsnGenerator(RandomSource.seeded(9));
        IsnGenerator other = new IsnGenerator(RandomSource.seeded(10));
        assertEquals(g.isn(C, S, 1, 2, 0), same.isn(C, S, 1, 2, 0));
        assertNotEquals(g.isn(C, S, 1, 2, 0), other.isn(C, S, 1, 2, 0));
        assertNotEquals(g.isn(C, S, 1, 2, 0), g.isn(C, S, 1, 3, 0));
        assertEquals(g.isn(C, S, 1, 2, 0) + 1_000_000_000 / 64, g.isn(C, S, 1, 2, 1_000_000_000L));
        assertEquals(g.tsOffset(C, S), same.tsOffset(C, S));
        assertFalse(g.tsOffset(C, S) == g.tsOffset(S, C) && g.tsOffset(C, S) == g.tsOffset(C, S + 1));
    }
}
