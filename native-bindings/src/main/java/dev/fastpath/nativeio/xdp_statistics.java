package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfLong;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct xdp_statistics}: the XDP_STATISTICS socket option.
 */
public final class xdp_statistics {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("rx_dropped"),
        ValueLayout.JAVA_LONG.withName("rx_invalid_descs"),
        ValueLayout.JAVA_LONG.withName("tx_invalid_descs"),
        ValueLayout.JAVA_LONG.withName("rx_ring_full"),
        ValueLayout.JAVA_LONG.withName("rx_fill_ring_empty_descs"),
        ValueLayout.JAVA_LONG.withName("tx_ring_empty_descs")
    ).withName("xdp_statistics");

    private xdp_statistics() { }

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

    private static final OfLong rx_dropped$LAYOUT = (OfLong) LAYOUT.select(groupElement("rx_dropped"));
    private static final long rx_dropped$OFFSET = LAYOUT.byteOffset(groupElement("rx_dropped"));

    /** @return the byte offset of rx_dropped */
    public static long rx_dropped$offset() {
        return rx_dropped$OFFSET;
    }

    /** Reads rx_dropped.
     *
     * @param struct the struct
     * @return the value
     */
    public static long rx_dropped(MemorySegment struct) {
        return struct.get(rx_dropped$LAYOUT, rx_dropped$OFFSET);
    }

    /** Writes rx_dropped.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void rx_dropped(MemorySegment struct, long value) {
        struct.set(rx_dropped$LAYOUT, rx_dropped$OFFSET, value);
    }

    private static final OfLong rx_invalid_descs$LAYOUT = (OfLong) LAYOUT.select(groupElement("rx_invalid_descs"));
    private static final long rx_invalid_descs$OFFSET = LAYOUT.byteOffset(groupElement("rx_invalid_descs"));

    /** @return the byte offset of rx_invalid_descs */
    public static long rx_invalid_descs$offset() {
        return rx_invalid_descs$OFFSET;
    }

    /** Reads rx_invalid_descs.
     *
     * @param struct the struct
     * @return the value
     */
    public static long rx_invalid_descs(MemorySegment struct) {
        return struct.get(rx_invalid_descs$LAYOUT, rx_invalid_descs$OFFSET);
    }

    /** Writes rx_invalid_descs.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void rx_invalid_descs(MemorySegment struct, long value) {
        struct.set(rx_invalid_descs$LAYOUT, rx_invalid_descs$OFFSET, value);
    }

    private static final OfLong tx_invalid_descs$LAYOUT = (OfLong) LAYOUT.select(groupElement("tx_invalid_descs"));
    private static final long tx_invalid_descs$OFFSET = LAYOUT.byteOffset(groupElement("tx_invalid_descs"));

    /** @return the byte offset of tx_invalid_descs */
    public static long tx_invalid_descs$offset() {
        return tx_invalid_descs$OFFSET;
    }

    /** Reads tx_invalid_descs.
     *
     * @param struct the struct
     * @return the value
     */
    public static long tx_invalid_descs(MemorySegment struct) {
        return struct.get(tx_invalid_descs$LAYOUT, tx_invalid_descs$OFFSET);
    }

    /** Writes tx_invalid_descs.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tx_invalid_descs(MemorySegment struct, long value) {
        struct.set(tx_invalid_descs$LAYOUT, tx_invalid_descs$OFFSET, value);
    }

    private static final OfLong rx_ring_full$LAYOUT = (OfLong) LAYOUT.select(groupElement("rx_ring_full"));
    private static final long rx_ring_full$OFFSET = LAYOUT.byteOffset(groupElement("rx_ring_full"));

    /** @return the byte offset of rx_ring_full */
    public static long rx_ring_full$offset() {
        return rx_ring_full$OFFSET;
    }

    /** Reads rx_ring_full.
     *
     * @param struct the struct
     * @return the value
     */
    public static long rx_ring_full(MemorySegment struct) {
        return struct.get(rx_ring_full$LAYOUT, rx_ring_full$OFFSET);
    }

    /** Writes rx_ring_full.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void rx_ring_full(MemorySegment struct, long value) {
        struct.set(rx_ring_full$LAYOUT, rx_ring_full$OFFSET, value);
    }

    private static final OfLong rx_fill_ring_empty_descs$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("rx_fill_ring_empty_descs"));
    private static final long rx_fill_ring_empty_descs$OFFSET =
        LAYOUT.byteOffset(groupElement("rx_fill_ring_empty_descs"));

    /** @return the byte offset of rx_fill_ring_empty_descs */
    public static long rx_fill_ring_empty_descs$offset() {
        return rx_fill_ring_empty_descs$OFFSET;
    }

    /** Reads rx_fill_ring_empty_descs.
     *
     * @param struct the struct
     * @return the value
     */
    public static long rx_fill_ring_empty_descs(MemorySegment struct) {
        return struct.get(rx_fill_ring_empty_descs$LAYOUT, rx_fill_ring_empty_descs$OFFSET);
    }

    /** Writes rx_fill_ring_empty_descs.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void rx_fill_ring_empty_descs(MemorySegment struct, long value) {
        struct.set(rx_fill_ring_empty_descs$LAYOUT, rx_fill_ring_empty_descs$OFFSET, value);
    }

    private static final OfLong tx_ring_empty_descs$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("tx_ring_empty_descs"));
    private static final long tx_ring_empty_descs$OFFSET = LAYOUT.byteOffset(groupElement("tx_ring_empty_descs"));

    /** @return the byte offset of tx_ring_empty_descs */
    public static long tx_ring_empty_descs$offset() {
        return tx_ring_empty_descs$OFFSET;
    }

    /** Reads tx_ring_empty_descs.
     *
     * @param struct the struct
     * @return the value
     */
    public static long tx_ring_empty_descs(MemorySegment struct) {
        return struct.get(tx_ring_empty_descs$LAYOUT, tx_ring_empty_descs$OFFSET);
    }

    /** Writes tx_ring_empty_descs.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tx_ring_empty_descs(MemorySegment struct, long value) {
        struct.set(tx_ring_empty_descs$LAYOUT, tx_ring_empty_descs$OFFSET, value);
    }
}
