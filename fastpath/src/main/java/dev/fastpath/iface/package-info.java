/**
 * The interface layer, under TCP (smoltcp's {@code iface} is the model): one worker's interfaces, each a device
 * ring with its MAC, its addresses, its neighbour cache, ARP and ICMP; the routing table over them (longest
 * prefix match, gateways, a default route); Ethernet and IPv4 framing both ways. Frames come in here and leave
 * as TCP segments for the engine ({@code tcpV4Rcv}); the engine's segments come back through
 * {@link dev.fastpath.tcp.IpLayer}, which {@link dev.fastpath.iface.IpStack} implements: a route, a next hop, a
 * neighbour, then the headers around the segment.
 *
 * <p>Addresses ({@link dev.fastpath.iface.IpAddress}, {@link dev.fastpath.iface.IpCidr},
 * {@link dev.fastpath.iface.Route}) carry their family; the per-packet paths are IPv4 today and take plain
 * {@code int} addresses, the IPv6 ones will sit beside them.
 */
package dev.fastpath.iface;
