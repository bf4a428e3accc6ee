package dev.fastpath.tcp;

/** Sequence-number comparisons modulo 2^32 (RFC 9293 §3.4), as Linux's before()/after(). */
final class Seq {
    private Seq() {
    }

    static boolean before(int a, int b) {
        return a - b < 0;
    }

    static boolean after(int a, int b) {
        return b - a < 0;
    }

    static boolean beforeEq(int a, int b) {
        return a - b <= 0;
    }

    static boolean afterEq(int a, int b) {
        return b - a <= 0;
    }

    /** @return whether lo ≤ x ≤ hi */
    static boolean between(int x, int lo, int hi) {
        return hi - lo >= x - lo;
    }
}
