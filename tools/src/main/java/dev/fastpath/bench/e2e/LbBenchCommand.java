package dev.fastpath.bench.e2e;

import dev.fastpath.lab.LbLab;
import dev.fastpath.lab.Lab;
import dev.fastpath.lab.ProjectHome;
import dev.fastpath.stress.FloodResult;
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
 * {@code fastpath bench lb}: Fastpath's balancer and HAProxy side by side in one lab ({@link LbLab}), with the same
 * three nginx backends, the same clients and the same cores: new connections a second (wrk, one short request each,
 * {@code Connection: close}) with each balancer's core time per connection, one long transfer, the latency added at
 * half load against the direct path, and legitimate requests through a SYN flood at the VIP.
 */
@Command(
        name = "lb",
        mixinStandardHelpOptions = true,
        description = "Load balancer end to end: Fastpath's lb vs HAProxy (TCP mode) in a lab, same backends, "
            + "clients and cores.")
public final class LbBenchCommand implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "S", description = "seconds of each measurement (default: "
        + "${DEFAULT-VALUE})")
    private int duration = 10;

    @Option(names = "--warmup", paramLabel = "S", description = "seconds of load before each balancer is measured "
        + "(JIT compilation of the Java balancer; not counted) (default: ${DEFAULT-VALUE})")
    private int warmup = 5;

    @Option(names = "--connections", paramLabel = "N", description = "wrk's concurrent connections (default: "
        + "${DEFAULT-VALUE})")
    private int connections = 50;

    @Option(names = "--transfer-mb", paramLabel = "MB", description = "size of the long transfer (default: "
        + "${DEFAULT-VALUE})")
    private int transferMb = 1024;

    @Option(names = "--legit-rate", paramLabel = "N", description = "legitimate requests/s through the flood "
        + "(default: ${DEFAULT-VALUE})")
    private int legitRate = 200;

    @Option(names = "--flood-rate", paramLabel = "N|max", description = "the SYN flood's rate (default: "
        + "${DEFAULT-VALUE})")
    private String floodRate = "max";

    @Option(names = "--gen-io", description = "the flood generator's backend: auto (xdp_live on Linux 5.18 and later, "
        + "else af_xdp), xdp_live, af_xdp (default: ${DEFAULT-VALUE})")
    private String genIo = "auto";

    @Option(names = "--balancers", description = "comma-separated: fastpath, haproxy (default: ${DEFAULT-VALUE})")
    private String balancers = "haproxy,fastpath";

    @Option(names = "--io", description = "Fastpath's packet backend: af_xdp or af_packet (default: ${DEFAULT-VALUE})")
    private String io = "af_xdp";

    @Option(names = "--lb-cpu", description = "the balancer's core (default: ${DEFAULT-VALUE})")
    private int lbCpu = 1;

    @Option(names = "--client-cpu", description = "the clients' and backends' core (default: ${DEFAULT-VALUE})")
    private int clientCpu = 0;

    @Option(names = "--out", paramLabel = "DIR", description = "result directory (default: bench/results/lb-<time>)")
    private Path out;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        System.setProperty("java.awt.headless", "true");
        List<String> chosen = checkedOptions();
        Optional<String> why = Lab.unavailableReason();
        if (why.isPresent()) {
            System.err.println("bench lb: " + why.get());
            return 1;
        }
        for (String tool : chosen.contains("haproxy") ? List.of("wrk", "nginx", "curl", "haproxy")
                : List.of("wrk", "nginx", "curl")) {
            if (Lab.exec(List.of("sh", "-c", "command -v " + tool), 5).exitCode() != 0) {
                System.err.println("bench lb: " + tool + " is not installed (bin/fastpath setup installs it)");
                return 1;
            }
        }
        if (genIo.equals("auto")) {
            genIo = XdpLiveSender.kernelHasLiveFrames(System.getProperty("os.version")) ? "xdp_live" : "af_xdp";
        }
        Path dir = out != null ? out : ProjectHome.root().resolve("bench/results/lb-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory("fastpath-bench-lb-");
        List<LbResult> results;
        LbResult direct;
        try (LbLab lab = LbLab.up(work, clientCpu, lbCpu, transferMb * 1_000_000L)) {
            LbBench bench = new LbBench(lab, new LbBench.Settings(duration, warmup, connections,
                transferMb * 1_000_000L, legitRate, floodRate, genIo, io, dir));
            results = new ArrayList<>();
            for (String b : chosen) {
                System.out.println("bench lb: " + b + ": new connections/s and one long transfer");
                results.add(bench.rateAndTransfer(b));
            }
            double half = 0.5 * results.stream().filter(r -> r.rate() != null).mapToDouble(r -> r.rate().perSecond())
                .filter(x -> x > 0).min().orElse(1000);
            half = Math.max(10, Math.round(half / 10) * 10.0);
            System.out.println("bench lb: latency at " + (long) half + " requests/s (half the slower balancer's rate)");
            direct = bench.direct(half);
            for (int i = 0; i < results.size(); i++) {
                System.out.println("bench lb: " + chosen.get(i) + ": latency at half load, then through a SYN flood");
                results.set(i, bench.latencyAndFlood(results.get(i), half));
            }
        } finally {
            deleteTree(work);
        }
        String header = header();
        LbBenchReport.write(dir, header, direct, results);
        System.out.print(LbBenchReport.markdown(header, direct, results));
        System.out.println("bench lb: results in " + dir);
        return results.stream().allMatch(r -> r.error() == null) ? 0 : 1;
    }

    private String header() {
        return String.format(Locale.ROOT, "Balancer on core %d (its process and veth-a's receive work), wrk, nginx x3 "
            + "(one worker each), the paced client and the flood generator on core %d; Fastpath on %s. wrk -t1 -c%d "
            + "for %d s after %d s of warm-up; one GET of %d MB; latency: the paced client (a new connection per "
            + "request, latency from when it was due); flood: %s SYN/s from %s (%s) with %d legitimate requests/s, "
            + "3 s timeout. Machine: %d cores, Linux %s.", lbCpu, clientCpu, io, connections, duration, warmup,
            transferMb, floodRate, LbLab.FLOOD_SRC, genIo, legitRate, Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.version"));
    }

    private List<String> checkedOptions() {
        int cpus = Runtime.getRuntime().availableProcessors();
        check(duration >= 2 && duration <= 300, "--duration must be in 2..300 seconds, not " + duration);
        check(warmup >= 0 && warmup <= 60, "--warmup must be in 0..60 seconds, not " + warmup);
        check(connections >= 1 && connections <= 10_000, "--connections must be in 1..10000, not " + connections);
        check(transferMb >= 1 && transferMb <= 100_000, "--transfer-mb must be in 1..100000, not " + transferMb);
        check(legitRate >= 1 && legitRate <= 5000, "--legit-rate must be in 1..5000, not " + legitRate);
        check(floodRate.equalsIgnoreCase("max") || floodRate.matches("[1-9][0-9]{0,9}"),
            "--flood-rate must be a positive number or max, not '" + floodRate + "'");
        check(List.of("auto", "xdp_live", "af_xdp").contains(genIo), "--gen-io must be auto, xdp_live or af_xdp, not '"
            + genIo + "'");
        check(List.of("af_xdp", "af_packet").contains(io), "--io must be af_xdp or af_packet, not '" + io + "'");
        check(lbCpu >= 0 && lbCpu < cpus, "--lb-cpu must be in 0.." + (cpus - 1) + ", not " + lbCpu);
        check(clientCpu >= 0 && clientCpu < cpus, "--client-cpu must be in 0.." + (cpus - 1) + ", not " + clientCpu);
        List<String> chosen = List.of(balancers.split(","));
        for (String b : chosen) {
            check(LbBench.BALANCERS.contains(b), "--balancers: unknown balancer '" + b + "' (known: "
                + String.join(", ", LbBench.BALANCERS) + ")");
        }
        check(chosen.size() == chosen.stream().distinct().count(), "--balancers names one twice: " + balancers);
        return chosen;
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** @return the flood's SYN/s as the generator reported it (its JSON), or 0 when it wrote none */
    static double sentRate(Path json) throws IOException {
        return Files.exists(json) ? FloodResult.fromJson(Files.readString(json)).sentRate() : 0;
    }
}
