package dev.fastpath.packetdrill;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of the kernel backend, started by {@link PdKernel} inside the script's own network
 * namespace: runs one script with {@link PdKernelRunner} and prints its result as lines the parent decodes
 * ({@code NOTE text}, then {@code RESULT status line message}).
 */
public final class PdKernelChild {
    private PdKernelChild() {
    }

    /**
     * @param args the script's path
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PdResult r = PdKernelRunner.run(Path.of(args[0]));
        for (String n : r.notes()) {
            out.println("NOTE " + oneLine(n));
        }
        out.println("RESULT " + r.status() + " " + r.line() + " " + oneLine(r.message()));
        out.flush();
        Runtime.getRuntime().halt(0); // blocked system-call threads must not keep the JVM alive
    }

    private static String oneLine(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The parent's side: the child's lines back into a result. */
    static PdResult decode(String name, List<String> lines, String stderr) {
        List<String> notes = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("NOTE ")) {
                notes.add(unescape(l.substring(5)));
            } else if (l.startsWith("RESULT ")) {
                String[] f = l.substring(7).split(" ", 3);
                return new PdResult(name, PdResult.Status.valueOf(f[0]), Integer.parseInt(f[1]),
                        f.length > 2 ? unescape(f[2]) : "", notes);
            }
        }
        String tail = stderr.strip();
        if (tail.length() > 600) {
            tail = tail.substring(tail.length() - 600);
        }
        return new PdResult(name, PdResult.Status.FAIL, 0, "kernel backend: the child gave no result: " + tail, notes);
    }
}
