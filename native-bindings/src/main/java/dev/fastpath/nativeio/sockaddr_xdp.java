package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct sockaddr_xdp} from {@code <linux/if_xdp.h>}: an AF_XDP bind address.
 */
public final class sockaddr_xdp {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("sxdp_family"),
        ValueLayout.JAVA_SHORT.withName("sxdp_flags"),
        ValueLayout.JAVA_INT.withName("sxdp_ifindex"),
        ValueLayout.JAVA_INT.withName("sxdp_queue_id"),
        ValueLayout.JAVA_INT.withName("sxdp_shared_umem_fd")
    ).withName("sockaddr_xdp");

    private sockaddr_xdp() { }

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

    private static final OfShort sxdp_family$LAYOUT = (OfShort) LAYOUT.select(groupElement("sxdp_family"));
    private static final long sxdp_family$OFFSET = LAYOUT.byteOffset(groupElement("sxdp_family"));

    /** @return the byte offset of sxdp_family */
    public static long sxdp_family$offset() {
        return sxdp_family$OFFSET;
    }

    /** Reads sxdp_family.
     *
     * @param struct the struct
     * @return the value
     */
    public static short sxdp_family(MemorySegment struct) {
        return struct.get(sxdp_family$LAYOUT, sxdp_family$OFFSET);
    }

    /** Writes sxdp_family.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sxdp_family(MemorySegment struct, short value) {
        struct.set(sxdp_family$LAYOUT, sxdp_family$OFFSET, value);
    }

    private static final OfShort sxdp_flags$LAYOUT = (OfShort) LAYOUT.select(groupElement("sxdp_flags"));
    private static final long sxdp_flags$OFFSET = LAYOUT.byteOffset(groupElement("sxdp_flags"));

    /** @return the byte offset of sxdp_flags */
    public static long sxdp_flags$offset() {
        return sxdp_flags$OFFSET;
    }

    /** Reads sxdp_flags.
     *
     * @param struct the struct
     * @return the value
     */
    public static short sxdp_flags(MemorySegment struct) {
        return struct.get(sxdp_flags$LAYOUT, sxdp_flags$OFFSET);
    }

    /** Writes sxdp_flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sxdp_flags(MemorySegment struct, short value) {
        struct.set(sxdp_flags$LAYOUT, sxdp_flags$OFFSET, value);
    }

    private static final OfInt sxdp_ifindex$LAYOUT = (OfInt) LAYOUT.select(groupElement("sxdp_ifindex"));
    private static final long sxdp_ifindex$OFFSET = LAYOUT.byteOffset(groupElement("sxdp_ifindex"));

    /** @return the byte offset of sxdp_ifindex */
    public static long sxdp_ifindex$offset() {
        return sxdp_ifindex$OFFSET;
    }

    /** Reads sxdp_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int sxdp_ifindex(MemorySegment struct) {
        return struct.get(sxdp_ifindex$LAYOUT, sxdp_ifindex$OFFSET);
    }

    /** Writes sxdp_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sxdp_ifindex(MemorySegment struct, int value) {
        struct.set(sxdp_ifindex$LAYOUT, sxdp_ifindex$OFFSET, value);
    }

    private static final OfInt sxdp_queue_id$LAYOUT = (OfInt) LAYOUT.select(groupElement("sxdp_queue_id"));
    private static final long sxdp_queue_id$OFFSET = LAYOUT.byteOffset(groupElement("sxdp_queue_id"));

    /** @return the byte offset of sxdp_queue_id */
    public static long sxdp_queue_id$offset() {
        return sxdp_queue_id$OFFSET;
    }

    /** Reads sxdp_queue_id.
     *
     * @param struct the struct
     * @return the value
     */
    public static int sxdp_queue_id(MemorySegment struct) {
        return struct.get(sxdp_queue_id$LAYOUT, sxdp_queue_id$OFFSET);
    }

    /** Writes sxdp_queue_id.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sxdp_queue_id(MemorySegment struct, int value) {
        struct.set(sxdp_queue_id$LAYOUT, sxdp_queue_id$OFFSET, value);
    }

    private static final OfInt sxdp_shared_umem_fd$LAYOUT = (OfInt) LAYOUT.select(groupElement("sxdp_shared_umem_fd"));
    private static final long sxdp_shared_umem_fd$OFFSET = LAYOUT.byteOffset(groupElement("sxdp_shared_umem_fd"));

    /** @return the byte offset of sxdp_shared_umem_fd */
    public static long sxdp_shared_umem_fd$offset() {
        return sxdp_shared_umem_fd$OFFSET;
    }

    /** Reads sxdp_shared_umem_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int sxdp_shared_umem_fd(MemorySegment struct) {
        return struct.get(sxdp_shared_umem_fd$LAYOUT, sxdp_shared_umem_fd$OFFSET);
    }

    /** Writes sxdp_shared_umem_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sxdp_shared_umem_fd(MemorySegment struct, int value) {
        struct.set(sxdp_shared_umem_fd$LAYOUT, sxdp_shared_umem_fd$OFFSET, value);
    }
}
