package dev.fastpath.stress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One case of the matrix in flight: a real (if small) TCP client for one tuple, and what it saw. Only the matrix
 * keeps state per flow; it runs a few dozen of them.
 */
final class MatrixProbe {

    /** Outcomes per option. */
    static final String PRESERVED = "preserved";
    static final String LOST = "lost";
    static final String NOT_OFFERED = "not_offered";
    static final String INCONCLUSIVE = "inconclusive";

    final MatrixCase c;
    final int ip;
    final int port;
    final int iss;

    boolean synAcked;
    boolean done;
    String end = "no SYN-ACK";
    int irs;
    int rcvNxt;
    int sndNxt;
    int tsRecent;
    // The SYN-ACK's options.
    int peerMss = -1;
    int peerWs = -1;
    boolean peerSack;
    boolean peerTs;
    boolean peerEcn;
    // What the data showed.
    int dataSegments;
    int maxSegment;
    int withTs;
    int ect;
    int echoed;
    String wsResult;
    String wsDetail;
    // SACK probe: the segment held back (the hole) and the SACKed range after it.
    int sackStage;
    int holeStart;
    int holeEnd;
    int hole2End;
    int sackedStart;
    int sackedEnd;
    long watchUntilNs;
    String sackResult;
    String sackDetail;

    MatrixProbe(MatrixCase c, int ip, int port, int iss) {
        this.c = c;
        this.ip = ip;
        this.port = port;
        this.iss = iss;
    }

    /** @return the MSS the SYN stood for: its option, or 536 without one (RFC 9293 §3.7.1) */
    int offeredMss() {
        return c.mss() == SegmentWriter.ABSENT ? 536 : c.mss();
    }

    /** @return whether the MSS was exceeded where it must not be: an offered MSS of at least 536 */
    boolean mssViolated() {
        return dataSegments > 0 && maxSegment > offeredMss() && offeredMss() >= 536;
    }

    String mssResult() {
        if (dataSegments == 0) {
            return INCONCLUSIVE;
        }
        return maxSegment <= offeredMss() ? PRESERVED : LOST;
    }

    String tsResult() {
        if (!c.ts()) {
            return NOT_OFFERED;
        }
        if (!peerTs || dataSegments > 0 && withTs == 0) {
            return LOST;
        }
        return dataSegments == 0 ? INCONCLUSIVE : withTs == dataSegments ? PRESERVED : LOST;
    }

    String ecnResult() {
        if (!c.ecn()) {
            return NOT_OFFERED;
        }
        if (!peerEcn) {
            return LOST;
        }
        return dataSegments == 0 ? INCONCLUSIVE : ect > 0 ? PRESERVED : LOST;
    }

    String wscaleResult() {
        if (c.wscale() == SegmentWriter.ABSENT) {
            return NOT_OFFERED;
        }
        if (peerWs < 0 && synAcked) {
            return LOST;
        }
        return wsResult != null ? wsResult : INCONCLUSIVE;
    }

    String sackResult() {
        if (!c.sack()) {
            return NOT_OFFERED;
        }
        if (!peerSack && synAcked) {
            return LOST;
        }
        return sackResult != null ? sackResult : INCONCLUSIVE;
    }

    /** @return the case's entry in the report */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", c.name());
        m.put("probe", c.probe().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> syn = new LinkedHashMap<>();
        syn.put("mss", c.mss() == SegmentWriter.ABSENT ? null : c.mss());
        syn.put("wscale", c.wscale() == SegmentWriter.ABSENT ? null : c.wscale());
        syn.put("sack", c.sack());
        syn.put("ts", c.ts());
        syn.put("ecn", c.ecn());
        m.put("syn", syn);
        if (synAcked) {
            Map<String, Object> sa = new LinkedHashMap<>();
            sa.put("mss", peerMss < 0 ? null : peerMss);
            sa.put("wscale", peerWs < 0 ? null : peerWs);
            sa.put("sack", peerSack);
            sa.put("ts", peerTs);
            sa.put("ecn", peerEcn);
            m.put("synack", sa);
        }
        m.put("completed", dataSegments > 0);
        m.put("end", end);
        m.put("data_segments", dataSegments);
        m.put("max_segment", maxSegment);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("mss", mssResult());
        opts.put("wscale", c.probe() == MatrixCase.Probe.WSCALE || c.wscale() == SegmentWriter.ABSENT
            ? wscaleResult() : peerWs >= 0 || !synAcked ? "agreed_untested" : LOST);
        opts.put("sack", c.probe() == MatrixCase.Probe.SACK || !c.sack() ? sackResult()
            : peerSack || !synAcked ? "agreed_untested" : LOST);
        opts.put("ts", tsResult());
        opts.put("ecn", ecnResult());
        m.put("options", opts);
        if (wsDetail != null) {
            m.put("wscale_detail", wsDetail);
        }
        if (sackDetail != null) {
            m.put("sack_detail", sackDetail);
        }
        m.put("violation", mssViolated() ? "the target sent a segment of " + maxSegment + " bytes (payload + options) "
            + "to a SYN whose MSS was " + offeredMss() : null);
        return m;
    }
}
