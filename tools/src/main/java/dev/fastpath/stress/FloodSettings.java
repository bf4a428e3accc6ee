package dev.fastpath.stress;

/**
 * What one flood run does.
 *
 * @param dstIp          the victim's address
 * @param dstPort        the victim's port
 * @param srcMac         the generator's MAC (Ethernet source of every SYN and ARP reply)
 * @param dstMac         the victim's or next hop's MAC
 * @param options        the SYNs' TCP options
 * @param ratePerSecond  SYNs per second, {@link #MAX} for as fast as the TX ring takes them (live frames: as fast as
 *                       the driver takes them, plus a quarter: {@link MaxPacer}) or {@link #UNPACED} (live frames:
 *                       as fast as the generator makes them, however many the driver drops)
 * @param durationNs     how long to send and measure (after the warm-up)
 * @param warmupNs       how long to send before measuring (0: none), so that both ends are warm when it starts
 * @param maxCount       the most SYNs to send (the walk's size bounds it too)
 * @param lingerNs       how long to keep counting answers after the last SYN
 * @param progressEveryS print a progress line every this many seconds (0: never)
 */
public record FloodSettings(int dstIp, int dstPort, long srcMac, long dstMac, SynOptions options, long ratePerSecond,
        long durationNs, long warmupNs, long maxCount, long lingerNs, int progressEveryS) {

    /** {@code --rate max}. */
    public static final long MAX = 0;
    /** {@code --rate unpaced}. */
    public static final long UNPACED = -1;

    /** Validates the bounds: every run is bounded in time and in count. */
    public FloodSettings {
        if (durationNs <= 0 || durationNs > 3_600_000_000_000L) {
            throw new IllegalArgumentException("duration must be in (0, 3600] seconds");
        }
        if (warmupNs < 0 || warmupNs > 600_000_000_000L) {
            throw new IllegalArgumentException("warm-up must be in [0, 600] seconds");
        }
        if (maxCount <= 0) {
            throw new IllegalArgumentException("maxCount = " + maxCount + " must be positive");
        }
        if (ratePerSecond < UNPACED) {
            throw new IllegalArgumentException("rate = " + ratePerSecond + " must be positive (or max, unpaced)");
        }
        if (lingerNs < 0 || lingerNs > 5_000_000_000L) {
            throw new IllegalArgumentException("linger must be in [0, 5] seconds");
        }
    }
}
