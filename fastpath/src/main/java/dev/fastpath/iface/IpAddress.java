package dev.fastpath.iface;

import dev.fastpath.wire.Ipv4Header;

/**
 * An IP address of either family: the family and up to 128 bits ({@code hi}, {@code lo}; an IPv4 address is
 * {@code lo}'s low 32 bits). For configuration and tables; the per-packet paths use plain {@code int}s for IPv4.
 *
 * @param family the family
 * @param hi     the high 64 bits (0 for IPv4)
 * @param lo     the low 64 bits
 */
public record IpAddress(IpFamily family, long hi, long lo) {

    /** Validates: an IPv4 address has nothing above its 32 bits. */
    public IpAddress {
        if (family == IpFamily.IPV4 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has 32 bits");
        }
    }

    /**
     * @param address an IPv4 address (network order, read big-endian)
     * @return it
     */
    public static IpAddress v4(int address) {
        return new IpAddress(IpFamily.IPV4, 0, address & 0xFFFF_FFFFL);
    }

    /**
     * Parses dotted-quad IPv4 ({@code 198.18.0.1}); IPv6 is not accepted yet.
     *
     * @param text the address
     * @return it
     * @throws IllegalArgumentException when it is not an IPv4 address
     */
    public static IpAddress parse(String text) {
        String[] parts = text.strip().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int a = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int b = Integer.parseInt(p);
            if (b > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            a = a << 8 | b;
        }
        return v4(a);
    }

    /**
     * @return the IPv4 address as an int
     * @throws IllegalStateException for an IPv6 address
     */
    public int v4() {
        if (family != IpFamily.IPV4) {
            throw new IllegalStateException("not an IPv4 address: " + this);
        }
        return (int) lo;
    }

    /** @return whether this is the unspecified address (0.0.0.0 or ::) */
    public boolean isUnspecified() {
        return hi == 0 && lo == 0;
    }

    @Override
    public String toString() {
        return family == IpFamily.IPV4 ? Ipv4Header.formatAddress((int) lo)
                : String.format("%016x%016x", hi, lo);
    }
}
