package dev.fastpath.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the harness reads from the host: per-core CPU time, a process's peak RSS, script resources. */
final class Host {

    private Host() {
    }

    /**
     * Jiffies per core from {@code /proc/stat} (global, not per namespace): {@code [cpu][0]} busy,
     * {@code [cpu][1]} total. Busy is everything but idle and iowait.
     */
    static long[][] cpuTimes() {
        try {
            List<String> cpus = Files.readAllLines(Path.of("/proc/stat")).stream()
                .filter(l -> l.matches("^cpu\\d+ .*")).toList();
            long[][] t = new long[cpus.size()][2];
            for (int i = 0; i < cpus.size(); i++) {
                String[] f = cpus.get(i).trim().split("\\s+");
                long total = 0;
                for (int k = 1; k < f.length; k++) {
                    total += Long.parseLong(f[k]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                t[i][0] = total - idle;
                t[i][1] = total;
            }
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Busy share per core in percent between two {@link #cpuTimes()} samples. */
    static double[] cpuPercent(long[][] before, long[][] after) {
        double[] p = new double[Math.min(before.length, after.length)];
        for (int i = 0; i < p.length; i++) {
            long total = after[i][1] - before[i][1];
            p[i] = total <= 0 ? 0 : 100.0 * (after[i][0] - before[i][0]) / total;
        }
        return p;
    }

    /**
     * Time a process (all its threads) or a kernel thread has run, from the scheduler's own accounting
     * ({@code /proc/PID/task/TID/schedstat}, first field, nanoseconds).
     *
     * @param pid the process or thread
     * @return nanoseconds, or -1 when it cannot be read (gone, or no schedstat)
     */
    static long runNs(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            long sum = 0;
            for (Path t : tasks.toList()) {
                String f = Files.readString(t.resolve("schedstat")).trim();
                sum += Long.parseLong(f.substring(0, f.indexOf(' ')));
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param prefix the start of a kernel thread's name, e.g. {@code napi/veth-b-}
     * @return the ids of the threads whose name starts so ({@code /proc/PID/comm})
     */
    static List<Long> kernelThreads(String prefix) {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readString(p.resolve("comm")).startsWith(prefix);
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Peak resident set (VmHWM) of a live process in KiB, or −1 when it cannot be read. */
    static long peakRssKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    /** Resident set now (VmRSS) of a live process in KiB, or −1 when it cannot be read. */
    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Copies a script from the jar into a temporary file (namespaces share the file system). */
    static Path script(String name) {
        try (InputStream in = Host.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            Path p = Files.createTempFile("fastpath-", "-" + name);
            Files.write(p, in.readAllBytes());
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line of a java like this one running the project CLI with full JIT (unlike Lab's). */
    static List<String> fastpathJava(String... args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "dev.fastpath.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
