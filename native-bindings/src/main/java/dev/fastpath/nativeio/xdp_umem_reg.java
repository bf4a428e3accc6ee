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
 * {@code struct xdp_umem_reg}: the XDP_UMEM_REG argument (packet buffer area).
 */
public final class xdp_umem_reg {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("addr"),
        ValueLayout.JAVA_LONG.withName("len"),
        ValueLayout.JAVA_INT.withName("chunk_size"),
        ValueLayout.JAVA_INT.withName("headroom"),
        ValueLayout.JAVA_INT.withName("flags"),
        MemoryLayout.paddingLayout(4)
    ).withName("xdp_umem_reg");

    private xdp_umem_reg() { }

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

    private static final OfLong len$LAYOUT = (OfLong) LAYOUT.select(groupElement("len"));
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
    public static long len(MemorySegment struct) {
        return struct.get(len$LAYOUT, len$OFFSET);
    }

    /** Writes len.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void len(MemorySegment struct, long value) {
        struct.set(len$LAYOUT, len$OFFSET, value);
    }

    private static final OfInt chunk_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("chunk_size"));
    private static final long chunk_size$OFFSET = LAYOUT.byteOffset(groupElement("chunk_size"));

    /** @return the byte offset of chunk_size */
    public static long chunk_size$offset() {
        return chunk_size$OFFSET;
    }

    /** Reads chunk_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int chunk_size(MemorySegment struct) {
        return struct.get(chunk_size$LAYOUT, chunk_size$OFFSET);
    }

    /** Writes chunk_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void chunk_size(MemorySegment struct, int value) {
        struct.set(chunk_size$LAYOUT, chunk_size$OFFSET, value);
    }

    private static final OfInt headroom$LAYOUT = (OfInt) LAYOUT.select(groupElement("headroom"));
    private static final long headroom$OFFSET = LAYOUT.byteOffset(groupElement("headroom"));

    /** @return the byte offset of headroom */
    public static long headroom$offset() {
        return headroom$OFFSET;
    }

    /** Reads headroom.
     *
     * @param struct the struct
     * @return the value
     */
    public static int headroom(MemorySegment struct) {
        return struct.get(headroom$LAYOUT, headroom$OFFSET);
    }

    /** Writes headroom.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void headroom(MemorySegment struct, int value) {
        struct.set(headroom$LAYOUT, headroom$OFFSET, value);
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
