package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The report's verdict on the goal: ≥ 2.5× the kernel, ≥ 90 % of sent answered, every legit handshake. */
class SynFloodGoalTest {

    private static final Victim KERNEL = Victim.select("kernel-syncookies2").get(0);
    private static final Victim XDP = Victim.select("fastpath-af_xdp").get(0);

    private static VictimResult run(Victim v, double sentRate, double synAckRate, long legitOk, long legitFailed) {
        Histogram h = new Histogram(3);
        h.recordValue(1000);
        return new VictimResult(v, null, null, 560_000, 0, sentRate, 0, synAckRate, 0, 0, new long[0],
            legitOk + legitFailed, legitOk, legitFailed, h, new double[0], -1, -1, -1);
    }

    private static List<VictimResult> round(VictimResult fastpath) {
        return List.of(run(KERNEL, 200_000, 200_000, 300, 0), fastpath);
    }

    private static Goal goal(VictimResult fastpath) {
        List<Goal> goals = Goal.of(round(fastpath));
        assertEquals(1, goals.size());
        return goals.get(0);
    }

    @Test
    void metOnlyWhenAllThreeHold() {
        Goal g = goal(run(XDP, 560_000, 540_000, 300, 0));
        assertTrue(g.met());
        assertTrue(g.line().contains("goal met (× 2.70 >= 2.5; 96.4 % of sent answered >= 90 %; legit 300 of 300"),
            g.line());
        assertFalse(goal(run(XDP, 500_000, 490_000, 300, 0)).met(), "2.45× the kernel");
        Goal slow = goal(run(XDP, 825_000, 673_000, 300, 0));
        assertFalse(slow.met(), "3.37× but only 82 % of what was sent answered");
        assertTrue(slow.line().contains("goal not met (× 3.37 >= 2.5; 81.6 % of sent answered < 90 %"), slow.line());
        Goal lost = goal(run(XDP, 560_000, 540_000, 299, 1));
        assertFalse(lost.met(), "one legitimate handshake failed");
        assertTrue(lost.line().contains("legit 299 of 300 completed"), lost.line());
    }

    @Test
    void noVerdictWithoutTheKernelOfTheSameRound() {
        assertTrue(Goal.of(List.of(run(XDP, 560_000, 540_000, 300, 0))).isEmpty());
        assertTrue(SynFloodReport.ratios(List.of(run(XDP, 560_000, 540_000, 300, 0)))
            .contains("No Fastpath ÷ kernel ratios"));
    }

    @Test
    void roundsSummaryCountsTheRoundsThatMetTheGoal() {
        String md = SynFloodReport.roundsMarkdown("setup", List.of(round(run(XDP, 560_000, 540_000, 300, 0)),
            round(run(XDP, 560_000, 450_000, 300, 0)), round(run(XDP, 560_000, 560_000, 300, 0))));
        assertTrue(md.contains("| 2 | fastpath-af_xdp | 200000 | 450000 | 2.25 | 80.4 % | 300 / 300 | not met |"), md);
        assertTrue(md.contains("- fastpath-af_xdp: goal met in 2 of 3 rounds; × kernel median 2.70 (2.25–2.80)"), md);
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, SynFloodReport.median(new double[] {1, 2, 3}));
        assertEquals(2.5, SynFloodReport.median(new double[] {1, 2, 3, 4}));
    }
}
