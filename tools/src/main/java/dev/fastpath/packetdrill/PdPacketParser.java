package dev.fastpath.packetdrill;

import dev.fastpath.packetdrill.PdEvent.When;
import java.util.List;
import java.util.Map;

/**
 * The segment and ICMP lines of a script: {@code < [ect0] P. 1:1001(1000) ack 1 win 257 <nop,nop,sack 1:2>}
 * and {@code < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]}.
 */
final class PdPacketParser {
    private static final Map<String, Integer> ECN = Map.of("noecn", 0, "ect1", 1, "ect0", 2, "ce", 3);
    /** ICMP types by packetdrill's names (icmp_packet.c), RFC 792 numbers. */
    private static final Map<String, Integer> ICMP_TYPES = Map.of("echo_reply", 0, "unreachable", 3,
            "source_quench", 4, "redirect", 5, "echo_request", 8, "time_exceeded", 11, "parameter_problem", 12);
    /** Destination-unreachable codes by packetdrill's names, RFC 792/1122/1812 numbers. */
    private static final List<String> UNREACH_CODES = List.of("net_unreachable", "host_unreachable",
            "protocol_unreachable", "port_unreachable", "frag_needed", "source_route_failed", "net_unknown",
            "host_unknown", "source_host_isolated", "net_prohibited", "host_prohibited", "net_unreachable_for_tos",
            "host_unreachable_for_tos", "packet_filtered", "precedence_violation", "precedence_cutoff");

    private PdPacketParser() {
    }

    static PdEvent packet(int line, When when, String s) throws PdException {
        boolean inbound = s.charAt(0) == '<';
        String body = s.substring(1).strip();
        int ecn = PdEvent.ECN_ANY;
        if (body.startsWith("[")) {
            int e = body.indexOf(']');
            String mark = e < 0 ? body : body.substring(1, e).strip();
            if (e < 0 || !ECN.containsKey(mark)) {
                throw new PdException(line, "unknown IP marking `[" + mark + "]` (ect0, ect1, ce, noecn)");
            }
            ecn = ECN.get(mark);
            body = body.substring(e + 1).strip();
        }
        if (body.startsWith("icmp ") || body.equals("icmp")) {
            if (!inbound) {
                throw new PdException(line, "outbound ICMP lines are not packetdrill syntax");
            }
            return icmp(line, when, body.substring(4).strip());
        }
        List<PdEvent.PdOption> options = null;
        int lt = body.indexOf('<');
        if (lt >= 0) {
            int gt = body.lastIndexOf('>');
            if (gt < lt) {
                throw new PdException(line, "unclosed option list in `" + s + "`");
            }
            if (!body.substring(gt + 1).isBlank()) {
                String extra = body.substring(gt + 1).strip();
                throw new PdException(line, extra.startsWith("{") ? "`" + extra + "` (a fuzzing extension, not"
                        + " packetdrill's grammar)" : "text after the option list: `" + extra + "`");
            }
            options = PdParser.options(line, body.substring(lt + 1, gt).strip());
            body = body.substring(0, lt).strip();
        }
        if (body.contains("{")) {
            throw new PdException(line, "`" + body.substring(body.indexOf('{')) + "` (a fuzzing extension, not"
                    + " packetdrill's grammar)");
        }
        String[] tok = body.split("\\s+");
        if (tok.length < 2) {
            throw new PdException(line, "a segment needs flags and start:end(length): `" + s + "`");
        }
        int flags = PdParser.flags(line, tok[0]);
        long[] r = PdParser.range(line, tok[1]);
        long ack = -1;
        int win = -1;
        int urg = -1;
        for (int i = 2; i < tok.length; i++) {
            String key = tok[i];
            if (i + 1 >= tok.length || !tok[i + 1].matches("\\d+")) {
                throw new PdException(line, "expected a number after `" + key + "`");
            }
            long v = Long.parseLong(tok[++i]);
            switch (key) {
                case "ack" -> ack = v;
                case "win" -> win = (int) v;
                case "urg" -> urg = (int) v;
                default -> throw new PdException(line, "unknown segment field `" + key + "`");
            }
        }
        return new PdEvent.Packet(line, when, inbound, flags, r[0], r[1], (int) r[2], ack, win, urg, ecn, options);
    }

    /** {@code icmp TYPE [CODE] [mtu N] [[start:end(len)]]}. */
    private static PdEvent icmp(int line, When when, String s) throws PdException {
        String rest = s;
        long start = 0;
        int length = 0;
        int lb = rest.indexOf('[');
        if (lb >= 0) {
            int rb = rest.indexOf(']', lb);
            if (rb < 0 || !rest.substring(rb + 1).isBlank()) {
                throw new PdException(line, "bad quoted segment in `icmp " + s + "`");
            }
            long[] r = PdParser.range(line, rest.substring(lb + 1, rb).strip());
            start = r[0];
            length = (int) r[2];
            rest = rest.substring(0, lb).strip();
        }
        String[] w = rest.isEmpty() ? new String[0] : rest.split("\\s+");
        if (w.length == 0 || !ICMP_TYPES.containsKey(w[0])) {
            throw new PdException(line, "unknown ICMP type `" + (w.length == 0 ? "" : w[0]) + "`");
        }
        int type = ICMP_TYPES.get(w[0]);
        int code = 0;
        int mtu = 0;
        int i = 1;
        if (i < w.length && !w[i].equals("mtu")) {
            code = w[i].matches("\\d+") ? Integer.parseInt(w[i])
                    : type == 3 ? UNREACH_CODES.indexOf(w[i]) : -1;
            if (code < 0) {
                throw new PdException(line, "unknown ICMP code `" + w[i] + "` for " + w[0]);
            }
            i++;
        }
        if (i < w.length) {
            if (!w[i].equals("mtu") || i + 2 != w.length || !w[i + 1].matches("\\d+")) {
                throw new PdException(line, "unexpected `" + w[i] + "` in `icmp " + s + "`");
            }
            mtu = Integer.parseInt(w[i + 1]);
        }
        return new PdEvent.Icmp(line, when, type, code, mtu, start, length);
    }
}
