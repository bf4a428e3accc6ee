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
