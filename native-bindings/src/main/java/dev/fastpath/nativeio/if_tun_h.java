package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The tun device ({@code <linux/if_tun.h>}, {@code <linux/virtio_net.h>}): open {@code /dev/net/tun},
 * attach an interface with {@code TUNSETIFF}, set its offloads with {@code TUNSETOFFLOAD}; packets are
 * then read and written one per {@link unistd_h#read}/{@link unistd_h#write}. Results are the C result
 * or {@code -errno}, as everywhere in this package.
 */
public final class if_tun_h {

    /** The clone device. */
    public static final String TUN_PATH = "/dev/net/tun";
    /** {@code _IOW('T', 202, int)}. */
    public static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOW('T', 208, unsigned int)}. */
    public static final long TUNSETOFFLOAD = 0x400454d0L;
    /** Layer-3 device (no Ethernet header). */
    public static final short IFF_TUN = 0x0001;
    /** No 4-byte packet-information prefix. */
    public static final short IFF_NO_PI = 0x1000;
    /** Each packet is preceded by a {@link virtio_net_hdr}. */
    public static final short IFF_VNET_HDR = 0x4000;
    /** The device takes packets with a partial checksum. */
    public static final int TUN_F_CSUM = 0x01;
    /** The device takes TCPv4 segmentation offload. */
    public static final int TUN_F_TSO4 = 0x02;
    /** The device takes TCPv6 segmentation offload. */
    public static final int TUN_F_TSO6 = 0x04;
    /** The device takes TSO packets with CWR set. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** {@code open} flag. */
    public static final int O_RDWR = 02;
    /** {@code open} flag. */
    public static final int O_CLOEXEC = 02000000;
    /** {@code sizeof(struct ifreq)}. */
    public static final int IFREQ_SIZE = 40;
    /** Offset of {@code ifr_flags} in {@code struct ifreq}. */
    public static final int IFR_FLAGS_OFFSET = 16;

    private static final MethodHandle OPEN = Errno.capturing("open",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    // ioctl is variadic; TUNSETOFFLOAD takes its value (an unsigned long), not a pointer.
    private static final MethodHandle IOCTL_VALUE = Errno.capturing("ioctl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));

    private if_tun_h() { }

    /**
     * {@code open(path, flags)}.
     *
     * @param path the file
     * @param flags O_*
     * @return the fd, or {@code -errno}
     */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Errno.state();
            return Errno.result((int) OPEN.invokeExact(st, arena.allocateFrom(path), flags), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * Opens the clone device and attaches the interface {@code name} with {@code flags} ({@code TUNSETIFF}).
     *
     * @param name the interface name (at most 15 bytes)
     * @param flags IFF_TUN, IFF_NO_PI, IFF_VNET_HDR ...
     * @return the fd, or {@code -errno} (the fd is closed on failure)
     */
    public static int tunAttach(String name, short flags) {
        int fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            return fd;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = arena.allocate(IFREQ_SIZE);
            byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (n.length >= net_h.IF_NAMESIZE) {
                unistd_h.close(fd);
                return -22; // EINVAL
            }
            MemorySegment.copy(n, 0, ifr, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n.length);
            ifr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, IFR_FLAGS_OFFSET, flags);
            int rc = unistd_h.ioctl(fd, TUNSETIFF, ifr);
            if (rc < 0) {
                unistd_h.close(fd);
                return rc;
            }
        }
        return fd;
    }

    /**
     * {@code ioctl(fd, TUNSETOFFLOAD, offloads)}.
     *
     * @param fd the tun fd
     * @param offloads TUN_F_* bits
     * @return 0, or {@code -errno}
     */
    public static int setOffload(int fd, int offloads) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) IOCTL_VALUE.invokeExact(st, fd, TUNSETOFFLOAD, (long) offloads), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }
}
