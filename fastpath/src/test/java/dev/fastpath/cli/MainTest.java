package dev.fastpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpListsUsageAndExitsZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("Usage: fastpath"), out.toString());
    }

    @Test
    void versionNamesTheVersionAndTheCommit() throws Exception {
        assertEquals(0, run("--version"));
        String line = out.toString().strip();
        assertTrue(line.startsWith("fastpath "), line);
        // Built from a git checkout (as in CI), the commit is embedded: the same one git reports for HEAD.
        Process git = new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes()).strip();
        if (git.waitFor() == 0 && head.matches("[0-9a-f]{7}")) {
            assertTrue(line.contains("(commit " + head), line + " does not name HEAD " + head);
        }
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertEquals(2, run("no-such-command"));
        assertTrue(err.toString().contains("no-such-command"), err.toString());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("missing subcommand"), err.toString());
    }
}
