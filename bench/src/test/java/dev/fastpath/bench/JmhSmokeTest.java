package dev.fastpath.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Issue 7: every JMH benchmark runs for one short iteration and produces a plausible result (a
 * finite, positive score, and the GC profiler's allocation figure). Never a timing assertion.
 *
 * <p>Issue 17: every benchmark class checks in its {@code @TearDown} that each operation did what it claims
 * (SYNs answered with a cookie that validates, connections opened and closed once, lookups that hit, timers
 * that fired, sums and parses that are right) and throws otherwise; {@code shouldFailOnError} turns that into
 * a failed run here, so a broken path fails the build instead of reporting a fast number (checked by
 * mutation: a table lookup that always misses fails this test).
 */
class JmhSmokeTest {

    @Test
    @DisplayName("every JMH benchmark runs one short iteration and reports a positive score and B/op")
    void everyBenchmarkProducesAPlausibleResult() throws Exception {
        List<String> names = BenchmarkList.defaultList().getAll(null, List.of()).stream()
                .map(b -> b.getUsername()).distinct().sorted().toList();
        assertFalse(names.isEmpty(), "the bench module compiles no @Benchmark at all");
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(".*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .addProfiler("gc")
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true)
                .build()).run();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            seen.add(name);
            double score = r.getPrimaryResult().getScore();
            assertTrue(Double.isFinite(score) && score > 0, name + " scored " + score);
            Map<String, Result> secondary = r.getSecondaryResults();
            assertTrue(secondary.containsKey("gc.alloc.rate.norm"),
                    name + " has no B/op figure: " + secondary.keySet());
        }
        for (String n : names) {
            assertTrue(seen.contains(n), n + " produced no result");
        }
    }
}
