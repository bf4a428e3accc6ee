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
 * {@code union bpf_attr} as used by BPF_MAP_*_ELEM ({@code key}/{@code value} are
 * addresses).
 * The kernel's {@code union bpf_attr} is 144 bytes with these headers; every variant class allocates the
 * full union (zeroed, as the kernel requires for unused tail bytes).
 */
public final class bpf_attr_map_elem {

    /** The C layout, padded to the full union size. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("map_fd"),
        MemoryLayout.paddingLayout(4),
        ValueLayout.JAVA_LONG.withName("key"),
        MemoryLayout.unionLayout(
            ValueLayout.JAVA_LONG.withName("value"),
            ValueLayout.JAVA_LONG.withName("next_key")
        ).withName("$anon$0"),
        ValueLayout.JAVA_LONG.withName("flags"),
        MemoryLayout.paddingLayout(112)
    ).withName("bpf_attr");

    private bpf_attr_map_elem() { }

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

    private static final OfInt map_fd$LAYOUT = (OfInt) LAYOUT.select(groupElement("map_fd"));
    private static final long map_fd$OFFSET = LAYOUT.byteOffset(groupElement("map_fd"));

    /** @return the byte offset of map_fd */
    public static long map_fd$offset() {
        return map_fd$OFFSET;
    }

    /** Reads map_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int map_fd(MemorySegment struct) {
        return struct.get(map_fd$LAYOUT, map_fd$OFFSET);
    }

    /** Writes map_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void map_fd(MemorySegment struct, int value) {
        struct.set(map_fd$LAYOUT, map_fd$OFFSET, value);
    }

    private static final OfLong key$LAYOUT = (OfLong) LAYOUT.select(groupElement("key"));
    private static final long key$OFFSET = LAYOUT.byteOffset(groupElement("key"));

    /** @return the byte offset of key */
    public static long key$offset() {
        return key$OFFSET;
    }

    /** Reads key.
     *
     * @param struct the struct
     * @return the value
     */
    public static long key(MemorySegment struct) {
        return struct.get(key$LAYOUT, key$OFFSET);
    }

    /** Writes key.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void key(MemorySegment struct, long value) {
        struct.set(key$LAYOUT, key$OFFSET, value);
    }

    private static final OfLong value$LAYOUT =
        (OfLong) LAYOUT.select(
            groupElement("$anon$0"),
            groupElement("value"));
    private static final long value$OFFSET =
        LAYOUT.byteOffset(
            groupElement("$anon$0"),
            groupElement("value"));

    /** @return the byte offset of $anon$0.value */
    public static long value$offset() {
        return value$OFFSET;
    }

    /** Reads $anon$0.value.
     *
     * @param struct the struct
     * @return the value
     */
    public static long value(MemorySegment struct) {
        return struct.get(value$LAYOUT, value$OFFSET);
    }

    /** Writes $anon$0.value.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void value(MemorySegment struct, long value) {
        struct.set(value$LAYOUT, value$OFFSET, value);
    }

    private static final OfLong next_key$LAYOUT =
        (OfLong) LAYOUT.select(
            groupElement("$anon$0"),
            groupElement("next_key"));
    private static final long next_key$OFFSET =
        LAYOUT.byteOffset(
            groupElement("$anon$0"),
            groupElement("next_key"));

    /** @return the byte offset of $anon$0.next_key */
    public static long next_key$offset() {
        return next_key$OFFSET;
    }

    /** Reads $anon$0.next_key.
     *
     * @param struct the struct
     * @return the value
     */
    public static long next_key(MemorySegment struct) {
        return struct.get(next_key$LAYOUT, next_key$OFFSET);
    }

    /** Writes $anon$0.next_key.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void next_key(MemorySegment struct, long value) {
        struct.set(next_key$LAYOUT, next_key$OFFSET, value);
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
