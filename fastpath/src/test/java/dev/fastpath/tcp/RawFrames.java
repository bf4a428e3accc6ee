package dev.fastpath.tcp;

import dev.fastpath.wire.Checksum;
import java.lang.foreign.MemorySegment;

/**
 * Byte-level edits of the Ethernet + IPv4 (no options) + TCP frames {@link EngineFixture#frame} builds, for
 * segments no well-formed record can describe: a broken option length, a flag pattern, a field out of range.
 * Every edit recomputes the checksums it invalidates.
 */
final class RawFrames {
    static final int IP = 14;
    static final int TCP = 34;

    private RawFrames() {
    }

    /**
     * The frame with the length byte of the first option of {@code kind} replaced (0, 1, or past the header).
     * The kind must be present.
     */
    static byte[] optionLength(byte[] frame, int kind, int length) {
        byte[] f = frame.clone();
        int at = TCP + 20;
        int end = TCP + ((f[TCP + 12] & 0xF0) >>> 2);
        while (at + 1 < end && f[at] != 0) {
            int k = f[at] & 0xFF;
            if (k == 1) {
                at++;
                continue;
            }
            if (k == kind) {
                f[at + 1] = (byte) length;
                return tcpChecksum(f);
            }
            at += f[at + 1] & 0xFF;
        }
        throw new IllegalArgumentException("no option of kind " + kind);
    }

    /** Recomputes the TCP checksum over the frame's segment (IPv4 addresses from its header). */
    static byte[] tcpChecksum(byte[] f) {
        f[TCP + 16] = 0;
        f[TCP + 17] = 0;
        MemorySegment m = MemorySegment.ofArray(f);
        int src = (int) u32(f, IP + 12);
        int dst = (int) u32(f, IP + 16);
        int tcpLength = ((f[IP + 2] & 0xFF) << 8 | (f[IP + 3] & 0xFF)) - 20;
        int sum = Checksum.tcpChecksum(m, TCP, tcpLength, src, dst);
        f[TCP + 16] = (byte) (sum >>> 8);
        f[TCP + 17] = (byte) sum;
        return f;
    }

    /** Recomputes the IPv4 header checksum. */
    static byte[] ipChecksum(byte[] f) {
        f[IP + 10] = 0;
        f[IP + 11] = 0;
        int sum = ~Checksum.sum16(MemorySegment.ofArray(f), IP, 20, 0) & 0xFFFF;
        f[IP + 10] = (byte) (sum >>> 8);
        f[IP + 11] = (byte) sum;
        return f;
    }

    private static long u32(byte[] f, int at) {
        return (f[at] & 0xFFL) << 24 | (f[at + 1] & 0xFFL) << 16 | (f[at + 2] & 0xFFL) << 8 | (f[at + 3] & 0xFFL);
    }
}
