package dev.fastpath.net;

/**
 * The addresses of one interface, as ARP and ICMP need them: which are ours, which one to speak from towards a
 * neighbour, and the link address. The interface layer implements it; an interface may hold several addresses.
 */
public interface LocalAddresses {
    /**
     * @param ip an IPv4 address
     * @return whether it is one of this interface's addresses
     */
    boolean isLocalV4(int ip);

    /**
     * Kernel: inet_select_addr(): the address to put in a packet to {@code target} (ARP's sender, an echo reply's
     * source when the request was not to one of ours): one on the target's subnet, else the first.
     *
     * @param target the neighbour
     * @return one of this interface's addresses
     */
    int sourceForV4(int target);

    /** @return how many IPv4 addresses the interface has */
    int countV4();

    /**
     * @param i 0 .. {@link #countV4()} − 1
     * @return the i-th address, in the order configured
     */
    int addressV4(int i);

    /** @return the interface's MAC */
    long mac();
}
