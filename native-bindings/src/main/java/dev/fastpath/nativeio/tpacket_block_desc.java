package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct tpacket_block_desc}: the header of one TPACKET_V3 block. The C union {@code hdr} has one
 * member, {@code bh1} ({@code struct tpacket_hdr_v1}); the layout keeps that nesting and the accessors
 * are flattened ({@code block_status}, {@code num_pkts}, ...; timestamps as {@code ts_first_pkt_sec}).
 */
public final class tpacket_block_desc {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("version"),
        ValueLayout.JAVA_INT.withName("offset_to_priv"),
        MemoryLayout.unionLayout(
            MemoryLayout.structLayout(
                ValueLayout.JAVA_INT.withName("block_status"),
                ValueLayout.JAVA_INT.withName("num_pkts"),
                ValueLayout.JAVA_INT.withName("offset_to_first_pkt"),
                ValueLayout.JAVA_INT.withName("blk_len"),
                ValueLayout.JAVA_LONG.withName("seq_num"),
                MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("ts_sec"),
                    MemoryLayout.unionLayout(
                        ValueLayout.JAVA_INT.withName("ts_usec"),
                        ValueLayout.JAVA_INT.withName("ts_nsec")
                    ).withName("$anon$0")
                ).withName("ts_first_pkt"),
                MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("ts_sec"),
                    MemoryLayout.unionLayout(
                        ValueLayout.JAVA_INT.withName("ts_usec"),
                        ValueLayout.JAVA_INT.withName("ts_nsec")
                    ).withName("$anon$0")
                ).withName("ts_last_pkt")
            ).withName("bh1")
        ).withName("hdr")
    ).withName("tpacket_block_desc");

    private tpacket_block_desc() { }

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

    private static final OfInt version$LAYOUT = (OfInt) LAYOUT.select(groupElement("version"));
    private static final long version$OFFSET = LAYOUT.byteOffset(groupElement("version"));

    /** @return the byte offset of version */
    public static long version$offset() {
        return version$OFFSET;
    }

    /** Reads version.
     *
     * @param struct the struct
     * @return the value
     */
    public static int version(MemorySegment struct) {
        return struct.get(version$LAYOUT, version$OFFSET);
    }

    /** Writes version.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void version(MemorySegment struct, int value) {
        struct.set(version$LAYOUT, version$OFFSET, value);
    }

    private static final OfInt offset_to_priv$LAYOUT = (OfInt) LAYOUT.select(groupElement("offset_to_priv"));
    private static final long offset_to_priv$OFFSET = LAYOUT.byteOffset(groupElement("offset_to_priv"));

    /** @return the byte offset of offset_to_priv */
    public static long offset_to_priv$offset() {
        return offset_to_priv$OFFSET;
    }

    /** Reads offset_to_priv.
     *
     * @param struct the struct
     * @return the value
     */
    public static int offset_to_priv(MemorySegment struct) {
        return struct.get(offset_to_priv$LAYOUT, offset_to_priv$OFFSET);
    }

    /** Writes offset_to_priv.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void offset_to_priv(MemorySegment struct, int value) {
        struct.set(offset_to_priv$LAYOUT, offset_to_priv$OFFSET, value);
    }

    private static final OfInt block_status$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("block_status"));
    private static final long block_status$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("block_status"));

    /** @return the byte offset of hdr.bh1.block_status */
    public static long block_status$offset() {
        return block_status$OFFSET;
    }

    /** Reads hdr.bh1.block_status.
     *
     * @param struct the struct
     * @return the value
     */
    public static int block_status(MemorySegment struct) {
        return struct.get(block_status$LAYOUT, block_status$OFFSET);
    }

    /** Writes hdr.bh1.block_status.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void block_status(MemorySegment struct, int value) {
        struct.set(block_status$LAYOUT, block_status$OFFSET, value);
    }

    private static final OfInt num_pkts$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("num_pkts"));
    private static final long num_pkts$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("num_pkts"));

    /** @return the byte offset of hdr.bh1.num_pkts */
    public static long num_pkts$offset() {
        return num_pkts$OFFSET;
    }

    /** Reads hdr.bh1.num_pkts.
     *
     * @param struct the struct
     * @return the value
     */
    public static int num_pkts(MemorySegment struct) {
        return struct.get(num_pkts$LAYOUT, num_pkts$OFFSET);
    }

    /** Writes hdr.bh1.num_pkts.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void num_pkts(MemorySegment struct, int value) {
        struct.set(num_pkts$LAYOUT, num_pkts$OFFSET, value);
    }

    private static final OfInt offset_to_first_pkt$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("offset_to_first_pkt"));
    private static final long offset_to_first_pkt$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("offset_to_first_pkt"));

    /** @return the byte offset of hdr.bh1.offset_to_first_pkt */
    public static long offset_to_first_pkt$offset() {
        return offset_to_first_pkt$OFFSET;
    }

    /** Reads hdr.bh1.offset_to_first_pkt.
     *
     * @param struct the struct
     * @return the value
     */
    public static int offset_to_first_pkt(MemorySegment struct) {
        return struct.get(offset_to_first_pkt$LAYOUT, offset_to_first_pkt$OFFSET);
    }

    /** Writes hdr.bh1.offset_to_first_pkt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void offset_to_first_pkt(MemorySegment struct, int value) {
        struct.set(offset_to_first_pkt$LAYOUT, offset_to_first_pkt$OFFSET, value);
    }

    private static final OfInt blk_len$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("blk_len"));
    private static final long blk_len$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("blk_len"));

    /** @return the byte offset of hdr.bh1.blk_len */
    public static long blk_len$offset() {
        return blk_len$OFFSET;
    }

    /** Reads hdr.bh1.blk_len.
     *
     * @param struct the struct
     * @return the value
     */
    public static int blk_len(MemorySegment struct) {
        return struct.get(blk_len$LAYOUT, blk_len$OFFSET);
    }

    /** Writes hdr.bh1.blk_len.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void blk_len(MemorySegment struct, int value) {
        struct.set(blk_len$LAYOUT, blk_len$OFFSET, value);
    }

    private static final OfLong seq_num$LAYOUT =
        (OfLong) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("seq_num"));
    private static final long seq_num$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("seq_num"));

    /** @return the byte offset of hdr.bh1.seq_num */
    public static long seq_num$offset() {
        return seq_num$OFFSET;
    }

    /** Reads hdr.bh1.seq_num.
     *
     * @param struct the struct
     * @return the value
     */
    public static long seq_num(MemorySegment struct) {
        return struct.get(seq_num$LAYOUT, seq_num$OFFSET);
    }

    /** Writes hdr.bh1.seq_num.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void seq_num(MemorySegment struct, long value) {
        struct.set(seq_num$LAYOUT, seq_num$OFFSET, value);
    }

    private static final OfInt ts_first_pkt_sec$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_first_pkt"),
            groupElement("ts_sec"));
    private static final long ts_first_pkt_sec$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_first_pkt"),
            groupElement("ts_sec"));

    /** @return the byte offset of hdr.bh1.ts_first_pkt.ts_sec */
    public static long ts_first_pkt_sec$offset() {
        return ts_first_pkt_sec$OFFSET;
    }

    /** Reads hdr.bh1.ts_first_pkt.ts_sec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ts_first_pkt_sec(MemorySegment struct) {
        return struct.get(ts_first_pkt_sec$LAYOUT, ts_first_pkt_sec$OFFSET);
    }

    /** Writes hdr.bh1.ts_first_pkt.ts_sec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ts_first_pkt_sec(MemorySegment struct, int value) {
        struct.set(ts_first_pkt_sec$LAYOUT, ts_first_pkt_sec$OFFSET, value);
    }

    private static final OfInt ts_first_pkt_usec$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_first_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_usec"));
    private static final long ts_first_pkt_usec$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_first_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_usec"));

    /** @return the byte offset of hdr.bh1.ts_first_pkt.$anon$0.ts_usec */
    public static long ts_first_pkt_usec$offset() {
        return ts_first_pkt_usec$OFFSET;
    }

    /** Reads hdr.bh1.ts_first_pkt.$anon$0.ts_usec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ts_first_pkt_usec(MemorySegment struct) {
        return struct.get(ts_first_pkt_usec$LAYOUT, ts_first_pkt_usec$OFFSET);
    }

    /** Writes hdr.bh1.ts_first_pkt.$anon$0.ts_usec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ts_first_pkt_usec(MemorySegment struct, int value) {
        struct.set(ts_first_pkt_usec$LAYOUT, ts_first_pkt_usec$OFFSET, value);
    }

    private static final OfInt ts_first_pkt_nsec$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_first_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_nsec"));
    private static final long ts_first_pkt_nsec$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_first_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_nsec"));

    /** @return the byte offset of hdr.bh1.ts_first_pkt.$anon$0.ts_nsec */
    public static long ts_first_pkt_nsec$offset() {
        return ts_first_pkt_nsec$OFFSET;
    }

    /** Reads hdr.bh1.ts_first_pkt.$anon$0.ts_nsec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ts_first_pkt_nsec(MemorySegment struct) {
        return struct.get(ts_first_pkt_nsec$LAYOUT, ts_first_pkt_nsec$OFFSET);
    }

    /** Writes hdr.bh1.ts_first_pkt.$anon$0.ts_nsec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ts_first_pkt_nsec(MemorySegment struct, int value) {
        struct.set(ts_first_pkt_nsec$LAYOUT, ts_first_pkt_nsec$OFFSET, value);
    }

    private static final OfInt ts_last_pkt_sec$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_last_pkt"),
            groupElement("ts_sec"));
    private static final long ts_last_pkt_sec$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_last_pkt"),
            groupElement("ts_sec"));

    /** @return the byte offset of hdr.bh1.ts_last_pkt.ts_sec */
    public static long ts_last_pkt_sec$offset() {
        return ts_last_pkt_sec$OFFSET;
    }

    /** Reads hdr.bh1.ts_last_pkt.ts_sec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ts_last_pkt_sec(MemorySegment struct) {
        return struct.get(ts_last_pkt_sec$LAYOUT, ts_last_pkt_sec$OFFSET);
    }

    /** Writes hdr.bh1.ts_last_pkt.ts_sec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ts_last_pkt_sec(MemorySegment struct, int value) {
        struct.set(ts_last_pkt_sec$LAYOUT, ts_last_pkt_sec$OFFSET, value);
    }

    private static final OfInt ts_last_pkt_usec$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_last_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_usec"));
    private static final long ts_last_pkt_usec$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_last_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_usec"));

    /** @return the byte offset of hdr.bh1.ts_last_pkt.$anon$0.ts_usec */
    public static long ts_last_pkt_usec$offset() {
        return ts_last_pkt_usec$OFFSET;
    }

    /** Reads hdr.bh1.ts_last_pkt.$anon$0.ts_usec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ts_last_pkt_usec(MemorySegment struct) {
        return struct.get(ts_last_pkt_usec$LAYOUT, ts_last_pkt_usec$OFFSET);
    }

    /** Writes hdr.bh1.ts_last_pkt.$anon$0.ts_usec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ts_last_pkt_usec(MemorySegment struct, int value) {
        struct.set(ts_last_pkt_usec$LAYOUT, ts_last_pkt_usec$OFFSET, value);
    }

    private static final OfInt ts_last_pkt_nsec$LAYOUT =
        (OfInt) LAYOUT.select(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_last_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_nsec"));
    private static final long ts_last_pkt_nsec$OFFSET =
        LAYOUT.byteOffset(
            groupElement("hdr"),
            groupElement("bh1"),
            groupElement("ts_last_pkt"),
            groupElement("$anon$0"),
            groupElement("ts_nsec"));

    /** @return the byte offset of hdr.bh1.ts_last_pkt.$anon$0.ts_nsec */
    public static long ts_last_pkt_nsec$offset() {
        return ts_last_pkt_nsec$OFFSET;
    }

    /** Reads hdr.bh1.ts_last_pkt.$anon$0.ts_nsec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int ts_last_pkt_nsec(MemorySegment struct) {
        return struct.get(ts_last_pkt_nsec$LAYOUT, ts_last_pkt_nsec$OFFSET);
    }

    /** Writes hdr.bh1.ts_last_pkt.$anon$0.ts_nsec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void ts_last_pkt_nsec(MemorySegment struct, int value) {
        struct.set(ts_last_pkt_nsec$LAYOUT, ts_last_pkt_nsec$OFFSET, value);
    }

    // The status word is the ownership handshake with the kernel: reading it with acquire ordering makes the
    // frame bytes the kernel wrote before it visible; writing it with release ordering publishes our writes
    // (TX frame contents, or "done with this RX frame") before the kernel can observe the new status.
    private static final VarHandle BLOCK_STATUS_VH = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    /** Reads block_status with acquire ordering (TP_STATUS_USER means the block is ours).
     *
     * @param struct the header, in the ring
     * @return the status bits
     */
    public static int block_status_acquire(MemorySegment struct) {
        return (int) BLOCK_STATUS_VH.getAcquire(struct, block_status$OFFSET);
    }

    /** Writes block_status with release ordering, handing the slot to the kernel.
     *
     * @param struct the header, in the ring
     * @param value the status bits
     */
    public static void block_status_release(MemorySegment struct, int value) {
        BLOCK_STATUS_VH.setRelease(struct, block_status$OFFSET, value);
    }
}
