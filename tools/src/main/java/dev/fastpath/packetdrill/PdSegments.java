package dev.fastpath.packetdrill;

import dev.fastpath.packetdrill.PdEvent.PdOption;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpOptions;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Outbound segments as packetdrill sees them: aggregation of back-to-back segments into the one
 * packet a TSO device hands packetdrill, and the comparison of a segment with a {@code >} line.
 *
 * <p>packetdrill's tun device has TSO/GSO on (netdev.c: TUN_F_TSO4|TUN_F_TSO6), so Linux hands it a
 * whole TSO skb as one packet; and in local mode packetdrill itself aggregates sniffed packets until the
 * script's length is reached (run_packet.c do_outbound_script_packet(), unless --strict_segments),
 * requiring each fragment but the last to be as long as the one before. The engine emits one frame per
 * MSS, so the runner merges frames the same way, with two rules of its own that only make it stricter:
 * the frames must leave in the same instant (one skb) with contiguous sequence numbers, the same
 * acknowledgment, window and options, and no SYN, FIN or RST before the last. The merged segment
 * carries the last fragment's flags (as software GSO leaves PSH and FIN on the last segment) plus the
 * first fragment's CWR (GSO keeps CWR on the first only). Nothing is added that the engine did not send.
 */
final class PdSegments {
    private PdSegments() {
    }

    /** One frame the engine sent: when, the segment, its IP ECN field, and whether the final event had begun. */
    record Out(long atUs, TcpSegment seg, int ecn, boolean afterFinal) {
    }

    /**
     * @param first    the first frame (already taken off the queue)
     * @param queue    the frames after it; merged ones are taken off
     * @param want     the script's length
     * @param tso      whether aggregation is on
     * @return the (possibly merged) segment
     */
    static TcpSegment aggregate(Out first, ArrayDeque<Out> queue, int want, boolean tso) {
        return aggregate(first, queue, want, tso, true);
    }

    /**
     * As {@link #aggregate(Out, ArrayDeque, int, boolean)}; {@code sameInstant} false drops the same-instant
     * rule, as packetdrill has none: the kernel backend reads real TSO packets whose fragments leave the
     * kernel microseconds apart.
     */
    static TcpSegment aggregate(Out first, ArrayDeque<Out> queue, int want, boolean tso, boolean sameInstant) {
        TcpSegment s = first.seg();
        int len = s.payload().length;
        if (!tso || len == 0 || len >= want) {
            return s;
        }
        int prevLen = len;
        TcpSegment last = s;
        while (len < want && !queue.isEmpty()) {
            Out n = queue.peek();
            TcpSegment ns = n.seg();
            int nl = ns.payload().length;
            boolean fits = (!sameInstant || n.atUs() == first.atUs())
                    && ns.seq() == s.seq() + len && ns.ack() == s.ack()
                    && ns.window() == s.window() && ns.sourcePort() == s.sourcePort()
                    && ns.destinationPort() == s.destinationPort() && nl > 0 && ns.options().equals(s.options())
                    && (last.flags() & (TcpHeader.FIN | TcpHeader.SYN | TcpHeader.RST)) == 0
                    && (ns.flags() & (TcpHeader.SYN | TcpHeader.RST)) == 0
                    && (len + nl >= want || nl == prevLen);
            if (!fits) {
                break;
            }
            queue.poll();
            len += nl;
            prevLen = nl;
            last = ns;
        }
        if (last == s) {
            return s;
        }
        int flags = (last.flags() & ~TcpHeader.CWR) | (s.flags() & TcpHeader.CWR);
        return new TcpSegment(s.sourcePort(), s.destinationPort(), s.seq(), s.ack(), s.reserved(), flags, s.window(),
                s.checksum(), s.urgentPointer(), s.options(), new byte[len]);
    }

    /** The first difference between a {@code >} line and a segment, or null. */
    static String compare(PdEvent.Packet p, TcpSegment s, int ecn, long localIsn, long remoteIsn) {
        if (s.flags() != p.flags()) {
            return "flags";
        }
        if (((s.seq() - localIsn) & 0xFFFFFFFFL) != (p.start() & 0xFFFFFFFFL)) {
            return "sequence number";
        }
        if (s.payload().length != p.length()) {
            return "length";
        }
        if (p.ack() >= 0 && (s.flags() & TcpHeader.ACK) != 0
                && ((s.ack() - remoteIsn) & 0xFFFFFFFFL) != (p.ack() & 0xFFFFFFFFL)) {
            return "ack";
        }
        if (p.window() >= 0 && s.window() != p.window()) {
            return "window";
        }
        if (p.urg() >= 0 && s.urgentPointer() != p.urg()) {
            return "urgent pointer";
        }
        if (p.ecn() != PdEvent.ECN_ANY && ecn != p.ecn()) {
            return "IP ECN field " + ecnName(ecn);
        }
        return null;
    }

    static String ecnName(int ecn) {
        return switch (ecn) {
            case 0 -> "noecn";
            case 1 -> "ect1";
            case 2 -> "ect0";
            default -> "ce";
        };
    }

    /** The engine's options in script terms (SACK blocks relative to the remote ISN, TS val as sent or offset). */
    static List<PdOption> scriptOptions(List<TcpOption> got, long remoteIsn, long tsOffset, boolean rawTs) {
        List<PdOption> out = new ArrayList<>();
        for (TcpOption o : got) {
            out.add(switch (o) {
                case TcpOption.Nop n -> new PdOption("nop", new long[0]);
                case TcpOption.Eol e -> new PdOption("eol", new long[0]);
                case TcpOption.SackPermitted sp -> new PdOption("sackOK", new long[0]);
                case TcpOption.Mss m -> new PdOption("mss", new long[] {m.value()});
                case TcpOption.WindowScale w -> new PdOption("wscale", new long[] {w.shift()});
                case TcpOption.Timestamps ts -> new PdOption("TS", new long[] {
                    rawTs ? ts.tsVal() : (ts.tsVal() - tsOffset) & 0xFFFFFFFFL, ts.tsEcr()});
                case TcpOption.Sack sk -> {
                    long[] v = new long[sk.blocks().size() * 2];
                    for (int i = 0; i < sk.blocks().size(); i++) {
                        v[2 * i] = (sk.blocks().get(i).start() - remoteIsn) & 0xFFFFFFFFL;
                        v[2 * i + 1] = (sk.blocks().get(i).end() - remoteIsn) & 0xFFFFFFFFL;
                    }
                    yield new PdOption("sack", v);
                }
                case TcpOption.Unknown u when u.kind() == TcpOptions.KIND_FASTOPEN ->
                        new PdOption("FO", bytes(u.data()));
                case TcpOption.Unknown u when u.kind() == PdNet.KIND_EXPERIMENTAL && u.data().length >= 2
                        && (u.data()[0] & 0xFF) == 0xF9 && (u.data()[1] & 0xFF) == 0x89 ->
                        new PdOption("FOEXP", bytes(java.util.Arrays.copyOfRange(u.data(), 2, u.data().length)));
                case TcpOption.Unknown u -> new PdOption("kind" + u.kind(), bytes(u.data()));
            });
        }
        return out;
    }

    private static long[] bytes(byte[] d) {
        long[] v = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = d[i] & 0xFF;
        }
        return v;
    }

    static String actual(TcpSegment s, int ecn, long localIsn, long remoteIsn, long tsOffset, boolean tsKnown) {
        long seq = (s.seq() - localIsn) & 0xFFFFFFFFL;
        StringBuilder b = new StringBuilder("`").append(ecn > 0 ? "[" + ecnName(ecn) + "] " : "")
                .append(flagText(s.flags())).append(' ').append(seq).append(':')
                .append((seq + s.payload().length) & 0xFFFFFFFFL).append('(').append(s.payload().length).append(')');
        if ((s.flags() & TcpHeader.ACK) != 0) {
            b.append(" ack ").append((s.ack() - remoteIsn) & 0xFFFFFFFFL);
        }
        b.append(" win ").append(s.window());
        if ((s.flags() & TcpHeader.URG) != 0) {
            b.append(" urg ").append(s.urgentPointer());
        }
        List<PdOption> o = scriptOptions(s.options(), remoteIsn, tsOffset, !tsKnown);
        if (!o.isEmpty()) {
            b.append(" <").append(String.join(",", o.stream().map(PdOption::toString).toList())).append('>');
        }
        return b.append('`').toString();
    }

    static String describe(PdEvent.Packet p) {
        StringBuilder b = new StringBuilder("`").append(p.ecn() >= 0 ? "[" + ecnName(p.ecn()) + "] " : "")
                .append(flagText(p.flags())).append(' ').append(p.start()).append(':')
                .append(p.end()).append('(').append(p.length()).append(')');
        if (p.ack() >= 0) {
            b.append(" ack ").append(p.ack());
        }
        if (p.window() >= 0) {
            b.append(" win ").append(p.window());
        }
        if (p.urg() >= 0) {
            b.append(" urg ").append(p.urg());
        }
        if (p.options() != null) {
            b.append(" <").append(String.join(",", p.options().stream().map(PdOption::toString).toList())).append('>');
        }
        return b.append('`').toString();
    }

    static String flagText(int f) {
        StringBuilder b = new StringBuilder();
        String letters = "FSRP.UEW";
        int[] bits = {TcpHeader.FIN, TcpHeader.SYN, TcpHeader.RST, TcpHeader.PSH, TcpHeader.ACK, TcpHeader.URG,
            TcpHeader.ECE, TcpHeader.CWR};
        for (int i = 0; i < bits.length; i++) {
            if ((f & bits[i]) != 0) {
                b.append(letters.charAt(i));
            }
        }
        return b.isEmpty() ? "-" : b.toString();
    }
}
