package dev.fastpath.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An assertion on a counter proves something only when the counter exists and some code path produces it:
 * every counter a test names ({@code TcpStat.X}, {@code NetStat.X}, or a name looked up in what {@code serve}
 * and {@code connect} print) must be one {@link StackWorker#counterNames()} knows, and the main code must
 * increment it (a {@code TcpStat}/{@code NetStat}/{@code LinkStat} counter through {@code inc}/{@code add}, a
 * parse or network drop by returning or counting its reason). Asserting 0 for a counter nothing increments cannot fail.
 */
class CountersNamedByTestsTest {
    private static final Pattern ENUM =
            Pattern.compile("\\b(TcpStat|NetStat|WorkerStat|LinkStat)\\.([A-Z][A-Za-z0-9]+)\\b");
    private static final Pattern NAME = Pattern.compile("\"((?:Tcp|Fp|Arp|Icmp|Neigh)[A-Za-z0-9_]+)\"");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("fastpath/src/main/java"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "cannot find fastpath/src/main/java above " + Path.of("").toAbsolutePath());
        return p;
    }

    private static String all(Path dir) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                b.append(Files.readString(f)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    @Test
    void everyCounterATestNamesExistsAndIsProduced() {
        Path root = root();
        String tests = all(root.resolve("fastpath/src/test/java")) + all(root.resolve("tools/src/test/java"));
        String main = all(root.resolve("fastpath/src/main/java"));
        Set<String> named = new TreeSet<>();
        Matcher m = ENUM.matcher(tests);
        while (m.find()) {
            if (!m.group(2).equals("Counters")) { // the storage class, not a counter
                named.add(m.group(2));
            }
        }
        String interop = all(root.resolve("tools/src/test/java/dev/fastpath/interop"));
        m = NAME.matcher(interop);
        while (m.find()) {
            named.add(m.group(1));
        }
        assertTrue(named.size() > 20, "the scan found the counters the tests name: " + named);
        Set<String> known = StackWorker.counterNames();
        List<String> problems = new ArrayList<>();
        for (String n : named) {
            if (!known.contains(n)) {
                problems.add(n + ": no such counter");
            } else if (!produced(n, main)) {
                problems.add(n + ": named by a test, incremented by no code");
            }
        }
        assertEquals(List.of(), problems);
    }

    private static boolean produced(String name, String main) {
        if (name.startsWith("FpParseDrop_")) {
            return main.contains("DropReason." + name.substring("FpParseDrop_".length()) + ";")
                    || main.contains("DropReason." + name.substring("FpParseDrop_".length()) + " ");
        }
        if (name.startsWith("FpNetDrop_")) {
            return main.contains("NetDropReason." + name.substring("FpNetDrop_".length()));
        }
        if (main.contains("\"" + name + "\"")) {
            return true; // counters the worker prints by name (FpXdpSynAcks, FpPcapRecords, ...)
        }
        // A use of the constant that is not a read (get) is an increment: inc(X), add(X, n), inc(c ? X : Y).
        Matcher m = Pattern.compile("(TcpStat|NetStat|WorkerStat|LinkStat)\\." + name + "\\b").matcher(main);
        while (m.find()) {
            if (!main.substring(Math.max(0, m.start() - 5), m.start()).endsWith("get(")) {
                return true;
            }
        }
        return false;
    }
}
