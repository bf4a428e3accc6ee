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
 * {@code union bpf_attr} as used by BPF_MAP_CREATE.
 * The kernel's {@code union bpf_attr} is 144 bytes with these headers; every variant class allocates the
 * full union (zeroed, as the kernel requires for unused tail bytes).
 */
public final class bpf_attr_map_create {

    /** The C layout, padded to the full union size. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("map_type"),
        ValueLayout.JAVA_INT.withName("key_size"),
        ValueLayout.JAVA_INT.withName("value_size"),
        ValueLayout.JAVA_INT.withName("max_entries"),
        ValueLayout.JAVA_INT.withName("map_flags"),
        ValueLayout.JAVA_INT.withName("inner_map_fd"),
        ValueLayout.JAVA_INT.withName("numa_node"),
        MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("map_name"),
        ValueLayout.JAVA_INT.withName("map_ifindex"),
        ValueLayout.JAVA_INT.withName("btf_fd"),
        ValueLayout.JAVA_INT.withName("btf_key_type_id"),
        ValueLayout.JAVA_INT.withName("btf_value_type_id"),
        ValueLayout.JAVA_INT.withName("btf_vmlinux_value_type_id"),
        ValueLayout.JAVA_LONG.withName("map_extra"),
        MemoryLayout.paddingLayout(72)
    ).withName("bpf_attr");

    private bpf_attr_map_create() { }

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

    private static final OfInt map_type$LAYOUT = (OfInt) LAYOUT.select(groupElement("map_type"));
    private static final long map_type$OFFSET = LAYOUT.byteOffset(groupElement("map_type"));

    /** @return the byte offset of map_type */
    public static long map_type$offset() {
        return map_type$OFFSET;
    }

    /** Reads map_type.
     *
     * @param struct the struct
     * @return the value
     */
    public static int map_type(MemorySegment struct) {
        return struct.get(map_type$LAYOUT, map_type$OFFSET);
    }

    /** Writes map_type.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void map_type(MemorySegment struct, int value) {
        struct.set(map_type$LAYOUT, map_type$OFFSET, value);
    }

    private static final OfInt key_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("key_size"));
    private static final long key_size$OFFSET = LAYOUT.byteOffset(groupElement("key_size"));

    /** @return the byte offset of key_size */
    public static long key_size$offset() {
        return key_size$OFFSET;
    }

    /** Reads key_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int key_size(MemorySegment struct) {
        return struct.get(key_size$LAYOUT, key_size$OFFSET);
    }

    /** Writes key_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void key_size(MemorySegment struct, int value) {
        struct.set(key_size$LAYOUT, key_size$OFFSET, value);
    }

    private static final OfInt value_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("value_size"));
    private static final long value_size$OFFSET = LAYOUT.byteOffset(groupElement("value_size"));

    /** @return the byte offset of value_size */
    public static long value_size$offset() {
        return value_size$OFFSET;
    }

    /** Reads value_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int value_size(MemorySegment struct) {
        return struct.get(value_size$LAYOUT, value_size$OFFSET);
    }

    /** Writes value_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void value_size(MemorySegment struct, int value) {
        struct.set(value_size$LAYOUT, value_size$OFFSET, value);
    }

    private static final OfInt max_entries$LAYOUT = (OfInt) LAYOUT.select(groupElement("max_entries"));
    private static final long max_entries$OFFSET = LAYOUT.byteOffset(groupElement("max_entries"));

    /** @return the byte offset of max_entries */
    public static long max_entries$offset() {
        return max_entries$OFFSET;
    }

    /** Reads max_entries.
     *
     * @param struct the struct
     * @return the value
     */
    public static int max_entries(MemorySegment struct) {
        return struct.get(max_entries$LAYOUT, max_entries$OFFSET);
    }

    /** Writes max_entries.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void max_entries(MemorySegment struct, int value) {
        struct.set(max_entries$LAYOUT, max_entries$OFFSET, value);
    }

    private static final OfInt map_flags$LAYOUT = (OfInt) LAYOUT.select(groupElement("map_flags"));
    private static final long map_flags$OFFSET = LAYOUT.byteOffset(groupElement("map_flags"));

    /** @return the byte offset of map_flags */
    public static long map_flags$offset() {
        return map_flags$OFFSET;
    }

    /** Reads map_flags.
     *
     * @param struct the struct
     * @return the value
     */
    public static int map_flags(MemorySegment struct) {
        return struct.get(map_flags$LAYOUT, map_flags$OFFSET);
    }

    /** Writes map_flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void map_flags(MemorySegment struct, int value) {
        struct.set(map_flags$LAYOUT, map_flags$OFFSET, value);
    }

    private static final OfInt inner_map_fd$LAYOUT = (OfInt) LAYOUT.select(groupElement("inner_map_fd"));
    private static final long inner_map_fd$OFFSET = LAYOUT.byteOffset(groupElement("inner_map_fd"));

    /** @return the byte offset of inner_map_fd */
    public static long inner_map_fd$offset() {
        return inner_map_fd$OFFSET;
    }

    /** Reads inner_map_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int inner_map_fd(MemorySegment struct) {
        return struct.get(inner_map_fd$LAYOUT, inner_map_fd$OFFSET);
    }

    /** Writes inner_map_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void inner_map_fd(MemorySegment struct, int value) {
        struct.set(inner_map_fd$LAYOUT, inner_map_fd$OFFSET, value);
    }

    private static final OfInt numa_node$LAYOUT = (OfInt) LAYOUT.select(groupElement("numa_node"));
    private static final long numa_node$OFFSET = LAYOUT.byteOffset(groupElement("numa_node"));

    /** @return the byte offset of numa_node */
    public static long numa_node$offset() {
        return numa_node$OFFSET;
    }

    /** Reads numa_node.
     *
     * @param struct the struct
     * @return the value
     */
    public static int numa_node(MemorySegment struct) {
        return struct.get(numa_node$LAYOUT, numa_node$OFFSET);
    }

    /** Writes numa_node.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void numa_node(MemorySegment struct, int value) {
        struct.set(numa_node$LAYOUT, numa_node$OFFSET, value);
    }

    private static final MemoryLayout map_name$LAYOUT = LAYOUT.select(groupElement("map_name"));
    private static final long map_name$OFFSET = LAYOUT.byteOffset(groupElement("map_name"));

    /** @return the byte offset of map_name */
    public static long map_name$offset() {
        return map_name$OFFSET;
    }

    /** A view of map_name.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment map_name(MemorySegment struct) {
        return struct.asSlice(map_name$OFFSET, map_name$LAYOUT);
    }

    /** Copies {@code value} into map_name.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void map_name(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, map_name$OFFSET, map_name$LAYOUT.byteSize());
    }

    /** Reads one element of map_name.
     *
     * @param struct the struct
     * @param index the element
     * @return the value
     */
    public static byte map_name(MemorySegment struct, long index) {
        return struct.get(ValueLayout.JAVA_BYTE, map_name$OFFSET + index * 1);
    }

    /** Writes one element of map_name.
     *
     * @param struct the struct
     * @param index the element
     * @param value the value
     */
    public static void map_name(MemorySegment struct, long index, byte value) {
        struct.set(ValueLayout.JAVA_BYTE, map_name$OFFSET + index * 1, value);
    }

    private static final OfInt map_ifindex$LAYOUT = (OfInt) LAYOUT.select(groupElement("map_ifindex"));
    private static final long map_ifindex$OFFSET = LAYOUT.byteOffset(groupElement("map_ifindex"));

    /** @return the byte offset of map_ifindex */
    public static long map_ifindex$offset() {
        return map_ifindex$OFFSET;
    }

    /** Reads map_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int map_ifindex(MemorySegment struct) {
        return struct.get(map_ifindex$LAYOUT, map_ifindex$OFFSET);
    }

    /** Writes map_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void map_ifindex(MemorySegment struct, int value) {
        struct.set(map_ifindex$LAYOUT, map_ifindex$OFFSET, value);
    }

    private static final OfInt btf_fd$LAYOUT = (OfInt) LAYOUT.select(groupElement("btf_fd"));
    private static final long btf_fd$OFFSET = LAYOUT.byteOffset(groupElement("btf_fd"));

    /** @return the byte offset of btf_fd */
    public static long btf_fd$offset() {
        return btf_fd$OFFSET;
    }

    /** Reads btf_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int btf_fd(MemorySegment struct) {
        return struct.get(btf_fd$LAYOUT, btf_fd$OFFSET);
    }

    /** Writes btf_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void btf_fd(MemorySegment struct, int value) {
        struct.set(btf_fd$LAYOUT, btf_fd$OFFSET, value);
    }

    private static final OfInt btf_key_type_id$LAYOUT = (OfInt) LAYOUT.select(groupElement("btf_key_type_id"));
    private static final long btf_key_type_id$OFFSET = LAYOUT.byteOffset(groupElement("btf_key_type_id"));

    /** @return the byte offset of btf_key_type_id */
    public static long btf_key_type_id$offset() {
        return btf_key_type_id$OFFSET;
    }

    /** Reads btf_key_type_id.
     *
     * @param struct the struct
     * @return the value
     */
    public static int btf_key_type_id(MemorySegment struct) {
        return struct.get(btf_key_type_id$LAYOUT, btf_key_type_id$OFFSET);
    }

    /** Writes btf_key_type_id.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void btf_key_type_id(MemorySegment struct, int value) {
        struct.set(btf_key_type_id$LAYOUT, btf_key_type_id$OFFSET, value);
    }

    private static final OfInt btf_value_type_id$LAYOUT = (OfInt) LAYOUT.select(groupElement("btf_value_type_id"));
    private static final long btf_value_type_id$OFFSET = LAYOUT.byteOffset(groupElement("btf_value_type_id"));

    /** @return the byte offset of btf_value_type_id */
    public static long btf_value_type_id$offset() {
        return btf_value_type_id$OFFSET;
    }

    /** Reads btf_value_type_id.
     *
     * @param struct the struct
     * @return the value
     */
    public static int btf_value_type_id(MemorySegment struct) {
        return struct.get(btf_value_type_id$LAYOUT, btf_value_type_id$OFFSET);
    }

    /** Writes btf_value_type_id.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void btf_value_type_id(MemorySegment struct, int value) {
        struct.set(btf_value_type_id$LAYOUT, btf_value_type_id$OFFSET, value);
    }

    private static final OfInt btf_vmlinux_value_type_id$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("btf_vmlinux_value_type_id"));
    private static final long btf_vmlinux_value_type_id$OFFSET =
        LAYOUT.byteOffset(groupElement("btf_vmlinux_value_type_id"));

    /** @return the byte offset of btf_vmlinux_value_type_id */
    public static long btf_vmlinux_value_type_id$offset() {
        return btf_vmlinux_value_type_id$OFFSET;
    }

    /** Reads btf_vmlinux_value_type_id.
     *
     * @param struct the struct
     * @return the value
     */
    public static int btf_vmlinux_value_type_id(MemorySegment struct) {
        return struct.get(btf_vmlinux_value_type_id$LAYOUT, btf_vmlinux_value_type_id$OFFSET);
    }

    /** Writes btf_vmlinux_value_type_id.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void btf_vmlinux_value_type_id(MemorySegment struct, int value) {
        struct.set(btf_vmlinux_value_type_id$LAYOUT, btf_vmlinux_value_type_id$OFFSET, value);
    }

    private static final OfLong map_extra$LAYOUT = (OfLong) LAYOUT.select(groupElement("map_extra"));
    private static final long map_extra$OFFSET = LAYOUT.byteOffset(groupElement("map_extra"));

    /** @return the byte offset of map_extra */
    public static long map_extra$offset() {
        return map_extra$OFFSET;
    }

    /** Reads map_extra.
     *
     * @param struct the struct
     * @return the value
     */
    public static long map_extra(MemorySegment struct) {
        return struct.get(map_extra$LAYOUT, map_extra$OFFSET);
    }

    /** Writes map_extra.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void map_extra(MemorySegment struct, long value) {
        struct.set(map_extra$LAYOUT, map_extra$OFFSET, value);
    }
}
