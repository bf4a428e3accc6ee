package dev.fastpath.nativeio;

/**
 * Constants from {@code <linux/if_xdp.h>}: AF_XDP socket options, bind flags and the mmap page offsets of
 * the four rings. Checked against the C header by {@code LayoutProbeTest}.
 */
public final class if_xdp_h {

    // sockaddr_xdp.sxdp_flags.
    public static final int XDP_SHARED_UMEM = 1;
    public static final int XDP_COPY = 1 << 1;
    public static final int XDP_ZEROCOPY = 1 << 2;
    public static final int XDP_USE_NEED_WAKEUP = 1 << 3;

    // xdp_umem_reg.flags.
    public static final int XDP_UMEM_UNALIGNED_CHUNK_FLAG = 1;

    // The flags word of a ring: set by the kernel when it needs a poll()/sendto() kick.
    public static final int XDP_RING_NEED_WAKEUP = 1;

    // SOL_XDP socket options.
    public static final int XDP_MMAP_OFFSETS = 1;
    public static final int XDP_RX_RING = 2;
    public static final int XDP_TX_RING = 3;
    public static final int XDP_UMEM_REG = 4;
    public static final int XDP_UMEM_FILL_RING = 5;
    public static final int XDP_UMEM_COMPLETION_RING = 6;
    public static final int XDP_STATISTICS = 7;
    public static final int XDP_OPTIONS = 8;

    // xdp_options.flags.
    public static final int XDP_OPTIONS_ZEROCOPY = 1;

    // mmap offsets selecting which ring of the socket to map.
    public static final long XDP_PGOFF_RX_RING = 0L;
    public static final long XDP_PGOFF_TX_RING = 0x80000000L;
    public static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    public static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;

    // Unaligned-chunk mode: descriptor addr carries an offset in its top 16 bits.
    public static final int XSK_UNALIGNED_BUF_OFFSET_SHIFT = 48;
    public static final long XSK_UNALIGNED_BUF_ADDR_MASK = (1L << XSK_UNALIGNED_BUF_OFFSET_SHIFT) - 1;

    private if_xdp_h() { }
}
