package dev.fastpath.packetdrill;

/** A script line the parser cannot read. */
public final class PdException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    /**
     * @param line    the script line
     * @param message what is wrong
     */
    public PdException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /** @return the script line */
    public int line() {
        return line;
    }
}
