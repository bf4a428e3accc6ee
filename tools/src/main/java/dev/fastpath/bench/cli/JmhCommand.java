package dev.fastpath.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./fastpath bench jmh [REGEX]}: runs the JMH suite with settings that suit a 2-core machine
 * (one fork, short iterations) and writes JSON results to {@code bench/results/}.
 */
@Command(
        name = "jmh",
        mixinStandardHelpOptions = true,
        description = "Run the JMH benchmarks whose name matches REGEX (all by default); JSON goes to bench/results/.")
public final class JmhCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "REGEX", description = "benchmark name filter (regex)")
    private String regex = ".*";

    @Option(names = {"-f", "--forks"}, description = "JVM forks per benchmark (default: ${DEFAULT-VALUE})")
    private int forks = 1;

    @Option(names = {"-wi", "--warmup-iterations"}, description = "warm-up iterations (default: ${DEFAULT-VALUE})")
    private int warmupIterations = 3;

    @Option(names = {"-i", "--iterations"}, description = "measured iterations (default: ${DEFAULT-VALUE})")
    private int iterations = 5;

    @Option(names = {"-t", "--time-ms"}, description = "length of one iteration in ms (default: ${DEFAULT-VALUE})")
    private int iterationMs = 1000;

    @Option(names = "--prof", description = "JMH profilers (default: gc; 'none' for none)")
    private List<String> profilers = List.of("gc");

    @Option(names = "--out", description = "result file (default: bench/results/jmh-<time>.json)")
    private Path out;

    @Option(names = "--list", description = "list the matching benchmarks and exit")
    private boolean list;

    @Override
    public Integer call() throws IOException {
        if (forks < 0 || warmupIterations < 0 || iterations < 1 || iterationMs < 1) {
            System.err.println("bench jmh: forks and warm-up iterations must be >= 0, iterations and time >= 1");
            return 2;
        }
        List<String> names = matching(regex);
        if (names.isEmpty()) {
            System.err.println("bench jmh: no benchmark matches '" + regex + "' (see: bench jmh --list)");
            return 1;
        }
        if (list) {
            names.forEach(System.out::println);
            return 0;
        }
        Path file = out != null ? out : defaultResultFile();
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Collection<RunResult> results = new Runner(options(file).build()).run();
            System.out.printf("bench jmh: %d results written to %s%n", results.size(), file);
            return results.isEmpty() ? 1 : 0;
        } catch (RunnerException e) {
            System.err.println("bench jmh: " + e.getMessage());
            return 1;
        }
    }

    private ChainedOptionsBuilder options(Path file) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(regex)
                .forks(forks)
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.milliseconds(iterationMs))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(iterationMs))
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
                .resultFormat(ResultFormatType.JSON)
                .result(file.toString());
        for (String p : profilers) {
            if (!"none".equals(p)) {
                b = b.addProfiler(p);
            }
        }
        return b;
    }

    /**
     * The benchmark names (class.method) compiled into this jar that match a regex.
     *
     * @param regex a JMH include pattern
     * @return the matching names, sorted
     */
    public static List<String> matching(String regex) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        if (JmhCommand.class.getResource("/META-INF/BenchmarkList") == null) {
            return List.of(); // a jar built without any @Benchmark has no list at all
        }
        return BenchmarkList.defaultList().getAll(null, List.of()).stream()
                .map(b -> b.getUsername())
                .filter(n -> p.matcher(n).find())
                .distinct()
                .sorted()
                .toList();
    }

    private static Path defaultResultFile() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return ProjectHome.root().resolve("bench").resolve("results").resolve("jmh-" + stamp + ".json");
    }
}
