package dev.fastpath.tcp.cookie;

/**
 * SipHash-2-4 (Aumasson &amp; Bernstein) over 8 to 16 bytes given as two little-endian words, the way
 * Linux's {@code siphash_3u32}/{@code siphash_4u32} pack their arguments ({@code second << 32 | first}).
 * No allocation; the key is two longs.
 */
public final class SipHash {
    private SipHash() {
    }

    /**
     * @param k0 key, first 8 bytes (little-endian)
     * @param k1 key, last 8 bytes
     * @param w0 message bytes 0..7 as a little-endian word
     * @param w1 message bytes 8..15 (only the low {@code length − 8} bytes are used)
     * @param length message length, 8..16
     * @return the 64-bit hash
     */
    public static long hash(long k0, long k1, long w0, long w1, int length) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int tail = length - 8;
        long last = length == 16 ? 16L << 56
                : (long) length << 56 | (w1 & (tail == 0 ? 0 : -1L >>> (64 - 8 * tail)));
        int blocks = length == 16 ? 3 : 2;
        for (int b = 0; b < blocks; b++) {
            long m = b == 0 ? w0 : b == blocks - 1 ? last : w1;
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** Linux {@code siphash_4u32(a, b, c, d, key)}. */
    public static long hash4u32(long k0, long k1, int a, int b, int c, int d) {
        return hash(k0, k1, (a & 0xFFFF_FFFFL) | (long) b << 32, (c & 0xFFFF_FFFFL) | (long) d << 32, 16);
    }

    /** Linux {@code siphash_3u32(a, b, c, key)}. */
    public static long hash3u32(long k0, long k1, int a, int b, int c) {
        return hash(k0, k1, (a & 0xFFFF_FFFFL) | (long) b << 32, c & 0xFFFF_FFFFL, 12);
    }
}
