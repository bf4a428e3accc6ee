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
 * {@code struct sockaddr_ll} from {@code <linux/if_packet.h>}: an AF_PACKET address.
 * {@code sll_protocol} is in network byte order, as in C; callers swap it.
 */
public final class sockaddr_ll {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("sll_family"),
        ValueLayout.JAVA_SHORT.withName("sll_protocol"),
        ValueLayout.JAVA_INT.withName("sll_ifindex"),
        ValueLayout.JAVA_SHORT.withName("sll_hatype"),
        ValueLayout.JAVA_BYTE.withName("sll_pkttype"),
        ValueLayout.JAVA_BYTE.withName("sll_halen"),
        MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sll_addr")
    ).withName("sockaddr_ll");

    private sockaddr_ll() { }

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

    private static final OfShort sll_family$LAYOUT = (OfShort) LAYOUT.select(groupElement("sll_family"));
    private static final long sll_family$OFFSET = LAYOUT.byteOffset(groupElement("sll_family"));

    /** @return the byte offset of sll_family */
    public static long sll_family$offset() {
        return sll_family$OFFSET;
    }

    /** Reads sll_family.
     *
     * @param struct the struct
     * @return the value
     */
    public static short sll_family(MemorySegment struct) {
        return struct.get(sll_family$LAYOUT, sll_family$OFFSET);
    }

    /** Writes sll_family.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sll_family(MemorySegment struct, short value) {
        struct.set(sll_family$LAYOUT, sll_family$OFFSET, value);
    }

    private static final OfShort sll_protocol$LAYOUT = (OfShort) LAYOUT.select(groupElement("sll_protocol"));
    private static final long sll_protocol$OFFSET = LAYOUT.byteOffset(groupElement("sll_protocol"));

    /** @return the byte offset of sll_protocol */
    public static long sll_protocol$offset() {
        return sll_protocol$OFFSET;
    }

    /** Reads sll_protocol.
     *
     * @param struct the struct
     * @return the value
     */
    public static short sll_protocol(MemorySegment struct) {
        return struct.get(sll_protocol$LAYOUT, sll_protocol$OFFSET);
    }

    /** Writes sll_protocol.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sll_protocol(MemorySegment struct, short value) {
        struct.set(sll_protocol$LAYOUT, sll_protocol$OFFSET, value);
    }

    private static final OfInt sll_ifindex$LAYOUT = (OfInt) LAYOUT.select(groupElement("sll_ifindex"));
    private static final long sll_ifindex$OFFSET = LAYOUT.byteOffset(groupElement("sll_ifindex"));

    /** @return the byte offset of sll_ifindex */
    public static long sll_ifindex$offset() {
        return sll_ifindex$OFFSET;
    }

    /** Reads sll_ifindex.
     *
     * @param struct the struct
     * @return the value
     */
    public static int sll_ifindex(MemorySegment struct) {
        return struct.get(sll_ifindex$LAYOUT, sll_ifindex$OFFSET);
    }

    /** Writes sll_ifindex.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sll_ifindex(MemorySegment struct, int value) {
        struct.set(sll_ifindex$LAYOUT, sll_ifindex$OFFSET, value);
    }

    private static final OfShort sll_hatype$LAYOUT = (OfShort) LAYOUT.select(groupElement("sll_hatype"));
    private static final long sll_hatype$OFFSET = LAYOUT.byteOffset(groupElement("sll_hatype"));

    /** @return the byte offset of sll_hatype */
    public static long sll_hatype$offset() {
        return sll_hatype$OFFSET;
    }

    /** Reads sll_hatype.
     *
     * @param struct the struct
     * @return the value
     */
    public static short sll_hatype(MemorySegment struct) {
        return struct.get(sll_hatype$LAYOUT, sll_hatype$OFFSET);
    }

    /** Writes sll_hatype.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sll_hatype(MemorySegment struct, short value) {
        struct.set(sll_hatype$LAYOUT, sll_hatype$OFFSET, value);
    }

    private static final OfByte sll_pkttype$LAYOUT = (OfByte) LAYOUT.select(groupElement("sll_pkttype"));
    private static final long sll_pkttype$OFFSET = LAYOUT.byteOffset(groupElement("sll_pkttype"));

    /** @return the byte offset of sll_pkttype */
    public static long sll_pkttype$offset() {
        return sll_pkttype$OFFSET;
    }

    /** Reads sll_pkttype.
     *
     * @param struct the struct
     * @return the value
     */
    public static byte sll_pkttype(MemorySegment struct) {
        return struct.get(sll_pkttype$LAYOUT, sll_pkttype$OFFSET);
    }

    /** Writes sll_pkttype.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sll_pkttype(MemorySegment struct, byte value) {
        struct.set(sll_pkttype$LAYOUT, sll_pkttype$OFFSET, value);
    }

    private static final OfByte sll_halen$LAYOUT = (OfByte) LAYOUT.select(groupElement("sll_halen"));
    private static final long sll_halen$OFFSET = LAYOUT.byteOffset(groupElement("sll_halen"));

    /** @return the byte offset of sll_halen */
    public static long sll_halen$offset() {
        return sll_halen$OFFSET;
    }

    /** Reads sll_halen.
     *
     * @param struct the struct
     * @return the value
     */
    public static byte sll_halen(MemorySegment struct) {
        return struct.get(sll_halen$LAYOUT, sll_halen$OFFSET);
    }

    /** Writes sll_halen.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void sll_halen(MemorySegment struct, byte value) {
        struct.set(sll_halen$LAYOUT, sll_halen$OFFSET, value);
    }

    private static final MemoryLayout sll_addr$LAYOUT = LAYOUT.select(groupElement("sll_addr"));
    private static final long sll_addr$OFFSET = LAYOUT.byteOffset(groupElement("sll_addr"));

    /** @return the byte offset of sll_addr */
    public static long sll_addr$offset() {
        return sll_addr$OFFSET;
    }

    /** A view of sll_addr.
     *
     * @param struct the struct
     * @return a slice of {@code struct}
     */
    public static MemorySegment sll_addr(MemorySegment struct) {
        return struct.asSlice(sll_addr$OFFSET, sll_addr$LAYOUT);
    }

    /** Copies {@code value} into sll_addr.
     *
     * @param struct the struct
     * @param value the bytes to copy
     */
    public static void sll_addr(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, sll_addr$OFFSET, sll_addr$LAYOUT.byteSize());
    }

    /** Reads one element of sll_addr.
     *
     * @param struct the struct
     * @param index the element
     * @return the value
     */
    public static byte sll_addr(MemorySegment struct, long index) {
        return struct.get(ValueLayout.JAVA_BYTE, sll_addr$OFFSET + index * 1);
    }

    /** Writes one element of sll_addr.
     *
     * @param struct the struct
     * @param index the element
     * @param value the value
     */
    public static void sll_addr(MemorySegment struct, long index, byte value) {
        struct.set(ValueLayout.JAVA_BYTE, sll_addr$OFFSET + index * 1, value);
    }
}
