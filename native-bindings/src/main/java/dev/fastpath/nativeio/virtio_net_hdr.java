package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct virtio_net_hdr} from {@code <linux/virtio_net.h>}: what precedes each packet on a tun fd
 * opened with {@link if_tun_h#IFF_VNET_HDR} (the kernel fills it on read, the writer on write).
 */
public final class virtio_net_hdr {

    /** The packet's checksum is partial: complete it at csum_start + csum_offset. */
    public static final byte F_NEEDS_CSUM = 1;
    /** Not a GSO packet. */
    public static final byte GSO_NONE = 0;
    /** A TCPv4 GSO packet of gso_size segments. */
    public static final byte GSO_TCPV4 = 1;
    /** A TCPv6 GSO packet. */
    public static final byte GSO_TCPV6 = 4;
    /** Flag in gso_type: the packet carries CWR (TSO_ECN). */
    public static final byte GSO_ECN = (byte) 0x80;

    /** The C layout (little-endian host order, as the tun device uses without TUNSETVNETBE). */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_BYTE.withName("flags"),
        ValueLayout.JAVA_BYTE.withName("gso_type"),
        ValueLayout.JAVA_SHORT_UNALIGNED.withName("hdr_len"),
        ValueLayout.JAVA_SHORT_UNALIGNED.withName("gso_size"),
        ValueLayout.JAVA_SHORT_UNALIGNED.withName("csum_start"),
        ValueLayout.JAVA_SHORT_UNALIGNED.withName("csum_offset")
    ).withName("virtio_net_hdr");

    private static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    private static final long GSO_TYPE = LAYOUT.byteOffset(groupElement("gso_type"));
    private static final long GSO_SIZE = LAYOUT.byteOffset(groupElement("gso_size"));
    private static final long CSUM_START = LAYOUT.byteOffset(groupElement("csum_start"));
    private static final long CSUM_OFFSET = LAYOUT.byteOffset(groupElement("csum_offset"));

    private virtio_net_hdr() { }

    /** @return the size in bytes (10) */
    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** @param s the header @return flags */
    public static byte flags(MemorySegment s) {
        return s.get(ValueLayout.JAVA_BYTE, FLAGS);
    }

    /** @param s the header @return gso_type */
    public static byte gso_type(MemorySegment s) {
        return s.get(ValueLayout.JAVA_BYTE, GSO_TYPE);
    }

    /** @param s the header @param v gso_type */
    public static void gso_type(MemorySegment s, byte v) {
        s.set(ValueLayout.JAVA_BYTE, GSO_TYPE, v);
    }

    /** @param s the header @return gso_size */
    public static int gso_size(MemorySegment s) {
        return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, GSO_SIZE));
    }

    /** @param s the header @param v gso_size */
    public static void gso_size(MemorySegment s, int v) {
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, GSO_SIZE, (short) v);
    }

    /** @param s the header @return csum_start */
    public static int csum_start(MemorySegment s) {
        return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, CSUM_START));
    }

    /** @param s the header @return csum_offset */
    public static int csum_offset(MemorySegment s) {
        return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, CSUM_OFFSET));
    }
}
