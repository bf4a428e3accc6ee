package dev.fastpath.packetdrill;

import dev.fastpath.config.Config;
import dev.fastpath.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The back-quoted shell lines of a script. Nothing is silently ignored: every command is either applied
 * (a sysctl the engine has a knob for), emulated (the explicit lists below, documented in the README),
 * a documented no-op for an in-memory engine, or the script is unsupported with the command named.
 *
 * <ul>
 * <li>{@code sysctl -q k=v}, {@code set_sysctls.py /proc/sys/…=v}, {@code defaults.sh}: applied through
 *     {@link Config#withSysctl}; a sysctl the engine has no knob for is accepted only with a value in
 *     {@link #NO_KNOB} (the engine's one fixed behaviour); any other value is unsupported. After the
 *     engine started, a sysctl must leave the configuration as it is (the engine's configuration is
 *     fixed at start), else the script is unsupported.</li>
 * <li>{@code nstat …}: emulated from the engine's counters (see {@link PdNstat}).</li>
 * <li>{@code tc qdisc add|replace dev tun0 root pfifo} (pfifo_fast, fq_codel): no pacing and no drops at these
 *     rates, a no-op; {@code … pfifo limit 0} makes the link refuse every frame (local congestion);
 *     {@code tc qdisc del…} undoes that. {@code fq} (pacing) is unsupported.</li>
 * <li>{@code ethtool -K tun0 tso off|gso off}: the runner stops aggregating segments (packetdrill's tun has
 *     TSO/GSO on).</li>
 * <li>{@code ip tcp_metrics flush all}: the engine forgets its Fast Open cache (before the engine starts, a
 *     no-op); {@code /tmp/sysctl_restore_*.sh}: a no-op (every script gets a fresh engine; nothing on the host
 *     is changed).</li>
 * <li>{@code echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect}: Linux's default, a no-op.</li>
 * </ul>
 */
final class PdShell {
    private static final Pattern ARITH = Pattern.compile("\\$\\(\\(([0-9*+ ]+)\\)\\)");
    private static final Pattern REDIRECT = Pattern.compile("\\s*(?:&>\\s*/dev/null|2>&1|[12]?>\\s*/dev/null)");

    /**
     * Sysctls the engine has no knob for, with the values that describe what it always does (Linux's
     * default, or behaviour the engine has no alternative to) and why.
     */
    static final Map<String, Map<String, String>> NO_KNOB = Map.ofEntries(
            Map.entry("net.ipv4.tcp_fack", Map.of("0", "not a sysctl since Linux 4.15 (sysctl -q fails quietly)")),
            Map.entry("net.ipv4.tcp_ecn_option", Map.of("2", "Linux's default (AccECN option; AccECN is n/a)")),
            Map.entry("net.ipv4.tcp_mtu_probing", Map.of("0", "Linux's default (off)")),
            Map.entry("net.ipv4.tcp_fastopen_key", Map.of("*", "the key only serves server-side Fast Open, which"
                    + " the engine does not have")));

    /** What one shell statement asks of the run. */
    static final class Effects {
        /** TRUE: the link refuses every frame ({@code pfifo limit 0}); FALSE: undone; null: unchanged. */
        Boolean dropAll;
        /** Whether aggregation of segments is switched off ({@code ethtool -K tun0 tso off}). */
        boolean tsoOff;
        /** {@code ip tcp_metrics flush all} while the engine runs: it forgets its cached Fast Open cookies. */
        boolean flushMetrics;
        /** nstat commands, run by the runner (they need the engine's counters). */
        final List<String> nstat = new ArrayList<>();
    }

    private final Path dir;
    private final List<String> notes;

    PdShell(Path dir, List<String> notes) {
        this.dir = dir;
        this.notes = notes;
    }

    /**
     * @param c      the configuration so far
     * @param line   the script line (for unsupported)
     * @param command the back-quoted text
     * @param live   whether the engine runs already (its configuration can no longer change)
     * @param fx     collects what the runner must do
     * @return the configuration with the sysctls applied
     */
    Config apply(Config c, int line, String command, boolean live, Effects fx) {
        Config out = c;
        String joined = command.replace("\\\n", " ").strip();
        if (joined.endsWith("\\")) {
            joined = joined.substring(0, joined.length() - 1); // a continuation into the closing back-quote
        }
        for (String raw : joined.split("\n")) {
            String stmt = stripComment(raw).strip();
            if (stmt.isEmpty()) {
                continue;
            }
            for (String part : stmt.split(";")) {
                out = alternatives(out, line, part.strip(), live, fx);
            }
        }
        return out;
    }

    /**
     * The statement without its shell comment: a {@code #} that begins a word outside quotes starts a comment to
     * the end of the line ({@code sysctl -q k=v  # why}); a {@code #} inside a word or inside quotes is text.
     */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** {@code a || b}: b only when a cannot be honoured (as the shell runs b when a fails). */
    private Config alternatives(Config c, int line, String cmd, boolean live, Effects fx) {
        if (cmd.isEmpty()) {
            return c;
        }
        String[] alts = cmd.split("\\|\\|");
        PdRunner.Unsupported first = null;
        for (String a : alts) {
            try {
                return one(c, line, a.strip(), live, fx);
            } catch (PdRunner.Unsupported u) {
                first = first == null ? u : first;
            }
        }
        throw first;
    }

    private Config one(Config c, int line, String cmd, boolean live, Effects fx) {
        if (cmd.startsWith("nstat")) {
            fx.nstat.add(cmd);
            return c;
        }
        String clean = REDIRECT.matcher(cmd).replaceAll(" ").strip();
        List<String> w = words(clean);
        String first = w.getFirst();
        if (first.endsWith("defaults.sh")) {
            return defaults(c, line, first, live, fx);
        }
        if (first.equals("sysctl")) {
            Config out = c;
            for (String a : w.subList(1, w.size())) {
                if (!a.startsWith("-")) {
                    int eq = a.indexOf('=');
                    if (eq < 0) {
                        throw new PdRunner.Unsupported(line, "sysctl read `" + a + "` (only writes are emulated)");
                    }
                    out = sysctl(out, line, a.substring(0, eq), a.substring(eq + 1), live);
                }
            }
            return out;
        }
        if (first.endsWith("set_sysctls.py")) {
            Config out = c;
            for (String a : w.subList(1, w.size())) {
                int eq = a.indexOf('=');
                if (eq < 0 || !a.startsWith("/proc/sys/")) {
                    throw new PdRunner.Unsupported(line, "set_sysctls.py argument `" + a + "`");
                }
                out = sysctl(out, line, a.substring(10, eq).replace('/', '.'), a.substring(eq + 1), live);
            }
            return out;
        }
        return device(c, line, clean, w, live, fx);
    }

    /** tc, ethtool, ip, echo and cleanup commands. */
    private Config device(Config c, int line, String cmd, List<String> w, boolean live, Effects fx) {
        String first = w.getFirst();
        if (first.equals("tc") && w.size() >= 3 && w.get(1).equals("qdisc")) {
            qdisc(line, cmd, w, fx);
            return c;
        }
        if (first.equals("ethtool") && w.size() >= 4 && w.get(1).equals("-K")) {
            for (int i = 3; i + 1 < w.size(); i += 2) {
                if (!Set.of("tso", "gso").contains(w.get(i)) || !Set.of("on", "off").contains(w.get(i + 1))) {
                    throw new PdRunner.Unsupported(line, "ethtool feature `" + w.get(i) + " " + w.get(i + 1) + "`");
                }
                fx.tsoOff |= w.get(i + 1).equals("off");
            }
            notes.add("emulated: " + cmd + " (segments are compared one by one)");
            return c;
        }
        if (cmd.equals("ip tcp_metrics flush all")) {
            fx.flushMetrics = live;
            notes.add(live ? "emulated: " + cmd + " (the engine forgets its Fast Open cookies and MSSes)"
                    : "no-op: " + cmd + " (a fresh engine has no cached metrics or Fast Open cookies)");
            return c;
        }
        if (first.startsWith("/tmp/sysctl_restore_")) {
            notes.add("no-op: " + cmd + " (the runner changes no host sysctl)");
            return c;
        }
        if (cmd.matches("echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect")) {
            notes.add("no-op: " + cmd + " (Linux's default, HYSTART_ACK_TRAIN | HYSTART_DELAY)");
            return c;
        }
        throw new PdRunner.Unsupported(line, "shell command `" + cmd + "`");
    }

    /** {@code tc qdisc add|replace dev tun0 root pfifo [limit N]}, {@code tc qdisc del…}. */
    private void qdisc(int line, String cmd, List<String> w, Effects fx) {
        String verb = w.get(2);
        if (verb.startsWith("del")) {
            fx.dropAll = Boolean.FALSE;
            notes.add("emulated: " + cmd);
            return;
        }
        int root = w.indexOf("root");
        String kind = root > 0 && root + 1 < w.size() ? w.get(root + 1) : "";
        if (!(verb.equals("add") || verb.equals("replace"))
                || !Set.of("pfifo", "pfifo_fast", "fq_codel").contains(kind)) {
            throw new PdRunner.Unsupported(line, "qdisc `" + cmd + "` (only pfifo-like qdiscs are emulated; fq"
                    + " pacing is not)");
        }
        int limit = w.indexOf("limit");
        fx.dropAll = limit > 0 && limit + 1 < w.size() && w.get(limit + 1).equals("0");
        notes.add((fx.dropAll ? "emulated: " : "no-op: ") + cmd);
    }

    private Config defaults(Config c, int line, String path, boolean live, Effects fx) {
        Path file = dir == null ? null : dir.resolve(path).normalize();
        if (file != null && !Files.isRegularFile(file)) {
            file = dir.resolve("../common/defaults.sh").normalize(); // upstream nests some folders one deeper
        }
        if (file == null || !Files.isRegularFile(file)) {
            throw new PdRunner.Unsupported(line, "shell command `" + path + "` (file not found next to the script)");
        }
        try {
            return apply(c, line, Files.readString(file), live, fx);
        } catch (IOException e) {
            throw new PdRunner.Unsupported(line, path + ": " + e.getMessage());
        }
    }

    private Config sysctl(Config c, int line, String name, String value, boolean live) {
        String v = arithmetic(value).strip();
        Config next;
        try {
            next = c.withSysctl(name, v);
        } catch (ConfigException e) {
            if (!e.getMessage().startsWith("unknown")) {
                throw new PdRunner.Fail(line, "sysctl " + name + "=" + v + ": " + e.getMessage());
            }
            Map<String, String> ok = NO_KNOB.get(name);
            String why = ok == null ? null : ok.containsKey("*") ? ok.get("*") : ok.get(normalise(v));
            if (why == null) {
                throw new PdRunner.Unsupported(line, "sysctl " + name + "=" + v + " (no such knob in the engine"
                        + (ok == null ? "" : "; only " + ok.keySet() + " describe it") + ")");
            }
            notes.add("no knob: " + name + "=" + v + " — " + why);
            return c;
        }
        if (live && !next.equals(c)) {
            throw new PdRunner.Unsupported(line, "sysctl " + name + "=" + v + " after the engine started (its"
                    + " configuration is fixed at start)");
        }
        return next;
    }

    private static String normalise(String v) {
        try {
            return Long.toString(Long.decode(v));
        } catch (NumberFormatException e) {
            return v;
        }
    }

    /** {@code $((15*1024*1024))} → 15728640: the only shell arithmetic the scripts use. */
    static String arithmetic(String s) {
        Matcher m = ARITH.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            long sum = 0;
            for (String term : m.group(1).split("\\+")) {
                long p = 1;
                for (String f : term.split("\\*")) {
                    p *= Long.parseLong(f.strip());
                }
                sum += p;
            }
            m.appendReplacement(b, Long.toString(sum));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Shell words with single and double quotes removed. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char ch : line.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    w.append(ch);
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                any = true;
            } else if (Character.isWhitespace(ch)) {
                if (any || !w.isEmpty()) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(ch);
            }
        }
        if (any || !w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }
}
