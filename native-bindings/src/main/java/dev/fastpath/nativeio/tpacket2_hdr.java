package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct tpacket2_hdr}: the per-frame header of a TPACKET_V2 ring (RX and TX).
 */
public final class tpacket2_hdr {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("tp_status"),
        ValueLayout.JAVA_INT.withName("tp_len"),
        ValueLayout.JAVA_INT.withName("tp_snaplen"),
        ValueLayout.JAVA_SHORT.withName("tp_mac"),
        ValueLayout.JAVA_SHORT.withName("tp_net"),
        ValueLayout.JAVA_INT.withName("tp_sec"),
        ValueLayout.JAVA_INT.withName("tp_nsec"),
        ValueLayout.JAVA_SHORT.withName("tp_vlan_tci"),
        ValueLayout.JAVA_SHORT.withName("tp_vlan_tpid"),
        MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE).withName("tp_padding")
    ).withName("tpacket2_hdr");

    private tpacket2_hdr() { }

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

    private static final OfInt tp_status$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_status"));
    private static final long tp_status$OFFSET = LAYOUT.byteOffset(groupElement("tp_status"));

    /** @return the byte offset of tp_status */
    public static long tp_status$offset() {
        return tp_status$OFFSET;
    }

    /** Reads tp_status.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_status(MemorySegment struct) {
        return struct.get(tp_status$LAYOUT, tp_status$OFFSET);
    }

    /** Writes tp_status.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_status(MemorySegment struct, int value) {
        struct.set(tp_status$LAYOUT, tp_status$OFFSET, value);
    }

    private static final OfInt tp_len$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_len"));
    private static final long tp_len$OFFSET = LAYOUT.byteOffset(groupElement("tp_len"));

    /** @return the byte offset of tp_len */
    public static long tp_len$offset() {
        return tp_len$OFFSET;
    }

    /** Reads tp_len.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_len(MemorySegment struct) {
        return struct.get(tp_len$LAYOUT, tp_len$OFFSET);
    }

    /** Writes tp_len.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_len(MemorySegment struct, int value) {
        struct.set(tp_len$LAYOUT, tp_len$OFFSET, value);
    }

    private static final OfInt tp_snaplen$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_snaplen"));
    private static final long tp_snaplen$OFFSET = LAYOUT.byteOffset(groupElement("tp_snaplen"));

    /** @return the byte offset of tp_snaplen */
    public static long tp_snaplen$offset() {
        return tp_snaplen$OFFSET;
    }

    /** Reads tp_snaplen.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_snaplen(MemorySegment struct) {
        return struct.get(tp_snaplen$LAYOUT, tp_snaplen$OFFSET);
    }

    /** Writes tp_snaplen.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_snaplen(MemorySegment struct, int value) {
        struct.set(tp_snaplen$LAYOUT, tp_snaplen$OFFSET, value);
    }

    private static final OfShort tp_mac$LAYOUT = (OfShort) LAYOUT.select(groupElement("tp_mac"));
    private static final long tp_mac$OFFSET = LAYOUT.byteOffset(groupElement("tp_mac"));

    /** @return the byte offset of tp_mac */
    public static long tp_mac$offset() {
        return tp_mac$OFFSET;
    }

    /** Reads tp_mac.
     *
     * @param struct the struct
     * @return the value
     */
    public static short tp_mac(MemorySegment struct) {
        return struct.get(tp_mac$LAYOUT, tp_mac$OFFSET);
    }

    /** Writes tp_mac.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_mac(MemorySegment struct, short value) {
        struct.set(tp_mac$LAYOUT, tp_mac$OFFSET, value);
    }

    private static final OfShort tp_net$LAYOUT = (OfShort) LAYOUT.select(groupElement("tp_net"));
    private static final long tp_net$OFFSET = LAYOUT.byteOffset(groupElement("tp_net"));

    /** @return the byte offset of tp_net */
    public static long tp_net$offset() {
        return tp_net$OFFSET;
    }

    /** Reads tp_net.
     *
     * @param struct the struct
     * @return the value
     */
    public static short tp_net(MemorySegment struct) {
        return struct.get(tp_net$LAYOUT, tp_net$OFFSET);
    }

    /** Writes tp_net.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_net(MemorySegment struct, short value) {
        struct.set(tp_net$LAYOUT, tp_net$OFFSET, value);
    }

    private static final OfInt tp_sec$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_sec"));
    private static final long tp_sec$OFFSET = LAYOUT.byteOffset(groupElement("tp_sec"));

    /** @return the byte offset of tp_sec */
    public static long tp_sec$offset() {
        return tp_sec$OFFSET;
    }

    /** Reads tp_sec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_sec(MemorySegment struct) {
        return struct.get(tp_sec$LAYOUT, tp_sec$OFFSET);
    }

    /** Writes tp_sec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_sec(MemorySegment struct, int value) {
        struct.set(tp_sec$LAYOUT, tp_sec$OFFSET, value);
    }

    private static final OfInt tp_nsec$LAYOUT = (OfInt) LAYOUT.select(groupElement("tp_nsec"));
    private static final long tp_nsec$OFFSET = LAYOUT.byteOffset(groupElement("tp_nsec"));

    /** @return the byte offset of tp_nsec */
    public static long tp_nsec$offset() {
        return tp_nsec$OFFSET;
    }

    /** Reads tp_nsec.
     *
     * @param struct the struct
     * @return the value
     */
    public static int tp_nsec(MemorySegment struct) {
        return struct.get(tp_nsec$LAYOUT, tp_nsec$OFFSET);
    }

    /** Writes tp_nsec.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_nsec(MemorySegment struct, int value) {
        struct.set(tp_nsec$LAYOUT, tp_nsec$OFFSET, value);
    }

    private static final OfShort tp_vlan_tci$LAYOUT = (OfShort) LAYOUT.select(groupElement("tp_vlan_tci"));
    private static final long tp_vlan_tci$OFFSET = LAYOUT.byteOffset(groupElement("tp_vlan_tci"));

    /** @return the byte offset of tp_vlan_tci */
    public static long tp_vlan_tci$offset() {
        return tp_vlan_tci$OFFSET;
    }

    /** Reads tp_vlan_tci.
     *
     * @param struct the struct
     * @return the value
     */
    public static short tp_vlan_tci(MemorySegment struct) {
        return struct.get(tp_vlan_tci$LAYOUT, tp_vlan_tci$OFFSET);
    }

    /** Writes tp_vlan_tci.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_vlan_tci(MemorySegment struct, short value) {
        struct.set(tp_vlan_tci$LAYOUT, tp_vlan_tci$OFFSET, value);
    }

    private static final OfShort tp_vlan_tpid$LAYOUT = (OfShort) LAYOUT.select(groupElement("tp_vlan_tpid"));
    private static final long tp_vlan_tpid$OFFSET = LAYOUT.byteOffset(groupElement("tp_vlan_tpid"));

    /** @return the byte offset of tp_vlan_tpid */
    public static long tp_vlan_tpid$offset() {
        return tp_vlan_tpid$OFFSET;
    }

    /** Reads tp_vlan_tpid.
     *
     * @param struct the struct
     * @return the value
     */
    public static short tp_vlan_tpid(MemorySegment struct) {
        return struct.get(tp_vlan_tpid$LAYOUT, tp_vlan_tpid$OFFSET);
    }

    /** Writes tp_vlan_tpid.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void tp_vlan_tpid(MemorySegment struct, short value) {
        struct.set(tp_vlan_tpid$LAYOUT, tp_vlan_tpid$OFFSET, value);
    }

    private static final MemoryLayout tp_padding$LAYOUT = LAYOUT.select(groupElement("tp_padding"));
    private static final long tp_padding$OFFSET = LAYOUT.byteOffset(groupElement("tp_padding"));

    /** @return the byte offset of tp_padding */
    public static long tp_padding$offset() {
        return tp_padding$OFFSET;
    }

    /** A view of tp_padding.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment tp_padding(MemorySegment struct) {
        return struct.asSlice(tp_padding$OFFSET, tp_padding$LAYOUT);
    }

    /** Copies {@code value} into tp_padding.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void tp_padding(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, tp_padding$OFFSET, tp_padding$LAYOUT.byteSize());
    }

    /** Reads one element of tp_padding.
     *
     * @param struct the struct
     * @param index the element
     * @return the value
     */
    public static byte tp_padding(MemorySegment struct, long index) {
        return struct.get(ValueLayout.JAVA_BYTE, tp_padding$OFFSET + index * 1);
    }

    /** Writes one element of tp_padding.
     *
     * @param struct the struct
     * @param index the element
     * @param value the value
     */
    public static void tp_padding(MemorySegment struct, long index, byte value) {
        struct.set(ValueLayout.JAVA_BYTE, tp_padding$OFFSET + index * 1, value);
    }

    // The status word is the ownership handshake with the kernel: reading it with acquire ordering makes the
    // frame bytes the kernel wrote before it visible; writing it with release ordering publishes our writes
    // (TX frame contents, or "done with this RX frame") before the kernel can observe the new status.
    private static final VarHandle TP_STATUS_VH = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    /** Reads tp_status with acquire ordering (TP_STATUS_USER on RX, TP_STATUS_AVAILABLE on TX).
     *
     * @param struct the header, in the ring
     * @return the status bits
     */
    public static int tp_status_acquire(MemorySegment struct) {
        return (int) TP_STATUS_VH.getAcquire(struct, tp_status$OFFSET);
    }

    /** Writes tp_status with release ordering, handing the slot to the kernel.
     *
     * @param struct the header, in the ring
     * @param value the status bits
     */
    public static void tp_status_release(MemorySegment struct, int value) {
        TP_STATUS_VH.setRelease(struct, tp_status$OFFSET, value);
    }
}
