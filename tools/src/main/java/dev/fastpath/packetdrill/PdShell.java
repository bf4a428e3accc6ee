package dev.fastpath.packetdrill;

import dev.fastpath.config.Config;
import dev.fastpath.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The back-quoted shell lines of a script. {@code sysctl} settings (directly, through
 * {@code set_sysctls.py /proc/sys/…=v}, or inside {@code defaults.sh}) that name a knob the engine
 * has are applied to its configuration; everything else is reported as ignored. Nothing is executed.
 */
final class PdShell {
    private static final Pattern ARITH = Pattern.compile("\\$\\(\\(([0-9*+ ]+)\\)\\)");
    private final Path dir;
    private final List<String> ignored;
    /** Whether a line turned TSO/GSO off ({@code ethtool -K tun0 tso off gso off}). */
    boolean tsoOff;
    /** The last qdisc command: TRUE drop everything ({@code pfifo limit 0}), FALSE normal, null none. */
    Boolean dropAll;

    PdShell(Path dir, List<String> ignored) {
        this.dir = dir;
        this.ignored = ignored;
    }

    /**
     * @param c           the configuration so far
     * @param command     the back-quoted text
     * @param beforeStart whether the engine is not built yet (later sysctls cannot be applied)
     * @return the configuration with the sysctls applied
     */
    Config apply(Config c, String command, boolean beforeStart) {
        Config out = c;
        for (String raw : command.replaceAll("\\\\\\s*\n", " ").split("\n")) { // a trailing \ continues the line
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = words(line);
            String first = words.getFirst();
            if (first.endsWith("defaults.sh")) {
                out = defaults(out, first, beforeStart);
            } else if (first.equals("sysctl")) {
                for (String w : words.subList(1, words.size())) {
                    if (!w.startsWith("-") && w.contains("=")) {
                        out = sysctl(out, w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1), beforeStart);
                    }
                }
            } else if (first.endsWith("set_sysctls.py")) {
                for (String w : words.subList(1, words.size())) {
                    String path = w.substring(0, Math.max(w.indexOf('='), 0));
                    if (path.startsWith("/proc/sys/")) {
                        out = sysctl(out, path.substring(10).replace('/', '.'), w.substring(w.indexOf('=') + 1),
                                beforeStart);
                    }
                }
            } else if (first.equals("tc")) {
                qdisc(line);
            } else if (first.equals("ethtool") && line.contains("tso off")) {
                tsoOff = true; // outbound segments are then compared one by one, not coalesced
            } else {
                ignored.add("shell: " + line);
            }
        }
        return out;
    }

    /**
     * {@code tc qdisc add … pfifo limit 0} makes the device drop every frame the stack hands it, which
     * Linux reports back as local congestion; {@code tc qdisc delete} or a qdisc with room undoes it.
     */
    private void qdisc(String line) {
        for (String part : line.split(";")) {
            List<String> w = words(part.replaceAll("2>\\S*", "").strip());
            if (w.size() < 3 || !w.get(0).equals("tc") || !w.get(1).equals("qdisc")) {
                if (!part.isBlank()) {
                    ignored.add("shell: " + part.strip());
                }
                continue;
            }
            int limit = w.indexOf("limit");
            boolean zero = limit > 0 && limit + 1 < w.size() && w.get(limit + 1).equals("0");
            dropAll = w.get(2).equals("add") || w.get(2).equals("replace") ? zero : Boolean.FALSE;
        }
    }

    private Config defaults(Config c, String path, boolean beforeStart) {
        Path file = dir == null ? null : dir.resolve(path).normalize();
        if (file != null && !Files.isRegularFile(file)) {
            file = dir.resolve("../common/defaults.sh").normalize(); // upstream nests some folders one deeper
        }
        if (file == null || !Files.isRegularFile(file)) {
            ignored.add("shell: " + path + " (not found)");
            return c;
        }
        try {
            StringBuilder cmds = new StringBuilder();
            for (String l : Files.readAllLines(file)) {
                String s = l.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    cmds.append(s.replaceAll(">\\s*/dev/null.*$", "").strip()).append('\n');
                }
            }
            return apply(c, cmds.toString(), beforeStart);
        } catch (IOException e) {
            ignored.add("shell: " + path + " (" + e.getMessage() + ")");
            return c;
        }
    }

    private Config sysctl(Config c, String name, String value, boolean beforeStart) {
        String v = arithmetic(value);
        if (!beforeStart) {
            ignored.add("sysctl " + name + "=" + v + " (after the engine started)");
            return c;
        }
        try {
            return c.withSysctl(name, v);
        } catch (ConfigException e) {
            ignored.add("sysctl " + name + "=" + v + " (" + e.getMessage() + ")");
            return c;
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
