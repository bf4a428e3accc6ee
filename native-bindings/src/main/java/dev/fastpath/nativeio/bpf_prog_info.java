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
 * {@code struct bpf_prog_info}, the members Fastpath reads: the program's id, and the run statistics the kernel keeps
 * while {@code BPF_ENABLE_STATS} (or {@code kernel.bpf_stats_enabled}) is on — {@code run_time_ns} summed over
 * {@code run_cnt} runs. The rest is padding; newer kernels have a longer struct and fill only what is asked for.
 */
public final class bpf_prog_info {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("type"),
        ValueLayout.JAVA_INT.withName("id"),
        MemoryLayout.paddingLayout(184),
        ValueLayout.JAVA_LONG.withName("run_time_ns"),
        ValueLayout.JAVA_LONG.withName("run_cnt"),
        MemoryLayout.paddingLayout(24)
    ).withName("bpf_prog_info");

    private bpf_prog_info() { }

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

    private static final OfInt type$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("type"));
    private static final long type$OFFSET =
        LAYOUT.byteOffset(groupElement("type"));

    /** @return the byte offset of type */
    public static long type$offset() {
        return type$OFFSET;
    }

    /** Reads type.
     *
     * @param struct the struct
     * @return the value
     */
    public static int type(MemorySegment struct) {
        return struct.get(type$LAYOUT, type$OFFSET);
    }

    /** Writes type.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void type(MemorySegment struct, int value) {
        struct.set(type$LAYOUT, type$OFFSET, value);
    }

    private static final OfInt id$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("id"));
    private static final long id$OFFSET =
        LAYOUT.byteOffset(groupElement("id"));

    /** @return the byte offset of id */
    public static long id$offset() {
        return id$OFFSET;
    }

    /** Reads id.
     *
     * @param struct the struct
     * @return the value
     */
    public static int id(MemorySegment struct) {
        return struct.get(id$LAYOUT, id$OFFSET);
    }

    /** Writes id.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void id(MemorySegment struct, int value) {
        struct.set(id$LAYOUT, id$OFFSET, value);
    }

    private static final OfLong run_time_ns$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("run_time_ns"));
    private static final long run_time_ns$OFFSET =
        LAYOUT.byteOffset(groupElement("run_time_ns"));

    /** @return the byte offset of run_time_ns */
    public static long run_time_ns$offset() {
        return run_time_ns$OFFSET;
    }

    /** Reads run_time_ns.
     *
     * @param struct the struct
     * @return the value
     */
    public static long run_time_ns(MemorySegment struct) {
        return struct.get(run_time_ns$LAYOUT, run_time_ns$OFFSET);
    }

    /** Writes run_time_ns.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void run_time_ns(MemorySegment struct, long value) {
        struct.set(run_time_ns$LAYOUT, run_time_ns$OFFSET, value);
    }

    private static final OfLong run_cnt$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("run_cnt"));
    private static final long run_cnt$OFFSET =
        LAYOUT.byteOffset(groupElement("run_cnt"));

    /** @return the byte offset of run_cnt */
    public static long run_cnt$offset() {
        return run_cnt$OFFSET;
    }

    /** Reads run_cnt.
     *
     * @param struct the struct
     * @return the value
     */
    public static long run_cnt(MemorySegment struct) {
        return struct.get(run_cnt$LAYOUT, run_cnt$OFFSET);
    }

    /** Writes run_cnt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void run_cnt(MemorySegment struct, long value) {
        struct.set(run_cnt$LAYOUT, run_cnt$OFFSET, value);
    }

}
