package dev.fastpath.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The service-level objectives a run is judged against ({@code --slo legit-success=99.9 --slo p99-ms=50}): the
 * legitimate clients' success rate in percent, at least; their 99th percentile time to the response's first byte,
 * at most.
 *
 * @param legitSuccessPct the least success rate, percent (NaN: none)
 * @param p99Ms           the most p99 time to first byte, ms (NaN: none)
 */
record StressSlo(double legitSuccessPct, double p99Ms) {

    static final StressSlo NONE = new StressSlo(Double.NaN, Double.NaN);

    /**
     * @param specs {@code KEY=VALUE} each
     * @return the objectives
     * @throws IllegalArgumentException for an unknown key or a bad value
     */
    static StressSlo parse(List<String> specs) {
        double success = Double.NaN;
        double p99 = Double.NaN;
        for (String s : specs) {
            int eq = s.indexOf('=');
            String key = eq < 0 ? s : s.substring(0, eq).strip();
            double v;
            try {
                v = Double.parseDouble(eq < 0 ? "" : s.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            switch (key) {
                case "legit-success" -> {
                    if (!(v >= 0 && v <= 100)) {
                        throw new IllegalArgumentException("--slo legit-success=PCT needs a percentage in 0..100, "
                            + "not '" + s + "'");
                    }
                    success = v;
                }
                case "p99-ms" -> {
                    if (!(v > 0)) {
                        throw new IllegalArgumentException("--slo p99-ms=MS needs a positive number, not '" + s + "'");
                    }
                    p99 = v;
                }
                default -> throw new IllegalArgumentException("--slo: unknown objective '" + key + "' (known: "
                    + "legit-success=PCT, p99-ms=MS)");
            }
        }
        return new StressSlo(success, p99);
    }

    /** @return whether any objective is set */
    boolean any() {
        return !Double.isNaN(legitSuccessPct) || !Double.isNaN(p99Ms);
    }

    /**
     * @param successPct the legitimate clients' success rate
     * @param p99        their p99 time to first byte, ms
     * @return the objectives missed
     */
    List<String> missed(double successPct, double p99) {
        List<String> f = new ArrayList<>();
        if (!Double.isNaN(legitSuccessPct) && successPct < legitSuccessPct) {
            f.add(String.format(Locale.ROOT, "SLO legit-success=%s missed: %.3f %%", fmt(legitSuccessPct),
                successPct));
        }
        if (!Double.isNaN(p99Ms) && p99 > p99Ms) {
            f.add(String.format(Locale.ROOT, "SLO p99-ms=%s missed: %.2f ms", fmt(p99Ms), p99));
        }
        return f;
    }

    /** The objective as the user wrote it: 50, 99.9, 0.0001 (never 1.0E-4). */
    private static String fmt(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
