package dev.fastpath.bench.cli;

import dev.fastpath.lab.ProjectHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code fastpath bench jmh [JMH OPTIONS] [REGEX]}: runs JMH's own command line, {@code java -jar
 * bench/target/benchmarks.jar}, with every argument passed through unchanged ({@code -h} is JMH's help,
 * {@code -l} its list, {@code -t} its thread count). Options the caller leaves out get defaults that suit a
 * 2-core machine (one fork, three 1 s warm-ups, five 1 s measurements) and the results go to a JSON file under
 * {@code bench/results/}; an option the caller gives is never overridden.
 */
@Command(
        name = "jmh",
        description = {"Run the JMH benchmarks: java -jar bench/target/benchmarks.jar with JMH's options passed "
            + "through unchanged (-h for JMH's help, -l to list).",
            "Defaults when not given: -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff bench/results/jmh-TIME.json."})
public final class JmhCommand implements Callable<Integer> {

    /** JMH's options with the default this command adds when the caller does not give the option. */
    private static final List<List<String>> DEFAULTS = List.of(
            List.of("-f", "1"), List.of("-wi", "3"), List.of("-w", "1s"), List.of("-i", "5"), List.of("-r", "1s"),
            List.of("-rf", "json"));

    /** JMH's options that take a value (its -h); the others are flags, and what is neither is a regex. */
    private static final Set<String> WITH_VALUE = Set.of("-i", "-bs", "-r", "-wi", "-wbs", "-w", "-to", "-t", "-bm",
            "-si", "-gc", "-foe", "-v", "-f", "-wf", "-o", "-rff", "-prof", "-tg", "-jvm", "-jvmArgs", "-jvmArgsAppend",
            "-jvmArgsPrepend", "-tu", "-opi", "-rf", "-wm", "-e", "-p", "-wmb");
    /** The options whose value is a regular expression (comma-separated list of them). */
    private static final Set<String> REGEX_VALUE = Set.of("-e", "-wmb");

    @Unmatched
    private List<String> jmhArgs = new ArrayList<>();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String bad = badRegex(jmhArgs);
        if (bad != null) {
            // JMH itself would die on it with a PatternSyntaxException stack trace.
            throw new CommandLine.ParameterException(spec.commandLine(), bad);
        }
        Path jar = benchmarksJar();
        if (!Files.isRegularFile(jar)) {
            System.err.println("bench jmh: " + jar + " not found; build it first (bin/fastpath build, or mvn package)");
            return 1;
        }
        String refused = jmhRefuses(jar, jmhArgs);
        if (refused != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), refused);
        }
        List<String> cmd = command(jar, jmhArgs, defaultResultFile());
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
    }

    /**
     * The command line that runs JMH: this JVM's java on the benchmarks jar, the defaults the caller did not
     * override, then the caller's arguments exactly as given.
     *
     * @param jar        the benchmarks jar
     * @param args       the caller's JMH arguments
     * @param resultFile where results go when the caller names no result file and asks for no listing or help
     * @return the command
     * @throws IOException when the result directory cannot be created
     */
    static List<String> command(Path jar, List<String> args, Path resultFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString()));
        boolean runs = !args.contains("-h") && !args.contains("-l") && !args.contains("-lp")
                && !args.contains("-lprof") && !args.contains("-lrf");
        if (runs) {
            for (List<String> d : DEFAULTS) {
                if (!args.contains(d.get(0))) {
                    cmd.addAll(d);
                }
            }
            if (!args.contains("-rff") && (!args.contains("-rf") || "json".equals(valueOf(args, "-rf")))) {
                Files.createDirectories(resultFile.toAbsolutePath().getParent());
                cmd.addAll(List.of("-rff", resultFile.toString()));
            }
        }
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Checks every benchmark selector (the arguments that are not options or option values, and the values of
     * {@code -e}/{@code -wmb}) the way JMH will read it: as a Java regular expression.
     *
     * @param args JMH's arguments
     * @return the problem in one line, or null when every selector compiles
     */
    static String badRegex(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean option = a.startsWith("-") && a.length() > 1;
            boolean takesValue = option && WITH_VALUE.contains(a) && i + 1 < args.size();
            List<String> regexes = !option ? List.of(a)
                    : takesValue && REGEX_VALUE.contains(a) ? List.of(args.get(i + 1).split(",")) : List.of();
            for (String r : regexes) {
                try {
                    Pattern.compile(r);
                } catch (PatternSyntaxException e) {
                    return "'" + r + "' is not a regular expression (JMH selects benchmarks by regex): "
                            + e.getDescription() + " near index " + e.getIndex();
                }
            }
            if (takesValue) {
                i++;
            }
        }
        return null;
    }

    /**
     * Reads the arguments with JMH's own parser ({@code CommandLineOptions}, loaded from the benchmarks jar, so the
     * check is exactly JMH's: values' types and ranges, unknown options), instead of letting JMH print its error
     * over two lines and exit 1. The distribution carries no JMH, so its classes come from the jar (the parent
     * loader is asked first: the tests have JMH on their class path).
     *
     * @param jar  the benchmarks jar
     * @param args the caller's JMH arguments
     * @return JMH's complaint in one line, or null when it takes them (or its parser cannot be loaded)
     */
    static String jmhRefuses(Path jar, List<String> args) {
        try (java.net.URLClassLoader jmh = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
                JmhCommand.class.getClassLoader())) {
            Class<?> options = jmh.loadClass("org.openjdk.jmh.runner.options.CommandLineOptions");
            options.getConstructor(String[].class).newInstance((Object) args.toArray(String[]::new));
            return null;
        } catch (java.lang.reflect.InvocationTargetException e) {
            String why = String.valueOf(e.getCause().getMessage()).strip().replaceAll("\\s*\\R\\s*", "; ");
            return "JMH refuses the options: " + why;
        } catch (ReflectiveOperationException | IOException | LinkageError e) {
            return null; // no parser to ask: JMH itself will say what is wrong
        }
    }

    private static String valueOf(List<String> args, String option) {
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1).toLowerCase(java.util.Locale.ROOT) : null;
    }

    /** @return the arguments picocli collected for JMH, in order */
    List<String> arguments() {
        return List.copyOf(jmhArgs);
    }

    /**
     * The JMH uber-jar: {@code -Dfastpath.benchmarks.jar}, else {@code bench/target/benchmarks.jar} under the
     * repository root.
     *
     * @return its path (it may not exist)
     */
    static Path benchmarksJar() {
        String explicit = System.getProperty("fastpath.benchmarks.jar");
        return explicit != null ? Path.of(explicit) : ProjectHome.root().resolve("bench/target/benchmarks.jar");
    }

    private static Path defaultResultFile() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return ProjectHome.root().resolve("bench").resolve("results").resolve("jmh-" + stamp + ".json");
    }
}
