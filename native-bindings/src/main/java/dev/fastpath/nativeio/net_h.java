package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Socket calls ({@code <sys/socket.h>}), {@code poll} ({@code <poll.h>}) and interface lookup
 * ({@code <net/if.h>}, {@code <sys/ioctl.h>}).
 *
 * <p>Every call returns its C result on success and {@code -errno} on failure, with errno captured per thread
 * ({@link Errno}); nothing here allocates or throws on the hot path (sendto, recvfrom, poll). Wrap control-plane
 * calls in {@link Errors#check(String, int)}.
 */
public final class net_h {

    // poll events.
    public static final short POLLIN = 0x001;
    public static final short POLLPRI = 0x002;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;

    /** Buffer size for interface names, including the NUL. */
    public static final int IF_NAMESIZE = 16;

    // Interface ioctls (struct ifreq argument).
    public static final int SIOCGIFFLAGS = 0x8913;
    public static final int SIOCGIFMTU = 0x8921;
    public static final int SIOCGIFHWADDR = 0x8927;
    public static final int SIOCGIFINDEX = 0x8933;
    public static final int SIOCETHTOOL = 0x8946;

    private static final MethodHandle SOCKET = Errno.capturing("socket",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = Errno.capturing("bind",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Errno.capturing("setsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Errno.capturing("getsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO = Errno.capturing("sendto",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = Errno.capturing("recvfrom",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle POLL = Errno.capturing("poll",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = Errno.capturing("if_nametoindex",
        FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private net_h() { }

    /**
     * {@code socket(domain, type, protocol)}.
     *
     * @param domain AF_*
     * @param type SOCK_*, optionally with SOCK_NONBLOCK / SOCK_CLOEXEC
     * @param protocol protocol (network order for AF_PACKET, see {@link socket_h#htons})
     * @return the fd, or {@code -errno}
     */
    public static int socket(int domain, int type, int protocol) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) SOCKET.invokeExact(st, domain, type, protocol), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code bind(fd, addr, len)}.
     *
     * @param fd the socket
     * @param addr e.g. a {@link sockaddr_ll} or {@link sockaddr_xdp}
     * @param len its size
     * @return 0, or {@code -errno}
     */
    public static int bind(int fd, MemorySegment addr, int len) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) BIND.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code setsockopt(fd, level, name, value, len)}.
     *
     * @param fd the socket
     * @param level SOL_*
     * @param name the option
     * @param value the option's value
     * @param len its size
     * @return 0, or {@code -errno}
     */
    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) SETSOCKOPT.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code setsockopt} with an {@code int} value, for the many integer options.
     *
     * @param fd the socket
     * @param level SOL_*
     * @param name the option
     * @param value the value
     * @return 0, or {@code -errno}
     */
    public static int setsockopt(int fd, int level, int name, int value) {
        try (Arena arena = Arena.ofConfined()) {
            return setsockopt(fd, level, name, arena.allocateFrom(JAVA_INT, value), Integer.BYTES);
        }
    }

    /**
     * {@code getsockopt(fd, level, name, value, lenp)}.
     *
     * @param fd the socket
     * @param level SOL_*
     * @param name the option
     * @param value where the kernel writes the value
     * @param lenp in: capacity of {@code value}; out: bytes written (a {@code socklen_t}, 4 bytes)
     * @return 0, or {@code -errno}
     */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lenp) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) GETSOCKOPT.invokeExact(st, fd, level, name, value, lenp), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code sendto}. With a NULL buffer and zero length this is the AF_XDP / TPACKET TX kick.
     *
     * @param fd the socket
     * @param buf the data, or NULL
     * @param len its length
     * @param flags MSG_*
     * @param addr destination, or NULL
     * @param addrlen its size, or 0
     * @return bytes sent, or {@code -errno}
     */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrlen) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) SENDTO.invokeExact(st, fd, buf, len, flags, addr, addrlen), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code recvfrom}. With a NULL buffer and MSG_DONTWAIT this is the AF_XDP fill-ring wakeup.
     *
     * @param fd the socket
     * @param buf where to write, or NULL
     * @param len its capacity
     * @param flags MSG_*
     * @param addr source address out, or NULL
     * @param addrlenp in/out {@code socklen_t}, or NULL
     * @return bytes received, or {@code -errno}
     */
    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
                                MemorySegment addrlenp) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) RECVFROM.invokeExact(st, fd, buf, len, flags, addr, addrlenp), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code poll(fds, nfds, timeout)}.
     *
     * @param fds an array of {@link pollfd}
     * @param nfds how many
     * @param timeoutMillis -1 to block, 0 to return at once
     * @return the number of ready fds, or {@code -errno}
     */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) POLL.invokeExact(st, fds, nfds, timeoutMillis), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code if_nametoindex(name)}.
     *
     * @param name a NUL-terminated interface name
     * @return the index (greater than 0), or {@code -errno} (C returns 0 and sets errno)
     */
    public static int if_nametoindex(MemorySegment name) {
        try {
            MemorySegment st = Errno.state();
            int idx = (int) IF_NAMETOINDEX.invokeExact(st, name);
            return idx == 0 ? -Errno.read(st) : idx;
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code if_nametoindex} for a Java string (control plane: allocates).
     *
     * @param name the interface, e.g. {@code "eth0"}
     * @return the index, or {@code -errno}
     */
    public static int if_nametoindex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return if_nametoindex(arena.allocateFrom(name));
        }
    }
}
