package dev.fastpath.bench.e2e;

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

    private static String verdict(VictimResult fastpath) {
        String r = SynFloodReport.ratios(List.of(run(KERNEL, 200_000, 200_000, 300, 0), fastpath));
        return r.substring(r.indexOf("- fastpath-af_xdp"));
    }

    @Test
    void metOnlyWhenAllThreeHold() {
        assertTrue(verdict(run(XDP, 560_000, 540_000, 300, 0)).contains("goal met (× 2.70 >= 2.5; 96.4 %"),
            verdict(run(XDP, 560_000, 540_000, 300, 0)));
        // 2.45× the kernel
        assertTrue(verdict(run(XDP, 500_000, 490_000, 300, 0)).contains("goal not met (× 2.45 < 2.5"));
        // fast enough, but only 82 % of what was sent answered
        assertTrue(verdict(run(XDP, 825_000, 673_000, 300, 0)).contains("goal not met (× 3.37 >= 2.5; 81.6 % of sent "
            + "answered < 90 %"));
        // one legitimate handshake failed
        assertTrue(verdict(run(XDP, 560_000, 540_000, 299, 1)).contains("goal not met"));
        assertTrue(verdict(run(XDP, 560_000, 540_000, 299, 1)).contains("legit 299 of 300 completed"));
    }
}
