package dev.fastpath.bench.e2e;

import dev.fastpath.cli.Main;
import dev.fastpath.lab.Lab;
import dev.fastpath.stress.FloodResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Runs one victim through one flood in a lab: starts the victim pinned to its core, the generator and the
 * legitimate client pinned to the other, waits for both, and reads CPU, RSS and the generator's JSON.
 *
 * <p>Lab layout for the harness: the spoofed block 198.19.0.0/16 is routed in the victim's namespace via
 * 198.18.0.1 (the generator's side), so a kernel victim resolves one neighbour, not one per source; a
 * Fastpath victim that ARPs for the sources is answered by the generator. RPS on veth-b steers the
 * victim's receive work to the victim's core: veth has no IRQ, and without RPS the kernel would process
 * the victim's packets on the generator's core. With the live-frames generator veth-b runs NAPI for every
 * victim ({@link #prepareLiveFrames}): its thread is pinned to the victim's core and RPS is off.
 */
final class VictimRunner {

    static final String FLOOD_SRC = "198.19.0.0/16";
    static final String DEFAULT_SERVE = "{fastpath} serve --io {io} --iface veth-b --ip 198.18.0.2/24 --port {port}"
        + " --app discard --cpus {cpu} --gateway 198.18.0.1";
    private static final long READY_MS = 60_000;
    /** Niceness of an XDP victim's NAPI thread ({@link #pinNapi}); the worker runs at 0. */
    static final int NAPI_NICE = 10;
    /**
     * Niceness of the AF_XDP generator's NAPI thread (its receive work: the victim's SYN-ACKs), above its sending
     * thread. At equal priority the sender held the core for whole scheduler slices while the SYN-ACKs waited:
     * veth's 256-frame queue filled, the victim's transmit was refused (NETDEV_TX_BUSY, its AF_XDP TX ring
     * backed up) and the bench measured the generator, not the victim — 472 k answered of 600 k sent at 0,
     * 552 k at -10 (same victim, same run settings).
     */
    static final int GEN_NAPI_NICE = -10;
    /**
     * Interrupt deferral on the generator's veth ({@link Placement#FAIR}): after a poll that found answers, NAPI
     * completes without re-arming its "interrupt" ({@code rx_notify_masked} stays set, so the victim's transmit does
     * not wake it) and polls again from a timer on the generator's core after {@link #GEN_GRO_FLUSH_NS}, up to
     * this many empty polls in a row before it sleeps again.
     */
    static final int GEN_DEFER_POLLS = 100;
    /** The deferral's timer: 50 µs, a fifth of veth's 256-frame queue at a million answers a second. */
    static final int GEN_GRO_FLUSH_NS = 50_000;

    private final Lab lab;
    private final Settings s;

    /**
     * @param genCpu      core for the generator and the legitimate client
     * @param victimCpu   core for the victim
     * @param port        the victim's port
     * @param durationS   seconds of flood measured
     * @param warmupS     seconds of flood before that, not measured
     * @param rate        generator rate (N or max)
     * @param legitRate   legitimate connections per second
     * @param genIo       generator backend
     * @param serveCmd    the Fastpath serve command template
     * @param workDir     where per-run files go
     * @param placement   where each side's receive work runs
     * @param perf        whether to sample the victim's core with perf during the measured part (a breakdown run):
     *                    its grouped report goes to {@code perf-VICTIM.md} in the work directory
     * @param victimDeferNs interrupt deferral on the victim's veth too (its pinned NAPI polled from a timer of this
     *                    many nanoseconds while frames flow, as {@link #GEN_GRO_FLUSH_NS} for the generator), for every
     *                    victim alike; 0: off
     */
    record Settings(int genCpu, int victimCpu, int port, double durationS, double warmupS, String rate,
            double legitRate, String genIo, String serveCmd, Path workDir, Placement placement, boolean perf,
            int victimDeferNs) {
    }

    VictimRunner(Lab lab, Settings settings) {
        this.lab = lab;
        this.s = settings;
    }

    /**
     * Tries the live-frames generator once in the lab: one SYN from the generator's side (nobody needs to answer).
     *
     * @param lab  the lab
     * @param port the victim's port
     * @return null when it started, else its last words
     */
    static String liveFramesUnavailable(Lab lab, int port) {
        List<String> cmd = Host.fastpathJava("flood", "--iface", Lab.IF_A, "--dst", Lab.IP_B + ":" + port,
            "--dst-mac", "02:00:c6:12:00:02", "--io", "xdp_live", "--src", FLOOD_SRC, "--count", "1", "--duration",
            "1", "--linger-ms", "0", "--progress", "never");
        Lab.Result r = lab.run(lab.nsA(), 60, cmd.toArray(String[]::new));
        if (r.exitCode() == 0) {
            return null;
        }
        // flood says why on a line of its own ("flood: ..."); the last such line is the reason.
        List<String> said = r.output().lines().filter(l -> l.startsWith("flood: ")).toList();
        return "exit " + r.exitCode() + (said.isEmpty() ? "" : ": " + said.getLast().substring("flood: ".length()));
    }

    /** @return whether the generator sends with XDP live frames (the peer then runs NAPI for every victim) */
    private boolean liveFrames() {
        return "xdp_live".equals(s.genIo());
    }

    /** Routes the spoofed block and steers receive work; once per lab. */
    static void prepare(Lab lab, int genCpu, int victimCpu) {
        check(lab.run(lab.nsB(), 10, "ip", "route", "replace", FLOOD_SRC, "via", Lab.IP_A, "dev", Lab.IF_B));
        String mask = Integer.toHexString(1 << victimCpu);
        check(lab.run(lab.nsB(), 10, "sh", "-c", "echo " + mask + " > /sys/class/net/" + Lab.IF_B
            + "/queues/rx-0/rps_cpus"));
        // And the generator's side (its kernel receiving the SYN-ACKs, the legitimate client) on the generator's
        // core: without it that work ran on whichever core sent the SYN-ACK — the victim's.
        check(lab.run(lab.nsA(), 10, "sh", "-c", "echo " + Integer.toHexString(1 << genCpu) + " > /sys/class/net/"
            + Lab.IF_A + "/queues/rx-0/rps_cpus"));
        // No per-connection timestamp offsets: the generator can then see Linux's cookie bits in TSval.
        check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_timestamps=2"));
    }

    /**
     * For the live-frames generator: veth hands XDP_TX frames only to a peer that runs NAPI, which an XDP program
     * (the AF_XDP victim's) or GRO switches on; GRO it is, so every victim can be flooded. A kernel victim then
     * takes the SYNs in veth's NAPI poll, as from a NIC, instead of from the per-CPU backlog.
     */
    static void prepareLiveFrames(Lab lab, Placement placement) {
        check(lab.run(lab.nsB(), 10, "ethtool", "-K", Lab.IF_B, "gro", "on"));
        if (placement != Placement.FREE) {
            // NAPI already runs where it should (the victim's core; the generator's for softirq, all of the receive
            // work): RPS would only add a hop through a backlog, which cost the kernel victim 12 % (171-177 k
            // SYN-ACK/s with it, 200-202 k without, same run settings).
            check(lab.run(lab.nsB(), 10, "sh", "-c", "echo 0 > /sys/class/net/" + Lab.IF_B
                + "/queues/rx-0/rps_cpus"));
        }
    }

    static void check(Lab.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("lab command failed (" + r.exitCode() + "): " + r.output());
        }
    }

    /** @return whether this build has Fastpath's {@code serve} subcommand */
    static boolean serveAvailable() {
        return Main.commandLine().getSubcommands().containsKey("serve");
    }

    Child startVictim(Victim v) throws InterruptedException {
        Child c;
        if (v.kernel()) {
            check(lab.run(lab.nsB(), 10, "sysctl", "-qw", "net.ipv4.tcp_syncookies=" + v.syncookies()));
            List<String> cmd = new ArrayList<>(List.of(Host.fastpathJava().get(0), "-cp",
                System.getProperty("java.class.path"), KernelListener.class.getName(), Lab.IP_B,
                Integer.toString(s.port()), "4096", Double.toString(s.durationS() + 30), "2"));
            c = spawn(lab.nsB(), s.victimCpu(), v.name(), cmd);
        } else {
            // The stack owns 198.18.0.2 now: B's kernel must not also answer ARP and reset its connections.
            check(lab.run(lab.nsB(), 10, "ip", "addr", "flush", "dev", Lab.IF_B));
            c = spawn(lab.nsB(), s.victimCpu(), v.name(), serveCommand(v));
        }
        if (!c.awaitLine("ready", READY_MS)) {
            c.stop();
            throw new IllegalStateException(v.name() + " did not print 'ready' within " + READY_MS / 1000
                + " s; its output:\n" + c.tail());
        }
        if (s.placement().victimNapiPinned() && ("af_xdp".equals(v.io()) || liveFrames())) {
            // A kernel victim's work is all in NAPI (its listener only accepts): NAPI gets the core at 0.
            pinNapi(lab.nsB(), Lab.IF_B, s.victimCpu(), v.kernel() ? 0 : NAPI_NICE);
            if (s.victimDeferNs() > 0) {
                deferInterrupts(lab.nsB(), Lab.IF_B, GEN_DEFER_POLLS, s.victimDeferNs());
            }
        }
        return c;
    }

    /**
     * veth runs an XDP victim's receive work (copying each frame for the program, the redirect into the
     * socket) in NAPI, on whichever core first schedules it — the generator's or the victim's, changing from
     * run to run. Threaded NAPI pinned to the victim's core makes the victim pay for its own receive work, as
     * RPS does for a kernel victim, and the runs repeatable. The NAPI thread runs at a lower priority
     * ({@link #NAPI_NICE}) than the worker: at equal priority it took half the core for frames the worker then
     * had no time to answer (receive livelock: 121 k SYN-ACK/s of 929 k offered); below the worker it fills
     * the ring only as fast as the worker drains it, and the rest waits in veth's queue, which pushes back on
     * the sender.
     */
    private void pinNapi(String ns, String dev, int cpu, int nice) {
        if (!tryPinNapi(ns, dev, cpu, nice)) {
            throw new IllegalStateException("no NAPI thread of " + dev + " to pin");
        }
    }

    /** @return whether the device had NAPI threads and all were pinned (no XDP in native mode: none) */
    private boolean tryPinNapi(String ns, String dev, int cpu, int nice) {
        if (lab.run(ns, 10, "sh", "-c", "echo 1 > /sys/class/net/" + dev + "/threaded").exitCode() != 0) {
            return false;
        }
        Lab.Result r = Lab.exec(List.of("sh", "-c", "n=0; for p in $(pgrep '^napi/" + dev + "-'); do "
            + "taskset -pc " + cpu + " $p >/dev/null && renice -n " + nice + " -p $p >/dev/null "
            + "&& n=$((n+1)); done; echo $n"), 10);
        return r.exitCode() == 0 && !r.output().strip().equals("0");
    }

    /**
     * NAPI interrupt deferral on a device ({@code napi_defer_hard_irqs}, {@code gro_flush_timeout}); 0, 0 switches
     * it off.
     */
    private void deferInterrupts(String ns, String dev, int polls, int flushNs) {
        check(lab.run(ns, 10, "sh", "-c", "echo " + polls + " > /sys/class/net/" + dev + "/napi_defer_hard_irqs "
            + "&& echo " + flushNs + " > /sys/class/net/" + dev + "/gro_flush_timeout"));
    }

    /**
     * The victim's command line. {@code {fastpath}} becomes this JVM's java with its class path and
     * the CLI's main class (not the launcher script, which would rebuild the project when sources are
     * newer than its jar — e.g. while Maven runs this very harness as a test).
     */
    List<String> serveCommand(Victim v) {
        String cmd = s.serveCmd().replace("{io}", v.io()).replace("{port}", Integer.toString(s.port()))
            .replace("{cpu}", Integer.toString(s.victimCpu()));
        List<String> words = new ArrayList<>(List.of(cmd.trim().split("\\s+")));
        words.addAll(v.options());
        if (!words.isEmpty() && words.getFirst().equals("{fastpath}")) {
            List<String> java = Host.fastpathJava(words.subList(1, words.size()).toArray(String[]::new));
            return java;
        }
        return words;
    }

    Child spawn(String ns, int cpu, String name, List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        all.addAll(cmd);
        return new Child(name, lab.spawn(ns, all.toArray(String[]::new)));
    }

    /** Floods one victim and measures; never throws for a victim's failure, reports it instead. */
    VictimResult run(Victim v) throws InterruptedException, IOException {
        Child victim;
        try {
            victim = startVictim(v);
        } catch (IllegalStateException e) {
            return VictimResult.failed(v, e.getMessage());
        }
        VictimResult r = null;
        try {
            r = measure(v, victim);
        } finally {
            victim.stop();
            // The victim's own view (Fastpath prints its counters on exit): where frames were lost.
            Files.write(s.workDir().resolve("victim-" + v.name() + ".log"), victim.lines());
            lab.run(lab.nsB(), 10, "sh", "-c", "echo 0 > /sys/class/net/" + Lab.IF_B + "/threaded 2>/dev/null; true");
            lab.run(lab.nsA(), 10, "sh", "-c", "echo 0 > /sys/class/net/" + Lab.IF_A + "/threaded 2>/dev/null; true");
            for (String[] end : new String[][] {{lab.nsA(), Lab.IF_A}, {lab.nsB(), Lab.IF_B}}) {
                lab.run(end[0], 10, "sh", "-c", "cd /sys/class/net/" + end[1] + " && echo 0 > napi_defer_hard_irqs "
                    + "&& echo 0 > gro_flush_timeout; true");
            }
            if (!v.kernel()) { // give B's kernel its address and route back for whoever comes next
                lab.run(lab.nsB(), 10, "ip", "addr", "replace", Lab.IP_B + "/24", "dev", Lab.IF_B);
                lab.run(lab.nsB(), 10, "ip", "route", "replace", FLOOD_SRC, "via", Lab.IP_A, "dev", Lab.IF_B);
            }
        }
        if (v.kernel() || r.error() != null) {
            return r;
        }
        long[] xdp = xdpRuns(victim.lines());
        return r.withVictimView(counter(victim.lines(), "TcpExtSyncookiesSent"), ringDrops(victim.lines()))
            .withCore(r.core().withXdp(xdp[0], xdp[1]));
    }

    /** Sum of {@code workerN.NAME value} over the workers, or -1 when no worker printed it. */
    static long counter(List<String> lines, String name) {
        Pattern p = Pattern.compile("^worker\\d+\\." + name + " (\\d+)$");
        long sum = -1;
        for (String l : lines) {
            Matcher m = p.matcher(l.strip());
            if (m.matches()) {
                sum = Math.max(sum, 0) + Long.parseLong(m.group(1));
            }
        }
        return sum;
    }

    /**
     * The XDP program's runs and their time as the victim printed them (its AF_XDP statistics; one program for every
     * queue, so the largest count is the program's).
     *
     * @return {runs, nanoseconds}, zeros when not printed or not counted
     */
    static long[] xdpRuns(List<String> lines) {
        Pattern p = Pattern.compile("\\bxdpRuns=(\\d+), xdpRunNs=(\\d+)");
        long[] best = new long[2];
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find() && Long.parseLong(m.group(1)) > best[0]) {
                best[0] = Long.parseLong(m.group(1));
                best[1] = Long.parseLong(m.group(2));
            }
        }
        return best;
    }

    /** Frames the kernel dropped before the stack saw them: AF_XDP rx_dropped + RX ring full, AF_PACKET drops. */
    static long ringDrops(List<String> lines) {
        Pattern p = Pattern.compile("\\b(rxDropped|rxRingFull|rxDrops)=(\\d+)");
        long sum = -1;
        for (String l : lines) {
            Matcher m = p.matcher(l);
            while (m.find()) {
                sum = Math.max(sum, 0) + Long.parseLong(m.group(2));
            }
        }
        return sum;
    }

    private VictimResult measure(Victim v, Child victim) throws InterruptedException, IOException {
        Path json = s.workDir().resolve("flood-" + v.name() + ".json");
        Files.deleteIfExists(json);
        Child gen = spawn(lab.nsA(), s.genCpu(), "flood", Host.fastpathJava("flood", "--iface", Lab.IF_A,
            "--dst", Lab.IP_B + ":" + s.port(), "--rate", s.rate(), "--duration", Double.toString(s.durationS()),
            "--warmup", Double.toString(s.warmupS()), "--src", FLOOD_SRC, "--io", s.genIo(), "--dst-mac",
            "02:00:c6:12:00:02", "--progress", "always", "--json", json.toString()));
        if (!gen.awaitLine("sending", READY_MS)) {
            gen.stop();
            return VictimResult.failed(v, "the generator did not start:\n" + gen.tail());
        }
        if (("af_xdp".equals(s.genIo()) || liveFrames()) && s.placement().generatorNapiPinned()
                && tryPinNapi(lab.nsA(), Lab.IF_A, s.genCpu(), GEN_NAPI_NICE)) { // its receive work on its own core
            deferInterrupts(lab.nsA(), Lab.IF_A, GEN_DEFER_POLLS, GEN_GRO_FLUSH_NS);
        }
        // The warm-up has legitimate connections too, unmeasured: a Java victim compiles its connection paths
        // then, not in the measured part (the first cookie ACK took one here ~200 ms of deoptimised code).
        Child warmLegit = s.warmupS() > 0 ? legitClient(s.warmupS(), "legit-warmup") : null;
        // Measuring starts when the generator says so, after its warm-up: CPU, the legitimate client, the counts.
        if (!gen.awaitLine("measuring", READY_MS + (long) (s.warmupS() * 1000))) {
            gen.stop();
            return VictimResult.failed(v, "the generator did not start measuring:\n" + gen.tail());
        }
        long[][] cpuBefore = Host.cpuTimes();
        List<Long> napi = Host.kernelThreads("napi/" + Lab.IF_B + "-");
        long napiBefore = runNs(napi);
        long processBefore = Host.runNs(victim.pid());
        long wallBefore = System.nanoTime();
        Child legit = legitClient(s.durationS(), "legit");
        Path perfData = s.workDir().resolve("perf-" + v.name() + ".data");
        Process perf = s.perf() ? startPerf(perfData) : null;
        if (warmLegit != null) {
            warmLegit.waitFor(5_000);
        }
        long boundMs = (long) (s.durationS() * 1000) + 30_000;
        boolean genDone = gen.waitFor(boundMs);
        if (perf != null) {
            perf.waitFor();
            Files.writeString(s.workDir().resolve("perf-" + v.name() + ".md"),
                PerfProfile.summarize(PerfProfile.report(perfData), 15));
        }
        long napiAfter = runNs(napi);
        long processAfter = Host.runNs(victim.pid());
        double seconds = (System.nanoTime() - wallBefore) / 1e9;
        boolean legitDone = legit.waitFor(boundMs);
        Files.write(s.workDir().resolve("flood-" + v.name() + ".log"), gen.lines());
        double[] cpu = Host.cpuPercent(cpuBefore, Host.cpuTimes());
        VictimResult.CoreUse core = napiBefore < 0 || napiAfter < 0 || processBefore < 0 || processAfter < 0
            ? VictimResult.CoreUse.NONE
            : new VictimResult.CoreUse(napiAfter - napiBefore, processAfter - processBefore, seconds, 0, 0);
        long rss = Host.peakRssKb(victim.pid());
        if (!genDone || !Files.exists(json)) {
            return VictimResult.failed(v, "the generator did not finish:\n" + gen.tail());
        }
        if (!legitDone) {
            return VictimResult.failed(v, "the legitimate client did not finish:\n" + legit.tail());
        }
        return result(v, Files.readString(json), legit.lines(), cpu, rss).withCore(core);
    }

    /**
     * perf on the victim's core for the middle of the measured part: it starts a second in (the legitimate client's
     * start) and lasts up to 3 s, ending well before the flood does.
     */
    private Process startPerf(Path data) throws InterruptedException, IOException {
        double seconds = Math.min(3, s.durationS() - 1.5);
        if (seconds < 0.5) {
            return null;
        }
        Thread.sleep(1000);
        return PerfProfile.record(s.victimCpu(), data, seconds);
    }

    /** @return the run time of these threads together, or -1 when one cannot be read */
    private static long runNs(List<Long> threads) {
        long sum = 0;
        for (long t : threads) {
            long ns = Host.runNs(t);
            if (ns < 0) {
                return -1;
            }
            sum += ns;
        }
        return sum;
    }

    private Child legitClient(double seconds, String name) {
        return spawn(lab.nsA(), s.genCpu(), name, List.of("python3", Host.script("legit_client.py").toString(),
            Lab.IP_B, Integer.toString(s.port()), Double.toString(s.legitRate()), Double.toString(seconds), "3"));
    }

    private static VictimResult result(Victim v, String json, List<String> legitLines, double[] cpu, long rss) {
        Histogram h = new Histogram(60_000_000L, 3);
        long ok = 0;
        long failed = 0;
        long attempted = -1;
        for (String l : legitLines) {
            if (l.startsWith("done attempted=")) {
                attempted = Long.parseLong(l.substring("done attempted=".length()).strip());
            }
            if (l.startsWith("ok ")) {
                h.recordValue(Math.min(60_000_000L, Long.parseLong(l.substring(3).strip())));
                ok++;
            } else if (l.startsWith("fail ")) {
                failed++;
            }
        }
        FloodResult f = FloodResult.fromJson(json);
        return new VictimResult(v, null, null, f.offeredRate(), f.sent(), f.sentRate(), f.synAcks(),
            f.answeredRate(), f.validLooking(), f.tsEncoded(), f.synAcksPerSecond(), attempted, ok, failed, h, cpu,
            rss, -1, -1, f.driverDrops(), f.sendSeconds(), VictimResult.CoreUse.NONE);
    }
}
