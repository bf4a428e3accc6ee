package dev.fastpath.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench jmh}: JMH's options reach benchmarks.jar unchanged; defaults fill only what the caller left out. */
class JmhCommandTest {

    @TempDir
    Path dir;

    private List<String> jmhPart(List<String> cmd) {
        return cmd.subList(cmd.indexOf("-jar") + 2, cmd.size());
    }

    @Test
    void callersOptionsPassThroughInOrderAfterTheDefaultsTheyDoNotOverride() throws Exception {
        List<String> args = List.of("engine", "-f", "2", "-t", "4", "-prof", "gc", "-p", "size=64",
                "-jvmArgs", "-Xmx1g", "-r", "200ms");
        List<String> cmd = jmhPart(JmhCommand.command(Path.of("b.jar"), args, dir.resolve("r.json")));
        assertEquals(args, cmd.subList(cmd.size() - args.size(), cmd.size()), "the caller's arguments, as given");
        List<String> defaults = cmd.subList(0, cmd.size() - args.size());
        List<String> expected = List.of("-wi", "3", "-w", "1s", "-i", "5", "-rf", "json", "-rff",
                dir.resolve("r.json").toString());
        assertEquals(expected, defaults, "-f and -r were given, so only the other defaults are added");
    }

    /** JMH's own parser judges the options: a bad value or an unknown option is one line, before JMH starts. */
    @Test
    void optionsJmhRefusesAreSaidInOneLine() {
        Path jar = dir.resolve("none.jar");
        String f = JmhCommand.jmhRefuses(jar, List.of("-f", "abc"));
        assertTrue(f != null && f.contains("Cannot parse argument 'abc' of option f") && !f.contains("\n"), f);
        String wi = JmhCommand.jmhRefuses(jar, List.of("-wi", "-1", "engine"));
        assertTrue(wi != null && wi.contains("should be non-negative"), wi);
        String i = JmhCommand.jmhRefuses(jar, List.of("-i", "0"));
        assertTrue(i != null && i.contains("should be positive"), i);
        String unknown = JmhCommand.jmhRefuses(jar, List.of("-zz"));
        assertTrue(unknown != null && unknown.contains("not a recognized option"), unknown);
        assertEquals(null, JmhCommand.jmhRefuses(jar, List.of("engine", "-f", "1", "-wi", "3", "-w", "1s", "-t", "2")));
    }

    @Test
    void aResultFormatOtherThanJsonGetsNoJsonFileName() throws Exception {
        List<String> cmd = jmhPart(JmhCommand.command(Path.of("b.jar"), List.of("-rf", "csv"), dir.resolve("r.json")));
        assertFalse(cmd.contains("-rff"), cmd.toString());
        assertEquals(1, cmd.stream().filter("-rf"::equals).count(), cmd.toString());
    }

    @Test
    void helpAndListingGetNoDefaults() throws Exception {
        assertEquals(List.of("-h"), jmhPart(JmhCommand.command(Path.of("b.jar"), List.of("-h"), dir.resolve("r"))));
        assertEquals(List.of("-l", "engine"),
                jmhPart(JmhCommand.command(Path.of("b.jar"), List.of("-l", "engine"), dir.resolve("r"))));
    }

    @Test
    void picocliHandsEveryArgumentToJmhUntouched() {
        JmhCommand jmh = new JmhCommand();
        new picocli.CommandLine(jmh).parseArgs("-wi", "1", "-t", "2", "-h", "x.*");
        List<String> cmdArgs;
        try {
            cmdArgs = jmhPart(JmhCommand.command(Path.of("b.jar"), jmh.arguments(), dir.resolve("r")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(cmdArgs.containsAll(List.of("-wi", "1", "-t", "2", "-h", "x.*")), cmdArgs.toString());
    }
}
