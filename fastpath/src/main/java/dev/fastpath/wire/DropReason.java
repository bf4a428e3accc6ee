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
    IP_OPTIONS("IPv4 options present"),
    IP_FRAGMENT("IPv4 fragment"),
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
