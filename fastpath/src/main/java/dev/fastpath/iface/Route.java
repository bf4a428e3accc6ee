package dev.fastpath.iface;

/**
 * One route: where packets to {@code destination} go. With a gateway they go to it (it must be on a subnet of
 * the interface); without, the destination itself is on the link. {@code 0.0.0.0/0} is the default route.
 *
 * @param destination the destination prefix
 * @param gateway     the next hop, or null when the destination is on the link
 * @param iface       the index of the interface the packets leave by
 */
public record Route(IpCidr destination, IpAddress gateway, int iface) {

    /** Validates: one family. */
    public Route {
        if (gateway != null && gateway.family() != destination.address().family()) {
            throw new IllegalArgumentException("a route and its gateway must be of one family: " + destination
                    + " via " + gateway);
        }
        if (iface < 0) {
            throw new IllegalArgumentException("interface index " + iface + " is negative");
        }
    }

    /**
     * @param gateway the next hop for everything not on a link
     * @param iface   the interface it is reached by
     * @return the IPv4 default route
     */
    public static Route defaultV4(int gateway, int iface) {
        return new Route(IpCidr.v4(0, 0), IpAddress.v4(gateway), iface);
    }

    @Override
    public String toString() {
        return destination + (gateway == null ? "" : " via " + gateway) + " dev #" + iface;
    }
}
