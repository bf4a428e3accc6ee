package dev.fastpath.packetdrill;

import dev.fastpath.uapi.TcpInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code %{ … }%} blocks as packetdrill runs them (code.c): at each block's time the socket under test's
 * TCP_INFO (and the SK_MEMINFO values the engine has) is recorded; when the script has run, one Python
 * program — for every block its values as {@code tcpi_*} variables (plus packetdrill's symbols
 * TCP_ESTABLISHED…, TCP_CA_Open…, TCPI_OPT_…) followed by the block's text — runs in python3. Variables
 * carry from block to block; a failing assert (any exception) fails the script at that block's line.
 *
 * <p>The {@code tcpi_*} names are struct tcp_info's own ({@link TcpInfo#fields()}: the engine fills the
 * struct byte for byte as Linux 6.18 does), so every field reaches the scripts, as on Linux.
 */
final class PdPython {
    private static final String PREAMBLE = """
            import sys
            import traceback
            def _pd_hook(etype, value, tb):
                sys.stderr.write("PDLINE %d\\n" % _line)
                traceback.print_exception(etype, value, tb)
            sys.excepthook = _pd_hook
            TCP_ESTABLISHED = 1
            TCP_SYN_SENT = 2
            TCP_SYN_RECV = 3
            TCP_FIN_WAIT1 = 4
            TCP_FIN_WAIT2 = 5
            TCP_TIME_WAIT = 6
            TCP_CLOSE = 7
            TCP_CLOSE_WAIT = 8
            TCP_LAST_ACK = 9
            TCP_LISTEN = 10
            TCP_CLOSING = 11
            TCP_CA_Open = 0
            TCP_CA_Disorder = 1
            TCP_CA_CWR = 2
            TCP_CA_Recovery = 3
            TCP_CA_Loss = 4
            TCPI_OPT_TIMESTAMPS = 1
            TCPI_OPT_WSCALE = 4
            TCPI_OPT_ECN = 8
            TCPI_OPT_SYN_DATA = 32
            """;
    private static final Pattern LINE = Pattern.compile("PDLINE (\\d+)");

    private final StringBuilder program = new StringBuilder(PREAMBLE);
    private int blocks;
    private int firstLine;

    /**
     * Records one block with the values of its time.
     *
     * @param line    the block's line
     * @param info    TCP_INFO of the socket under test
     * @param meminfo SK_MEMINFO_* values the engine has
     * @param code    the block's text
     */
    void snapshot(int line, TcpInfo info, Map<String, Long> meminfo, String code) {
        snapshot(line, tcpiValues(info), meminfo, code);
    }

    /**
     * Records one block with {@code tcpi_*} values already named (the kernel backend's TCP_INFO).
     *
     * @param line    the block's line
     * @param tcpi    {@code tcpi_*} name to value
     * @param meminfo SK_MEMINFO_* values
     * @param code    the block's text
     */
    void snapshot(int line, Map<String, Long> tcpi, Map<String, Long> meminfo, String code) {
        if (blocks++ == 0) {
            firstLine = line;
        }
        program.append('\n');
        for (Map.Entry<String, Long> v : tcpi.entrySet()) {
            program.append(v.getKey()).append(" = ").append(v.getValue()).append('\n');
        }
        meminfo.forEach((k, v) -> program.append(k).append(" = ").append(v).append('\n'));
        program.append("_line = ").append(line).append('\n').append(code.stripLeading()).append("\n\n");
    }

    /** The {@code tcpi_*} variables of a snapshot: every field of struct tcp_info, unsigned (u64 as is). */
    static Map<String, Long> tcpiValues(TcpInfo info) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (TcpInfo.Field f : TcpInfo.fields()) {
            out.put("tcpi_" + f.name(), info.get(f.name()));
        }
        return out;
    }

    /**
     * Runs the program when there were blocks.
     *
     * @param notes receives what the program printed
     * @throws PdRunner.Fail when python3 reports an error
     */
    void run(List<String> notes) {
        if (blocks == 0) {
            return;
        }
        Path file = null;
        try {
            file = Files.createTempFile("pd-code", ".py");
            Files.writeString(file, program, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("python3", file.toString()).redirectErrorStream(false).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PdRunner.Fail(firstLine, "python3 did not finish in 30 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            out.lines().forEach(l -> notes.add("python: " + l));
            if (p.exitValue() != 0) {
                Matcher m = LINE.matcher(err);
                int line = m.find() ? Integer.parseInt(m.group(1)) : firstLine;
                List<String> lines = err.lines().filter(l -> !l.isBlank() && !l.startsWith("PDLINE")).toList();
                throw new PdRunner.Fail(line, "python: " + (lines.isEmpty() ? "exit " + p.exitValue()
                        : lines.getLast().strip()));
            }
        } catch (IOException e) {
            throw new PdRunner.Fail(firstLine, "python3 is needed for %{ }% blocks: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PdRunner.Fail(firstLine, "interrupted");
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
