package dev.fastpath.stress;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@code fastpath stress} run measured, as the summary line, the summary JSON ({@code --json}) and the
 * per-second lines ({@code --json-lines}); {@link #merge} adds reports of shards up.
 *
 * @param target           the target, ADDR:PORT
 * @param io               the backend used
 * @param shard            {@code I/N}, or null
 * @param sent             SYNs sent
 * @param seconds          the sending time
 * @param synAcks          SYN-ACKs to our tuples
 * @param synAcksValid     those acknowledging exactly our SYN's keyed ISN (and with consistent options)
 * @param resets           RSTs to our tuples
 * @param handshakeAcks    final ACKs the completing clients sent ({@code --complete}; -1 without)
 * @param completed        connections the target showed established (-1 without {@code --complete})
 * @param completedByReset of those, shown by the target's RST+ACK
 * @param txRingFull       times a send waited for a full TX ring
 * @param exhausted        whether the run stopped at the count or the end of the tuple walk
 * @param perSecond        one sample per second
 */
public record StressReport(String target, String io, String shard, long sent, double seconds, long synAcks,
        long synAcksValid, long resets, long handshakeAcks, long completed, long completedByReset, long txRingFull,
        boolean exhausted, List<StressRun.Sample> perSecond) {

    static StressReport of(String target, String io, String shard, StressRun.Totals t, FloodReceiver r,
            Completer c) {
        return new StressReport(target, io, shard, t.sent(), t.seconds(), r.synAcks(), r.validLooking(), r.resets(),
            c == null ? -1 : c.handshakes(), c == null ? -1 : c.completed(), c == null ? -1 : c.completedByReset(),
            t.txRingFull(), t.exhausted(), t.samples());
    }

    /** @return SYN-ACKs per second of sending */
    public double synAckPerS() {
        return perS(synAcks);
    }

    /** @return completed connections per second of sending (-1 without {@code --complete}) */
    public double completedPerS() {
        return completed < 0 ? -1 : perS(completed);
    }

    private double perS(long n) {
        return seconds <= 0 ? 0 : Math.round(n / seconds * 10) / 10.0;
    }

    /** @return one human line */
    public String summary() {
        String s = String.format(Locale.ROOT, "stress: sent %d SYNs in %.2f s (%.0f/s); %d SYN-ACKs (%.1f/s, %d "
            + "answering our ISN), %d RSTs", sent, seconds, seconds <= 0 ? 0 : sent / seconds, synAcks,
            synAckPerS(), synAcksValid, resets);
        if (completed >= 0) {
            s += String.format(Locale.ROOT, "; completed %d (%.1f/s; %d shown by the target's RST) of %d final ACKs",
                completed, completedPerS(), completedByReset, handshakeAcks);
        }
        return s;
    }

    /**
     * Why the run did not pass (empty: it passed): the target answered none of our SYNs, or with {@code --complete}
     * completed none.
     *
     * @param nothingSent whether no frame left (--io none): nothing is expected back
     * @param complete    whether the completing clients ran
     * @return the reasons
     */
    public List<String> failures(boolean nothingSent, boolean complete) {
        List<String> f = new ArrayList<>();
        if (nothingSent) {
            return f;
        }
        if (sent > 0 && synAcksValid == 0) {
            f.add("the target answered none of " + sent + " SYNs with a SYN-ACK acknowledging our ISN");
        }
        if (complete && synAcksValid > 0 && completed == 0) {
            f.add("the target completed none of the " + handshakeAcks + " handshakes (no segment of an established "
                + "connection came back)");
        }
        return f;
    }

    /**
     * @param failures {@link #failures}
     * @return the summary JSON: {@code synack_per_s}, {@code completed_per_s}, counts, per-second samples, verdict
     */
    public String toJson(List<String> failures) {
        return json(toMap(failures));
    }

    /**
     * @param failures {@link #failures}
     * @return the summary as a map (the command adds the legitimate clients' figures)
     */
    public Map<String, Object> toMap(List<String> failures) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("io", io);
        if (shard != null) {
            m.put("shard", shard);
        }
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("syn_sent", sent);
        m.put("syn_per_s", perS(sent));
        m.put("synack", synAcks);
        m.put("synack_valid", synAcksValid);
        m.put("synack_per_s", synAckPerS());
        m.put("resets", resets);
        if (completed >= 0) {
            m.put("handshake_acks", handshakeAcks);
            m.put("completed", completed);
            m.put("completed_by_reset", completedByReset);
            m.put("completed_per_s", completedPerS());
        }
        m.put("tx_ring_full", txRingFull);
        m.put("exhausted", exhausted);
        List<Map<String, Object>> ps = new ArrayList<>();
        for (StressRun.Sample s : perSecond) {
            ps.add(sampleMap(s));
        }
        m.put("per_second", ps);
        m.put("verdict", failures.isEmpty() ? "pass" : "fail");
        m.put("failures", failures);
        return m;
    }

    static Map<String, Object> sampleMap(StressRun.Sample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", s.second());
        m.put("offered", s.offered());
        m.put("syn", s.sent());
        m.put("synack", s.synAcks());
        m.put("completed", s.completed());
        m.put("resets", s.resets());
        return m;
    }

    /**
     * @param s a second's counts
     * @return its JSON line (no newline)
     */
    public static String sampleJson(StressRun.Sample s) {
        return json(sampleMap(s));
    }

    static String json(Object m) {
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
