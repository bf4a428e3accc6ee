package dev.fastpath.stress;

import java.util.Arrays;
import java.util.Locale;

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
 */
public record FloodResult(long sent, long synAcks, long validLooking, long tsEncoded, long resets, long arpReplies,
        long txRingFull, double sendSeconds, boolean exhausted, long offeredRate, long[] sentPerSecond,
        long[] synAcksPerSecond, long driverDrops) {

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
              valid-looking  %d cookies (acks our ISN + 1, options consistent with our SYN)
              ts-encoded     %d (TSval low 6 bits = Linux cookie encoding of our options)
              RSTs           %d
              ARP replies    %d, TX ring full %d times""",
            offeredRate == 0 ? "max" : offeredRate + "/s", sent, sendSeconds, sentRate(),
            exhausted ? " (stopped early: tuple space or --count used up)" : "",
            driverDrops > 0 ? "; " + driverDrops + " more made but not taken by the driver (the peer's queue full, or "
                + "no NAPI on the peer)" : "",
            synAcks, answeredRate(), sent == 0 ? 0.0 : 100.0 * synAcks / sent, validLooking, tsEncoded, resets,
            arpReplies, txRingFull);
    }

    /** @return the result as one JSON object */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"offeredRate\":%d,\"sent\":%d,\"sendSeconds\":%.6f,\"sentRate\":%.1f,"
            + "\"synAcks\":%d,\"answeredRate\":%.1f,\"validLooking\":%d,\"tsEncoded\":%d,\"resets\":%d,"
            + "\"arpReplies\":%d,\"txRingFull\":%d,\"driverDrops\":%d,\"exhausted\":%b,\"sentPerSecond\":%s,"
            + "\"synAcksPerSecond\":%s}",
            offeredRate, sent, sendSeconds, sentRate(), synAcks, answeredRate(), validLooking, tsEncoded, resets,
            arpReplies, txRingFull, driverDrops, exhausted, Arrays.toString(sentPerSecond).replace(" ", ""),
            Arrays.toString(synAcksPerSecond).replace(" ", ""));
    }
}
