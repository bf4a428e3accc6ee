package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The per-thread errno capture segment that every downcall in this package writes into.
 *
 * <p>FFM's {@code captureCallState("errno")} copies errno into a caller-supplied segment right after the
 * call, before the JVM can run code that clobbers it. Each thread owns its segment (a {@link ThreadLocal}
 * over a segment from an automatic arena), so concurrent callers never race on one static segment, and
 * {@link #last()} reads what the calling thread's most recent capturing call left behind.
 */
public final class Errno {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        STATE_LAYOUT.varHandle(groupElement("errno")).withInvokeExactBehavior();
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    // Arena.ofAuto: the segment lives as long as the thread's ThreadLocal entry references it, no longer.
    private static final ThreadLocal<MemorySegment> STATE =
        ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE_LAYOUT));

    private Errno() { }

    /** @return the calling thread's capture segment, to pass as the first argument of a capturing handle */
    public static MemorySegment state() {
        return STATE.get();
    }

    /** @return errno as captured by the calling thread's most recent call through this package */
    public static int last() {
        return read(STATE.get());
    }

    /**
     * Reads errno from a capture segment.
     *
     * @param state a segment from {@link #state()}
     * @return the captured errno
     */
    public static int read(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * Links a libc function whose handle takes the capture segment as an extra leading argument.
     *
     * @param name the symbol
     * @param desc its C signature
     * @param options extra linker options (e.g. firstVariadicArg)
     * @return the handle
     */
    @SuppressWarnings("restricted") // linking native code is this package's purpose
    static MethodHandle capturing(String name, FunctionDescriptor desc, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(symbol(name), desc, all);
    }

    /**
     * Links a libc function that cannot fail (no errno capture).
     *
     * @param name the symbol
     * @param desc its C signature
     * @return the handle
     */
    @SuppressWarnings("restricted")
    static MethodHandle plain(String name, FunctionDescriptor desc) {
        return LINKER.downcallHandle(symbol(name), desc);
    }

    static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
    }

    /**
     * Turns a handle's raw {@code -1}-style result into the package convention: the result, or {@code -errno}.
     *
     * @param rc what the C function returned
     * @param state the capture segment passed to it
     * @return {@code rc} when it is not {@code -1}, else {@code -errno}
     */
    static int result(int rc, MemorySegment state) {
        return rc == -1 ? -read(state) : rc;
    }

    /**
     * Long-returning variant of {@link #result(int, MemorySegment)} (ssize_t, long).
     *
     * @param rc what the C function returned
     * @param state the capture segment passed to it
     * @return {@code rc} when it is not {@code -1}, else {@code -errno}
     */
    static long result(long rc, MemorySegment state) {
        return rc == -1L ? -read(state) : rc;
    }

    /**
     * Rethrows a {@link Throwable} from {@code invokeExact}; downcalls only throw errors from the JVM itself.
     *
     * @param t what was thrown
     * @return never returns normally
     */
    static AssertionError rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new AssertionError("downcall threw a checked exception", t);
    }
}
