package dev.fastpath.tcp.cookie;

/**
 * SYN cookies with Linux's encoding (net/ipv4/syncookies.c): the SYN-ACK's ISN is
 * {@code H0(tuple) + clientIsn + (minute << 24) + ((H1(tuple, minute) + mssIndex) mod 2^24)}, H a
 * keyed SipHash over the 4-tuple, so the final ACK proves the handshake without any stored state.
 * A cookie is accepted while its minute counter is less than {@link #MAX_AGE} minutes old. With
 * timestamps, the low 6 bits of the SYN-ACK's TSval carry window scale, SACK and ECN.
 *
 * <p>Secrets: two SipHash keys drawn once, as Linux does (it re-keys only at boot). {@link #rekey}
 * exists for tests and for operators who want to rotate; every cookie issued before it then fails.
 */
public final class SynCookies {
    /** Linux's MSS table; a cookie carries the index of the largest entry not above the peer's MSS. */
    public static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    /** Minutes a cookie stays valid (Linux MAX_SYNCOOKIE_AGE). */
    public static final int MAX_AGE = 2;
    /** How long after a SYN-queue overflow cookies are checked at all (Linux TCP_SYNCOOKIE_VALID). */
    public static final long VALID_NS = 2 * 60 * 1_000_000_000L;
    /** Bits of TSval used for options. */
    public static final int TS_BITS = 6;
    /** Window-scale field value meaning "no window scaling". */
    public static final int TS_NO_WSCALE = 0xF;
    public static final int TS_SACK = 1 << 4;
    public static final int TS_ECN = 1 << 5;

    private static final int COOKIE_BITS = 24;
    private static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;
    private static final long MINUTE_NS = 60_000_000_000L;

    private long k00;
    private long k01;
    private long k10;
    private long k11;

    /** @param random where the secrets come from */
    public SynCookies(RandomSource random) {
        rekey(random);
    }

    /** @param random draws new secrets; cookies issued before stop validating */
    public void rekey(RandomSource random) {
        k00 = random.nextLong();
        k01 = random.nextLong();
        k10 = random.nextLong();
        k11 = random.nextLong();
    }

    /**
     * The secrets, for a copy of this algorithm elsewhere (the XDP program that answers SYNs).
     *
     * @param out receives k00, k01, k10, k11
     */
    public void keys(long[] out) {
        out[0] = k00;
        out[1] = k01;
        out[2] = k10;
        out[3] = k11;
    }

    private int hash(int saddr, int daddr, int sport, int dport, int count, int c) {
        int ports = sport << 16 | dport;
        return (int) (c == 0 ? SipHash.hash4u32(k00, k01, saddr, daddr, ports, count)
                : SipHash.hash4u32(k10, k11, saddr, daddr, ports, count));
    }

    /** Linux tcp_cookie_time(): minutes. */
    static int cookieTime(long nowNs) {
        return (int) (nowNs / MINUTE_NS);
    }

    /**
     * @param peerMss the MSS the SYN offered (already clamped by ours)
     * @return the index into {@link #MSS_TABLE} a cookie encodes
     */
    public static int mssIndex(int peerMss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && peerMss < MSS_TABLE[i]) {
            i--;
        }
        return i;
    }

    /**
     * Kernel: __cookie_v4_init_sequence() / secure_tcp_syn_cookie().
     *
     * @param saddr     the SYN's source (the client)
     * @param daddr     the SYN's destination (us)
     * @param sport     client port
     * @param dport     our port
     * @param clientIsn the SYN's sequence number
     * @param mssIndex  from {@link #mssIndex}
     * @param nowNs     the current time
     * @return the ISN for the SYN-ACK
     */
    public int cookieV4InitSequence(int saddr, int daddr, int sport, int dport, int clientIsn, int mssIndex,
            long nowNs) {
        int count = cookieTime(nowNs);
        return hash(saddr, daddr, sport, dport, 0, 0) + clientIsn + (count << COOKIE_BITS)
                + ((hash(saddr, daddr, sport, dport, count, 1) + mssIndex) & COOKIE_MASK);
    }

    /**
     * Kernel: __cookie_v4_check() / check_tcp_syn_cookie().
     *
     * @param saddr  the ACK's source (the client)
     * @param daddr  the ACK's destination (us)
     * @param sport  client port
     * @param dport  our port
     * @param ackSeq the ACK's acknowledgment number (cookie + 1)
     * @param seq    the ACK's sequence number (client ISN + 1)
     * @param nowNs  the current time
     * @return the MSS the cookie encodes, or 0 when it is not a valid cookie
     */
    public int cookieV4Check(int saddr, int daddr, int sport, int dport, int ackSeq, int seq, long nowNs) {
        int cookie = ackSeq - 1 - (hash(saddr, daddr, sport, dport, 0, 0) + (seq - 1));
        int count = cookieTime(nowNs);
        int diff = (count - (cookie >>> COOKIE_BITS)) & (-1 >>> COOKIE_BITS);
        if (diff >= MAX_AGE) {
            return 0;
        }
        int index = (cookie - hash(saddr, daddr, sport, dport, count - diff, 1)) & COOKIE_MASK;
        return index < MSS_TABLE.length ? MSS_TABLE[index] : 0;
    }

    /**
     * Kernel: cookie_init_timestamp(): TSval (in ms, before the per-pair offset) whose low 6 bits
     * carry the SYN's options, never ahead of the clock.
     *
     * @param nowMs  the timestamp clock
     * @param wscale the peer's window scale, or −1 when it sent none
     * @param sack   whether the peer offered SACK
     * @param ecn    whether ECN was negotiated
     * @return the TSval to send
     */
    public static int cookieInitTimestamp(long nowMs, int wscale, boolean sack, boolean ecn) {
        long options = (wscale < 0 ? TS_NO_WSCALE : wscale) | (sack ? TS_SACK : 0) | (ecn ? TS_ECN : 0);
        long ts = (nowMs >>> TS_BITS) << TS_BITS | options;
        if (ts > nowMs) {
            ts -= 1L << TS_BITS;
        }
        return (int) ts;
    }

    /**
     * Kernel: cookie_timestamp_decode(): the window scale an echoed TSecr carries.
     *
     * @param tsEcr the ACK's TSecr minus the pair's timestamp offset
     * @return the window scale, or −1 for none
     */
    public static int decodeWscale(int tsEcr) {
        int w = tsEcr & TS_NO_WSCALE;
        return w == TS_NO_WSCALE ? -1 : w;
    }

    /**
     * @param tsEcr the ACK's TSecr minus the pair's timestamp offset
     * @return whether SACK was offered
     */
    public static boolean decodeSack(int tsEcr) {
        return (tsEcr & TS_SACK) != 0;
    }

    /**
     * @param tsEcr the ACK's TSecr minus the pair's timestamp offset
     * @return whether ECN was negotiated
     */
    public static boolean decodeEcn(int tsEcr) {
        return (tsEcr & TS_ECN) != 0;
    }
}
