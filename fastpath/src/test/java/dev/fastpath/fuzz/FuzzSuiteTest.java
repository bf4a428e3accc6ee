package dev.fastpath.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every fuzz target briefly under Jazzer from its seed corpus (seconds per target from
 * {@code -Dfastpath.fuzz.seconds}, default 6). Truncations, lying lengths and random bytes must only
 * ever produce drop reasons; any other exception or a failed invariant is a finding and fails here.
 */
class FuzzSuiteTest {
    @TempDir
    Path work;

    static Stream<String> targets() {
        return FuzzRunner.TARGETS.keySet().stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void fuzzBriefly(String target) throws Exception {
        Path seeds = Path.of(getClass().getResource("/fuzz/" + target).toURI());
        try (Stream<Path> s = Files.list(seeds)) {
            assertTrue(s.findAny().isPresent(), "no seed corpus for " + target);
        }
        int seconds = Integer.getInteger("fastpath.fuzz.seconds", 6);
        int rc = FuzzRunner.run(target, seconds, seeds, work, false);
        String log = Files.readString(work.resolve("jazzer.log"));
        assertEquals(0, rc, "finding in " + target + ":\n" + tail(log));
        assertTrue(log.contains("Done "), "Jazzer did not run to completion:\n" + tail(log));
        assertTrue(!log.contains("no interesting inputs"), "no coverage instrumentation:\n" + tail(log));
        java.util.regex.Matcher done = java.util.regex.Pattern.compile("Done (\\d+) runs in (\\d+) second")
                .matcher(log);
        assertTrue(done.find(), "Jazzer printed no execution count:\n" + tail(log));
        long runs = Long.parseLong(done.group(1));
        assertTrue(runs > 0, "no executions");
        System.out.printf("fuzz %s: %d executions in %s s (%d/s), seeded from %s%n", target, runs, done.group(2),
                runs / Math.max(1, Long.parseLong(done.group(2))), seeds.getFileName());
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}
