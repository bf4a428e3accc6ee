package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct tpacket_stats_v3}: PACKET_STATISTICS for TPACKET_V3 (reading resets it).
 */
public final class tpacket_stats_v3 {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("tp_packets"),
        ValueLayout.JAVA_INT.withName("tp_drops"),
        ValueLayout.JAVA_INT.withName("tp_freeze_q_cnt")
    ).withName("tpacket_stats_v3");

    private tpacket_stats_v3() { }

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

    private static final OfInt tp_packets$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_packets"));
    private static final long tp_packets$OFFSET = LAYOUT.byteOffset(groupElement("tp_packets"));

    /** @return the byte offset of tp_packets */
    public static long tp_packets$offset() {
        return tp_packets$OFFSET;
    }

    /** Reads tp_packets.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_packets(MemorySegment struct) {
        return struct.get(tp_packets$LAYOUT, tp_packets$OFFSET);
    }

    /** Writes tp_packets.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_packets(MemorySegment struct, int value) {
        struct.set(tp_packets$LAYOUT, tp_packets$OFFSET, value);
    }

    private static final OfInt tp_drops$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_drops"));
    private static final long tp_drops$OFFSET = LAYOUT.byteOffset(groupElement("tp_drops"));

    /** @return the byte offset of tp_drops */
    public static long tp_drops$offset() {
        return tp_drops$OFFSET;
    }

    /** Reads tp_drops.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_drops(MemorySegment struct) {
        return struct.get(tp_drops$LAYOUT, tp_drops$OFFSET);
    }

    /** Writes tp_drops.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_drops(MemorySegment struct, int value) {
        struct.set(tp_drops$LAYOUT, tp_drops$OFFSET, value);
    }

    private static final OfInt tp_freeze_q_cnt$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_freeze_q_cnt"));
    private static final long tp_freeze_q_cnt$OFFSET = LAYOUT.byteOffset(groupElement("tp_freeze_q_cnt"));

    /** @return the byte offset of tp_freeze_q_cnt */
    public static long tp_freeze_q_cnt$offset() {
        return tp_freeze_q_cnt$OFFSET;
    }

    /** Reads tp_freeze_q_cnt.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_freeze_q_cnt(MemorySegment struct) {
        return struct.get(tp_freeze_q_cnt$LAYOUT, tp_freeze_q_cnt$OFFSET);
    }

    /** Writes tp_freeze_q_cnt.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_freeze_q_cnt(MemorySegment struct, int value) {
        struct.set(tp_freeze_q_cnt$LAYOUT, tp_freeze_q_cnt$OFFSET, value);
    }
}
