package dev.fastpath.iface;

/** Frames before any protocol takes them; Fastpath's own counters, so they start with {@code Fp}. */
public enum LinkStat {
    /** Frames received from the rings. */
    FpRxFrames,
    /** Unicast frames to another MAC (PACKET_OTHERHOST): dropped as ip_rcv() drops them. */
    FpRxOtherHost,
    /** Parsed frames no protocol here handles (neither TCP, ARP nor ICMP). */
    FpRxUnhandled
}
