package dev.fastpath.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Writes {@code bench lb}'s results: {@code summary.md} and three bar charts. */
final class LbBenchReport {
    /** Issue 20's goals, against HAProxy. */
    static final double GOAL_CONNS_PER_CPU = 1.5;
    static final double GOAL_THROUGHPUT = 1.0;
    static final double GOAL_ANSWERED_PCT = 99.9;

    private LbBenchReport() {
    }

    static void write(Path dir, String header, LbResult direct, List<LbResult> results) throws IOException {
        Files.writeString(dir.resolve("summary.md"), markdown(header, direct, results));
        chart(dir.resolve("lb-connections.png"), "New connections (Connection: close)", "per second / per CPU-second",
            results, List.of("per second", "per CPU-second of its core"),
            List.of(r -> r.rate() == null ? null : r.rate().perSecond(),
                r -> r.rate() == null ? null : r.rate().perCpuSecond()));
        chart(dir.resolve("lb-throughput.png"), "One long transfer", "MB/s", results, List.of("MB/s"),
            List.of(r -> r.transfer() == null || !r.transfer().ok() ? null : r.transfer().megabytesPerSecond()));
        List<LbResult> withDirect = new ArrayList<>(List.of(direct));
        withDirect.addAll(results);
        chart(dir.resolve("lb-latency.png"), "Request latency (new connection each)", "ms", withDirect,
            List.of("p50 at half load", "p99 at half load", "p99 under SYN flood"),
            List.of(r -> r.latency() == null ? null : r.latency().p50us() / 1000.0,
                r -> r.latency() == null ? null : r.latency().p99us() / 1000.0,
                r -> r.flood() == null ? null : r.flood().p99us() / 1000.0));
    }

    private static void chart(Path file, String title, String y, List<LbResult> results, List<String> series,
            List<Function<LbResult, Double>> values) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(900).height(500).title(title).yAxisTitle(y).build();
        List<String> names = results.stream().map(LbResult::name).toList();
        for (int i = 0; i < series.size(); i++) {
            List<Double> v = new ArrayList<>();
            for (LbResult r : results) {
                Double x = values.get(i).apply(r);
                v.add(x == null ? 0.0 : x);
            }
            c.addSeries(series.get(i), names, v);
        }
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static String markdown(String header, LbResult direct, List<LbResult> results) {
        StringBuilder b = new StringBuilder("# Load balancer: Fastpath vs HAProxy\n\n").append(header)
            .append("\n\n| | ");
        for (LbResult r : results) {
            b.append(r.name()).append(" | ");
        }
        b.append("\n|---|").append("---|".repeat(results.size())).append('\n');
        row(b, "new connections/s (wrk)", results, r -> r.rate() == null ? "-" : f("%.0f", r.rate().perSecond())
            + (r.rate().errors() > 0 ? f(" (%d errors)", r.rate().errors()) : ""));
        row(b, "balancer core busy", results, r -> r.rate() == null ? "-" : f("%.0f %%", r.rate().lbBusyPct()));
        row(b, "clients+backends core busy", results, r -> r.rate() == null ? "-"
            : f("%.0f %%", r.rate().clientBusy()));
        row(b, "balancer CPU per connection", results, r -> r.rate() == null ? "-"
            : f("%.1f µs", r.rate().cpuUsPerConnection()));
        row(b, "connections per CPU-second", results, r -> r.rate() == null ? "-" : f("%.0f", r.rate().perCpuSecond()));
        row(b, "one long transfer", results, r -> r.transfer() == null ? "-" : !r.transfer().ok()
            ? "failed (" + r.transfer().bytes() + " bytes)" : f("%.0f MB/s", r.transfer().megabytesPerSecond()));
        String d = direct.latency() == null ? "not measured" : f("p50 %.2f ms, p99 %.2f ms", direct.latency().p50us()
            / 1000.0, direct.latency().p99us() / 1000.0);
        row(b, "latency at half load (direct: " + d + ")", results, r -> r.latency() == null ? "-"
            : f("p50 %.2f ms, p99 %.2f ms", r.latency().p50us() / 1000.0, r.latency().p99us() / 1000.0)
            + (r.latency().ok() < r.latency().attempted() ? f(" (%d of %d answered)", r.latency().ok(),
                r.latency().attempted()) : ""));
        row(b, "added latency (p50 / p99)", results, r -> r.latency() == null || direct.latency() == null ? "-"
            : f("+%.2f / +%.2f ms", (r.latency().p50us() - direct.latency().p50us()) / 1000.0,
                (r.latency().p99us() - direct.latency().p99us()) / 1000.0));
        row(b, "SYN flood sent (generator)", results, r -> r.flood() == null ? "-"
            : f("%.0f SYN/s", r.floodSynPerSecond()));
        row(b, "legitimate requests answered under flood", results, r -> r.flood() == null ? "-"
            : f("%.2f %% (%d of %d)", r.flood().answeredPct(), r.flood().ok(), r.flood().attempted()));
        row(b, "their p50 / p99 under flood", results, r -> r.flood() == null ? "-"
            : f("%.2f / %.2f ms", r.flood().p50us() / 1000.0, r.flood().p99us() / 1000.0));
        for (LbResult r : results) {
            if (r.error() != null) {
                b.append("\n").append(r.name()).append(": ").append(r.error().lines().findFirst().orElse(""))
                    .append('\n');
            }
        }
        b.append('\n').append(goals(results));
        b.append("\nCharts: `lb-connections.png`, `lb-throughput.png`, `lb-latency.png`.\n");
        return b.toString();
    }

    /** Issue 20's three goals, Fastpath against HAProxy, each said met or not with the figures. */
    static String goals(List<LbResult> results) {
        Optional<LbResult> fp = results.stream().filter(r -> r.name().equals("fastpath")).findFirst();
        Optional<LbResult> ha = results.stream().filter(r -> r.name().equals("haproxy")).findFirst();
        if (fp.isEmpty() || ha.isEmpty()) {
            return "Goals: not judged (both balancers are needed).\n";
        }
        StringBuilder b = new StringBuilder("Goals (issue 20):\n");
        LbResult f = fp.get();
        LbResult h = ha.get();
        if (f.rate() != null && h.rate() != null && h.rate().perCpuSecond() > 0) {
            double x = f.rate().perCpuSecond() / h.rate().perCpuSecond();
            b.append(f("- connections per CPU-second >= %.1fx HAProxy's: %.2fx — %s%n", GOAL_CONNS_PER_CPU, x,
                x >= GOAL_CONNS_PER_CPU ? "met" : "NOT met"));
        } else {
            b.append("- connections per CPU-second: not measured\n");
        }
        if (f.transfer() != null && h.transfer() != null && f.transfer().ok() && h.transfer().ok()) {
            double x = f.transfer().megabytesPerSecond() / h.transfer().megabytesPerSecond();
            b.append(f("- throughput >= HAProxy's: %.2fx — %s%n", x, x >= GOAL_THROUGHPUT ? "met" : "NOT met"));
        } else {
            b.append("- throughput: not measured (a transfer failed or did not run)\n");
        }
        if (f.flood() != null) {
            double a = f.flood().answeredPct();
            b.append(f("- >= %.1f %% of legitimate requests answered under the flood: %.2f %% — %s (HAProxy %s)%n",
                GOAL_ANSWERED_PCT, a, a >= GOAL_ANSWERED_PCT ? "met" : "NOT met",
                h.flood() == null ? "not measured" : f("%.2f %%", h.flood().answeredPct())));
        } else {
            b.append("- under the flood: not measured\n");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String what, List<LbResult> results, Function<LbResult, String> cell) {
        b.append("| ").append(what).append(" | ");
        for (LbResult r : results) {
            b.append(cell.apply(r)).append(" | ");
        }
        b.append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
