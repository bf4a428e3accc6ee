package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct tpacket_req3}: PACKET_RX_RING geometry for TPACKET_V3 (block-based).
 */
public final class tpacket_req3 {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("tp_block_size"),
        ValueLayout.JAVA_INT.withName("tp_block_nr"),
        ValueLayout.JAVA_INT.withName("tp_frame_size"),
        ValueLayout.JAVA_INT.withName("tp_frame_nr"),
        ValueLayout.JAVA_INT.withName("tp_retire_blk_tov"),
        ValueLayout.JAVA_INT.withName("tp_sizeof_priv"),
        ValueLayout.JAVA_INT.withName("tp_feature_req_word")
    ).withName("tpacket_req3");

    private tpacket_req3() { }

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

    private static final OfInt tp_block_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_block_size"));
    private static final long tp_block_size$OFFSET = LAYOUT.byteOffset(groupElement("tp_block_size"));

    /** @return the byte offset of tp_block_size */
    public static long tp_block_size$offset() {
        return tp_block_size$OFFSET;
    }

    /** Reads tp_block_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_block_size(MemorySegment struct) {
        return struct.get(tp_block_size$LAYOUT, tp_block_size$OFFSET);
    }

    /** Writes tp_block_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_block_size(MemorySegment struct, int value) {
        struct.set(tp_block_size$LAYOUT, tp_block_size$OFFSET, value);
    }

    private static final OfInt tp_block_nr$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_block_nr"));
    private static final long tp_block_nr$OFFSET = LAYOUT.byteOffset(groupElement("tp_block_nr"));

    /** @return the byte offset of tp_block_nr */
    public static long tp_block_nr$offset() {
        return tp_block_nr$OFFSET;
    }

    /** Reads tp_block_nr.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_block_nr(MemorySegment struct) {
        return struct.get(tp_block_nr$LAYOUT, tp_block_nr$OFFSET);
    }

    /** Writes tp_block_nr.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_block_nr(MemorySegment struct, int value) {
        struct.set(tp_block_nr$LAYOUT, tp_block_nr$OFFSET, value);
    }

    private static final OfInt tp_frame_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_frame_size"));
    private static final long tp_frame_size$OFFSET = LAYOUT.byteOffset(groupElement("tp_frame_size"));

    /** @return the byte offset of tp_frame_size */
    public static long tp_frame_size$offset() {
        return tp_frame_size$OFFSET;
    }

    /** Reads tp_frame_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_frame_size(MemorySegment struct) {
        return struct.get(tp_frame_size$LAYOUT, tp_frame_size$OFFSET);
    }

    /** Writes tp_frame_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_frame_size(MemorySegment struct, int value) {
        struct.set(tp_frame_size$LAYOUT, tp_frame_size$OFFSET, value);
    }

    private static final OfInt tp_frame_nr$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_frame_nr"));
    private static final long tp_frame_nr$OFFSET = LAYOUT.byteOffset(groupElement("tp_frame_nr"));

    /** @return the byte offset of tp_frame_nr */
    public static long tp_frame_nr$offset() {
        return tp_frame_nr$OFFSET;
    }

    /** Reads tp_frame_nr.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_frame_nr(MemorySegment struct) {
        return struct.get(tp_frame_nr$LAYOUT, tp_frame_nr$OFFSET);
    }

    /** Writes tp_frame_nr.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_frame_nr(MemorySegment struct, int value) {
        struct.set(tp_frame_nr$LAYOUT, tp_frame_nr$OFFSET, value);
    }

    private static final OfInt tp_retire_blk_tov$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_retire_blk_tov"));
    private static final long tp_retire_blk_tov$OFFSET = LAYOUT.byteOffset(groupElement("tp_retire_blk_tov"));

    /** @return the byte offset of tp_retire_blk_tov */
    public static long tp_retire_blk_tov$offset() {
        return tp_retire_blk_tov$OFFSET;
    }

    /** Reads tp_retire_blk_tov.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_retire_blk_tov(MemorySegment struct) {
        return struct.get(tp_retire_blk_tov$LAYOUT, tp_retire_blk_tov$OFFSET);
    }

    /** Writes tp_retire_blk_tov.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_retire_blk_tov(MemorySegment struct, int value) {
        struct.set(tp_retire_blk_tov$LAYOUT, tp_retire_blk_tov$OFFSET, value);
    }

    private static final OfInt tp_sizeof_priv$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_sizeof_priv"));
    private static final long tp_sizeof_priv$OFFSET = LAYOUT.byteOffset(groupElement("tp_sizeof_priv"));

    /** @return the byte offset of tp_sizeof_priv */
    public static long tp_sizeof_priv$offset() {
        return tp_sizeof_priv$OFFSET;
    }

    /** Reads tp_sizeof_priv.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_sizeof_priv(MemorySegment struct) {
        return struct.get(tp_sizeof_priv$LAYOUT, tp_sizeof_priv$OFFSET);
    }

    /** Writes tp_sizeof_priv.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_sizeof_priv(MemorySegment struct, int value) {
        struct.set(tp_sizeof_priv$LAYOUT, tp_sizeof_priv$OFFSET, value);
    }

    private static final OfInt tp_feature_req_word$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_feature_req_word"));
    private static final long tp_feature_req_word$OFFSET = LAYOUT.byteOffset(groupElement("tp_feature_req_word"));

    /** @return the byte offset of tp_feature_req_word */
    public static long tp_feature_req_word$offset() {
        return tp_feature_req_word$OFFSET;
    }

    /** Reads tp_feature_req_word.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_feature_req_word(MemorySegment struct) {
        return struct.get(tp_feature_req_word$LAYOUT, tp_feature_req_word$OFFSET);
    }

    /** Writes tp_feature_req_word.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_feature_req_word(MemorySegment struct, int value) {
        struct.set(tp_feature_req_word$LAYOUT, tp_feature_req_word$OFFSET, value);
    }
}
