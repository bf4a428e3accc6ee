package dev.fastpath.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the demo's stopped backend may do to one request, made certain: a server whose kernel completed the
 * handshake and took the request, and which closes its listener without having accepted the connection (nginx's
 * graceful quit with a connection still queued). Linux resets such a connection (inet_csk_listen_stop()). A client
 * talking to the server directly sees the reset; through HAProxy in TCP mode it gets no answer; through {@code
 * fastpath lb} the backend's reset is passed on (LbResetFromBackend). No TCP balancer can replay a stream a backend
 * has taken, so the demo's verdict names such a request instead of calling it lost by the balancer.
 */
@Timeout(180)
class QueuedRequestResetLabTest {
    /** Listens, waits until a connection is queued, lets its request arrive, closes the listener unaccepted. */
    private static final String SERVER = """
            import socket, select, sys, time
            ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((sys.argv[1], int(sys.argv[2]))); ls.listen(16)
            print('ready', flush=True)
            r, _, _ = select.select([ls], [], [], 60)
            print('queued' if r else 'nothing queued', flush=True)
            time.sleep(1.0)
            ls.close()
            print('listener closed', flush=True)
            time.sleep(3)
            """;
    private static final long CHILD_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void theKernelHaproxyAndTheBalancerAllLoseARequestTheBackendTookAndNeverRead() throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        assumeTrue(Lab.exec(List.of("sh", "-c", "command -v haproxy && command -v curl"), 5).exitCode() == 0,
            "haproxy or curl missing (bin/fastpath setup)");
        try (Lab lab = Lab.up()) {
            check(lab.run(lab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A));
            // Directly: the client is reset.
            Child direct = server(lab, 8081);
            Lab.Result d = curl(lab, Lab.IP_B + ":8081");
            assertTrue(direct.awaitLine("listener closed", CHILD_MS).isPresent(), direct::output);
            assertTrue(direct.lines().contains("queued"), direct::output);
            assertEquals(56, d.exitCode(), "curl: connection reset by peer: " + d.output());

            // Through HAProxy (TCP mode, retries and redispatch on): no answer either.
            Child behindHaproxy = server(lab, 8082);
            Path cfg = dir.resolve("haproxy.cfg");
            Files.writeString(cfg, String.join("\n", "global", "    maxconn 100", "defaults", "    mode tcp",
                "    timeout connect 2s", "    timeout client 10s", "    timeout server 10s", "    retries 3",
                "    option redispatch", "listen vip", "    bind " + Lab.IP_B + ":8080",
                "    server b1 " + Lab.IP_B + ":8082", ""));
            Process haproxy = lab.spawn(lab.nsB(), "haproxy", "-db", "-f", cfg.toString());
            Child hp = new Child(haproxy, "haproxy");
            Lab.Result h;
            try {
                awaitListening(lab, 8080);
                h = curl(lab, Lab.IP_B + ":8080");
                assertTrue(behindHaproxy.awaitLine("listener closed", CHILD_MS).isPresent(), behindHaproxy::output);
            } finally {
                haproxy.destroy();
                hp.awaitExit(10_000);
            }
            assertTrue(behindHaproxy.lines().contains("queued"), behindHaproxy::output);
            assertNotEquals(0, h.exitCode(), "HAProxy had no answer to give: " + h.output());
            assertTrue(!h.output().contains("HTTP/"), h.output());

            // Through fastpath lb: the backend's reset is passed on, counted as such.
            Child behindLb = server(lab, 8083);
            Process lb = lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
                "dev.fastpath.cli.Main", "lb", "--io", "af_packet", "--iface", Lab.IF_A, "--ip", Lab.IP_A + "/24",
                "--vip", Lab.IP_A + ":80", "--backend", Lab.IP_B + ":8083"));
            Child lbOut = new Child(lb, "lb");
            assertTrue(lbOut.awaitLine("ready", CHILD_MS).isPresent(), lbOut::output);
            Lab.Result f = curl(lab, Lab.IP_A + ":80");
            assertTrue(behindLb.awaitLine("listener closed", CHILD_MS).isPresent(), behindLb::output);
            Lab.exec(List.of("kill", "-TERM", Long.toString(lb.pid())), 5);
            assertTrue(lbOut.awaitLine("stopped", 20_000).isPresent(), lbOut::output);
            assertTrue(behindLb.lines().contains("queued"), behindLb::output);
            assertEquals(56, f.exitCode(), "the backend's reset passed on: " + f.output() + "\n" + lbOut.output());
            String out = lbOut.output();
            assertEquals(1, counter(out, "LbResetFromBackend"), out);
            assertEquals(0, counter(out, "LbAttemptsExhausted"), "the connect had succeeded: " + out);
        }
    }

    private static Child server(Lab lab, int port) throws InterruptedException {
        Child c = new Child(lab.spawn(lab.nsB(), "python3", "-c", SERVER, Lab.IP_B, Integer.toString(port)),
            "server:" + port);
        assertTrue(c.awaitLine("ready", CHILD_MS).isPresent(), c::output);
        return c;
    }

    private static Lab.Result curl(Lab lab, String target) {
        return lab.run(lab.nsB(), 30, "curl", "-sS", "-i", "-m", "10", "http://" + target + "/");
    }

    private static void awaitListening(Lab lab, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (lab.run(lab.nsB(), 5, "sh", "-c", "ss -Hltn 'sport = :" + port + "' | grep -q LISTEN").exitCode()
                    == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("haproxy is not listening on " + port);
    }

    private static long counter(String out, String name) {
        Matcher m = Pattern.compile("worker\\d+\\." + name + " (\\d+)").matcher(out);
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    private static void check(Lab.Result r) {
        assertEquals(0, r.exitCode(), r.output());
    }
}
