package dev.fastpath.packetdrill;

import dev.fastpath.packetdrill.PdEvent.PdOption;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP options between a script and the wire, one implementation for both backends (the engine on virtual
 * time, the Linux kernel through a tun device): inbound options built from a {@code <} line, outbound
 * options compared with a {@code >} line, and the timestamp mapping packetdrill keeps (the first TS val the
 * stack sends fixes the offset between its clock and the script's; a script's TS ecr is mapped back
 * through it). Also packetdrill's timing tolerance.
 */
final class PdOptions {
    /** {@code --tolerance_usecs} (packetdrill's default 4 ms). */
    long toleranceUs = 4000;
    /** {@code --tolerance_percent}. */
    double tolerancePercent;
    /** {@code --tcp_ts_tick_usecs}: when set, TS val is checked against the time. */
    long tsTickUs;
    /** The stack's TS val minus the script's, once known. */
    long tsOffset;
    boolean tsKnown;
    /** {@code --tcp_ts_ecr_scaled}: an inbound TS ecr no {@code >} line sent is interpolated, not refused. */
    boolean tsEcrScaled;
    /** Script TS val → live TS val of the {@code >} lines so far (packetdrill's per-socket ts_val_map). */
    private final Map<Long, Long> tsVals = new HashMap<>();

    /** A new socket under test: its timestamps are learned afresh. */
    void resetTs() {
        tsKnown = false;
        tsVals.clear();
    }

    /** packetdrill's tolerance for an event at {@code t}: the fixed one or a percentage of the gap before it. */
    long tolerance(long t, long lastEventUs) {
        long dynamic = (long) (tolerancePercent / 100.0 * Math.max(0, t - lastEventUs));
        return Math.max(toleranceUs, dynamic);
    }

    /**
     * An inbound TS ecr as packetdrill's map_inbound_packet() maps it: with ACK set it must echo the TS val
     * of an earlier {@code >} line (the live value that line matched), or with {@code --tcp_ts_ecr_scaled}
     * it is interpolated from the first mapping; otherwise the script fails.
     */
    private long inboundEcr(int line, boolean ack, long ecr) {
        if (!ack) {
            return ecr;
        }
        Long live = tsVals.get(ecr);
        if (live != null) {
            return live;
        }
        if (tsEcrScaled && tsKnown) {
            return (ecr + tsOffset) & 0xFFFFFFFFL;
        }
        throw new PdRunner.Fail(line, "unable to find mapping for timestamp ecr " + ecr + " (no > line had TS val "
                + ecr + "; --tcp_ts_ecr_scaled interpolates)");
    }

    /** One option of a {@code <} line on the wire (SACK blocks relative to the stack's ISN; {@code ack}: ACK set). */
    TcpOption wire(int line, PdOption o, long localIsn, boolean ack) {
        long[] v = o.values();
        return switch (o.kind()) {
            case "nop" -> new TcpOption.Nop();
            case "eol" -> new TcpOption.Eol(0);
            case "sackOK" -> new TcpOption.SackPermitted();
            case "mss" -> new TcpOption.Mss((int) v[0]);
            case "wscale" -> new TcpOption.WindowScale((int) v[0]);
            case "TS" -> new TcpOption.Timestamps(v[0], inboundEcr(line, ack, v[1]));
            case "FO", "FOEXP" -> {
                boolean exp = o.kind().equals("FOEXP");
                byte[] data = new byte[v.length + (exp ? 2 : 0)];
                if (exp) {
                    data[0] = (byte) 0xF9;
                    data[1] = (byte) 0x89;
                }
                for (int i = 0; i < v.length; i++) {
                    data[i + (exp ? 2 : 0)] = (byte) v[i];
                }
                yield new TcpOption.Unknown(exp ? PdNet.KIND_EXPERIMENTAL
                        : TcpOptions.KIND_FASTOPEN, data);
            }
            case "sack" -> {
                List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (int i = 0; i < v.length; i += 2) {
                    blocks.add(new TcpOption.SackBlock((localIsn + v[i]) & 0xFFFFFFFFL,
                            (localIsn + v[i + 1]) & 0xFFFFFFFFL));
                }
                yield new TcpOption.Sack(blocks);
            }
            default -> throw new PdRunner.Unsupported(line, "TCP option " + o.kind().substring(1)
                    + " (the engine has none)");
        };
    }

    /** The first difference between a {@code >} line's options and the stack's, or null. */
    String compare(List<PdOption> want, List<TcpOption> got, long t, long remoteIsn) {
        List<PdOption> expected = want == null ? List.of() : want;
        List<PdOption> actual = PdSegments.scriptOptions(got, remoteIsn, tsOffset, true);
        if (expected.size() != actual.size()) {
            return "options";
        }
        for (int i = 0; i < expected.size(); i++) {
            PdOption e = expected.get(i);
            PdOption a = actual.get(i);
            if (!e.kind().equals(a.kind())) {
                return "options";
            }
            if (e.kind().equals("TS")) {
                long liveVal = a.values()[0];
                tsVals.put(e.values()[0], liveVal);
                if (!tsKnown) {
                    tsOffset = (liveVal - e.values()[0]) & 0xFFFFFFFFL;
                    tsKnown = true;
                } else if (tsTickUs > 0) {
                    long ticks = (liveVal - tsOffset - e.values()[0]) & 0xFFFFFFFFL;
                    long diff = Math.abs((int) ticks);
                    // packetdrill compares the deviation with the tolerance computed over the whole script.
                    long tol = Math.max(toleranceUs, (long) (tolerancePercent / 100.0 * t));
                    if (diff * tsTickUs > tol) {
                        return "TS val " + ((liveVal - tsOffset) & 0xFFFFFFFFL) + " (tick " + tsTickUs + " us)";
                    }
                }
                if (a.values()[1] != e.values()[1]) {
                    return "TS ecr";
                }
            } else if (!e.equals(a)) {
                return "option " + e.kind();
            }
        }
        return null;
    }
}
