package dev.fastpath.packetdrill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code nstat} in shell lines, emulated from the engine's counters (named as nstat names them): the
 * command line runs in {@code /bin/sh} with {@code nstat} defined as a function printing what iproute2's
 * nstat would print — the counters that changed since its history ({@code -a} absolute, {@code -z} zeros
 * too, {@code -n} print nothing, {@code -s} keep the history, names filter), one {@code %-32s%-16llu%6.1f}
 * line each — so pipes into grep, redirections and the exit status behave as on Linux. A non-zero exit
 * fails the script, as packetdrill fails on a failing command.
 */
final class PdNstat {
    private final Map<String, Long> history = new HashMap<>();

    /**
     * @param line     the script line
     * @param command  the shell text starting with {@code nstat}
     * @param counters every counter now, by nstat name
     * @return what nstat printed (for the failure message)
     */
    String run(int line, String command, Map<String, Long> counters) {
        String nstatArgs = command.substring("nstat".length()).split("[|>;&]", 2)[0].strip();
        List<String> args = nstatArgs.isEmpty() ? List.of() : List.of(nstatArgs.split("\\s+"));
        boolean quiet = args.contains("-n");
        boolean keep = args.contains("-s");
        boolean absolute = args.contains("-a");
        boolean zeros = args.contains("-z");
        if (args.contains("-r")) {
            history.clear();
        }
        StringBuilder out = new StringBuilder("#kernel\n");
        counters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            long v = absolute ? e.getValue() : e.getValue() - history.getOrDefault(e.getKey(), 0L);
            if ((v != 0 || zeros) && matches(e.getKey(), args)) {
                out.append(String.format("%-32s%-16d%6.1f%n", e.getKey(), v, 0.0));
            }
        });
        if (!keep) {
            history.putAll(counters);
        }
        String printed = quiet ? "" : out.toString();
        int status = shell(line, command, printed);
        if (status != 0) {
            throw new PdRunner.Fail(line, "command `" + command + "` exited with status " + status + "; nstat"
                    + " printed: " + (printed.isEmpty() ? "(nothing)" : printed.strip().replace('\n', ';')));
        }
        return printed;
    }

    private static boolean matches(String name, List<String> args) {
        boolean anyName = false;
        for (String a : args) {
            if (!a.startsWith("-")) {
                anyName = true;
                if (name.matches(a.replace("*", ".*").replace("?", "."))) {
                    return true;
                }
            }
        }
        return !anyName;
    }

    private static int shell(int line, String command, String printed) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("pd-nstat", ".txt");
            Files.writeString(tmp, printed, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "nstat() { cat \"$PD_NSTAT\"; }; " + command);
            pb.environment().put("PD_NSTAT", tmp.toString());
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PdRunner.Fail(line, "command `" + command + "` did not finish in 10 s");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new PdRunner.Fail(line, "cannot run /bin/sh for `" + command + "`: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PdRunner.Fail(line, "interrupted");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
