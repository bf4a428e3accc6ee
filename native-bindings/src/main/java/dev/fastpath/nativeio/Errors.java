package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * errno values, their names and messages, and the checked helper for control-plane calls.
 *
 * <p>Hot-path calls in this package return {@code -errno} instead of throwing; setup code wraps them in
 * {@link #check(String, int)} so a failure becomes a {@link NativeException} naming the call.
 */
public final class Errors {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again (also EWOULDBLOCK). */
    public static final int EAGAIN = 11;
    /** Same value as EAGAIN on Linux. */
    public static final int EWOULDBLOCK = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Result too large. */
    public static final int ERANGE = 34;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Operation not supported (same value as ENOTSUP on Linux). */
    public static final int EOPNOTSUPP = 95;
    /** Same value as EOPNOTSUPP on Linux. */
    public static final int ENOTSUP = 95;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;

    private static final String[] NAMES = names();

    // GNU strerror_r (glibc's default "strerror_r" symbol) returns a char * that may or may not be our buffer.
    private static final MethodHandle STRERROR_R = Errno.plain("strerror_r",
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private Errors() { }

    private static String[] names() {
        String[] n = new String[134];
        n[EPERM] = "EPERM";
        n[ENOENT] = "ENOENT";
        n[ESRCH] = "ESRCH";
        n[EINTR] = "EINTR";
        n[EIO] = "EIO";
        n[ENXIO] = "ENXIO";
        n[E2BIG] = "E2BIG";
        n[EBADF] = "EBADF";
        n[EAGAIN] = "EAGAIN";
        n[ENOMEM] = "ENOMEM";
        n[EACCES] = "EACCES";
        n[EFAULT] = "EFAULT";
        n[EBUSY] = "EBUSY";
        n[EEXIST] = "EEXIST";
        n[ENODEV] = "ENODEV";
        n[EINVAL] = "EINVAL";
        n[EMFILE] = "EMFILE";
        n[ENOSPC] = "ENOSPC";
        n[EPIPE] = "EPIPE";
        n[ERANGE] = "ERANGE";
        n[ENOSYS] = "ENOSYS";
        n[EMSGSIZE] = "EMSGSIZE";
        n[ENOPROTOOPT] = "ENOPROTOOPT";
        n[EPROTONOSUPPORT] = "EPROTONOSUPPORT";
        n[EOPNOTSUPP] = "EOPNOTSUPP";
        n[EAFNOSUPPORT] = "EAFNOSUPPORT";
        n[EADDRINUSE] = "EADDRINUSE";
        n[EADDRNOTAVAIL] = "EADDRNOTAVAIL";
        n[ENETDOWN] = "ENETDOWN";
        n[ENOBUFS] = "ENOBUFS";
        n[ENOTCONN] = "ENOTCONN";
        n[ETIMEDOUT] = "ETIMEDOUT";
        return n;
    }

    /**
     * The symbolic name of an errno. Accepts a negated value too, as returned by the raw calls.
     *
     * @param errno the errno (or {@code -errno})
     * @return e.g. {@code "EBADF"}, or {@code "errno 200"} for values without a name here
     */
    public static String name(int errno) {
        int e = Math.abs(errno);
        String n = e < NAMES.length ? NAMES[e] : null;
        return n != null ? n : "errno " + e;
    }

    /**
     * The C library's message for an errno ({@code strerror_r}).
     *
     * @param errno the errno (or {@code -errno})
     * @return e.g. {@code "Bad file descriptor"}
     */
    @SuppressWarnings("restricted") // strerror_r returns a NUL-terminated string of unknown length
    public static String message(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            MemorySegment p = (MemorySegment) STRERROR_R.invokeExact(Math.abs(errno), buf, 256L);
            return p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * Passes a successful result through and throws for a failed one.
     *
     * @param call what was called, for the exception message
     * @param rc a raw call's result: non-negative on success, {@code -errno} on failure
     * @return {@code rc}
     * @throws NativeException when {@code rc < 0}
     */
    public static int check(String call, int rc) {
        if (rc < 0) {
            throw new NativeException(call, -rc, message(-rc));
        }
        return rc;
    }

    /**
     * Long variant of {@link #check(String, int)} (sendto, recvfrom, syscall results).
     *
     * @param call what was called, for the exception message
     * @param rc a raw call's result: non-negative on success, {@code -errno} on failure
     * @return {@code rc}
     * @throws NativeException when {@code rc < 0}
     */
    public static long check(String call, long rc) {
        if (rc < 0) {
            throw new NativeException(call, (int) -rc, message((int) -rc));
        }
        return rc;
    }
}
