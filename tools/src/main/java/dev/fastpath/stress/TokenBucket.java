package dev.fastpath.stress;

/**
 * A token bucket on a caller-supplied clock: {@code rate} tokens per second, at most {@code burst} saved up.
 * Tokens are counted from the start time rather than added per call, so rounding never drifts: after
 * {@code t} seconds exactly {@code floor(t × rate)} tokens have been issued (less what the burst cap threw
 * away while the caller was late). No allocation, no floating point.
 */
public final class TokenBucket {

    private static final long NS_PER_S = 1_000_000_000L;

    private final long ratePerSecond;
    private final long burst;
    private final long startNs;
    private long taken;

    /**
     * @param ratePerSecond tokens per second, at least 1
     * @param burst         the most tokens handed out at once after an idle spell, at least 1
     * @param startNs       the clock's value at the start
     */
    public TokenBucket(long ratePerSecond, long burst, long startNs) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate " + ratePerSecond + " and burst " + burst + " must be >= 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.startNs = startNs;
    }

    /** Tokens issued from the start until {@code nowNs}; split so rate × nanoseconds cannot overflow. */
    private long issued(long nowNs) {
        long elapsed = Math.max(0, nowNs - startNs);
        return (elapsed / NS_PER_S) * ratePerSecond + (elapsed % NS_PER_S) * ratePerSecond / NS_PER_S;
    }

    /**
     * Takes up to {@code max} tokens.
     *
     * @param nowNs the clock
     * @param max   the most tokens wanted
     * @return tokens granted, 0..max
     */
    public long take(long nowNs, long max) {
        long issued = issued(nowNs);
        long available = issued - taken;
        if (available > burst) {
            // The caller fell behind: drop what exceeds the burst instead of sending it all at once.
            taken = issued - burst;
            available = burst;
        }
        long granted = Math.min(available, max);
        taken += granted;
        return granted;
    }

    /**
     * Returns tokens that were taken but not used (e.g. the TX ring was full).
     *
     * @param unused tokens to give back
     */
    public void giveBack(long unused) {
        taken -= unused;
    }

    /** @return tokens per second */
    public long ratePerSecond() {
        return ratePerSecond;
    }
}
