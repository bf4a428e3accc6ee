package dev.fastpath.stress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** The Markdown summary ({@code --markdown}) and the PNG plot ({@code --plot}) of a stress run. */
final class StressCharts {

    private StressCharts() {
    }

    /**
     * Rates over time (offered, SYNs sent, SYN-ACKs, completed) and, with legitimate clients, their success per second
     * and p99 on a second axis.
     */
    static void plot(Path file, List<StressRun.Sample> samples, List<LegitRun.Second> legit) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(550).title("fastpath stress")
            .xAxisTitle("second of the run").yAxisTitle("per second").build();
        int n = samples.size();
        double[] x = new double[n];
        double[][] y = new double[4][n];
        for (int i = 0; i < n; i++) {
            StressRun.Sample s = samples.get(i);
            x[i] = s.second();
            y[0][i] = s.offered();
            y[1][i] = s.sent();
            y[2][i] = s.synAcks();
            y[3][i] = s.completed();
        }
        String[] names = {"offered SYN/s", "SYN/s sent", "SYN-ACK/s", "completed/s"};
        for (int k = 0; k < names.length; k++) {
            chart.addSeries(names[k], x, y[k]);
        }
        if (legit != null && !legit.isEmpty()) {
            int m = Math.min(n, legit.size());
            double[] lx = new double[m];
            double[] p99 = new double[m];
            for (int i = 0; i < m; i++) {
                lx[i] = x[i];
                p99[i] = legit.get(i).p99Ms();
            }
            XYSeries s = chart.addSeries("legitimate p99 to first byte, ms", lx, p99);
            s.setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, "ms");
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** @return the summary as Markdown: the figures, then a row per second */
    static String markdown(Map<String, Object> summary, List<StressRun.Sample> samples,
            List<LegitRun.Second> legit) {
        StringBuilder b = new StringBuilder("# fastpath stress: ").append(summary.get("target")).append("\n\n");
        b.append("| figure | value |\n|---|---|\n");
        for (Map.Entry<String, Object> e : summary.entrySet()) {
            if (!(e.getValue() instanceof List) && !(e.getValue() instanceof Map)) {
                b.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
            }
        }
        b.append("\n| second | offered | SYN sent | SYN-ACK | completed | RST");
        b.append(legit == null ? " |\n|---|---|---|---|---|---|\n"
            : " | legit ok | legit failed | legit p99 ms |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < samples.size(); i++) {
            StressRun.Sample s = samples.get(i);
            b.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d", s.second(), s.offered(), s.sent(),
                s.synAcks(), s.completed(), s.resets()));
            if (legit != null) {
                LegitRun.Second l = i < legit.size() ? legit.get(i) : new LegitRun.Second(0, 0, 0);
                b.append(String.format(Locale.ROOT, " | %d | %d | %.2f", l.successes(), l.failures(), l.p99Ms()));
            }
            b.append(" |\n");
        }
        Object f = summary.get("failures");
        b.append("\nVerdict: **").append(summary.get("verdict")).append("**");
        if (f instanceof List<?> list && !list.isEmpty()) {
            b.append(" — ").append(String.join("; ", list.stream().map(String::valueOf).toList()));
        }
        return b.append('\n').toString();
    }
}
