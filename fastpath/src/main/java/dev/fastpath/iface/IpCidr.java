package dev.fastpath.iface;

/**
 * An address with a prefix length: an interface address ({@code 198.18.0.1/24}) or a route's destination
 * ({@code 0.0.0.0/0}).
 *
 * @param address      the address
 * @param prefixLength 0 .. the family's bits
 */
public record IpCidr(IpAddress address, int prefixLength) {

    /** Validates the prefix length. */
    public IpCidr {
        if (prefixLength < 0 || prefixLength > address.family().bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0.."
                    + address.family().bits());
        }
    }

    /**
     * @param address      an IPv4 address
     * @param prefixLength 0..32
     * @return the IPv4 prefix
     */
    public static IpCidr v4(int address, int prefixLength) {
        return new IpCidr(IpAddress.v4(address), prefixLength);
    }

    /**
     * Parses {@code ADDR/PREFIX} (IPv4), e.g. {@code 198.18.0.1/24}.
     *
     * @param text the text
     * @return the prefix
     * @throws IllegalArgumentException when it is not of that form
     */
    public static IpCidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected ADDR/PREFIX, e.g. 198.18.0.1/24: " + text);
        }
        String p = text.substring(slash + 1).strip();
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new IpCidr(IpAddress.parse(text.substring(0, slash)), Integer.parseInt(p));
    }

    /**
     * @param prefixLength 0..32
     * @return the IPv4 netmask as an int
     */
    public static int maskV4(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** @return the IPv4 netmask */
    public int maskV4() {
        return maskV4(prefixLength);
    }

    /**
     * @param ip an IPv4 address
     * @return whether it lies in this IPv4 prefix
     */
    public boolean containsV4(int ip) {
        return address.family() == IpFamily.IPV4 && ((address.v4() ^ ip) & maskV4()) == 0;
    }

    /** @return the prefix with the host bits cleared (the network of an interface address) */
    public IpCidr network() {
        if (address.family() != IpFamily.IPV4) {
            throw new UnsupportedOperationException("IPv6 prefixes are not built yet");
        }
        return v4(address.v4() & maskV4(), prefixLength);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
