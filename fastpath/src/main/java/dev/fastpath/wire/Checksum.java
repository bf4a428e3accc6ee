package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071), the TCP/IPv4 pseudo-header (RFC 9293 §3.1), and incremental
 * update (RFC 1624).
 *
 * <p>Speed: the one's-complement sum is independent of byte order (RFC 1071 §2(B)), so the loop adds
 * little-endian 64-bit words as two 32-bit halves into a 64-bit accumulator (no carry handling inside
 * the loop: 2^31 iterations could not overflow it), folds once at the end and swaps the two bytes
 * back. All sums returned here are in network (big-endian) sense.
 */
public final class Checksum {

    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Checksum() {
    }

    /**
     * The 16-bit one's-complement sum of a region, plus a partial sum carried in.
     *
     * @param buffer  the memory
     * @param offset  where the region starts (byte pairs are taken from here)
     * @param length  the region's length in bytes (an odd last byte is padded with zero, RFC 1071)
     * @param initial a partial sum to add (e.g. {@link #pseudoHeaderSum}); any non-negative int
     * @return the folded sum in 0..0xFFFF, not complemented
     */
    public static int sum16(MemorySegment buffer, long offset, int length, int initial) {
        long acc = 0;
        int i = 0;
        int wide = length & ~31;
        // Four independent accumulators: the adds do not wait on each other.
        long a1 = 0;
        long a2 = 0;
        long a3 = 0;
        for (; i < wide; i += 32) {
            long v0 = buffer.get(LE_LONG, offset + i);
            long v1 = buffer.get(LE_LONG, offset + i + 8);
            long v2 = buffer.get(LE_LONG, offset + i + 16);
            long v3 = buffer.get(LE_LONG, offset + i + 24);
            acc += (v0 & 0xFFFFFFFFL) + (v0 >>> 32);
            a1 += (v1 & 0xFFFFFFFFL) + (v1 >>> 32);
            a2 += (v2 & 0xFFFFFFFFL) + (v2 >>> 32);
            a3 += (v3 & 0xFFFFFFFFL) + (v3 >>> 32);
        }
        acc += a1 + a2 + a3;
        for (; i + 8 <= length; i += 8) {
            long v = buffer.get(LE_LONG, offset + i);
            acc += (v & 0xFFFFFFFFL) + (v >>> 32);
        }
        if (i + 4 <= length) {
            acc += buffer.get(LE_INT, offset + i) & 0xFFFFFFFFL;
            i += 4;
        }
        if (i + 2 <= length) {
            acc += buffer.get(LE_SHORT, offset + i) & 0xFFFF;
            i += 2;
        }
        if (i < length) {
            // The odd byte is the high byte of a zero-padded big-endian word: the low byte when swapped.
            acc += buffer.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
        }
        int swapped = fold16(acc);
        int sum = ((swapped & 0xFF) << 8) | (swapped >>> 8);
        return fold16((long) sum + (initial & 0xFFFFFFFFL));
    }

    /**
     * Folds a running sum to 16 bits and complements it: the value a header stores.
     *
     * @param sum a non-negative running sum
     * @return the checksum field value
     */
    public static int fold(long sum) {
        return ~fold16(sum) & 0xFFFF;
    }

    /** Folds carries back in until the value fits in 16 bits (end-around carry). */
    static int fold16(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * The sum of the TCP/IPv4 pseudo-header: source, destination, zero + protocol, L4 length.
     *
     * @param srcIp    the source address
     * @param dstIp    the destination address
     * @param protocol the IP protocol number
     * @param l4Length the L4 header plus payload, in bytes
     * @return an unfolded partial sum (fits in an int)
     */
    public static int pseudoHeaderSum(int srcIp, int dstIp, int protocol, int l4Length) {
        return (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF) + protocol + l4Length;
    }

    /**
     * The checksum to store in a TCP header whose checksum field currently holds zero.
     *
     * @param buffer    the memory
     * @param tcpOffset where the TCP header starts
     * @param tcpLength header plus payload, in bytes
     * @param srcIp     the IPv4 source address
     * @param dstIp     the IPv4 destination address
     * @return the checksum field value
     */
    public static int tcpChecksum(MemorySegment buffer, long tcpOffset, int tcpLength, int srcIp, int dstIp) {
        int pseudo = pseudoHeaderSum(srcIp, dstIp, Ipv4Header.PROTO_TCP, tcpLength);
        return fold(sum16(buffer, tcpOffset, tcpLength, pseudo));
    }

    /**
     * Whether a TCP segment's stored checksum is correct.
     *
     * @param buffer    the memory
     * @param tcpOffset where the TCP header starts
     * @param tcpLength header plus payload, in bytes
     * @param srcIp     the IPv4 source address
     * @param dstIp     the IPv4 destination address
     * @return true when the sum over pseudo-header, header (with its checksum) and payload is all ones
     */
    public static boolean verifyTcp(MemorySegment buffer, long tcpOffset, int tcpLength, int srcIp, int dstIp) {
        return sum16(buffer, tcpOffset, tcpLength, pseudoHeaderSum(srcIp, dstIp, Ipv4Header.PROTO_TCP, tcpLength))
                == 0xFFFF;
    }

    /**
     * What a sender that left the checksum to the device (CHECKSUM_PARTIAL, e.g. a kernel peer on
     * veth) stores in the field: the folded pseudo-header sum, not complemented (docs/design.md).
     *
     * @param srcIp    the source address
     * @param dstIp    the destination address
     * @param protocol the IP protocol number
     * @param l4Length the L4 header plus payload, in bytes
     * @return the field value of an unfinished checksum
     */
    public static int partialChecksum(int srcIp, int dstIp, int protocol, int l4Length) {
        return fold16(pseudoHeaderSum(srcIp, dstIp, protocol, l4Length) & 0xFFFFFFFFL);
    }

    /**
     * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data changed.
     * {@code HC' = ~(~HC + ~m + m')}.
     *
     * @param checksum the old checksum field value
     * @param oldValue the old 16-bit word
     * @param newValue the new 16-bit word
     * @return the new checksum field value
     */
    public static int update16(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return fold(sum);
    }

    /**
     * RFC 1624 for a 32-bit field (an IPv4 address): both halves at once.
     *
     * @param checksum the old checksum field value
     * @param oldValue the old 32-bit value
     * @param newValue the new 32-bit value
     * @return the new checksum field value
     */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return fold(sum);
    }
}
