package dev.fastpath.packetdrill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Back-quoted shell lines for the kernel backend, run for real by bash inside the script's namespace —
 * after a check that they can touch nothing outside it: every command must be one of a short list of
 * namespace-scoped tools (sysctl, ip, tc, ethtool, nstat, echo, grep …), every sysctl must be a
 * {@code net.*} key (inside a namespace /proc/sys/net shows only the namespace's own; {@code kernel.*},
 * {@code vm.*} … are refused), and output may be redirected only to {@code /proc/sys/net/…} or
 * {@code /dev/null}. {@code defaults.sh} is checked line by line and run; packetdrill's
 * {@code set_sysctls.py} is done here (only {@code /proc/sys/net/} files) and its restore script is not
 * needed (the namespace is thrown away). Anything else fails the script, naming the command.
 */
final class PdKernelShell {
    private static final Set<String> TOOLS = Set.of("sysctl", "ip", "tc", "ethtool", "nstat", "echo", "grep",
            "cat", "true", "false", "sleep", "printf", "test", "[", "awk", "sed", "head", "tail", "wc", "cut");
    private static final Pattern SYSCTL_KEY = Pattern.compile(
            "(?<![\\w/.-])((?:net|kernel|vm|fs|dev|user|abi|debug|crypto|sunrpc)\\.[A-Za-z0-9_.]+)");
    private static final Pattern PROC_PATH = Pattern.compile("/proc/sys/[A-Za-z0-9_./]+");
    private static final Pattern REDIRECT = Pattern.compile("[0-9&]?>>?\\s*([^\\s;|&]+)");

    private static final Pattern DEFAULTS = Pattern.compile("(^|[;&|\\n]\\s*)(\\S*defaults\\.sh)");
    private static final Pattern CC_SET = Pattern.compile("tcp_congestion_control\\s*=\\s*[\"']?(\\w+)");
    private static final Path CC_FILE = Path.of("/proc/sys/net/ipv4/tcp_congestion_control");

    private final Path dir;
    private final List<String> notes;
    private Path nstatHistory;
    /** The congestion control the script asked for, when the namespace could not take it as its default. */
    private volatile String congestionControl;
    private String wantCc;

    PdKernelShell(Path dir, List<String> notes) {
        this.dir = dir;
        this.notes = notes;
    }

    /** Runs a back-quoted line; a non-zero exit fails the script, as in packetdrill. */
    void run(int line, String command) {
        // Lines run in order: set_sysctls.py lines here, the others by bash in runs between them.
        StringBuilder chunk = new StringBuilder();
        String joined = command.replaceAll("\\\\[ \\t]*\n", " ").strip();
        if (joined.endsWith("\\")) {
            joined = joined.substring(0, joined.length() - 1); // a continuation into the closing back-quote
        }
        for (String part : joined.split("[;\\n]")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            String first = p.split("\\s+")[0];
            if (first.endsWith("set_sysctls.py") || first.startsWith("/tmp/sysctl_restore_")) {
                runBash(line, chunk);
                if (first.endsWith("set_sysctls.py")) {
                    setSysctls(line, p);
                } else {
                    notes.add("line " + line + ": `" + p + "` not run: the namespace is removed with its sysctls");
                }
            } else {
                chunk.append(p).append('\n');
            }
        }
        runBash(line, chunk);
    }

    private void runBash(int line, StringBuilder chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        String cmd = chunk.toString();
        chunk.setLength(0);
        check(line, cmd);
        bash(line, cmd);
        settleCongestionControl(line);
    }

    private void settleCongestionControl(int line) {
        if (wantCc == null) {
            return;
        }
        String now;
        try {
            now = Files.readString(CC_FILE).strip();
        } catch (IOException e) {
            throw new PdRunner.Fail(line, "cannot read " + CC_FILE + ": " + e.getMessage());
        }
        String per = now.equals(wantCc) ? null : wantCc;
        if (per != null && !per.equals(congestionControl)) {
            notes.add("line " + line + ": this namespace cannot default to " + per + " (the host allows only its"
                    + " tcp_allowed_congestion_control); every socket gets TCP_CONGESTION " + per + " instead");
        }
        congestionControl = per;
    }

    /**
     * The congestion control every new socket must be given with {@code TCP_CONGESTION}, or null. A network
     * namespace other than the first may only default to a congestion control the host lists in
     * {@code tcp_allowed_congestion_control} (tcp_set_default_congestion_control() refuses others with
     * EPERM); a script's {@code tcp_congestion_control=cubic} then fails there, and the runner applies it per
     * socket instead (root may pick any available one), which is what the default would have done.
     */
    String congestionControl() {
        return congestionControl;
    }

    private void check(int line, String command) {
        Matcher cc = CC_SET.matcher(command);
        while (cc.find()) {
            wantCc = cc.group(1);
        }
        for (String part : command.split("[;\\n]|&&|\\|\\|?")) {
            String p = part.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            String first = p.split("\\s+")[0];
            if (first.endsWith("defaults.sh")) {
                Path f = script(line, first);
                try {
                    check(line, Files.readString(f));
                } catch (IOException e) {
                    throw new PdRunner.Fail(line, "cannot read " + f + ": " + e.getMessage());
                }
            } else if (!TOOLS.contains(first)) {
                refuse(line, p, "`" + first + "` is not a namespace-scoped tool the kernel backend runs");
            }
        }
        Matcher k = SYSCTL_KEY.matcher(command);
        while (k.find()) {
            String key = k.group(1);
            if (!key.startsWith("net.")) {
                refuse(line, command, "sysctl " + key + " is not one this network namespace owns");
            }
        }
        Matcher w = REDIRECT.matcher(command);
        while (w.find()) {
            String target = w.group(1);
            if (!target.equals("/dev/null") && !target.startsWith("&") && !target.startsWith("/proc/sys/net/")) {
                refuse(line, command, "writes " + target);
            }
        }
        Matcher pp = PROC_PATH.matcher(command);
        while (pp.find()) {
            if (!pp.group().startsWith("/proc/sys/net/")) {
                refuse(line, command, pp.group() + " is not a file this network namespace owns");
            }
        }
    }

    /** A {@code defaults.sh} named by a line, found as the engine backend finds it ({@link PdShell}). */
    private Path script(int line, String word) {
        Path f = dir == null ? Path.of(word) : dir.resolve(word).normalize();
        if (!Files.isRegularFile(f) && dir != null && word.endsWith("defaults.sh")) {
            f = dir.resolve("../common/defaults.sh").normalize(); // upstream nests some folders one deeper
        }
        if (!Files.isRegularFile(f)) {
            throw new PdRunner.Fail(line, "no such file: " + f);
        }
        return f;
    }

    private static void refuse(int line, String cmd, String why) {
        throw new PdRunner.Unsupported(line, "shell `" + cmd.strip().replaceAll("\\s+", " ")
                + "` refused by the kernel backend: " + why + " (only this namespace may be touched)");
    }

    /** packetdrill's set_sysctls.py: {@code /proc/sys/net/...=value} arguments written in this namespace. */
    private void setSysctls(int line, String cmd) {
        List<String> list = words(cmd);
        String[] words = list.toArray(String[]::new);
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq < 0) {
                throw new PdRunner.Fail(line, "set_sysctls.py: `" + words[i] + "` is not FILE=VALUE");
            }
            Path f = Path.of(words[i].substring(0, eq)).normalize();
            String v = words[i].substring(eq + 1).replace("\"", "").replace("'", "");
            if (!f.startsWith("/proc/sys/net/")) {
                refuse(line, cmd, f + " is not a file this network namespace owns");
            }
            if (f.equals(CC_FILE)) {
                wantCc = v.strip();
                try {
                    Files.writeString(f, v + "\n");
                } catch (IOException e) {
                    // EPERM outside the first namespace: applied per socket (settleCongestionControl)
                }
                settleCongestionControl(line);
                continue;
            }
            try {
                Files.writeString(f, v + "\n");
            } catch (IOException e) {
                throw new PdRunner.Fail(line, "set_sysctls.py: writing " + v + " to " + f + ": " + e.getMessage());
            }
        }
    }

    /** Shell words: quotes group (and are dropped), {@code #} starts a comment. */
    static List<String> words(String cmd) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < cmd.length(); i++) {
            char ch = cmd.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    w.append(ch);
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                any = true;
            } else if (ch == '#' && !any && w.isEmpty()) {
                break;
            } else if (Character.isWhitespace(ch)) {
                if (any || !w.isEmpty()) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(ch);
                any = true;
            }
        }
        if (any || !w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }

    private Path nstatHistory() {
        if (nstatHistory == null) {
            try {
                nstatHistory = Files.createTempFile("pd-kernel-nstat", "");
                nstatHistory.toFile().deleteOnExit();
                Files.delete(nstatHistory); // nstat creates it; the name is unique to this run
            } catch (IOException e) {
                throw new PdRunner.Fail(0, "nstat history: " + e.getMessage());
            }
        }
        return nstatHistory;
    }

    private void bash(int line, String command) {
        // defaults.sh copies need not be executable: run them with bash.
        StringBuilder b = new StringBuilder();
        Matcher d = DEFAULTS.matcher(command);
        while (d.find()) {
            d.appendReplacement(b, Matcher.quoteReplacement(d.group(1) + "bash " + script(line, d.group(2))));
        }
        String cmd = d.appendTail(b).toString();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("PACKETDRILL_PID", Long.toString(ProcessHandle.current().pid()));
        pb.environment().put("NSTAT_HISTORY", nstatHistory().toString()); // not shared with other namespaces
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PdRunner.Fail(line, "shell command did not finish in 60 s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new PdRunner.Fail(line, "shell command exited " + p.exitValue() + ": `" + command.strip()
                        + "`" + (out.isBlank() ? "" : ": " + out.strip()));
            }
            if (!out.isBlank()) {
                notes.add("line " + line + " shell output: " + out.strip());
            }
        } catch (IOException e) {
            throw new PdRunner.Fail(line, "shell: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PdRunner.Fail(line, "interrupted");
        }
    }
}
