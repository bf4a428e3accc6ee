package dev.fastpath.bench.e2e;

import dev.fastpath.lab.HttpProbeClient;
import dev.fastpath.lab.LbLab;
import dev.fastpath.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The measurements of {@code bench lb}, one balancer at a time in one {@link LbLab}: each is started, measured and
 * stopped, so the other's process never shares its core.
 */
final class LbBench {
    static final List<String> BALANCERS = List.of("haproxy", "fastpath");
    private static final long READY_MS = 60_000;
    private static final int USER_HZ = 100;

    /**
     * @param duration    seconds of each measurement
     * @param warmup      seconds of load before measuring a balancer
     * @param connections wrk's connections
     * @param bigBytes    the long transfer's size
     * @param legitRate   legitimate requests/s through the flood
     * @param floodRate   the flood's rate (N or max)
     * @param genIo       the generator's backend
     * @param io          Fastpath's packet backend
     * @param out         where logs go
     */
    record Settings(int duration, int warmup, int connections, long bigBytes, int legitRate, String floodRate,
            String genIo, String io, Path out) {
    }

    private final LbLab lab;
    private final Settings s;

    LbBench(LbLab lab, Settings s) {
        this.lab = lab;
        this.s = s;
    }

    /**
     * HAProxy's configuration: the best this bench found for a TCP relay of short connections on one core — one
     * thread pinned to the balancer's core, maxconn as high as the file-descriptor limit allows (HAProxy refuses to
     * start when maxconn needs more descriptors than the hard limit: about 2.5 per connection), round robin (the
     * cheapest pick), no health checks or logs (Fastpath runs none either), kernel splice for the long transfer.
     *
     * @param cpu     the balancer's core
     * @param maxconn the connection limit
     * @return the file
     */
    static String haproxyConfig(int cpu, int maxconn) {
        StringBuilder b = new StringBuilder(String.join("\n",
            "global",
            "    nbthread 1",
            "    cpu-map 1/1 " + cpu,
            "    maxconn " + maxconn,
            "defaults",
            "    mode tcp",
            "    timeout connect 3s",
            "    timeout client 60s",
            "    timeout server 60s",
            "    option splice-auto",
            "frontend vip",
            "    bind " + LbLab.VIP + ":" + LbLab.PORT + " backlog 65535",
            "    maxconn " + maxconn,
            "    default_backend nginx",
            "backend nginx",
            "    balance roundrobin", ""));
        for (int i = 0; i < LbLab.BACKENDS; i++) {
            b.append("    server b").append(i + 1).append(' ').append(LbLab.backend(i)).append(':').append(LbLab.PORT)
                .append('\n');
        }
        return b.toString();
    }

    /** @return the most connections HAProxy can hold under this process's hard limit of open files */
    static int haproxyMaxconn() {
        long limit = 20_000;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) {
                    String hard = l.substring("Max open files".length()).trim().split("\\s+")[1];
                    limit = hard.equals("unlimited") ? 1 << 20 : Long.parseLong(hard);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the default above
        }
        return (int) Math.max(1000, Math.min(1_000_000, (limit - 1000) * 2 / 5));
    }

    /** Fastpath's command line: the quick start, worker (and the whole JVM) on the balancer's core. */
    List<String> fastpathCommand(boolean flood) {
        List<String> args = new ArrayList<>(List.of("lb", "--io", s.io(), "--iface", Lab.IF_A, "--ip",
            LbLab.VIP + "/24", "--gateway", Lab.IP_B, "--vip", LbLab.VIP + ":" + LbLab.PORT, "--cpus",
            Integer.toString(lab.lbCpu())));
        for (int i = 0; i < LbLab.BACKENDS; i++) {
            args.addAll(List.of("--backend", LbLab.backend(i) + ":" + LbLab.PORT));
        }
        if (flood && s.io().equals("af_xdp")) {
            // The generator's end runs an XDP program, so veth delivers the SYN-ACKs answered with XDP_TX.
            args.addAll(List.of("--set", "xdp.syn_cookies=1"));
        }
        return Host.fastpathJava(args.toArray(String[]::new));
    }

    /** Starts a balancer and waits until a request through it is answered. */
    Child start(String name, boolean flood) throws IOException, InterruptedException {
        Child c;
        if (name.equals("fastpath")) {
            lab.kernelAddressOnA(false);
            c = new Child(name, lab.spawnBalancer(fastpathCommand(flood)));
            if (!c.awaitLine("ready", READY_MS)) {
                c.stop();
                throw new IllegalStateException("fastpath lb did not print ready:\n" + c.tail());
            }
        } else {
            lab.kernelAddressOnA(true);
            Path cfg = s.out().resolve("haproxy.cfg");
            Files.writeString(cfg, haproxyConfig(lab.lbCpu(), haproxyMaxconn()));
            c = new Child(name, lab.spawnBalancer(List.of("haproxy", "-db", "-f", cfg.toString())));
        }
        lab.pinNapi();
        for (int t = 0; t < 200; t++) {
            Lab.Result r = lab.lab().run(lab.nsB(), 5, "curl", "-s", "-m", "2", url("/"));
            if (r.exitCode() == 0 && r.output().equals(LbLab.BODY)) {
                return c;
            }
            if (!c.alive()) {
                break;
            }
            Thread.sleep(100);
        }
        c.stop();
        throw new IllegalStateException(name + " does not relay requests:\n" + c.tail());
    }

    private void stop(Child c, String what) throws InterruptedException, IOException {
        c.stop();
        Files.write(s.out().resolve(c.name() + "-" + what + ".log"), c.lines());
    }

    private static String url(String path) {
        return "http://" + LbLab.VIP + ":" + LbLab.PORT + path;
    }

    /** wrk's new connections/s (after a warm-up) and one long transfer, each balancer's core measured. */
    LbResult rateAndTransfer(String name) throws IOException, InterruptedException {
        LbResult r = new LbResult(name, null, null, null, null, 0, null);
        Child c;
        try {
            c = start(name, false);
        } catch (IllegalStateException e) {
            return r.withError(e.getMessage());
        }
        try {
            if (s.warmup() > 0) {
                wrk(s.warmup());
            }
            long[][] before = Host.cpuTimes();
            long t0 = System.nanoTime();
            String out = wrk(s.duration());
            double wall = (System.nanoTime() - t0) / 1e9;
            long[][] after = Host.cpuTimes();
            Files.writeString(s.out().resolve(name + "-wrk.txt"), out);
            double[] pct = Host.cpuPercent(before, after);
            double lbBusy = (double) (after[lab.lbCpu()][0] - before[lab.lbCpu()][0]) / USER_HZ;
            try {
                r = r.withRate(LbResult.Rate.parse(out, Math.min(lbBusy, wall), pct[lab.lbCpu()],
                    pct[lab.clientCpu()]));
            } catch (IllegalArgumentException e) {
                r = r.withError(e.getMessage());
            }
            r = r.withTransfer(transfer(name));
        } finally {
            stop(c, "rate");
        }
        return r;
    }

    private String wrk(int seconds) throws InterruptedException {
        Child w = new Child("wrk", lab.spawnClient(List.of("wrk", "-t1", "-c" + s.connections(), "-d" + seconds + "s",
            "--timeout", "3s", "-H", "Connection: close", url("/"))));
        w.waitFor(seconds * 1000L + 30_000);
        return String.join("\n", w.lines());
    }

    private LbResult.Transfer transfer(String name) throws InterruptedException, IOException {
        long maxSeconds = Math.max(60, s.bigBytes() / 5_000_000);
        Child curl = new Child("curl", lab.spawnClient(List.of("curl", "-s", "-o", "/dev/null", "-m",
            Long.toString(maxSeconds), "-w", "%{http_code} %{size_download} %{time_total}\\n", url("/big"))));
        curl.waitFor(maxSeconds * 1000 + 10_000);
        List<String> lines = curl.lines();
        Files.write(s.out().resolve(name + "-transfer.txt"), lines);
        String[] f = lines.isEmpty() ? new String[0] : lines.getLast().trim().split("\\s+");
        if (f.length != 3) {
            return new LbResult.Transfer(0, 0, false);
        }
        long bytes = Long.parseLong(f[1]);
        return new LbResult.Transfer(bytes, Double.parseDouble(f[2]), f[0].equals("200") && bytes == s.bigBytes());
    }

    /** The paced client straight to one backend: the latency every balancer adds to. */
    LbResult direct(double rate) throws InterruptedException, IOException {
        LbResult r = new LbResult("direct", null, null, null, null, 0, null);
        probe(LbLab.backend(0), rate, s.warmup(), "direct-warmup");
        try {
            return r.withLatency(probe(LbLab.backend(0), rate, s.duration(), "direct"));
        } catch (IllegalArgumentException e) {
            return r.withError(e.getMessage());
        }
    }

    /** Latency at {@code rate} through the balancer, then the same client through a SYN flood at the VIP. */
    LbResult latencyAndFlood(LbResult measured, double rate) throws IOException, InterruptedException {
        LbResult r = measured;
        String name = r.name();
        Child c;
        try {
            c = start(name, false);
        } catch (IllegalStateException e) {
            return r.withError(e.getMessage());
        }
        try {
            if (s.warmup() > 0) {
                probe(LbLab.VIP, rate, s.warmup(), name + "-latency-warmup");
            }
            r = r.withLatency(probe(LbLab.VIP, rate, s.duration(), name + "-latency"));
        } catch (IllegalArgumentException e) {
            r = r.withError("latency: " + e.getMessage());
        } finally {
            stop(c, "latency");
        }
        try {
            c = start(name, true);
        } catch (IllegalStateException e) {
            return r.withError(e.getMessage());
        }
        try {
            return flood(r, c);
        } finally {
            stop(c, "flood");
        }
    }

    private LbResult flood(LbResult measured, Child balancer) throws IOException, InterruptedException {
        LbResult r = measured;
        String name = r.name();
        Path json = s.out().resolve(name + "-flood.json");
        Files.deleteIfExists(json);
        // Bounded: the generator stops after its duration, which covers the client's start and its whole run.
        Child gen = new Child("flood", lab.spawnClient(Host.fastpathJava("flood", "--iface", Lab.IF_B, "--dst",
            LbLab.VIP + ":" + LbLab.PORT, "--dst-mac", "02:00:c6:12:00:01", "--rate", s.floodRate(), "--duration",
            Integer.toString(s.duration() + 15), "--warmup", "2", "--src", LbLab.FLOOD_SRC, "--io", s.genIo(),
            "--progress", "always", "--json", json.toString())));
        try {
            if (!gen.awaitLine("measuring", READY_MS)) {
                return r.withError("the flood generator did not start:\n" + gen.tail());
            }
            lab.pinNapi(); // the generator's XDP program gave veth-b new NAPI threads
            LbResult.Probe p = probe(LbLab.VIP, s.legitRate(), s.duration(), name + "-flood");
            boolean done = gen.waitFor((s.duration() + 60) * 1000L);
            Files.write(s.out().resolve(name + "-flood-generator.log"), gen.lines());
            double synRate = done ? LbBenchCommand.sentRate(json) : 0;
            if (!balancer.alive()) {
                r = r.withError(name + " died during the flood:\n" + balancer.tail());
            }
            return r.withFlood(p, synRate);
        } catch (IllegalArgumentException e) {
            return r.withError("flood: " + e.getMessage());
        } finally {
            if (gen.alive()) {
                gen.stop();
            }
        }
    }

    /** Runs the paced client for {@code seconds} at {@code rate} against HOST:80 and reads its summary. */
    private LbResult.Probe probe(String host, double rate, int seconds, String log)
            throws InterruptedException, IOException {
        List<String> cmd = new ArrayList<>(List.of(Host.fastpathJava().get(0), "-cp",
            System.getProperty("java.class.path"), HttpProbeClient.class.getName(), host,
            Integer.toString(LbLab.PORT), "/", Double.toString(rate), Integer.toString(seconds), "3000",
            LbLab.BODY.replace("\n", "\\n")));
        Child p = new Child("probe", lab.spawnClient(cmd));
        p.waitFor((seconds + 30) * 1000L);
        Files.write(s.out().resolve(log + "-probe.log"), p.lines());
        return LbResult.Probe.parse(rate, p.lines());
    }
}
