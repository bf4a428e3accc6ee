package dev.fastpath.lb;

/**
 * A worker's load-balancer counters (Fastpath's own, so they start with {@code Lb}; the stack's keep nstat's names).
 * Printed at SIGTERM as {@code workerN.Name value} with the others, read live by the metrics endpoint.
 */
public enum LbStat {
    /** Client connections taken from a VIP's accept queue. */
    LbClientAccepted,
    /** Backend connects started (first tries and retries). */
    LbBackendConnects,
    /** Backend connects that completed. */
    LbBackendConnected,
    /** Backend connects that failed: refused (RST), unreachable (ICMP), or the SYN retries ran out. */
    LbBackendConnectFailed,
    /** Backend connects abandoned at the VIP's connect timeout. */
    LbBackendConnectTimeouts,
    /** Backend connects that could not even start (no local port, no socket). */
    LbBackendConnectErrors,
    /** Connects retried on the next backend after a failure or timeout. */
    LbRetries,
    /** Clients reset because every attempt at a backend failed. */
    LbAttemptsExhausted,
    /** Clients reset because no backend of the VIP takes new flows (all down or drained). */
    LbRefusedAllDown,
    /** Clients reset past the VIP's maxConnections. */
    LbRefusedMaxConnections,
    /** Clients reset past the VIP's new connections per second. */
    LbRefusedRate,
    /** Clients accepted on a port that no longer has a VIP (removed by a reload): reset. */
    LbRefusedNoVip,
    /** A client's FIN passed on to its backend (shutdown(SHUT_WR) of the backend leg). */
    LbHalfCloseFromClient,
    /** A backend's FIN passed on to its client. */
    LbHalfCloseFromBackend,
    /** A client's reset (or failure) passed on to its backend as a RST. */
    LbResetFromClient,
    /** A backend's reset (or failure) passed on to its client as a RST. */
    LbResetFromBackend,
    /** Pairs reset after the VIP's idle timeout. */
    LbIdleTimeouts,
    /** Pairs reset when their drained backend's deadline passed. */
    LbDrainDeadlineResets,
    /** Pairs that ended with both FINs passed on. */
    LbPairsClosed,
    /** Pairs reset for any reason. */
    LbPairsReset,
    /** PROXY protocol v2 headers sent. */
    LbProxyHeaders,
    /** Bytes relayed from clients to backends. */
    LbBytesToBackend,
    /** Bytes relayed from backends to clients. */
    LbBytesToClient,
    /** Active health probes started (the worker that runs them). */
    LbHealthProbes,
    /** Active health probes that failed: refused, reset, timed out, or the wrong HTTP status. */
    LbHealthProbeFailures,
    /** Backends reported for ejection after client connects to them failed {@code fall} times in a row. */
    LbPassiveEjections,
    /** Pairs open now (a gauge). */
    LbPairsOpen
}
