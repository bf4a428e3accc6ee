package dev.fastpath.tcp;

/** TCP states with the Linux kernel's numbers (include/net/tcp_states.h), and socket-level states. */
public final class TcpState {
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT1 = 4;
    public static final int FIN_WAIT2 = 5;
    public static final int TIME_WAIT = 6;
    public static final int CLOSE = 7;
    public static final int CLOSE_WAIT = 8;
    public static final int LAST_ACK = 9;
    public static final int LISTEN = 10;
    public static final int CLOSING = 11;
    public static final int NEW_SYN_RECV = 12;

    /** Socket-level state (H1): kept apart from the TCP state, as Linux's struct socket does. */
    public static final int SS_UNCONNECTED = 1;
    public static final int SS_CONNECTING = 2;
    public static final int SS_CONNECTED = 3;
    public static final int SS_DISCONNECTING = 4;

    private static final String[] NAMES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private TcpState() {
    }

    /**
     * @param state a state number
     * @return its Linux name
     */
    public static String name(int state) {
        return state > 0 && state < NAMES.length ? NAMES[state] : "?" + state;
    }
}
