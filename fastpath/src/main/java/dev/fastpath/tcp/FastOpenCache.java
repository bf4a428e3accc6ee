package dev.fastpath.tcp;

import dev.fastpath.table.ConnectionTable;

/**
 * The TCP Fast Open client's cookie cache (RFC 7413 §4.1, Linux's tcp_fastopen_cache_get/set): the
 * cookie a server gave, per server address. Direct-mapped and fixed in size: a collision replaces the
 * older cookie, which only costs that server one more cookie request.
 */
final class FastOpenCache {
    private static final int SLOTS = 1024;
    private final int[] ip = new int[SLOTS];
    private final byte[] length = new byte[SLOTS];
    private final long[] hi = new long[SLOTS];
    private final long[] lo = new long[SLOTS];
    /** The server's MSS from its last SYN-ACK (Linux tfom->mss), 0 when unknown. */
    private final short[] mss = new short[SLOTS];
    private final long seed;

    FastOpenCache(long seed) {
        this.seed = seed;
    }

    private int slot(int address) {
        return ConnectionTable.hash(address, 0, seed) & (SLOTS - 1);
    }

    /** @return the slot holding a cookie for this server, or −1 */
    int find(int address) {
        int i = slot(address);
        return length[i] > 0 && ip[i] == address ? i : -1;
    }

    void put(int address, int cookieLength, long cookieHi, long cookieLo) {
        update(address, 0, cookieLength, cookieHi, cookieLo);
    }

    /**
     * Kernel: tcp_fastopen_cache_set(): the MSS when known, the cookie when one came (an entry of another
     * server in the slot is replaced).
     */
    void update(int address, int serverMss, int cookieLength, long cookieHi, long cookieLo) {
        int i = slot(address);
        if (ip[i] != address) {
            ip[i] = address;
            length[i] = 0;
            mss[i] = 0;
        }
        if (serverMss > 0) {
            mss[i] = (short) Math.min(serverMss, Short.MAX_VALUE);
        }
        if (cookieLength > 0) {
            length[i] = (byte) cookieLength;
            hi[i] = cookieHi;
            lo[i] = cookieLo;
        }
    }

    /** @return the MSS cached for this server, or 0 */
    int mss(int address) {
        int i = slot(address);
        return ip[i] == address ? mss[i] : 0;
    }

    int length(int slot) {
        return length[slot];
    }

    long hi(int slot) {
        return hi[slot];
    }

    long lo(int slot) {
        return lo[slot];
    }
}
