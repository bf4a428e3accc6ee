package dev.fastpath.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 7's goal for one Fastpath victim, judged against the kernel with {@code tcp_syncookies=2} measured in the
 * same round: at least {@link #RATIO} times its SYN-ACK rate, at least {@link #ANSWERED} of the SYNs the generator
 * sent answered, and every legitimate handshake completed.
 *
 * @param victim         the Fastpath victim
 * @param kernel         the kernel victim it is compared with
 * @param ratio          SYN-ACK/s ÷ the kernel's
 * @param answered       SYN-ACKs ÷ SYNs sent
 * @param legitCompleted legitimate handshakes completed
 * @param legitAttempted legitimate handshakes attempted
 * @param p99Ratio       legitimate p99 latency ÷ the kernel's
 */
record Goal(String victim, String kernel, double ratio, double answered, long legitCompleted, long legitAttempted,
        double p99Ratio) {

    /** Times the kernel's SYN-ACK rate. */
    static final double RATIO = 2.5;
    /** Share of the sent SYNs answered. */
    static final double ANSWERED = 0.90;

    /** @return whether all three parts hold */
    boolean met() {
        return ratio >= RATIO && answered >= ANSWERED && legitCompleted == legitAttempted && legitAttempted > 0;
    }

    /**
     * @param round one round's results
     * @return one goal per measured Fastpath victim; none when the kernel with {@code tcp_syncookies=2} was not
     *         measured in the round
     */
    static List<Goal> of(List<VictimResult> round) {
        VictimResult kernel = round.stream().filter(r -> r.measured() && r.victim().kernel()
            && r.victim().syncookies() == 2 && r.synAckRate() > 0).findFirst().orElse(null);
        List<Goal> goals = new ArrayList<>();
        if (kernel == null) {
            return goals;
        }
        for (VictimResult r : round) {
            if (!r.measured() || r.victim().kernel()) {
                continue;
            }
            goals.add(new Goal(r.victim().name(), kernel.victim().name(), r.synAckRate() / kernel.synAckRate(),
                r.sentRate() > 0 ? r.synAckRate() / r.sentRate() : 0, r.legitCompleted(), r.legitAttempted(),
                (double) r.latencyUs().getValueAtPercentile(99)
                    / Math.max(1, kernel.latencyUs().getValueAtPercentile(99))));
        }
        return goals;
    }

    /** @return one markdown list item: the ratios and the verdict with its three parts */
    String line() {
        return String.format(Locale.ROOT, "- %s ÷ %s: SYN-ACK/s × %.2f, legit p99 × %.3g — goal %s (× %.2f %s %.1f; "
            + "%.1f %% of sent answered %s %.0f %%; legit %d of %d completed)%n", victim, kernel, ratio, p99Ratio,
            met() ? "met" : "not met", ratio, ratio >= RATIO ? ">=" : "<", RATIO, answered * 100,
            answered >= ANSWERED ? ">=" : "<", ANSWERED * 100, legitCompleted, legitAttempted);
    }

    /** @return the goal as stated in reports */
    static String statement() {
        return "≥ " + RATIO + "× the kernel's SYN-ACK rate, ≥ " + Math.round(ANSWERED * 100) + " % of the sent SYNs "
            + "answered, every legitimate handshake completed";
    }
}
