package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code --rate max} with live frames: the pace follows what the victim's queue takes, plus a quarter. */
class MaxPacerTest {

    private static final long P = MaxPacer.PERIOD_NS;

    @Test
    void theFirstSaturatedPeriodSetsThePaceAQuarterAboveWhatWasTaken() {
        MaxPacer p = new MaxPacer();
        assertEquals(-1, p.step(0, 0, 0), "the first call only sets the base");
        // 10 ms: 50 k made, 5 k taken = 500 k/s taken, 90 % dropped.
        assertEquals(625_000, p.step(P, 50_000, 5_000));
        assertEquals(625_000, p.rate());
    }

    @Test
    void unpacedWhileTheVictimTakesEverything() {
        MaxPacer p = new MaxPacer();
        p.step(0, 0, 0);
        assertEquals(-1, p.step(P, 10_000, 10_000), "nothing dropped: stays unpaced");
        assertEquals(0, p.rate());
    }

    @Test
    void aStallComesDownByAtMostAQuarterAPeriod() {
        MaxPacer p = new MaxPacer();
        p.step(0, 0, 0);
        p.step(P, 50_000, 5_000); // 625 k
        // The victim stalls: 100 taken of 6,250 made in the next period.
        assertEquals(Math.round(625_000 * MaxPacer.DECAY), p.step(2 * P, 56_250, 5_100));
    }

    @Test
    void growsWhileTheVictimKeepsUpAndTheGeneratorMakesWhatItIsAsked() {
        MaxPacer p = new MaxPacer();
        p.step(0, 0, 0);
        p.step(P, 50_000, 5_000); // 625 k/s
        // 6,250 made and all taken: the victim is not the limit now, probe upwards.
        assertEquals(Math.round(625_000 * MaxPacer.PROBE), p.step(2 * P, 56_250, 11_250));
    }

    @Test
    void aGeneratorBelowItsPaceLeavesThePaceAlone() {
        MaxPacer p = new MaxPacer();
        p.step(0, 0, 0);
        p.step(P, 50_000, 5_000); // 625 k/s asked: 6,250 a period
        // 3,000 made (under 80 % of asked) and all taken: asking more would change nothing.
        assertEquals(-1, p.step(2 * P, 53_000, 8_000));
        assertEquals(625_000, p.rate());
    }

    @Test
    void aPeriodWithHardlyAnythingMadeSaysNothing() {
        MaxPacer p = new MaxPacer();
        p.step(0, 0, 0);
        assertEquals(-1, p.step(P, 10, 0));
        // measured from the old base: 50 k made, 5 k taken over two periods = 250 k/s taken.
        assertEquals(312_500, p.step(2 * P, 50_000, 5_000));
    }

    @Test
    void countersThatGoBackwardsRestartTheBase() {
        MaxPacer p = new MaxPacer();
        p.step(0, 1_000_000, 1_000_000);
        assertEquals(-1, p.step(P, 10, 10), "a reset counter: the base again");
        assertEquals(625_000, p.step(2 * P, 50_010, 5_010));
    }

    @Test
    void neverBelowTheFloor() {
        MaxPacer p = new MaxPacer();
        p.step(0, 0, 0);
        assertEquals(MaxPacer.MIN_RATE, p.step(P, 50_000, 0), "a victim that takes nothing still gets SYNs");
    }
}
