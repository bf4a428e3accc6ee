package dev.fastpath.stress;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a flood run measured. Rates are per second of sending time.
 *
 * @param sent             SYNs sent (live frames: those the driver took, see {@code driverDrops})
 * @param synAcks          SYN-ACKs to our sources ({@link FloodReceiver})
 * @param validLooking     SYN-ACKs that look like cookies answering our exact SYNs
 * @param tsEncoded        valid-looking SYN-ACKs with Linux's cookie encoding in TSval's low bits
 * @param resets           RSTs to our sources
 * @param arpReplies       ARP replies sent for the sources
 * @param txRingFull       times the TX ring had no room (back-pressure in max mode)
 * @param sendSeconds      how long the sending lasted
 * @param exhausted        whether the run stopped because the tuple walk (or the count) ran out
 * @param offeredRate      the rate asked for (0: max)
 * @param sentPerSecond    SYNs sent in each second of the run
 * @param synAcksPerSecond SYN-ACKs counted in each second of the run (the last entry includes the linger)
 * @param driverDrops      live frames: SYNs the program made that the driver did not take (the peer's queue was
 *                         full, or the peer runs no NAPI); not in {@code sent}, but in {@code sentPerSecond}, whose
 *                         sum is {@code sent + driverDrops}. -1 when not known (the other backends are pushed back
 *                         by a full queue instead of dropping)
 * @param checked          SYN-ACKs checked in full in Java (all of them, or the sample when they are counted in XDP)
 * @param pacedRate        {@code --rate max} with live frames: the pace at the end ({@link MaxPacer}); -1 otherwise
 */
public record FloodResult(long sent, long synAcks, long validLooking, long tsEncoded, long resets, long arpReplies,
        long txRingFull, double sendSeconds, boolean exhausted, long offeredRate, long[] sentPerSecond,
        long[] synAcksPerSecond, long driverDrops, long checked, long pacedRate) {

    /** @return SYNs per second actually sent */
    public double sentRate() {
        return sendSeconds > 0 ? sent / sendSeconds : 0;
    }

    /** @return SYN-ACKs per second of sending time */
    public double answeredRate() {
        return sendSeconds > 0 ? synAcks / sendSeconds : 0;
    }

    /** @return a human-readable summary, several lines */
    public String summary() {
        return String.format(Locale.ROOT, """
            flood summary
              offered rate   %s
              sent           %d SYNs in %.3f s (%.0f/s)%s%s
              SYN-ACKs       %d (%.0f/s, %.1f %% of sent)
              valid-looking  %d cookies (acks our ISN + 1, options consistent with our SYN)%s
              ts-encoded     %d (TSval low 6 bits = Linux cookie encoding of our options)
              RSTs           %d
              ARP replies    %d, TX ring full %d times""",
            offered(), sent, sendSeconds, sentRate(),
            exhausted ? " (stopped early: tuple space or --count used up)" : "",
            driverDrops > 0 ? "; " + driverDrops + " more made but not taken by the driver (the peer's queue full, or "
                + "no NAPI on the peer)" : "",
            synAcks, answeredRate(), sent == 0 ? 0.0 : 100.0 * synAcks / sent, validLooking,
            checked < synAcks ? String.format(Locale.ROOT, " (estimated: %d checked in full, the rest counted in XDP)",
                checked) : "", tsEncoded, resets, arpReplies, txRingFull);
    }

    private String offered() {
        if (offeredRate == FloodSettings.UNPACED) {
            return "unpaced (as fast as the generator makes them)";
        }
        if (offeredRate != FloodSettings.MAX) {
            return offeredRate + "/s";
        }
        return pacedRate > 0 ? "max (paced to what the driver takes plus a quarter: " + pacedRate + "/s at the end)"
            : "max";
    }

    /** @return the result as one JSON object (the derived rates included, rounded to 0.1/s) */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offeredRate", offeredRate);
        m.put("sent", sent);
        m.put("sendSeconds", sendSeconds);
        m.put("sentRate", Math.round(sentRate() * 10) / 10.0);
        m.put("synAcks", synAcks);
        m.put("answeredRate", Math.round(answeredRate() * 10) / 10.0);
        m.put("validLooking", validLooking);
        m.put("tsEncoded", tsEncoded);
        m.put("resets", resets);
        m.put("arpReplies", arpReplies);
        m.put("txRingFull", txRingFull);
        m.put("driverDrops", driverDrops);
        m.put("exhausted", exhausted);
        m.put("sentPerSecond", sentPerSecond);
        m.put("synAcksPerSecond", synAcksPerSecond);
        m.put("checked", checked);
        m.put("pacedRate", pacedRate);
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads what {@link #toJson} wrote.
     *
     * @param json one JSON object
     * @return the result
     * @throws IllegalArgumentException when the text is not JSON or a field is missing or of the wrong type
     */
    public static FloodResult fromJson(String json) {
        Map<String, Object> m;
        try {
            m = JSON.std.mapFrom(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a flood result: " + e.getMessage(), e);
        }
        return new FloodResult(num(m, "sent"), num(m, "synAcks"), num(m, "validLooking"), num(m, "tsEncoded"),
            num(m, "resets"), num(m, "arpReplies"), num(m, "txRingFull"), number(m, "sendSeconds").doubleValue(),
            Boolean.TRUE.equals(field(m, "exhausted")), num(m, "offeredRate"), longs(m, "sentPerSecond"),
            longs(m, "synAcksPerSecond"), num(m, "driverDrops"), num(m, "checked"), num(m, "pacedRate"));
    }

    private static Object field(Map<String, Object> m, String key) {
        if (!m.containsKey(key)) {
            throw new IllegalArgumentException("not a flood result: no " + key);
        }
        return m.get(key);
    }

    private static Number number(Map<String, Object> m, String key) {
        if (field(m, key) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("not a flood result: " + key + " is not a number");
    }

    private static long num(Map<String, Object> m, String key) {
        return number(m, key).longValue();
    }

    private static long[] longs(Map<String, Object> m, String key) {
        if (!(field(m, key) instanceof List<?> list)) {
            throw new IllegalArgumentException("not a flood result: " + key + " is not an array");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("not a flood result: " + key + "[" + i + "] is not a number");
            }
            out[i] = n.longValue();
        }
        return out;
    }
}
