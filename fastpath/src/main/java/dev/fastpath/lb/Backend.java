package dev.fastpath.lb;

/**
 * One backend of a pool as a snapshot sees it. Immutable.
 *
 * @param slot            a small id that stays the same for the same address:port across reloads (counters are kept
 *                        per slot, and a connection remembers its backend by slot)
 * @param ip              IPv4 address
 * @param port            TCP port
 * @param weight          Maglev weight, 1..
 * @param state           UP, DRAIN or DOWN
 * @param drainDeadlineNs for DRAIN: when its remaining connections are reset ({@code System.nanoTime()} clock;
 *                        0 = no deadline)
 */
public record Backend(int slot, int ip, int port, int weight, BackendState state, long drainDeadlineNs) {

    /** @return whether new flows may go to it */
    public boolean takesNewFlows() {
        return state == BackendState.UP;
    }

    /** @return {@code a.b.c.d:port} */
    public String address() {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF) + ":" + port;
    }
}
