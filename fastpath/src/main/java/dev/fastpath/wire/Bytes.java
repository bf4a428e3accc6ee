package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/** Small helpers shared by the value records: copying between arrays and segments. */
final class Bytes {
    private Bytes() {
    }

    static byte[] copy(MemorySegment segment, long offset, int length) {
        byte[] out = new byte[length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, out, 0, length);
        return out;
    }

    static void put(MemorySegment segment, long offset, byte[] bytes) {
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    static String hex(byte[] bytes) {
        return bytes.length <= 32 ? HexFormat.of().formatHex(bytes) : bytes.length + " bytes";
    }

    static void require(boolean ok, DropReason reason, String detail) throws MalformedPacketException {
        if (!ok) {
            throw new MalformedPacketException(reason, detail);
        }
    }
}
