package dev.fastpath.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The goal for one Fastpath victim, judged against the kernel with {@code tcp_syncookies=2} measured in the
 * same round: at least the victim's ratio ({@link Victim#goalRatio}: issue 7's 2.5× for SYNs answered in XDP and
 * on AF_PACKET, issue 18's 1.0× for the AF_XDP engine path) times the kernel's SYN-ACK rate, at least
 * {@link #ANSWERED} of the offered SYNs answered (of the sent ones — those the victim's queue took — when the
 * generator ran at its maximum, which has no offered rate), and every legitimate handshake completed. A Fastpath
 * victim that failed in a round where the kernel was measured has not met it.
 *
 * @param victim         the Fastpath victim
 * @param kernel         the kernel victim it is compared with
 * @param failure        why the victim was not measured, or null
 * @param ratio          SYN-ACK/s ÷ the kernel's
 * @param answered       SYN-ACKs ÷ SYNs offered (or sent, at max rate)
 * @param ofOffered      whether {@code answered} is relative to the offered rate
 * @param legitCompleted legitimate handshakes completed
 * @param legitAttempted legitimate handshakes attempted
 * @param p99Ratio       legitimate p99 latency ÷ the kernel's
 * @param target         the ratio the victim must reach
 */
record Goal(String victim, String kernel, String failure, double ratio, double answered, boolean ofOffered,
        long legitCompleted, long legitAttempted, double p99Ratio, double target) {

    /** Issue 7's: times the kernel's SYN-ACK rate. */
    static final double RATIO = 2.5;
    /** Share of the offered SYNs answered. */
    static final double ANSWERED = 0.90;

    /** @return whether all three parts hold */
    boolean met() {
        return failure == null && ratio >= target && answered >= ANSWERED && legitCompleted == legitAttempted
            && legitAttempted > 0;
    }

    /**
     * @param round one round's results
     * @return one goal per Fastpath victim that ran (measured or failed, not skipped); none when the kernel with
     *         {@code tcp_syncookies=2} was not measured in the round
     */
    static List<Goal> of(List<VictimResult> round) {
        VictimResult kernel = kernelOf(round);
        List<Goal> goals = new ArrayList<>();
        if (kernel == null) {
            return goals;
        }
        for (VictimResult r : round) {
            if (r.victim().kernel() || r.skipped() != null) {
                continue;
            }
            if (!r.measured()) {
                goals.add(new Goal(r.victim().name(), kernel.victim().name(), SynFloodReport.firstLine(r.error()), 0,
                    0, false, 0, 0, 0, r.victim().goalRatio()));
                continue;
            }
            boolean ofOffered = r.offeredRate() > 0;
            // At max rate: what the victim's queue took. The live-frames generator then makes a quarter more than
            // that on purpose (MaxPacer: the victim never waits for a SYN), so what it made says nothing.
            double base = ofOffered ? r.offeredRate() : r.sentRate();
            goals.add(new Goal(r.victim().name(), kernel.victim().name(), null, r.synAckRate() / kernel.synAckRate(),
                base > 0 ? r.synAckRate() / base : 0, ofOffered, r.legitCompleted(), r.legitAttempted(),
                (double) r.latencyUs().getValueAtPercentile(99)
                    / Math.max(1, kernel.latencyUs().getValueAtPercentile(99)), r.victim().goalRatio()));
        }
        return goals;
    }

    /** @return the round's measured kernel victim with {@code tcp_syncookies=2}, or null */
    static VictimResult kernelOf(List<VictimResult> round) {
        return round.stream().filter(r -> r.measured() && r.victim().kernel() && r.victim().syncookies() == 2
            && r.synAckRate() > 0).findFirst().orElse(null);
    }

    /** @return one markdown list item: the ratios and the verdict with its three parts */
    String line() {
        if (failure != null) {
            return String.format(Locale.ROOT, "- %s ÷ %s: goal not met (the victim failed: %s)%n", victim, kernel,
                failure);
        }
        double shownRatio = shownRatio();
        double shownAnswered = shownAnsweredPercent();
        return String.format(Locale.ROOT, "- %s ÷ %s: SYN-ACK/s × %.2f, legit p99 × %s — goal %s (× %.2f %s %.1f; "
            + "%.1f %% of %s answered %s %.0f %%; legit %d of %d completed)%n", victim, kernel, shownRatio,
            significant(p99Ratio), met() ? "met" : "not met", shownRatio, ratio >= target ? ">=" : "<", target,
            shownAnswered, ofOffered ? "offered" : "sent", answered >= ANSWERED ? ">=" : "<", ANSWERED * 100,
            legitCompleted, legitAttempted);
    }

    /** @return the ratio as printed: rounded down, so one just under the goal never prints as reaching it */
    double shownRatio() {
        return Math.floor(ratio * 100) / 100;
    }

    /** @return the answered share as printed, in percent, rounded down to 0.1 */
    double shownAnsweredPercent() {
        return Math.floor(answered * 1000) / 10;
    }

    /** @return the ratio without exponent notation: three significant digits, whole numbers from 100 up */
    static String significant(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** @return the goal as stated in reports */
    static String statement() {
        return "≥ " + RATIO + "× the kernel's SYN-ACK rate answered in XDP or on AF_PACKET, ≥ 1.0× on the AF_XDP "
            + "engine path, ≥ " + Math.round(ANSWERED * 100) + " % of the offered SYNs answered (of the sent ones at "
            + "max rate), every legitimate handshake completed";
    }
}
