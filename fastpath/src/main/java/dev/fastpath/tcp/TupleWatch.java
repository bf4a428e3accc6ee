package dev.fastpath.tcp;

/**
 * Hears of every 4-tuple entering or leaving the engine's tables — a request in a SYN queue, a connection in the
 * established table, a TIME_WAIT record — so that something outside the engine (the XDP program answering SYNs,
 * {@link XdpCookieOffload}) knows which SYNs only the engine can judge.
 */
interface TupleWatch {
    /**
     * @param localIp    our address
     * @param remoteIp   the peer's
     * @param localPort  our port
     * @param remotePort the peer's
     * @param delta      +1 entering, −1 leaving
     */
    void held(int localIp, int remoteIp, int localPort, int remotePort, int delta);

    /** Hears nothing. */
    TupleWatch NONE = (localIp, remoteIp, localPort, remotePort, delta) -> { };
}
