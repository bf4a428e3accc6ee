package dev.fastpath.bench.e2e;

import dev.fastpath.lab.Lab;
import dev.fastpath.lab.ProjectHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath bench soak --minutes N}: a long run, not a test. In a lab, {@code fastpath lb} on AF_XDP (B) takes a
 * SYN flood at the generator's maximum on its VIP while kernel clients (A) make legitimate HTTP requests through it
 * to a kernel backend (A, 198.18.0.11); each second the balancer's resident memory, its worker's table occupancy
 * (sockets, TIME_WAIT records, timers pending, open connections), its heap after each collection and the
 * collections' count (its {@code -Xlog:gc}) and the clients' successes and failures are sampled. Written under
 * {@code bench/results/soak-TIME/}: {@code samples.csv}, {@code soak.png} (one panel per quantity) and
 * {@code summary.md} with the verdict: flat after the warm-up (the last minute's means within 10 % + a small
 * absolute slack of the first minute's after the warm-up) and no legitimate failure.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"A long run of fastpath lb under a SYN flood plus legitimate requests (root): memory, tables, "
            + "timers and GC sampled each second, plotted, judged flat after the warm-up."})
public final class SoakCommand implements Callable<Integer> {
    static final String BACKEND_IP = "198.18.0.11";
    static final int BACKEND_PORT = 8080;
    static final int VIP_PORT = 80;
    private static final Pattern STATS = Pattern.compile("stats worker=0 .* open=(\\d+) sockets=(\\d+) "
            + "timeWait=(\\d+) timers=(\\d+) cookiesSent=(\\d+)");
    private static final Pattern GC = Pattern.compile("^\\[([0-9.]+)s\\].* Pause (\\w+).* \\d+M->(\\d+)M\\(");
    private static final Pattern LEGIT = Pattern.compile("legit (\\d+) ok (\\d+) fail (\\d+)(.*)");

    @Option(names = "--minutes", paramLabel = "N", defaultValue = "10", description = "length of the run (default 10)")
    private double minutes;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "90",
            description = "seconds at the start left out of the verdict (default 90: TIME_WAIT fills for 60 s)")
    private int warmup;

    @Option(names = "--legit-rate", paramLabel = "N", defaultValue = "40",
            description = "legitimate requests per second through the balancer (default 40)")
    private double legitRate;

    @Option(names = "--rate", paramLabel = "N|max", defaultValue = "max", description = "flood rate (default max)")
    private String rate;

    @Option(names = "--gen-cpu", defaultValue = "0", description = "core of the generator, clients and backend")
    private int genCpu;

    @Option(names = "--victim-cpu", defaultValue = "1", description = "core of the balancer")
    private int victimCpu;

    @Option(names = "--out", paramLabel = "DIR", description = "result directory (default bench/results/soak-TIME)")
    private Path out;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0 && minutes <= 60)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--minutes must be in (0, 60], not "
                    + minutes);
        }
        int seconds = (int) Math.round(minutes * 60);
        if (warmup < 0 || warmup > seconds - 60) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must leave at least 60 s of the "
                    + seconds + " s run, not " + warmup);
        }
        if (!(legitRate > 0 && legitRate <= 1000)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--legit-rate must be in (0, 1000]");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (genCpu < 0 || genCpu >= cores || victimCpu < 0 || victimCpu >= cores) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gen-cpu/--victim-cpu must be in 0.."
                    + (cores - 1));
        }
        var unavailable = Lab.unavailableReason();
        if (unavailable.isPresent()) {
            System.err.println("bench soak: no lab: " + unavailable.get());
            return 1;
        }
        Path dir = out != null ? out : ProjectHome.root().resolve("bench/results/soak-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        List<SoakSample> samples;
        try (Lab lab = Lab.up()) {
            samples = run(lab, seconds, dir);
        }
        SoakReport report = new SoakReport(samples, warmup, seconds);
        report.write(dir, String.format(Locale.ROOT, "fastpath bench soak --minutes %s --warmup %d --legit-rate %s "
                + "--rate %s", minutes, warmup, legitRate, rate));
        System.out.println(report.verdictLine());
        System.out.println("results in " + dir);
        return report.flat() && report.legitFailures() == 0 ? 0 : 1;
    }

    private List<SoakSample> run(Lab lab, int seconds, Path dir) throws Exception {
        VictimRunner.check(lab.run(lab.nsB(), 10, "ip", "addr", "flush", "dev", Lab.IF_B)); // the stack owns .2
        VictimRunner.check(lab.run(lab.nsA(), 10, "ip", "addr", "add", BACKEND_IP + "/24", "dev", Lab.IF_A));
        // frames toward the stack no larger than the MTU (it takes no GSO), as in the README's lb lab
        VictimRunner.check(lab.run(lab.nsA(), 10, "ethtool", "-K", Lab.IF_A, "tso", "off", "gso", "off"));
        VictimRunner.check(lab.run(lab.nsA(), 10, "sh", "-c", "echo " + Integer.toHexString(1 << genCpu)
                + " > /sys/class/net/" + Lab.IF_A + "/queues/rx-0/rps_cpus"));
        Path script = Host.script("soak.py");
        // the system's python: a version manager's shim (pyenv) is a shell script that took > 10 s to start under load
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<Child> children = new ArrayList<>();
        try {
            Child backend = spawn(lab, lab.nsA(), -1, "backend", List.of(python, script.toString(), "backend",
                    BACKEND_IP, Integer.toString(BACKEND_PORT)));
            children.add(backend);
            require(backend, "ready", 60_000);
            List<String> lbCmd = new ArrayList<>(Host.fastpathJava("lb", "--io", "af_xdp", "--iface", Lab.IF_B,
                    "--ip", Lab.IP_B + "/24", "--gateway", Lab.IP_A, "--vip", Lab.IP_B + ":" + VIP_PORT, "--backend",
                    BACKEND_IP + ":" + BACKEND_PORT, "--cpus", Integer.toString(victimCpu), "--stats-interval", "1"));
            Path gcLog = dir.resolve("gc.log");
            lbCmd.add(1, "-Xlog:gc:file=" + gcLog + ":uptime");
            Child lb = spawn(lab, lab.nsB(), victimCpu, "lb", lbCmd);
            children.add(lb);
            require(lb, "ready", 60_000);
            long lbPid = lb.pid();
            java.time.Instant lbStart = ProcessHandle.of(lbPid).flatMap(h -> h.info().startInstant())
                    .orElseThrow(() -> new IllegalStateException("no start time of the balancer " + lbPid));
            Child flood = spawn(lab, lab.nsA(), genCpu, "flood", Host.fastpathJava("flood", "--iface", Lab.IF_A,
                    "--dst", Lab.IP_B + ":" + VIP_PORT, "--rate", rate, "--duration", Integer.toString(seconds + 5),
                    "--src", VictimRunner.FLOOD_SRC, "--io", "af_xdp", "--progress", "always"));
            children.add(flood);
            require(flood, "sending", 60_000);
            // the backend and the clients go where the scheduler puts them: the generator spins on its core
            Child legit = spawn(lab, lab.nsA(), -1, "legit", List.of(python, script.toString(), "client",
                    Lab.IP_B, Integer.toString(VIP_PORT), Double.toString(legitRate), Integer.toString(seconds), "5"));
            children.add(legit);
            require(legit, "ready", 60_000);
            List<SoakSample> samples = sample(seconds, lbPid, lbStart, lb);
            legit.waitFor(15_000);
            lb.stop(30); // its GC log complete, its counters printed (3 s was too short under the flood: killed)
            return gc(merge(samples, legit.lines()), Files.readAllLines(gcLog));
        } finally {
            for (Child c : children.reversed()) {
                c.stop();
            }
            for (Child c : children) {
                Files.write(dir.resolve(c.name() + ".log"), c.lines());
            }
        }
    }

    private static Child spawn(Lab lab, String ns, int cpu, String name, List<String> cmd) {
        List<String> all = new ArrayList<>(cpu < 0 ? List.of() : List.of("taskset", "-c", Integer.toString(cpu)));
        all.addAll(cmd);
        return new Child(name, lab.spawn(ns, all.toArray(String[]::new)));
    }

    private static void require(Child c, String line, long ms) throws InterruptedException {
        if (!c.awaitLine(line, ms)) {
            throw new IllegalStateException(c.name() + " did not print '" + line + "' within " + ms / 1000
                    + " s:\n" + c.tail());
        }
    }

    /** One sample a second: the balancer's RSS now, its last stats line, its JVM's uptime. */
    private static List<SoakSample> sample(int seconds, long pid, java.time.Instant lbStart, Child lb)
            throws InterruptedException {
        List<SoakSample> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 1; t <= seconds; t++) {
            long due = start + t * 1_000_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (!lb.alive()) {
                throw new IllegalStateException("the balancer died at second " + t + ":\n" + lb.tail());
            }
            long rssKb = Host.rssKb(pid);
            Matcher m = last(lb.lines(), STATS);
            double uptime = java.time.Duration.between(lbStart, java.time.Instant.now()).toNanos() / 1e9;
            samples.add(new SoakSample(t, rssKb, m == null ? -1 : Long.parseLong(m.group(2)),
                    m == null ? -1 : Long.parseLong(m.group(3)), m == null ? -1 : Long.parseLong(m.group(4)),
                    m == null ? -1 : Long.parseLong(m.group(1)), m == null ? -1 : Long.parseLong(m.group(5)),
                    uptime, -1, 0, 0, 0, 0, ""));
            if (t % 60 == 0) {
                SoakSample s = samples.getLast();
                System.out.printf(Locale.ROOT, "%4d s  rss %d MiB  sockets %d  timeWait %d  timers %d  cookies %d%n",
                        t, s.rssKb() >> 10, s.sockets(), s.timeWait(), s.timers(), s.cookiesSent());
            }
        }
        return samples;
    }

    private static Matcher last(List<String> lines, Pattern p) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = p.matcher(lines.get(i));
            if (m.find()) {
                return m;
            }
        }
        return null;
    }

    /**
     * Places the GC log's events ({@code [12.345s][info][gc] GC(3) Pause Young ... 25M->5M(256M) 1.2ms}) on the
     * samples by the JVM's uptime: collections so far, heap after the last one.
     */
    static List<SoakSample> gc(List<SoakSample> samples, List<String> log) {
        List<double[]> events = new ArrayList<>(); // {uptime, full?, heap after MiB}
        for (String l : log) {
            Matcher m = GC.matcher(l);
            if (m.find()) {
                events.add(new double[] {Double.parseDouble(m.group(1)), m.group(2).startsWith("Full") ? 1 : 0,
                        Double.parseDouble(m.group(3))});
            }
        }
        List<SoakSample> out = new ArrayList<>();
        int e = 0;
        long young = 0;
        long full = 0;
        double after = -1;
        for (SoakSample s : samples) {
            while (e < events.size() && events.get(e)[0] <= s.uptimeS()) {
                if (events.get(e)[1] == 1) {
                    full++;
                } else {
                    young++;
                }
                after = events.get(e)[2];
                e++;
            }
            out.add(s.withGc(after, young, full));
        }
        return out;
    }

    /** The clients' per-second results into the samples (second s of the client ~ sample s + 1). */
    private static List<SoakSample> merge(List<SoakSample> samples, List<String> legit) {
        List<SoakSample> all = new ArrayList<>(samples);
        for (String l : legit) {
            Matcher m = LEGIT.matcher(l);
            if (m.matches()) {
                int i = Integer.parseInt(m.group(1));
                if (i < all.size()) {
                    all.set(i, all.get(i).withLegit(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                            m.group(4).strip()));
                }
            }
        }
        return all;
    }
}
