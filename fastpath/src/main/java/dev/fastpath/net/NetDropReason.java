package dev.fastpath.net;

/**
 * Why the ARP/ICMP layer or the neighbour cache dropped or ignored a frame. Names follow the kernel's
 * {@code skb_drop_reason} where one exists (include/net/dropreason-core.h).
 */
public enum NetDropReason {
    ARP_TARGET_NOT_LOCAL("ARP for another address (RFC 826: merge only, no reply)"),
    ARP_BAD_OPCODE("ARP operation is neither request nor reply"),
    ARP_BAD_SENDER("ARP sender address is multicast, broadcast, loopback or ours (arp_process() rejects it)"),
    ARP_VLAN("ARP arrived with an 802.1Q tag; this stack sends untagged only"),
    ICMP_NOT_LOCAL("ICMP to another or a broadcast address (icmp_echo_ignore_broadcasts)"),
    ICMP_UNSUPPORTED_TYPE("ICMP type other than echo request or an error this stack acts on"),
    ICMP_QUOTE_TRUNCATED("ICMP error too short for the quoted IPv4 header and 8 bytes of TCP (ICMP_MIB_INERRORS)"),
    ICMP_QUOTE_NOT_OURS("ICMP error quoting a datagram that is not TCP or was not sent from our address"),
    ICMP_NO_SOCKET("ICMP error quoting a TCP segment of no connection we have (ICMP_MIB_INERRORS)"),
    ICMP_IGNORED_BY_TCP("ICMP error TCP ignores: out of window, TIME_WAIT, redirect, unknown code, MTU not lower"),
    ICMP_TOO_LONG("echo reply would not fit one TX frame"),
    ICMP_VLAN("ICMP arrived with an 802.1Q tag; this stack sends untagged only"),
    TX_RING_FULL("no TX frame free for a reply or request"),
    NEIGH_UNRESOLVED("next hop still being resolved and its queue full, or a frame that could not wait "
            + "(SKB_DROP_REASON_NEIGH_QUEUEFULL)"),
    NEIGH_FAILED("next hop did not answer ARP (SKB_DROP_REASON_NEIGH_FAILED)"),
    NEIGH_CREATEFAIL("neighbour table full (SKB_DROP_REASON_NEIGH_CREATEFAIL)"),
    NO_ROUTE("off-subnet destination and no gateway (IPSTATS_MIB_OUTNOROUTES)"),
    IP_LOCAL_SOURCE("IPv4 source is our own address: a LAND attack (SKB_DROP_REASON_IP_LOCAL_SOURCE, martian source)"),
    IP_INVALID_SOURCE("IPv4 source is multicast, broadcast, 0.0.0.0 or loopback (SKB_DROP_REASON_IP_INVALID_SOURCE)"),
    IP_FRAG_DUPLICATE("IPv4 fragment lying wholly inside one already held (SKB_DROP_REASON_DUP_FRAG; the queue stays)"),
    IP_FRAG_FAILED("IPv4 fragment of a datagram that cannot be reassembled (counted in IpReasmFails)");

    private final String description;

    NetDropReason(String description) {
        this.description = description;
    }

    /** @return what the drop means */
    public String description() {
        return description;
    }
}
