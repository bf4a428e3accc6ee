package dev.fastpath.client;

/** What each connection of {@code connect} does after its handshake. */
public enum ClientMode {
    /** Send N bytes, read N back and compare SHA-256, then close first (the stack ends in TIME_WAIT). */
    ECHO_CHECK,
    /** Send N bytes and close at once, without reading (the server reads to end of stream, then closes). */
    CLOSE_FIRST,
    /** Send N bytes, read the echo until the server's FIN, then close (the server closed first). */
    WAIT_CLOSE,
    /** Send N bytes, read N back, then close with SO_LINGER {on, 0}: an abort, the server sees ECONNRESET. */
    LINGER0,
    /** Send N bytes, shutdown(SHUT_WR), keep reading the echo until the server's FIN; compare SHA-256. */
    HALF_CLOSE;

    /**
     * @param text e.g. {@code echo-check}
     * @return the mode, or null
     */
    public static ClientMode parse(String text) {
        for (ClientMode m : values()) {
            if (m.cli().equals(text)) {
                return m;
            }
        }
        return null;
    }

    /** @return the command-line spelling */
    public String cli() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** @return whether the mode reads the echo and compares it */
    boolean checksEcho() {
        return this != CLOSE_FIRST;
    }
}
