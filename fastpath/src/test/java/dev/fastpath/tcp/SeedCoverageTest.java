package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
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
import org.junit.jupiter.api.Test;

/**
 * The seed checklist (docs/SEED-CHECKLIST.md) against the one explicit mapping, {@link Seed} on test
 * methods: every step id (H1…H12, W1…W3, R1…R5, F1…F14, T1…T3) is claimed by at least one test, every
 * claimed id exists, every claim sits on a method JUnit runs, and a {@code @DisplayName} names no id
 * its test does not claim — an id in a name is a claim, never a mention.
 */
class SeedCoverageTest {
    private static final Pattern ID = Pattern.compile("\\*\\*([HWRFT]\\d+)\\*\\*");
    private static final Pattern NAMED = Pattern.compile("(?<![A-Za-z0-9_])([HWRFT]\\d{1,2})(?![A-Za-z0-9_])");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/SEED-CHECKLIST.md"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "cannot find docs/SEED-CHECKLIST.md above " + Path.of("").toAbsolutePath());
        return p;
    }

    static Set<String> checklistIds() throws IOException {
        String checklist = Files.readString(root().resolve("docs/SEED-CHECKLIST.md"));
        Set<String> ids = new TreeSet<>();
        Matcher m = ID.matcher(checklist);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Every test class compiled from this module's test sources, nested classes included. */
    static List<Class<?>> testClasses() throws IOException, URISyntaxException {
        Path classes = Path.of(SeedCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("package-info") || name.matches(".*\\$\\d+.*")) {
                    continue; // anonymous classes hold no tests
                }
                try {
                    out.add(Class.forName(name, false, SeedCoverageTest.class.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError("cannot load " + name, e);
                }
            }
        }
        return out;
    }

    private static boolean isTest(Method m) {
        for (Annotation a : m.getAnnotations()) {
            if (a instanceof Test || a.annotationType().isAnnotationPresent(
                    org.junit.jupiter.api.TestTemplate.class)) {
                return true;
            }
        }
        return false;
    }

    /** @return step id → the tests that claim it */
    static Map<String, Set<String>> claims() throws IOException, URISyntaxException {
        Map<String, Set<String>> claims = new TreeMap<>();
        for (Class<?> c : testClasses()) {
            for (Method m : c.getDeclaredMethods()) {
                Seed s = m.getAnnotation(Seed.class);
                if (s != null) {
                    for (String id : s.value()) {
                        claims.computeIfAbsent(id, k -> new TreeSet<>()).add(c.getName() + "#" + m.getName());
                    }
                }
            }
        }
        return claims;
    }

    @Test
    void everySeedStepIsClaimedByATestAndEveryClaimIsAStep() throws Exception {
        Set<String> ids = checklistIds();
        assertEquals(37, ids.size(), "the checklist has H1–H12, W1–W3, R1–R5, F1–F14, T1–T3: " + ids);
        Map<String, Set<String>> claims = claims();
        Set<String> unclaimed = new TreeSet<>(ids);
        unclaimed.removeAll(claims.keySet());
        assertEquals(Set.of(), unclaimed, "seed steps no @Seed test claims");
        Set<String> unknown = new TreeSet<>(claims.keySet());
        unknown.removeAll(ids);
        assertEquals(Set.of(), unknown, "@Seed ids that are not in the checklist: " + claims);
        StringBuilder table = new StringBuilder("seed step → tests\n");
        claims.forEach((id, tests) -> table.append(id).append(' ').append(tests).append('\n'));
        System.out.print(table);
    }

    @Test
    void claimsSitOnTestsAndNamesMentionNothingTheyDoNotClaim() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Class<?> c : testClasses()) {
            for (Method m : c.getDeclaredMethods()) {
                Seed s = m.getAnnotation(Seed.class);
                String where = c.getName() + "#" + m.getName();
                if (s != null && !isTest(m)) {
                    problems.add(where + ": @Seed on a method JUnit does not run");
                }
                if (s != null && s.value().length == 0) {
                    problems.add(where + ": @Seed with no id");
                }
                DisplayName d = m.getAnnotation(DisplayName.class);
                if (d == null) {
                    continue;
                }
                Set<String> claimed = s == null ? Set.of() : Set.of(s.value());
                Matcher n = NAMED.matcher(d.value());
                while (n.find()) {
                    if (!claimed.contains(n.group(1))) {
                        problems.add(where + ": its name mentions " + n.group(1) + " but @Seed does not claim it");
                    }
                }
            }
        }
        // The tools module's tests cannot be loaded from here: there a name may not mention an id at all.
        Pattern display = Pattern.compile("@DisplayName\\(\"([^\"]*)\"");
        try (Stream<Path> files = Files.walk(root().resolve("tools/src/test/java"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                Matcher d = display.matcher(Files.readString(f).replaceAll("\"\\s*\\+\\s*\"", ""));
                while (d.find()) {
                    if (NAMED.matcher(d.group(1)).find()) {
                        problems.add(f + ": a seed id in \"" + d.group(1) + "\" (claims live in the fastpath module)");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
