package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.fastpath.cli.Main;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cookie correctness matrix in the lab. Against Linux with {@code tcp_syncookies=2} it must show Linux's known
 * behaviour: every MSS the SYN asked for honoured (rounded down to its table, never above), window scale and SACK
 * kept with timestamps and lost without them (reported, not failed), no forged cookie taken — exit 0. Against
 * Fastpath {@code serve} it passes as it is, and with the TEST-ONLY knob {@code test.cookie_ignores_mss=1} (the
 * cookie's MSS ignored) the MSS cases are flagged and the run fails.
 */
@Timeout(240)
class MatrixLabTest {

    private static final int PORT = 8080;
    private static final long CHILD_MS = 90_000;

    /** A threaded echo server: every connection's bytes are written back until it closes. */
    static final String ECHO = """
            import socket, threading
            ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind(('198.18.0.2', 8080)); ls.listen(4096)
            print('ready', flush=True)
            def serve(c):
                try:
                    while True:
                        d = c.recv(65536)
                        if not d:
                            break
                        c.sendall(d)
                except OSError:
                    pass
                c.close()
            while True:
                c, _ = ls.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
            """;

    @TempDir
    Path dir;

    /**
     * The target's veth must segment: with TSO/GSO on, Linux hands a whole echo to veth as one GSO packet, and the
     * generator's socket sees a 4000-byte "segment" no wire would carry.
     */
    private static void segmentOnTheWire(Lab lab) {
        check(lab.run(lab.nsB(), 10, "ethtool", "-K", Lab.IF_B, "tso", "off", "gso", "off"));
    }

    @BeforeEach
    void needLab() throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @Test
    void linuxShowsItsKnownCookieBehaviour() throws Exception {
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_syncookies=2"));
            check(lab.run(lab.nsB(), 10, "ip", "route", "replace", "198.19.0.0/16", "via", Lab.IP_A));
            segmentOnTheWire(lab);
            Child echo = new Child(lab.spawn(lab.nsB(), "python3", "-c", ECHO), "echo");
            assertTrue(echo.awaitLine("ready", CHILD_MS).isPresent(), echo::output);
            Run r = matrix(lab);
            assertEquals(0, r.rc, r.output);
            for (String name : List.of("mss=536", "mss=600", "mss=1000", "mss=1300", "mss=1440", "mss=1460",
                    "mss=536,no-ts", "mss=1300,no-ts")) {
                assertEquals("preserved", option(r, name, "mss"), name + ": " + r.output);
            }
            // Rounded down to Linux's table {536, 1300, 1440, 1460}: 1000 gets 536, 1380 gets 1300.
            assertEquals(536L, maxSegment(r, "mss=1000"), r.output);
            assertEquals(1300L, maxSegment(r, "mss=1380"), r.output);
            assertEquals("preserved", option(r, "wscale=7", "wscale"), r.output);
            assertEquals("preserved", option(r, "wscale=14", "wscale"), r.output);
            assertEquals("lost", option(r, "wscale=7,no-ts", "wscale"), "Linux without timestamps: " + r.output);
            assertEquals("preserved", option(r, "sack", "sack"), r.output);
            assertEquals("lost", option(r, "sack,no-ts", "sack"), "Linux without timestamps: " + r.output);
            assertEquals("not_offered", option(r, "no-sack", "sack"), r.output);
            assertEquals("preserved", option(r, "mss=1460", "ts"), r.output);
            assertEquals(0L, ((Number) forged(r).get("accepted")).longValue(), r.output);
            assertTrue(((Number) forged(r).get("reset")).longValue() > 0, "a listener resets a forged ACK: "
                + r.output);
        }
    }

    /**
     * Cookies answered late ({@code --cookie-ages}): Linux accepts a cookie while its minute counter is less than
     * MAX_SYNCOOKIE_AGE (2) behind — anything under 60 s always, anything from 120 s never — and resets the ACK of an
     * older one (cookie_v4_check() fails, the listener answers the ACK with a RST).
     */
    @Test
    @Timeout(300)
    void linuxTakesCookiesUpToItsValidityWindowAndResetsOlderOnes() throws Exception {
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_syncookies=2"));
            check(lab.run(lab.nsB(), 10, "ip", "route", "replace", "198.19.0.0/16", "via", Lab.IP_A));
            segmentOnTheWire(lab);
            Child echo = new Child(lab.spawn(lab.nsB(), "python3", "-c", ECHO), "echo");
            assertTrue(echo.awaitLine("ready", CHILD_MS).isPresent(), echo::output);
            Run r = matrix(lab, 200_000, "--forged", "0", "--cookie-ages", "0,40,125");
            assertEquals(0, r.rc, r.output);
            Map<?, ?> old = (Map<?, ?>) r.json.get("old_cookies");
            Map<Integer, Map<?, ?>> byAge = new HashMap<>();
            for (Object o : (List<?>) old.get("ages")) {
                Map<?, ?> m = (Map<?, ?>) o;
                byAge.put(((Number) m.get("age_s")).intValue(), m);
            }
            assertEquals(CookieAges.PER_AGE, count(byAge.get(0), "accepted"), r.output);
            assertEquals(CookieAges.PER_AGE, count(byAge.get(40), "accepted"), r.output);
            assertEquals(CookieAges.PER_AGE, count(byAge.get(125), "reset"), r.output);
            assertEquals(40, ((Number) old.get("all_accepted_up_to_s")).intValue(), r.output);
            assertEquals(125, ((Number) old.get("none_accepted_from_s")).intValue(), r.output);
        }
    }

    private static int count(Map<?, ?> age, String outcome) {
        return ((Number) age.get(outcome)).intValue();
    }

    @Test
    void fastpathServePassesAndTheBrokenKnobIsFlagged() throws Exception {
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsB(), 10, "ip", "addr", "flush", "dev", Lab.IF_B));
            segmentOnTheWire(lab);
            Run ok = withServe(lab, "test.cookie_ignores_mss=0");
            assertEquals("preserved", option(ok, "mss=536", "mss"), ok.output);
            assertEquals(0, ok.rc, ok.output);
            Run broken = withServe(lab, "test.cookie_ignores_mss=1");
            assertEquals(1, broken.rc, broken.output);
            assertEquals("lost", option(broken, "mss=536", "mss"), broken.output);
            assertTrue(broken.output.contains("mss=536: the target sent a segment of"), broken.output);
            assertTrue(((List<?>) broken.json.get("failures")).size() >= 1, broken.output);
        }
    }

    private Run withServe(Lab lab, String knob) throws Exception {
        Process proc = lab.spawn(lab.nsB(), Lab.javaCommand(System.getProperty("java.class.path"),
            Main.class.getName(), "serve", "--io", "af_packet", "--iface", Lab.IF_B, "--ip", Lab.IP_B + "/24",
            "--route", "198.19.0.0/16=" + Lab.IP_A, "--port", Integer.toString(PORT), "--app", "echo", "--set",
            "tcp.syncookies=2", "--set", knob));
        Child serve = new Child(proc, "serve");
        try {
            assertTrue(serve.awaitLine("ready", CHILD_MS).isPresent(), serve::output);
            return matrix(lab);
        } finally {
            Lab.exec(List.of("kill", "-INT", Long.toString(proc.pid())), 5); // this serve only: it stops cleanly
            serve.awaitExit(20_000);
        }
    }

    private record Run(int rc, String output, Map<String, Object> json) {
    }

    private Run matrix(Lab lab) throws Exception {
        return matrix(lab, CHILD_MS, "--forged", "300");
    }

    private Run matrix(Lab lab, long childMs, String... extra) throws Exception {
        Path json = dir.resolve("matrix-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("stress", "--matrix", "--iface", Lab.IF_A, "--io", "af_packet",
            "--target", Lab.IP_B + ":" + PORT, "--dst-mac", "02:00:c6:12:00:02", "--src", "198.19.9.0/24",
            "--duration", "20", "--json", json.toString()));
        args.addAll(List.of(extra));
        Child c = new Child(lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
            Main.class.getName(), args.toArray(String[]::new))), "matrix");
        int rc = c.awaitExit(childMs);
        String out = c.output();
        System.out.println(out);
        assertTrue(Files.exists(json), out);
        return new Run(rc, out, JSON.std.mapFrom(Files.readString(json)));
    }

    private static String option(Run r, String name, String option) {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        for (Object o : (List<?>) r.json.get("matrix")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            byName.put((String) m.get("case"), m);
        }
        Map<String, Object> c = byName.get(name);
        assertTrue(c != null, name + " in " + r.output);
        return (String) ((Map<?, ?>) c.get("options")).get(option);
    }

    private static long maxSegment(Run r, String name) {
        for (Object o : (List<?>) r.json.get("matrix")) {
            Map<?, ?> m = (Map<?, ?>) o;
            if (name.equals(m.get("case"))) {
                return ((Number) m.get("max_segment")).longValue();
            }
        }
        throw new AssertionError(name + " in " + r.output);
    }

    private static Map<?, ?> forged(Run r) {
        return (Map<?, ?>) r.json.get("forged");
    }

    private static void check(Lab.Result r) {
        assertEquals(0, r.exitCode(), r.output());
    }
}
