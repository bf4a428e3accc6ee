package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fastpath lb --config FILE} in the lab, through real kernel clients and servers: namespace A runs the
 * balancer on veth-a (the VIP is the stack's own 198.18.0.1), namespace B holds the clients (curl, python) and
 * three python backends on 198.18.0.11-13 ({@code lb/backend.py}), plus 198.18.0.2:9001 where nothing listens —
 * a backend that refuses, so a quarter of the flows retry on the next one. Every check is made on what the kernel
 * clients and backends saw, then on the balancer's counters at SIGTERM. Reloads (SIGHUP) rewrite the file.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LbLabTest {
    private static final String VIP = "198.18.0.1";
    private static final String PORT = "9000";
    private static final int BACKENDS = 3;
    private static Lab lab;
    private static final Process[] BACKEND = new Process[BACKENDS];
    private static final Child[] BACKEND_OUT = new Child[BACKENDS];
    private static Process lb;
    private static Child lbOut;
    private static Path config;
    private static Path nginxDir;
    private static Process nginx;
    private static int reloads;

    /**
     * The balancer's file: the stack on veth-a; VIP 198.18.0.1:9000 over the three backends and 198.18.0.2:9001
     * where nothing listens (refused: those flows retry on the next one), no health checks; VIP :9005, the same
     * with a 2 s idle timeout; VIP :9011 over b1 with a 3 s idle timeout; VIP :9003 over the three and a refusing
     * 198.18.0.2:9004 with HTTP health checks.
     *
     * @param weight1   b1's weight
     * @param refusing  whether the refusing backend is in :9000's pool
     * @param secondVip whether VIP :9002 (over b2) exists too
     * @param drain     1..3: that backend is drained; 0: none
     * (VIP :9010 is the three and nginx's 198.18.0.2:9081, no checks; {@code withoutNginx} leaves nginx out.)
     */
    private static String config(int weight1, boolean refusing, boolean secondVip, int drain) {
        return config(weight1, refusing, secondVip, drain, false);
    }

    private static String config(int weight1, boolean refusing, boolean secondVip, int drain, boolean withoutNginx) {
        StringBuilder b = new StringBuilder("[lb]\nio = \"af_packet\"\niface = \"" + Lab.IF_A + "\"\nip = \""
                + VIP + "/24\"\ndrain_timeout_s = 15\nmetrics = \"127.0.0.1:9100\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":" + PORT + "\"\nconnect_timeout_ms = 3000\n");
        for (int i = 0; i < BACKENDS; i++) {
            b.append("[[lb.vip.backend]]\naddress = \"").append(backendIp(i)).append(':').append(PORT)
                    .append("\"\nweight = ").append(i == 0 ? weight1 : 1).append('\n');
            if (drain == i + 1) {
                b.append("drain = true\n");
            }
        }
        if (refusing) {
            b.append("[[lb.vip.backend]]\naddress = \"" + Lab.IP_B + ":9001\"\n");
        }
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9005\"\nidle_timeout_s = 2\n[[lb.vip.backend]]\n"
                + "address = \"" + backendIp(0) + ":" + PORT + "\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9011\"\nidle_timeout_s = 3\n[[lb.vip.backend]]\n"
                + "address = \"" + backendIp(0) + ":" + PORT + "\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9003\"\n[lb.vip.health]\nkind = \"http\"\n"
                + "interval_ms = 400\ntimeout_ms = 400\nrise = 2\nfall = 3\n");
        for (int i = 0; i < BACKENDS; i++) {
            b.append("[[lb.vip.backend]]\naddress = \"").append(backendIp(i)).append(':').append(PORT)
                    .append("\"\n");
        }
        b.append("[[lb.vip.backend]]\naddress = \"" + Lab.IP_B + ":9004\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9006\"\nproxy_protocol = true\n[[lb.vip.backend]]\n"
                + "address = \"" + Lab.IP_B + ":9080\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9007\"\n[[lb.vip.backend]]\naddress = \"" + Lab.IP_B
                + ":9081\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9008\"\nmax_connections = 2\n[[lb.vip.backend]]\n"
                + "address = \"" + backendIp(0) + ":" + PORT + "\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9009\"\nmax_new_per_second = 1\n[[lb.vip.backend]]\n"
                + "address = \"" + backendIp(0) + ":" + PORT + "\"\n");
        b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9010\"\n");
        for (int i = 0; i < BACKENDS; i++) {
            b.append("[[lb.vip.backend]]\naddress = \"").append(backendIp(i)).append(':').append(PORT)
                    .append("\"\n");
        }
        if (!withoutNginx) {
            b.append("[[lb.vip.backend]]\naddress = \"" + Lab.IP_B + ":9081\"\n");
        }
        if (secondVip) {
            b.append("\n[[lb.vip]]\naddress = \"" + VIP + ":9002\"\n[[lb.vip.backend]]\naddress = \""
                    + backendIp(1) + ":" + PORT + "\"\n");
        }
        return b.toString();
    }

    /** Writes the file and sends SIGHUP; waits for the balancer to say it reloaded (or refused). */
    private static void reload(String text, boolean good) throws Exception {
        Files.writeString(config, text);
        Lab.Result r = Lab.exec(List.of("kill", "-HUP", Long.toString(lb.pid())), 5);
        assertEquals(0, r.exitCode(), r.output());
        if (good) {
            reloads++; // health changes publish snapshots too: count the reloads, not the generations
            for (long t = System.nanoTime(); logCount("reloaded generation ") < reloads
                    && System.nanoTime() - t < 20_000_000_000L; ) {
                Thread.sleep(20);
            }
            assertEquals(reloads, logCount("reloaded generation "), lbOut::output);
        }
    }

    @BeforeAll
    static void up() throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lb lab tests skipped: " + why.orElse(""));
        assumeTrue(Lab.exec(List.of("sh", "-c", "command -v ethtool"), 5).exitCode() == 0,
                "lb lab tests skipped: ethtool is missing");
        lab = Lab.up();
        check(lab.run(lab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A));
        check(lab.run(lab.nsB(), 5, "ethtool", "-K", Lab.IF_B, "tso", "off", "gso", "off"));
        for (int i = 0; i < BACKENDS; i++) {
            check(lab.run(lab.nsB(), 5, "ip", "addr", "add", backendIp(i) + "/24", "dev", Lab.IF_B));
            startBackend(i);
        }
        nginxDir = Files.createTempDirectory("lb-lab-nginx-");
        Files.writeString(nginxDir.resolve("nginx.conf"), String.join("\n",
                "worker_processes 1;",
                "daemon off;",
                "pid " + nginxDir.resolve("nginx.pid") + ";",
                "error_log " + nginxDir.resolve("error.log") + ";",
                "events { worker_connections 256; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + nginxDir + ";",
                "  server { listen " + Lab.IP_B + ":9080 proxy_protocol;",
                "    location / { return 200 \"pp $proxy_protocol_addr $proxy_protocol_port\\n\"; } }",
                "  server { listen " + Lab.IP_B + ":9081;",
                "    location / { return 200 \"nginx $remote_addr\\n\"; } }",
                "}", ""));
        nginx = lab.spawn(lab.nsB(), "nginx", "-c", nginxDir.resolve("nginx.conf").toString());
        config = Files.createTempFile("lb-lab-", ".toml");
        Files.writeString(config, config(1, true, false, 0));
        lb = lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"), "dev.fastpath.cli.Main",
                "lb", "--config", config.toString()));
        lbOut = new Child(lb, "lb");
        Optional<String> ready = lbOut.awaitLine("ready", 60_000);
        assertTrue(ready.isPresent(), lbOut::output);
    }

    @AfterAll
    static void down() throws Exception {
        if (lb != null && lb.isAlive()) {
            lb.toHandle().destroy();
            lbOut.awaitExit(15_000);
        }
        if (lab != null) {
            lab.close();
            lab = null;
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (nginxDir != null) {
            try (var files = Files.list(nginxDir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(nginxDir);
        }
    }

    private static String backendIp(int i) {
        return "198.18.0." + (11 + i);
    }

    private static void startBackend(int i) throws InterruptedException {
        BACKEND[i] = lab.spawn(lab.nsB(), "python3", resource("backend.py"), "b" + (i + 1), backendIp(i), PORT);
        BACKEND_OUT[i] = new Child(BACKEND[i], "backend b" + (i + 1));
        assertTrue(BACKEND_OUT[i].awaitLine("ready", 20_000).isPresent(), BACKEND_OUT[i]::output);
    }

    private static String resource(String name) {
        try {
            return Path.of(LbLabTest.class.getResource("/lb/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(Lab.Result r) {
        assertEquals(0, r.exitCode(), r.output());
    }

    /** Runs {@code lb/client.py MODE VIP PORT ARGS} in namespace B; it must succeed; returns its output. */
    private static String client(long timeoutSeconds, String mode, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", resource("client.py"), mode, VIP, PORT));
        cmd.addAll(Arrays.asList(args));
        Lab.Result r = lab.run(lab.nsB(), timeoutSeconds, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), () -> "client " + mode + " failed:\n" + r.output() + "\n" + lbOut.output());
        return r.output().strip();
    }

    @Test
    @Order(1)
    void curlThroughTheVipIsAnsweredByTheBackends() {
        Lab.Result r = lab.run(lab.nsB(), 120, "sh", "-c",
                "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do curl -sS -m 20 http://" + VIP + ":" + PORT + "/; done");
        assertEquals(0, r.exitCode(), r.output());
        List<String> answers = r.output().lines().toList();
        assertEquals(12, answers.size(), r.output());
        assertTrue(answers.stream().allMatch(a -> a.matches("b[123]")), r.output());
        assertTrue(answers.stream().distinct().count() >= 2, "12 client ports, one backend: " + answers);
    }

    /** nginx behind the VIP: plainly, and with a PROXY protocol v2 listener that reads the client's address. */
    @Test
    @Order(2)
    void nginxBackendsAndProxyProtocolV2() {
        assertTrue(nginx.isAlive(), "nginx runs");
        Lab.Result plain = lab.run(lab.nsB(), 60, "curl", "-sS", "-m", "20", "http://" + VIP + ":9007/");
        assertEquals(0, plain.exitCode(), plain.output());
        assertEquals("nginx " + VIP, plain.output().strip(), "nginx sees the balancer's address");
        Lab.Result pp = lab.run(lab.nsB(), 60, "curl", "-sS", "-m", "20", "--local-port", "45678",
                "http://" + VIP + ":9006/");
        assertEquals(0, pp.exitCode(), pp.output());
        assertEquals("pp " + Lab.IP_B + " 45678", pp.output().strip(), "nginx read the client from the header");
    }

    @Test
    @Order(3)
    void tenMegabytesEachWayArriveByteExact() {
        String out = client(240, "sink", "10000000", "10000000");
        assertTrue(out.matches("ok b[123]"), out);
    }

    @Test
    @Order(4)
    void manyConcurrentConnectionsAllComplete() {
        String out = client(240, "many", "40", "3", "20000");
        assertTrue(out.startsWith("ok 120 "), out);
        for (int i = 1; i <= BACKENDS; i++) {
            assertTrue(out.contains("b" + i + "="), "every backend took flows: " + out);
        }
    }

    @Test
    @Order(4)
    void theBackendClosingFirstEndsTheClientsStreamAfterItsData() {
        assertTrue(client(60, "close").matches("b[123] bye EOF"));
    }

    @Test
    @Order(5)
    void aBackendResetReachesTheClientAfterTheBytesBeforeIt() {
        String out = client(60, "rst");
        assertTrue(out.matches("b[123] rst RESET"), out);
    }

    @Test
    @Order(6)
    void aClientResetReachesTheBackend() throws InterruptedException {
        String out = client(60, "abort", "abort-1");
        int b = backendOf(out);
        assertTrue(BACKEND_OUT[b].awaitLine("RESET abort-1", 10_000).isPresent(), BACKEND_OUT[b]::output);
    }

    @Test
    @Order(7)
    void aClientsHalfCloseReachesTheBackendWhichCanStillAnswer() throws InterruptedException {
        String out = client(60, "fin", "fin-1");
        assertTrue(out.matches("b[123] held EOF"), out);
        int b = backendOf(out);
        assertTrue(BACKEND_OUT[b].awaitLine("EOF fin-1", 10_000).isPresent(), BACKEND_OUT[b]::output);
    }

    @Test
    @Order(8)
    void anIdlePairIsResetAtTheIdleTimeout() {
        Lab.Result r = lab.run(lab.nsB(), 60, "python3", "-c", String.join("\n",
                "import socket, time",
                "c = socket.create_connection(('" + VIP + "', 9005), timeout=20)",
                "t = time.monotonic()",
                "try:",
                "    d = c.recv(100)",
                "    print('EOF' if not d else 'DATA', round(time.monotonic() - t))",
                "except ConnectionResetError:",
                "    print('RESET', round(time.monotonic() - t))"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().strip().matches("RESET [1-9]\\d*"), "idle for idle_timeout_s = 2: " + r.output());
    }

    /**
     * A backend that accepts and never reads (backend.py STALL): its receive buffer fills, then the balancer's send
     * queue towards it, then the balancer's receive buffer from the client, whose window closes — the client's
     * kernel sends zero-window probes (TcpExtTCPWinProbe) and can push no more than the buffers on the way hold (the
     * balancer keeps at most its two sockets' buffers: tcp_rmem[2] + tcp_wmem[2], 10 MB; the client's send buffer
     * and the backend's receive buffer at most 4 MB + 6 MB more). Nothing moves, so the pair is reset at the VIP's
     * idle timeout (3 s): the client and the backend both see the reset.
     */
    @Test
    @Order(8)
    void aBackendThatNeverReadsClosesTheClientsWindowUntilTheIdleTimeout() throws InterruptedException {
        Lab.Result r = lab.run(lab.nsB(), 60, "python3", "-c", String.join("\n",
                "import socket, time, select",
                "def probes():",
                "    rows = [l.split() for l in open('/proc/net/netstat') if l.startswith('TcpExt:')]",
                "    return int(rows[1][rows[0].index('TCPWinProbe')])",
                "before = probes()",
                "c = socket.create_connection(('" + VIP + "', 9011), timeout=20)",
                "c.sendall(b'STALL stall-1\\n')",
                "hello = b''",
                "while not hello.endswith(b'\\n'):",
                "    hello += c.recv(100)",
                "c.setblocking(False)",
                "chunk = b'x' * 65536",
                "sent = 0; start = time.monotonic(); last = start; end = 'TIMEOUT'",
                "while time.monotonic() - start < 30:",
                "    try:",
                "        sent += c.send(chunk); last = time.monotonic(); continue",
                "    except BlockingIOError:",
                "        pass",
                "    except OSError as e:",
                "        end = 'RESET' if isinstance(e, (ConnectionResetError, BrokenPipeError)) else repr(e); break",
                "    readable, _, _ = select.select([c], [c], [], 0.2)",
                "    if readable:",
                "        try:",
                "            end = 'DATA' if c.recv(100) else 'EOF'",
                "        except ConnectionResetError:",
                "            end = 'RESET'",
                "        break",
                "now = time.monotonic()",
                "print(hello.decode().strip(), end, 'sent=%d stalled=%.1f total=%.1f probes=%d' % (sent, now - last,"
                        + " now - start, probes() - before))"));
        System.out.println("stalled client: " + r.output());
        assertEquals(0, r.exitCode(), r.output());
        Matcher m = Pattern.compile("b1 stall (\\S+) sent=(\\d+) stalled=([\\d.]+) total=([\\d.]+) probes=(\\d+)")
                .matcher(r.output());
        assertTrue(m.find(), r.output());
        assertEquals("RESET", m.group(1), "the idle timeout resets the pair: " + r.output());
        long sent = Long.parseLong(m.group(2));
        assertTrue(sent > 0 && sent <= 20L << 20, "bytes the client could push: " + r.output());
        assertTrue(Double.parseDouble(m.group(3)) >= 1.0, "the window was closed before the reset: " + r.output());
        assertTrue(Double.parseDouble(m.group(4)) >= 3.0, "not before the 3 s idle timeout: " + r.output());
        assertTrue(Long.parseLong(m.group(5)) > 0, "the client probed a zero window: " + r.output());
        assertTrue(BACKEND_OUT[0].awaitLine("STALL-RESET stall-1", 10_000).isPresent(), BACKEND_OUT[0]::output);
    }

    @Test
    @Order(9)
    void aBackendKilledMidTransferResetsItsClient() throws Exception {
        Process p = lab.spawn(lab.nsB(), "python3", resource("client.py"), "stream", VIP, PORT);
        Child c = new Child(p, "stream client");
        Optional<String> first = c.awaitLine("stream", 30_000);
        assertTrue(first.isPresent(), c::output);
        int b = backendOf(first.get());
        BACKEND[b].destroyForcibly(); // SIGKILL: its kernel resets the connection (unread data)
        BACKEND[b].waitFor();
        assertEquals(0, c.awaitExit(30_000), c::output); // the client's socket timeout is 20 s: nothing hangs
        String last = c.lines().getLast();
        assertTrue(last.startsWith("RESET "), "the client sees the reset: " + c.output());
        startBackend(b);
    }

    /**
     * Reloads while connections carry traffic: weights change, a backend and a VIP come and go, and a bad file in
     * the middle is refused with its reason while the running configuration stays. No connection is reset or
     * moves: every echo exchange completes and every connection ends cleanly.
     */
    @Test
    @Order(10)
    void reloadsUnderTrafficResetNothing() throws Exception {
        Process p = lab.spawn(lab.nsB(), "python3", resource("client.py"), "echo", VIP, PORT, "100", "15");
        Child c = new Child(p, "echo client");
        assertTrue(c.awaitLine("open 100", 60_000).isPresent(), c::output);
        for (int i = 0; i < 20 && p.isAlive(); i++) {
            if (i == 10) {
                reload("[lb]\n[[lb.vip]]\naddress = \"" + VIP + ":" + PORT + "\"\n[[lb.vip.backend]]\n"
                        + "address = \"" + backendIp(0) + ":" + PORT + "\"\nweight = 999\n", false);
                assertTrue(lbOut.awaitLine("lb.vip[0].backend[0].weight: 999 is out of range", 20_000).isPresent(),
                        lbOut::output);
            }
            reload(config(1 + i % 3, i % 2 == 0, i % 4 == 1, 0), true);
        }
        assertEquals(0, c.awaitExit(120_000), c::output);
        assertTrue(c.lines().getLast().startsWith("ok 100 "), c::output);
        assertTrue(lbOut.output().contains("reload refused, the running configuration stays"), lbOut::output);
        reload(config(1, true, false, 0), true);
    }

    /** A drained backend takes no new flow, keeps its established one until the drain deadline, then resets it. */
    @Test
    @Order(11)
    void aDrainedBackendKeepsItsFlowsUntilTheDeadline() throws Exception {
        Process p = lab.spawn(lab.nsB(), "python3", resource("client.py"), "echo1", VIP, PORT, "60");
        Child c = new Child(p, "echo1 client");
        Optional<String> open = c.awaitLine("open ", 60_000);
        assertTrue(open.isPresent(), c::output);
        int b = backendOf(open.get());
        reload(config(1, true, false, b + 1), true);
        Lab.Result r = lab.run(lab.nsB(), 120, "sh", "-c",
                "for i in 1 2 3 4 5 6; do curl -sS -m 20 http://" + VIP + ":" + PORT + "/; done");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().lines().noneMatch(a -> a.equals("b" + (b + 1))), "drained b" + (b + 1) + " took a "
                + "new flow: " + r.output());
        assertTrue(c.lines().stream().noneMatch(l -> l.startsWith("RESET")),
                "the established flow outlived the reload: " + c.output());
        assertEquals(0, c.awaitExit(90_000), c::output);
        assertEquals("RESET b" + (b + 1), c.lines().getLast(), "reset at the drain deadline (15 s): " + c.output());
        reload(config(1, true, false, 0), true);
    }

    /**
     * HTTP health checks from the stack take a dead backend out of :9003's table (new flows avoid it without a
     * retry) and bring it back once it answers again; with every backend down the VIP resets new clients.
     */
    @Test
    @Order(12)
    void healthChecksTakeDeadBackendsOutAndBringThemBack() throws Exception {
        awaitLog("backend " + Lab.IP_B + ":9004 DOWN", 0);
        String b3down = "backend " + backendIp(2) + ":" + PORT + " DOWN";
        long before = logCount(b3down);
        BACKEND[2].destroyForcibly();
        BACKEND[2].waitFor();
        awaitLog(b3down, before);
        Lab.Result r = lab.run(lab.nsB(), 120, "sh", "-c",
                "for i in 1 2 3 4 5 6 7 8; do curl -sS -m 20 http://" + VIP + ":9003/; done");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(8, r.output().lines().filter(a -> a.matches("b[12]")).count(), r.output());
        String b3up = "backend " + backendIp(2) + ":" + PORT + " UP";
        before = logCount(b3up);
        startBackend(2);
        awaitLog(b3up, before);
        long[] downs = new long[BACKENDS];
        for (int i = 0; i < BACKENDS; i++) {
            downs[i] = logCount("backend " + backendIp(i) + ":" + PORT + " DOWN");
            BACKEND[i].destroyForcibly();
            BACKEND[i].waitFor();
        }
        for (int i = 0; i < BACKENDS; i++) {
            awaitLog("backend " + backendIp(i) + ":" + PORT + " DOWN", downs[i]);
        }
        long[] ups = new long[BACKENDS];
        for (int i = 0; i < BACKENDS; i++) {
            ups[i] = logCount("backend " + backendIp(i) + ":" + PORT + " UP");
        }
        try {
            // accepted, then reset at once: the RST may even beat connect()'s return (ECONNRESET from connect)
            Lab.Result all = lab.run(lab.nsB(), 60, "python3", "-c", String.join("\n",
                    "import socket",
                    "try:",
                    "    c = socket.create_connection(('" + VIP + "', 9003), timeout=20)",
                    "    print('DATA' if c.recv(100) else 'EOF')",
                    "except ConnectionResetError:",
                    "    print('RESET')"));
            assertEquals("RESET", all.output().strip(), "every backend down: the VIP resets the client");
        } finally {
            for (int i = 0; i < BACKENDS; i++) {
                startBackend(i);
            }
        }
        for (int i = 0; i < BACKENDS; i++) {
            awaitLog("backend " + backendIp(i) + ":" + PORT + " UP", ups[i]);
        }
    }

    /** The Prometheus endpoint on namespace A's loopback (the kernel's, not the stack's), and lb status. */
    @Test
    @Order(13)
    void metricsAndStatus() {
        Lab.Result m = lab.run(lab.nsA(), 30, "curl", "-sS", "-m", "10", "http://127.0.0.1:9100/metrics");
        assertEquals(0, m.exitCode(), m.output());
        assertTrue(m.output().contains("fastpath_lb_backend_up{backend=\"" + Lab.IP_B + ":9004\",state=\"DOWN\","
                + "vip=\"" + VIP + ":9003\"} 0.0"), m.output());
        assertTrue(m.output().contains("fastpath_lb_backend_up{backend=\"" + backendIp(0) + ":" + PORT
                + "\",state=\"UP\",vip=\"" + VIP + ":" + PORT + "\"} 1.0"), m.output());
        assertTrue(m.output().contains("fastpath_stack_total{name=\"TcpExtSyncookiesSent\"}"), m.output());
        Matcher accepted = Pattern.compile("fastpath_lb_vip_connections_total\\{vip=\"" + Pattern.quote(VIP + ":"
                + PORT) + "\"} (\\d+)\\.0").matcher(m.output());
        assertTrue(accepted.find() && Long.parseLong(accepted.group(1)) >= 120, m.output());
        Lab.Result st = lab.run(lab.nsA(), 60, Lab.javaCommand(System.getProperty("java.class.path"),
                "dev.fastpath.cli.Main", "lb", "status", "--metrics", "127.0.0.1:9100"));
        assertEquals(0, st.exitCode(), st.output());
        assertTrue(st.output().lines().anyMatch(l -> l.startsWith(Lab.IP_B + ":9004") && l.endsWith("DOWN")),
                st.output());
        assertTrue(st.output().contains("TcpExtSyncookiesSent"), st.output());
    }

    /**
     * Limits per VIP: past max_connections (2) a new client is accepted and reset at once; once one closes the next
     * gets through. Past max_new_per_second (1: one second's burst is one) eight clients at once are mostly reset.
     */
    @Test
    @Order(14)
    void limitsResetTheClientsPastThem() {
        Lab.Result r = lab.run(lab.nsB(), 60, "python3", "-c", String.join("\n",
                "import socket, time",
                "def conn(port):",
                "    c = socket.create_connection(('" + VIP + "', port), timeout=20)",
                "    c.sendall(b'HOLD x\\n')",
                "    return c",
                "def answer(c):",
                "    try:",
                "        return c.recv(100).decode().strip() or 'EOF'",
                "    except ConnectionResetError:",
                "        return 'RESET'",
                "def tryconn(port):",
                "    try:",
                "        return answer(conn(port))",
                "    except ConnectionResetError:",
                "        return 'RESET'",
                "a, b = conn(9008), conn(9008)",
                "print(answer(a), answer(b))",
                "print('third', tryconn(9008))",
                "a.close()",
                "time.sleep(0.5)",
                "print('after', tryconn(9008))",
                "b.close()",
                "many = []",
                "for _ in range(8):",
                "    try:",
                "        many.append(conn(9009))",
                "    except ConnectionResetError:",
                "        many.append(None)",
                "print('rate', ' '.join(answer(c) if c else 'RESET' for c in many))"));
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals("b1 held b1 held", lines.get(0), r.output());
        assertEquals("third RESET", lines.get(1), "past max_connections: " + r.output());
        assertEquals("after b1 held", lines.get(2), "a slot came back: " + r.output());
        assertTrue(lines.get(3).contains("RESET") && lines.get(3).contains("b1 held"), "past the rate: " + r.output());
    }

    /**
     * Maglev in the running balancer: every flow goes where the table built from the same file says, before and
     * after a reload that removes one of four backends — and between those tables only the removed backend's
     * flows (about a quarter) move.
     */
    @Test
    @Order(15)
    void flowsFollowTheMaglevTableAndARemovalMovesAboutAQuarter() throws Exception {
        String before = config(1, true, false, 0, false);
        String after = config(1, true, false, 0, true);
        dev.fastpath.lb.LbSnapshot a = dev.fastpath.lb.LbConfig.parse(before).toSnapshot(null, 0);
        dev.fastpath.lb.LbSnapshot b = dev.fastpath.lb.LbConfig.parse(after).toSnapshot(a, 0);
        int vip = ip(VIP);
        dev.fastpath.lb.Pool pa = a.vip(vip, 9010).pool();
        dev.fastpath.lb.Pool pb = b.vip(vip, 9010).pool();
        // Below Linux's ephemeral range (32768-60999): an earlier test's connection in TIME_WAIT cannot hold them.
        assertMapped(22000, pa);
        reload(after, true);
        assertMapped(23000, pb);
        int moved = 0;
        int movedFromOthers = 0;
        int flows = 2000;
        for (int port = 20000; port < 20000 + flows; port++) {
            long h = dev.fastpath.lb.Pool.tupleHash(Lab.IP_B_INT, port, vip, 9010);
            String x = pa.backend(pa.pick(h, 0)).address();
            String y = pb.backend(pb.pick(h, 0)).address();
            if (!x.equals(y)) {
                moved++;
                movedFromOthers += x.endsWith(":9081") ? 0 : 1;
            }
        }
        assertEquals(0.25, moved / (double) flows, 0.05, "one of four removed: about a quarter moves");
        assertTrue(movedFromOthers < flows / 50, "the others' flows stay: " + movedFromOthers);
        reload(config(1, true, false, 0), true);
    }

    private static void assertMapped(int firstPort, dev.fastpath.lb.Pool pool) {
        Lab.Result r = lab.run(lab.nsB(), 240, "python3", resource("client.py"), "map", VIP, "9010",
                Integer.toString(firstPort), "60");
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals(60, lines.size(), r.output());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : lines) {
            String[] w = line.split(" ");
            int port = Integer.parseInt(w[0]);
            long h = dev.fastpath.lb.Pool.tupleHash(Lab.IP_B_INT, port, ip(VIP), 9010);
            String address = pool.backend(pool.pick(h, 0)).address();
            String expected = address.endsWith(":9081") ? "nginx" : "b" + (address.charAt(10) - '0');
            assertEquals(expected, w[1], "port " + port + " went elsewhere than the table says (" + address + ")");
            seen.add(w[1]);
        }
        assertTrue(seen.size() >= 3, "60 flows over the backends: " + seen);
    }

    private static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
                | Integer.parseInt(p[3]);
    }

    /** Last: the counters say the same as the clients did. */
    @Test
    @Order(100)
    void theCountersAtSigtermAccountForEveryPair() throws InterruptedException {
        lb.toHandle().destroy(); // SIGTERM
        assertTrue(lbOut.awaitLine("stopped", 20_000).isPresent(), lbOut::output);
        String out = String.join("\n", lbOut.lines());
        System.out.println(lbOut.output());
        long accepted = counter(out, "LbClientAccepted");
        assertTrue(accepted >= 12 + 1 + 120 + 4 + 1 + 1, out);
        assertTrue(counter(out, "LbRetries") > 0, "the refusing backend's flows were retried: " + out);
        assertTrue(counter(out, "LbBackendConnectFailed") > 0, out);
        assertEquals(0, counter(out, "LbAttemptsExhausted"), out);
        assertTrue(counter(out, "LbResetFromBackend") >= 2, "rst and the killed backend: " + out);
        assertTrue(counter(out, "LbResetFromClient") >= 1, out);
        assertTrue(counter(out, "LbIdleTimeouts") >= 1, out);
        assertEquals(1, counter(out, "LbDrainDeadlineResets"), out);
        assertTrue(counter(out, "LbRefusedAllDown") >= 1, out);
        assertTrue(counter(out, "LbProxyHeaders") >= 1, out);
        assertTrue(counter(out, "LbRefusedMaxConnections") >= 1, out);
        assertTrue(counter(out, "LbRefusedRate") >= 1, out);
        assertTrue(counter(out, "LbHealthProbes") > counter(out, "LbHealthProbeFailures"), out);
        assertTrue(counter(out, "LbHealthProbeFailures") > 0, out);
        assertTrue(counter(out, "LbBackendsDown") >= 5, "9004, b3, then b1..b3: " + out);
        assertTrue(counter(out, "LbBackendsUp") >= 1, out);
        assertTrue(counter(out, "LbHalfCloseFromClient") >= 120, out);
        assertTrue(counter(out, "LbBytesToBackend") >= 10_000_000 + 120 * 20_000, out);
        assertTrue(counter(out, "LbBytesToClient") >= 10_000_000 + 120 * 20_000, out);
    }

    private static long logCount(String text) {
        return lbOut.lines().stream().filter(l -> l.contains(text)).count();
    }

    /** Waits (30 s at most) until the balancer has logged {@code text} more than {@code before} times. */
    private static void awaitLog(String text, long before) throws InterruptedException {
        for (long t = System.nanoTime(); logCount(text) <= before && System.nanoTime() - t < 30_000_000_000L; ) {
            Thread.sleep(100);
        }
        assertTrue(logCount(text) > before, () -> "no new '" + text + "':\n" + lbOut.output());
    }

    private static int backendOf(String line) {
        Matcher m = Pattern.compile("\\bb([123])\\b").matcher(line);
        assertTrue(m.find(), "no backend named in: " + line);
        return Integer.parseInt(m.group(1)) - 1;
    }

    private static long counter(String output, String name) {
        Matcher m = Pattern.compile("(?m)^worker0\\." + name + " (\\d+)$").matcher(output);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
