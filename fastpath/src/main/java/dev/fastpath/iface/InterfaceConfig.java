package dev.fastpath.iface;

import dev.fastpath.io.PacketIo;
import dev.fastpath.net.NeighbourTiming;
import dev.fastpath.wire.ChecksumPolicy;
import java.util.List;

/**
 * One interface of a worker: its device ring, its MAC, its addresses (each brings an on-link route for its
 * subnet), how received checksums are judged, and the neighbour timing.
 *
 * @param name       the device's name (for reports)
 * @param io         the ring (the interface's; closed with the worker)
 * @param mac        the interface's MAC
 * @param addresses  its addresses, the first the primary (the source when no address shares the next hop's subnet)
 * @param checksums  how received checksums are judged on this device
 * @param neighbours neighbour timing and table size
 */
public record InterfaceConfig(String name, PacketIo io, long mac, List<IpCidr> addresses, ChecksumPolicy checksums,
        NeighbourTiming neighbours) {

    /** Validates: at least one address; IPv4 only for now. */
    public InterfaceConfig {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("interface " + name + " has no address");
        }
        for (IpCidr a : addresses) {
            if (a.address().family() != IpFamily.IPV4) {
                throw new UnsupportedOperationException("IPv6 addresses are not built yet: " + a);
            }
            if (a.address().isUnspecified()) {
                throw new IllegalArgumentException("0.0.0.0 is not an interface address");
            }
        }
    }

    /**
     * One address, Linux's neighbour timing.
     *
     * @param name      the device's name
     * @param io        the ring
     * @param mac       the MAC
     * @param address   the address with its prefix
     * @param checksums how received checksums are judged
     * @return the configuration
     */
    public static InterfaceConfig of(String name, PacketIo io, long mac, IpCidr address, ChecksumPolicy checksums) {
        return new InterfaceConfig(name, io, mac, List.of(address), checksums, NeighbourTiming.LINUX);
    }
}
