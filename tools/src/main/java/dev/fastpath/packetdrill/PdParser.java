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
 * Reads packetdrill scripts (the grammar of packetdrill's lexer.l/parser.y as the Linux TCP scripts
 * use it): time columns with {@code ...} and {@code ~} ranges, {@code <}/{@code >} segments with IP ECN
 * marks and options, inbound ICMP, system calls with their expected results, back-quoted shell commands,
 * {@code %{ }%} Python and {@code --option} lines. A statement it cannot read is a {@link PdException}
 * naming the line and the token — a failure of the script, never "unsupported".
 */
public final class PdParser {
    private static final Pattern TIME = Pattern.compile(
            "^(\\*|[+-]?[0-9]*\\.?[0-9]+)(?:\\s*(\\.\\.\\.|~)\\s*([+-]?[0-9]*\\.?[0-9]+))?(?=\\s|`|%\\{)\\s*(.*)$",
            Pattern.DOTALL);
    private static final Pattern SEQ = Pattern.compile("^(\\d+):(\\d+)\\((\\d+)\\)$");
    private static final Pattern NAME = Pattern.compile("^([a-z_][a-z_0-9]*)\\s*\\(", Pattern.DOTALL);
    private static final Pattern RESULT = Pattern.compile(
            "^=\\s*(-?(?:0x[0-9a-fA-F]+|[0-9]+))\\s*([A-Z][A-Z0-9_]*)?\\s*(\\(.*\\))?$", Pattern.DOTALL);
    private static final Pattern HEX = Pattern.compile("^([0-9a-fA-F]{2})*$");
    /** Options packetdrill's grammar has that the runner does not build or check (the engine lacks them). */
    private static final List<String> UNSUPPORTED_OPTIONS = List.of("md5", "mptcp", "exp", "tarr");

    /** A parsed script: its {@code --name=value} options and its events in order. */
    public record Script(String name, Map<String, String> options, List<PdEvent> events) {
    }

    /** One statement and the line it starts on. */
    record Stmt(int line, String text) {
    }

    private PdParser() {
    }

    /**
     * @param name for messages
     * @param text the script
     * @return the script
     * @throws PdException when a statement cannot be read
     */
    public static Script parse(String name, String text) throws PdException {
        Map<String, String> options = new LinkedHashMap<>();
        List<PdEvent> events = new ArrayList<>();
        for (Stmt st : statements(text)) {
            String s = st.text();
            if (s.startsWith("--")) {
                int eq = s.indexOf('=');
                String key = eq < 0 ? s.substring(2).strip() : s.substring(2, eq).strip();
                if (!key.matches("[a-z_0-9]+")) {
                    throw new PdException(st.line(), "bad option line `" + s + "`");
                }
                options.put(key, eq < 0 ? "" : s.substring(eq + 1).strip());
                continue;
            }
            events.add(statement(st.line(), s));
        }
        return new Script(name, options, events);
    }

    /**
     * Splits a script into statements as packetdrill's lexer does: a newline ends a statement unless it
     * is inside brackets, a string, a back-quoted command or a {@code %{ }%} block; comments are dropped.
     */
    static List<Stmt> statements(String text) throws PdException {
        List<Stmt> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int line = 1;
        int start = 0;
        int depth = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (b.toString().isBlank() && !Character.isWhitespace(c)) {
                start = line;
            }
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int e = text.indexOf("*/", i + 2);
                if (e < 0) {
                    throw new PdException(line, "unterminated /* comment");
                }
                line += count(text, i, e, '\n');
                i = e + 2;
                continue;
            }
            String close = c == '`' ? "`" : c == '"' ? "\"" : c == '%' && at(text, i, "%{") ? "}%" : null;
            if (close != null) {
                int from = i + (close.equals("}%") ? 2 : 1);
                int e = close.equals("\"") ? endOfString(text, from) : text.indexOf(close, from);
                if (e < 0) {
                    throw new PdException(line, "unterminated " + (close.equals("}%") ? "%{" : close));
                }
                e += close.length();
                b.append(text, i, e);
                line += count(text, i, e, '\n');
                i = e;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            if (c == '\n') {
                line++;
                if (depth <= 0) {
                    flush(out, b, start);
                    depth = 0;
                    i++;
                    continue;
                }
            }
            b.append(c);
            i++;
        }
        if (depth > 0) {
            throw new PdException(start, "unclosed bracket in `" + b.toString().strip() + "`");
        }
        flush(out, b, start);
        return out;
    }

    private static void flush(List<Stmt> out, StringBuilder b, int line) {
        String s = b.toString().strip();
        if (!s.isEmpty()) {
            out.add(new Stmt(line, s));
        }
        b.setLength(0);
    }

    private static boolean at(String s, int i, String what) {
        return s.startsWith(what, i);
    }

    private static int endOfString(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int count(String s, int from, int to, char c) {
        int n = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            n += s.charAt(i) == c ? 1 : 0;
        }
        return n;
    }

    private static PdEvent statement(int line, String s) throws PdException {
        When when = new When(When.Kind.RELATIVE, 0, -1, false);
        String rest = s;
        if (!s.startsWith("`") && !s.startsWith("%{")) {
            Matcher m = TIME.matcher(s);
            if (!m.matches()) {
                throw new PdException(line, "expected a time column, found `" + firstToken(s) + "`");
            }
            when = when(m.group(1), m.group(2), m.group(3));
            rest = m.group(4).strip();
        }
        if (rest.startsWith("<") || rest.startsWith(">")) {
            return PdPacketParser.packet(line, when, rest);
        }
        if (rest.startsWith("`")) {
            if (!rest.endsWith("`")) {
                throw new PdException(line, "text after a back-quoted command: `" + rest + "`");
            }
            return new PdEvent.Shell(line, when, rest.substring(1, rest.length() - 1).strip());
        }
        if (rest.startsWith("%{")) {
            if (!rest.endsWith("}%")) {
                throw new PdException(line, "text after a %{ }% block");
            }
            return new PdEvent.Python(line, when, rest.substring(2, rest.length() - 2));
        }
        return syscall(line, when, rest);
    }

    private static PdEvent syscall(int line, When when, String rest) throws PdException {
        Matcher m = NAME.matcher(rest);
        if (!m.find()) {
            throw new PdException(line, "expected a system call, packet, command or code, found `"
                    + firstToken(rest) + "`");
        }
        int open = m.end() - 1;
        int close = matching(rest, open);
        if (close < 0) {
            throw new PdException(line, "unclosed ( in " + m.group(1) + "(");
        }
        String args = rest.substring(open + 1, close);
        String tail = rest.substring(close + 1).strip();
        Matcher r = RESULT.matcher(tail);
        if (!r.matches()) {
            throw new PdException(line, tail.startsWith("=") ? "bad result `" + tail + "`"
                    : "expected `= result` after " + m.group(1) + "(...), found `" + firstToken(tail) + "`");
        }
        String v = r.group(1);
        boolean neg = v.startsWith("-");
        String digits = neg ? v.substring(1) : v;
        long expected = digits.startsWith("0x") ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
        return new PdEvent.Syscall(line, when, m.group(1), splitArgs(args), neg ? -expected : expected, r.group(2));
    }

    /** @return the index of the bracket closing the one at {@code open}, or −1 */
    static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                i = endOfString(s, i + 1);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    static String firstToken(String s) {
        String t = s.strip();
        int sp = 0;
        while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
            sp++;
        }
        return sp == 0 ? "(end of line)" : t.substring(0, sp);
    }

    private static When when(String start, String sep, String end) {
        if (start.equals("*")) {
            return new When(When.Kind.ANY, 0, -1, false);
        }
        boolean rel = start.startsWith("+") || start.startsWith("-");
        long s = micros(start);
        long e = end == null ? -1 : micros(end);
        return new When(rel ? When.Kind.RELATIVE : When.Kind.ABSOLUTE, s, e, "...".equals(sep));
    }

    private static long micros(String t) {
        String v = t.startsWith("+") ? t.substring(1) : t;
        return Math.round(Double.parseDouble(v) * 1_000_000);
    }

    /** Splits at commas outside brackets, braces, parentheses and strings. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int e = endOfString(s, i + 1);
                i = e < 0 ? s.length() - 1 : e;
            } else if (c == '(' || c == '[' || c == '{') {
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

    /** Flag letters of a segment line. */
    static int flags(int line, String f) throws PdException {
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
                default -> throw new PdException(line, "unknown TCP flag `" + c + "` in `" + f + "`");
            };
        }
        return bits;
    }

    /** @return the {@code start:end(len)} triple */
    static long[] range(int line, String tok) throws PdException {
        Matcher m = SEQ.matcher(tok);
        if (!m.matches()) {
            throw new PdException(line, "expected start:end(length), found `" + tok + "`");
        }
        long a = Long.parseLong(m.group(1));
        long e = Long.parseLong(m.group(2));
        long len = Long.parseLong(m.group(3));
        if (e - a != len && !(a > e && len == ((e - a) & 0xFFFFFFFFL))) {
            throw new PdException(line, "inconsistent range `" + tok + "`: " + e + " - " + a + " != " + len);
        }
        return new long[] {a, e, len};
    }

    /** One option list: {@code <mss 1000,sackOK,nop,nop,TS val 1 ecr 0,FO abcd>}. */
    static List<PdEvent.PdOption> options(int line, String s) throws PdException {
        if (s.equals("...")) {
            return PdEvent.ANY_OPTIONS;
        }
        List<PdEvent.PdOption> out = new ArrayList<>();
        if (s.isBlank()) {
            return out;
        }
        for (String o : s.split(",")) {
            String[] w = o.strip().split("\\s+");
            out.add(option(line, o.strip(), w));
        }
        return out;
    }

    private static PdEvent.PdOption option(int line, String o, String[] w) throws PdException {
        try {
            return switch (w[0]) {
                case "nop", "eol", "sackOK" -> arity(line, o, w, 1, new PdEvent.PdOption(w[0], new long[0]));
                case "mss", "wscale" -> arity(line, o, w, 2,
                        new PdEvent.PdOption(w[0], new long[] {Long.parseLong(w[Math.min(1, w.length - 1)])}));
                case "TS" -> {
                    if (w.length != 5 || !w[1].equals("val") || !w[3].equals("ecr")) {
                        throw new PdException(line, "bad TS option `" + o + "` (TS val N ecr N)");
                    }
                    yield new PdEvent.PdOption("TS", new long[] {Long.parseLong(w[2]), Long.parseLong(w[4])});
                }
                case "FO", "FOEXP" -> cookie(line, o, w);
                case "sack" -> {
                    long[] v = new long[2 * (w.length - 1)];
                    for (int i = 1; i < w.length; i++) {
                        String[] ab = w[i].split(":");
                        if (ab.length != 2) {
                            throw new PdException(line, "bad SACK block `" + w[i] + "`");
                        }
                        v[2 * i - 2] = Long.parseLong(ab[0]);
                        v[2 * i - 1] = Long.parseLong(ab[1]);
                    }
                    yield new PdEvent.PdOption("sack", v);
                }
                default -> {
                    if (UNSUPPORTED_OPTIONS.contains(w[0])) {
                        yield new PdEvent.PdOption("?" + w[0], new long[0]);
                    }
                    throw new PdException(line, "unknown TCP option `" + w[0] + "`");
                }
            };
        } catch (NumberFormatException e) {
            throw new PdException(line, "bad number in option `" + o + "`");
        }
    }

    private static PdEvent.PdOption arity(int line, String o, String[] w, int n, PdEvent.PdOption v)
            throws PdException {
        if (w.length != n) {
            throw new PdException(line, "bad option `" + o + "`");
        }
        return v;
    }

    /** {@code FO} asks for a cookie, {@code FO abcd1234} carries one (hex); a name needs a -D definition. */
    private static PdEvent.PdOption cookie(int line, String o, String[] w) throws PdException {
        if (w.length > 2) {
            throw new PdException(line, "bad option `" + o + "`");
        }
        String hex = w.length > 1 ? w[1] : "";
        if (!HEX.matcher(hex).matches()) {
            throw new PdException(line, "`" + hex + "` in `" + o + "` is neither an even-length hex cookie nor a"
                    + " defined symbol (packetdrill needs -D " + hex + "=...)");
        }
        long[] v = new long[hex.length() / 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new PdEvent.PdOption(w[0], v);
    }
}
