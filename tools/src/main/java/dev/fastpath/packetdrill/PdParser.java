package dev.fastpath.packetdrill;

import dev.fastpath.packetdrill.PdEvent.When;
import dev.fastpath.wire.TcpHeader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads packetdrill scripts: the subset of packetdrill's grammar (syntax.md, parser.y) the Linux TCP
 * scripts use — time columns with ranges, {@code <}/{@code >} segments with options, system calls
 * with their expected results, back-quoted shell lines, {@code %{ }%} blocks and {@code --option}
 * lines. Anything it cannot read is a {@link PdException} naming the line.
 */
public final class PdParser {
    private static final Pattern TIME = Pattern.compile(
            "^(\\*|\\+?[0-9]*\\.?[0-9]+)(?:(\\.\\.\\.|~)(\\+?[0-9]*\\.?[0-9]+))?\\s*(.*)$", Pattern.DOTALL);
    private static final Pattern SEQ = Pattern.compile("^(\\d+):(\\d+)\\((\\d+)\\)$");
    private static final Pattern SYSCALL = Pattern.compile(
            "^([a-z_0-9]+)\\((.*)\\)\\s*=\\s*(-?(?:0x)?[0-9a-fA-F]+)\\s*([A-Z][A-Z0-9_]*)?.*$", Pattern.DOTALL);

    /** A parsed script: its {@code --name=value} options and its events in order. */
    public record Script(String name, Map<String, String> options, List<PdEvent> events) {
    }

    private PdParser() {
    }

    /**
     * @param name   for messages
     * @param text   the script
     * @return the script
     * @throws PdException when a statement cannot be read
     */
    public static Script parse(String name, String text) throws PdException {
        Map<String, String> options = new LinkedHashMap<>();
        List<PdEvent> events = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder stmt = new StringBuilder();
        int stmtLine = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = stmt.isEmpty() ? stripComment(lines[i]).strip() : lines[i];
            if (stmt.isEmpty()) {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("--")) {
                    int eq = line.indexOf('=');
                    options.put(eq < 0 ? line.substring(2) : line.substring(2, eq),
                            eq < 0 ? "" : line.substring(eq + 1));
                    continue;
                }
                stmtLine = i + 1;
            } else {
                stmt.append('\n');
            }
            stmt.append(line);
            if (complete(stmt)) {
                events.add(statement(stmtLine, stripComment(stmt.toString()).strip()));
                stmt.setLength(0);
            }
        }
        if (!stmt.isEmpty()) {
            throw new PdException(stmtLine, "unterminated statement: " + stmt);
        }
        return new Script(name, options, events);
    }

    private static String stripComment(String s) {
        boolean inQuote = false;
        for (int i = 0; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '`') {
                inQuote = !inQuote;
            } else if (!inQuote && c == '/' && s.charAt(i + 1) == '/') {
                return s.substring(0, i);
            }
        }
        return s;
    }

    /** Back-quotes, {@code %{ }%} and parentheses must all be closed. */
    private static boolean complete(CharSequence s) {
        String t = s.toString();
        if (t.chars().filter(c -> c == '`').count() % 2 != 0) {
            return false;
        }
        if (t.contains("%{") && !t.contains("}%")) {
            return false;
        }
        if (t.contains("%{") || t.contains("`")) {
            return true;
        }
        int depth = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        return depth <= 0 && (!t.matches("(?s)^[^<>]*[a-z_]+\\(.*") || t.contains("="));
    }

    private static PdEvent statement(int line, String s) throws PdException {
        When when = new When(When.Kind.RELATIVE, 0, -1, false);
        String rest = s;
        if (!s.startsWith("`") && !s.startsWith("%{")) {
            Matcher m = TIME.matcher(s);
            if (!m.matches()) {
                throw new PdException(line, "no time column: " + s);
            }
            when = when(m.group(1), m.group(2), m.group(3));
            rest = m.group(4).strip();
        }
        if (rest.startsWith("<") || rest.startsWith(">")) {
            return packet(line, when, rest);
        }
        if (rest.startsWith("`")) {
            return new PdEvent.Shell(line, when, rest.substring(1, rest.lastIndexOf('`')).strip());
        }
        if (rest.startsWith("%{")) {
            return new PdEvent.Python(line, when, rest.substring(2, rest.lastIndexOf("}%")).strip());
        }
        Matcher m = SYSCALL.matcher(rest);
        if (!m.matches()) {
            throw new PdException(line, "cannot read: " + rest);
        }
        long expected = m.group(3).startsWith("0x") ? Long.parseLong(m.group(3).substring(2), 16)
                : Long.parseLong(m.group(3));
        return new PdEvent.Syscall(line, when, m.group(1), splitArgs(m.group(2)), expected, m.group(4));
    }

    private static When when(String start, String sep, String end) {
        if (start.equals("*")) {
            return new When(When.Kind.ANY, 0, -1, false);
        }
        boolean rel = start.startsWith("+");
        long s = micros(start);
        long e = end == null ? -1 : micros(end);
        return new When(rel ? When.Kind.RELATIVE : When.Kind.ABSOLUTE, s, e, "...".equals(sep));
    }

    private static long micros(String t) {
        String v = t.startsWith("+") ? t.substring(1) : t;
        return Math.round(Double.parseDouble(v) * 1_000_000);
    }

    /** Splits at commas outside brackets, braces and parentheses. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(from, i).strip());
                from = i + 1;
            }
        }
        if (!s.isBlank()) {
            out.add(s.substring(from).strip());
        }
        return out;
    }

    private static PdEvent packet(int line, When when, String s) throws PdException {
        boolean inbound = s.charAt(0) == '<';
        String body = s.substring(1).strip();
        List<PdEvent.PdOption> options = null;
        int lt = body.indexOf('<');
        if (lt >= 0) {
            int gt = body.lastIndexOf('>');
            if (gt < lt) {
                throw new PdException(line, "unclosed option list: " + s);
            }
            options = options(line, body.substring(lt + 1, gt).strip());
            body = body.substring(0, lt).strip();
        }
        String[] tok = body.split("\\s+");
        if (tok.length < 2) {
            throw new PdException(line, "segment needs flags and start:end(len): " + s);
        }
        int flags = flags(line, tok[0]);
        Matcher m = SEQ.matcher(tok[1]);
        if (!m.matches()) {
            throw new PdException(line, "bad sequence range " + tok[1]);
        }
        long ack = -1;
        int win = -1;
        for (int i = 2; i < tok.length; i++) {
            String key = tok[i];
            if (i + 1 >= tok.length) {
                throw new PdException(line, "missing value after " + key);
            }
            long v = Long.parseLong(tok[++i]);
            switch (key) {
                case "ack" -> ack = v;
                case "win" -> win = (int) v;
                case "urg" -> throw new PdException(line, "urgent pointer (unsupported)");
                default -> throw new PdException(line, "unknown segment field " + key);
            }
        }
        return new PdEvent.Packet(line, when, inbound, flags, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Integer.parseInt(m.group(3)), ack, win, options);
    }

    private static int flags(int line, String f) throws PdException {
        int bits = 0;
        for (char c : f.toCharArray()) {
            bits |= switch (c) {
                case 'S' -> TcpHeader.SYN;
                case '.' -> TcpHeader.ACK;
                case 'F' -> TcpHeader.FIN;
                case 'R' -> TcpHeader.RST;
                case 'P' -> TcpHeader.PSH;
                case 'U' -> TcpHeader.URG;
                case 'E' -> TcpHeader.ECE;
                case 'W' -> TcpHeader.CWR;
                case '-' -> 0;
                default -> throw new PdException(line, "unknown flag " + c + " in " + f);
            };
        }
        return bits;
    }

    private static List<PdEvent.PdOption> options(int line, String s) throws PdException {
        if (s.equals("...")) {
            return PdEvent.ANY_OPTIONS;
        }
        List<PdEvent.PdOption> out = new ArrayList<>();
        for (String o : s.split(",")) {
            String[] w = o.strip().split("\\s+");
            switch (w[0]) {
                case "nop", "eol", "sackOK" -> out.add(new PdEvent.PdOption(w[0], new long[0]));
                case "mss", "wscale" -> out.add(new PdEvent.PdOption(w[0], new long[] {Long.parseLong(w[1])}));
                case "TS" -> {
                    if (w.length != 5 || !w[1].equals("val") || !w[3].equals("ecr")) {
                        throw new PdException(line, "bad TS option: " + o);
                    }
                    out.add(new PdEvent.PdOption("TS", new long[] {Long.parseLong(w[2]), Long.parseLong(w[4])}));
                }
                case "FO" -> { // TCP Fast Open: "FO" is a cookie request, "FO abcd1234" a cookie in hex
                    String hex = w.length > 1 ? w[1] : "";
                    long[] v = new long[hex.length() / 2];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
                    }
                    out.add(new PdEvent.PdOption("FO", v));
                }
                case "sack" -> {
                    long[] v = new long[2 * (w.length - 1)];
                    for (int i = 1; i < w.length; i++) {
                        String[] ab = w[i].split(":");
                        v[2 * i - 2] = Long.parseLong(ab[0]);
                        v[2 * i - 1] = Long.parseLong(ab[1]);
                    }
                    out.add(new PdEvent.PdOption("sack", v));
                }
                default -> out.add(new PdEvent.PdOption("?" + o.strip(), new long[0]));
            }
        }
        return out;
    }
}
