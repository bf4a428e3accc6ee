package dev.fastpath.stress;

/** Which TCP options the flood's SYNs carry. */
public enum SynOptions {
    /** MSS 1460, SACK-permitted, timestamps, NOP, window scale 7: what a Linux client sends. */
    LINUX,
    /** A bare 20-byte TCP header (the classic flood tool's SYN). */
    NONE
}
