package dev.fastpath.tcp.cookie;

/**
 * Initial sequence numbers (RFC 6528) and timestamp offsets, as Linux's secure_seq.c: a keyed
 * SipHash of the 4-tuple plus a clock ticking every 64 ns; a keyed hash of the address pair for the
 * per-connection TSval offset (so a cookie connection can recompute it statelessly).
 */
public final class IsnGenerator {
    private final long seqKey0;
    private final long seqKey1;
    private final long tsKey0;
    private final long tsKey1;

    /** @param random where the keys come from */
    public IsnGenerator(RandomSource random) {
        seqKey0 = random.nextLong();
        seqKey1 = random.nextLong();
        tsKey0 = random.nextLong();
        tsKey1 = random.nextLong();
    }

    /**
     * Kernel: secure_tcp_seq().
     *
     * @return the ISN for a connection from (saddr, sport) to (daddr, dport) at nowNs
     */
    public int isn(int saddr, int daddr, int sport, int dport, long nowNs) {
        return (int) SipHash.hash3u32(seqKey0, seqKey1, saddr, daddr, sport << 16 | dport) + (int) (nowNs >>> 6);
    }

    /**
     * Kernel: secure_tcp_ts_off().
     *
     * @return the TSval offset for connections from saddr to daddr
     */
    public int tsOffset(int saddr, int daddr) {
        return (int) SipHash.hash(tsKey0, tsKey1, (saddr & 0xFFFF_FFFFL) | (long) daddr << 32, 0, 8);
    }

    /**
     * The timestamp-offset secret, for a copy of {@link #tsOffset} elsewhere (the XDP program).
     *
     * @param out receives its two words
     */
    public void tsKeys(long[] out) {
        out[0] = tsKey0;
        out[1] = tsKey1;
    }
}
