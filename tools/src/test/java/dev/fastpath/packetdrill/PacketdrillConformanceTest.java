package dev.fastpath.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Linux TCP maintainers' packetdrill scripts (read from {@code ../shared/packetdrill}, never
 * copied) against the engine. The scripts that pass are listed in
 * {@code src/test/resources/packetdrill/passing.txt}: a listed script that stops passing fails the
 * build; one that newly passes is reported so the list can grow. The project's own scripts
 * ({@code src/test/resources/packetdrill/fastpath}) must all pass. The list must agree with the
 * conformance table in docs/conformance.md. Without the scripts the upstream tests skip with the
 * reason, unless the run requires them ({@code FASTPATH_PACKETDRILL_REQUIRED=1}, set by
 * {@code .ci/run}, or {@code -Dfastpath.packetdrill.required=true}): then they fail.
 */
class PacketdrillConformanceTest {
    private static final Path OWN = Path.of("src/test/resources/packetdrill/fastpath");
    private static final Path PASSING = Path.of("src/test/resources/packetdrill/passing.txt");
    private static final Path TABLE = Path.of("../docs/conformance.md");
    private static final Pattern TOTAL = Pattern.compile("Upstream results now \\(.*?; (\\d+) of (\\d+) pass\\)");
    private static final Pattern ROW = Pattern.compile("^\\| ([a-z_]+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\|");

    /** Whether this run must have the scripts (CI). */
    static boolean required() {
        return Boolean.getBoolean("fastpath.packetdrill.required")
                || "1".equals(System.getenv("FASTPATH_PACKETDRILL_REQUIRED"));
    }

    /** Skips without the scripts, or fails when the run requires them. */
    private static Path scriptsOrSkip() {
        Path dir = upstream();
        if (!Files.isDirectory(dir)) {
            String why = "no packetdrill scripts at " + dir + " (../shared/packetdrill, or -Dfastpath.packetdrill.dir)";
            if (required()) {
                fail(why + "; this run requires them (FASTPATH_PACKETDRILL_REQUIRED / fastpath.packetdrill.required)");
            }
            assumeTrue(false, why);
        }
        return dir;
    }

    /** Where the upstream scripts are: -Dfastpath.packetdrill.dir, ../shared/packetdrill above us, /work/shared. */
    static Path upstream() {
        String prop = System.getProperty("fastpath.packetdrill.dir");
        if (prop != null) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/packetdrill");
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        return Path.of("/work/shared/packetdrill");
    }

    private static Set<String> passingList() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String l : Files.readAllLines(PASSING)) {
            if (!l.isBlank() && !l.startsWith("#")) {
                out.add(l.strip());
            }
        }
        return out;
    }

    @TestFactory
    @DisplayName("upstream scripts on the passing list still pass")
    Stream<DynamicTest> upstreamScripts() throws IOException {
        Path dir = scriptsOrSkip();
        Set<String> passing = passingList();
        List<DynamicTest> tests = new ArrayList<>();
        List<String> newlyPassing = new ArrayList<>();
        for (Path script : PdReport.scripts(List.of(dir))) {
            String name = dir.relativize(script).toString();
            if (passing.contains(name)) {
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    PdResult r = PdRunner.run(script);
                    assertEquals(PdResult.Status.PASS, r.status(), r.toString());
                }));
            } else if (PdRunner.run(script).status() == PdResult.Status.PASS) {
                newlyPassing.add(name);
            }
        }
        if (!newlyPassing.isEmpty()) {
            System.out.println("packetdrill: newly passing, add to passing.txt: " + newlyPassing);
        }
        return tests.stream();
    }

    @Test
    @DisplayName("every script on the passing list exists")
    void passingListIsCurrent() throws IOException {
        Path dir = scriptsOrSkip();
        for (String name : passingList()) {
            assertTrue(Files.isRegularFile(dir.resolve(name)), "listed but missing: " + name);
        }
    }

    @Test
    @DisplayName("docs/conformance.md's table states what passing.txt lists: per folder and in total")
    void tableAgreesWithPassingList() throws IOException {
        String doc = Files.readString(TABLE);
        Matcher total = TOTAL.matcher(doc);
        assertTrue(total.find(), "docs/conformance.md has no 'Upstream results now (...; N of M pass)' line");
        Set<String> passing = passingList();
        assertEquals(passing.size(), Integer.parseInt(total.group(1)), "conformance.md pass count vs passing.txt");
        Map<String, Integer> perFolder = new TreeMap<>();
        for (String p : passing) {
            perFolder.merge(p.substring(0, p.indexOf('/')), 1, Integer::sum);
        }
        Map<String, Integer> table = new TreeMap<>();
        int scripts = 0;
        for (String line : doc.substring(total.end()).lines().toList()) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                int pass = Integer.parseInt(row.group(2));
                if (pass > 0) {
                    table.put(row.group(1), pass);
                }
                scripts += pass + Integer.parseInt(row.group(3)) + Integer.parseInt(row.group(4));
            } else if (!table.isEmpty() && !line.startsWith("|")) {
                break;
            }
        }
        assertEquals(perFolder, table, "conformance.md table (pass per folder) vs passing.txt");
        assertEquals(Integer.parseInt(total.group(2)), scripts, "conformance.md table covers every script it counts");
        Path dir = upstream();
        if (Files.isDirectory(dir)) {
            assertEquals(PdReport.scripts(List.of(dir)).size(), scripts, "conformance.md script count vs " + dir);
        }
    }

    @TestFactory
    @DisplayName("the project's scripts (SYN cookies, queues, TIME_WAIT, teardown) pass")
    Stream<DynamicTest> ownScripts() throws IOException {
        List<Path> scripts = PdReport.scripts(List.of(OWN));
        assertTrue(scripts.size() >= 9, "project scripts: " + scripts);
        return scripts.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> {
            PdResult r = PdRunner.run(s);
            assertEquals(PdResult.Status.PASS, r.status(), r.toString());
        }));
    }
}
