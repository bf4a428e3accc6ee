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
 * {@code union bpf_attr} as used by BPF_PROG_TEST_RUN (the C member {@code test}): run a loaded program on a
 * given packet and context, {@code repeat} times; with {@code BPF_F_TEST_XDP_LIVE_FRAMES} an XDP program's
 * verdicts take effect (XDP_TX and XDP_REDIRECT really send). {@code data_in}, {@code data_out},
 * {@code ctx_in} and {@code ctx_out} are addresses.
 * The kernel's {@code union bpf_attr} is 144 bytes with these headers; every variant class allocates the
 * full union (zeroed, as the kernel requires for unused tail bytes).
 */
public final class bpf_attr_test_run {

    /** The C layout, padded to the full union size. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("prog_fd"),
            ValueLayout.JAVA_INT.withName("retval"),
            ValueLayout.JAVA_INT.withName("data_size_in"),
            ValueLayout.JAVA_INT.withName("data_size_out"),
            ValueLayout.JAVA_LONG.withName("data_in"),
            ValueLayout.JAVA_LONG.withName("data_out"),
            ValueLayout.JAVA_INT.withName("repeat"),
            ValueLayout.JAVA_INT.withName("duration"),
            ValueLayout.JAVA_INT.withName("ctx_size_in"),
            ValueLayout.JAVA_INT.withName("ctx_size_out"),
            ValueLayout.JAVA_LONG.withName("ctx_in"),
            ValueLayout.JAVA_LONG.withName("ctx_out"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_INT.withName("cpu"),
            ValueLayout.JAVA_INT.withName("batch_size"),
            MemoryLayout.paddingLayout(4)
        ).withName("test"),
        MemoryLayout.paddingLayout(64)
    ).withName("bpf_attr");

    private bpf_attr_test_run() { }

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
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("prog_fd"));
    private static final long prog_fd$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("prog_fd"));

    /** @return the byte offset of test.prog_fd */
    public static long prog_fd$offset() {
        return prog_fd$OFFSET;
    }

    /** Reads test.prog_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int prog_fd(MemorySegment struct) {
        return struct.get(prog_fd$LAYOUT, prog_fd$OFFSET);
    }

    /** Writes test.prog_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void prog_fd(MemorySegment struct, int value) {
        struct.set(prog_fd$LAYOUT, prog_fd$OFFSET, value);
    }

    private static final OfInt retval$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("retval"));
    private static final long retval$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("retval"));

    /** @return the byte offset of test.retval */
    public static long retval$offset() {
        return retval$OFFSET;
    }

    /** Reads test.retval.
     *
     * @param struct the struct
     * @return the value
     */
    public static int retval(MemorySegment struct) {
        return struct.get(retval$LAYOUT, retval$OFFSET);
    }

    /** Writes test.retval.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void retval(MemorySegment struct, int value) {
        struct.set(retval$LAYOUT, retval$OFFSET, value);
    }

    private static final OfInt data_size_in$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("data_size_in"));
    private static final long data_size_in$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("data_size_in"));

    /** @return the byte offset of test.data_size_in */
    public static long data_size_in$offset() {
        return data_size_in$OFFSET;
    }

    /** Reads test.data_size_in.
     *
     * @param struct the struct
     * @return the value
     */
    public static int data_size_in(MemorySegment struct) {
        return struct.get(data_size_in$LAYOUT, data_size_in$OFFSET);
    }

    /** Writes test.data_size_in.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data_size_in(MemorySegment struct, int value) {
        struct.set(data_size_in$LAYOUT, data_size_in$OFFSET, value);
    }

    private static final OfInt data_size_out$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("data_size_out"));
    private static final long data_size_out$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("data_size_out"));

    /** @return the byte offset of test.data_size_out */
    public static long data_size_out$offset() {
        return data_size_out$OFFSET;
    }

    /** Reads test.data_size_out.
     *
     * @param struct the struct
     * @return the value
     */
    public static int data_size_out(MemorySegment struct) {
        return struct.get(data_size_out$LAYOUT, data_size_out$OFFSET);
    }

    /** Writes test.data_size_out.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data_size_out(MemorySegment struct, int value) {
        struct.set(data_size_out$LAYOUT, data_size_out$OFFSET, value);
    }

    private static final OfLong data_in$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("test"), groupElement("data_in"));
    private static final long data_in$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("data_in"));

    /** @return the byte offset of test.data_in */
    public static long data_in$offset() {
        return data_in$OFFSET;
    }

    /** Reads test.data_in.
     *
     * @param struct the struct
     * @return the value
     */
    public static long data_in(MemorySegment struct) {
        return struct.get(data_in$LAYOUT, data_in$OFFSET);
    }

    /** Writes test.data_in.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data_in(MemorySegment struct, long value) {
        struct.set(data_in$LAYOUT, data_in$OFFSET, value);
    }

    private static final OfLong data_out$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("test"), groupElement("data_out"));
    private static final long data_out$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("data_out"));

    /** @return the byte offset of test.data_out */
    public static long data_out$offset() {
        return data_out$OFFSET;
    }

    /** Reads test.data_out.
     *
     * @param struct the struct
     * @return the value
     */
    public static long data_out(MemorySegment struct) {
        return struct.get(data_out$LAYOUT, data_out$OFFSET);
    }

    /** Writes test.data_out.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void data_out(MemorySegment struct, long value) {
        struct.set(data_out$LAYOUT, data_out$OFFSET, value);
    }

    private static final OfInt repeat$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("repeat"));
    private static final long repeat$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("repeat"));

    /** @return the byte offset of test.repeat */
    public static long repeat$offset() {
        return repeat$OFFSET;
    }

    /** Reads test.repeat.
     *
     * @param struct the struct
     * @return the value
     */
    public static int repeat(MemorySegment struct) {
        return struct.get(repeat$LAYOUT, repeat$OFFSET);
    }

    /** Writes test.repeat.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void repeat(MemorySegment struct, int value) {
        struct.set(repeat$LAYOUT, repeat$OFFSET, value);
    }

    private static final OfInt duration$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("duration"));
    private static final long duration$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("duration"));

    /** @return the byte offset of test.duration */
    public static long duration$offset() {
        return duration$OFFSET;
    }

    /** Reads test.duration.
     *
     * @param struct the struct
     * @return the value
     */
    public static int duration(MemorySegment struct) {
        return struct.get(duration$LAYOUT, duration$OFFSET);
    }

    /** Writes test.duration.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void duration(MemorySegment struct, int value) {
        struct.set(duration$LAYOUT, duration$OFFSET, value);
    }

    private static final OfInt ctx_size_in$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("ctx_size_in"));
    private static final long ctx_size_in$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("ctx_size_in"));

    /** @return the byte offset of test.ctx_size_in */
    public static long ctx_size_in$offset() {
        return ctx_size_in$OFFSET;
    }

    /** Reads test.ctx_size_in.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ctx_size_in(MemorySegment struct) {
        return struct.get(ctx_size_in$LAYOUT, ctx_size_in$OFFSET);
    }

    /** Writes test.ctx_size_in.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ctx_size_in(MemorySegment struct, int value) {
        struct.set(ctx_size_in$LAYOUT, ctx_size_in$OFFSET, value);
    }

    private static final OfInt ctx_size_out$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("ctx_size_out"));
    private static final long ctx_size_out$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("ctx_size_out"));

    /** @return the byte offset of test.ctx_size_out */
    public static long ctx_size_out$offset() {
        return ctx_size_out$OFFSET;
    }

    /** Reads test.ctx_size_out.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ctx_size_out(MemorySegment struct) {
        return struct.get(ctx_size_out$LAYOUT, ctx_size_out$OFFSET);
    }

    /** Writes test.ctx_size_out.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ctx_size_out(MemorySegment struct, int value) {
        struct.set(ctx_size_out$LAYOUT, ctx_size_out$OFFSET, value);
    }

    private static final OfLong ctx_in$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("test"), groupElement("ctx_in"));
    private static final long ctx_in$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("ctx_in"));

    /** @return the byte offset of test.ctx_in */
    public static long ctx_in$offset() {
        return ctx_in$OFFSET;
    }

    /** Reads test.ctx_in.
     *
     * @param struct the struct
     * @return the value
     */
    public static long ctx_in(MemorySegment struct) {
        return struct.get(ctx_in$LAYOUT, ctx_in$OFFSET);
    }

    /** Writes test.ctx_in.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ctx_in(MemorySegment struct, long value) {
        struct.set(ctx_in$LAYOUT, ctx_in$OFFSET, value);
    }

    private static final OfLong ctx_out$LAYOUT =
        (OfLong) LAYOUT.select(groupElement("test"), groupElement("ctx_out"));
    private static final long ctx_out$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("ctx_out"));

    /** @return the byte offset of test.ctx_out */
    public static long ctx_out$offset() {
        return ctx_out$OFFSET;
    }

    /** Reads test.ctx_out.
     *
     * @param struct the struct
     * @return the value
     */
    public static long ctx_out(MemorySegment struct) {
        return struct.get(ctx_out$LAYOUT, ctx_out$OFFSET);
    }

    /** Writes test.ctx_out.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ctx_out(MemorySegment struct, long value) {
        struct.set(ctx_out$LAYOUT, ctx_out$OFFSET, value);
    }

    private static final OfInt flags$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("flags"));
    private static final long flags$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("flags"));

    /** @return the byte offset of test.flags */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads test.flags.
     *
     * @param struct the struct
     * @return the value
     */
    public static int flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes test.flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void flags(MemorySegment struct, int value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final OfInt cpu$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("cpu"));
    private static final long cpu$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("cpu"));

    /** @return the byte offset of test.cpu */
    public static long cpu$offset() {
        return cpu$OFFSET;
    }

    /** Reads test.cpu.
     *
     * @param struct the struct
     * @return the value
     */
    public static int cpu(MemorySegment struct) {
        return struct.get(cpu$LAYOUT, cpu$OFFSET);
    }

    /** Writes test.cpu.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void cpu(MemorySegment struct, int value) {
        struct.set(cpu$LAYOUT, cpu$OFFSET, value);
    }

    private static final OfInt batch_size$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("test"), groupElement("batch_size"));
    private static final long batch_size$OFFSET =
        LAYOUT.byteOffset(groupElement("test"), groupElement("batch_size"));

    /** @return the byte offset of test.batch_size */
    public static long batch_size$offset() {
        return batch_size$OFFSET;
    }

    /** Reads test.batch_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int batch_size(MemorySegment struct) {
        return struct.get(batch_size$LAYOUT, batch_size$OFFSET);
    }

    /** Writes test.batch_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void batch_size(MemorySegment struct, int value) {
        struct.set(batch_size$LAYOUT, batch_size$OFFSET, value);
    }
}
