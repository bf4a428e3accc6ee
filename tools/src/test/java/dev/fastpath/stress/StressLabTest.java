package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.fastpath.bench.e2e.KernelListener;
import dev.fastpath.cli.Main;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fastpath stress --complete} in the lab against two targets: the Linux kernel with {@code tcp_syncookies=2}
 * (every SYN answered with a cookie; its own counters must show our ACKs as valid cookies: TcpExtSyncookiesRecv,
 * none failed) and Fastpath {@code serve} with {@code tcp.syncookies=2} (echo: our request comes back, then its FIN).
 * Counts, not speeds, are asserted: a modest rate that both targets answer in full on an idle machine, and a
 * tolerance of 10 % for a loaded one.
 */
@Timeout(180)
class StressLabTest {

    private static final int PORT = 8080;
    private static final int RATE = 500;
    private static final String SRC = "198.19.7.0/24";
    private static final long CHILD_MS = 60_000;

    @TempDir
    Path dir;

    @BeforeEach
    void needLab() throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @Test
    void linuxWithSyncookies2CompletesEveryHandshakeThroughTheCookie() throws Exception {
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_syncookies=2"));
            check(lab.run(lab.nsB(), 10, "ip", "route", "replace", "198.19.0.0/16", "via", Lab.IP_A));
            Child listener = new Child(lab.spawn(lab.nsB(), Lab.javaCommand(System.getProperty("java.class.path"),
                KernelListener.class.getName(), Lab.IP_B, Integer.toString(PORT), "4096", "60", "2")), "listener");
            assertTrue(listener.awaitLine("ready", CHILD_MS).isPresent(), listener::output);
            check(lab.run(lab.nsB(), 10, "nstat", "-n"));
            Map<String, Object> r = stress(lab, "--complete");
            long sent = num(r, "syn_sent");
            // Never more than rate x duration; how close it gets is the machine's speed, not a property to test.
            assertTrue(sent >= 1 && sent <= RATE * 2L, r.toString());
            assertTrue(num(r, "synack_valid") >= sent * 9 / 10, "SYN-ACKs answering our keyed ISN: " + r);
            assertTrue(num(r, "completed") >= sent * 9 / 10, "completed through the cookie: " + r);
            assertEquals(num(r, "handshake_acks"), num(r, "synack_valid"), "one final ACK per valid SYN-ACK: " + r);
            String nstat = lab.run(lab.nsB(), 10, "nstat", "-az", "TcpExtSyncookiesRecv", "TcpExtSyncookiesFailed")
                .output();
            assertTrue(counter(nstat, "TcpExtSyncookiesRecv") >= num(r, "completed"),
                "the kernel took our ACKs as valid cookies:\n" + nstat + r);
            assertEquals(0, counter(nstat, "TcpExtSyncookiesFailed"), nstat);
        }
    }

    @Test
    void fastpathServeCompletesAndEchoesTheRequest() throws Exception {
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "ip", "addr", "flush", "dev", Lab.IF_B));
            Child serve = new Child(lab.spawn(lab.nsB(), Lab.javaCommand(System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--io", "af_packet", "--iface", Lab.IF_B, "--ip", Lab.IP_B + "/24",
                "--route", "198.19.0.0/16=" + Lab.IP_A, "--port", Integer.toString(PORT), "--app", "echo",
                "--set", "tcp.syncookies=2")), "serve");
            assertTrue(serve.awaitLine("ready", CHILD_MS).isPresent(), serve::output);
            Map<String, Object> r = stress(lab, RATE / 5, "--complete", "--request", "hello\\n");
            long sent = num(r, "syn_sent");
            // serve on AF_PACKET in a JVM just started drops frames at its ring and answers late on a loaded machine
            // (rxDrops in its counters; SYN-ACKs a second late, hence the long linger and the modest rate): what is
            // asserted is that what it answered, it completed.
            assertTrue(num(r, "synack_valid") >= sent / 2, "SYN-ACKs answering our keyed ISN: " + r);
            assertTrue(num(r, "completed") >= num(r, "handshake_acks") * 9 / 10, "completed (echo answered, then "
                + "its FIN): " + r + serve.output());
            assertEquals(0, num(r, "completed_by_reset"), r.toString());
        }
    }

    @Test
    void legitimateClientsOnTheEngineBesideTheFloodAndTheSloVerdict() throws Exception {
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_syncookies=2"));
            check(lab.run(lab.nsB(), 10, "ip", "route", "replace", "198.19.0.0/16", "via", Lab.IP_A));
            Child echo = new Child(lab.spawn(lab.nsB(), "python3", "-c", MatrixLabTest.ECHO), "echo");
            assertTrue(echo.awaitLine("ready", CHILD_MS).isPresent(), echo::output);
            Path lines = dir.resolve("seconds.jsonl");
            Path md = dir.resolve("summary.md");
            Path png = dir.resolve("plot.png");
            // Modest rates: the Python echo server (a thread per connection) is the limit on a loaded machine, and
            // what is checked here is the mechanics, not its capacity.
            Map<String, Object> r = stress(lab, RATE / 10, "--complete", "--request", "x\\n", "--legit-rate", "10",
                "--legit-ip", "198.18.0.3/24", "--legit-request", "hello\\n", "--slo", "legit-success=10",
                "--json-lines", lines.toString(), "--markdown", md.toString(), "--plot", png.toString());
            assertTrue(num(r, "legit_attempts") >= 10, r.toString());
            assertTrue(num(r, "legit_success") >= 1, r.toString());
            assertTrue(((Number) r.get("legit_p99_ms")).doubleValue() > 0, r.toString());
            List<String> perSecond = Files.readAllLines(lines);
            assertTrue(perSecond.size() >= 2 && perSecond.get(1).contains("\"legit_ok\""), perSecond.toString());
            assertTrue(Files.readString(md).contains("legit_success_pct"), md.toString());
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
            assertTrue(head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG");
            // An objective nobody meets: exit 1, the objective named.
            Path json = dir.resolve("slo.json");
            Child c = new Child(lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
                Main.class.getName(), "stress", "--iface", Lab.IF_A, "--io", "af_packet", "--target",
                Lab.IP_B + ":" + PORT, "--dst-mac", "02:00:c6:12:00:02", "--src", "198.19.8.0/24", "--rate", "50",
                "--duration", "1", "--legit-rate", "10", "--legit-ip", "198.18.0.3/24", "--legit-request",
                "hello\\n", "--slo", "p99-ms=0.0001", "--json", json.toString())), "stress-slo");
            assertEquals(1, c.awaitExit(CHILD_MS), c::output);
            assertTrue(c.output().contains("SLO p99-ms=0.0001 missed"), c::output);
        }
    }

    /** HAProxy (TCP mode) on the kernel with tcp_syncookies=2, in front of an echo server on B's loopback. */
    static final String HAPROXY_CFG = """
            global
                maxconn 8192
            defaults
                mode tcp
                timeout connect 2s
                timeout client 10s
                timeout server 10s
            frontend stress
                bind 198.18.0.2:8080
                default_backend echo
            backend echo
                server e1 127.0.0.1:9000
            """;

    @Test
    void haproxyOnTheKernelCompletesThroughTheKernelsCookies() throws Exception {
        assumeTrue(Lab.exec(List.of("sh", "-c", "command -v haproxy"), 5).exitCode() == 0,
            "haproxy is not installed (bin/fastpath setup installs it)");
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_syncookies=2"));
            check(lab.run(lab.nsB(), 10, "ip", "route", "replace", "198.19.0.0/16", "via", Lab.IP_A));
            Child echo = new Child(lab.spawn(lab.nsB(), "python3", "-c",
                MatrixLabTest.ECHO.replace("('198.18.0.2', 8080)", "('127.0.0.1', 9000)")), "echo");
            assertTrue(echo.awaitLine("ready", CHILD_MS).isPresent(), echo::output);
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, HAPROXY_CFG);
            Child haproxy = new Child(lab.spawn(lab.nsB(), "haproxy", "-db", "-f", cfg.toString()), "haproxy");
            long deadline = System.nanoTime() + CHILD_MS * 1_000_000L;
            while (!lab.run(lab.nsB(), 5, "ss", "-ltn", "sport", "=", ":" + PORT).output().contains("LISTEN")) {
                assertTrue(System.nanoTime() < deadline, haproxy::output);
                Thread.sleep(100);
            }
            Map<String, Object> r = stress(lab, RATE / 5, "--complete", "--request", "hello\\n");
            long sent = num(r, "syn_sent");
            assertTrue(num(r, "synack_valid") >= sent * 9 / 10, "the kernel's cookie SYN-ACKs: " + r);
            assertTrue(num(r, "completed") >= num(r, "handshake_acks") * 9 / 10, "HAProxy echoed and closed: " + r
                + haproxy.output());
        }
    }

    private Map<String, Object> stress(Lab lab, String... extra) throws Exception {
        return stress(lab, RATE, extra);
    }

    private Map<String, Object> stress(Lab lab, int rate, String... extra) throws Exception {
        Path json = dir.resolve("stress-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("stress", "--iface", Lab.IF_A, "--io", "af_packet", "--target",
            Lab.IP_B + ":" + PORT, "--dst-mac", "02:00:c6:12:00:02", "--src", SRC, "--rate",
            Integer.toString(rate), "--duration", "2", "--linger-ms", "4000", "--json", json.toString()));
        args.addAll(List.of(extra));
        Child c = new Child(lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
            Main.class.getName(), args.toArray(String[]::new))), "stress");
        assertEquals(0, c.awaitExit(CHILD_MS), c::output);
        return JSON.std.mapFrom(Files.readString(json));
    }

    private static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Number, key + " in " + m);
        return ((Number) v).longValue();
    }

    private static long counter(String nstat, String name) {
        Matcher m = Pattern.compile(name + "\\s+(\\d+)").matcher(nstat);
        assertTrue(m.find(), name + " in " + nstat);
        return Long.parseLong(m.group(1));
    }

    private static void check(Lab.Result r) {
        assertEquals(0, r.exitCode(), r.output());
    }
}
