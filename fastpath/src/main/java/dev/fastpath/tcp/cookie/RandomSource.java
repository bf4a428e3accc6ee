package dev.fastpath.tcp.cookie;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Where the engine's randomness comes from (secrets, ISN keys, port offsets, timestamp offsets):
 * seeded for tests and simulations (reproducible), or from the OS for production.
 */
public final class RandomSource {
    private final SplittableRandom random;

    private RandomSource(SplittableRandom random) {
        this.random = random;
    }

    /**
     * @param seed the seed
     * @return a deterministic source
     */
    public static RandomSource seeded(long seed) {
        return new RandomSource(new SplittableRandom(seed));
    }

    /** @return a source seeded from {@link SecureRandom} */
    public static RandomSource secure() {
        return new RandomSource(new SplittableRandom(new SecureRandom().nextLong()));
    }

    /** @return 64 random bits */
    public long nextLong() {
        return random.nextLong();
    }

    /** @return 32 random bits */
    public int nextInt() {
        return random.nextInt();
    }

    /**
     * @param bound exclusive upper bound, positive
     * @return a value in 0..bound−1
     */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
