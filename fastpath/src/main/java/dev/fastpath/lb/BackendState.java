package dev.fastpath.lb;

/** What a backend takes: new flows (UP), nothing new but its established flows (DRAIN), nothing (DOWN). */
public enum BackendState {
    /** Healthy: in the pool's Maglev table, takes new flows. */
    UP,
    /** Drained or removed by a reload: no new flows; established ones run until they close or its deadline. */
    DRAIN,
    /** Failed its health checks (or ejected passively): no new flows; established ones are left alone. */
    DOWN
}
