package dev.fastpath.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.tcp.Seed;
import dev.fastpath.wire.ChecksumPolicy;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Ipv4InputTest {
    private static final int LOCAL = 0xC6120001;
    private static final int SECOND = 0xC6130001; // 198.19.0.1/16, a second address on a second interface
    private final InMemoryLink link = new InMemoryLink(new VirtualClock(0), 1);
    private final IpStack stack = new IpStack(List.of(
            InterfaceConfig.of("a", link.a(), 0x02_00_00_00_00_01L, IpCidr.v4(LOCAL, 24), ChecksumPolicy.STRICT),
            InterfaceConfig.of("b", link.b(), 0x02_00_00_00_00_02L, IpCidr.v4(SECOND, 16), ChecksumPolicy.STRICT)),
            List.of());
    private final NetStat.Counters counters = stack.counters();
    private final Ipv4Input in = new Ipv4Input(stack.interfaces().toArray(new Interface[0]), counters);

    @Test
    @Seed({"H5"})
    @DisplayName("H5: a datagram from our own address (LAND) is a martian source and dropped, counted")
    void land() {
        assertTrue(in.martianSource(LOCAL));
        assertTrue(in.martianSource(SECOND), "any of our addresses, on any interface");
        assertEquals(2, counters.drops(NetDropReason.IP_LOCAL_SOURCE));
    }

    @Test
    @Seed({"H5"})
    @DisplayName("H5: multicast, broadcast, 0.0.0.0 and loopback sources are martians; a peer is not")
    void invalidSources() {
        for (int src : new int[] {0xE0000001, 0xEFFFFFFF, -1, 0, 0x7F000001, 0x7F123456, 0xC61200FF, 0xC613FFFF}) {
            assertTrue(in.martianSource(src), Integer.toHexString(src));
        }
        assertEquals(8, counters.drops(NetDropReason.IP_INVALID_SOURCE));
        assertFalse(in.martianSource(0xC61300FF), "inside the second interface's /16: not its broadcast");
        assertFalse(in.martianSource(0xC6120002));
        assertFalse(in.martianSource(0x08080808));
        assertFalse(in.martianSource(0xF0000001), "class E is not a martian in Linux");
    }
}
