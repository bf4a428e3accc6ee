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
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("Jazzer did not stop within " + (seconds + 120) + " s");
        }
        return p.exitValue();
    }

    /**
     * {@code fastpath fuzz TARGET [SECONDS]}.
     *
     * @param args target name and optional seconds (default 60)
     * @throws Exception when Jazzer cannot run
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || !TARGETS.containsKey(args[0])) {
            System.err.println("usage: bin/fastpath fuzz TARGET [SECONDS]   targets: "
                    + TARGETS.keySet().stream().sorted().toList());
            System.exit(2);
        }
        int seconds;
        try {
            seconds = args.length == 2 ? Integer.parseInt(args[1]) : 60;
        } catch (NumberFormatException e) {
            System.err.println("SECONDS must be a whole number, was '" + args[1] + "'");
            System.exit(2);
            return;
        }
        Path root = Path.of(System.getProperty("fastpath.home", "."));
        Path seeds = root.resolve("fastpath/src/test/resources/fuzz").resolve(args[0]);
        Path work = root.resolve("fastpath/target/fuzz").resolve(args[0]);
        int rc = run(args[0], seconds, seeds, work, true);
        System.err.println(rc == 0 ? "fuzz: no findings in " + seconds + " s"
                : "fuzz: FINDINGS in " + work.resolve("findings") + " (exit " + rc + ")");
        System.exit(rc);
    }
}
