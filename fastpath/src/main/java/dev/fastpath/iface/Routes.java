package dev.fastpath.iface;

import java.util.ArrayList;
import java.util.List;

/**
 * The routing table (Kernel: fib_lookup() on the main table): the longest prefix that holds the destination
 * wins, and among equal prefixes the route added first. A route with a gateway sends to the gateway; one
 * without sends to the destination itself. Each interface address brings its own on-link route (Linux's
 * "proto kernel scope link"); gateways and the default route are added.
 *
 * <p>IPv4 lookups run on flat arrays ordered by prefix length, allocation-free: a worker's table holds a handful
 * of routes, so a scan beats a trie. Built before the worker starts; read-only afterwards.
 */
public final class Routes {
    private final List<Route> routes = new ArrayList<>();
    private int[] net = new int[0];
    private int[] mask = new int[0];
    private int[] gateway = new int[0];
    private int[] iface = new int[0];

    /**
     * Adds a route (IPv4; IPv6 routes are not built yet).
     *
     * @param r the route
     * @return this
     */
    public Routes add(Route r) {
        if (r.destination().address().family() != IpFamily.IPV4) {
            throw new UnsupportedOperationException("IPv6 routes are not built yet: " + r);
        }
        int at = 0;
        while (at < routes.size() && routes.get(at).destination().prefixLength() >= r.destination().prefixLength()) {
            at++;
        }
        routes.add(at, r);
        rebuild();
        return this;
    }

    private void rebuild() {
        int n = routes.size();
        net = new int[n];
        mask = new int[n];
        gateway = new int[n];
        iface = new int[n];
        for (int i = 0; i < n; i++) {
            Route r = routes.get(i);
            mask[i] = r.destination().maskV4();
            net[i] = r.destination().address().v4() & mask[i];
            gateway[i] = r.gateway() == null ? 0 : r.gateway().v4();
            iface[i] = r.iface();
        }
    }

    /**
     * Longest prefix match.
     *
     * @param dst an IPv4 destination
     * @return the index of the route to use, or −1 when none holds it (no default route)
     */
    public int lookupV4(int dst) {
        for (int i = 0; i < net.length; i++) {
            if ((dst & mask[i]) == net[i]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param route a route's index from {@link #lookupV4}
     * @param dst   the destination it was looked up for
     * @return the next hop: the gateway, or the destination itself on the link
     */
    public int nextHopV4(int route, int dst) {
        return gateway[route] != 0 ? gateway[route] : dst;
    }

    /**
     * @param route a route's index
     * @return whether it goes through a gateway
     */
    public boolean viaGateway(int route) {
        return gateway[route] != 0;
    }

    /**
     * @param route a route's index
     * @return the interface it leaves by
     */
    public int iface(int route) {
        return iface[route];
    }

    /** @return the routes, longest prefix first */
    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
