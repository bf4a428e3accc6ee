package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every step id of the seed checklist (H1…, W1…, R1…, F1…, T1…) is named by at least one test's
 * {@code @DisplayName}. The checklist is the repository's {@code docs/SEED-CHECKLIST.md}.
 */
class SeedCoverageTest {
    private static final Pattern ID = Pattern.compile("\\*\\*([HWRFT]\\d+)\\*\\*");
    private static final Pattern DISPLAY = Pattern.compile("@DisplayName\\(\"([^\"]*)\"");
    private static final Pattern NAMED = Pattern.compile("\\b([HWRFT]\\d+)\\b");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/SEED-CHECKLIST.md"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "cannot find docs/SEED-CHECKLIST.md above " + Path.of("").toAbsolutePath());
        return p;
    }

    @Test
    void everySeedIdIsNamedByATest() throws IOException {
        Path root = root();
        String checklist = Files.readString(root.resolve("docs/SEED-CHECKLIST.md"));
        Set<String> ids = new TreeSet<>();
        Matcher m = ID.matcher(checklist);
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertTrue(ids.size() >= 37, "the checklist has H1–H12, W1–W3, R1–R5, F1–F14, T1–T3: " + ids);
        Set<String> named = new TreeSet<>();
        for (String tests : new String[] {"fastpath/src/test/java", "tools/src/test/java"}) {
            try (Stream<Path> files = Files.walk(root.resolve(tests))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> collect(f, named));
            }
        }
        Set<String> missing = new TreeSet<>(ids);
        missing.removeAll(named);
        assertEquals(Set.of(), missing, "seed steps no test names");
    }

    private static void collect(Path file, Set<String> named) {
        try {
            String text = Files.readString(file).replaceAll("\"\\s*\\+\\s*\"", "");
            Matcher d = DISPLAY.matcher(text);
            while (d.find()) {
                Matcher n = NAMED.matcher(d.group(1));
                while (n.find()) {
                    named.add(n.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
