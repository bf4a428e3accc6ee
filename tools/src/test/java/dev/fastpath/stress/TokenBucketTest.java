package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bucket on a virtual clock: exact counts, the burst cap, returned tokens. */
class TokenBucketTest {

    private static final long S = 1_000_000_000L;

    @Test
    void issuesExactlyRateTimesTime() {
        TokenBucket b = new TokenBucket(1000, 1_000_000, 0);
        long total = 0;
        for (long t = 0; t <= 10 * S; t += 123_457) {
            total += b.take(t, Long.MAX_VALUE);
        }
        long last = 10 * S / 123_457 * 123_457;
        assertEquals(last * 1000 / S, total, "floor(t × rate) at the last call");
    }

    @Test
    void capsTheBurstAfterAnIdleSpell() {
        TokenBucket b = new TokenBucket(1_000_000, 100, 0);
        assertEquals(100, b.take(S, Long.MAX_VALUE), "a second idle: only the burst");
        assertEquals(0, b.take(S, Long.MAX_VALUE));
        assertEquals(10, b.take(S + 10_000, Long.MAX_VALUE), "10 µs later: 10 tokens");
    }

    @Test
    void givesBackUnusedTokens() {
        TokenBucket b = new TokenBucket(100, 1000, 0);
        assertEquals(50, b.take(S / 2, 1000));
        b.giveBack(20);
        assertEquals(20, b.take(S / 2, 1000));
    }

    @Test
    void highRatesOverLongRunsDoNotOverflow() {
        TokenBucket b = new TokenBucket(100_000_000, Long.MAX_VALUE, 0);
        assertEquals(100_000_000L * 3600, b.take(3600 * S, Long.MAX_VALUE));
    }
}
