package dev.fastpath.poll;

/** A worker's own counters (the frames before any layer takes them); Fastpath's, so they start with {@code Fp}. */
public enum WorkerStat {
    /** Frames received from the ring. */
    FpRxFrames,
    /** Unicast frames to another MAC (PACKET_OTHERHOST): dropped as ip_rcv() drops them. */
    FpRxOtherHost,
    /** Parsed frames no layer handles (neither TCP, ARP nor ICMP). */
    FpRxUnhandled,
    /** Bytes the worker's thread allocated while it ran (set when it stops). */
    FpWorkerAllocatedBytes
}
