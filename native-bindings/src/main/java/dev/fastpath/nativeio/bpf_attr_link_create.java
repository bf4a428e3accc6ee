package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code union bpf_attr} as used by BPF_LINK_CREATE (the C member
 * {@code link_create}).
 * The kernel's {@code union bpf_attr} is 144 bytes with these headers; every variant class allocates the
 * full union (zeroed, as the kernel requires for unused tail bytes).
 */
public final class bpf_attr_link_create {

    /** The C layout, padded to the full union size. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("prog_fd"),
            MemoryLayout.unionLayout(
                ValueLayout.JAVA_INT.withName("target_fd"),
                ValueLayout.JAVA_INT.withName("target_ifindex")
            ).withName("$anon$0"),
            ValueLayout.JAVA_INT.withName("attach_type"),
            ValueLayout.JAVA_INT.withName("flags")
        ).withName("link_create"),
        MemoryLayout.paddingLayout(128)
    ).withName("bpf_attr");

    private bpf_attr_link_create() { }

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

    private static final OfInt prog_fd$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("link_create"),
            groupElement("prog_fd"));
    private static final long prog_fd$OFFSET =
        LAYOUT.byteOffset(
            groupElement("link_create"),
            groupElement("prog_fd"));

    /** @return the byte offset of link_create.prog_fd */
    public static long prog_fd$offset() {
        return prog_fd$OFFSET;
    }

    /** Reads link_create.prog_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int prog_fd(MemorySegment struct) {
        return struct.get(prog_fd$LAYOUT, prog_fd$OFFSET);
    }

    /** Writes link_create.prog_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void prog_fd(MemorySegment struct, int value) {
        struct.set(prog_fd$LAYOUT, prog_fd$OFFSET, value);
    }

    private static final OfInt target_fd$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("link_create"),
            groupElement("$anon$0"),
            groupElement("target_fd"));
    private static final long target_fd$OFFSET =
        LAYOUT.byteOffset(
            groupElement("link_create"),
            groupElement("$anon$0"),
            groupElement("target_fd"));

    /** @return the byte offset of link_create.$anon$0.target_fd */
    public static long target_fd$offset() {
        return target_fd$OFFSET;
    }

    /** Reads link_create.$anon$0.target_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int target_fd(MemorySegment struct) {
        return struct.get(target_fd$LAYOUT, target_fd$OFFSET);
    }

    /** Writes link_create.$anon$0.target_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void target_fd(MemorySegment struct, int value) {
        struct.set(target_fd$LAYOUT, target_fd$OFFSET, value);
    }

    private static final OfInt target_ifindex$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("link_create"),
            groupElement("$anon$0"),
            groupElement("target_ifindex"));
    private static final long target_ifindex$OFFSET =
        LAYOUT.byteOffset(
            groupElement("link_create"),
            groupElement("$anon$0"),
            groupElement("target_ifindex"));

    /** @return the byte offset of link_create.$anon$0.target_ifindex */
    public static long target_ifindex$offset() {
        return target_ifindex$OFFSET;
    }

    /** Reads link_create.$anon$0.target_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int target_ifindex(MemorySegment struct) {
        return struct.get(target_ifindex$LAYOUT, target_ifindex$OFFSET);
    }

    /** Writes link_create.$anon$0.target_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void target_ifindex(MemorySegment struct, int value) {
        struct.set(target_ifindex$LAYOUT, target_ifindex$OFFSET, value);
    }

    private static final OfInt attach_type$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("link_create"),
            groupElement("attach_type"));
    private static final long attach_type$OFFSET =
        LAYOUT.byteOffset(
            groupElement("link_create"),
            groupElement("attach_type"));

    /** @return the byte offset of link_create.attach_type */
    public static long attach_type$offset() {
        return attach_type$OFFSET;
    }

    /** Reads link_create.attach_type.
     *
     * @param struct the struct
     * @return the value
     */
    public static int attach_type(MemorySegment struct) {
        return struct.get(attach_type$LAYOUT, attach_type$OFFSET);
    }

    /** Writes link_create.attach_type.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void attach_type(MemorySegment struct, int value) {
        struct.set(attach_type$LAYOUT, attach_type$OFFSET, value);
    }

    private static final OfInt flags$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("link_create"),
            groupElement("flags"));
    private static final long flags$OFFSET =
        LAYOUT.byteOffset(
            groupElement("link_create"),
            groupElement("flags"));

    /** @return the byte offset of link_create.flags */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads link_create.flags.
     *
     * @param struct the struct
     * @return the value
     */
    public static int flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes link_create.flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void flags(MemorySegment struct, int value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }
}
