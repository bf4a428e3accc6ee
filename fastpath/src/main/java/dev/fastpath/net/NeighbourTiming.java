package dev.fastpath.net;

/**
 * Neighbour timing and table size of one interface. Defaults are Linux's ({@code net.ipv4.neigh.default.*}).
 *
 * @param reachableNs how long a confirmed entry stays REACHABLE (base_reachable_time_ms, 30 s)
 * @param retransNs   time between ARP requests for one address (retrans_time_ms, 1 s)
 * @param maxProbes   ARP requests before an address counts as failed (mcast_solicit / ucast_solicit, 3)
 * @param staleNs     an entry unused this long is dropped (gc_stale_time, 60 s)
 * @param capacity    neighbour table slots (a power of two)
 */
public record NeighbourTiming(long reachableNs, long retransNs, int maxProbes, long staleNs, int capacity) {

    private static final long S = 1_000_000_000L;

    /** Linux's neighbour timing and a 1024-slot table. */
    public static final NeighbourTiming LINUX = new NeighbourTiming(30 * S, S, 3, 60 * S, 1024);

    /** Validates. */
    public NeighbourTiming {
        if (capacity < 16 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("neighbour capacity must be a power of two >= 16: " + capacity);
        }
        if (maxProbes < 1 || retransNs <= 0 || reachableNs <= 0 || staleNs <= 0) {
            throw new IllegalArgumentException("neighbour timing must be positive");
        }
    }
}
