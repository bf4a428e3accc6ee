package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The report's verdict on the goal: ≥ 2.5× the kernel, ≥ 90 % answered, every legitimate handshake. */
class SynFloodGoalTest {

    private static final Victim KERNEL = Victim.select("kernel-syncookies2").get(0);
    private static final Victim XDP = Victim.select("fastpath-af_xdp").get(0);

    private static VictimResult run(Victim v, long offered, double sentRate, double synAckRate, long legitOk,
            long legitFailed) {
        Histogram h = new Histogram(3);
        h.recordValue(1000);
        // 6 s of sending, nothing dropped at the generator (driverDrops -1: a backend that is pushed back).
        return new VictimResult(v, null, null, offered, Math.round(sentRate * 6), sentRate, 0, synAckRate, 0, 0,
            new long[0],
            legitOk + legitFailed, legitOk, legitFailed, h, new double[0], -1, -1, -1, -1, 6,
            VictimResult.CoreUse.NONE);
    }

    private static VictimResult fastpath(double synAckRate) {
        return run(XDP, 560_000, 560_000, synAckRate, 300, 0);
    }

    private static List<VictimResult> round(VictimResult fastpath) {
        return List.of(run(KERNEL, 560_000, 200_000, 200_000, 300, 0), fastpath);
    }

    private static Goal goal(VictimResult fastpath) {
        List<Goal> goals = Goal.of(round(fastpath));
        assertEquals(1, goals.size());
        return goals.get(0);
    }

    @Test
    void metOnlyWhenAllThreeHold() {
        Goal g = goal(fastpath(540_000));
        assertTrue(g.met());
        assertTrue(g.line().contains("goal met (× 2.70 >= 2.5; 96.4 % of offered answered >= 90 %; legit 300 of 300"),
            g.line());
        assertFalse(goal(run(XDP, 500_000, 500_000, 490_000, 300, 0)).met(), "2.45× the kernel");
        Goal max = goal(run(XDP, 0, 825_000, 673_000, 300, 0));
        assertFalse(max.met(), "3.37× but only 82 % of what was sent answered");
        assertTrue(max.line().contains("goal not met (× 3.36 >= 2.5; 81.5 % of sent answered < 90 %"), max.line());
        Goal lost = goal(run(XDP, 560_000, 560_000, 540_000, 299, 1));
        assertFalse(lost.met(), "one legitimate handshake failed");
        assertTrue(lost.line().contains("legit 299 of 300 completed"), lost.line());
    }

    @Test
    void answeredCountsAgainstTheOfferedRateNotWhatTheVictimLetTheGeneratorSend() {
        // A victim that pushes back on the generator (half the offered rate sent) answers all it was sent.
        Goal g = goal(run(XDP, 1_200_000, 600_000, 600_000, 300, 0));
        assertFalse(g.met(), g.line());
        assertTrue(g.line().contains("50.0 % of offered answered < 90 %"), g.line());
    }

    @Test
    void atMaxRateAnsweredIsOfWhatTheVictimsQueueTook() {
        // Live frames at max rate: 600 k/s taken by veth, 150 k/s more made and dropped at the victim's full queue
        // (the pacer offers a quarter more on purpose): answered is judged against the 600 k it took.
        VictimResult r = new VictimResult(XDP, null, null, 0, 3_600_000, 600_000, 0, 540_000, 0, 0, new long[0],
            300, 300, 0, new Histogram(3), new double[0], -1, -1, -1, 900_000, 6, VictimResult.CoreUse.NONE);
        Goal g = goal(r);
        assertTrue(g.met(), g.line());
        assertTrue(g.line().contains("90.0 % of sent answered >= 90 %"), "540 k of 600 k taken: " + g.line());
        VictimResult fewer = new VictimResult(XDP, null, null, 0, 3_600_000, 600_000, 0, 530_000, 0, 0, new long[0],
            300, 300, 0, new Histogram(3), new double[0], -1, -1, -1, 900_000, 6, VictimResult.CoreUse.NONE);
        assertTrue(goal(fewer).line().contains("88.3 % of sent answered < 90 %"), goal(fewer).line());
    }

    @Test
    void theEnginePathsGoalIsTheKernelsEqual() {
        Victim engine = Victim.select("fastpath-af_xdp-engine").get(0);
        Goal g = goal(run(engine, 0, 200_000, 200_000, 300, 0));
        assertTrue(g.met(), g.line());
        assertTrue(g.line().contains("× 1.00 >= 1.0"), g.line());
        Goal under = goal(run(engine, 0, 200_000, 199_000, 300, 0));
        assertFalse(under.met(), under.line());
        assertTrue(under.line().contains("× 0.99 < 1.0"), under.line());
    }

    @Test
    void valuesJustUnderAThresholdNeverPrintAsReachingIt() {
        Goal g = goal(fastpath(499_920)); // × 2.4996
        assertFalse(g.met());
        assertTrue(g.line().contains("× 2.49 < 2.5"), g.line());
        Goal a = goal(run(XDP, 560_000, 560_000, 503_776, 300, 0)); // 89.96 %
        assertFalse(a.met());
        assertTrue(a.line().contains("89.9 % of offered answered < 90 %"), a.line());
        assertEquals("1000", Goal.significant(1000.4));
        assertEquals("0.00135", Goal.significant(0.001349));
    }

    @Test
    void aFailedVictimHasNotMetTheGoal() {
        VictimResult failed = VictimResult.failed(XDP, "did not print 'ready'\nits output: …");
        Goal g = goal(failed);
        assertFalse(g.met());
        assertTrue(g.line().contains("goal not met (the victim failed: did not print 'ready')"), g.line());
    }

    @Test
    void noVerdictWithoutTheKernelOfTheSameRound() {
        assertTrue(Goal.of(List.of(fastpath(540_000))).isEmpty());
        assertTrue(SynFloodReport.ratios(List.of(fastpath(540_000)))
            .contains("did not measure both Fastpath and the kernel"));
    }

    @Test
    void roundsSummaryCountsEveryRound() {
        String md = SynFloodReport.roundsMarkdown("setup", List.of(round(fastpath(540_000)),
            round(fastpath(450_000)), round(VictimResult.failed(XDP, "crashed")), List.of(fastpath(560_000)),
            round(fastpath(560_000))));
        assertTrue(md.contains("| 2 | fastpath-af_xdp | 200000 | 450000 | 2.25 | 80.3 % | 300 / 300 | not met |"), md);
        assertTrue(md.contains("| 3 | fastpath-af_xdp | 200000 | failed | | | | not met |"), md);
        assertTrue(md.contains("| 4 | — | not measured | | | | | not judged |"), md);
        assertTrue(md.contains("- fastpath-af_xdp: goal met in 2 of 5 rounds; × kernel median 2.70 (2.25–2.80); "
            + "1 round(s) not judged: the kernel was not measured"), md);
    }

    @Test
    void theSummaryRangeNamesTheRatiosTheRowsShow() {
        // 383,600 ÷ 200,000 = 1.918: the row shows 1.91 (rounded down, never up to a goal); so must the range.
        String md = SynFloodReport.roundsMarkdown("setup", List.of(round(fastpath(383_600)),
            round(fastpath(622_400))));
        assertTrue(md.contains("| 1 | fastpath-af_xdp | 200000 | 383600 | 1.91 |"), md);
        assertTrue(md.contains("× kernel median 2.51 (1.91–3.11)"), md);
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, SynFloodReport.median(new double[] {1, 2, 3}));
        assertEquals(2.5, SynFloodReport.median(new double[] {1, 2, 3, 4}));
    }
}
