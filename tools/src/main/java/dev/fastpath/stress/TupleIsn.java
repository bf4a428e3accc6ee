package dev.fastpath.stress;

import dev.fastpath.tcp.cookie.SipHash;
import java.security.SecureRandom;

/**
 * The initial sequence number a generator's SYN from a source tuple carries, computed again from the answer's
 * tuple alone: an answer whose acknowledgment number is {@code isn + 1} answers our SYN, and nothing is kept per
 * flow.
 */
@FunctionalInterface
public interface TupleIsn {

    /**
     * @param srcIp   our (spoofed) source address
     * @param srcPort our source port
     * @return the ISN of our SYN from that tuple
     */
    int isn(int srcIp, int srcPort);

    /** The flood's unkeyed mix ({@link FloodGenerator#isn}), which its XDP programs compute too. */
    TupleIsn MIX = FloodGenerator::isn;

    /**
     * SipHash-2-4 of the whole 4-tuple under a per-run 128-bit key: nobody who has not seen the key (another
     * generator, a middlebox) can make a segment that passes as an answer to our SYN, and runs never share ISNs.
     *
     * @param k0      key, first half
     * @param k1      key, second half
     * @param dstIp   the target's address
     * @param dstPort the target's port
     * @return the function
     */
    static TupleIsn keyed(long k0, long k1, int dstIp, int dstPort) {
        return (srcIp, srcPort) -> (int) SipHash.hash3u32(k0, k1, srcIp, dstIp, srcPort << 16 | dstPort);
    }

    /**
     * {@link #keyed} under a fresh random key.
     *
     * @param dstIp   the target's address
     * @param dstPort the target's port
     * @return the function
     */
    static TupleIsn randomKey(int dstIp, int dstPort) {
        SecureRandom r = new SecureRandom();
        return keyed(r.nextLong(), r.nextLong(), dstIp, dstPort);
    }
}
