package dev.fastpath.iface;

/** An address family: IPv4 now, IPv6 to come (its paths are not built yet). */
public enum IpFamily {
    /** 32-bit addresses. */
    IPV4(32),
    /** 128-bit addresses. */
    IPV6(128);

    private final int bits;

    IpFamily(int bits) {
        this.bits = bits;
    }

    /** @return the address length in bits: the largest prefix length */
    public int bits() {
        return bits;
    }
}
