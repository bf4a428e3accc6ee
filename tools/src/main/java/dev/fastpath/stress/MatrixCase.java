package dev.fastpath.stress;

import java.util.ArrayList;
import java.util.List;

/**
 * One SYN shape of the cookie correctness matrix ({@code stress --matrix}) and the behaviour it probes after the
 * handshake completes through the target's cookie.
 *
 * @param name    a short name for the report
 * @param mss     the MSS option, or {@link SegmentWriter#ABSENT}
 * @param wscale  the window scale option, or {@link SegmentWriter#ABSENT}
 * @param sack    whether the SYN offers SACK
 * @param ts      whether the SYN carries timestamps
 * @param ecn     whether the SYN asks for ECN (ECE and CWR set, RFC 3168 §6.1.1)
 * @param probe   what is done after the handshake to see what the target honours
 */
public record MatrixCase(String name, int mss, int wscale, boolean sack, boolean ts, boolean ecn, Probe probe) {

    /** The behaviour checked after the handshake. */
    public enum Probe {
        /** A large echo with a large window: the target's segments must not exceed the SYN's MSS. */
        MSS,
        /** A small window field: a target that applies the scale sends more than the field's value in one go. */
        WSCALE,
        /** A segment of the echo is held back and the next SACKed: a target using SACK never resends that one. */
        SACK
    }

    /** Linux's cookie MSS table ({@code msstab} in net/ipv4/syncookies.c): values the matrix always includes. */
    public static final int[] LINUX_MSS_TABLE = {536, 1300, 1440, 1460};

    /** @return the default matrix: MSS across the range, window scale absent and 0..14, SACK, timestamps, ECN */
    public static List<MatrixCase> defaults() {
        List<MatrixCase> all = new ArrayList<>();
        int ws = SynTemplate.WSCALE;
        for (int m : new int[] {536, 600, 1000, 1200, 1300, 1380, 1440, 1460}) {
            all.add(new MatrixCase("mss=" + m, m, ws, true, true, false, Probe.MSS));
        }
        all.add(new MatrixCase("mss=536,no-ts", 536, ws, true, false, false, Probe.MSS));
        all.add(new MatrixCase("mss=1300,no-ts", 1300, ws, true, false, false, Probe.MSS));
        all.add(new MatrixCase("mss-absent", SegmentWriter.ABSENT, ws, true, true, false, Probe.MSS));
        all.add(new MatrixCase("wscale-absent", 1460, SegmentWriter.ABSENT, true, true, false, Probe.WSCALE));
        for (int w = 0; w <= 14; w++) {
            all.add(new MatrixCase("wscale=" + w, 1460, w, true, true, false, Probe.WSCALE));
        }
        all.add(new MatrixCase("wscale=7,no-ts", 1460, ws, true, false, false, Probe.WSCALE));
        all.add(new MatrixCase("sack", 1460, ws, true, true, false, Probe.SACK));
        all.add(new MatrixCase("sack,no-ts", 1460, ws, true, false, false, Probe.SACK));
        all.add(new MatrixCase("no-sack", 1460, ws, false, true, false, Probe.SACK));
        all.add(new MatrixCase("ecn", 1460, ws, true, true, true, Probe.MSS));
        all.add(new MatrixCase("ecn,no-ts", 1460, ws, true, false, true, Probe.MSS));
        all.add(new MatrixCase("bare", SegmentWriter.ABSENT, SegmentWriter.ABSENT, false, false, false, Probe.MSS));
        return all;
    }
}
