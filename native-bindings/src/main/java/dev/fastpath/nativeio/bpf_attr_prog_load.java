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
 * {@code union bpf_attr} as used by BPF_PROG_LOAD ({@code insns}, {@code license},
 * {@code log_buf} are addresses).
 * The kernel's {@code union bpf_attr} is 144 bytes with these headers; every variant class allocates the
 * full union (zeroed, as the kernel requires for unused tail bytes).
 */
public final class bpf_attr_prog_load {

    /** The C layout, padded to the full union size. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("prog_type"),
        ValueLayout.JAVA_INT.withName("insn_cnt"),
        ValueLayout.JAVA_LONG.withName("insns"),
        ValueLayout.JAVA_LONG.withName("license"),
        ValueLayout.JAVA_INT.withName("log_level"),
        ValueLayout.JAVA_INT.withName("log_size"),
        ValueLayout.JAVA_LONG.withName("log_buf"),
        ValueLayout.JAVA_INT.withName("kern_version"),
        ValueLayout.JAVA_INT.withName("prog_flags"),
        MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("prog_name"),
        ValueLayout.JAVA_INT.withName("prog_ifindex"),
        ValueLayout.JAVA_INT.withName("expected_attach_type"),
        ValueLayout.JAVA_INT.withName("prog_btf_fd"),
        ValueLayout.JAVA_INT.withName("func_info_rec_size"),
        ValueLayout.JAVA_LONG.withName("func_info"),
        ValueLayout.JAVA_INT.withName("func_info_cnt"),
        ValueLayout.JAVA_INT.withName("line_info_rec_size"),
        ValueLayout.JAVA_LONG.withName("line_info"),
        ValueLayout.JAVA_INT.withName("line_info_cnt"),
        ValueLayout.JAVA_INT.withName("attach_btf_id"),
        MemoryLayout.unionLayout(
            ValueLayout.JAVA_INT.withName("attach_prog_fd"),
            ValueLayout.JAVA_INT.withName("attach_btf_obj_fd")
        ).withName("$anon$0"),
        ValueLayout.JAVA_INT.withName("core_relo_cnt"),
        ValueLayout.JAVA_LONG.withName("fd_array"),
        ValueLayout.JAVA_LONG.withName("core_relos"),
        ValueLayout.JAVA_INT.withName("core_relo_rec_size"),
        MemoryLayout.paddingLayout(4)
    ).withName("bpf_attr");

    private bpf_attr_prog_load() { }

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

    private static final OfInt prog_type$LAYOUT = (OfInt) LAYOUT.select(groupElement("prog_type"));
    private static final long prog_type$OFFSET = LAYOUT.byteOffset(groupElement("prog_type"));

    /** @return the byte offset of prog_type */
    public static long prog_type$offset() {
        return prog_type$OFFSET;
    }

    /** Reads prog_type.
     *
     * @param struct the struct
     * @return the value
     */
    public static int prog_type(MemorySegment struct) {
        return struct.get(prog_type$LAYOUT, prog_type$OFFSET);
    }

    /** Writes prog_type.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void prog_type(MemorySegment struct, int value) {
        struct.set(prog_type$LAYOUT, prog_type$OFFSET, value);
    }

    private static final OfInt insn_cnt$LAYOUT = (OfInt) LAYOUT.select(groupElement("insn_cnt"));
    private static final long insn_cnt$OFFSET = LAYOUT.byteOffset(groupElement("insn_cnt"));

    /** @return the byte offset of insn_cnt */
    public static long insn_cnt$offset() {
        return insn_cnt$OFFSET;
    }

    /** Reads insn_cnt.
     *
     * @param struct the struct
     * @return the value
     */
    public static int insn_cnt(MemorySegment struct) {
        return struct.get(insn_cnt$LAYOUT, insn_cnt$OFFSET);
    }

    /** Writes insn_cnt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void insn_cnt(MemorySegment struct, int value) {
        struct.set(insn_cnt$LAYOUT, insn_cnt$OFFSET, value);
    }

    private static final OfLong insns$LAYOUT = (OfLong) LAYOUT.select(groupElement("insns"));
    private static final long insns$OFFSET = LAYOUT.byteOffset(groupElement("insns"));

    /** @return the byte offset of insns */
    public static long insns$offset() {
        return insns$OFFSET;
    }

    /** Reads insns.
     *
     * @param struct the struct
     * @return the value
     */
    public static long insns(MemorySegment struct) {
        return struct.get(insns$LAYOUT, insns$OFFSET);
    }

    /** Writes insns.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void insns(MemorySegment struct, long value) {
        struct.set(insns$LAYOUT, insns$OFFSET, value);
    }

    private static final OfLong license$LAYOUT = (OfLong) LAYOUT.select(groupElement("license"));
    private static final long license$OFFSET = LAYOUT.byteOffset(groupElement("license"));

    /** @return the byte offset of license */
    public static long license$offset() {
        return license$OFFSET;
    }

    /** Reads license.
     *
     * @param struct the struct
     * @return the value
     */
    public static long license(MemorySegment struct) {
        return struct.get(license$LAYOUT, license$OFFSET);
    }

    /** Writes license.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void license(MemorySegment struct, long value) {
        struct.set(license$LAYOUT, license$OFFSET, value);
    }

    private static final OfInt log_level$LAYOUT = (OfInt) LAYOUT.select(groupElement("log_level"));
    private static final long log_level$OFFSET = LAYOUT.byteOffset(groupElement("log_level"));

    /** @return the byte offset of log_level */
    public static long log_level$offset() {
        return log_level$OFFSET;
    }

    /** Reads log_level.
     *
     * @param struct the struct
     * @return the value
     */
    public static int log_level(MemorySegment struct) {
        return struct.get(log_level$LAYOUT, log_level$OFFSET);
    }

    /** Writes log_level.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void log_level(MemorySegment struct, int value) {
        struct.set(log_level$LAYOUT, log_level$OFFSET, value);
    }

    private static final OfInt log_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("log_size"));
    private static final long log_size$OFFSET = LAYOUT.byteOffset(groupElement("log_size"));

    /** @return the byte offset of log_size */
    public static long log_size$offset() {
        return log_size$OFFSET;
    }

    /** Reads log_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int log_size(MemorySegment struct) {
        return struct.get(log_size$LAYOUT, log_size$OFFSET);
    }

    /** Writes log_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void log_size(MemorySegment struct, int value) {
        struct.set(log_size$LAYOUT, log_size$OFFSET, value);
    }

    private static final OfLong log_buf$LAYOUT = (OfLong) LAYOUT.select(groupElement("log_buf"));
    private static final long log_buf$OFFSET = LAYOUT.byteOffset(groupElement("log_buf"));

    /** @return the byte offset of log_buf */
    public static long log_buf$offset() {
        return log_buf$OFFSET;
    }

    /** Reads log_buf.
     *
     * @param struct the struct
     * @return the value
     */
    public static long log_buf(MemorySegment struct) {
        return struct.get(log_buf$LAYOUT, log_buf$OFFSET);
    }

    /** Writes log_buf.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void log_buf(MemorySegment struct, long value) {
        struct.set(log_buf$LAYOUT, log_buf$OFFSET, value);
    }

    private static final OfInt kern_version$LAYOUT = (OfInt) LAYOUT.select(groupElement("kern_version"));
    private static final long kern_version$OFFSET = LAYOUT.byteOffset(groupElement("kern_version"));

    /** @return the byte offset of kern_version */
    public static long kern_version$offset() {
        return kern_version$OFFSET;
    }

    /** Reads kern_version.
     *
     * @param struct the struct
     * @return the value
     */
    public static int kern_version(MemorySegment struct) {
        return struct.get(kern_version$LAYOUT, kern_version$OFFSET);
    }

    /** Writes kern_version.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void kern_version(MemorySegment struct, int value) {
        struct.set(kern_version$LAYOUT, kern_version$OFFSET, value);
    }

    private static final OfInt prog_flags$LAYOUT = (OfInt) LAYOUT.select(groupElement("prog_flags"));
    private static final long prog_flags$OFFSET = LAYOUT.byteOffset(groupElement("prog_flags"));

    /** @return the byte offset of prog_flags */
    public static long prog_flags$offset() {
        return prog_flags$OFFSET;
    }

    /** Reads prog_flags.
     *
     * @param struct the struct
     * @return the value
     */
    public static int prog_flags(MemorySegment struct) {
        return struct.get(prog_flags$LAYOUT, prog_flags$OFFSET);
    }

    /** Writes prog_flags.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void prog_flags(MemorySegment struct, int value) {
        struct.set(prog_flags$LAYOUT, prog_flags$OFFSET, value);
    }

    private static final MemoryLayout prog_name$LAYOUT = LAYOUT.select(groupElement("prog_name"));
    private static final long prog_name$OFFSET = LAYOUT.byteOffset(groupElement("prog_name"));

    /** @return the byte offset of prog_name */
    public static long prog_name$offset() {
        return prog_name$OFFSET;
    }

    /** A view of prog_name.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment prog_name(MemorySegment struct) {
        return struct.asSlice(prog_name$OFFSET, prog_name$LAYOUT);
    }

    /** Copies {@code value} into prog_name.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void prog_name(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, prog_name$OFFSET, prog_name$LAYOUT.byteSize());
    }

    /** Reads one element of prog_name.
     *
     * @param struct the struct
     * @param index the element
     * @return the value
     */
    public static byte prog_name(MemorySegment struct, long index) {
        return struct.get(ValueLayout.JAVA_BYTE, prog_name$OFFSET + index * 1);
    }

    /** Writes one element of prog_name.
     *
     * @param struct the struct
     * @param index the element
     * @param value the value
     */
    public static void prog_name(MemorySegment struct, long index, byte value) {
        struct.set(ValueLayout.JAVA_BYTE, prog_name$OFFSET + index * 1, value);
    }

    private static final OfInt prog_ifindex$LAYOUT = (OfInt) LAYOUT.select(groupElement("prog_ifindex"));
    private static final long prog_ifindex$OFFSET = LAYOUT.byteOffset(groupElement("prog_ifindex"));

    /** @return the byte offset of prog_ifindex */
    public static long prog_ifindex$offset() {
        return prog_ifindex$OFFSET;
    }

    /** Reads prog_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int prog_ifindex(MemorySegment struct) {
        return struct.get(prog_ifindex$LAYOUT, prog_ifindex$OFFSET);
    }

    /** Writes prog_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void prog_ifindex(MemorySegment struct, int value) {
        struct.set(prog_ifindex$LAYOUT, prog_ifindex$OFFSET, value);
    }

    private static final OfInt expected_attach_type$LAYOUT =
        (OfInt) LAYOUT.select(groupElement("expected_attach_type"));
    private static final long expected_attach_type$OFFSET = LAYOUT.byteOffset(groupElement("expected_attach_type"));

    /** @return the byte offset of expected_attach_type */
    public static long expected_attach_type$offset() {
        return expected_attach_type$OFFSET;
    }

    /** Reads expected_attach_type.
     *
     * @param struct the struct
     * @return the value
     */
    public static int expected_attach_type(MemorySegment struct) {
        return struct.get(expected_attach_type$LAYOUT, expected_attach_type$OFFSET);
    }

    /** Writes expected_attach_type.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void expected_attach_type(MemorySegment struct, int value) {
        struct.set(expected_attach_type$LAYOUT, expected_attach_type$OFFSET, value);
    }

    private static final OfInt prog_btf_fd$LAYOUT = (OfInt) LAYOUT.select(groupElement("prog_btf_fd"));
    private static final long prog_btf_fd$OFFSET = LAYOUT.byteOffset(groupElement("prog_btf_fd"));

    /** @return the byte offset of prog_btf_fd */
    public static long prog_btf_fd$offset() {
        return prog_btf_fd$OFFSET;
    }

    /** Reads prog_btf_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int prog_btf_fd(MemorySegment struct) {
        return struct.get(prog_btf_fd$LAYOUT, prog_btf_fd$OFFSET);
    }

    /** Writes prog_btf_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void prog_btf_fd(MemorySegment struct, int value) {
        struct.set(prog_btf_fd$LAYOUT, prog_btf_fd$OFFSET, value);
    }

    private static final OfInt func_info_rec_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("func_info_rec_size"));
    private static final long func_info_rec_size$OFFSET = LAYOUT.byteOffset(groupElement("func_info_rec_size"));

    /** @return the byte offset of func_info_rec_size */
    public static long func_info_rec_size$offset() {
        return func_info_rec_size$OFFSET;
    }

    /** Reads func_info_rec_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int func_info_rec_size(MemorySegment struct) {
        return struct.get(func_info_rec_size$LAYOUT, func_info_rec_size$OFFSET);
    }

    /** Writes func_info_rec_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void func_info_rec_size(MemorySegment struct, int value) {
        struct.set(func_info_rec_size$LAYOUT, func_info_rec_size$OFFSET, value);
    }

    private static final OfLong func_info$LAYOUT = (OfLong) LAYOUT.select(groupElement("func_info"));
    private static final long func_info$OFFSET = LAYOUT.byteOffset(groupElement("func_info"));

    /** @return the byte offset of func_info */
    public static long func_info$offset() {
        return func_info$OFFSET;
    }

    /** Reads func_info.
     *
     * @param struct the struct
     * @return the value
     */
    public static long func_info(MemorySegment struct) {
        return struct.get(func_info$LAYOUT, func_info$OFFSET);
    }

    /** Writes func_info.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void func_info(MemorySegment struct, long value) {
        struct.set(func_info$LAYOUT, func_info$OFFSET, value);
    }

    private static final OfInt func_info_cnt$LAYOUT = (OfInt) LAYOUT.select(groupElement("func_info_cnt"));
    private static final long func_info_cnt$OFFSET = LAYOUT.byteOffset(groupElement("func_info_cnt"));

    /** @return the byte offset of func_info_cnt */
    public static long func_info_cnt$offset() {
        return func_info_cnt$OFFSET;
    }

    /** Reads func_info_cnt.
     *
     * @param struct the struct
     * @return the value
     */
    public static int func_info_cnt(MemorySegment struct) {
        return struct.get(func_info_cnt$LAYOUT, func_info_cnt$OFFSET);
    }

    /** Writes func_info_cnt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void func_info_cnt(MemorySegment struct, int value) {
        struct.set(func_info_cnt$LAYOUT, func_info_cnt$OFFSET, value);
    }

    private static final OfInt line_info_rec_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("line_info_rec_size"));
    private static final long line_info_rec_size$OFFSET = LAYOUT.byteOffset(groupElement("line_info_rec_size"));

    /** @return the byte offset of line_info_rec_size */
    public static long line_info_rec_size$offset() {
        return line_info_rec_size$OFFSET;
    }

    /** Reads line_info_rec_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int line_info_rec_size(MemorySegment struct) {
        return struct.get(line_info_rec_size$LAYOUT, line_info_rec_size$OFFSET);
    }

    /** Writes line_info_rec_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void line_info_rec_size(MemorySegment struct, int value) {
        struct.set(line_info_rec_size$LAYOUT, line_info_rec_size$OFFSET, value);
    }

    private static final OfLong line_info$LAYOUT = (OfLong) LAYOUT.select(groupElement("line_info"));
    private static final long line_info$OFFSET = LAYOUT.byteOffset(groupElement("line_info"));

    /** @return the byte offset of line_info */
    public static long line_info$offset() {
        return line_info$OFFSET;
    }

    /** Reads line_info.
     *
     * @param struct the struct
     * @return the value
     */
    public static long line_info(MemorySegment struct) {
        return struct.get(line_info$LAYOUT, line_info$OFFSET);
    }

    /** Writes line_info.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void line_info(MemorySegment struct, long value) {
        struct.set(line_info$LAYOUT, line_info$OFFSET, value);
    }

    private static final OfInt line_info_cnt$LAYOUT = (OfInt) LAYOUT.select(groupElement("line_info_cnt"));
    private static final long line_info_cnt$OFFSET = LAYOUT.byteOffset(groupElement("line_info_cnt"));

    /** @return the byte offset of line_info_cnt */
    public static long line_info_cnt$offset() {
        return line_info_cnt$OFFSET;
    }

    /** Reads line_info_cnt.
     *
     * @param struct the struct
     * @return the value
     */
    public static int line_info_cnt(MemorySegment struct) {
        return struct.get(line_info_cnt$LAYOUT, line_info_cnt$OFFSET);
    }

    /** Writes line_info_cnt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void line_info_cnt(MemorySegment struct, int value) {
        struct.set(line_info_cnt$LAYOUT, line_info_cnt$OFFSET, value);
    }

    private static final OfInt attach_btf_id$LAYOUT = (OfInt) LAYOUT.select(groupElement("attach_btf_id"));
    private static final long attach_btf_id$OFFSET = LAYOUT.byteOffset(groupElement("attach_btf_id"));

    /** @return the byte offset of attach_btf_id */
    public static long attach_btf_id$offset() {
        return attach_btf_id$OFFSET;
    }

    /** Reads attach_btf_id.
     *
     * @param struct the struct
     * @return the value
     */
    public static int attach_btf_id(MemorySegment struct) {
        return struct.get(attach_btf_id$LAYOUT, attach_btf_id$OFFSET);
    }

    /** Writes attach_btf_id.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void attach_btf_id(MemorySegment struct, int value) {
        struct.set(attach_btf_id$LAYOUT, attach_btf_id$OFFSET, value);
    }

    private static final OfInt attach_prog_fd$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("$anon$0"),
            groupElement("attach_prog_fd"));
    private static final long attach_prog_fd$OFFSET =
        LAYOUT.byteOffset(
            groupElement("$anon$0"),
            groupElement("attach_prog_fd"));

    /** @return the byte offset of $anon$0.attach_prog_fd */
    public static long attach_prog_fd$offset() {
        return attach_prog_fd$OFFSET;
    }

    /** Reads $anon$0.attach_prog_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int attach_prog_fd(MemorySegment struct) {
        return struct.get(attach_prog_fd$LAYOUT, attach_prog_fd$OFFSET);
    }

    /** Writes $anon$0.attach_prog_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void attach_prog_fd(MemorySegment struct, int value) {
        struct.set(attach_prog_fd$LAYOUT, attach_prog_fd$OFFSET, value);
    }

    private static final OfInt attach_btf_obj_fd$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("$anon$0"),
            groupElement("attach_btf_obj_fd"));
    private static final long attach_btf_obj_fd$OFFSET =
        LAYOUT.byteOffset(
            groupElement("$anon$0"),
            groupElement("attach_btf_obj_fd"));

    /** @return the byte offset of $anon$0.attach_btf_obj_fd */
    public static long attach_btf_obj_fd$offset() {
        return attach_btf_obj_fd$OFFSET;
    }

    /** Reads $anon$0.attach_btf_obj_fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int attach_btf_obj_fd(MemorySegment struct) {
        return struct.get(attach_btf_obj_fd$LAYOUT, attach_btf_obj_fd$OFFSET);
    }

    /** Writes $anon$0.attach_btf_obj_fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void attach_btf_obj_fd(MemorySegment struct, int value) {
        struct.set(attach_btf_obj_fd$LAYOUT, attach_btf_obj_fd$OFFSET, value);
    }

    private static final OfInt core_relo_cnt$LAYOUT = (OfInt) LAYOUT.select(groupElement("core_relo_cnt"));
    private static final long core_relo_cnt$OFFSET = LAYOUT.byteOffset(groupElement("core_relo_cnt"));

    /** @return the byte offset of core_relo_cnt */
    public static long core_relo_cnt$offset() {
        return core_relo_cnt$OFFSET;
    }

    /** Reads core_relo_cnt.
     *
     * @param struct the struct
     * @return the value
     */
    public static int core_relo_cnt(MemorySegment struct) {
        return struct.get(core_relo_cnt$LAYOUT, core_relo_cnt$OFFSET);
    }

    /** Writes core_relo_cnt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void core_relo_cnt(MemorySegment struct, int value) {
        struct.set(core_relo_cnt$LAYOUT, core_relo_cnt$OFFSET, value);
    }

    private static final OfLong fd_array$LAYOUT = (OfLong) LAYOUT.select(groupElement("fd_array"));
    private static final long fd_array$OFFSET = LAYOUT.byteOffset(groupElement("fd_array"));

    /** @return the byte offset of fd_array */
    public static long fd_array$offset() {
        return fd_array$OFFSET;
    }

    /** Reads fd_array.
     *
     * @param struct the struct
     * @return the value
     */
    public static long fd_array(MemorySegment struct) {
        return struct.get(fd_array$LAYOUT, fd_array$OFFSET);
    }

    /** Writes fd_array.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void fd_array(MemorySegment struct, long value) {
        struct.set(fd_array$LAYOUT, fd_array$OFFSET, value);
    }

    private static final OfLong core_relos$LAYOUT = (OfLong) LAYOUT.select(groupElement("core_relos"));
    private static final long core_relos$OFFSET = LAYOUT.byteOffset(groupElement("core_relos"));

    /** @return the byte offset of core_relos */
    public static long core_relos$offset() {
        return core_relos$OFFSET;
    }

    /** Reads core_relos.
     *
     * @param struct the struct
     * @return the value
     */
    public static long core_relos(MemorySegment struct) {
        return struct.get(core_relos$LAYOUT, core_relos$OFFSET);
    }

    /** Writes core_relos.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void core_relos(MemorySegment struct, long value) {
        struct.set(core_relos$LAYOUT, core_relos$OFFSET, value);
    }

    private static final OfInt core_relo_rec_size$LAYOUT = (OfInt) LAYOUT.select(groupElement("core_relo_rec_size"));
    private static final long core_relo_rec_size$OFFSET = LAYOUT.byteOffset(groupElement("core_relo_rec_size"));

    /** @return the byte offset of core_relo_rec_size */
    public static long core_relo_rec_size$offset() {
        return core_relo_rec_size$OFFSET;
    }

    /** Reads core_relo_rec_size.
     *
     * @param struct the struct
     * @return the value
     */
    public static int core_relo_rec_size(MemorySegment struct) {
        return struct.get(core_relo_rec_size$LAYOUT, core_relo_rec_size$OFFSET);
    }

    /** Writes core_relo_rec_size.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void core_relo_rec_size(MemorySegment struct, int value) {
        struct.set(core_relo_rec_size$LAYOUT, core_relo_rec_size$OFFSET, value);
    }
}
