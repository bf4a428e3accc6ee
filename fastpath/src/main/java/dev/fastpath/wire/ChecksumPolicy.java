package dev.fastpath.wire;

/**
 * How the parser treats L4 (TCP, ICMP) checksums. IPv4 header checksums are always verified: every
 * sender computes them in software.
 */
public enum ChecksumPolicy {
    /** Verify every L4 checksum, even when the backend flagged it as unfinished. */
    STRICT,
    /**
     * Verify, except that a frame the backend flagged {@code RX_CSUM_PARTIAL} (AF_PACKET's
     * TP_STATUS_CSUMNOTREADY) is accepted unverified.
     */
    TRUST_FLAG,
    /**
     * Verify; a checksum that is wrong but equals the unfinished value a CHECKSUM_PARTIAL sender leaves
     * (the folded pseudo-header sum) is also accepted. For AF_XDP on veth, which gives no flag
     * (docs/design.md): random corruption is still caught, the kernel peer's frames pass.
     */
    ACCEPT_PARTIAL,
    /** Do not verify L4 checksums (the device verified them). */
    TRUST_DEVICE
}
