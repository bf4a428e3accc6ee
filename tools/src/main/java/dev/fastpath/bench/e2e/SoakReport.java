package dev.fastpath.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The soak's verdict and files. Flat means: for each judged quantity, the mean of the last minute is at most 10 %
 * above the mean of the first minute after the warm-up, plus a small absolute slack (a few MiB, a few dozen
 * records) so that a quantity near zero is not judged on noise.
 */
final class SoakReport {

    /** A judged quantity: how to read it, its unit and its slack. */
    private record Judged(String name, String unit, ToDoubleFunction<SoakSample> value, double slack) {
    }

    private static final List<Judged> JUDGED = List.of(
            new Judged("resident memory", "MiB", s -> s.rssKb() / 1024.0, 16),
            new Judged("sockets in use", "", SoakSample::sockets, 64),
            new Judged("TIME_WAIT records", "", SoakSample::timeWait, 64),
            new Judged("timers pending", "", SoakSample::timers, 64),
            new Judged("heap after a collection", "MiB", SoakSample::heapMiB, 32));

    private final List<SoakSample> samples;
    private final int warmup;
    private final int seconds;
    private final List<String> rows = new ArrayList<>();
    private boolean flat = true;

    SoakReport(List<SoakSample> samples, int warmup, int seconds) {
        this.samples = samples;
        this.warmup = warmup;
        this.seconds = seconds;
        for (Judged j : JUDGED) {
            double first = mean(j, warmup, warmup + 60);
            double last = mean(j, seconds - 60, seconds);
            if (first < 0 && last < 0) {
                rows.add("| " + j.name() + " | none (no collection in the run) | | | |");
                continue;
            }
            boolean ok = last <= first * 1.10 + j.slack();
            flat &= ok;
            rows.add(String.format(Locale.ROOT, "| %s | %.1f %s | %.1f %s | %+.1f %% | %s |", j.name(), first, j.unit(),
                    last, j.unit(), first == 0 ? 0 : (last - first) * 100 / first, ok ? "flat" : "GROWS"));
        }
    }

    private double mean(Judged j, int from, int to) {
        double sum = 0;
        int n = 0;
        for (SoakSample s : samples) {
            if (s.second() > from && s.second() <= to) {
                sum += j.value().applyAsDouble(s);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    boolean flat() {
        return flat;
    }

    /** @return legitimate requests that failed after the warm-up (the goal: none) */
    long legitFailures() {
        return samples.stream().filter(s -> s.second() > warmup).mapToLong(SoakSample::legitFail).sum();
    }

    /** @return those that failed during the warm-up (reported, not judged) */
    long warmupFailures() {
        return samples.stream().filter(s -> s.second() <= warmup).mapToLong(SoakSample::legitFail).sum();
    }

    long legitOk() {
        return samples.stream().mapToLong(SoakSample::legitOk).sum();
    }

    String verdictLine() {
        return String.format(Locale.ROOT, "soak %d s: %s after the %d s warm-up, legitimate requests %d ok, %d failed "
                + "after the warm-up (%d during it): %s", seconds, flat ? "flat" : "NOT flat", warmup, legitOk(),
                legitFailures(), warmupFailures(),
                flat && legitFailures() == 0 ? "goal met" : "goal NOT met");
    }

    void write(Path dir, String command) throws IOException {
        List<String> csv = new ArrayList<>();
        csv.add(SoakSample.csvHeader());
        samples.forEach(s -> csv.add(s.csv()));
        Files.write(dir.resolve("samples.csv"), csv);
        plot(dir.resolve("soak.png"));
        StringBuilder md = new StringBuilder("# Soak: fastpath lb under a SYN flood\n\n");
        md.append("`").append(command).append("`\n\n").append(verdictLine()).append("\n\n");
        md.append("| quantity | first minute after the warm-up | last minute | change | |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        rows.forEach(r -> md.append(r).append('\n'));
        SoakSample end = samples.isEmpty() ? null : samples.getLast();
        if (end != null) {
            md.append(String.format(Locale.ROOT, "%nAt the end: %d SYN cookies sent, %d young and %d full "
                    + "collections.%n", end.cookiesSent(), end.youngGcs(), end.fullGcs()));
        }
        List<String> reasons = samples.stream().filter(s -> s.legitFail() > 0)
                .map(s -> s.second() + " s: " + s.legitFail() + " " + s.legitReasons()).limit(20).toList();
        if (!reasons.isEmpty()) {
            md.append("\nLegitimate failures (first 20 seconds with any): ").append(String.join("; ", reasons))
                    .append('\n');
        }
        Files.writeString(dir.resolve("summary.md"), md);
    }

    private void plot(Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        charts.add(chart("Resident memory (MiB)", List.of(new Judged("RSS", "", s -> s.rssKb() / 1024.0, 0))));
        charts.add(chart("Heap after the last collection (MiB, -Xlog:gc)",
                List.of(new Judged("heap", "", SoakSample::heapMiB, 0))));
        charts.add(chart("Table occupancy", List.of(new Judged("sockets", "", SoakSample::sockets, 0),
                new Judged("open (application)", "", SoakSample::open, 0))));
        charts.add(chart("TIME_WAIT records and timers", List.of(new Judged("TIME_WAIT", "", SoakSample::timeWait, 0),
                new Judged("timers pending", "", SoakSample::timers, 0))));
        charts.add(chart("Collections so far", List.of(new Judged("young", "", SoakSample::youngGcs, 0),
                new Judged("full", "", SoakSample::fullGcs, 0))));
        charts.add(chart("Legitimate requests per second", List.of(new Judged("ok", "", SoakSample::legitOk, 0),
                new Judged("failed", "", SoakSample::legitFail, 0))));
        BitmapEncoder.saveBitmap(charts, 3, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private XYChart chart(String title, List<Judged> series) {
        XYChart c = new XYChartBuilder().width(700).height(360).title(title).xAxisTitle("second").build();
        c.getStyler().setMarkerSize(0);
        double[] x = samples.stream().mapToDouble(SoakSample::second).toArray();
        if (x.length == 0) {
            c.addSeries("no data", new double[] {0}, new double[] {0});
            return c;
        }
        for (Judged j : series) {
            c.addSeries(j.name(), x, samples.stream().mapToDouble(j.value()).toArray()).setMarker(SeriesMarkers.NONE);
        }
        return c;
    }
}
