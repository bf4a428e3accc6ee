package dev.fastpath.nativeio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calls a user of a kernel TCP socket makes beyond {@link net_h} ({@code <sys/socket.h>},
 * {@code <sys/uio.h>}, {@code <fcntl.h>}, {@code <sys/epoll.h>}): what the packetdrill runner's kernel backend
 * executes for a script's system calls. Each returns the C result or {@code -errno}; a call that blocks
 * blocks the calling thread, as in C.
 */
public final class tcpsock_h {

    /** {@code struct epoll_event} is packed on x86-64: 4 bytes of events, 8 of data. */
    public static final int EPOLL_EVENT_SIZE = 12;
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SOCKADDR_IN_SIZE = 16;
    /** {@code sizeof(struct msghdr)}. */
    public static final int MSGHDR_SIZE = 56;
    /** {@code sizeof(struct iovec)}. */
    public static final int IOVEC_SIZE = 16;

    private static final MethodHandle CONNECT = Errno.capturing("connect",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Errno.capturing("listen",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Errno.capturing("accept4",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = Errno.capturing("shutdown",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = Errno.capturing("fcntl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SENDMSG = Errno.capturing("sendmsg",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = Errno.capturing("recvmsg",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITEV = Errno.capturing("writev",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READV = Errno.capturing("readv",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = Errno.capturing("epoll_create1",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = Errno.capturing("epoll_ctl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = Errno.capturing("epoll_wait",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETTID = Errno.plain("gettid", FunctionDescriptor.of(JAVA_INT));

    private tcpsock_h() { }

    /**
     * {@code connect(fd, addr, len)}.
     *
     * @param fd the C argument
     * @param addr the C argument
     * @param len the C argument
     * @return the C result, or {@code -errno}
     */
    public static int connect(int fd, MemorySegment addr, int len) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) CONNECT.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code listen(fd, backlog)}.
     *
     * @param fd the C argument
     * @param backlog the C argument
     * @return the C result, or {@code -errno}
     */
    public static int listen(int fd, int backlog) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) LISTEN.invokeExact(st, fd, backlog), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code accept4(fd, addr, lenp, flags)}.
     *
     * @param fd the C argument
     * @param addr the C argument
     * @param lenp the C argument
     * @param flags the C argument
     * @return the C result, or {@code -errno}
     */
    public static int accept4(int fd, MemorySegment addr, MemorySegment lenp, int flags) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) ACCEPT4.invokeExact(st, fd, addr, lenp, flags), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code shutdown(fd, how)}.
     *
     * @param fd the C argument
     * @param how the C argument
     * @return the C result, or {@code -errno}
     */
    public static int shutdown(int fd, int how) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) SHUTDOWN.invokeExact(st, fd, how), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code fcntl(fd, cmd, arg)} (an integer argument).
     *
     * @param fd the C argument
     * @param cmd the C argument
     * @param arg the C argument
     * @return the C result, or {@code -errno}
     */
    public static int fcntl(int fd, int cmd, long arg) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) FCNTL.invokeExact(st, fd, cmd, arg), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code sendmsg(fd, msg, flags)}.
     *
     * @param fd the C argument
     * @param msg the C argument
     * @param flags the C argument
     * @return the C result, or {@code -errno}
     */
    public static long sendmsg(int fd, MemorySegment msg, int flags) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) SENDMSG.invokeExact(st, fd, msg, flags), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code recvmsg(fd, msg, flags)}.
     *
     * @param fd the C argument
     * @param msg the C argument
     * @param flags the C argument
     * @return the C result, or {@code -errno}
     */
    public static long recvmsg(int fd, MemorySegment msg, int flags) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) RECVMSG.invokeExact(st, fd, msg, flags), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code writev(fd, iov, iovcnt)}.
     *
     * @param fd the C argument
     * @param iov the C argument
     * @param iovcnt the C argument
     * @return the C result, or {@code -errno}
     */
    public static long writev(int fd, MemorySegment iov, int iovcnt) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) WRITEV.invokeExact(st, fd, iov, iovcnt), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code readv(fd, iov, iovcnt)}.
     *
     * @param fd the C argument
     * @param iov the C argument
     * @param iovcnt the C argument
     * @return the C result, or {@code -errno}
     */
    public static long readv(int fd, MemorySegment iov, int iovcnt) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((long) READV.invokeExact(st, fd, iov, iovcnt), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code epoll_create1(flags)}.
     *
     * @param flags the C argument
     * @return the C result, or {@code -errno}
     */
    public static int epoll_create1(int flags) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) EPOLL_CREATE1.invokeExact(st, flags), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, event)}.
     *
     * @param epfd the C argument
     * @param op the C argument
     * @param fd the C argument
     * @param event the C argument
     * @return the C result, or {@code -errno}
     */
    public static int epoll_ctl(int epfd, int op, int fd, MemorySegment event) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code epoll_wait(epfd, events, maxevents, timeout)}.
     *
     * @param epfd the C argument
     * @param events the C argument
     * @param maxevents the C argument
     * @param timeout the C argument
     * @return the C result, or {@code -errno}
     */
    public static int epoll_wait(int epfd, MemorySegment events, int maxevents, int timeout) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) EPOLL_WAIT.invokeExact(st, epfd, events, maxevents, timeout), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code gettid()}: the calling thread's kernel id.
     *
     * @return the thread id (cannot fail)
     */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }
}
