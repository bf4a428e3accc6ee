package dev.fastpath.bench.e2e;

import dev.fastpath.lab.ProjectHome;
import dev.fastpath.lab.Lab;
import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.stress.XdpLiveSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath bench synflood}: builds a lab, and floods each victim in turn — the kernel listener with
 * {@code tcp_syncookies=2} and {@code 1}, then Fastpath's {@code serve} on AF_XDP and AF_PACKET (skipped
 * with a message when this build has no {@code serve}) — while a legitimate kernel client makes new
 * connections through the flood. Writes JSON, PNG charts and a markdown summary.
 */
@Command(
        name = "synflood",
        mixinStandardHelpOptions = true,
        description = "SYN flood end to end: kernel vs Fastpath victims in a lab, with a legitimate client.")
public final class SynFloodCommand implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "S",
            description = "seconds of flood per victim (default: ${DEFAULT-VALUE})")
    private double duration = 10;

    @Option(names = "--warmup", paramLabel = "S", description = "seconds of flood before each victim is measured "
        + "(JIT compilation of the generator and of a Java victim; not counted) (default: ${DEFAULT-VALUE})")
    private double warmup = 3;

    @Option(names = "--rate", paramLabel = "N|max", description = "flood rate (default: ${DEFAULT-VALUE})")
    private String rate = "max";

    @Option(names = "--rounds", paramLabel = "N", description = "flood every victim N times, in turn, in one lab; "
        + "each round gets its own report in round-K/, the summary counts the rounds that met the goal "
        + "(default: ${DEFAULT-VALUE})")
    private int rounds = 1;

    @Option(names = "--legit-rate", paramLabel = "N",
            description = "legitimate connections/s (default: ${DEFAULT-VALUE})")
    private double legitRate = 50;

    @Option(names = "--out", paramLabel = "DIR",
            description = "result directory (default: bench/results/synflood-<time>)")
    private Path out;

    @Option(names = "--victims", description = "comma-separated victims or all (default: ${DEFAULT-VALUE})")
    private String victims = "all";

    @Option(names = "--gen-io", description = "generator backend: xdp_live (the kernel sends from an XDP program "
        + "run with live frames, no skb per SYN; GRO gives veth-b the NAPI it needs), af_xdp (copy mode, an skb per "
        + "SYN), af_packet (about 0.4 M SYN/s: less than the AF_XDP victim answers) or auto: xdp_live on Linux 5.18 "
        + "and later, af_xdp before (default: ${DEFAULT-VALUE})")
    private String genIo = "auto";

    @Option(names = "--placement", paramLabel = "fair|softirq|free", description = "where each side's receive work "
        + "runs. fair: veth's NAPI for the victim threaded on the victim's core (every victim), the generator's on its "
        + "own core with interrupt deferral, so no victim pays a wake-up of the generator per answer; softirq: the "
        + "victim's NAPI not threaded, in the generator's softirq on its core (the victim's receive work billed to the "
        + "generator's core); free: wherever the kernel schedules it (default: ${DEFAULT-VALUE})")
    private String placement = Placement.FAIR.label();

    @Option(names = "--breakdown", description = "after the rounds, flood every victim once more with the kernel's BPF "
        + "run-time statistics on (the XDP program's time per run) and perf sampling the victim's core (when perf "
        + "works here), and write breakdown.md: where the victim's core went. The statistics cost every BPF program "
        + "two clock reads a run, so that run is not one of the measured rounds")
    private boolean breakdown;

    @Option(names = "--victim-defer-ns", paramLabel = "NS", description = "with --placement fair: interrupt deferral "
        + "on the victim's veth too, for every victim alike (napi_defer_hard_irqs 100, gro_flush_timeout NS): its NAPI "
        + "is polled from a timer on the victim's core while the flood flows instead of being woken by the generator "
        + "for each batch; 0: off (default: ${DEFAULT-VALUE})")
    private int victimDeferNs;

    @Option(names = "--port", description = "victim port (default: ${DEFAULT-VALUE})")
    private int port = 8080;

    @Option(names = "--serve-cmd", description = "Fastpath victim command; {fastpath} {io} {port} {cpu} are "
        + "replaced (default: ${DEFAULT-VALUE})")
    private String serveCmd = VictimRunner.DEFAULT_SERVE;

    @Option(names = "--gen-cpu", description = "core of the generator and legit client (default: ${DEFAULT-VALUE})")
    private int genCpu = 0;

    @Option(names = "--victim-cpu", description = "core of the victim (default: ${DEFAULT-VALUE})")
    private int victimCpu = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        System.setProperty("java.awt.headless", "true");
        List<Victim> chosen = checkedOptions();
        Optional<String> why = Lab.unavailableReason();
        if (why.isPresent()) {
            System.err.println("bench synflood: " + why.get());
            return 1;
        }
        boolean auto = genIo.equals("auto");
        if (auto) {
            genIo = XdpLiveSender.kernelHasLiveFrames(System.getProperty("os.version")) ? "xdp_live" : "af_xdp";
        }
        Path dir = out != null ? out : ProjectHome.root().resolve("bench/results/synflood-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        List<List<VictimResult>> all = runAll(chosen, dir, auto);
        String header = header();
        if (all.size() == 1) {
            System.out.print(SynFloodReport.markdown(header, all.get(0)));
        } else {
            String summary = SynFloodReport.roundsMarkdown(header, all);
            Files.writeString(dir.resolve("summary.md"), summary);
            System.out.print(summary);
        }
        System.out.println("bench synflood: results in " + dir);
        return all.stream().flatMap(List::stream).anyMatch(VictimResult::measured) ? 0 : 1;
    }

    /** Each option on its own: a usage error names the one that is wrong, and comes before any lab is built. */
    private List<Victim> checkedOptions() {
        int cpus = Runtime.getRuntime().availableProcessors();
        check(duration > 0 && duration <= 600, "--duration must be in (0, 600] seconds, not " + duration);
        check(warmup >= 0 && warmup <= 60, "--warmup must be in [0, 60] seconds, not " + warmup);
        check(legitRate > 0 && legitRate <= 5000, "--legit-rate must be in (0, 5000] per second, not " + legitRate);
        check(rounds >= 1 && rounds <= 20, "--rounds must be in 1..20, not " + rounds);
        check(List.of("fair", "softirq", "free").contains(placement), "--placement must be fair, softirq or free, not '"
            + placement + "'");
        check(victimDeferNs >= 0 && victimDeferNs <= 10_000_000, "--victim-defer-ns must be in [0, 10000000], not "
            + victimDeferNs);
        check(List.of("auto", "af_xdp", "af_packet", "xdp_live").contains(genIo),
            "--gen-io must be auto, xdp_live, af_xdp or af_packet, not '" + genIo + "'");
        check(rate.equalsIgnoreCase("max") || rate.matches("[1-9][0-9]{0,9}"),
            "--rate must be a positive number or max, not '" + rate + "'");
        check(port >= 1 && port <= 65535, "--port must be in 1..65535, not " + port);
        check(genCpu >= 0 && genCpu < cpus, "--gen-cpu must be in 0.." + (cpus - 1) + ", not " + genCpu);
        check(victimCpu >= 0 && victimCpu < cpus, "--victim-cpu must be in 0.." + (cpus - 1) + ", not " + victimCpu);
        try {
            return Victim.select(victims);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    private Path roundDir(Path dir, int round) {
        return rounds == 1 ? dir : dir.resolve("round-" + (round + 1));
    }

    private String header() {
        return String.format(Locale.ROOT, "Flood %s SYN/s from %s for %.1f s per victim after %.1f s of warm-up "
            + "(generator on %s, core %d; victim on core %d; placement %s: %s%s); legitimate client %.0f "
            + "connections/s from %s, 3 s timeout. Machine: %d cores, %s.", rate, VictimRunner.FLOOD_SRC, duration,
            warmup, genIo, genCpu, victimCpu, placement, Placement.of(placement).description(),
            victimDeferNs > 0 ? "; the victim's veth with interrupt deferral, " + victimDeferNs / 1000 + " µs" : "",
            legitRate, Lab.IP_A,
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"));
    }

    /**
     * Runs the rounds; each round's report is written as soon as it ends, so a later failure keeps it.
     *
     * @param auto whether the generator was chosen by {@code --gen-io auto}: live frames are then tried once in
     *             the lab first, and af_xdp taken instead (saying why) when they do not start
     */
    private List<List<VictimResult>> runAll(List<Victim> chosen, Path dir, boolean auto)
            throws IOException, InterruptedException {
        List<List<VictimResult>> all = new ArrayList<>();
        boolean serve = VictimRunner.serveAvailable();
        try (Lab lab = Lab.up()) {
            VictimRunner.prepare(lab, genCpu, victimCpu);
            if (auto && genIo.equals("xdp_live")) {
                String why = VictimRunner.liveFramesUnavailable(lab, port);
                if (why != null) {
                    System.out.println("bench synflood: live frames do not start here (" + why
                        + "); the generator uses af_xdp");
                    genIo = "af_xdp";
                }
            }
            String header = header();
            if (genIo.equals("xdp_live")) {
                VictimRunner.prepareLiveFrames(lab, Placement.of(placement));
            }
            for (int round = 0; round < rounds; round++) {
                Path rd = roundDir(dir, round);
                Files.createDirectories(rd);
                VictimRunner runner = new VictimRunner(lab, new VictimRunner.Settings(genCpu, victimCpu, port,
                    duration, warmup, rate, legitRate, genIo, serveCmd, rd, Placement.of(placement), false,
                    victimDeferNs));
                List<VictimResult> results = new ArrayList<>();
                for (Victim v : chosen) {
                    results.add(runOne(runner, v, serve, round));
                }
                SynFloodReport.write(rd, header, results);
                all.add(results);
            }
            if (breakdown) {
                runBreakdown(lab, chosen, dir.resolve("breakdown"), serve, header);
            }
        }
        return all;
    }

    /**
     * One more flood per victim with BPF run-time statistics on and perf on the victim's core; writes
     * {@code breakdown.md} beside the rounds.
     */
    private void runBreakdown(Lab lab, List<Victim> chosen, Path bd, boolean serve, String header)
            throws IOException, InterruptedException {
        Files.createDirectories(bd);
        String noPerf = PerfProfile.unavailable();
        if (noPerf != null) {
            System.out.println("bench synflood: breakdown without perf: " + noPerf);
        }
        int stats = bpf_h.enableRunTimeStats();
        if (stats < 0) {
            System.out.println("bench synflood: BPF run-time statistics refused (" + Errors.message(stats) + ")");
        }
        List<VictimResult> results = new ArrayList<>();
        try {
            VictimRunner runner = new VictimRunner(lab, new VictimRunner.Settings(genCpu, victimCpu, port, duration,
                warmup, rate, legitRate, genIo, serveCmd, bd, Placement.of(placement), noPerf == null,
                victimDeferNs));
            for (Victim v : chosen) {
                System.out.println("bench synflood: breakdown run: flooding " + v.describe());
                results.add(runOne(runner, v, serve, 0));
            }
        } finally {
            if (stats >= 0) {
                unistd_h.close(stats);
            }
        }
        SynFloodReport.write(bd, header, results);
        StringBuilder b = new StringBuilder("# Where the victim's core goes\n\n").append(header).append("\n\n")
            .append("One more flood per victim after the measured rounds, with the kernel's BPF run-time statistics ")
            .append("on (BPF_ENABLE_STATS: two clock reads per program run, on every program — the generator's too — ")
            .append("so these rates are lower than the rounds')")
            .append(noPerf == null ? " and perf sampling the victim's core for 3 s of the measured part"
                : "; no perf here (" + noPerf + ")").append(".\n")
            .append(SynFloodReport.coreUse(results));
        for (VictimResult r : results) {
            Path perf = bd.resolve("perf-" + r.victim().name() + ".md");
            if (Files.exists(perf)) {
                b.append("\n## ").append(r.victim().name()).append(": perf on the victim's core\n\n")
                    .append(Files.readString(perf));
            }
        }
        Files.writeString(bd.resolve("breakdown.md"), b.toString());
        System.out.print(b);
    }

    private VictimResult runOne(VictimRunner runner, Victim v, boolean serve, int round)
            throws IOException, InterruptedException {
        if (!v.kernel() && !serve) {
            String msg = "this build has no `serve` subcommand (Fastpath's server is on another branch)";
            System.out.println("bench synflood: skipping " + v.name() + ": " + msg);
            return VictimResult.skipped(v, msg);
        }
        System.out.println("bench synflood: " + (rounds > 1 ? "round " + (round + 1) + " of " + rounds + ": " : "")
            + "flooding " + v.describe() + " for " + duration + " s");
        VictimResult r = runner.run(v);
        if (r.error() != null) {
            System.out.println("bench synflood: " + v.name() + " failed: " + r.error());
        }
        return r;
    }
}
