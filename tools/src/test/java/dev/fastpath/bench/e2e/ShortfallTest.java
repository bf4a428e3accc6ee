package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The report says when the generator made fewer SYNs than asked, counting those its driver dropped as made. */
class ShortfallTest {

    private static final Victim XDP = Victim.select("fastpath-af_xdp").get(0);

    /** 6 s of sending: {@code sent} delivered, {@code drops} dropped by the generator's driver. */
    private static VictimResult run(long offered, long sent, long drops) {
        return new VictimResult(XDP, null, null, offered, sent, sent / 6.0, sent, sent / 6.0, sent, 0, new long[0],
            300, 300, 0, new Histogram(3), new double[0], -1, -1, -1, drops, 6, VictimResult.CoreUse.NONE);
    }

    @Test
    void madeIsSentPlusDriverDrops() {
        assertEquals(550_000, run(620_000, 3_000_000, 300_000).generatedRate(), 1e-6);
        assertEquals(500_000, run(620_000, 3_000_000, -1).generatedRate(), 1e-6, "-1: unknown, none");
    }

    @Test
    void aShortfallBeyondTwoPercentIsReported() {
        String text = SynFloodReport.shortfalls(List.of(run(620_000, 3_000_000, 300_000)));
        assertTrue(text.contains("the generator made 550000 SYN/s of the 620000 asked (88.7 %)"), text);
    }

    @Test
    void nothingTakenAtAllIsAShortfallOfTheVictimNotAZeroRate() {
        // Every SYN made was dropped before the victim (a peer without NAPI): made is still 3.6 M / 6 s.
        assertEquals(600_000, run(620_000, 0, 3_600_000).generatedRate(), 1e-6);
    }

    @Test
    void aBackendThatIsPushedBackIsNotBlamedOnTheGenerator() {
        String text = SynFloodReport.shortfalls(List.of(run(620_000, 3_000_000, -1)));
        assertTrue(text.contains("sent 500000 SYN/s of the 620000 asked (80.6 %)")
            && text.contains("pushed back"), text);
    }

    @Test
    void onTargetOrMaxRateSaysNothing() {
        // 3.69 M in 6 s = 615 k: within 2 % of 620 k.
        assertEquals("", SynFloodReport.shortfalls(List.of(run(620_000, 3_400_000, 290_000))));
        assertEquals("", SynFloodReport.shortfalls(List.of(run(0, 3_000_000, 300_000))), "max rate asks no rate");
    }
}
