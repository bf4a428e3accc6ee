package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct xdp_md} from {@code <linux/bpf.h>}: the XDP program context; only its offsets
 * matter here, for assembling loads such as {@code r2 = *(u32 *)(r1 + rx_queue_index)}.
 */
public final class xdp_md {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("data"),
        ValueLayout.JAVA_INT.withName("data_end"),
        ValueLayout.JAVA_INT.withName("data_meta"),
        ValueLayout.JAVA_INT.withName("ingress_ifindex"),
        ValueLayout.JAVA_INT.withName("rx_queue_index"),
        ValueLayout.JAVA_INT.withName("egress_ifindex")
    ).withName("xdp_md");

    private xdp_md() { }

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

    private static final OfInt data$LAYOUT = (OfInt) LAYOUT.select(groupElement("data"));
    private static final long data$OFFSET = LAYOUT.byteOffset(groupElement("data"));

    /** @return the byte offset of data */
    public static long data$offset() {
        return data$OFFSET;
    }

    /** Reads data.
     *
     * @param struct the struct
     * @return the value
     */
    public static int data(MemorySegment struct) {
        return struct.get(data$LAYOUT, data$OFFSET);
    }

    /** Writes data.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data(MemorySegment struct, int value) {
        struct.set(data$LAYOUT, data$OFFSET, value);
    }

    private static final OfInt data_end$LAYOUT = (OfInt) LAYOUT.select(groupElement("data_end"));
    private static final long data_end$OFFSET = LAYOUT.byteOffset(groupElement("data_end"));

    /** @return the byte offset of data_end */
    public static long data_end$offset() {
        return data_end$OFFSET;
    }

    /** Reads data_end.
     *
     * @param struct the struct
     * @return the value
     */
    public static int data_end(MemorySegment struct) {
        return struct.get(data_end$LAYOUT, data_end$OFFSET);
    }

    /** Writes data_end.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data_end(MemorySegment struct, int value) {
        struct.set(data_end$LAYOUT, data_end$OFFSET, value);
    }

    private static final OfInt data_meta$LAYOUT = (OfInt) LAYOUT.select(groupElement("data_meta"));
    private static final long data_meta$OFFSET = LAYOUT.byteOffset(groupElement("data_meta"));

    /** @return the byte offset of data_meta */
    public static long data_meta$offset() {
        return data_meta$OFFSET;
    }

    /** Reads data_meta.
     *
     * @param struct the struct
     * @return the value
     */
    public static int data_meta(MemorySegment struct) {
        return struct.get(data_meta$LAYOUT, data_meta$OFFSET);
    }

    /** Writes data_meta.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data_meta(MemorySegment struct, int value) {
        struct.set(data_meta$LAYOUT, data_meta$OFFSET, value);
    }

    private static final OfInt ingress_ifindex$LAYOUT = (OfInt) LAYOUT.select(groupElement("ingress_ifindex"));
    private static final long ingress_ifindex$OFFSET = LAYOUT.byteOffset(groupElement("ingress_ifindex"));

    /** @return the byte offset of ingress_ifindex */
    public static long ingress_ifindex$offset() {
        return ingress_ifindex$OFFSET;
    }

    /** Reads ingress_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ingress_ifindex(MemorySegment struct) {
        return struct.get(ingress_ifindex$LAYOUT, ingress_ifindex$OFFSET);
    }

    /** Writes ingress_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ingress_ifindex(MemorySegment struct, int value) {
        struct.set(ingress_ifindex$LAYOUT, ingress_ifindex$OFFSET, value);
    }

    private static final OfInt rx_queue_index$LAYOUT = (OfInt) LAYOUT.select(groupElement("rx_queue_index"));
    private static final long rx_queue_index$OFFSET = LAYOUT.byteOffset(groupElement("rx_queue_index"));

    /** @return the byte offset of rx_queue_index */
    public static long rx_queue_index$offset() {
        return rx_queue_index$OFFSET;
    }

    /** Reads rx_queue_index.
     *
     * @param struct the struct
     * @return the value
     */
    public static int rx_queue_index(MemorySegment struct) {
        return struct.get(rx_queue_index$LAYOUT, rx_queue_index$OFFSET);
    }

    /** Writes rx_queue_index.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void rx_queue_index(MemorySegment struct, int value) {
        struct.set(rx_queue_index$LAYOUT, rx_queue_index$OFFSET, value);
    }

    private static final OfInt egress_ifindex$LAYOUT = (OfInt) LAYOUT.select(groupElement("egress_ifindex"));
    private static final long egress_ifindex$OFFSET = LAYOUT.byteOffset(groupElement("egress_ifindex"));

    /** @return the byte offset of egress_ifindex */
    public static long egress_ifindex$offset() {
        return egress_ifindex$OFFSET;
    }

    /** Reads egress_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int egress_ifindex(MemorySegment struct) {
        return struct.get(egress_ifindex$LAYOUT, egress_ifindex$OFFSET);
    }

    /** Writes egress_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void egress_ifindex(MemorySegment struct, int value) {
        struct.set(egress_ifindex$LAYOUT, egress_ifindex$OFFSET, value);
    }
}
