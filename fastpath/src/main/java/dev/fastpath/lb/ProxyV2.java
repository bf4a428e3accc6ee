package dev.fastpath.lb;

/**
 * The PROXY protocol version 2 header (HAProxy's proxy-protocol.txt, section 2.2): what a backend reads first on a
 * connection the balancer opened, to learn the client's address and port and the address it connected to. Binary:
 * the 12-byte signature, version 2 with the PROXY command, AF_INET over STREAM, then the addresses (no TLVs).
 */
public final class ProxyV2 {
    /** The header's length for TCP over IPv4: 16 bytes of preamble, 12 of addresses. */
    public static final int LENGTH_TCP4 = 28;
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Version 2 (high nibble), command PROXY (low nibble 1). */
    private static final byte VERSION_PROXY = 0x21;
    /** AF_INET (high nibble 1), STREAM (low nibble 1). */
    private static final byte TCP_OVER_IPV4 = 0x11;

    private ProxyV2() {
    }

    /**
     * Writes the header for a TCP connection over IPv4.
     *
     * @param dst        where ({@link #LENGTH_TCP4} bytes from {@code off})
     * @param off        offset
     * @param clientIp   the client's address (source)
     * @param clientPort the client's port
     * @param vipIp      the address the client connected to (destination)
     * @param vipPort    its port
     * @return the bytes written
     */
    public static int writeTcp4(byte[] dst, int off, int clientIp, int clientPort, int vipIp, int vipPort) {
        System.arraycopy(SIGNATURE, 0, dst, off, SIGNATURE.length);
        dst[off + 12] = VERSION_PROXY;
        dst[off + 13] = TCP_OVER_IPV4;
        dst[off + 14] = 0;
        dst[off + 15] = 12; // the address block's length, big-endian
        putInt(dst, off + 16, clientIp);
        putInt(dst, off + 20, vipIp);
        dst[off + 24] = (byte) (clientPort >>> 8);
        dst[off + 25] = (byte) clientPort;
        dst[off + 26] = (byte) (vipPort >>> 8);
        dst[off + 27] = (byte) vipPort;
        return LENGTH_TCP4;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
