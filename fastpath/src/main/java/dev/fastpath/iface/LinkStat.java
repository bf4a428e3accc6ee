package dev.fastpath.iface;

/** Frames before any protocol takes them; Fastpath's own counters, so they start with {@code Fp}. */
public enum LinkStat {
    /** Frames received from the rings. */
    FpRxFrames,
    /** Unicast frames to another MAC (PACKET_OTHERHOST): dropped as ip_rcv() drops them. */
    FpRxOtherHost,
    /** TCP segments in frames to a broadcast or multicast MAC: tcp_v4_rcv() drops them (pkt_type != PACKET_HOST). */
    FpRxNotHost,
    /** Parsed frames no protocol here handles (neither TCP, ARP nor ICMP). */
    FpRxUnhandled
}
