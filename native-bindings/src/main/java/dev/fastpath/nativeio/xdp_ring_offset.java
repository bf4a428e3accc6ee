package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfLong;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct xdp_ring_offset}: where producer, consumer, descriptors and flags sit in
 * one mmapped AF_XDP ring.
 */
public final class xdp_ring_offset {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("producer"),
        ValueLayout.JAVA_LONG.withName("consumer"),
        ValueLayout.JAVA_LONG.withName("desc"),
        ValueLayout.JAVA_LONG.withName("flags")
    ).withName("xdp_ring_offset");

    private xdp_ring_offset() { }

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

    private static final OfLong producer$LAYOUT = (OfLong) LAYOUT.select(groupElement("producer"));
    private static final long producer$OFFSET = LAYOUT.byteOffset(groupElement("producer"));

    /** @return the byte offset of producer */
    public static long producer$offset() {
        return producer$OFFSET;
    }

    /** Reads producer.
     *
     * @param struct the struct
     * @return the value
     */
    public static long producer(MemorySegment struct) {
        return struct.get(producer$LAYOUT, producer$OFFSET);
    }

    /** Writes producer.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void producer(MemorySegment struct, long value) {
        struct.set(producer$LAYOUT, producer$OFFSET, value);
    }

    private static final OfLong consumer$LAYOUT = (OfLong) LAYOUT.select(groupElement("consumer"));
    private static final long consumer$OFFSET = LAYOUT.byteOffset(groupElement("consumer"));

    /** @return the byte offset of consumer */
    public static long consumer$offset() {
        return consumer$OFFSET;
    }

    /** Reads consumer.
     *
     * @param struct the struct
     * @return the value
     */
    public static long consumer(MemorySegment struct) {
        return struct.get(consumer$LAYOUT, consumer$OFFSET);
    }

    /** Writes consumer.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void consumer(MemorySegment struct, long value) {
        struct.set(consumer$LAYOUT, consumer$OFFSET, value);
    }

    private static final OfLong desc$LAYOUT = (OfLong) LAYOUT.select(groupElement("desc"));
    private static final long desc$OFFSET = LAYOUT.byteOffset(groupElement("desc"));

    /** @return the byte offset of desc */
    public static long desc$offset() {
        return desc$OFFSET;
    }

    /** Reads desc.
     *
     * @param struct the struct
     * @return the value
     */
    public static long desc(MemorySegment struct) {
        return struct.get(desc$LAYOUT, desc$OFFSET);
    }

    /** Writes desc.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void desc(MemorySegment struct, long value) {
        struct.set(desc$LAYOUT, desc$OFFSET, value);
    }

    private static final OfLong flags$LAYOUT = (OfLong) LAYOUT.select(groupElement("flags"));
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
    public static long flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void flags(MemorySegment struct, long value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }
}
