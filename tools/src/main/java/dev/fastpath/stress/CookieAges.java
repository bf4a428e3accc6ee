package dev.fastpath.stress;

import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ACKs for cookies of a given age: for each age A, {@link #PER_AGE} tuples send a SYN (MSS 1460, window scale 7,
 * SACK, timestamps), keep the SYN-ACK's cookie and answer it only A seconds later, with one byte of data. The SYNs
 * are spread so that every ACK leaves at about the same moment, the youngest SYN just before it (Linux checks cookies
 * only while it has sent one in the last two minutes: tcp_synq_no_recent_overflow()). What the target does with
 * the late ACK is its validity window as it shows it — judged by behaviour, never by decoding the cookie:
 * <ul>
 *   <li>{@code accepted}: it answers as a connection (an ACK or data, no RST);</li>
 *   <li>{@code reset}: a RST (Linux: cookie_v4_check() fails, the listener resets the ACK);</li>
 *   <li>{@code silent}: nothing within {@link #ANSWER_WAIT_NS};</li>
 *   <li>{@code no_syn_ack}: the SYN was never answered (nothing to age).</li>
 * </ul>
 * A connection the target accepted is reset by us at once. Single-threaded: the matrix run's.
 */
final class CookieAges {
    /** Tuples per age (a lost frame spoils one, not the age). */
    static final int PER_AGE = 4;
    /** How long a late ACK waits for an answer. */
    static final long ANSWER_WAIT_NS = 3_000_000_000L;
    static final String ACCEPTED = "accepted";
    static final String RESET = "reset";
    static final String SILENT = "silent";
    static final String NO_SYN_ACK = "no_syn_ack";
    private static final long S = 1_000_000_000L;

    /** What one tuple does with its aged cookie. */
    static final class Probe {
        final int ageS;
        final int ip;
        final int port;
        final int iss;
        final long synDueNs;
        boolean synSent;
        boolean synAcked;
        int irs;
        int tsRecent;
        boolean peerTs;
        long ackDueNs;
        boolean ackSent;
        long ackSentNs;
        String outcome;

        Probe(int ageS, int ip, int port, int iss, long synDueNs) {
            this.ageS = ageS;
            this.ip = ip;
            this.port = port;
            this.iss = iss;
            this.synDueNs = synDueNs;
        }
    }

    /** Sends the probes' segments (the matrix run's writer and ring). */
    interface Sender {
        void syn(Probe p);

        void lateAck(Probe p);

        void reset(Probe p, int seq, int ack);
    }

    private final List<Integer> ages;
    private final List<Probe> probes = new ArrayList<>();
    private final Map<Long, Probe> byTuple = new HashMap<>();
    private final Sender sender;

    /**
     * @param ages    the ages, seconds (each 0..3600)
     * @param walker  the tuples ({@link #PER_AGE} per age)
     * @param isn     each SYN's ISN
     * @param startNs when the run starts
     * @param sender  sends the segments
     */
    CookieAges(List<Integer> ages, TupleWalker walker, TupleIsn isn, long startNs, Sender sender) {
        this.ages = List.copyOf(ages);
        this.sender = sender;
        int oldest = ages.stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int age : ages) {
            for (int i = 0; i < PER_AGE; i++) {
                if (!walker.next()) {
                    throw new IllegalArgumentException("the source block has too few tuples for the cookie ages");
                }
                Probe p = new Probe(age, walker.address(), walker.port(), isn.isn(walker.address(), walker.port()),
                    startNs + (oldest - age) * S);
                probes.add(p);
                byTuple.put(key(p.ip, p.port), p);
            }
        }
    }

    private static long key(int ip, int port) {
        return (long) ip << 16 | port;
    }

    /** @return how long the probes need from the start at most: the oldest age and the wait for its answer */
    static long spanNs(List<Integer> ages) {
        return ages.stream().mapToInt(Integer::intValue).max().orElse(0) * S + ANSWER_WAIT_NS + 2 * S;
    }

    /** Sends what is due: SYNs at their time, late ACKs at their age, and calls the unanswered ones silent. */
    void tick(long nowNs) {
        for (Probe p : probes) {
            if (p.outcome != null) {
                continue;
            }
            if (!p.synSent && nowNs - p.synDueNs >= 0) {
                p.synSent = true;
                sender.syn(p);
            } else if (p.synAcked && !p.ackSent && nowNs - p.ackDueNs >= 0) {
                p.ackSent = true;
                p.ackSentNs = nowNs;
                sender.lateAck(p);
            } else if (p.ackSent && nowNs - p.ackSentNs >= ANSWER_WAIT_NS) {
                p.outcome = SILENT;
            } else if (p.synSent && !p.synAcked && nowNs - p.synDueNs >= ANSWER_WAIT_NS) {
                p.outcome = NO_SYN_ACK;
            }
        }
    }

    /**
     * A segment from the target.
     *
     * @return whether it was for one of these probes
     */
    boolean onSegment(ParsedFrame f, long nowNs) {
        Probe p = byTuple.get(key(f.dstIp(), f.dstPort()));
        if (p == null) {
            return false;
        }
        if (p.outcome != null || !p.synSent) {
            return true;
        }
        int fl = f.flags();
        if (!p.synAcked) {
            if ((fl & (TcpHeader.SYN | TcpHeader.ACK)) == (TcpHeader.SYN | TcpHeader.ACK) && f.ack() == p.iss + 1) {
                p.synAcked = true;
                p.irs = f.seq();
                p.peerTs = f.options().hasTimestamps();
                p.tsRecent = f.options().tsVal();
                p.ackDueNs = nowNs + p.ageS * S;
            } else if ((fl & TcpHeader.RST) != 0) {
                p.outcome = NO_SYN_ACK; // refused outright
            }
            return true;
        }
        if (!p.ackSent) {
            return true; // a stateful target's SYN-ACK again, before our late ACK: not the answer
        }
        if ((fl & TcpHeader.RST) != 0) {
            p.outcome = RESET;
        } else if ((fl & TcpHeader.SYN) == 0 && (fl & TcpHeader.ACK) != 0) {
            p.outcome = ACCEPTED;
            sender.reset(p, f.ack(), f.seq() + f.payloadLength());
        }
        return true;
    }

    /** @return whether every probe has its outcome */
    boolean done() {
        return probes.stream().allMatch(p -> p.outcome != null);
    }

    /** Outcomes not yet known become {@code silent} (the run ended). */
    void finish() {
        for (Probe p : probes) {
            if (p.outcome == null) {
                p.outcome = p.synAcked ? SILENT : NO_SYN_ACK;
            }
        }
    }

    private Map<String, Integer> counts(int age) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String o : List.of(ACCEPTED, RESET, SILENT, NO_SYN_ACK)) {
            m.put(o, 0);
        }
        for (Probe p : probes) {
            if (p.ageS == age && p.outcome != null) {
                m.merge(p.outcome, 1, Integer::sum);
            }
        }
        return m;
    }

    /**
     * @return the JSON entry: one object per age with the counts, and what the target showed — the oldest age whose
     *         cookies were all accepted and the youngest with none accepted
     */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        Integer acceptedUpTo = null;
        Integer refusedFrom = null;
        for (int age : ages.stream().sorted().distinct().toList()) {
            Map<String, Integer> c = counts(age);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("age_s", age);
            e.put("sent", PER_AGE);
            e.putAll(c);
            list.add(e);
            int answered = c.get(ACCEPTED) + c.get(RESET) + c.get(SILENT);
            if (answered > 0 && c.get(ACCEPTED) == answered) {
                acceptedUpTo = age;
            }
            if (answered > 0 && c.get(ACCEPTED) == 0 && refusedFrom == null) {
                refusedFrom = age;
            }
        }
        m.put("ages", list);
        m.put("all_accepted_up_to_s", acceptedUpTo);
        m.put("none_accepted_from_s", refusedFrom);
        return m;
    }

    /** @return a line per age for the text table */
    String table() {
        StringBuilder b = new StringBuilder();
        for (int age : ages.stream().sorted().distinct().toList()) {
            Map<String, Integer> c = counts(age);
            b.append(String.format(Locale.ROOT, "cookie %4d s old: %d accepted, %d reset, %d silent, %d no SYN-ACK%n",
                age, c.get(ACCEPTED), c.get(RESET), c.get(SILENT), c.get(NO_SYN_ACK)));
        }
        return b.toString();
    }
}
