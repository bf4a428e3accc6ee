package dev.fastpath.wire;

/**
 * Why a parser refused a frame. {@link #NONE} means accepted. Every other value becomes a counted drop
 * (the counter is named after the constant); none of them is ever an exception.
 */
public enum DropReason {
    NONE("accepted"),
    TRUNCATED_ETHERNET("frame shorter than an Ethernet header"),
    TRUNCATED_VLAN("frame ends inside an 802.1Q tag"),
    TOO_MANY_VLAN_TAGS("more than two stacked VLAN tags"),
    NOT_IPV4("EtherType is neither IPv4 nor ARP"),
    TRUNCATED_ARP("frame shorter than an Ethernet/IPv4 ARP packet"),
    UNSUPPORTED_ARP("ARP for another hardware or protocol type"),
    TRUNCATED_IPV4("frame ends inside the IPv4 header or before its total length"),
    BAD_IP_VERSION("IP version is not 4"),
    BAD_IHL("IPv4 header length below 20 bytes"),
    BAD_IP_TOTAL_LENGTH("IPv4 total length smaller than its header"),
    /** The total length runs past the frame: IpInTruncatedPkts (ip_rcv_core(), SKB_DROP_REASON_PKT_TOO_SMALL). */
    IP_TRUNCATED_PACKET("IPv4 total length beyond the frame"),
    /** ip_options_compile() refused an option: IpInHdrErrors, answered with an ICMP parameter problem. */
    BAD_IP_OPTIONS("malformed IPv4 option"),
    /** A source route option (LSRR/SSRR): ip_rcv_options() drops it, accept_source_route being 0 by default. */
    IP_SOURCE_ROUTE("IPv4 source route option"),
    BAD_IP_CHECKSUM("IPv4 header checksum mismatch"),
    UNSUPPORTED_PROTOCOL("IP protocol is neither TCP nor ICMP"),
    TRUNCATED_ICMP("ICMP message shorter than 8 bytes"),
    BAD_ICMP_CHECKSUM("ICMP checksum mismatch"),
    TRUNCATED_TCP("TCP segment shorter than 20 bytes"),
    BAD_DATA_OFFSET("TCP data offset below 5 words or past the segment"),
    BAD_OPTION_LENGTH("TCP option length below 2 or overrunning the header"),
    BAD_TCP_CHECKSUM("TCP checksum mismatch");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    /** @return a short human-readable description */
    public String description() {
        return description;
    }
}
