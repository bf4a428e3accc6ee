package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Process and descriptor calls: {@code close}, {@code getpid}, {@code ioctl} ({@code <unistd.h>},
 * {@code <sys/ioctl.h>}) and {@code sched_setaffinity} ({@code <sched.h>}). Results are the C result or
 * {@code -errno}, as everywhere in this package.
 */
public final class unistd_h {

    /** Bits in a {@code cpu_set_t}. */
    public static final int CPU_SETSIZE = 1024;
    /** {@code sizeof(cpu_set_t)}. */
    public static final long CPU_SET_BYTES = CPU_SETSIZE / 8;

    private static final MethodHandle CLOSE = Errno.capturing("close",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Errno.capturing("read",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Errno.capturing("write",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETPID = Errno.plain("getpid", FunctionDescriptor.of(JAVA_INT));
    // ioctl is variadic: the third argument is passed as a variadic pointer.
    private static final MethodHandle IOCTL = Errno.capturing("ioctl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SCHED_SETAFFINITY = Errno.capturing("sched_setaffinity",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private static final MethodHandle SCHED_SETSCHEDULER = Errno.capturing("sched_setscheduler",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code SCHED_RR}: round-robin real-time scheduling. */
    public static final int SCHED_RR = 2;

    private unistd_h() { }

    /**
     * {@code sched_setscheduler(0, policy, &{priority})} for the calling thread only (Linux schedules
     * threads, and pid 0 names the caller).
     *
     * @param policy   e.g. {@link #SCHED_RR}
     * @param priority the real-time priority (1 is the lowest)
     * @return 0, or {@code -errno}
     */
    public static int schedSetschedulerSelf(int policy, int priority) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment param = a.allocateFrom(JAVA_INT, priority);
            MemorySegment st = Errno.state();
            return Errno.result((int) SCHED_SETSCHEDULER.invokeExact(st, 0, policy, param), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code close(fd)}.
     *
     * @param fd the descriptor
     * @return 0, or {@code -errno}
     */
    public static int close(int fd) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) CLOSE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /** @return the process id (cannot fail) */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code ioctl(fd, request, arg)}.
     *
     * @param fd the descriptor
     * @param request e.g. {@link net_h#SIOCGIFINDEX}
     * @param arg the argument structure
     * @return the (request-specific, usually 0) result, or {@code -errno}
     */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) IOCTL.invokeExact(st, fd, request, arg), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code sched_setaffinity(pid, size, mask)}. pid 0 means the calling thread (Linux affinity is per thread).
     *
     * @param pid a thread id, or 0
     * @param cpusetsize bytes in {@code mask}
     * @param mask a {@code cpu_set_t}, built with {@link #CPU_SET}
     * @return 0, or {@code -errno}
     */
    public static int sched_setaffinity(int pid, long cpusetsize, MemorySegment mask) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) SCHED_SETAFFINITY.invokeExact(st, pid, cpusetsize, mask), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * The {@code CPU_SET(cpu, set)} macro: sets one bit of a {@code cpu_set_t} (an array of unsigned longs).
     *
     * @param cpu the CPU number
     * @param set the mask, at least {@code cpu / 8 + 1} bytes
     */
    public static void CPU_SET(int cpu, MemorySegment set) {
        long off = (long) (cpu / Long.SIZE) * Long.BYTES;
        set.set(JAVA_LONG_UNALIGNED, off, set.get(JAVA_LONG_UNALIGNED, off) | (1L << (cpu % Long.SIZE)));
    }

    /**
     * {@code read(fd, buf, len)}: bytes from a descriptor (one packet from a tun fd).
     *
     * @param fd the descriptor
     * @param buf where
     * @param len capacity
     * @return bytes read, or {@code -errno}
     */
    public static long read(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) READ.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code write(fd, buf, len)}: bytes to a descriptor (one packet into a tun fd).
     *
     * @param fd the descriptor
     * @param buf the bytes
     * @param len how many
     * @return bytes written, or {@code -errno}
     */
    public static long write(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) WRITE.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }
}
