package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct tpacket_req}: PACKET_RX_RING / PACKET_TX_RING geometry for TPACKET_V2.
 */
public final class tpacket_req {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("tp_block_size"),
        ValueLayout.JAVA_INT.withName("tp_block_nr"),
        ValueLayout.JAVA_INT.withName("tp_frame_size"),
        ValueLayout.JAVA_INT.withName("tp_frame_nr")
    ).withName("tpacket_req");

    private tpacket_req() { }

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
}
