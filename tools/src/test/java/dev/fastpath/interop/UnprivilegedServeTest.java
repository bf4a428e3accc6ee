package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege (issue 22): {@code serve --io af_xdp} runs as the unprivileged user {@code nobody} holding exactly
 * the capabilities the repository's systemd unit grants (its {@code AmbientCapabilities=} line is read, so the unit
 * and this test cannot drift apart), serves curl, holds none of them once it is ready (every thread of the JVM
 * dropped them), and leaves no XDP program behind. Without one
 * of them it refuses at once, naming the capability, instead of printing the kernel's EPERM.
 */
class UnprivilegedServeTest extends KernelPeerTestBase {
    private static final Path UNIT = Path.of("systemd/fastpath-serve@.service");
    private static Path classes;

    @Override
    String io() {
        return "af_xdp";
    }

    @BeforeAll
    static void readableClassPath() throws IOException {
        assumeTrue(Lab.exec(List.of("sh", "-c", "command -v setpriv && id nobody"), 5).exitCode() == 0,
                "setpriv or the user nobody is missing");
        // The build's class path lives under root's home; nobody reads a copy.
        classes = Files.createTempDirectory("fp-unpriv-");
        Files.setPosixFilePermissions(classes, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(e);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = classes.resolve(i++ + "-" + from.getFileName());
            copy(from, to);
            entries.add(to.toString());
        }
        classPath = String.join(File.pathSeparator, entries);
    }

    private static String classPath;

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                    Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    @AfterAll
    static void removeCopy() throws IOException {
        if (classes != null) {
            try (Stream<Path> all = Files.walk(classes)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The unit's {@code AmbientCapabilities=}, as setpriv's list: {@code net_raw,bpf,...}. */
    static List<String> unitCapabilities() throws IOException {
        for (String line : Files.readAllLines(UNIT)) {
            if (line.startsWith("AmbientCapabilities=")) {
                List<String> caps = new ArrayList<>();
                for (String c : line.substring("AmbientCapabilities=".length()).strip().split("\\s+")) {
                    caps.add(c.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""));
                }
                return caps;
            }
        }
        throw new AssertionError("no AmbientCapabilities= in " + UNIT);
    }

    private Process serveAsNobody(List<String> caps, String... more) {
        String set = "-all" + (caps.isEmpty() ? "" : ",+" + String.join(",+", caps));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=" + set, "--ambient-caps=" + set, "--"));
        cmd.addAll(List.of(Lab.javaCommand(classPath, "dev.fastpath.cli.Main", "serve", "--io", "af_xdp", "--iface",
                Lab.IF_A, "--ip", Lab.IP_A + "/24", "--port", "80", "--app", "http")));
        cmd.addAll(List.of(more));
        lab.run(lab.nsB(), 5, "ip", "neigh", "flush", "dev", Lab.IF_B);
        return lab.spawn(lab.nsA(), cmd.toArray(String[]::new));
    }

    @Test
    void servesCurlAsNobodyWithOnlyTheUnitsCapabilities() throws Exception {
        List<String> caps = unitCapabilities();
        assertEquals(List.of("net_raw", "bpf", "net_admin", "ipc_lock"), caps, "the documented set changed");
        Process p = serveAsNobody(caps);
        Child child = new Child(p, "serve-as-nobody");
        Optional<String> ready = child.awaitLine("ready", READY_MS);
        assertTrue(ready.isPresent(), child::output);
        String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
        assertTrue(status.contains("\nUid:\t65534\t65534\t65534\t65534"), status);
        // Given NET_ADMIN, NET_RAW, IPC_LOCK, BPF; once the rings are open and the program attached (a BPF link,
        // which closing detaches), every thread holds none: permitted, effective and ambient empty.
        assertEveryThreadHolds(p.pid(), "0000000000000000", child);
        assertTrue(child.output().contains("capabilities dropped in"), child::output);
        Lab.Result curl = lab.run(lab.nsB(), 15, "curl", "-sS", "--max-time", "10", "http://" + Lab.IP_A + "/");
        assertEquals(0, curl.exitCode(), curl.output() + "\n" + child.output());
        assertFalse(curl.output().isBlank(), "empty answer");
        assertTrue(lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output().contains("xdp"));
        p.toHandle().destroy(); // SIGTERM
        assertTrue(child.awaitLine("stopped", 15_000).isPresent(), child::output);
        child.awaitExit(10_000);
        String after = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
        assertFalse(after.contains("xdp"), "an XDP program is left:\n" + after);
    }

    /**
     * Attached through netlink, the program outlives its file descriptors: detaching it at the stop is an
     * RTM_SETLINK, so CAP_NET_ADMIN — and only it — stays; the stop then leaves no program behind.
     */
    @Test
    void attachedThroughNetlinkItKeepsOnlyNetAdminToDetach() throws Exception {
        Process p = serveAsNobody(unitCapabilities(), "--xdp-attach", "netlink");
        Child child = new Child(p, "serve-as-nobody-netlink");
        assertTrue(child.awaitLine("ready", READY_MS).isPresent(), child::output);
        assertEveryThreadHolds(p.pid(), "0000000000001000", child);
        Lab.Result curl = lab.run(lab.nsB(), 15, "curl", "-sS", "--max-time", "10", "http://" + Lab.IP_A + "/");
        assertEquals(0, curl.exitCode(), curl.output() + "\n" + child.output());
        p.toHandle().destroy();
        assertTrue(child.awaitLine("stopped", 15_000).isPresent(), child::output);
        child.awaitExit(10_000);
        String after = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
        assertFalse(after.contains("xdp"), "an XDP program is left:\n" + after + "\n" + child.output());
    }

    /** Every thread's permitted and effective sets are {@code hex}, its ambient set empty (/proc/PID/task/*). */
    private static void assertEveryThreadHolds(long pid, String hex, Child child) throws IOException {
        List<Path> tasks;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks = s.toList();
        }
        assertTrue(tasks.size() > 5, "the JVM's threads: " + tasks);
        for (Path t : tasks) {
            String st;
            try {
                st = Files.readString(t.resolve("status"));
            } catch (IOException gone) {
                continue;
            }
            String name = st.lines().findFirst().orElse("") + " (" + t.getFileName() + ")";
            assertTrue(st.contains("\nCapPrm:\t" + hex + "\n"), name + "\n" + st + "\n" + child.output());
            assertTrue(st.contains("\nCapEff:\t" + hex + "\n"), name + "\n" + st + "\n" + child.output());
            assertTrue(st.contains("\nCapAmb:\t" + hex + "\n") || st.contains("\nCapAmb:\t0000000000000000\n"),
                    name + "\n" + st);
        }
    }

    @Test
    void withoutOneOfThemItSaysWhichItNeedsAndStops() throws Exception {
        List<String> caps = new ArrayList<>(unitCapabilities());
        caps.remove("bpf");
        Child child = new Child(serveAsNobody(caps), "serve-without-bpf");
        assertEquals(2, child.awaitExit(READY_MS), child::output);
        List<String> lines = child.lines().stream().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), child::output);
        assertTrue(lines.getFirst().contains("needs CAP_NET_RAW") && lines.getFirst().contains("lacks CAP_BPF"),
                child::output);
        assertFalse(child.output().contains("EPERM"), child::output);
    }
}
