package dev.fastpath.stress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The staircase's knee ({@code --step}): the figures of each step (the seconds at one offered rate), and the highest
 * rate up to which every step held — the target answered at least 95 % of the SYNs with SYN-ACKs and, with
 * legitimate clients, their success met {@code --slo legit-success} (99 % without one).
 */
final class StressKnee {

    /** The least SYN-ACK share a step must show to count as held. */
    static final double HELD_SYNACK_SHARE = 0.95;

    private StressKnee() {
    }

    static void put(Map<String, Object> summary, List<StressRun.Sample> samples, List<LegitRun.Second> legit,
            StressRun.RatePlan plan, StressSlo slo) {
        double needPct = Double.isNaN(slo.legitSuccessPct()) ? 99.0 : slo.legitSuccessPct();
        List<Map<String, Object>> steps = new ArrayList<>();
        long knee = -1;
        boolean broken = false;
        // Full seconds only: the last sample is the partial second plus the linger.
        int full = Math.max(0, samples.size() - 1);
        for (int from = 0; from < full; from += plan.stepSeconds()) {
            int to = Math.min(full, from + plan.stepSeconds());
            long sent = 0;
            long acks = 0;
            long ok = 0;
            long bad = 0;
            for (int i = from; i < to; i++) {
                sent += samples.get(i).sent();
                acks += samples.get(i).synAcks();
                if (legit != null && i < legit.size()) {
                    ok += legit.get(i).successes();
                    bad += legit.get(i).failures();
                }
            }
            double share = sent == 0 ? 0 : (double) acks / sent;
            double pct = ok + bad == 0 ? 100.0 : ok * 100.0 / (ok + bad);
            boolean held = share >= HELD_SYNACK_SHARE && (legit == null || pct >= needPct);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("offered", plan.rateAt(from));
            m.put("seconds", to - from);
            m.put("synack_share", Math.round(share * 1000) / 1000.0);
            if (legit != null) {
                m.put("legit_success_pct", Math.round(pct * 1000) / 1000.0);
            }
            m.put("held", held);
            steps.add(m);
            if (held && !broken) {
                knee = plan.rateAt(from);
            } else {
                broken = true;
            }
        }
        summary.put("steps", steps);
        summary.put("knee_rate", knee < 0 ? null : knee);
    }
}
