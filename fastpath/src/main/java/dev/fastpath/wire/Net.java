package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Big-endian field access shared by the flyweights. Callers have checked the bounds. */
final class Net {

    static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Net() {
    }

    static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    static void u8(MemorySegment s, long at, int v) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
    }

    static int u16(MemorySegment s, long at) {
        return s.get(BE_SHORT, at) & 0xFFFF;
    }

    static void u16(MemorySegment s, long at, int v) {
        s.set(BE_SHORT, at, (short) v);
    }

    static int i32(MemorySegment s, long at) {
        return s.get(BE_INT, at);
    }

    static void i32(MemorySegment s, long at, int v) {
        s.set(BE_INT, at, v);
    }

    /** Reads a 48-bit MAC address into the low bits of a long. */
    static long mac(MemorySegment s, long at) {
        return ((long) u16(s, at) << 32) | (i32(s, at + 2) & 0xFFFFFFFFL);
    }

    static void mac(MemorySegment s, long at, long v) {
        u16(s, at, (int) (v >>> 32));
        i32(s, at + 2, (int) v);
    }
}
