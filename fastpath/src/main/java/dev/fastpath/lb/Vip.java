package dev.fastpath.lb;

/**
 * A virtual address the balancer answers on, with its pool and its limits. Immutable.
 *
 * @param slot             a small id, the same for the same address:port across reloads
 * @param ip               IPv4 address (the stack's own, until the interface layer gives several)
 * @param port             TCP port
 * @param pool             its backends
 * @param maxConnections   client connections open at once through it, all workers together (0: no limit)
 * @param maxNewPerSecond  new client connections per second, all workers together (0: no limit)
 * @param connectTimeoutNs how long a backend connect may take before the next backend is tried
 * @param idleTimeoutNs    a pair with no byte either way for this long is reset (0: never)
 * @param connectAttempts  backends tried per client connection, 1..
 */
public record Vip(int slot, int ip, int port, Pool pool, int maxConnections, int maxNewPerSecond,
        long connectTimeoutNs, long idleTimeoutNs, int connectAttempts) {

    /** @return {@code a.b.c.d:port} */
    public String address() {
        return new Backend(0, ip, port, 1, BackendState.UP, 0).address();
    }
}
