package dev.fastpath.nativeio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code <sys/mman.h>}: mmap/munmap and their flags. Used to map packet rings, AF_XDP rings and UMEM.
 */
public final class mman_h {

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_LOCKED = 0x2000;
    public static final int MAP_HUGETLB = 0x40000;

    /** {@code (void *) -1} as an address: what mmap returns on failure. */
    public static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP = Errno.capturing("mmap",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Errno.capturing("munmap",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private mman_h() { }

    /**
     * {@code mmap}. The result is a zero-length segment (as FFM returns pointers); on failure its address is
     * {@link #MAP_FAILED} and {@link Errno#last()} holds errno. {@link #mmapChecked} is the control-plane form.
     *
     * @param addr hint, usually {@link MemorySegment#NULL}
     * @param length bytes
     * @param prot PROT_* bits
     * @param flags MAP_* bits
     * @param fd the file or socket, or -1 for anonymous
     * @param offset the offset (for AF_XDP, one of the XDP_*PGOFF* values)
     * @return the mapping's start
     */
    public static MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP.invokeExact(Errno.state(), addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code mmap} that throws on failure and returns a segment of {@code length} bytes. The caller owns the
     * mapping and must {@link #munmap} it; the segment is not tied to an arena.
     *
     * @param length bytes
     * @param prot PROT_* bits
     * @param flags MAP_* bits
     * @param fd the file or socket, or -1
     * @param offset the offset
     * @return the mapping, {@code length} bytes long
     * @throws NativeException with errno on failure
     */
    @SuppressWarnings("restricted") // sizing the returned pointer to the mapping the kernel just made
    public static MemorySegment mmapChecked(long length, int prot, int flags, int fd, long offset) {
        MemorySegment m = mmap(MemorySegment.NULL, length, prot, flags, fd, offset);
        if (m.address() == MAP_FAILED) {
            int e = Errno.last();
            throw new NativeException("mmap", e, Errors.message(e));
        }
        return m.reinterpret(length);
    }

    /**
     * {@code munmap}.
     *
     * @param addr the mapping
     * @param length its length
     * @return 0, or {@code -errno}
     */
    public static int munmap(MemorySegment addr, long length) {
        try {
            MemorySegment st = Errno.state();
            return Errno.result((int) MUNMAP.invokeExact(st, addr, length), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }
}
