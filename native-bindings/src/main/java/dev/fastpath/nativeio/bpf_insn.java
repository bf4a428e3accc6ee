package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfByte;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct bpf_insn}: one eBPF instruction. C packs {@code dst_reg:4, src_reg:4} into the
 * second byte as bitfields; here that byte is {@code regs} (dst in the low nibble on little-endian).
 * {@link bpf_h} encodes whole instructions as {@code long}s.
 */
public final class bpf_insn {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_BYTE.withName("code"),
        ValueLayout.JAVA_BYTE.withName("regs"),
        ValueLayout.JAVA_SHORT.withName("off"),
        ValueLayout.JAVA_INT.withName("imm")
    ).withName("bpf_insn");

    private bpf_insn() { }

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

    private static final OfByte code$LAYOUT = (OfByte) LAYOUT.select(groupElement("code"));
    private static final long code$OFFSET = LAYOUT.byteOffset(groupElement("code"));

    /** @return the byte offset of code */
    public static long code$offset() {
        return code$OFFSET;
    }

    /** Reads code.
     *
     * @param struct the struct
     * @return the value
     */
    public static byte code(MemorySegment struct) {
        return struct.get(code$LAYOUT, code$OFFSET);
    }

    /** Writes code.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void code(MemorySegment struct, byte value) {
        struct.set(code$LAYOUT, code$OFFSET, value);
    }

    private static final OfByte regs$LAYOUT = (OfByte) LAYOUT.select(groupElement("regs"));
    private static final long regs$OFFSET = LAYOUT.byteOffset(groupElement("regs"));

    /** @return the byte offset of regs */
    public static long regs$offset() {
        return regs$OFFSET;
    }

    /** Reads regs.
     *
     * @param struct the struct
     * @return the value
     */
    public static byte regs(MemorySegment struct) {
        return struct.get(regs$LAYOUT, regs$OFFSET);
    }

    /** Writes regs.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void regs(MemorySegment struct, byte value) {
        struct.set(regs$LAYOUT, regs$OFFSET, value);
    }

    private static final OfShort off$LAYOUT = (OfShort) LAYOUT.select(groupElement("off"));
    private static final long off$OFFSET = LAYOUT.byteOffset(groupElement("off"));

    /** @return the byte offset of off */
    public static long off$offset() {
        return off$OFFSET;
    }

    /** Reads off.
     *
     * @param struct the struct
     * @return the value
     */
    public static short off(MemorySegment struct) {
        return struct.get(off$LAYOUT, off$OFFSET);
    }

    /** Writes off.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void off(MemorySegment struct, short value) {
        struct.set(off$LAYOUT, off$OFFSET, value);
    }

    private static final OfInt imm$LAYOUT = (OfInt) LAYOUT.select(groupElement("imm"));
    private static final long imm$OFFSET = LAYOUT.byteOffset(groupElement("imm"));

    /** @return the byte offset of imm */
    public static long imm$offset() {
        return imm$OFFSET;
    }

    /** Reads imm.
     *
     * @param struct the struct
     * @return the value
     */
    public static int imm(MemorySegment struct) {
        return struct.get(imm$LAYOUT, imm$OFFSET);
    }

    /** Writes imm.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void imm(MemorySegment struct, int value) {
        struct.set(imm$LAYOUT, imm$OFFSET, value);
    }
}
