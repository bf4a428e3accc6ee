package dev.fastpath.io;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.capability_h;
import dev.fastpath.nativeio.mman_h;
import dev.fastpath.nativeio.unistd_h;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Drops capabilities in every thread of the process once the rings and programs are set up. Linux keeps
 * capabilities per thread and capset(2) changes only the caller's, and the JVM runs a dozen threads of its own
 * (GC, compilers, the launcher's first thread, which /proc/PID/status reports): each thread must make the call
 * itself. As libcap's psx does, a signal asks each one to: its handler is the system call and nothing else —
 * {@code capset(&hdr, &data)} — written as x86_64 machine code into a page of its own, so no Java runs inside a
 * signal handler (a GC thread may be interrupted holding the JVM's locks). Every thread's {@code
 * /proc/self/task/TID/status} is then read until each shows the new sets; threads started meanwhile are signalled
 * too. Lowering permitted also lowers the ambient set, so nothing the process executes gets them back — except
 * when it runs as uid 0, whose execve grants every capability again (run as an unprivileged user with ambient
 * capabilities, as the systemd unit does, for the drop to hold).
 */
public final class CapabilityDrop {

    /**
     * Real-time signals tried, highest first: glibc keeps 32 and 33, the JDK's NIO takes SIGRTMAX-2 (62) to wake
     * threads blocked in I/O; the first one without a handler is used.
     */
    private static final int SIGNAL_HIGH = 60;
    private static final int SIGNAL_LOW = 40;
    private static final long WAIT_NS = 3_000_000_000L;
    private static final long RESEND_NS = 100_000_000L;

    /**
     * What the drop did.
     *
     * @param kept    the capabilities every thread holds now (permitted and effective)
     * @param threads how many threads were changed
     */
    public record Result(long kept, int threads) {
        /** @return the kept set as capabilities(7) names them, or {@code none} */
        public String keptNames() {
            StringBuilder b = new StringBuilder();
            for (Privileges.Cap c : Privileges.Cap.values()) {
                if ((kept >>> c.bit() & 1) != 0) {
                    b.append(b.isEmpty() ? "" : ",").append(c.capName());
                }
            }
            return b.isEmpty() ? (kept == 0 ? "none" : Long.toHexString(kept)) : b.toString();
        }
    }

    /** The handler's tally: {times run, the last capset error (-errno) or 0}. */
    private static final MemorySegment COUNTS = Arena.global().allocate(8, 8);

    private CapabilityDrop() {
    }

    /**
     * Lowers every thread's permitted, effective, inheritable (and so ambient) sets to {@code keep} (intersected
     * with what they hold).
     *
     * @param keep the capabilities to keep
     * @return what every thread holds now
     * @throws UnsupportedOperationException on another architecture than x86_64 (nothing changed)
     * @throws IllegalStateException         when a thread did not take the new sets in time, or the signal is in
     *                                       use (nothing changed then)
     */
    public static Result keepOnly(Privileges.Cap... keep) {
        long mask = 0;
        for (Privileges.Cap c : keep) {
            mask |= 1L << c.bit();
        }
        return keepOnlyMask(mask);
    }

    private static Result keepOnlyMask(long keepMask) {
        if (!"amd64".equals(System.getProperty("os.arch"))) {
            throw new UnsupportedOperationException("capabilities are dropped on x86_64 only (the signal handler is "
                    + "machine code); " + System.getProperty("os.arch") + " keeps them");
        }
        Arena arena = Arena.global(); // the handler and its arguments live as long as the process
        MemorySegment header = arena.allocate(capability_h.HEADER_BYTES, 8);
        header.set(ValueLayout.JAVA_INT, 0, capability_h.VERSION_3);
        MemorySegment data = arena.allocate(capability_h.DATA_BYTES, 8);
        Errors.check("capget", capability_h.capget(header, data));
        long permitted = word(data, 4);
        long inheritable = word(data, 8);
        long target = permitted & keepMask;
        long targetInheritable = inheritable & keepMask;
        for (int i = 0; i < 2; i++) { // data[i] = {effective, permitted, inheritable}, bits 32*i..32*i+31
            data.set(ValueLayout.JAVA_INT, 12L * i, (int) (target >>> 32 * i));
            data.set(ValueLayout.JAVA_INT, 12L * i + 4, (int) (target >>> 32 * i));
            data.set(ValueLayout.JAVA_INT, 12L * i + 8, (int) (targetInheritable >>> 32 * i));
        }
        MemorySegment code = handler(header, data);
        MemorySegment act = arena.allocate(capability_h.SIGACTION_BYTES, 8);
        act.set(ValueLayout.JAVA_LONG, 0, code.address());
        act.set(ValueLayout.JAVA_INT, capability_h.SA_FLAGS_OFFSET, capability_h.SA_RESTART);
        tasks(); // NIO's library, which installs a handler of its own, is loaded before a signal is chosen
        int signal = freeSignal(arena);
        Errors.check("sigaction(" + signal + ")", capability_h.sigaction(signal, act, MemorySegment.NULL));
        try {
            int threads = broadcast(target, signal);
            return new Result(target, threads);
        } finally {
            // Ignoring it discards a signal still pending (one sent twice); the code page stays mapped, as a
            // thread may still be between its system call and its return.
            act.set(ValueLayout.JAVA_LONG, 0, capability_h.SIG_IGN);
            capability_h.sigaction(signal, act, MemorySegment.NULL);
        }
    }

    /** The highest real-time signal in SIGNAL_HIGH..SIGNAL_LOW nobody handles or ignores. */
    private static int freeSignal(Arena arena) {
        MemorySegment old = arena.allocate(capability_h.SIGACTION_BYTES, 8);
        for (int s = SIGNAL_HIGH; s >= SIGNAL_LOW; s--) {
            Errors.check("sigaction(" + s + ")", capability_h.sigaction(s, MemorySegment.NULL, old));
            if (old.get(ValueLayout.JAVA_LONG, 0) == capability_h.SIG_DFL) {
                return s;
            }
        }
        throw new IllegalStateException("no free real-time signal in " + SIGNAL_LOW + ".." + SIGNAL_HIGH
                + ": capabilities kept");
    }

    /** Signals every thread whose status does not show {@code target} yet, until all do; the count changed. */
    private static int broadcast(long target, int signal) {
        int tgid = unistd_h.getpid();
        Map<Integer, Long> sentAt = new HashMap<>();
        long deadline = System.nanoTime() + WAIT_NS;
        int behind = -1;
        while (true) {
            boolean all = true;
            for (int tid : tasks()) {
                long[] caps = caps(tid);
                if (caps == null || caps[0] == target && caps[1] == target) {
                    continue; // gone, or done
                }
                all = false;
                behind = tid;
                long now = System.nanoTime();
                Long last = sentAt.get(tid);
                if (last == null || now - last > RESEND_NS) {
                    int rc = capability_h.tgkill(tgid, tid, signal);
                    if (rc < 0 && rc != -Errors.ESRCH) {
                        throw new NativeException("tgkill(" + tid + ")", -rc, Errors.message(rc));
                    }
                    sentAt.put(tid, now);
                }
            }
            if (all) {
                return sentAt.size();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("thread " + behind + " did not drop its capabilities within "
                        + WAIT_NS / 1_000_000_000 + " s: " + statusOf(behind) + "; handler ran "
                        + COUNTS.get(ValueLayout.JAVA_INT, 0) + " times, last capset error "
                        + COUNTS.get(ValueLayout.JAVA_INT, 4));
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dropping capabilities", e);
            }
        }
    }

    /**
     * The handler, {@code void h(int, siginfo_t *, void *)}: {@code capset(header, data)} through the system call,
     * then counts itself and keeps a failure's -errno in {@link #COUNTS} (the threads' status is what is checked).
     * It clobbers only registers the ABI lets a callee clobber.
     */
    @SuppressWarnings("restricted") // sizing the fresh mapping
    private static MemorySegment handler(MemorySegment header, MemorySegment data) {
        byte[] b = new byte[48];
        int i = 0;
        b[i++] = (byte) 0xB8; // mov eax, imm32
        i = le(b, i, capability_h.NR_CAPSET_X86_64, 4);
        b[i++] = 0x48; // movabs rdi, imm64
        b[i++] = (byte) 0xBF;
        i = le(b, i, header.address(), 8);
        b[i++] = 0x48; // movabs rsi, imm64
        b[i++] = (byte) 0xBE;
        i = le(b, i, data.address(), 8);
        b[i++] = 0x0F; // syscall
        b[i++] = 0x05;
        b[i++] = 0x48; // movabs rcx, imm64
        b[i++] = (byte) 0xB9;
        i = le(b, i, COUNTS.address(), 8);
        b[i++] = (byte) 0xF0; // lock inc dword [rcx]
        b[i++] = (byte) 0xFF;
        b[i++] = 0x01;
        b[i++] = (byte) 0x85; // test eax, eax
        b[i++] = (byte) 0xC0;
        b[i++] = 0x74; // jz +3
        b[i++] = 0x03;
        b[i++] = (byte) 0x89; // mov [rcx+4], eax
        b[i++] = 0x41;
        b[i++] = 0x04;
        b[i] = (byte) 0xC3; // ret
        MemorySegment page = mman_h.mmapChecked(4096, mman_h.PROT_READ | mman_h.PROT_WRITE,
                mman_h.MAP_PRIVATE | mman_h.MAP_ANONYMOUS, -1, 0);
        MemorySegment.copy(b, 0, page, ValueLayout.JAVA_BYTE, 0, b.length);
        Errors.check("mprotect(PROT_EXEC)", capability_h.mprotect(page, 4096,
                mman_h.PROT_READ | capability_h.PROT_EXEC));
        return page;
    }

    private static int le(byte[] b, int at, long v, int bytes) {
        for (int k = 0; k < bytes; k++) {
            b[at + k] = (byte) (v >>> 8 * k);
        }
        return at + bytes;
    }

    private static long word(MemorySegment data, long offset) {
        return Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT, offset))
                | Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT, 12 + offset)) << 32;
    }

    private static Iterable<Integer> tasks() {
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : d) {
                ids.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/task: " + e.getMessage(), e);
        }
        return ids;
    }

    /** The lines of a thread's status that say why it did not take the signal. */
    private static String statusOf(int tid) {
        try {
            return String.join("; ", Files.readAllLines(Path.of("/proc/self/task", Integer.toString(tid), "status"))
                    .stream().filter(l -> l.startsWith("Name:") || l.startsWith("State:") || l.startsWith("Sig")
                            || l.startsWith("Shd") || l.startsWith("Cap")).map(l -> l.replace('\t', ' ')).toList());
        } catch (IOException e) {
            return "gone";
        }
    }

    /** {CapEff, CapPrm} of one thread, or null when it is gone. */
    static long[] caps(int tid) {
        try {
            long eff = -1;
            long prm = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/task", Integer.toString(tid), "status"))) {
                if (line.startsWith("CapEff:")) {
                    eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                } else if (line.startsWith("CapPrm:")) {
                    prm = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
            return new long[] {eff, prm};
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * One line for the log.
     *
     * @param r the drop's result
     * @return e.g. {@code capabilities dropped in 23 threads; kept: none}
     */
    public static String describe(Result r) {
        return String.format(Locale.ROOT, "capabilities dropped in %d threads; kept: %s", r.threads(), r.keptNames());
    }
}
