package dev.fastpath.net;

import dev.fastpath.wire.Ipv4Header;

/**
 * Addresses and neighbour timing of one stack instance. Timing defaults are Linux's
 * ({@code net.ipv4.neigh.default.*}).
 *
 * @param localIp        this stack's address
 * @param prefixLength   its subnet's prefix length (0..32)
 * @param gateway        the next hop for off-subnet destinations, 0 for none
 * @param localMac       this stack's MAC
 * @param reachableNs    how long a confirmed entry stays REACHABLE (base_reachable_time_ms, 30 s)
 * @param retransNs      time between ARP requests for one address (retrans_time_ms, 1 s)
 * @param maxProbes      ARP requests before an address counts as failed (mcast_solicit / ucast_solicit, 3)
 * @param staleNs        an entry unused this long is dropped (gc_stale_time, 60 s)
 * @param capacity       neighbour table slots (a power of two)
 */
public record NetConfig(int localIp, int prefixLength, int gateway, long localMac, long reachableNs,
        long retransNs, int maxProbes, long staleNs, int capacity) {

    private static final long S = 1_000_000_000L;

    /** Validates. */
    public NetConfig {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0..32");
        }
        if (gateway != 0 && !sameSubnet(localIp, gateway, prefixLength)) {
            throw new IllegalArgumentException("gateway " + Ipv4Header.formatAddress(gateway) + " is not in "
                    + Ipv4Header.formatAddress(localIp) + "/" + prefixLength);
        }
        if (capacity < 16 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("neighbour capacity must be a power of two >= 16: " + capacity);
        }
        if (maxProbes < 1 || retransNs <= 0 || reachableNs <= 0 || staleNs <= 0) {
            throw new IllegalArgumentException("neighbour timing must be positive");
        }
    }

    /**
     * Linux's neighbour timing and a 1024-slot table.
     *
     * @param localIp      this stack's address
     * @param prefixLength its prefix length
     * @param gateway      the gateway, or 0
     * @param localMac     this stack's MAC
     * @return the configuration
     */
    public static NetConfig of(int localIp, int prefixLength, int gateway, long localMac) {
        return new NetConfig(localIp, prefixLength, gateway, localMac, 30 * S, S, 3, 60 * S, 1024);
    }

    /** @return the subnet mask as an int */
    public int mask() {
        return mask(prefixLength);
    }

    /**
     * @param ip an address
     * @return whether it is on this stack's subnet (reachable without the gateway)
     */
    public boolean onLink(int ip) {
        return sameSubnet(localIp, ip, prefixLength);
    }

    /** @return the subnet's broadcast address */
    public int broadcast() {
        return localIp | ~mask();
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    private static boolean sameSubnet(int a, int b, int prefixLength) {
        return ((a ^ b) & mask(prefixLength)) == 0;
    }
}
