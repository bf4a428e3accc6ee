package dev.fastpath.stress;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.fastpath.cli.OutputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fastpath stress merge}: combines the summary JSON of shards that ran at the same time ({@code --shard I/N}
 * on N generators) into one: counts and per-second rates add up, per-second samples add up second by second, the
 * time is the longest shard's, the verdict passes only if every shard's did; percentages and latencies cannot be
 * added, so the merged report takes the worst shard's and says so.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Combine the --json reports of stress shards run at the same time into one.")
public final class StressMergeCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "REPORT", arity = "1..*", description = "summary JSON files of `stress --json`")
    private List<Path> reports;

    @Option(names = "--json", paramLabel = "FILE", description = "write the merged report here (default: stdout)")
    private Path jsonFile;

    @Override
    public Integer call() throws IOException {
        String problem = OutputFiles.problem("--json", jsonFile);
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "stress merge: " + problem);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (Path p : reports) {
            try {
                all.add(JSON.std.mapFrom(Files.readString(p, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "stress merge: " + p
                    + " is not a stress report: " + e.getMessage());
            }
        }
        Map<String, Object> merged;
        try {
            merged = merge(all);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "stress merge: " + e.getMessage());
        }
        String text = StressReport.json(merged);
        if (jsonFile == null) {
            System.out.println(text);
        } else {
            Files.writeString(jsonFile, text + "\n", StandardCharsets.UTF_8);
        }
        return "pass".equals(merged.get("verdict")) ? 0 : 1;
    }

    /**
     * @param reports the shards' summaries
     * @return the merged summary
     * @throws IllegalArgumentException when the reports name different targets or lack the counts
     */
    static Map<String, Object> merge(List<Map<String, Object>> reports) {
        Map<String, Object> m = new LinkedHashMap<>();
        Object target = reports.getFirst().get("target");
        if (target == null || reports.stream().anyMatch(r -> !target.equals(r.get("target")))) {
            throw new IllegalArgumentException("the reports must all be of one target (stress --json), found "
                + reports.stream().map(r -> String.valueOf(r.get("target"))).distinct().toList());
        }
        m.put("target", target);
        m.put("shards", reports.size());
        List<String> failures = new ArrayList<>();
        TreeMap<Integer, Map<String, Object>> seconds = new TreeMap<>();
        List<String> worstOf = new ArrayList<>();
        for (Map<String, Object> r : reports) {
            for (Map.Entry<String, Object> e : r.entrySet()) {
                String k = e.getKey();
                Object v = e.getValue();
                switch (k) {
                    case "target", "io", "shard", "verdict" -> { }
                    case "failures" -> ((List<?>) v).forEach(x -> failures.add(r.get("shard") + ": " + x));
                    case "per_second" -> addSeconds(seconds, (List<?>) v);
                    case "seconds" -> m.merge(k, v, (a, b) -> Math.max(num(a), num(b)));
                    case "exhausted" -> m.merge(k, v, (a, b) -> (Boolean) a && (Boolean) b);
                    default -> {
                        if (!(v instanceof Number)) {
                            continue;
                        }
                        if (k.endsWith("_pct")) {
                            m.merge(k, v, (a, b) -> Math.min(num(a), num(b)));
                            worstOf.add(k);
                        } else if (k.endsWith("_ms")) {
                            m.merge(k, v, (a, b) -> Math.max(num(a), num(b)));
                            worstOf.add(k);
                        } else if (v instanceof Double || v instanceof Float) {
                            m.merge(k, v, (a, b) -> Math.round((num(a) + num(b)) * 10) / 10.0);
                        } else {
                            m.merge(k, v, (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
                        }
                    }
                }
            }
        }
        if (!worstOf.isEmpty()) {
            m.put("worst_shard_of", worstOf.stream().distinct().toList());
        }
        m.put("per_second", new ArrayList<>(seconds.values()));
        m.put("verdict", failures.isEmpty() ? "pass" : "fail");
        m.put("failures", failures);
        return m;
    }

    private static void addSeconds(TreeMap<Integer, Map<String, Object>> seconds, List<?> samples) {
        for (Object o : samples) {
            Map<?, ?> s = (Map<?, ?>) o;
            int t = ((Number) s.get("t")).intValue();
            Map<String, Object> into = seconds.computeIfAbsent(t, x -> new LinkedHashMap<>(Map.of("t", t)));
            for (Map.Entry<?, ?> e : s.entrySet()) {
                String k = (String) e.getKey();
                if (!k.equals("t") && e.getValue() instanceof Number n) {
                    into.merge(k, n.longValue(), (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
                }
            }
        }
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}
