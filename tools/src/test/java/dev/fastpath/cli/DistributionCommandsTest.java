package dev.fastpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The distribution's command line: every subcommand of both modules is registered through the one mechanism. */
class DistributionCommandsTest {

    @Test
    void everySubcommandIsRegistered() {
        Set<String> names = Main.commandLine().getSubcommands().keySet();
        for (String expected : new String[] {"serve", "connect", "flood", "packetdrill", "lab", "demo", "bench"}) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
    }

    @Test
    void labRejectsUnknownAction() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "lab", "sideways");
        assertEquals(2, code, err::toString);
        assertTrue(err.toString().contains("unknown action"), err::toString);
    }
}
