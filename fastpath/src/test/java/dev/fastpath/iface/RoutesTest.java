package dev.fastpath.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The routing table: longest prefix match, gateways, the default route; addresses that say their family. */
class RoutesTest {
    private static final int GW_A = 0xC6120001; // 198.18.0.1
    private static final int GW_B = 0xC6120101; // 198.18.1.1

    private static int ip(String dotted) {
        return IpAddress.parse(dotted).v4();
    }

    @Test
    @DisplayName("the longest prefix that holds the destination wins, whatever the order routes were added in")
    void longestPrefixWins() {
        Routes r = new Routes()
                .add(Route.defaultV4(GW_A, 0))
                .add(new Route(IpCidr.parse("198.19.1.0/24"), null, 1))
                .add(new Route(IpCidr.parse("198.19.0.0/16"), IpAddress.v4(GW_B), 1));
        int exact = r.lookupV4(ip("198.19.1.3"));
        assertEquals(1, r.iface(exact));
        assertFalse(r.viaGateway(exact), "198.19.1.0/24 is on the link");
        assertEquals(ip("198.19.1.3"), r.nextHopV4(exact, ip("198.19.1.3")), "on the link: the destination itself");
        int wider = r.lookupV4(ip("198.19.9.9"));
        assertEquals(GW_B, r.nextHopV4(wider, ip("198.19.9.9")));
        int def = r.lookupV4(ip("198.18.200.7"));
        assertEquals(0, r.iface(def));
        assertEquals(GW_A, r.nextHopV4(def, ip("198.18.200.7")));
    }

    @Test
    @DisplayName("without a default route a destination no prefix holds has no route")
    void noDefaultNoRoute() {
        Routes r = new Routes().add(new Route(IpCidr.parse("198.18.0.0/24"), null, 0));
        assertEquals(-1, r.lookupV4(ip("198.18.1.1")));
        assertTrue(r.lookupV4(ip("198.18.0.200")) >= 0);
    }

    @Test
    @DisplayName("among equal prefixes the route added first wins (as a lower metric in Linux)")
    void equalPrefixesFirstAdded() {
        Routes r = new Routes()
                .add(new Route(IpCidr.parse("198.19.0.0/16"), IpAddress.v4(GW_A), 0))
                .add(new Route(IpCidr.parse("198.19.0.0/16"), IpAddress.v4(GW_B), 1));
        assertEquals(GW_A, r.nextHopV4(r.lookupV4(ip("198.19.2.4")), ip("198.19.2.4")));
    }

    @Test
    @DisplayName("/32 host routes and /0 both work at the edges of the mask")
    void edges() {
        Routes r = new Routes().add(new Route(IpCidr.parse("198.18.200.9/32"), IpAddress.v4(GW_B), 1))
                .add(new Route(IpCidr.parse("0.0.0.0/0"), null, 0));
        assertEquals(GW_B, r.nextHopV4(r.lookupV4(ip("198.18.200.9")), ip("198.18.200.9")));
        assertEquals(ip("198.18.200.10"), r.nextHopV4(r.lookupV4(ip("198.18.200.10")), ip("198.18.200.10")));
    }

    @Test
    @DisplayName("addresses carry their family; bad text and prefixes are clear errors")
    void addressesAndPrefixes() {
        IpCidr c = IpCidr.parse("198.18.0.77/24");
        assertEquals(IpFamily.IPV4, c.address().family());
        assertEquals("198.18.0.0/24", c.network().toString());
        assertTrue(c.containsV4(ip("198.18.0.1")));
        assertFalse(c.containsV4(ip("198.18.1.1")));
        assertThrows(IllegalArgumentException.class, () -> IpCidr.parse("198.18.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> IpCidr.parse("198.18.0.1"));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("198.18.0.256"));
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(IpFamily.IPV4, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Route(IpCidr.parse("198.19.0.0/16"), new IpAddress(IpFamily.IPV6, 0, 1), 0));
        assertThrows(UnsupportedOperationException.class,
                () -> new Routes().add(new Route(new IpCidr(new IpAddress(IpFamily.IPV6, 0, 0), 0), null, 0)));
    }
}
