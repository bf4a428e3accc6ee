package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SLO verdict and the staircase's knee, from hand-made figures. */
class StressSloTest {

    @Test
    void objectivesAreParsedAndJudged() {
        StressSlo slo = StressSlo.parse(List.of("legit-success=99.9", "p99-ms=50"));
        assertTrue(slo.any());
        assertEquals(List.of(), slo.missed(99.95, 49.9));
        List<String> missed = slo.missed(99.0, 51);
        assertEquals(2, missed.size(), missed.toString());
        assertTrue(missed.get(0).contains("legit-success=99.9") && missed.get(1).contains("p99-ms=50"), missed.get(0));
        assertFalse(StressSlo.parse(List.of()).any());
        assertEquals(List.of("SLO p99-ms=0.0001 missed: 0.50 ms"),
            StressSlo.parse(List.of("p99-ms=0.0001")).missed(100, 0.5), "named as written, not 1.0E-4");
    }

    @Test
    void badObjectivesNameThemselves() {
        for (String bad : new String[] {"legit-success=101", "legit-success=x", "p99-ms=0", "p99-ms", "latency=5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StressSlo.parse(List.of(bad)));
            assertTrue(e.getMessage().contains("--slo"), e.getMessage());
        }
    }

    @Test
    void theKneeIsTheLastRateEveryStepUpToHeld() {
        StressRun.RatePlan plan = new StressRun.RatePlan(1000, 1000, 2);
        List<StressRun.Sample> samples = new ArrayList<>();
        long[] answered = {1000, 1000, 1990, 2000, 2500, 2400, 3000}; // the target stops following at 3000/s
        for (int i = 0; i < answered.length; i++) {
            long offered = plan.rateAt(i);
            samples.add(new StressRun.Sample(i + 1, offered, offered, answered[i], 0, 0));
        }
        samples.add(new StressRun.Sample(8, 4000, 10, 10, 0, 0)); // the partial second: not judged
        Map<String, Object> summary = new LinkedHashMap<>();
        StressKnee.put(summary, samples, null, plan, StressSlo.NONE);
        assertEquals(2000L, summary.get("knee_rate"));
        List<?> steps = (List<?>) summary.get("steps");
        assertEquals(4, steps.size());
        assertEquals(Boolean.FALSE, ((Map<?, ?>) steps.get(2)).get("held"));
    }

    @Test
    void legitimateFailuresBreakTheStaircaseToo() {
        StressRun.RatePlan plan = new StressRun.RatePlan(100, 100, 1);
        List<StressRun.Sample> samples = new ArrayList<>();
        List<LegitRun.Second> legit = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long offered = plan.rateAt(i);
            samples.add(new StressRun.Sample(i + 1, offered, offered, offered, 0, 0));
            legit.add(new LegitRun.Second(i == 1 ? 90 : 100, i == 1 ? 10 : 0, 1.0));
        }
        samples.add(new StressRun.Sample(4, 400, 0, 0, 0, 0));
        Map<String, Object> summary = new LinkedHashMap<>();
        StressKnee.put(summary, samples, legit, plan, StressSlo.parse(List.of("legit-success=99")));
        assertEquals(100L, summary.get("knee_rate"), "the second step lost 10 % of the legitimate clients");
    }
}
