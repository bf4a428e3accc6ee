/**
 * The link and network layer around the TCP engine: ARP (RFC 826) answers and resolution, the neighbour
 * cache that feeds the engine's next-hop lookups (with a gateway for off-subnet destinations), and ICMP
 * echo replies (RFC 792). Single-threaded, on the worker; no allocation per frame. Every frame not
 * answered is a counted {@link dev.fastpath.net.NetDropReason}.
 */
package dev.fastpath.net;
