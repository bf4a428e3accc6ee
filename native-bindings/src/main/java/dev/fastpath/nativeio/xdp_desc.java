package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct xdp_desc}: one RX/TX ring descriptor (UMEM address, length, options).
 */
public final class xdp_desc {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("addr"),
        ValueLayout.JAVA_INT.withName("len"),
        ValueLayout.JAVA_INT.withName("options")
    ).withName("xdp_desc");

    private xdp_desc() { }

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

    private static final OfLong addr$LAYOUT = (OfLong) LAYOUT.select(groupElement("addr"));
    private static final long addr$OFFSET = LAYOUT.byteOffset(groupElement("addr"));

    /** @return the byte offset of addr */
    public static long addr$offset() {
        return addr$OFFSET;
    }

    /** Reads addr.
     *
     * @param struct the struct
     * @return the value
     */
    public static long addr(MemorySegment struct) {
        return struct.get(addr$LAYOUT, addr$OFFSET);
    }

    /** Writes addr.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void addr(MemorySegment struct, long value) {
        struct.set(addr$LAYOUT, addr$OFFSET, value);
    }

    private static final OfInt len$LAYOUT = (OfInt) LAYOUT.select(groupElement("len"));
    private static final long len$OFFSET = LAYOUT.byteOffset(groupElement("len"));

    /** @return the byte offset of len */
    public static long len$offset() {
        return len$OFFSET;
    }

    /** Reads len.
     *
     * @param struct the struct
     * @return the value
     */
    public static int len(MemorySegment struct) {
        return struct.get(len$LAYOUT, len$OFFSET);
    }

    /** Writes len.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void len(MemorySegment struct, int value) {
        struct.set(len$LAYOUT, len$OFFSET, value);
    }

    private static final OfInt options$LAYOUT = (OfInt) LAYOUT.select(groupElement("options"));
    private static final long options$OFFSET = LAYOUT.byteOffset(groupElement("options"));

    /** @return the byte offset of options */
    public static long options$offset() {
        return options$OFFSET;
    }

    /** Reads options.
     *
     * @param struct the struct
     * @return the value
     */
    public static int options(MemorySegment struct) {
        return struct.get(options$LAYOUT, options$OFFSET);
    }

    /** Writes options.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void options(MemorySegment struct, int value) {
        struct.set(options$LAYOUT, options$OFFSET, value);
    }
}
