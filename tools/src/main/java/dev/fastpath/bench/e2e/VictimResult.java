package dev.fastpath.bench.e2e;

import org.HdrHistogram.Histogram;

/**
 * What one victim's run measured (or why it was skipped or failed).
 *
 * @param victim           who was flooded
 * @param skipped          why the victim was not measured, or null
 * @param error            what went wrong, or null
 * @param offeredRate      the generator's --rate (0: max)
 * @param sent             SYNs sent
 * @param sentRate         SYNs per second actually sent
 * @param synAcks          SYN-ACKs counted at the generator
 * @param synAckRate       SYN-ACKs per second of sending time
 * @param validLooking     valid-looking cookies among them
 * @param tsEncoded        of those, with Linux's cookie bits in TSval
 * @param synAcksPerSecond SYN-ACKs in each second
 * @param legitAttempted   legitimate connections the client started
 * @param legitCompleted   legitimate handshakes that completed
 * @param legitFailed      legitimate handshakes that failed or timed out
 * @param latencyUs        connect() latency of the completed ones, microseconds
 * @param cpuPercent       busy share per core over the run
 * @param victimPeakRssKb  the victim process's VmHWM
 * @param victimCookies    SYN cookies the victim says it sent, warm-up included (Fastpath's counters; -1: unknown)
 * @param victimRingDrops  frames the kernel dropped before the victim's stack saw them, warm-up included (-1: unknown)
 * @param driverDrops      SYNs the generator's driver dropped in the measured part, not in {@code sent} (live frames:
 *                         the victim's queue was full; -1: not known, the other backends are pushed back instead)
 * @param sendSeconds      how long the measured sending lasted
 * @param core             where the victim's core went in the measured part
 */
record VictimResult(Victim victim, String skipped, String error, long offeredRate, long sent, double sentRate,
        long synAcks, double synAckRate, long validLooking, long tsEncoded, long[] synAcksPerSecond,
        long legitAttempted, long legitCompleted, long legitFailed, Histogram latencyUs, double[] cpuPercent,
        long victimPeakRssKb, long victimCookies, long victimRingDrops, long driverDrops, double sendSeconds,
        CoreUse core) {

    /**
     * Where the victim's core went, from the kernel's per-task run time ({@code /proc/PID/task/TID/schedstat}): veth's
     * NAPI threads for the victim's interface (its receive work, when placed on its core) and the victim's process
     * (every thread; the kernel work of its system calls included), over the measured part.
     *
     * @param napiNs    NAPI threads' run time
     * @param processNs the victim process's run time
     * @param seconds   wall time they were measured over
     * @param xdpRuns   runs of the victim's XDP program (only while BPF run-time statistics were on, else 0)
     * @param xdpRunNs  their time in all
     */
    record CoreUse(long napiNs, long processNs, double seconds, long xdpRuns, long xdpRunNs) {
        static final CoreUse NONE = new CoreUse(-1, -1, 0, 0, 0);

        boolean known() {
            return napiNs >= 0 && processNs >= 0 && seconds > 0;
        }

        /** @return the NAPI threads' share of one core, percent */
        double napiPercent() {
            return known() ? napiNs / seconds / 1e7 : -1;
        }

        /** @return the process's share of one core, percent */
        double processPercent() {
            return known() ? processNs / seconds / 1e7 : -1;
        }

        /**
         * @param synAcks SYN-ACKs counted over (about) the same time
         * @return nanoseconds of the victim's core (NAPI and process) per SYN-ACK, or -1 when unknown
         */
        double nsPerSynAck(long synAcks) {
            return known() && synAcks > 0 ? (double) (napiNs + processNs) / synAcks : -1;
        }

        /** @return nanoseconds per run of the XDP program, or -1 when not counted */
        double xdpNsPerRun() {
            return xdpRuns > 0 ? (double) xdpRunNs / xdpRuns : -1;
        }

        CoreUse withXdp(long runs, long runNs) {
            return new CoreUse(napiNs, processNs, seconds, runs, runNs);
        }
    }

    static VictimResult skipped(Victim v, String why) {
        return new VictimResult(v, why, null, 0, 0, 0, 0, 0, 0, 0, new long[0], 0, 0, 0, new Histogram(3),
            new double[0], -1, -1, -1, -1, 0, CoreUse.NONE);
    }

    static VictimResult failed(Victim v, String why) {
        return new VictimResult(v, null, why, 0, 0, 0, 0, 0, 0, 0, new long[0], 0, 0, 0, new Histogram(3),
            new double[0], -1, -1, -1, -1, 0, CoreUse.NONE);
    }

    /**
     * @param cookies SYN cookies the victim counted
     * @param drops   frames dropped before its stack
     * @return a copy with the victim's own view
     */
    VictimResult withVictimView(long cookies, long drops) {
        return new VictimResult(victim, skipped, error, offeredRate, sent, sentRate, synAcks, synAckRate, validLooking,
            tsEncoded, synAcksPerSecond, legitAttempted, legitCompleted, legitFailed, latencyUs, cpuPercent,
            victimPeakRssKb, cookies, drops, driverDrops, sendSeconds, core);
    }

    /**
     * @param use where the victim's core went
     * @return a copy with it
     */
    VictimResult withCore(CoreUse use) {
        return new VictimResult(victim, skipped, error, offeredRate, sent, sentRate, synAcks, synAckRate, validLooking,
            tsEncoded, synAcksPerSecond, legitAttempted, legitCompleted, legitFailed, latencyUs, cpuPercent,
            victimPeakRssKb, victimCookies, victimRingDrops, driverDrops, sendSeconds, use);
    }

    /** @return SYNs per second the generator made: those sent plus those its driver dropped (0 when unknown) */
    double generatedRate() {
        return sendSeconds > 0 ? (sent + Math.max(driverDrops, 0)) / sendSeconds : 0;
    }

    boolean measured() {
        return skipped == null && error == null;
    }
}
