package dev.fastpath.fuzz;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one fuzz target under Jazzer (coverage-guided, libFuzzer inside) in its own JVM, from the
 * checked-in seed corpus {@code fastpath/src/test/resources/fuzz/<Target>/}. New inputs go to a working
 * corpus, findings to {@code <work>/findings/}. The test suite runs each target for a few seconds;
 * {@code fastpath fuzz TARGET SECONDS} runs one for as long as asked.
 */
public final class FuzzRunner {
    /** The targets, by simple class name. */
    public static final Map<String, Class<?>> TARGETS = Map.of(
            "FrameParserFuzzer", FrameParserFuzzer.class,
            "TcpOptionsFuzzer", TcpOptionsFuzzer.class,
            "RecordsFuzzer", RecordsFuzzer.class,
            "PcapReaderFuzzer", PcapReaderFuzzer.class,
            "EngineFuzzer", EngineFuzzer.class);

    private FuzzRunner() {
    }

    /**
     * @param target     a key of {@link #TARGETS}
     * @param seconds    how long to fuzz
     * @param seeds      the seed corpus directory (read only)
     * @param work       a scratch directory for the growing corpus and findings
     * @param inheritIo  whether Jazzer's output goes to this process's console (else to work/jazzer.log)
     * @return Jazzer's exit code: 0 when nothing was found
     * @throws IOException when the JVM cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    public static int run(String target, int seconds, Path seeds, Path work, boolean inheritIo)
            throws IOException, InterruptedException {
        return run(target, seconds, 0, seeds, work, inheritIo);
    }

    /**
     * @param target     a key of {@link #TARGETS}
     * @param seconds    how long to fuzz at most
     * @param runs       how many inputs at most (0: no limit but time)
     * @param seeds      the seed corpus directory (read only)
     * @param work       a scratch directory for the growing corpus and findings
     * @param inheritIo  whether Jazzer's output goes to this process's console (else to work/jazzer.log)
     * @return Jazzer's exit code: 0 when nothing was found
     * @throws IOException when the JVM cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    public static int run(String target, int seconds, long runs, Path seeds, Path work, boolean inheritIo)
            throws IOException, InterruptedException {
        Class<?> cls = TARGETS.get(target);
        if (cls == null) {
            throw new IllegalArgumentException("unknown fuzz target '" + target + "'; targets: "
                    + TARGETS.keySet().stream().sorted().toList());
        }
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be at least 1, was " + seconds);
        }
        Path corpus = Files.createDirectories(work.resolve("corpus")).toAbsolutePath();
        Path findings = Files.createDirectories(work.resolve("findings")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+EnableDynamicAgentLoading", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"),
                "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + cls.getName(),
                "--instrumentation_includes=dev.fastpath.**",
                "-max_total_time=" + seconds,
                "-runs=" + (runs > 0 ? runs : -1),
                "-rss_limit_mb=4096",
                "-max_len=4096",
                "-artifact_prefix=" + findings + File.separator,
                corpus.toString(), seeds.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        if (inheritIo) {
            pb.inheritIO();
        } else {
            pb.redirectErrorStream(true).redirectOutput(work.resolve("jazzer.log").toFile());
        }
        Process p = pb.start();
        // libFuzzer's -max_total_time counts from the first input; starting the JVM and instrumenting the classes
        // before it took over 2 minutes under a load of 30 on 2 cores (FuzzSuiteTest timed out at +120 s).
        long graceSeconds = 900;
        if (!p.waitFor(seconds + graceSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("Jazzer did not stop within " + (seconds + graceSeconds) + " s");
        }
        return p.exitValue();
    }

    /**
     * Merges what a run found that adds coverage into the seed corpus (libFuzzer's {@code -merge=1}: only inputs
     * that reach new edges are copied), so the repository keeps the corpus that long runs grew.
     *
     * @param target the target
     * @param seeds  the seed corpus, written
     * @param work   the run's work directory (its corpus is read)
     * @return Jazzer's exit code
     * @throws IOException when the JVM cannot be started
     * @throws InterruptedException when interrupted
     */
    public static int mergeInto(String target, Path seeds, Path work) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+EnableDynamicAgentLoading", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + TARGETS.get(target).getName(), "--instrumentation_includes=dev.fastpath.**",
                "-merge=1", "-max_len=4096", seeds.toAbsolutePath().toString(),
                work.resolve("corpus").toAbsolutePath().toString());
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("merge.log").toFile()).start();
        if (!p.waitFor(3600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("Jazzer's merge did not stop within an hour");
        }
        return p.exitValue();
    }

    /** Executions and seconds of a finished run, from libFuzzer's last line ({@code Done N runs in S second(s)}). */
    static long[] executions(Path log) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Done (\\d+) runs in (\\d+) second")
                .matcher(Files.readString(log));
        return m.find() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : new long[] {-1, -1};
    }

    /**
     * {@code fastpath fuzz TARGET|all [SECONDS [RUNS]] [--keep-corpus]}: one target with Jazzer's output on the
     * console, or every target in turn with one line each (executions, seconds, verdict). SECONDS (default 60)
     * and RUNS (default no limit) bound each target; {@code --keep-corpus} merges what adds coverage into the
     * seed corpus under {@code fastpath/src/test/resources/fuzz/}.
     *
     * @param args as above
     * @throws Exception when Jazzer cannot run
     */
    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        boolean keep = a.remove("--keep-corpus");
        String usage = "usage: bin/fastpath fuzz TARGET|all [SECONDS [RUNS]] [--keep-corpus]   targets: "
                + TARGETS.keySet().stream().sorted().toList();
        if (a.isEmpty() || a.size() > 3 || !TARGETS.containsKey(a.get(0)) && !a.get(0).equals("all")) {
            System.err.println("fuzz: " + (a.isEmpty() ? "no target" : a.size() > 3 ? "too many arguments"
                    : "unknown target '" + a.get(0) + "'") + "; " + usage);
            System.exit(2);
        }
        int seconds = (int) number(a, 1, 60, "SECONDS");
        long runs = number(a, 2, 0, "RUNS");
        Path root = Path.of(System.getProperty("fastpath.home", "."));
        List<String> targets = a.get(0).equals("all") ? TARGETS.keySet().stream().sorted().toList()
                : List.of(a.get(0));
        int worst = 0;
        for (String t : targets) {
            Path seeds = root.resolve("fastpath/src/test/resources/fuzz").resolve(t);
            Path work = root.resolve("fastpath/target/fuzz").resolve(t);
            int rc = run(t, seconds, runs, seeds, work, targets.size() == 1);
            String count = "";
            if (targets.size() > 1) {
                long[] done = executions(work.resolve("jazzer.log"));
                count = String.format(java.util.Locale.ROOT, "%,d executions in %d s, ", done[0], done[1]);
            }
            System.err.println("fuzz " + t + ": " + count + (rc == 0 ? "no findings"
                    : "FINDINGS in " + work.resolve("findings") + " (exit " + rc + ")"));
            if (rc == 0 && keep) {
                int m = mergeInto(t, seeds, work);
                System.err.println("fuzz " + t + ": corpus merged into " + seeds + (m == 0 ? "" : " FAILED (" + m
                        + ", see " + work.resolve("merge.log") + ")"));
            }
            worst = Math.max(worst, rc);
        }
        System.exit(worst);
    }

    private static long number(List<String> a, int i, long otherwise, String name) {
        if (a.size() <= i) {
            return otherwise;
        }
        try {
            long v = Long.parseLong(a.get(i));
            if (v >= 1 && (i != 1 || v <= Integer.MAX_VALUE)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        System.err.println("fuzz: " + name + " must be a positive whole number, was '" + a.get(i) + "'");
        System.exit(2);
        return 0;
    }
}
