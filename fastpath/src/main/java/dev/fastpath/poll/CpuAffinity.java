package dev.fastpath.poll;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Pins the calling thread to one CPU (sched_setaffinity(0, …): Linux affinity is per thread). */
public final class CpuAffinity {
    private CpuAffinity() {
    }

    /**
     * @param cpu the CPU number
     * @return 0, or −errno (EINVAL for a CPU that is not online or not allowed)
     */
    public static int pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= unistd_h.CPU_SETSIZE) {
            return -Errors.EINVAL;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(unistd_h.CPU_SET_BYTES, 8);
            unistd_h.CPU_SET(cpu, set);
            return unistd_h.sched_setaffinity(0, unistd_h.CPU_SET_BYTES, set);
        }
    }

    /**
     * @param errno a negative result of {@link #pinCurrentThread}
     * @return the errno's name
     */
    public static String describe(int errno) {
        return Errors.name(-errno);
    }

    /**
     * Parses a CPU list the way taskset and /sys do: {@code 0,2-3}.
     *
     * @param text the list
     * @return the CPUs in order
     * @throws IllegalArgumentException when it does not parse
     */
    public static List<Integer> parseList(String text) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
                if (from < 0 || to < from || to >= unistd_h.CPU_SETSIZE) {
                    throw new IllegalArgumentException("bad CPU range '" + p + "'");
                }
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CPU list '" + text + "' (want e.g. 0,2-3)", e);
            }
        }
        return cpus;
    }
}
