package dev.fastpath.packetdrill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/** Runs scripts from files and folders and reports counts per folder and every failure's first mismatch. */
public final class PdReport {
    private final List<PdResult> results = new ArrayList<>();
    private final Function<Path, PdResult> backend;

    /** A report of scripts run against the engine. */
    public PdReport() {
        this(PdRunner::run);
    }

    /**
     * @param backend what runs one script: {@link PdRunner#run(Path)} (the engine) or {@link PdKernel#run(Path)}
     */
    public PdReport(Function<Path, PdResult> backend) {
        this.backend = backend;
    }

    /**
     * @param paths .pkt files or folders searched recursively
     * @return the scripts found, sorted
     * @throws IOException when a folder cannot be read
     */
    public static List<Path> scripts(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> f.toString().endsWith(".pkt")).sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * @param script a script file
     * @return its result, also kept for the summary
     */
    public PdResult run(Path script) {
        PdResult r = backend.apply(script);
        results.add(r);
        return r;
    }

    /** @return every result so far */
    public List<PdResult> results() {
        return List.copyOf(results);
    }

    /**
     * Prints pass/fail/unsupported per folder, then each failure and unsupported script.
     *
     * @param out where to print
     */
    public void print(PrintWriter out) {
        Map<String, int[]> perFolder = new TreeMap<>();
        for (PdResult r : results) {
            Path parent = Path.of(r.script()).getParent();
            String folder = parent == null ? "." : parent.getFileName().toString();
            perFolder.computeIfAbsent(folder, k -> new int[3])[r.status().ordinal()]++;
        }
        out.printf("%-20s %5s %5s %12s%n", "folder", "pass", "fail", "unsupported");
        int[] total = new int[3];
        perFolder.forEach((k, v) -> {
            out.printf("%-20s %5d %5d %12d%n", k, v[0], v[1], v[2]);
            for (int i = 0; i < 3; i++) {
                total[i] += v[i];
            }
        });
        out.printf("%-20s %5d %5d %12d%n", "total", total[0], total[1], total[2]);
        for (PdResult r : results) {
            if (r.status() != PdResult.Status.PASS) {
                out.println(r);
            }
        }
        out.flush();
    }

    /** @return 0 all passed, 1 any failed, 2 none failed but some unsupported */
    public int exitCode() {
        boolean fail = results.stream().anyMatch(r -> r.status() == PdResult.Status.FAIL);
        boolean unsupported = results.stream().anyMatch(r -> r.status() == PdResult.Status.UNSUPPORTED);
        return fail ? 1 : unsupported ? 2 : 0;
    }
}
