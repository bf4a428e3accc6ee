package dev.fastpath.bench.e2e;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Writes a synflood run's results: {@code results.json}, two PNG charts and {@code summary.md}. */
final class SynFloodReport {

    /** A generator within 2 % of the asked rate is on target (the pacer's rounding and its catch-up limit). */
    private static final double SHORTFALL = 0.98;

    private SynFloodReport() {
    }

    static void write(Path dir, String header, List<VictimResult> results) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), json(header, results));
        rateChart(results, dir.resolve("synack-rate.png"));
        latencyChart(results, dir.resolve("legit-latency.png"));
        Files.writeString(dir.resolve("summary.md"), markdown(header, results));
    }

    static String json(String header, List<VictimResult> results) {
        List<Map<String, Object>> victims = new ArrayList<>();
        for (VictimResult r : results) {
            Histogram h = r.latencyUs();
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("name", r.victim().name());
            v.put("description", r.victim().describe());
            v.put("skipped", r.skipped());
            v.put("error", r.error());
            v.put("offeredRate", r.offeredRate());
            v.put("sent", r.sent());
            v.put("sentRate", tenth(r.sentRate()));
            v.put("synAcks", r.synAcks());
            v.put("synAckRate", tenth(r.synAckRate()));
            v.put("validLooking", r.validLooking());
            v.put("tsEncoded", r.tsEncoded());
            v.put("synAcksPerSecond", r.synAcksPerSecond());
            v.put("legitAttempted", r.legitAttempted());
            v.put("legitCompleted", r.legitCompleted());
            v.put("legitFailed", r.legitFailed());
            v.put("latencyUs", Map.of("p50", h.getValueAtPercentile(50), "p99", h.getValueAtPercentile(99),
                "max", h.getMaxValue()));
            List<Double> cpu = new ArrayList<>();
            for (double c : r.cpuPercent()) {
                cpu.add(tenth(c));
            }
            v.put("cpuPercent", cpu);
            v.put("victimPeakRssKb", r.victimPeakRssKb());
            v.put("victimCookies", r.victimCookies());
            v.put("victimRingDrops", r.victimRingDrops());
            v.put("driverDrops", r.driverDrops());
            VictimResult.CoreUse c = r.core();
            Map<String, Object> core = new LinkedHashMap<>();
            core.put("napiPercent", tenth(c.napiPercent()));
            core.put("processPercent", tenth(c.processPercent()));
            core.put("nsPerSynAck", Math.round(c.nsPerSynAck(r.synAcks())));
            core.put("xdpRuns", c.xdpRuns());
            core.put("xdpNsPerRun", tenth(c.xdpNsPerRun()));
            v.put("victimCore", core);
            victims.add(v);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("setup", header);
        doc.put("victims", victims);
        try {
            return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(doc) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU per core for the summary table, e.g. {@code [94.1,88.0]}. */
    private static String cpuText(double[] cpu) {
        List<String> parts = new ArrayList<>();
        for (double c : cpu) {
            parts.add(String.format(Locale.ROOT, "%.1f", c));
        }
        return "[" + String.join(",", parts) + "]";
    }

    private static double tenth(double x) {
        return Math.round(x * 10) / 10.0;
    }

    private static void rateChart(List<VictimResult> results, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title("SYN-ACKs per second under a SYN flood")
            .xAxisTitle("second of the run").yAxisTitle("SYN-ACKs/s (counted at the generator)").build();
        boolean any = false;
        for (VictimResult r : results) {
            long[] s = r.synAcksPerSecond();
            if (!r.measured() || s.length == 0) {
                continue;
            }
            double[] x = new double[s.length];
            double[] y = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                x[i] = i + 1;
                y[i] = s[i];
            }
            chart.addSeries(r.victim().name(), x, y);
            any = true;
        }
        if (!any) {
            chart.addSeries("no data", new double[] {0}, new double[] {0});
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void latencyChart(List<VictimResult> results, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500)
            .title("Legitimate handshake latency through the flood").xAxisTitle("percentile")
            .yAxisTitle("connect() latency, ms").build();
        chart.getStyler().setYAxisLogarithmic(true);
        double[] pct = {1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100};
        boolean any = false;
        for (VictimResult r : results) {
            Histogram h = r.latencyUs();
            if (!r.measured() || h.getTotalCount() == 0) {
                continue;
            }
            double[] y = new double[pct.length];
            for (int i = 0; i < pct.length; i++) {
                y[i] = Math.max(0.001, h.getValueAtPercentile(pct[i]) / 1000.0);
            }
            chart.addSeries(r.victim().name(), pct, y);
            any = true;
        }
        if (!any) {
            chart.addSeries("no data", new double[] {0}, new double[] {1});
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static String markdown(String header, List<VictimResult> results) {
        StringBuilder b = new StringBuilder("# SYN flood: Fastpath vs the Linux kernel\n\n").append(header)
            .append("\n\n| victim | offered | sent/s | dropped at the generator | SYN-ACK/s | valid-looking "
                + "| ts-encoded | legit ok/failed | p50 / p99 / max ms | CPU % per core | victim peak RSS |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (VictimResult r : results) {
            if (!r.measured()) {
                b.append("| ").append(r.victim().name()).append(" | ")
                    .append(r.skipped() != null ? "skipped: " + r.skipped() : "failed: " + firstLine(r.error()))
                    .append(" | | | | | | | | | |\n");
                continue;
            }
            Histogram h = r.latencyUs();
            b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.0f | %d | %d | %d / %d | %.1f / %.1f / %.1f "
                + "| %s | %s |%n", r.victim().name(), r.offeredRate() == 0 ? "max" : Long.toString(r.offeredRate()),
                r.sentRate(), r.driverDrops() < 0 ? "—" : Long.toString(r.driverDrops()), r.synAckRate(),
                r.validLooking(), r.tsEncoded(), r.legitCompleted(), r.legitFailed(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                cpuText(r.cpuPercent()), r.victimPeakRssKb() < 0 ? "?" : r.victimPeakRssKb() / 1024 + " MiB"));
        }
        StringBuilder views = new StringBuilder();
        for (VictimResult r : results) {
            if (r.measured() && r.victimCookies() >= 0) {
                views.append(String.format(Locale.ROOT, "- %s: %d SYN cookies sent, %d frames dropped by the kernel "
                    + "before the stack (whole run, warm-up included; the victim's own counters)%n",
                    r.victim().name(), r.victimCookies(), Math.max(r.victimRingDrops(), 0)));
            }
        }
        if (views.length() > 0) {
            b.append("\nThe victims' own view:\n\n").append(views);
        }
        b.append(coreUse(results));
        b.append(shortfalls(results));
        b.append(ratios(results));
        b.append("\nCharts: `synack-rate.png` (SYN-ACKs per second per victim), `legit-latency.png` "
            + "(latency percentiles of the legitimate client).\n");
        return b.toString();
    }

    /**
     * Where each victim's core went: veth's NAPI threads for its interface, its own process, the time per SYN-ACK
     * (both together, over the SYN-ACKs counted) and, when BPF run-time statistics were on, its XDP program's time
     * per run.
     */
    static String coreUse(List<VictimResult> results) {
        StringBuilder b = new StringBuilder();
        for (VictimResult r : results) {
            VictimResult.CoreUse c = r.core();
            if (!r.measured() || !c.known()) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f %% | %.1f %% | %.0f | %s |%n", r.victim().name(),
                r.synAckRate(), c.napiPercent(), c.processPercent(), c.nsPerSynAck(r.synAcks()),
                c.xdpRuns() > 0 ? String.format(Locale.ROOT, "%.0f ns × %d", c.xdpNsPerRun(), c.xdpRuns()) : "—"));
        }
        return b.isEmpty() ? "" : "\nThe victim's core (the kernel's run time per task, measured part):\n\n"
            + "| victim | SYN-ACK/s | NAPI threads | victim process | ns of the core per SYN-ACK | XDP program "
            + "per run (BPF stats) |\n|---|---|---|---|---|---|\n" + b;
    }

    /**
     * Where fewer SYNs than asked were made (live frames: sent plus what the driver dropped) or sent (a backend
     * the victim's full queue pushes back): said plainly, since the goal is judged against the rate asked.
     */
    static String shortfalls(List<VictimResult> results) {
        StringBuilder b = new StringBuilder();
        for (VictimResult r : results) {
            double made = r.generatedRate();
            if (r.measured() && r.offeredRate() > 0 && made < SHORTFALL * r.offeredRate()) {
                boolean live = r.driverDrops() >= 0;
                b.append(String.format(Locale.ROOT, "- %s: the generator %s %.0f SYN/s of the %d asked (%.1f %%)%s; "
                    + "the goal is still judged against the rate asked%n", r.victim().name(), live ? "made" : "sent",
                    made, r.offeredRate(), 100.0 * made / r.offeredRate(),
                    live ? "" : " (its own limit, or the victim's full queue pushed back)"));
            }
        }
        return b.isEmpty() ? "" : "\nFewer SYNs than asked:\n\n" + b;
    }

    static String ratios(List<VictimResult> results) {
        StringBuilder b = new StringBuilder();
        Goal.of(results).forEach(g -> b.append(g.line()));
        return b.isEmpty() ? "\nNo Fastpath ÷ kernel ratios: this run did not measure both Fastpath and the kernel "
            + "with tcp_syncookies=2.\n"
            : "\nRatios (Fastpath ÷ kernel with tcp_syncookies=2) and the goal (" + Goal.statement() + "):\n\n" + b;
    }

    /**
     * The summary of several rounds (each in its own directory): per round and Fastpath victim the kernel's and
     * the victim's SYN-ACK rates, the ratio, the share answered, the legitimate handshakes and the verdict; then
     * per victim how many rounds met the goal and the median ratio.
     */
    static String roundsMarkdown(String header, List<List<VictimResult>> rounds) {
        StringBuilder b = new StringBuilder("# SYN flood: Fastpath vs the Linux kernel, ").append(rounds.size())
            .append(" rounds\n\n").append(header).append("\n\nEach round floods every victim in turn, so a slow ")
            .append("spell of the machine touches the kernel and Fastpath of the same round alike; `round-K/` holds ")
            .append("each round's full report. Goal: ").append(Goal.statement()).append(".\n\n")
            .append("| round | victim | kernel SYN-ACK/s | victim SYN-ACK/s | × kernel | answered | legit | goal |\n")
            .append("|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Goal>> byVictim = new LinkedHashMap<>();
        int notJudged = 0;
        for (int i = 0; i < rounds.size(); i++) {
            VictimResult kernel = Goal.kernelOf(rounds.get(i));
            if (kernel == null) {
                notJudged++;
                b.append(String.format(Locale.ROOT, "| %d | — | not measured | | | | | not judged |%n", i + 1));
                continue;
            }
            for (Goal g : Goal.of(rounds.get(i))) {
                byVictim.computeIfAbsent(g.victim(), k -> new ArrayList<>()).add(g);
                b.append(g.failure() != null
                    ? String.format(Locale.ROOT, "| %d | %s | %.0f | failed | | | | not met |%n", i + 1, g.victim(),
                        kernel.synAckRate())
                    : String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.2f | %.1f %% | %d / %d | %s |%n", i + 1,
                        g.victim(), kernel.synAckRate(), kernel.synAckRate() * g.ratio(),
                        g.shownRatio(), g.shownAnsweredPercent(), g.legitCompleted(),
                        g.legitAttempted(), g.met() ? "met" : "not met"));
            }
        }
        b.append('\n');
        String unjudged = notJudged == 0 ? "" : String.format(Locale.ROOT, "; %d round(s) not judged: the kernel "
            + "was not measured", notJudged);
        byVictim.forEach((victim, goals) -> {
            // As the table prints them (rounded down), so the range names the same figures as the rows.
            double[] ratios = goals.stream().filter(g -> g.failure() == null).mapToDouble(Goal::shownRatio).sorted()
                .toArray();
            b.append(String.format(Locale.ROOT, "- %s: goal met in %d of %d rounds%s%s%n", victim,
                goals.stream().filter(Goal::met).count(), rounds.size(), ratios.length == 0 ? ""
                    : String.format(Locale.ROOT, "; × kernel median %.2f (%.2f–%.2f)", median(ratios), ratios[0],
                        ratios[ratios.length - 1]), unjudged));
        });
        if (byVictim.isEmpty()) {
            b.append("No Fastpath ÷ kernel ratios: no round measured both the kernel (tcp_syncookies=2) and "
                + "Fastpath.\n");
        }
        return b.toString();
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).replace("|", "/");
    }
}
