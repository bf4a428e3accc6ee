package dev.fastpath.stress;

import dev.fastpath.wire.Ipv4Header;

/**
 * Walks every (source address, source port) pair of a CIDR block × a port range exactly once, so a flood
 * never repeats a 4-tuple (the destination is fixed). Pair {@code i} is address {@code i mod A} and port
 * {@code i div A} (A addresses): consecutive SYNs come from different addresses, as a spread-out flood's
 * do, and the walk is a bijection from {@code 0..size-1}, hence no repeats. {@link #next()} only increments
 * (no division per packet) and allocates nothing.
 *
 * <p>Addresses: a block of prefix 30 or shorter leaves out its network and broadcast addresses; /31 has
 * two usable addresses (RFC 3021), /32 one.
 */
public final class TupleWalker {

    /** Lowest default source port (below it are the well-known ports). */
    public static final int DEFAULT_PORT_LO = 1024;
    /** Highest default source port. */
    public static final int DEFAULT_PORT_HI = 65535;

    private final int firstAddress;
    private final int addressCount;
    private final int portLo;
    private final int portCount;
    private final long size;
    private long index = -1;
    private int addressIndex = -1;
    private int portIndex;

    /**
     * @param firstAddress the first address walked
     * @param addressCount how many consecutive addresses
     * @param portLo       the first source port
     * @param portHi       the last source port (inclusive)
     */
    public TupleWalker(int firstAddress, int addressCount, int portLo, int portHi) {
        if (addressCount < 1) {
            throw new IllegalArgumentException("addressCount = " + addressCount + " must be at least 1");
        }
        if (portLo < 1 || portHi > 65535 || portLo > portHi) {
            throw new IllegalArgumentException("port range " + portLo + "-" + portHi + " must lie within 1-65535");
        }
        this.firstAddress = firstAddress;
        this.addressCount = addressCount;
        this.portLo = portLo;
        this.portCount = portHi - portLo + 1;
        this.size = (long) addressCount * portCount;
    }

    /**
     * A walker over the usable addresses of a CIDR block.
     *
     * @param cidr   e.g. {@code 198.19.0.0/16}
     * @param portLo the first source port
     * @param portHi the last source port (inclusive)
     * @return the walker
     * @throws IllegalArgumentException when the block is malformed or its prefix is shorter than 8
     */
    public static TupleWalker ofCidr(String cidr, int portLo, int portHi) {
        int slash = cidr.indexOf('/');
        int prefix;
        int address;
        try {
            address = Ipv4Header.parseAddress(slash < 0 ? cidr : cidr.substring(0, slash));
            prefix = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 CIDR block (e.g. 198.19.0.0/16)", e);
        }
        if (prefix < 8 || prefix > 32) {
            throw new IllegalArgumentException("prefix /" + prefix + " of " + cidr + " must be in 8..32");
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int network = address & mask;
        long span = 1L << (32 - prefix);
        if (prefix <= 30) {
            return new TupleWalker(network + 1, (int) (span - 2), portLo, portHi);
        }
        return new TupleWalker(network, (int) span, portLo, portHi);
    }

    /**
     * Steps to the next pair.
     *
     * @return false when every pair has been walked (the current pair is then unchanged)
     */
    public boolean next() {
        if (index + 1 >= size) {
            return false;
        }
        index++;
        if (++addressIndex == addressCount) {
            addressIndex = 0;
            portIndex++;
        }
        return true;
    }

    /** @return the current source address (after a successful {@link #next()}) */
    public int address() {
        return firstAddress + addressIndex;
    }

    /** @return the current source port */
    public int port() {
        return portLo + portIndex;
    }

    /** @return how many pairs the walk has in all */
    public long size() {
        return size;
    }

    /** @return how many pairs have been handed out */
    public long walked() {
        return index + 1;
    }

    /** @return how many pairs are left */
    public long remaining() {
        return size - walked();
    }

    /**
     * @param address an IPv4 address
     * @return whether the walk covers it
     */
    public boolean containsAddress(int address) {
        return Integer.toUnsignedLong(address - firstAddress) < addressCount;
    }

    /**
     * @param port a TCP port
     * @return whether the walk covers it
     */
    public boolean containsPort(int port) {
        return port >= portLo && port < portLo + portCount;
    }

    /** @return the first address of the walk */
    public int firstAddress() {
        return firstAddress;
    }

    /** @return how many addresses the walk covers */
    public int addressCount() {
        return addressCount;
    }

    /** @return the first source port */
    public int portLo() {
        return portLo;
    }

    /** @return the number of source ports */
    public int portCount() {
        return portCount;
    }
}
