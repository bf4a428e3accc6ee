package dev.fastpath.stress;

/**
 * {@code --rate max} for live frames: as fast as the victim takes SYNs, plus a quarter. Nothing pushes back on live
 * frames (a frame that finds the peer's queue full is dropped), so sending as fast as the generator's core can
 * make them overran a victim that takes 0.5 M SYN/s by ten times: ~5 M frames a second made, dropped and returned
 * through the test run's page pool on the generator's core, and a full queue hammered from the other core — whose
 * cache lines the victim's core then fights over for every frame it takes. What a NIC drops at line rate costs
 * the host nothing; over veth it costs both cores. So every {@link #PERIOD_NS} this looks at what was made and what
 * the driver took ({@code tx_queue_N_xdp_xmit}): when more than {@link #SATURATED_LOSS} of it was dropped the
 * victim is the limit and the next period offers {@link #HEADROOM} times what it took (its queue stays full, it
 * never waits for a SYN) — but never less than {@link #DECAY} times the last pace, so a victim's stall of a few
 * milliseconds does not reset it; otherwise, while the generator makes what it is asked, the rate grows by
 * {@link #PROBE} a period until the victim is the limit again (past {@link #UNPACED_ABOVE} the program stops
 * pacing). {@code --rate unpaced} keeps the old way.
 *
 * <p>Pure arithmetic: the caller reads the counts and applies the rate ({@link XdpLiveSender#pace}).
 */
final class MaxPacer {

    /** How often the rate is set: a few veth queues' worth of SYNs at the rates met here. */
    static final long PERIOD_NS = 10_000_000L;
    /** What the victim is offered over what it took: the excess keeps its queue full. */
    static final double HEADROOM = 1.25;
    /** More dropped than this share of a period's SYNs: the victim is the limit. */
    static final double SATURATED_LOSS = 0.05;
    /** Growth per period while the victim takes everything and the generator makes what it is asked. */
    static final double PROBE = 1.5;
    /** The most the pace comes down in one period. */
    static final double DECAY = 0.75;
    /** Below this share of the asked rate made, the generator is the limit: the pace stays. */
    static final double MADE_FLOOR = 0.8;
    /** Never paced below this (a victim that takes nothing still gets SYNs to take). */
    static final long MIN_RATE = 10_000;
    /** Past this the program does not pace at all. */
    static final long UNPACED_ABOVE = 50_000_000L;
    /** A period with fewer SYNs made says nothing (the generator stalled). */
    static final long MIN_MADE = 64;

    private long rate;
    private long lastMade = -1;
    private long lastTaken;
    private long lastNs;

    /** Starts unpaced: the first period finds the victim's limit. */
    MaxPacer() {
        this.rate = 0;
    }

    /**
     * One period's verdict.
     *
     * @param nowNs the clock
     * @param made  SYNs the program made so far
     * @param taken SYNs the driver took so far
     * @return the rate to pace at from now on (0: unpaced), or -1 to leave it as it is
     */
    long step(long nowNs, long made, long taken) {
        if (lastMade < 0 || taken < lastTaken || made < lastMade) {
            remember(nowNs, made, taken);
            return -1;
        }
        long dMade = made - lastMade;
        long dTaken = taken - lastTaken;
        double seconds = (nowNs - lastNs) / 1e9;
        if (dMade < MIN_MADE || seconds <= 0) {
            return -1; // keep the base: the next period is measured from it
        }
        remember(nowNs, made, taken);
        double takenRate = dTaken / seconds;
        boolean saturated = dTaken < dMade * (1 - SATURATED_LOSS);
        long next;
        if (rate == 0) {
            // Unpaced so far: the first period that finds the victim's limit sets the pace.
            next = saturated ? Math.max(MIN_RATE, Math.round(takenRate * HEADROOM)) : 0;
        } else if (saturated) {
            // A victim that stalls for a moment (its JIT, a scheduler slice) takes less for a period: come down
            // by at most DECAY a period, so a stall of a few milliseconds does not throw the pace away.
            next = Math.max(MIN_RATE, Math.max(Math.round(takenRate * HEADROOM), Math.round(rate * DECAY)));
        } else if (dMade / seconds >= rate * MADE_FLOOR) {
            next = Math.round(rate * PROBE);
            if (next > UNPACED_ABOVE) {
                next = 0;
            }
        } else {
            next = rate; // the generator does not make what it is asked: asking more would change nothing
        }
        if (next == rate) {
            return -1;
        }
        rate = next;
        return next;
    }

    private void remember(long nowNs, long made, long taken) {
        lastMade = made;
        lastTaken = taken;
        lastNs = nowNs;
    }

    /** @return the rate paced at now, 0 when unpaced */
    long rate() {
        return rate;
    }
}
