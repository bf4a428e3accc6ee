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
 * {@code union bpf_attr} as used by BPF_OBJ_GET_INFO_BY_FD (the C member {@code info}): the kernel fills up to
 * {@code info_len} bytes of the object's info at the address {@code info} (for a program, {@link bpf_prog_info}).
 * The kernel's {@code union bpf_attr} is 144 bytes with these headers; every variant class allocates the
 * full union (zeroed, as the kernel requires for unused tail bytes).
 */
public final class bpf_attr_info {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("bpf_fd"),
            ValueLayout.JAVA_INT.withName("info_len"),
            ValueLayout.JAVA_LONG.withName("info")
        ).withName("info"),
        MemoryLayout.paddingLayout(128)
    ).withName("bpf_attr");

    private bpf_attr_info() { }

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

    private static final OfInt bpf_fd$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("info"), groupElement("bpf_fd"));
    private static final long bpf_fd$OFFSET =
        LAYOUT.byteOffset(groupElement("info"), groupElement("bpf_fd"));

    /** @return the byte offset of info.bpf_fd */
    public static long bpf_fd$offset() {
        return bpf_fd$OFFSET;
    }

    /** Reads info.bpf_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int bpf_fd(MemorySegment struct) {
        return struct.get(bpf_fd$LAYOUT, bpf_fd$OFFSET);
    }

    /** Writes info.bpf_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void bpf_fd(MemorySegment struct, int value) {
        struct.set(bpf_fd$LAYOUT, bpf_fd$OFFSET, value);
    }

    private static final OfInt info_len$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("info"), groupElement("info_len"));
    private static final long info_len$OFFSET =
        LAYOUT.byteOffset(groupElement("info"), groupElement("info_len"));

    /** @return the byte offset of info.info_len */
    public static long info_len$offset() {
        return info_len$OFFSET;
    }

    /** Reads info.info_len.
     *
     * @param struct the struct
     * @return the value
     */
    public static int info_len(MemorySegment struct) {
        return struct.get(info_len$LAYOUT, info_len$OFFSET);
    }

    /** Writes info.info_len.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void info_len(MemorySegment struct, int value) {
        struct.set(info_len$LAYOUT, info_len$OFFSET, value);
    }

    private static final OfLong info$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("info"), groupElement("info"));
    private static final long info$OFFSET =
        LAYOUT.byteOffset(groupElement("info"), groupElement("info"));

    /** @return the byte offset of info.info */
    public static long info$offset() {
        return info$OFFSET;
    }

    /** Reads info.info.
     *
     * @param struct the struct
     * @return the value
     */
    public static long info(MemorySegment struct) {
        return struct.get(info$LAYOUT, info$OFFSET);
    }

    /** Writes info.info.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void info(MemorySegment struct, long value) {
        struct.set(info$LAYOUT, info$OFFSET, value);
    }

}
