package dev.fastpath.packetdrill;

import java.util.List;

/**
 * How one script ended.
 *
 * @param script  the script's path as given
 * @param status  pass, fail or unsupported
 * @param line    the first failing or unsupported line (0 when passed)
 * @param message the first mismatch (expected vs actual) or the missing feature
 * @param notes   what the runner emulated, no-ops it took and Python output, for the report
 */
public record PdResult(String script, Status status, int line, String message, List<String> notes) {
    /** The three outcomes; unsupported is never counted as a pass. */
    public enum Status {
        PASS, FAIL, UNSUPPORTED;

        /** @return the exit code of {@code fastpath packetdrill FILE}: 0, 1, 2 */
        public int exitCode() {
            return ordinal();
        }
    }

    @Override
    public String toString() {
        return status + " " + script + (status == Status.PASS ? "" : ":" + line + ": " + message);
    }
}
