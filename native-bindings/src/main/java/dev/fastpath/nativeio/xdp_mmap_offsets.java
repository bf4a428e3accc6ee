package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct xdp_mmap_offsets}: XDP_MMAP_OFFSETS result, one {@link xdp_ring_offset}
 * per ring (rx, tx, fill, completion).
 */
public final class xdp_mmap_offsets {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        xdp_ring_offset.LAYOUT.withName("rx"),
        xdp_ring_offset.LAYOUT.withName("tx"),
        xdp_ring_offset.LAYOUT.withName("fr"),
        xdp_ring_offset.LAYOUT.withName("cr")
    ).withName("xdp_mmap_offsets");

    private xdp_mmap_offsets() { }

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

    private static final MemoryLayout rx$LAYOUT = LAYOUT.select(groupElement("rx"));
    private static final long rx$OFFSET = LAYOUT.byteOffset(groupElement("rx"));

    /** @return the byte offset of rx */
    public static long rx$offset() {
        return rx$OFFSET;
    }

    /** A view of rx.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment rx(MemorySegment struct) {
        return struct.asSlice(rx$OFFSET, rx$LAYOUT);
    }

    /** Copies {@code value} into rx.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void rx(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, rx$OFFSET, rx$LAYOUT.byteSize());
    }

    private static final MemoryLayout tx$LAYOUT = LAYOUT.select(groupElement("tx"));
    private static final long tx$OFFSET = LAYOUT.byteOffset(groupElement("tx"));

    /** @return the byte offset of tx */
    public static long tx$offset() {
        return tx$OFFSET;
    }

    /** A view of tx.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment tx(MemorySegment struct) {
        return struct.asSlice(tx$OFFSET, tx$LAYOUT);
    }

    /** Copies {@code value} into tx.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void tx(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, tx$OFFSET, tx$LAYOUT.byteSize());
    }

    private static final MemoryLayout fr$LAYOUT = LAYOUT.select(groupElement("fr"));
    private static final long fr$OFFSET = LAYOUT.byteOffset(groupElement("fr"));

    /** @return the byte offset of fr */
    public static long fr$offset() {
        return fr$OFFSET;
    }

    /** A view of fr.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment fr(MemorySegment struct) {
        return struct.asSlice(fr$OFFSET, fr$LAYOUT);
    }

    /** Copies {@code value} into fr.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void fr(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, fr$OFFSET, fr$LAYOUT.byteSize());
    }

    private static final MemoryLayout cr$LAYOUT = LAYOUT.select(groupElement("cr"));
    private static final long cr$OFFSET = LAYOUT.byteOffset(groupElement("cr"));

    /** @return the byte offset of cr */
    public static long cr$offset() {
        return cr$OFFSET;
    }

    /** A view of cr.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment cr(MemorySegment struct) {
        return struct.asSlice(cr$OFFSET, cr$LAYOUT);
    }

    /** Copies {@code value} into cr.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void cr(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, cr$OFFSET, cr$LAYOUT.byteSize());
    }
}
