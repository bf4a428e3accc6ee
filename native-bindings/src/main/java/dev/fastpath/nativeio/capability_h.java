package dev.fastpath.nativeio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code <linux/capability.h>} ({@code capget}/{@code capset}, version 3: two 32-bit words per set),
 * {@code <signal.h>} ({@code sigaction}, {@code tgkill}) and {@code mprotect} from {@code <sys/mman.h>}: what
 * dropping capabilities in every thread of the process needs (capset(2) changes only the calling thread).
 */
public final class capability_h {

    /** {@code _LINUX_CAPABILITY_VERSION_3}. */
    public static final int VERSION_3 = 0x20080522;
    /** {@code struct __user_cap_header_struct}: {u32 version; int pid}. */
    public static final long HEADER_BYTES = 8;
    /** Two {@code struct __user_cap_data_struct}: {u32 effective, permitted, inheritable} each. */
    public static final long DATA_BYTES = 24;
    /** x86_64's {@code __NR_capset}, for code that makes the system call itself. */
    public static final int NR_CAPSET_X86_64 = 126;

    /** glibc's {@code struct sigaction} on x86_64: handler, sa_mask (128), sa_flags, sa_restorer. */
    public static final long SIGACTION_BYTES = 152;
    /** Offset of {@code sa_flags} in it. */
    public static final long SA_FLAGS_OFFSET = 136;
    /** {@code SA_RESTART}: interrupted system calls restart instead of failing with EINTR. */
    public static final int SA_RESTART = 0x10000000;
    /** {@code SIG_DFL}. */
    public static final long SIG_DFL = 0;
    /** {@code SIG_IGN}. */
    public static final long SIG_IGN = 1;

    /** {@code PROT_EXEC}. */
    public static final int PROT_EXEC = 4;

    private static final MethodHandle CAPGET = Errno.capturing("capget",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGACTION = Errno.capturing("sigaction",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle TGKILL = Errno.capturing("tgkill",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MPROTECT = Errno.capturing("mprotect",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private capability_h() { }

    /**
     * {@code capget(hdr, data)}: the calling thread's sets ({@code hdr.pid} 0).
     *
     * @param header {@link #HEADER_BYTES}, version set
     * @param data   {@link #DATA_BYTES}
     * @return 0, or {@code -errno}
     */
    public static int capget(MemorySegment header, MemorySegment data) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) CAPGET.invokeExact(st, header, data), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code sigaction(sig, act, old)}.
     *
     * @param sig the signal
     * @param act the new action ({@link #SIGACTION_BYTES}) or NULL
     * @param old where the previous one goes, or NULL
     * @return 0, or {@code -errno}
     */
    public static int sigaction(int sig, MemorySegment act, MemorySegment old) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) SIGACTION.invokeExact(st, sig, act, old), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code tgkill(tgid, tid, sig)}: a signal to one thread.
     *
     * @param tgid the process
     * @param tid  the thread
     * @param sig  the signal
     * @return 0, or {@code -errno} (ESRCH: the thread is gone)
     */
    public static int tgkill(int tgid, int tid, int sig) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) TGKILL.invokeExact(st, tgid, tid, sig), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code mprotect(addr, len, prot)}.
     *
     * @param addr a page-aligned mapping
     * @param len  its length
     * @param prot PROT_* bits
     * @return 0, or {@code -errno}
     */
    public static int mprotect(MemorySegment addr, long len, int prot) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) MPROTECT.invokeExact(st, addr, len, prot), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }
}
