package dev.fastpath.tcp;

import dev.fastpath.table.ConnectionTable;
import java.util.Arrays;

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
    /** The cookie came in the experimental option (kind 254): it goes back in that form (cookie.exp). */
    private final boolean[] exp = new boolean[SLOTS];
    /**
     * Linux tfom->try_exp: 1 when a cookie request in RFC 7413's option got none (ask in the experimental form
     * next), 2 when the experimental request got none too (back to RFC 7413's form for good).
     */
    private final byte[] tryExp = new byte[SLOTS];
    private final long seed;
    /** tfo_active_disable_times, tfo_active_disable_stamp: the blackhole pauses so far, when the last began. */
    int disableTimes;
    long disableStampNs;

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
        update(address, 0, cookieLength, cookieHi, cookieLo, false, 0);
    }

    /**
     * Kernel: tcp_metrics.c tcp_fastopen_cache_set(): the MSS when known, the cookie when one came (an entry
     * of another server in the slot is replaced); without a cookie, a higher try_exp when no cookie (plain or
     * experimental) is cached.
     */
    void update(int address, int serverMss, int cookieLength, long cookieHi, long cookieLo, boolean cookieExp,
            int tryExpNext) {
        int i = slot(address);
        if (ip[i] != address) {
            ip[i] = address;
            length[i] = 0;
            mss[i] = 0;
            exp[i] = false;
            tryExp[i] = 0;
        }
        if (serverMss > 0) {
            mss[i] = (short) Math.min(serverMss, Short.MAX_VALUE);
        }
        if (cookieLength > 0) {
            length[i] = (byte) cookieLength;
            hi[i] = cookieHi;
            lo[i] = cookieLo;
            exp[i] = cookieExp;
        } else if (tryExpNext > tryExp[i] && length[i] <= 0 && !exp[i]) {
            tryExp[i] = (byte) tryExpNext;
        }
    }

    /**
     * Kernel: tcp_fastopen_cache_get()'s cookie.exp: whether the SYN's option takes the experimental form — the
     * cached cookie came in it, or no cookie is cached and the plain request went unanswered once.
     */
    boolean exp(int address) {
        int i = slot(address);
        if (ip[i] != address) {
            return false;
        }
        return exp[i] || length[i] <= 0 && tryExp[i] == 1;
    }

    /** Forgets every server ({@code ip tcp_metrics flush all}). */
    void flush() {
        Arrays.fill(ip, 0);
        Arrays.fill(length, (byte) 0);
        Arrays.fill(mss, (short) 0);
        Arrays.fill(exp, false);
        Arrays.fill(tryExp, (byte) 0);
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
