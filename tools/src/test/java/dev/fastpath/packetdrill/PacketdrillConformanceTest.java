package dev.fastpath.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * ({@code src/test/resources/packetdrill/fastpath}) must all pass.
 */
class PacketdrillConformanceTest {
    private static final Path OWN = Path.of("src/test/resources/packetdrill/fastpath");
    private static final Path PASSING = Path.of("src/test/resources/packetdrill/passing.txt");

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
        Path dir = upstream();
        assumeTrue(Files.isDirectory(dir), "no packetdrill scripts at " + dir + " (set -Dfastpath.packetdrill.dir)");
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
        Path dir = upstream();
        assumeTrue(Files.isDirectory(dir), "no packetdrill scripts at " + dir);
        for (String name : passingList()) {
            assertTrue(Files.isRegularFile(dir.resolve(name)), "listed but missing: " + name);
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
