package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct xdp_options}: the XDP_OPTIONS socket option (XDP_OPTIONS_ZEROCOPY).
 */
public final class xdp_options {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("flags")
    ).withName("xdp_options");

    private xdp_options() { }

    /** @return the layout */
    public static GroupLayout layout() {
        return LAYOUT;
    }

    /** @return the size in bytes */
    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** Allocates one instance.
     *
     * @param allocator where
     * @return the segment
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }

    private static final OfInt flags$LAYOUT = (OfInt) LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = LAYOUT.byteOffset(groupElement("flags"));

    /** @return the byte offset of flags */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads flags.
     *
     * @param struct the struct
     * @return the value
     */
    public static int flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void flags(MemorySegment struct, int value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }
}
