package dev.fastpath.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** lab.sh through {@link Lab}: up is idempotent, the veth never touches the root namespace, down cleans up. */
@Timeout(60)
class LabTest {

    /** Above the kernel's pid_max limit (4194304), so a lab named after it is always stale. */
    private static final String DEAD_PID = "999999999";

    @BeforeEach
    void needsLab() {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
    }

    private static List<String> namespaces() {
        Lab.Result r = Lab.exec(List.of("ip", "netns", "list"), 5);
        assertEquals(0, r.exitCode(), r.output());
        return r.output().lines().map(l -> l.split(" ")[0]).toList();
    }

    private static Lab.Result script(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", Lab.script().toString()));
        cmd.addAll(List.of(args));
        return Lab.exec(cmd, 30);
    }

    @Test
    void upBuildsBothEndsInsideNamespacesAndDownRemovesThem() {
        String name;
        try (Lab lab = Lab.up()) {
            name = lab.name();
            assertTrue(name.startsWith(ProcessHandle.current().pid() + "-"), name);
            assertTrue(namespaces().containsAll(List.of(lab.nsA(), lab.nsB())), namespaces().toString());
            Lab.Result a = lab.run(lab.nsA(), 5, "ip", "-br", "addr", "show", Lab.IF_A);
            assertTrue(a.output().contains("198.18.0.1/24") && a.output().contains("UP"), a.output());
            Lab.Result b = lab.run(lab.nsB(), 5, "ip", "-br", "addr", "show", Lab.IF_B);
            assertTrue(b.output().contains("198.18.0.2/24") && b.output().contains("UP"), b.output());
            assertTrue(lab.run(lab.nsB(), 5, "ip", "link", "show", Lab.IF_B).output()
                .contains("02:00:c6:12:00:02"));
            // Neither end exists in the root namespace.
            assertNotEquals(0, Lab.exec(List.of("ip", "link", "show", Lab.IF_A), 5).exitCode());
            assertNotEquals(0, Lab.exec(List.of("ip", "link", "show", Lab.IF_B), 5).exitCode());
            // Idempotent: a second up of the same name keeps the lab.
            Lab.Result again = script("up", name);
            assertEquals(0, again.exitCode(), again.output());
            assertEquals(lab.nsA() + " " + lab.nsB(), again.output().strip());
            assertEquals(0, lab.run(lab.nsA(), 5, "ip", "link", "show", Lab.IF_A).exitCode());
        }
        List<String> after = namespaces();
        assertFalse(after.contains("fpA-" + name) || after.contains("fpB-" + name), after.toString());
    }

    /** A JVM stopped by SIGTERM (or Ctrl-C) with its lab still up tears the lab down on its way out. */
    @Test
    void aStoppedJvmLeavesNoLabBehind() throws Exception {
        Process p = new ProcessBuilder(Lab.javaCommand(System.getProperty("java.class.path"),
            LabHolder.class.getName())).redirectErrorStream(true).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("UP "), "the holder brought its lab up: " + line);
            String name = line.substring(3).strip();
            assertTrue(namespaces().contains("fpA-" + name), namespaces().toString());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the holder stopped");
            List<String> after = namespaces();
            assertFalse(after.contains("fpA-" + name) || after.contains("fpB-" + name), after.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void downAlsoRemovesStaleLabsOfDeadProcesses() {
        String stale = DEAD_PID + "-stale";
        Lab.Result up = script("up", stale);
        assertEquals(0, up.exitCode(), up.output());
        assertTrue(script("status").output().contains("fpA-" + stale + " stale"));
        Lab live = Lab.up();
        live.close();
        List<String> after = namespaces();
        assertFalse(after.contains("fpA-" + stale) || after.contains("fpB-" + stale), after.toString());
        assertTrue(after.stream().noneMatch(ns -> ns.startsWith("fp") && ns.contains("-" + DEAD_PID + "-")),
            after.toString());
        assertFalse(script("status", live.name()).output().contains(live.name()));
    }

    @Test
    void badNamesAreRefused() {
        Lab.Result r = script("up", "../etc");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("bad lab name"), r.output());
    }
}
