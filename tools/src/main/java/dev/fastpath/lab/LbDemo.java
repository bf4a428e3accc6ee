package dev.fastpath.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load balancer's demo ({@code fastpath demo}): builds the {@link LbLab} — a client namespace, the balancer on
 * veth-a, three real nginx backends — starts {@code fastpath lb --config FILE} with HTTP health checks, and while a
 * kernel client sends requests at a steady rate (each answer checked, counts printed every second) it floods the VIP
 * with SYNs from spoofed sources (bounded in time), stops one backend and brings it back, and reloads the file with a
 * new weight. The verdict: every legitimate request answered. Everything is bounded and torn down at the end.
 */
final class LbDemo {
    /** The balancer's connect timeout per backend, and how many backends a client's connection may try. */
    private static final int CONNECT_TIMEOUT_MS = 1500;
    private static final int CONNECT_ATTEMPTS = 3;
    /**
     * How long the client waits for an answer: longer than the balancer may take before it has one (every attempt
     * timing out), so a request the balancer is still retrying — its handshake with a backend lost in the flood — is
     * not given up by the client and called lost. The latency percentiles show what such a request cost.
     */
    static final int CLIENT_TIMEOUT_MS = CONNECT_TIMEOUT_MS * CONNECT_ATTEMPTS + 5000;
    private static final Pattern LB_EVENT = Pattern.compile("DOWN|UP:|reloaded|refused|ERROR|WARN");
    private static final Pattern BACKEND_RESETS = Pattern.compile("^worker\\d+\\.LbResetFromBackend (\\d+)$");
    private static final Pattern COUNTER = Pattern.compile("^worker\\d+\\.(LbClientAccepted|LbPairsClosed|LbPairsReset"
        + "|LbResetFromBackend|LbResetFromClient|LbAttemptsExhausted|LbRefusedAllDown|LbBackendConnectTimeouts"
        + "|LbRetries|LbBackendConnectFailed|LbPassiveEjections|TcpExtSyncookiesSent|TcpExtSyncookiesRecv"
        + "|FpXdpSynAcks|LbBackendsDown|LbBackendsUp) \\d+$");

    /**
     * @param io         af_xdp or af_packet
     * @param seconds    the client's run; the events happen at fixed fractions of it
     * @param rate       legitimate requests per second
     * @param floodRate  SYNs per second (N or max)
     */
    record Settings(String io, int seconds, int rate, String floodRate) {
    }

    private final PrintWriter out;
    private final Settings s;
    private final long t0 = System.nanoTime();

    LbDemo(PrintWriter out, Settings s) {
        this.out = out;
        this.s = s;
    }

    /** The balancer's file: the VIP over the three backends, HTTP health checks; {@code weight1} for backend 1. */
    static String config(String io, int weight1) {
        StringBuilder b = new StringBuilder(String.join("\n",
            "# fastpath demo: the balancer's file (rewritten and reloaded during the demo)",
            "[lb]",
            "io = \"" + io + "\"",
            "iface = \"" + Lab.IF_A + "\"",
            "ip = \"" + LbLab.VIP + "/24\"",
            "gateway = \"" + Lab.IP_B + "\"",
            "drain_timeout_s = 10",
            "",
            "[[lb.vip]]",
            "address = \"" + LbLab.VIP + ":" + LbLab.PORT + "\"",
            "connect_timeout_ms = " + CONNECT_TIMEOUT_MS,
            "connect_attempts = " + CONNECT_ATTEMPTS,
            "[lb.vip.health]",
            "kind = \"http\"",
            "path = \"/\"",
            "interval_ms = 1000",
            "timeout_ms = 900",
            "rise = 2",
            "fall = 3", ""));
        for (int i = 0; i < LbLab.BACKENDS; i++) {
            b.append("[[lb.vip.backend]]\naddress = \"").append(LbLab.backend(i)).append(':').append(LbLab.PORT)
                .append("\"\nweight = ").append(i == 0 ? weight1 : 1).append('\n');
        }
        return b.toString();
    }

    private void say(String what) {
        synchronized (out) {
            out.printf(Locale.ROOT, "demo   t=%5.1fs  %s%n", (System.nanoTime() - t0) / 1e9, what);
            out.flush();
        }
    }

    /** @return whether every legitimate request was answered */
    boolean run() throws IOException, InterruptedException {
        // Readable by all (nothing secret in it): the balancer drops every capability once it runs, so its reload
        // reads the file without CAP_DAC_OVERRIDE.
        Path work = Files.createTempDirectory("fastpath-demo-lb-",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        boolean all;
        try (LbLab lab = LbLab.up(work, 0, Math.min(1, Runtime.getRuntime().availableProcessors() - 1), 1_000_000)) {
            say("lab " + lab.lab().name() + ": " + lab.nsB() + " (kernel clients " + LbLab.CLIENT + ", nginx "
                + LbLab.backend(0) + "-" + LbLab.backend(LbLab.BACKENDS - 1).substring(9) + ") <-> " + lab.nsA()
                + " (fastpath lb, VIP " + LbLab.VIP + ":" + LbLab.PORT + ")");
            Path config = work.resolve("lb.toml");
            Files.writeString(config, config(s.io(), 1));
            lab.kernelAddressOnA(false);
            // SYNs answered by the engine (tcp_syncookies=1, as Linux): XDP's answers (xdp.syn_cookies) would reach
            // veth-b only while the generator's XDP program is there, and the SYN queue stays full for a while after.
            List<String> lbCmd = java("dev.fastpath.cli.Main", "lb", "--config", config.toString(), "--cpus",
                Integer.toString(lab.lbCpu()));
            Process lb = lab.spawnBalancer(lbCmd);
            Echo lbOut = new Echo(lb, "lb     ", LB_EVENT);
            if (!lbOut.await("ready", 60)) {
                say("the balancer did not get ready:\n" + String.join("\n", lbOut.lines()));
                return false;
            }
            lab.pinNapi();
            say("fastpath lb ready: " + config);
            Lab.Result curl = lab.lab().run(lab.nsB(), 10, "curl", "-sS", "-i", "--max-time", "5",
                "http://" + LbLab.VIP + "/");
            say("curl http://" + LbLab.VIP + "/ (exit " + curl.exitCode() + "):\n"
                + curl.output().strip().indent(8).stripTrailing());
            Process client = lab.spawnClient(java(HttpProbeClient.class.getName(), LbLab.VIP,
                Integer.toString(LbLab.PORT), "/", Integer.toString(s.rate()), Integer.toString(s.seconds()),
                Integer.toString(CLIENT_TIMEOUT_MS),
                LbLab.BODY.replace("\n", "\\n"), "live"));
            Echo clientOut = new Echo(client, "", null);
            clientOut.await("ready", 30);
            long start = System.nanoTime();
            events(lab, config, lb, start);
            boolean done = client.waitFor(s.seconds() + 3L * CLIENT_TIMEOUT_MS / 1000 + 30L, TimeUnit.SECONDS);
            clientOut.join();
            Lab.exec(List.of("kill", "-TERM", Long.toString(lb.pid())), 5);
            lb.waitFor(20, TimeUnit.SECONDS);
            lbOut.join();
            all = verdict(done, clientOut.lines(), lbOut.lines());
        } finally {
            deleteTree(work);
        }
        say("lab torn down");
        return all;
    }

    /**
     * The flood, a backend stopped and brought back, a reload — one after the other, each given the time the
     * balancer needs to show it (the health checks take a stopped backend out after {@code fall} failed checks).
     */
    private void events(LbLab lab, Path config, Process lb, long start) throws InterruptedException, IOException {
        sleepUntil(start, 2);
        int floodSeconds = Math.max(2, s.seconds() / 8);
        say("flooding the VIP with SYNs from " + LbLab.FLOOD_SRC + " for " + floodSeconds + " s (rate " + s.floodRate()
            + ", answered with SYN cookies, niced on the clients' core)");
        // Niced: the generator shares the clients' and backends' core and takes what they leave.
        List<String> floodCmd = new ArrayList<>(List.of("nice", "-n", "19"));
        floodCmd.addAll(java("dev.fastpath.cli.Main", "flood", "--iface", Lab.IF_B, "--dst",
            LbLab.VIP + ":" + LbLab.PORT, "--dst-mac", "02:00:c6:12:00:01", "--rate", s.floodRate(), "--duration",
            Integer.toString(floodSeconds), "--src", LbLab.FLOOD_SRC, "--io", "auto", "--progress", "never"));
        Process flood = lab.spawnClient(floodCmd);
        Echo floodOut = new Echo(flood, "flood  ", Pattern.compile("sent|SYN-ACK|answered|flood:"));
        if (!flood.waitFor(floodSeconds + 60L, TimeUnit.SECONDS)) {
            flood.destroyForcibly();
        }
        floodOut.join();
        say("flood over");
        Thread.sleep(1000);
        say("stopping backend " + LbLab.backend(2) + " (nginx's graceful quit: new connections refused)");
        lab.stopBackend(2);
        Thread.sleep(5000);
        say("starting backend " + LbLab.backend(2) + " again");
        lab.startBackend(2);
        Thread.sleep(4000);
        say("reloading: backend " + LbLab.backend(0) + " weight 1 -> 3 (SIGHUP)");
        Files.writeString(config, config(s.io(), 3));
        Lab.exec(List.of("kill", "-HUP", Long.toString(lb.pid())), 5);
        double at = (System.nanoTime() - start) / 1e9;
        if (at > s.seconds() - 2) {
            say(String.format(Locale.ROOT, "(the events took %.0f s of the client's %d: --seconds longer shows the "
                + "traffic after them)", at, s.seconds()));
        }
    }

    private static void sleepUntil(long start, double seconds) throws InterruptedException {
        long wait = start + (long) (seconds * 1e9) - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private boolean verdict(boolean done, List<String> client, List<String> lb) {
        Matcher m = null;
        for (String l : client) {
            Matcher x = Pattern.compile("done attempted=(\\d+) ok=(\\d+) failed=(\\d+) bad=(\\d+) p50us=(\\d+) "
                + "p90us=\\d+ p99us=(\\d+)").matcher(l);
            if (x.find()) {
                m = x;
            }
        }
        say("the balancer's counters at SIGTERM:");
        for (String l : lb) {
            if (COUNTER.matcher(l.strip()).matches()) {
                synchronized (out) {
                    out.println("         " + l.strip());
                }
            }
        }
        if (lb.stream().noneMatch(l -> COUNTER.matcher(l.strip()).matches())) {
            synchronized (out) {
                out.println("         (none printed; the balancer's last lines:)");
                lb.subList(Math.max(0, lb.size() - 8), lb.size()).forEach(l -> out.println("         " + l));
            }
        }
        if (!done || m == null) {
            say("verdict: FAILED — the client did not finish");
            return false;
        }
        long attempted = Long.parseLong(m.group(1));
        long ok = Long.parseLong(m.group(2));
        String line = String.format(Locale.ROOT, "%d of %d legitimate requests answered (%d failed, %d wrong), p50 "
            + "%.2f ms, p99 %.2f ms", ok, attempted, Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
            Long.parseLong(m.group(5)) / 1000.0, Long.parseLong(m.group(6)) / 1000.0);
        boolean all = ok == attempted && attempted > 0;
        long failed = Long.parseLong(m.group(3));
        long resetAfterPassedOn = backendResets(client, lb, failed, Long.parseLong(m.group(4)));
        if (!all && attempted > 0 && resetAfterPassedOn == failed) {
            say("verdict: every legitimate request the balancer could answer was answered — " + line + "; the "
                + failed + " failed were reset by their backend after the balancer had passed them on "
                + "(LbResetFromBackend): the backend's kernel took the request and its server closed without "
                + "answering (nginx's graceful quit closes its listener with connections still queued, and Linux "
                + "resets those). A TCP balancer cannot replay a stream a backend has taken: HAProxy in TCP mode, "
                + "and a client talking to nginx directly, lose such a request too (docs/lb.md, The demo)");
            return true;
        }
        say("verdict: " + (all ? "every legitimate request answered — " : "FAILED — ") + line);
        return all;
    }

    /**
     * How many of the client's failures are requests a backend reset after the balancer had passed them on: each a
     * connection reset on the client (its line printed, so at most the client's shown failures), none answered
     * wrong, and the balancer counting at least that many pairs reset from the backend's side.
     *
     * @return that number, or −1 when the failures are not all of that kind
     */
    static long backendResets(List<String> client, List<String> lb, long failed, long wrong) {
        long resets = client.stream().filter(l -> l.startsWith("failed request ") && l.contains("Connection reset"))
            .count();
        long fromBackend = 0;
        for (String l : lb) {
            Matcher x = BACKEND_RESETS.matcher(l.strip());
            if (x.matches()) {
                fromBackend += Long.parseLong(x.group(1));
            }
        }
        boolean all = wrong == 0 && failed > 0 && resets == failed && fromBackend >= failed;
        return all ? failed : -1;
    }

    /** A JVM like this one (full JIT) running {@code mainClass}. */
    private static List<String> java(String mainClass, String... args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
            System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** A child's output: kept, and the lines matching {@code show} (all when null) printed with a prefix. */
    private final class Echo {
        private final List<String> lines = new ArrayList<>();
        private final Thread thread;

        Echo(Process p, String prefix, Pattern show) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        synchronized (lines) {
                            lines.add(l);
                            lines.notifyAll();
                        }
                        if ((show == null || show.matcher(l).find()) && !l.startsWith("done ") && !l.equals("ready")) {
                            synchronized (out) {
                                out.println(prefix + l);
                                out.flush();
                            }
                        }
                    }
                } catch (IOException e) {
                    // the child went away; its exit tells the rest
                }
            });
        }

        boolean await(String line, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                while (!lines.contains(line)) {
                    long left = end - System.nanoTime();
                    if (left <= 0 || !thread.isAlive()) {
                        return lines.contains(line);
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                return true;
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        void join() throws InterruptedException {
            thread.join(5_000);
        }
    }
}
