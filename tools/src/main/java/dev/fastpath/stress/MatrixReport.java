package dev.fastpath.stress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The matrix's report: one entry per case (the SYN's options, the SYN-ACK's, and per option {@code preserved},
 * {@code lost}, {@code not_offered}, {@code inconclusive} or {@code agreed_untested}), the forged-cookie counts
 * against Linux's bound, and the failures: a segment above an MSS of at least 536 the SYN asked for, a forged cookie
 * taken, or no case completed at all. Options lost are reported, never failed: Linux without timestamps loses window
 * scale and SACK by design.
 */
final class MatrixReport {

    private final String target;
    private final List<MatrixProbe> cases;
    private final int forgedSent;
    private final long forgedAccepted;
    private final long forgedReset;
    private final boolean nothingSent;
    private final CookieAges aged;

    MatrixReport(String target, List<MatrixProbe> cases, int forgedSent, long forgedAccepted, long forgedReset,
            boolean nothingSent, CookieAges aged) {
        this.aged = aged;
        this.target = target;
        this.cases = cases;
        this.forgedSent = forgedSent;
        this.forgedAccepted = forgedAccepted;
        this.forgedReset = forgedReset;
        this.nothingSent = nothingSent;
    }

    List<String> failures() {
        List<String> f = new ArrayList<>();
        if (nothingSent) {
            return f;
        }
        for (MatrixProbe p : cases) {
            if (p.mssViolated()) {
                f.add(p.c.name() + ": the target sent a segment of " + p.maxSegment + " bytes to a SYN whose MSS was "
                    + p.offeredMss() + " (the cookie's MSS ignored)");
            }
        }
        if (forgedAccepted > 0) {
            f.add(String.format(Locale.ROOT, "the target took %d of %d forged cookies (a sound 32-bit cookie: "
                + "expected %.2g)", forgedAccepted, forgedSent, forgedSent * MatrixRun.LINUX_FORGED_P));
        }
        if (cases.stream().noneMatch(p -> p.dataSegments > 0)) {
            f.add("no case completed: is the target listening, echoing, and in cookie mode?");
        }
        return f;
    }

    /** @return a text table, one line per case */
    String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-18s %-8s %6s %-13s %-16s %-16s %-13s %-13s"
            + "%n", "case", "probe", "maxseg", "mss", "wscale", "sack", "ts", "ecn"));
        for (MatrixProbe p : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) p.toMap().get("options");
            b.append(String.format(Locale.ROOT, "%-18s %-8s %6d %-13s %-16s %-16s %-13s %-13s%n", p.c.name(),
                p.c.probe().name().toLowerCase(Locale.ROOT), p.maxSegment, o.get("mss"), o.get("wscale"),
                o.get("sack"), o.get("ts"), o.get("ecn")));
        }
        b.append(String.format(Locale.ROOT, "forged cookies: %d sent, %d taken, %d reset (Linux's bound: %.2g)",
            forgedSent, forgedAccepted, forgedReset, forgedSent * MatrixRun.LINUX_FORGED_P));
        if (aged != null && !aged.toMap().get("ages").equals(List.of())) {
            b.append(System.lineSeparator()).append(aged.table().stripTrailing());
        }
        return b.toString();
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        List<Map<String, Object>> list = new ArrayList<>();
        for (MatrixProbe p : cases) {
            list.add(p.toMap());
        }
        m.put("matrix", list);
        Map<String, Object> forged = new LinkedHashMap<>();
        forged.put("sent", forgedSent);
        forged.put("accepted", forgedAccepted);
        forged.put("reset", forgedReset);
        forged.put("accepted_rate", forgedSent == 0 ? 0.0 : (double) forgedAccepted / forgedSent);
        forged.put("bound_per_ack_linux", MatrixRun.LINUX_FORGED_P);
        forged.put("expected_accepted_at_bound", forgedSent * MatrixRun.LINUX_FORGED_P);
        m.put("forged", forged);
        if (aged != null && !aged.toMap().get("ages").equals(List.of())) {
            m.put("old_cookies", aged.toMap());
        } else {
            m.put("old_cookies", "not tested: --cookie-ages (an ACK after Linux's validity window needs a run of more "
                + "than 2 minutes)");
        }
        List<String> failures = failures();
        m.put("verdict", failures.isEmpty() ? "pass" : "fail");
        m.put("failures", failures);
        return StressReport.json(m);
    }
}
