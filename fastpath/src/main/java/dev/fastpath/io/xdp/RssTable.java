package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A NIC's receive-side scaling: the Toeplitz key and the indirection table that decide which RX queue
 * (and so which AF_XDP socket and worker) a flow's packets arrive on. Knowing them lets an outgoing
 * connection pick a local port whose replies land on its own worker, as the AF_PACKET steering does
 * by construction. Read with {@code SIOCETHTOOL / ETHTOOL_GRSSH} (linux/ethtool.h); devices without
 * RSS (veth, lo) answer EOPNOTSUPP and there is nothing to steer by.
 */
public final class RssTable {
    private static final int SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GRSSH = 0x46;
    /** struct ethtool_rxfh: cmd, rss_context, indir_size, key_size, hfunc, input_xfrm, rsvd8[2], rsvd32. */
    private static final int RXFH_HEADER = 24;
    private static final int ETH_RSS_HASH_TOP = 1; // Toeplitz
    private final byte[] key;
    private final int[] indirection;

    /**
     * @param key         the Toeplitz key (40 bytes on most NICs)
     * @param indirection hash → RX queue table
     */
    public RssTable(byte[] key, int[] indirection) {
        if (key.length < 12 || indirection.length == 0) {
            throw new IllegalArgumentException("an RSS key of at least 12 bytes and a non-empty table are needed");
        }
        this.key = key.clone();
        this.indirection = indirection.clone();
    }

    /**
     * Microsoft's Toeplitz hash ("RSS hashing", the verification suite's definition) over an IPv4/TCP
     * 4-tuple as it appears in a received packet: source address, destination address, source port,
     * destination port, all big-endian.
     *
     * @return the 32-bit hash
     */
    public static int toeplitz(byte[] key, int srcIp, int dstIp, int srcPort, int dstPort) {
        long input = (long) srcIp << 32 | dstIp & 0xFFFF_FFFFL;
        int ports = srcPort << 16 | dstPort & 0xFFFF;
        int hash = 0;
        long window = 0; // the key's 64 bits starting at the current input bit
        for (int i = 0; i < 8; i++) {
            window = window << 8 | key[i] & 0xFF;
        }
        int nextKeyByte = 8;
        for (int bit = 0; bit < 96; bit++) {
            boolean set = bit < 64 ? (input >>> (63 - bit) & 1) != 0 : (ports >>> (95 - bit) & 1) != 0;
            if (set) {
                hash ^= (int) (window >>> 32);
            }
            window <<= 1;
            if ((bit & 7) == 7 && nextKeyByte < key.length) {
                window |= key[nextKeyByte++] & 0xFF;
            }
        }
        return hash;
    }

    /**
     * @return the RX queue the NIC delivers packets of this flow on (remote → local)
     */
    public int queueOf(int remoteIp, int localIp, int remotePort, int localPort) {
        int h = toeplitz(key, remoteIp, localIp, remotePort, localPort);
        return indirection[Integer.remainderUnsigned(h, indirection.length)];
    }

    /**
     * Reads the interface's RSS configuration, if it has one that uses Toeplitz.
     *
     * @param iface the interface
     * @return the table, or empty (no RSS, not Toeplitz, or the query failed)
     */
    public static Optional<RssTable> read(String iface) {
        int fd = net_h.socket(2, 2, 0); // AF_INET, SOCK_DGRAM: any socket serves for SIOCETHTOOL
        if (fd < 0) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment head = arena.allocate(RXFH_HEADER, 8);
            head.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GRSSH);
            if (ethtool(fd, iface, head, arena) < 0) {
                return Optional.empty();
            }
            int indirSize = head.get(ValueLayout.JAVA_INT, 8);
            int keySize = head.get(ValueLayout.JAVA_INT, 12);
            if (indirSize <= 0 || keySize < 12 || indirSize > 65536 || keySize > 256) {
                return Optional.empty();
            }
            MemorySegment full = arena.allocate(RXFH_HEADER + 4L * indirSize + keySize, 8);
            full.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GRSSH);
            full.set(ValueLayout.JAVA_INT, 8, indirSize);
            full.set(ValueLayout.JAVA_INT, 12, keySize);
            if (ethtool(fd, iface, full, arena) < 0) {
                return Optional.empty();
            }
            if ((full.get(ValueLayout.JAVA_BYTE, 16) & 0xFF) != ETH_RSS_HASH_TOP) {
                return Optional.empty(); // another hash function: the queue cannot be predicted here
            }
            int[] indir = new int[indirSize];
            for (int i = 0; i < indirSize; i++) {
                indir[i] = full.get(ValueLayout.JAVA_INT, RXFH_HEADER + 4L * i);
            }
            byte[] key = full.asSlice(RXFH_HEADER + 4L * indirSize, keySize).toArray(ValueLayout.JAVA_BYTE);
            return Optional.of(new RssTable(key, indir));
        } finally {
            unistd_h.close(fd);
        }
    }

    /** struct ifreq: the name, then ifr_data pointing at the ethtool command ({@code SIOCETHTOOL}). */
    static int ethtool(int fd, String iface, MemorySegment cmd, Arena arena) {
        MemorySegment ifr = ifreq(iface, arena);
        return ifr == null ? -1 : ethtool(fd, ifr, cmd);
    }

    /** @return a struct ifreq naming {@code iface}, or null when the name is too long */
    static MemorySegment ifreq(String iface, Arena arena) {
        byte[] name = iface.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 15) {
            return null;
        }
        MemorySegment ifr = arena.allocate(40, 8);
        MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, name.length);
        return ifr;
    }

    /** {@code SIOCETHTOOL} with an ifreq from {@link #ifreq} (reused: nothing is allocated per call). */
    static int ethtool(int fd, MemorySegment ifr, MemorySegment cmd) {
        ifr.set(ValueLayout.ADDRESS, 16, cmd);
        return unistd_h.ioctl(fd, SIOCETHTOOL, ifr);
    }
}
