package dev.fastpath.bench.e2e;

import dev.fastpath.lab.Lab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perf record} of the victim's core during a breakdown run, and its samples grouped by who ran (veth's NAPI
 * thread, the victim's worker or process, idle, anything else) and what (the kernel, a BPF program, JIT-compiled
 * Java, the JVM, libc). perf samples with the CPU clock here (no hardware counters in a VM), so time spent with
 * interrupts off shows up where they are switched on again.
 */
final class PerfProfile {

    /** A flat report line: percent, comm, dso, [k] or [.], symbol; columns are two or more spaces apart. */
    private static final Pattern LINE =
        Pattern.compile("^\\s*([0-9.]+)%\\s+(\\S.*?)\\s{2,}(\\S.*?)\\s{2,}\\[(.)]\\s+(.*)$");

    private PerfProfile() {
    }

    /** @return why perf cannot sample a core here, or null when it can */
    static String unavailable() {
        Lab.Result r = Lab.exec(List.of("sh", "-c", "command -v perf >/dev/null || { echo 'no perf on PATH "
            + "(Debian: apt-get install linux-perf)'; exit 1; }; perf record -q -C 0 -o /dev/null -- true 2>&1"), 30);
        return r.exitCode() == 0 ? null : r.output().strip();
    }

    /**
     * Starts sampling one core.
     *
     * @param cpu     the core
     * @param data    where perf writes
     * @param seconds how long
     * @return the perf process
     */
    static Process record(int cpu, Path data, double seconds) throws java.io.IOException {
        return new ProcessBuilder("perf", "record", "-q", "-C", Integer.toString(cpu), "-o", data.toString(), "--",
            "sleep", String.format(Locale.ROOT, "%.1f", seconds)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** @return perf's flat report of a recording: percent, comm, dso, symbol, one line each */
    static String report(Path data) {
        Lab.Result r = Lab.exec(List.of("perf", "report", "-i", data.toString(), "--stdio", "--no-children",
            "--sort", "comm,dso,sym", "-g", "none"), 120);
        return r.output();
    }

    /**
     * Groups a flat report's lines.
     *
     * @param report {@link #report}'s output
     * @param top    how many symbols to list
     * @return a markdown fragment: a table of who × what, then the top symbols
     */
    static String summarize(String report, int top) {
        Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
        List<String> symbols = new ArrayList<>();
        for (String line : report.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double pct = Double.parseDouble(m.group(1));
            String who = who(m.group(2));
            String what = what(m.group(3), m.group(5));
            groups.computeIfAbsent(who, k -> new LinkedHashMap<>()).merge(what, pct, Double::sum);
            if (symbols.size() < top) {
                symbols.add(String.format(Locale.ROOT, "%.1f %% %s: %s", pct, who, m.group(5).strip()));
            }
        }
        if (groups.isEmpty()) {
            return "(no samples)\n";
        }
        StringBuilder b = new StringBuilder("| who | share of the core | of which |\n|---|---|---|\n");
        groups.entrySet().stream()
            .sorted((x, y) -> Double.compare(sum(y.getValue()), sum(x.getValue())))
            .forEach(e -> b.append(String.format(Locale.ROOT, "| %s | %.1f %% | %s |%n", e.getKey(), sum(e.getValue()),
                String.join(", ", e.getValue().entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(),
                    x.getValue())).map(w -> String.format(Locale.ROOT, "%s %.1f %%", w.getKey(), w.getValue()))
                    .toList()))));
        b.append("\nTop symbols:\n\n");
        symbols.forEach(s -> b.append("- ").append(s).append('\n'));
        return b.toString();
    }

    private static double sum(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    static String who(String comm) {
        if (comm.startsWith("napi/")) {
            return "veth NAPI thread (" + comm.replaceAll("-\\d+$", "") + ")";
        }
        if (comm.startsWith("fastpath-worker")) {
            return "Fastpath worker";
        }
        if (comm.startsWith("swapper")) {
            return "idle";
        }
        if (comm.startsWith("java") || comm.startsWith("C1 ") || comm.startsWith("C2 ") || comm.startsWith("GC ")
                || comm.startsWith("VM ")) {
            return "victim JVM, other threads";
        }
        return "other processes";
    }

    static String what(String dso, String symbol) {
        if (symbol.startsWith("bpf_prog_")) {
            return "BPF program";
        }
        if (dso.contains("kernel")) {
            return "kernel";
        }
        if (dso.startsWith("[JIT]")) {
            return "JIT-compiled Java";
        }
        if (dso.contains("libjvm")) {
            return "JVM";
        }
        return dso.contains("libc") ? "libc" : "other";
    }
}
